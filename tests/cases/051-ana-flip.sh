#!/bin/bash
# 051-ana-flip: the target's port 4420 is ANA optimized and 4421
# non-optimized; the ANA helper runs every 2 s (as its systemd timer would)
# and reports both to nvme_mpath.  Under round-robin no I/O goes to the
# non-optimized path.  Then, under fio verify, the target flips the two
# ports: the first helper run after the flip (it starts within one
# interval) must make the module prefer the other path, and I/O must move
# there (the old optimized path gets nothing more).  fio sees no error.
# Times scale with slow() on the debug line (a helper run takes ~9 s there).
#@ topology: none
#@ timeout: 240
. "$(dirname "$0")/../lib/guest.sh"
. "$(dirname "$0")/../lib/mpath.sh"

INTERVAL=2
mp_tcp_setup iopolicy=round-robin
a=${PATH_OF_PORT[4420]} b=${PATH_OF_PORT[4421]}
ana_set 4421 non-optimized
ana_helper_loop $INTERVAL
wait_for $(slow 10) mp_ana_is $MP $b non-optimized || fail "helper did not report $b non-optimized: $(mp_path_attr $MP $b ana_state)"
mp_ana_is $MP $a optimized || fail "$a: ana_state $(mp_path_attr $MP $a ana_state)"
[ "$(mp_path_attr $MP $a ana_group)" -gt 0 ] || fail "$a: no ANA group reported"
[ "$(mp_path_attr $MP $a anatt)" -gt 0 ] || fail "$a: no ANATT reported"
wait_for $(slow 5) mp_current_is $MP $a || fail "current_paths '$(mp_attr $MP current_paths)', want $a"

a0=$(mp_path_attr $MP $a ios) b0=$(mp_path_attr $MP $b ios)
fio --name=r --filename=/dev/$MP --ioengine=libaio --direct=1 --rw=randread \
	--bs=4k --iodepth=8 --size=16M --runtime=4 --time_based --eta=never > /dev/null 2>&1 ||
	fail "fio read failed"
da=$(( $(mp_path_attr $MP $a ios) - a0 )) db=$(( $(mp_path_attr $MP $b ios) - b0 ))
log "optimized $a +$da, non-optimized $b +$db"
[ "$da" -gt 0 ] && [ "$db" -eq 0 ] || fail "non-optimized $b got $db bios ($a: $da)"

fio_verify_start /dev/$MP $(slow 24)
sleep 3
log "flip: 4420 non-optimized, 4421 optimized"
ana_set 4420 non-optimized
ana_set 4421 optimized
t0=$(date +%s%N)
wait_for $(slow 10) mp_current_is $MP $b || fail "current_paths still '$(mp_attr $MP current_paths)' $(slow 10) s after the flip"
t1=$(date +%s%N)
ms=$(( (t1 - t0) / 1000000 ))
# The property: the first helper run that started after the flip moved the
# I/O.  t1 (when this script saw it moved; polling a loaded TCG guest can
# lag by most of a second) is an upper bound of the move, so the move came
# from the first run if t1 is before the second run after the flip started.
_run_ended() { [ -n "$(ana_run_end_after $t0)" ]; }
wait_for $(slow 10) _run_ended || fail "no helper run after the flip"
te=$(ana_run_end_after $t0)
_second_start() { awk -v t="$t0" '$1 == "S" && $2 > t && ++n == 2 { print $2; exit }' /tmp/ana-runs; }
_second_started() { [ -n "$(_second_start)" ]; }
wait_for $(slow 10) _second_started || fail "no second helper run after the flip"
ts=$(_second_start)
log "module prefers $b ${ms} ms after the flip; first helper run after it ended at +$(( (te - t0) / 1000000 )) ms, the second started at +$(( (ts - t0) / 1000000 )) ms"
[ "$t1" -le "$ts" ] || fail "I/O moved only $(( (t1 - te) / 1000000 )) ms after the first helper run past the flip ended, after the second one started"
# (on the debug line a helper run takes 8-15 s under load: 60 s there)
lim=$((INTERVAL * 1000 + 3000)); [ "${RIG_LINE:-}" = 6.12-debug ] && lim=60000
[ $(( (te - t0) / 1000000 )) -le $lim ] || fail "no helper run within an interval of the flip (+$(( (te - t0) / 1000000 )) ms, limit $lim)"
sleep 1
a1=$(mp_path_attr $MP $a ios) b1=$(mp_path_attr $MP $b ios)
sleep 3
da=$(( $(mp_path_attr $MP $a ios) - a1 )) db=$(( $(mp_path_attr $MP $b ios) - b1 ))
log "after the flip: $a +$da, $b +$db"
[ "$db" -gt 0 ] && [ "$da" -eq 0 ] || fail "after the flip $a (now non-optimized) got $da bios, $b got $db"
fio_verify_wait || fail "fio verify saw errors across the flip"
ana_helper_stop
pass "no I/O on the non-optimized path; after the flip I/O moved in $ms ms (helper every ${INTERVAL}s); fio clean"
