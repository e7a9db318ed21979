#!/bin/bash
# 053-ana-inaccessible-eio: every path ANA inaccessible, past the wait
# limit.  no_path_timeout=3, the ANA helper reports the states every 1 s.
# A direct read must fail with EIO - not hang, not crash - within a few
# seconds past the limit, and the kernel log must stay clean.  Back to
# optimized, the disk reads again without any reload.
#@ topology: none
#@ timeout: 240
. "$(dirname "$0")/../lib/guest.sh"
. "$(dirname "$0")/../lib/mpath.sh"

mp_tcp_setup iopolicy=round-robin no_path_timeout=3 path_check_interval=1
a=${PATH_OF_PORT[4420]} b=${PATH_OF_PORT[4421]}
ana_helper_loop 1
wait_for 10 mp_ana_is $MP $a optimized || fail "helper did not report $a optimized"
blkdev_read_ok /dev/$MP || fail "$MP not readable at the start"

ana_set 4420 inaccessible
ana_set 4421 inaccessible
wait_for 5 mp_ana_is $MP $a inaccessible || fail "helper did not report $a inaccessible"
wait_for 5 mp_ana_is $MP $b inaccessible || fail "helper did not report $b inaccessible"
wait_for 5 mp_path_state_is $MP $a inaccessible || fail "$a state $(mp_path_attr $MP $a state)"
t0=$(date +%s)
out=$(dd if=/dev/$MP of=/dev/null bs=4k count=1 skip=100 iflag=direct 2>&1) &&
	fail "read succeeded with every path inaccessible"
secs=$(( $(date +%s) - t0 ))
log "read failed after ${secs}s: $out"
echo "$out" | grep -q "Input/output error" || fail "read failed, but not with EIO: $out"
[ "$secs" -ge 1 ] && [ "$secs" -le 10 ] || fail "EIO after ${secs}s, expected about no_path_timeout (3 s)"
dmesg_has "no usable path for 3s: failing I/O" || fail "no log line for the failed I/O"

ana_set 4420 optimized
ana_set 4421 optimized
wait_for 10 mp_path_state_is $MP $a usable || fail "$a not usable again: $(mp_path_attr $MP $a state)"
blkdev_read_ok /dev/$MP || fail "$MP not readable after the paths came back"
ana_helper_stop
pass "all paths inaccessible: clean EIO after ${secs}s (no_path_timeout=3); readable again when optimized"
