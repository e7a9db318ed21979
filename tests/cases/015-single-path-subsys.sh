#!/bin/bash
# 015-single-path-subsys: a namespace reached through one controller only
# gets no multipath disk - unless its subsystem is named in the
# single_path_subsys parameter; then it gets one with its one path, and a
# second path joins it when it appears.  Other subsystems' single-path
# namespaces (here QEMU's mp1, one controller) stay untouched either way.
#@ topology: none
#@ qemu: -device nvme-subsys,id=s1,nqn=mp1 -device nvme,serial=solo1,subsys=s1
#@ qemu: -drive file=@IMG:solo:32M@,if=none,format=raw,id=solo,cache=unsafe -device nvme-ns,drive=solo,nsid=1
#@ timeout: 180
. "$(dirname "$0")/../lib/guest.sh"
. "$(dirname "$0")/../lib/mpath.sh"

tcp_target_setup ports=4420,4421 ns=1 size=64 connect=0
tcp_connect 4420
one=$(disks_of_ctrl ${TCP_CTRL[4420]})
solo=$(for d in /sys/block/nvme*; do b=$(basename $d); [ "$(cat $d/device/subsysnqn)" = nqn.2019-08.org.qemu:mp1 ] && echo $b; done)
[ -n "$one" ] && [ -n "$solo" ] || fail "premise: disks '$one' '$solo'"

mpath_load
sleep 3
[ -z "$(mp_disks)" ] || fail "multipath disk for a single-path namespace without single_path_subsys: $(mp_disks | xargs)"
[ -z "$(ls -A /sys/block/$one/holders)" ] || fail "$one claimed without single_path_subsys"
mpath_unload

mpath_load single_path_subsys=nqn.example:none,$TCP_NQN
wait_for 20 mp_count_ge 1 || fail "no multipath disk with single_path_subsys=$TCP_NQN"
MP=$(mp_by_id $TCP_NQN 1) || fail "no multipath disk for $TCP_NQN"
[ "$(mp_slaves $MP)" = "$one" ] || fail "$MP paths: $(mp_slaves $MP | xargs), expected $one"
[ -z "$(ls -A /sys/block/$solo/holders)" ] || fail "$solo (subsystem not named) was claimed"
[ "$(mp_disks | wc -l)" = 1 ] || fail "extra multipath disks: $(mp_disks | xargs)"
blkdev_read_ok /dev/$MP || fail "$MP unreadable"
tcp_connect 4421
mp_wait_slaves $MP 2 20 || fail "second path did not join $MP: $(mp_slaves $MP | xargs)"
pass "single-path namespace: no disk by default; $MP with single_path_subsys, second path joins"
