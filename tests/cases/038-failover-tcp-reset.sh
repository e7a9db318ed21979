#!/bin/bash
# 038-failover-tcp-reset: fio verify on the multipath disk (round-robin)
# while one NVMe/TCP host controller is reset three times (032 does the same
# with QEMU's PCIe controller).  Any bio the reset fails would fail over; on
# Debian's 6.1 and 6.12 the commands in flight were mostly completed rather than
# cancelled (0 or 1 failovers seen), so no failover count is demanded.  fio must
# see no error, and the path must carry I/O again after the resets.
#@ topology: none
#@ timeout: 240
. "$(dirname "$0")/../lib/guest.sh"
. "$(dirname "$0")/../lib/mpath.sh"

mp_tcp_setup iopolicy=round-robin path_check_interval=1
p=${PATH_OF_PORT[4420]} ctrl=${TCP_CTRL[4420]}
fio_verify_start /dev/$MP 40 --iodepth=16
sleep 5
for i in 1 2 3; do
	ctrl_reset $ctrl
	ctrl_wait_state $ctrl live 20 || fail "$ctrl not live after reset: $(ctrl_state $ctrl)"
	sleep 3
done
wait_for 10 mp_path_state_is $MP $p usable || fail "path $p not usable after resets: $(mp_path_attr $MP $p state)"
ios=$(mp_path_attr $MP $p ios)
# a write a reset aborted is resent only after the TP4129 hold (15 s here),
# and fio's verify waits for it: the path may get I/O again only then
_more_ios() { [ "$(mp_path_attr $MP $p ios)" -gt "$ios" ]; }
wait_for 20 _more_ios || fail "path $p carries no I/O after the resets"
fio_verify_wait || fail "fio saw errors during controller resets"
pass "3 resets of $ctrl under fio: clean, $(mp_path_attr $MP $p failovers) bios failed over from $p; writes held $(mp_attr $MP writes_held 2>/dev/null || echo -), worst write ${FIO_WMAX_MS:-?} ms, read ${FIO_RMAX_MS:-?} ms"
