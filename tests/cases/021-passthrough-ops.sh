#!/bin/bash
# 021-passthrough-ops: flush, discard and write-zeroes sent to the multipath
# disk reach a path (its /sys/block/<path>/stat counters move), and their
# effect is right: write-zeroes leaves zeroes.  The multipath disk advertises
# the paths' write cache, so flushes are not dropped on the way.
#@ topology: qemu2
#@ timeout: 180
. "$(dirname "$0")/../lib/guest.sh"
. "$(dirname "$0")/../lib/mpath.sh"

mpath_load
MP=mpnvme0n1
mp_wait_slaves $MP 2 20 || fail "no $MP with 2 paths"
# stat fields: 12 discard I/Os, 16 flush I/Os (Documentation/block/stat.rst)
stat_sum() { local s t=0; for s in $(mp_slaves $MP); do t=$((t + $(awk -v f=$1 '{print $f}' /sys/block/$s/stat))); done; echo $t; }
p=$(mp_slaves $MP | head -1)
log "path write_cache: $(cat /sys/block/$p/queue/write_cache), $MP: $(cat /sys/block/$MP/queue/write_cache)"
[ "$(cat /sys/block/$MP/queue/write_cache)" = "$(cat /sys/block/$p/queue/write_cache)" ] || fail "write cache mode not inherited"
[ "$(cat /sys/block/$MP/queue/discard_max_bytes)" -gt 0 ] || fail "$MP does not advertise discard"

f0=$(stat_sum 16)
run dd if=/dev/urandom of=/dev/$MP bs=64k count=16 conv=fsync status=none
f1=$(stat_sum 16)
if [ "$(cat /sys/block/$p/queue/write_cache)" = "write back" ]; then
	[ $f1 -gt $f0 ] || fail "fsync on $MP sent no flush to a path ($f0 -> $f1)"
fi
d0=$(stat_sum 12)
run blkdiscard -o 0 -l 1M /dev/$MP
d1=$(stat_sum 12)
[ $d1 -gt $d0 ] || fail "discard on $MP did not reach a path ($d0 -> $d1)"
run dd if=/dev/urandom of=/dev/$MP bs=64k count=16 oflag=direct status=none
run blkdiscard -z -o 0 -l 1M /dev/$MP
cmp -n 1048576 /dev/$MP /dev/zero || fail "write-zeroes through $MP left data"
pass "flush $f0->$f1, discard $d0->$d1 on the paths; write-zeroes zeroed 1 MiB"
