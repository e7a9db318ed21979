#!/bin/bash
# 029-target-reboot-queue: the target "reboots" under fio verify: both its
# ports go away long enough for the host to give the controllers up
# (ctrl_loss_tmo 3 s: they are deleted, the multipath disk has no path
# left), then come back and the host connects again (as nvme-cli's
# connect-all or autoconnect would).  The disk (no_path_timeout -1, set per
# disk) stays, its I/O waits instead of failing, the new controllers' disks
# join it under the same name, and fio ends clean.  Then, with no path and
# a reader waiting, fail_waiting fails the waiting read with EIO and the
# unopened pathless disk goes.
#@ topology: none
#@ timeout: 300
. "$(dirname "$0")/../lib/guest.sh"
. "$(dirname "$0")/../lib/mpath.sh"

TCP_LOSS_TMO=3 mp_tcp_setup iopolicy=round-robin path_check_interval=1
echo -1 > /sys/block/$MP/mpath/no_path_timeout || fail "cannot set the disk's no_path_timeout to -1"
[ "$(mp_attr $MP no_path_timeout)" = -1 ] || fail "disk no_path_timeout reads $(mp_attr $MP no_path_timeout)"
[ "$(cat /sys/module/nvme_mpath/parameters/no_path_timeout)" = 60 ] || fail "the module default changed"

fio_verify_start /dev/$MP 32
sleep 6
tcp_port_remove 4420; tcp_port_remove 4421
mp_wait_slaves $MP 0 30 || fail "$MP still has paths $(mp_slaves $MP | xargs) after the controllers' loss timeout"
log "no path left: $(mp_attr $MP queued_ios) bios waited so far"
sleep 5
[ -e /sys/block/$MP ] || fail "$MP went away with its paths"
kill -0 $FIO_PID 2>/dev/null || fail "fio ended while the target was down"
q0=$(mp_attr $MP io_fail_no_available_path_count)
[ "$q0" = 0 ] || fail "$q0 bios failed for want of a path while the target was down"
tcp_port_add 4420; tcp_port_add 4421
tcp_connect 4420; tcp_connect 4421
mp_wait_slaves $MP 2 30 || fail "the re-created controllers' disks did not join $MP: $(mp_slaves $MP | xargs)"
[ "$(mp_disks | wc -l)" = 1 ] || fail "multipath disks now: $(mp_disks | xargs)"
fio_verify_wait || fail "fio saw errors across the target's reboot"
log "target back: $MP over $(mp_slaves $MP | xargs), fio clean, worst write ${FIO_WMAX_MS} ms"

# no path, a read waiting; fail_waiting ends it
ctrl_delete ${TCP_CTRL[4420]}; ctrl_delete ${TCP_CTRL[4421]}
mp_wait_slaves $MP 0 20 || fail "$MP still has paths"
( dd if=/dev/$MP of=/dev/null bs=4k count=1 iflag=direct 2> /tmp/dd.err; echo $? > /tmp/dd.rc ) &
sleep 4
[ ! -e /tmp/dd.rc ] || fail "the read did not wait for a path: rc $(cat /tmp/dd.rc) $(cat /tmp/dd.err)"
echo 1 > /sys/block/$MP/mpath/fail_waiting || fail "cannot write fail_waiting"
wait_for 5 test -e /tmp/dd.rc || fail "the waiting read did not end within 5 s of fail_waiting"
[ "$(cat /tmp/dd.rc)" != 0 ] && grep -q "Input/output error" /tmp/dd.err || fail "the read ended with rc $(cat /tmp/dd.rc): $(cat /tmp/dd.err)"
wait_for 10 test ! -e /sys/block/$MP || fail "the pathless unopened $MP stayed after fail_waiting"
pass "target down $((5 + 3))+ s with no path: I/O waited (0 failed), controllers re-created joined $MP, fio clean (worst write ${FIO_WMAX_MS} ms); fail_waiting failed the waiting read (EIO) and the disk went"
