#!/bin/bash
# 026-nvme-ioctl-passthrough: nvme-cli on the multipath disk, as on native's
# head: id-ns, id-ctrl, smart-log, error-log, get-log and io-passthru on
# /dev/mpnvme0n1 (QEMU's two-controller subsystem) answer as the same
# commands on a path disk do - an admin command reaches the controller of
# the path the policy chooses (its cntlid is one of the paths').  A read by
# io-passthru returns the block's data; an unknown ioctl gets ENOTTY.  The
# block_bio_remap tracepoint shows each bio going from the multipath disk to
# its path (what blktrace follows), and the geometry is nvme-core's.
#@ topology: qemu2
#@ timeout: 200
. "$(dirname "$0")/../lib/guest.sh"
. "$(dirname "$0")/../lib/mpath.sh"

mpath_load iopolicy=numa
MP=mpnvme0n1
mp_wait_slaves $MP 2 20 || fail "$MP slaves: '$(mp_slaves $MP | xargs)'"
a=$(mp_slaves $MP | sed -n 1p) b=$(mp_slaves $MP | sed -n 2p)

j() { nvme "$@" -o json 2>/tmp/nvme.err || fail "nvme $* failed: $(cat /tmp/nvme.err)"; }
[ "$(j id-ns /dev/$MP | jq -S .)" = "$(j id-ns /dev/$a | jq -S .)" ] ||
	fail "id-ns on $MP differs from id-ns on $a"
[ "$(nvme get-ns-id /dev/$MP 2>&1 | sed -n 's/.*namespace-id:\([0-9]*\).*/\1/p')" = 1 ] ||
	fail "get-ns-id on $MP: $(nvme get-ns-id /dev/$MP 2>&1)"
idc=$(j id-ctrl /dev/$MP)
cnt=$(echo "$idc" | jq .cntlid)
ca=$(j id-ctrl /dev/$a | jq .cntlid) cb=$(j id-ctrl /dev/$b | jq .cntlid)
[ "$cnt" = "$ca" ] || [ "$cnt" = "$cb" ] || fail "id-ctrl on $MP: cntlid $cnt is neither path's ($ca, $cb)"
for f in sn mn subnqn nn; do
	[ "$(echo "$idc" | jq -r .$f)" = "$(j id-ctrl /dev/$a | jq -r .$f)" ] || fail "id-ctrl $f differs on $MP"
done
j smart-log /dev/$MP | jq -e '.temperature > 0' > /dev/null || fail "smart-log on $MP has no temperature"
j error-log /dev/$MP | jq -e '.errors | length > 0' > /dev/null || fail "error-log on $MP has no entries"
nvme get-log /dev/$MP --log-id=2 --log-len=512 --raw-binary > /tmp/log2.bin 2>/tmp/nvme.err ||
	fail "get-log on $MP failed: $(cat /tmp/nvme.err)"
[ "$(stat -c %s /tmp/log2.bin)" = 512 ] || fail "get-log returned $(stat -c %s /tmp/log2.bin) bytes"

# io-passthru: Read (opcode 2) of LBA 8, one 512-byte block, vs dd
dd if=/dev/urandom of=/tmp/blk bs=512 count=1 status=none
dd if=/tmp/blk of=/dev/$MP bs=512 seek=8 count=1 oflag=direct status=none || fail "write of LBA 8 failed"
nvme io-passthru /dev/$MP --opcode=2 --namespace-id=1 --data-len=512 --read \
	--cdw10=8 --cdw11=0 --cdw12=0 --raw-binary > /tmp/pt.bin 2>/tmp/nvme.err ||
	fail "io-passthru read on $MP failed: $(cat /tmp/nvme.err)"
cmp -s /tmp/pt.bin /tmp/blk || fail "io-passthru read of LBA 8 returned other data"

python3 - /dev/$MP <<'PY' || fail "ioctl checks failed"
import errno, fcntl, os, struct, sys
fd = os.open(sys.argv[1], os.O_RDONLY)
try:
    fcntl.ioctl(fd, 0x1234, b"\0" * 8)          # no NVMe ioctl: not forwarded
    sys.exit("unknown ioctl accepted")
except OSError as e:
    if e.errno != errno.ENOTTY:
        sys.exit("unknown ioctl: %s, expected ENOTTY" % e)
geo = fcntl.ioctl(fd, 0x0301, b"\0" * 16)      # HDIO_GETGEO
heads, sectors, cyl, start = struct.unpack("BBHL", geo)
size = int(open("/sys/block/%s/size" % os.path.basename(sys.argv[1])).read())
if (heads, sectors, cyl) != (64, 32, (size >> 11) & 0xffff):
    sys.exit("geometry %d/%d/%d" % (heads, sectors, cyl))
PY

T=/sys/kernel/debug/tracing
[ -d $T/events ] || mount -t tracefs nodev $T 2>/dev/null
echo > $T/trace
echo 1 > $T/events/block/block_bio_remap/enable || fail "no block_bio_remap event"
dd if=/dev/$MP of=/dev/null bs=4k count=16 iflag=direct status=none
echo 0 > $T/events/block/block_bio_remap/enable
mpdev=$(cat /sys/block/$MP/dev | tr : ,)
n=$(grep -c "<- ($mpdev)" $T/trace)
[ "$n" -ge 16 ] || fail "block_bio_remap from $MP ($mpdev): $n events for 16 reads: $(grep -m3 remap $T/trace)"
pass "nvme-cli id-ns/id-ctrl (cntlid $cnt)/smart-log/error-log/get-log/io-passthru on $MP as on its paths; ENOTTY for others; geometry; $n bio remaps traced"
