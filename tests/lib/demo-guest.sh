#!/bin/bash
# tests/lib/demo-guest.sh - what tests/demo runs inside the guest (not a case).
# Two-controller QEMU NVMe subsystem (topology qemu2) + in-guest NVMe-oF TCP
# target on two ports; loads nvme_mpath, shows the block device tree and
# `nvme-mpath list`, then runs fio verify on the multipath disk while one of
# its two TCP controllers is deleted, shows the disk's `nvme-mpath list` and
# `stats` again, and prints fio's result.
#@ topology: qemu2
. "$(dirname "$0")/../lib/guest.sh"

banner() { echo; echo "=== $* ==="; }

banner "kernel $(uname -r), nvme_core multipath=$(cat /sys/module/nvme_core/parameters/multipath)"
banner "NVMe-oF TCP target on 127.0.0.1:4420 and :4421"
tcp_target_setup ports=4420,4421 ns=1 size=256 > /dev/null
c0=${TCP_CTRL[4420]} c1=${TCP_CTRL[4421]}
t0=$(disks_of_ctrl "$c0")
log "port 4420 -> $c0 ($t0), port 4421 -> $c1 ($(disks_of_ctrl "$c1"))"

banner "load nvme_mpath"
mpath_load
# the multipath disk that has the TCP path disk $t0 among its slaves
find_mp() {
	local m
	for m in $(mp_disks); do mp_slaves "$m" | grep -qx "$t0" && { MP=$m; return 0; }; done
	return 1
}
wait_for 30 find_mp || fail "no multipath disk over $t0 (mp disks: $(mp_disks | xargs))"
mp_wait_slaves "$MP" 2 30 || fail "$MP does not have 2 paths: $(mp_slaves "$MP" | xargs)"
log "multipath disks: $(mp_disks | xargs)"

banner "lsblk"
lsblk -o NAME,MAJ:MIN,SIZE,TYPE,WWN 2>/dev/null || lsblk

banner "/sys/block/$MP/slaves"
ls -l "/sys/block/$MP/slaves" | sed 1d
banner "nvme-mpath list"
if [ -x "$MPATH_TOOL" ]; then
	"$MPATH_TOOL" list
else
	echo "(no $MPATH_TOOL: tools/ not built)"
fi

banner "fio verify on /dev/$MP (20 s) while $c1 is deleted after 5 s"
fio_verify_start "/dev/$MP" 20
sleep 5
ctrl_delete "$c1"
wait_for 15 test ! -e "/sys/class/nvme/$c1" || log "$c1 still present"
log "paths of $MP now: $(mp_slaves "$MP" | xargs)"
if [ -x "$MPATH_TOOL" ]; then
	# -v: the disk's failovers and writes_held too (the writes in flight on
	# the lost TCP path wait for the TP4129 hold before they are resent)
	banner "nvme-mpath list -v $MP, after $c1 is gone"
	"$MPATH_TOOL" list -v "$MP"
	banner "nvme-mpath stats $MP -i 1 -c 2, fio still running"
	"$MPATH_TOOL" stats "$MP" -i 1 -c 2
fi
if fio_verify_wait; then r=0; else r=1; fi
banner "fio result"
jq -r '.jobs[] | "job \(.jobname): error=\(.error) write=\(.write.io_bytes/1048576|floor)MiB iops=\(.write.iops|floor) read(verify)=\(.read.io_bytes/1048576|floor)MiB"' "$FIO_OUT"
[ $r = 0 ] || fail "fio verify on $MP failed while $c1 was deleted"
pass "fio verify on $MP clean while $c1 was deleted"
