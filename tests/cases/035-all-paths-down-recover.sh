#!/bin/bash
# 035-all-paths-down-recover: both ports of the target go away while fio
# verify runs (no_path_timeout=30).  With no usable path, I/O waits instead
# of failing; one port comes back after ~8 s, well inside the timeout: the
# waiting I/O completes on it and fio sees no error.
#@ topology: none
#@ timeout: 240
. "$(dirname "$0")/../lib/guest.sh"
. "$(dirname "$0")/../lib/mpath.sh"

mp_tcp_setup iopolicy=round-robin no_path_timeout=30 path_check_interval=1
fio_verify_start /dev/$MP 30
sleep 5
tcp_port_remove 4420
tcp_port_remove 4421
wait_for 15 mp_path_state_not $MP ${PATH_OF_PORT[4421]} usable || fail "path ${PATH_OF_PORT[4421]} still usable"
wait_for 15 mp_path_state_not $MP ${PATH_OF_PORT[4420]} usable || fail "path ${PATH_OF_PORT[4420]} still usable"
log "no usable path; queued so far: $(mp_attr $MP queued_ios)"
sleep 8
tcp_port_add 4421
ctrl_wait_state ${TCP_CTRL[4421]} live 30 || fail "${TCP_CTRL[4421]} did not reconnect"
wait_for 15 mp_path_state_is $MP ${PATH_OF_PORT[4421]} usable || fail "path ${PATH_OF_PORT[4421]} not usable after reconnect"
fio_verify_wait || fail "fio saw errors although a path came back inside no_path_timeout"
# bios in flight wait for a path, or (writes) are held first (TP4129)
[ $(( $(mp_attr $MP queued_ios) + $(mp_attr $MP writes_held) )) -gt 0 ] ||
	fail "no I/O waited for a path or was held (queued_ios 0, writes_held 0): the outage was not covered"
pass "all paths down ~8 s, one back: fio clean, $(mp_attr $MP queued_ios) bios waited, $(mp_attr $MP writes_held) writes held, worst write ${FIO_WMAX_MS} ms, read ${FIO_RMAX_MS} ms"
