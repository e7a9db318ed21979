#!/bin/bash
# 034-path-added-during-io: the target gets a third port and the host
# connects to it while fio verify runs on the multipath disk (round-robin).
# The new controller's namespace disk joins the running disk as a third
# path and carries I/O; fio sees no error.
#@ topology: none
#@ timeout: 240
. "$(dirname "$0")/../lib/guest.sh"
. "$(dirname "$0")/../lib/mpath.sh"

mp_tcp_setup iopolicy=round-robin
fio_verify_start /dev/$MP 20
sleep 5
d=$NVMET/ports/3
mkdir $d && echo tcp > $d/addr_trtype && echo ipv4 > $d/addr_adrfam &&
	echo 127.0.0.1 > $d/addr_traddr && echo 4422 > $d/addr_trsvcid &&
	ln -s $NVMET/subsystems/$TCP_NQN $d/subsystems/$TCP_NQN || fail "cannot add target port 4422"
tcp_connect 4422
new=$(disks_of_ctrl ${TCP_CTRL[4422]})
[ -n "$new" ] || fail "no namespace disk on ${TCP_CTRL[4422]}"
mp_wait_slaves $MP 3 20 || fail "$MP paths: '$(mp_slaves $MP | xargs)', expected 3 with $new"
mp_slaves $MP | grep -qx "$new" || fail "$new is not a path of $MP"
sleep 4
[ "$(mp_path_attr $MP $new ios)" -gt 0 ] || fail "new path $new carries no I/O"
fio_verify_wait || fail "fio saw errors while a path was added"
pass "$new joined $MP under fio and carried $(mp_path_attr $MP $new ios) I/Os; writes held $(mp_attr $MP writes_held 2>/dev/null || echo -), worst write ${FIO_WMAX_MS:-?} ms, read ${FIO_RMAX_MS:-?} ms"
