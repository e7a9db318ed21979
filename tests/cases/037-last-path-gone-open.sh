#!/bin/bash
# 037-last-path-gone-open: every controller of the multipath disk is deleted
# while a process holds the disk open.  The disk stays (it is open), I/O on
# it fails with an I/O error at once (no path is left to wait for), and it
# disappears when the holder closes it.  An unopened disk whose last path
# goes is removed straight away (second part).
#@ topology: none
#@ timeout: 180
. "$(dirname "$0")/../lib/guest.sh"
. "$(dirname "$0")/../lib/mpath.sh"

mp_tcp_setup
exec 7< /dev/$MP
ctrl_delete ${TCP_CTRL[4420]}
ctrl_delete ${TCP_CTRL[4421]}
mp_wait_slaves $MP 0 20 || fail "$MP still has paths: $(mp_slaves $MP | xargs)"
[ -e /sys/block/$MP ] || fail "$MP vanished while open"
dd if=/dev/$MP of=/dev/null bs=4k count=1 iflag=direct 2>/tmp/dd.err && fail "read with no path succeeded"
grep -q "Input/output error" /tmp/dd.err || fail "read did not fail with EIO: $(cat /tmp/dd.err)"
exec 7<&-
wait_for 10 test ! -e /sys/block/$MP || fail "$MP still there after its last opener closed it"
log "open disk: stayed, EIO, removed on close"

# unopened: removed when its last path goes
tcp_connect 4420; tcp_connect 4421
wait_for 20 mp_count_ge 1 || fail "no multipath disk after reconnecting"
MP2=$(mp_disks | head -1)
mp_wait_slaves $MP2 2 20 || fail "$MP2 paths: $(mp_slaves $MP2 | xargs)"
[ "$MP2" = "$MP" ] || fail "the namespace came back as $MP2, not $MP"
ctrl_delete ${TCP_CTRL[4420]}; ctrl_delete ${TCP_CTRL[4421]}
wait_for 20 test ! -e /sys/block/$MP2 || fail "unopened $MP2 not removed with its last path"
pass "open disk stays and fails I/O, goes on close; unopened disk goes with its last path; name kept"
