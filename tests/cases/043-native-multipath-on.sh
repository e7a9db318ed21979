#!/bin/bash
# 043-native-multipath-on: with nvme_core.multipath=Y the kernel builds its
# own multipath disks; nvme_mpath must then load, say once and clearly what
# to set, and manage nothing: no mpnvme disk, no path claimed.
#@ topology: qemu2
#@ cmdline: nvme_core.multipath=Y
#@ timeout: 120
. "$(dirname "$0")/../lib/guest.sh"
. "$(dirname "$0")/../lib/mpath.sh"

[ "$(cat /sys/module/nvme_core/parameters/multipath)" = Y ] || fail "nvme_core.multipath is not Y"
# the native multipath (head) disks hang off the nvme-subsystem device
native_disks() { for d in /sys/block/nvme*n*; do case $(readlink -f $d/device) in */nvme-subsys*) basename $d ;; esac; done; }
_have_native() { [ -n "$(native_disks)" ]; }
wait_for 20 _have_native || fail "no native multipath disk; /sys/block: $(ls /sys/block | xargs); $(for d in /sys/block/nvme*; do echo "$(basename $d)->$(readlink -f $d/device)"; done | xargs)"
nd=$(native_disks | head -1)
log "native multipath disks: $(native_disks | xargs)"
dmesg -C
mpath_load
sleep 3
dmesg | grep -q "native NVMe multipath is on (nvme_core.multipath=Y).*multipath=N" || fail "no clear message: $(dmesg | grep nvme_mpath)"
[ "$(dmesg | grep -c 'native NVMe multipath')" = 1 ] || fail "message repeated"
[ -z "$(mp_disks)" ] || fail "multipath disks created: $(mp_disks | xargs)"
for d in /sys/block/nvme*; do
	[ -z "$(ls $d/holders 2>/dev/null)" ] || fail "$(basename $d) claimed: $(ls $d/holders)"
done
blkdev_read_ok /dev/$nd || fail "native disk $nd unreadable with nvme_mpath loaded"
mpath_unload
pass "native multipath on: idle with '$(dmesg | grep -o 'native NVMe multipath is on[^:]*')'"
