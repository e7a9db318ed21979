#!/bin/bash
# 017-large-block-probe: a namespace with 16 KiB logical blocks, larger than
# a page (QEMU logical_block_size=16384; kernels from 6.15 on take such
# namespaces, earlier ones refuse them and the case skips).  The path check
# reads one logical block; its buffer must hold 16 KiB (it used to be one
# page: a write past it).  fio verify runs while one controller is reset
# three times, so paths fail and are probed back; fio must stay clean, the
# path must come back (a probe worked), and slub_debug must see nothing.
#@ topology: none
#@ qemu: -device nvme-subsys,id=sl,nqn=mpl -device nvme,serial=lbs0,subsys=sl -device nvme,serial=lbs0,subsys=sl
#@ qemu: -drive file=@IMG:l:64M@,if=none,format=raw,id=l,cache=unsafe -device nvme-ns,drive=l,nsid=1,shared=on,logical_block_size=16384,physical_block_size=16384
#@ timeout: 240
. "$(dirname "$0")/../lib/guest.sh"
. "$(dirname "$0")/../lib/mpath.sh"

_have2() { [ "$(ls -d /sys/block/nvme*n* 2>/dev/null | wc -l)" -ge 2 ]; }
wait_for 20 _have2 || skip "no namespace disks: this kernel refuses 16 KiB logical blocks ($(dmesg | grep -m1 -i 'block size' || echo 'no message'))"
d=$(ls /sys/block | grep -m1 '^nvme.*n1$')
lbs=$(cat /sys/block/$d/queue/logical_block_size)
[ "$lbs" = 16384 ] && [ "$(cat /sys/block/$d/size)" != 0 ] ||
	skip "$d: logical_block_size $lbs, size $(cat /sys/block/$d/size): this kernel does not take blocks larger than a page"
mpath_load iopolicy=round-robin path_check_interval=1
mp_wait_any 20 || fail "no multipath disk over the 16 KiB namespace"
MP=$(mp_disks | head -1)
mp_wait_slaves $MP 2 20 || fail "$MP slaves: '$(mp_slaves $MP | xargs)'"
[ "$(cat /sys/block/$MP/queue/logical_block_size)" = 16384 ] || fail "$MP logical_block_size $(cat /sys/block/$MP/queue/logical_block_size)"
p=$(mp_slaves $MP | head -1); ctrl=$(disk_ctrl $p)
fio_verify_start /dev/$MP 20 --bssplit=16k/50:64k/50
sleep 4
for i in 1 2 3; do
	ctrl_reset $ctrl
	ctrl_wait_state $ctrl live 20 || fail "$ctrl not live after reset"
	sleep 3
done
wait_for 15 mp_path_state_is $MP $p usable || fail "$p not usable again: $(mp_path_attr $MP $p state)"
fio_verify_wait || fail "fio verify saw errors"
mpath_unload
pass "16 KiB logical blocks: resets survived, $p back, fio clean"
