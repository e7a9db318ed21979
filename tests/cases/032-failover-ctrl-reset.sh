#!/bin/bash
# 032-failover-ctrl-reset: fio verify on the multipath disk of the QEMU
# two-controller subsystem (round-robin) while one controller is reset,
# three times.  Whatever the reset does with the commands in flight (QEMU's
# controller completes them first; any it aborts fail over), fio sees no
# error, and the path is used again after the resets.
#@ topology: qemu2
#@ timeout: 240
. "$(dirname "$0")/../lib/guest.sh"
. "$(dirname "$0")/../lib/mpath.sh"

mpath_load iopolicy=round-robin path_check_interval=1
mp_wait_slaves mpnvme0n1 2 20 || fail "mpnvme0n1 slaves: '$(mp_slaves mpnvme0n1 | xargs)'"
MP=mpnvme0n1
p=$(mp_slaves $MP | head -1); ctrl=$(disk_ctrl $p)
fio_verify_start /dev/$MP 24
sleep 5
for i in 1 2 3; do
	ctrl_reset $ctrl
	ctrl_wait_state $ctrl live 20 || fail "$ctrl not live after reset: $(ctrl_state $ctrl)"
	sleep 3
done
wait_for 10 mp_path_state_is $MP $p usable || fail "path $p not usable after resets: $(mp_path_attr $MP $p state)"
ios=$(mp_path_attr $MP $p ios)
sleep 2
[ "$(mp_path_attr $MP $p ios)" -gt "$ios" ] || fail "path $p carries no I/O after the resets"
fio_verify_wait || fail "fio saw errors during controller resets"
pass "3 resets of $ctrl under fio: clean, $(mp_attr $MP failovers) failovers"
