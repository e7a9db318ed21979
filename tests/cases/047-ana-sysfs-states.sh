#!/bin/bash
# 047-ana-sysfs-states: the module's side of ANA, driven through the sysfs
# files the ANA helper writes (paths/<disk>/ana_state, ana_group, anatt).
#  - one path optimized, one non-optimized: round-robin sends no I/O to the
#    non-optimized one; current_paths names the optimized one only
#  - the optimized path made inaccessible: I/O moves to the non-optimized
#    one (it is used when no optimized path is usable), no fio error
#  - a path in change is not used; back to optimized it is used again
#  - every state change sends a uevent on the multipath disk carrying the
#    path, its controller and its new state
#  - bad writes (unknown state, "unknown", group 0, anatt 256) are EINVAL
#    and change nothing
#@ topology: none
#@ timeout: 240
. "$(dirname "$0")/../lib/guest.sh"
. "$(dirname "$0")/../lib/mpath.sh"

mp_tcp_setup iopolicy=round-robin
a=${PATH_OF_PORT[4420]} b=${PATH_OF_PORT[4421]}
P=/sys/block/$MP/mpath/paths
# PYTHONHASHSEED: python must not wait for the guest's entropy pool
PYTHONHASHSEED=0 python3 "$(dirname "$0")/../lib/uevents.py" /tmp/uevents & UEV=$!
wait_for 30 grep -q listening /tmp/uevents || fail "uevent listener did not start"

[ "$(mp_path_attr $MP $a ana_state)" = unknown ] || fail "ana_state before any report: $(mp_path_attr $MP $a ana_state)"

# bad writes change nothing
for v in bogus unknown "" optimised 1; do
	if echo "$v" > $P/$a/ana_state 2>/dev/null; then fail "ana_state accepted '$v'"; fi
done
for v in 0 4294967295 -1 x; do
	if echo "$v" > $P/$a/ana_group 2>/dev/null; then fail "ana_group accepted '$v'"; fi
done
for v in 256 -1 x; do
	if echo "$v" > $P/$a/anatt 2>/dev/null; then fail "anatt accepted '$v'"; fi
done
[ "$(mp_path_attr $MP $a ana_state)/$(mp_path_attr $MP $a ana_group)/$(mp_path_attr $MP $a anatt)" = unknown/0/0 ] ||
	fail "bad writes changed something: $(mp_path_attr $MP $a ana_state)/$(mp_path_attr $MP $a ana_group)/$(mp_path_attr $MP $a anatt)"

echo 1 > $P/$a/ana_group && echo 2 > $P/$b/ana_group && echo 10 > $P/$a/anatt || fail "cannot write group/anatt"
echo optimized > $P/$a/ana_state && echo non-optimized > $P/$b/ana_state || fail "cannot write ana_state"
_cur_is() { [ "$(mp_attr $MP current_paths)" = "$1" ]; }
wait_for 5 _cur_is $a || fail "current_paths '$(mp_attr $MP current_paths)', want '$a'"

reads() {	# reads DURATION: fio randread; prints "<ios on a> <ios on b>"
	local a0 b0
	a0=$(mp_path_attr $MP $a ios) b0=$(mp_path_attr $MP $b ios)
	fio --name=r --filename=/dev/$MP --ioengine=libaio --direct=1 --rw=randread \
		--bs=4k --iodepth=8 --size=16M --runtime=$1 --time_based --eta=never \
		> /dev/null 2>&1 || fail "fio read failed"
	echo $(( $(mp_path_attr $MP $a ios) - a0 )) $(( $(mp_path_attr $MP $b ios) - b0 ))
}
set -- $(reads 4)
log "optimized $a +$1, non-optimized $b +$2"
[ "$1" -gt 0 ] && [ "$2" -eq 0 ] || fail "optimized $a +$1 ios, non-optimized $b +$2 ios: want all on $a"

fio_verify_start /dev/$MP 12
sleep 3
echo inaccessible > $P/$a/ana_state
wait_for 5 mp_path_state_is $MP $a inaccessible || fail "state of $a: $(mp_path_attr $MP $a state)"
wait_for 5 _cur_is $b || fail "current_paths '$(mp_attr $MP current_paths)' with $a inaccessible"
bi=$(mp_path_attr $MP $b ios); sleep 2
[ "$(mp_path_attr $MP $b ios)" -gt "$bi" ] || fail "non-optimized $b not used with $a inaccessible"
echo change > $P/$a/ana_state
wait_for 5 mp_path_state_is $MP $a change || fail "state of $a: $(mp_path_attr $MP $a state)"
ai=$(mp_path_attr $MP $a ios); sleep 2
[ "$(mp_path_attr $MP $a ios)" -eq "$ai" ] || fail "$a in change state got I/O"
echo optimized > $P/$a/ana_state
wait_for 5 _cur_is $a || fail "current_paths '$(mp_attr $MP current_paths)' after $a back to optimized"
fio_verify_wait || fail "fio verify saw errors across ANA state changes"

sleep 1; kill $UEV
for st in inaccessible change usable; do
	grep -q "NVME_MPATH_EVENT=path-state NVME_MPATH_PATH=$a NVME_MPATH_CTRL=nvme[0-9]* NVME_MPATH_STATE=$st" /tmp/uevents ||
		{ cat /tmp/uevents; fail "no path-state uevent for $a -> $st"; }
done
grep -q "^change@/devices/virtual/block/$MP " /tmp/uevents || { cat /tmp/uevents; fail "uevents not on the multipath disk"; }
n=$(grep -c NVME_MPATH_EVENT /tmp/uevents)
pass "non-optimized path unused while optimized is usable, used when it is not; change honoured; $n uevents; bad writes refused"
