#!/bin/bash
# 037-last-path-gone-open: every controller of the multipath disk is deleted
# (no_path_timeout=4).  While a process holds the disk open it stays, and
# I/O on it waits for a path, then fails with an I/O error once the timeout
# is over; it disappears when the holder closes it.  An unopened disk whose
# last path goes stays for the timeout too (a path may come back), then is
# removed; the namespace keeps its name when it returns.
#@ topology: none
#@ timeout: 180
. "$(dirname "$0")/../lib/guest.sh"
. "$(dirname "$0")/../lib/mpath.sh"

# 4 s; 12 on the KASAN + lockdep line, where deleting the second controller
# and the checks after it took longer than 4 s (the unopened disk was gone)
npt=4; [ "${RIG_LINE:-}" = 6.12-debug ] && npt=12
mp_tcp_setup no_path_timeout=$npt
exec 7< /dev/$MP
ctrl_delete ${TCP_CTRL[4420]}
ctrl_delete ${TCP_CTRL[4421]}
mp_wait_slaves $MP 0 20 || fail "$MP still has paths: $(mp_slaves $MP | xargs)"
t0=$(date +%s%N)
[ -e /sys/block/$MP ] || fail "$MP vanished while open"
dd if=/dev/$MP of=/dev/null bs=4k count=1 iflag=direct 2>/tmp/dd.err && fail "read with no path succeeded"
ms=$(( ($(date +%s%N) - t0) / 1000000 ))
grep -q "Input/output error" /tmp/dd.err || fail "read did not fail with EIO: $(cat /tmp/dd.err)"
[ $ms -le $((npt * 2500)) ] || fail "read with no path took $ms ms to fail (no_path_timeout $npt)"
dmesg | grep -q "$MP: last path gone; the disk waits ${npt}s" || fail "no log line for the last path"
exec 7<&-
wait_for 10 test ! -e /sys/block/$MP || fail "$MP still there after its last opener closed it"
log "open disk: stayed, EIO after $ms ms, removed on close"

# unopened: stays for no_path_timeout, then goes
tcp_connect 4420; tcp_connect 4421
wait_for 20 mp_count_ge 1 || fail "no multipath disk after reconnecting"
MP2=$(mp_disks | head -1)
mp_wait_slaves $MP2 2 20 || fail "$MP2 paths: $(mp_slaves $MP2 | xargs)"
[ "$MP2" = "$MP" ] || fail "the namespace came back as $MP2, not $MP"
ctrl_delete ${TCP_CTRL[4420]}; ctrl_delete ${TCP_CTRL[4421]}
mp_wait_slaves $MP2 0 20 || fail "$MP2 still has paths"
sleep 1
[ -e /sys/block/$MP2 ] || fail "unopened $MP2 removed at once, not after no_path_timeout"
wait_for $((npt + 11)) test ! -e /sys/block/$MP2 || fail "unopened $MP2 not removed after no_path_timeout"
pass "open disk stays, I/O waits then fails (EIO after $ms ms), goes on close; unopened disk stays for no_path_timeout then goes; name kept"
