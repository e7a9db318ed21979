#!/bin/bash
# 054-ana-every-path-no-report: every path goes ANA inaccessible for 6 s
# while writes run, and no ANA helper runs (as when it is late under load,
# or not installed): the writes that fail on every path with the ANA status
# must wait for a path, not fail.  The paths' check reads get the ANA status
# (0x302), which takes each path out of use at once; when the target is
# optimized again, the checker's re-test brings them back.  (Before, the
# every-path failure waited 3 s for the helper's report, then was judged a
# namespace error: EIO to the application.  Found by the torture, seed
# 44583.)  fio verify must finish without an error; the paths must come
# back by themselves.
#@ topology: none
#@ timeout: 240
. "$(dirname "$0")/../lib/guest.sh"
. "$(dirname "$0")/../lib/mpath.sh"

mp_tcp_setup iopolicy=round-robin no_path_timeout=60 path_check_interval=1
a=${PATH_OF_PORT[4420]} b=${PATH_OF_PORT[4421]}
fio_verify_start /dev/$MP 20
sleep 4
ana_set 4420 inaccessible
ana_set 4421 inaccessible
sleep 6
ana_set 4420 optimized
ana_set 4421 optimized
fio_verify_wait || fail "fio verify on $MP failed while every path was inaccessible for 6 s (no_path_timeout 60)"
wait_for 30 mp_path_state_is $MP $a usable || fail "$a did not come back: $(mp_path_attr $MP $a state)"
wait_for 30 mp_path_state_is $MP $b usable || fail "$b did not come back: $(mp_path_attr $MP $b state)"
dmesg_has "nvme_mpath: $MP: path .* failed \(error -67\)" ||
	fail "no path was failed by its check read's ANA status"
dmesg | grep "nvme_mpath: $MP" | tail -12
pass "writes waited through 6 s of every path inaccessible without a helper; both paths back"
