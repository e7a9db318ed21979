#!/bin/bash
# 040-unload-while-open: rmmod is refused while a multipath disk is open,
# and nothing changes; once closed, rmmod works, the path disks have no
# holder left and can be opened exclusively again (as mount or LVM would;
# while claimed they cannot), and the module loads again and rebuilds the
# same disks.
#@ topology: qemu2
#@ timeout: 180
. "$(dirname "$0")/../lib/guest.sh"
. "$(dirname "$0")/../lib/mpath.sh"

mpath_load
mp_wait_slaves mpnvme0n1 2 20 || fail "no mpnvme0n1 with 2 paths"
mp_wait_slaves mpnvme0n2 2 20 || fail "no mpnvme0n2 with 2 paths"
p=$(mp_slaves mpnvme0n1 | head -1)
excl_open_ok /dev/$p && fail "path $p can be opened exclusively while it is a path"
exec 7< /dev/mpnvme0n1
rmmod nvme_mpath 2>/tmp/rmmod.err && fail "rmmod succeeded with mpnvme0n1 open"
log "rmmod refused: $(cat /tmp/rmmod.err)"
[ -d /sys/module/nvme_mpath ] || fail "module gone"
[ "$(mp_slaves mpnvme0n1 | wc -l)" = 2 ] || fail "paths changed after refused rmmod"
blkdev_read_ok /dev/mpnvme0n1 || fail "mpnvme0n1 unreadable after refused rmmod"
exec 7<&-
mpath_unload
[ -z "$(mp_disks)" ] || fail "multipath disks left after unload: $(mp_disks | xargs)"
for d in /sys/block/nvme*n*; do
	[ -z "$(ls $d/holders)" ] || fail "$(basename $d) still has holders: $(ls $d/holders)"
done
for d in /sys/block/nvme*n*; do
	excl_open_ok /dev/$(basename $d) || fail "$(basename $d) cannot be opened exclusively after unload"
done
mpath_load
mp_wait_slaves mpnvme0n1 2 20 || fail "mpnvme0n1 not rebuilt after reload"
pass "rmmod refused while open; clean unload frees the paths; reload rebuilds"
