#!/bin/bash
# 016-zoned-left-alone: one subsystem, two controllers, sharing a zoned
# (ZNS) namespace 1 and a plain namespace 2.  nvme_mpath must group
# namespace 2 and leave namespace 1's paths alone (not claimed, no holder):
# a bio-based disk over zoned paths would lose zone append and the zone
# limits.  6.1 and 5.10 have no csi attribute, so this is decided from the
# path's queue (zoned) there.
#@ topology: none
#@ qemu: -device nvme-subsys,id=sz,nqn=mpz -device nvme,serial=zoned0,subsys=sz -device nvme,serial=zoned0,subsys=sz
#@ qemu: -drive file=@IMG:z:128M@,if=none,format=raw,id=z,cache=unsafe -device nvme-ns,drive=z,nsid=1,shared=on,zoned=on,zoned.zone_size=16M
#@ qemu: -drive file=@IMG:p:64M@,if=none,format=raw,id=p,cache=unsafe -device nvme-ns,drive=p,nsid=2,shared=on
#@ timeout: 120
. "$(dirname "$0")/../lib/guest.sh"
. "$(dirname "$0")/../lib/mpath.sh"

zoned=() plain=()
_have4() { [ "$(ls -d /sys/block/nvme*n* 2>/dev/null | wc -l)" -ge 4 ]; }
wait_for 20 _have4 || fail "expected 4 namespace disks: $(ls /sys/block | xargs)"
for d in /sys/block/nvme*n*; do
	n=$(basename "$d")
	if [ "$(cat "$d/queue/zoned")" != none ]; then zoned+=("$n"); else plain+=("$n"); fi
done
[ ${#zoned[@]} = 2 ] && [ ${#plain[@]} = 2 ] || fail "zoned: ${zoned[*]}, plain: ${plain[*]}"
log "zoned paths: ${zoned[*]} ($(cat /sys/block/${zoned[0]}/queue/zoned)), plain: ${plain[*]}"
mpath_load
mp_wait_any 20 || fail "no multipath disk for the plain namespace"
sleep 2
[ "$(mp_disks | wc -l)" = 1 ] || fail "multipath disks: $(mp_disks | xargs), expected one"
mp=$(mp_disks)
[ "$(mp_attr $mp nsid)" = 2 ] || fail "$mp is NSID $(mp_attr $mp nsid), expected 2"
for z in "${zoned[@]}"; do
	[ -z "$(ls /sys/block/$z/holders)" ] || fail "zoned path $z claimed by $(ls /sys/block/$z/holders)"
	excl_open_ok /dev/$z || fail "zoned path $z cannot be opened exclusively"
done
dmesg_has "$(basename ${zoned[0]}): not an NVM command set namespace" || fail "no log line for the zoned namespace"
mpath_unload
pass "zoned namespace left alone (${zoned[*]}), $mp over ${plain[*]}"
