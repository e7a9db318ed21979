#!/bin/bash
# 001-module-load: nvme_mpath.ko built for this kernel loads and unloads
# cleanly (twice), with the QEMU two-controller subsystem present.
#@ topology: qemu2
#@ timeout: 120
. "$(dirname "$0")/../lib/guest.sh"

for i in 1 2; do
	mpath_load
	[ -d /sys/module/nvme_mpath ] || fail "nvme_mpath not in /sys/module after insmod"
	log "loaded ($i), mp disks: $(mp_disks | xargs)"
	mpath_unload
	[ -d /sys/module/nvme_mpath ] && fail "nvme_mpath still loaded after rmmod"
done
pass "nvme_mpath loads and unloads"
