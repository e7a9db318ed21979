#!/bin/bash
# 030-failover-ana-inaccessible: fio verify runs on the multipath disk
# (round-robin, so both paths carry I/O) when one port's ANA group goes
# inaccessible.  The path's I/O fails on the target; nvme_mpath must resend
# it down the other path: fio sees no error and no verify failure, the path
# is marked failed and failovers are counted.  Back to optimized, the path
# is found working again and carries I/O.
#@ topology: none
#@ timeout: 240
. "$(dirname "$0")/../lib/guest.sh"
. "$(dirname "$0")/../lib/mpath.sh"

mp_tcp_setup iopolicy=round-robin path_check_interval=1
bad=${PATH_OF_PORT[4420]}
# fio must outlast the failover and the recovery: on the KASAN + lockdep
# line they took 45 s of the 24 (fio had ended: "carries no I/O")
rt=24; [ "${RIG_LINE:-}" = 6.12-debug ] && rt=72
fio_verify_start /dev/$MP $rt
sleep 6
ana_set 4420 inaccessible
wait_for 15 mp_path_state_is $MP $bad failed || fail "path $bad not failed: $(mp_path_attr $MP $bad state)"
log "path $bad: state failed, failovers $(mp_path_attr $MP $bad failovers)"
sleep 4
ana_set 4420 optimized
wait_for 15 mp_path_state_is $MP $bad usable || fail "path $bad did not come back: $(mp_path_attr $MP $bad state)"
ios=$(mp_path_attr $MP $bad ios)
sleep 3
[ "$(mp_path_attr $MP $bad ios)" -gt "$ios" ] || fail "recovered path $bad carries no I/O"
fio_verify_wait || fail "fio saw errors during ANA failover"
[ "$(mp_attr $MP failovers)" -gt 0 ] || fail "no failover counted"
pass "ANA inaccessible on $bad: $(mp_attr $MP failovers) failovers, fio clean, path back in use; writes held $(mp_attr $MP writes_held 2>/dev/null || echo -), worst write ${FIO_WMAX_MS:-?} ms, read ${FIO_RMAX_MS:-?} ms"
