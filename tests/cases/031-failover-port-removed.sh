#!/bin/bash
# 031-failover-port-removed: fio verify on the multipath disk (round-robin)
# while the target drops one port: that host controller loses its connection
# and starts reconnecting.  I/O on it fails over (REQ_FAILFAST_TRANSPORT, so
# it is not held by the reconnecting controller): fio sees no error.  When
# the port is back the controller reconnects and the path is used again.
# The writes in flight on the lost path are resent only after the TP4129
# hold (3 x KATO + CQT = 15 s here), and fio's verify waits for them, so
# the path may get I/O again only once the hold is over.
#@ topology: none
#@ timeout: 240
. "$(dirname "$0")/../lib/guest.sh"
. "$(dirname "$0")/../lib/mpath.sh"

mp_tcp_setup iopolicy=round-robin path_check_interval=1
bad=${PATH_OF_PORT[4420]} ctrl=${TCP_CTRL[4420]}
fio_verify_start /dev/$MP 40
sleep 6
tcp_port_remove 4420
wait_for 15 mp_path_state_not $MP $bad usable || fail "path $bad still usable after port removal"
log "path $bad: $(mp_path_attr $MP $bad state), controller $(ctrl_state $ctrl)"
ios=$(mp_path_attr $MP $bad ios)
sleep 4
tcp_port_add 4420
ctrl_wait_state $ctrl live 30 || fail "$ctrl did not reconnect: $(ctrl_state $ctrl)"
wait_for 15 mp_path_state_is $MP $bad usable || fail "path $bad not usable after reconnect: $(mp_path_attr $MP $bad state)"
_more_ios() { [ "$(mp_path_attr $MP $bad ios)" -gt "$ios" ]; }
wait_for 20 _more_ios || fail "path $bad carries no I/O after reconnect"
fio_verify_wait || fail "fio saw errors while port 4420 was gone"
pass "port 4420 removed and back: fio clean, $(mp_attr $MP failovers) failovers, $(mp_attr $MP writes_held) writes held, worst write ${FIO_WMAX_MS} ms, read ${FIO_RMAX_MS} ms, $bad used again"
