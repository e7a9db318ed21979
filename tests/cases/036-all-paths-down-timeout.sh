#!/bin/bash
# 036-all-paths-down-timeout: both ports go away and stay away
# (no_path_timeout=5, host controllers keep reconnecting for 60 s).
# A read of the multipath disk must fail with an I/O error after about
# no_path_timeout seconds - not hang - and so must a read issued after that.
# When a port returns, reads work again.
#@ topology: none
#@ timeout: 240
. "$(dirname "$0")/../lib/guest.sh"
. "$(dirname "$0")/../lib/mpath.sh"

mp_tcp_setup no_path_timeout=5 path_check_interval=1
tcp_port_remove 4420
tcp_port_remove 4421
wait_for 20 mp_path_state_not $MP ${PATH_OF_PORT[4420]} usable || fail "path still usable"
wait_for 20 mp_path_state_not $MP ${PATH_OF_PORT[4421]} usable || fail "path still usable"
t0=$(date +%s)
if timeout 60 dd if=/dev/$MP of=/dev/null bs=4k count=1 iflag=direct 2>/tmp/dd.err; then
	fail "read succeeded with no path"
fi
t1=$(date +%s)
log "read failed after $((t1 - t0)) s: $(cat /tmp/dd.err | head -1)"
grep -q "Input/output error" /tmp/dd.err || fail "read did not fail with EIO: $(cat /tmp/dd.err)"
[ $((t1 - t0)) -le 15 ] || fail "read took $((t1 - t0)) s to fail (no_path_timeout=5)"
# past the timeout, new I/O fails at once
t0=$(date +%s)
timeout 60 dd if=/dev/$MP of=/dev/null bs=4k count=1 iflag=direct 2>/dev/null && fail "second read succeeded with no path"
t1=$(date +%s)
[ $((t1 - t0)) -le 3 ] || fail "second read took $((t1 - t0)) s to fail"
tcp_port_add 4420
ctrl_wait_state ${TCP_CTRL[4420]} live 30 || fail "${TCP_CTRL[4420]} did not reconnect"
wait_for 15 blkdev_read_ok /dev/$MP || fail "$MP still unreadable after a path came back"
pass "no path: EIO after $((t1 - t0)) s for late I/O, first after the timeout; readable again after reconnect"
