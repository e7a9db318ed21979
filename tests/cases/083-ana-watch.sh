#!/bin/bash
# 083-ana-watch: the ANA watch (nvme-mpath ana-sync --watch --all
# --interval 2) follows the target's ANA flips without an I/O error.  The
# nvmet-tcp subsystem has two ports, each reporting its own state for the
# namespace's ANA group; under fio randread on the disk the target flips
# optimized <-> non-optimized FLIPS times (both ways), one flip every GAP s.
# For every flip the time until all new I/O goes to the new optimized path
# is measured from the path disks' read counts (/sys/block/<path>/stat,
# sampled every 100 ms: the last sample where the old optimized path's count
# still grew, and the new one must grow after it) and must be <= interval +
# 1 s.  The same flips run first against native multipath (multipath=Y, its
# own head, in this boot) as the anchor, printed side by side.  fio must see
# no error in either; the module's per-path ana_changes (when it has the
# file) must have grown by exactly the number of flips; the watch's cost
# (commands per second per controller, CPU over its run) is printed.  A
# change uevent of the disk must wake a watch with a 60 s interval, and the
# udev rule must make the module's add event start the watch's unit.
# Userspace and module sysfs only, nothing kernel-line specific: in CI on
# 6.12 alone, to keep CI under 45 minutes (-k 6.1 runs it there).
#@ default-lines: 6.12
#@ topology: none
#@ timeout: 900
. "$(dirname "$0")/../lib/guest.sh"
. "$(dirname "$0")/../lib/mpath.sh"
. "$(dirname "$0")/../lib/fault.sh"

INTERVAL=2
# the times scale with slow (x5 on 6.12-debug, where a helper run takes ~8 s)
LIMIT_MS=$(slow $(( INTERVAL * 1000 + 1000 )))
FLIPS=4
GAP=$(slow 6)	# seconds between flips: the window one flip is measured in
WATCH_RUN=40	# seconds the watch runs in all (its cost is taken over them)

if [ -x "$MPATH_TOOL" ]; then WATCH=("$MPATH_TOOL" ana-sync)
elif [ -x "$ANA_HELPER" ]; then WATCH=("$ANA_HELPER")
else fail "neither $MPATH_TOOL nor $ANA_HELPER in the guest (tools/ build failed?)"; fi

now_us() { echo "${EPOCHREALTIME/./}"; }
# sampler_start STAT_A STAT_B: "<us> <reads A> <reads B>" every 100 ms to /tmp/samples
sampler_start() {
	python3 - "$1" "$2" > /tmp/samples <<'PY' &
import sys, time
a, b = sys.argv[1], sys.argv[2]
def reads(p):
    with open(p) as f:
        return f.read().split()[0]
while True:
    print(int(time.time() * 1e6), reads(a), reads(b), flush=True)
    time.sleep(0.1)
PY
	SAMPLER=$!
	# python's first start through the 9p root can take seconds under TCG
	wait_for $(slow 30) _samples_ready || fail "the stat sampler did not start"
}
_samples_ready() { [ "$(wc -l < /tmp/samples)" -ge 3 ]; }
sampler_stop() { kill "$SAMPLER" 2>/dev/null; wait "$SAMPLER" 2>/dev/null; }

# switch_ms T0_US OLD NEW: ms from T0 to the last sample in [T0, T0+GAP)
# where column OLD (2 or 3) still grew; "-1" if column NEW did not grow
# after it, "-2" if OLD still grew in the last 2 s of the window
switch_ms() {
	python3 - "$1" "$2" "$3" "$GAP" /tmp/samples <<'PY'
import sys
t0, old, new, gap = int(sys.argv[1]), int(sys.argv[2]) - 1, int(sys.argv[3]) - 1, float(sys.argv[4])
rows = [list(map(int, l.split())) for l in open(sys.argv[5]) if len(l.split()) == 3]
win = [r for r in rows if t0 <= r[0] < t0 + gap * 1e6]
prev = [r for r in rows if r[0] < t0]
if not win or not prev:
    print(-3); sys.exit()
last_old = None
seq = [prev[-1]] + win
for p, r in zip(seq, seq[1:]):
    if r[old] > p[old]:
        last_old = r
end = last_old[0] if last_old else t0
if last_old and last_old[0] >= t0 + (gap - 2) * 1e6:
    print(-2); sys.exit()
after = [r for r in seq if r[0] >= end]
if after[-1][new] <= after[0][new]:
    print(-1); sys.exit()
print(int((end - t0) / 1000))
PY
}

_reads() { awk '{ print $1 }' "$1"; }
# the path disks whose stat counts each port's I/O
path_stat() {
	if [ "$FAULT_MODE" = native ]; then
		local c=${TCP_CTRL[$1]} d
		for d in /sys/block/nvme*c${c#nvme}n1; do
			[ -e "$d/stat" ] && { echo "$d/stat"; return 0; }
		done
		fail "no native path disk of $c (port $1) under /sys/block"
	else
		echo "/sys/block/${PATH_OF_PORT[$1]}/stat"
	fi
}

# flip_to NEW OLD: port NEW optimized, port OLD non-optimized, the two
# configfs writes back to back (no fork between them); FLIP_US = the time
# the flip was complete, FLIP_TOOK_MS = how long the two writes took
declare -A ANA_FILE
flip_to() {
	local t
	[ -n "${ANA_FILE[$1]:-}" ] || ANA_FILE[$1]=$(_tcp_portdir "$1")/ana_groups/1/ana_state
	[ -n "${ANA_FILE[$2]:-}" ] || ANA_FILE[$2]=$(_tcp_portdir "$2")/ana_groups/1/ana_state
	t=$(now_us)
	echo non-optimized > "${ANA_FILE[$2]}" || fail "cannot set port $2 non-optimized"
	echo optimized > "${ANA_FILE[$1]}" || fail "cannot set port $1 optimized"
	FLIP_US=$(now_us)
	FLIP_TOOK_MS=$(( (FLIP_US - t) / 1000 ))
}

declare -A SW
# flips MODE: fio randread on $DEV, FLIPS flips, SW[MODE,i] = switch ms
# (from the moment the target's flip was complete)
flips() {
	local mode=$1 i opt=4420 non=4421 col_opt=2 col_non=3 ms
	flip_to 4420 4421
	sleep $((INTERVAL + 2))
	sampler_start "$(path_stat 4420)" "$(path_stat 4421)"
	good_io_start "$DEV" $(( FLIPS * GAP + 10 )) randread
	# fio takes seconds to start on a loaded host: flip once it reads
	_reading() { [ "$(_reads "$(path_stat 4420)")" -gt "$r0" ]; }
	r0=$(_reads "$(path_stat 4420)")
	wait_for $(slow 20) _reading || fail "$mode: fio did no read on port 4420 within $(slow 20) s"
	sleep 2
	for ((i = 1; i <= FLIPS; i++)); do
		flip_to $non $opt
		sleep $GAP
		ms=$(switch_ms "$FLIP_US" $col_opt $col_non)
		SW[$mode,$i]=$ms
		log "$mode: flip $i (port $non optimized, $opt non-optimized; target writes took $FLIP_TOOK_MS ms): all new I/O on port $non after $ms ms"
		case $ms in
		-1) fail "$mode: flip $i: the new optimized path (port $non) got no I/O after the old one stopped" ;;
		-2) fail "$mode: flip $i: the old optimized path (port $opt) still got I/O ${GAP} s after the flip" ;;
		-3) fail "$mode: flip $i: no samples (sampler died?)" ;;
		esac
		read -r opt non <<< "$non $opt"
		read -r col_opt col_non <<< "$col_non $col_opt"
	done
	good_io_wait
	sampler_stop
	[ "$GOOD_ERR" = 0 ] || fail "$mode: fio saw errors across the flips: $GOOD_ERR"
}

# ---- the anchor: native multipath ----
fault_setup native
for f in /sys/class/nvme-subsystem/*/iopolicy; do echo round-robin > "$f"; done
flips native
fault_teardown

# ---- nvme_mpath with the watch ----
fault_setup mpath iopolicy=round-robin
a=${PATH_OF_PORT[4420]} b=${PATH_OF_PORT[4421]}
flip_to 4420 4421
wstart=$(date +%s)
"${WATCH[@]}" --watch --all --interval $INTERVAL > /tmp/watch.out 2> /tmp/watch.err &
WPID=$!
log "watch: ${WATCH[*]} --watch --all --interval $INTERVAL (pid $WPID)"
wait_for $(slow 15) mp_ana_is $MP $b non-optimized || fail "the watch did not report $b non-optimized: $(cat /tmp/watch.err)"
mp_ana_is $MP $a optimized || fail "$a: ana_state $(mp_path_attr $MP $a ana_state)"
declare -A CH0
have_changes=0
if [ -e /sys/block/$MP/mpath/paths/$a/ana_changes ]; then
	have_changes=1
	for p in $a $b; do CH0[$p]=$(mp_path_attr $MP $p ana_changes); done
else
	log "this nvme_mpath has no mpath/paths/*/ana_changes: counter not checked"
fi
flips mpath
kill -0 $WPID 2>/dev/null || fail "the watch died: $(cat /tmp/watch.err)"
if [ $have_changes = 1 ]; then
	for p in $a $b; do
		d=$(( $(mp_path_attr $MP $p ana_changes) - CH0[$p] ))
		log "$p: ana_changes +$d, ana_last_change_ms $(mp_path_attr $MP $p ana_last_change_ms)"
		[ $d = $FLIPS ] || fail "$p: ana_changes grew by $d over $FLIPS flips"
	done
fi
# the rest of WATCH_RUN idle: what the watch costs when nothing changes
left=$(( wstart + WATCH_RUN - $(date +%s) ))
[ $left -gt 0 ] && sleep $left
kill -TERM $WPID; wait $WPID; wrc=$?
[ $wrc = 0 ] || fail "the watch exited $wrc on SIGTERM"
summary=$(grep "watch ended" /tmp/watch.out)
[ -n "$summary" ] || fail "no summary from the watch: $(cat /tmp/watch.out /tmp/watch.err)"
log "watch: $summary"
[ -s /tmp/watch.err ] && log "watch messages: $(cat /tmp/watch.err)"

# ---- the unit: no systemd runs in the rig (busybox init + chroot), so the
# units are checked by systemd-analyze verify (make -C tools check) and the
# udev rule that starts the watch when the module loads is checked here on
# the real /sys/module/nvme_mpath: udevadm test must tag it for systemd
# with SYSTEMD_WANTS=nvme-mpath-ana-watch.service
mkdir -p /run/udev/rules.d
cp /mnt/rig/packaging/udev/71-nvme-mpath-ana.rules /run/udev/rules.d/ || fail "no packaging/udev in the stage"
SYSTEMD_IGNORE_CHROOT=1 udevadm test --action=add /sys/module/nvme_mpath > /tmp/udev-test.out 2>&1
grep -qx "SYSTEMD_WANTS=nvme-mpath-ana-watch.service" /tmp/udev-test.out && grep -q "^TAGS=.*:systemd:" /tmp/udev-test.out ||
	fail "udev rule: the module's add event does not want nvme-mpath-ana-watch.service: $(tail -8 /tmp/udev-test.out)"
log "udev: add of /sys/module/nvme_mpath -> TAGS=:systemd:, SYSTEMD_WANTS=nvme-mpath-ana-watch.service"
rm -f /run/udev/rules.d/71-nvme-mpath-ana.rules

# ---- a uevent wakes the watch: with a 60 s interval, the disk's change
# event (as the module sends on path changes) makes it read the logs at once
"${WATCH[@]}" --watch --all --interval 60 > /tmp/watch2.out 2> /tmp/watch2.err &
W2=$!
wait_for $(slow 15) mp_ana_is $MP $a optimized || fail "watch (60 s) did not sync: $(cat /tmp/watch2.err)"
sleep 1
flip_to 4421 4420
sleep 0.5
mp_ana_is $MP $b non-optimized || fail "$b changed before any event: the 60 s watch polled?"
t=$(now_us)
echo change > /sys/block/$MP/uevent
wait_for $(slow 10) mp_ana_is $MP $b optimized || fail "a change uevent of $MP did not wake the watch (60 s interval)"
UEV_MS=$(( ($(now_us) - t) / 1000 ))
log "change uevent of $MP -> $b optimized in sysfs after $UEV_MS ms (interval 60 s)"
kill -TERM $W2; wait $W2
grep -q "1 uevents\|[2-9] uevents" /tmp/watch2.out || fail "the watch counted no uevent: $(cat /tmp/watch2.out)"

if dmesg_has "I/O error, dev ($MP|$a|$b)"; then
	fail "kernel I/O errors: $(dmesg | grep -E "I/O error, dev ($MP|$a|$b)" | head -3)"
fi
fault_teardown

# ---- side by side ----
worst=0 nat= mp=
for ((i = 1; i <= FLIPS; i++)); do
	nat+="${SW[native,$i]} " mp+="${SW[mpath,$i]} "
	[ "${SW[mpath,$i]}" -gt $worst ] && worst=${SW[mpath,$i]}
done
log "switch times (ms), flip 1..$FLIPS:  native: $nat  nvme_mpath + watch (${INTERVAL} s): $mp"
cost=$(sed -n 's/.*(\([0-9.]*\) per second per controller), CPU \([0-9.]*\) s/\1 commands\/s per controller, CPU \2 s/p' <<< "$summary")
[ $worst -le $LIMIT_MS ] || fail "a flip took $worst ms to move all new I/O, limit $LIMIT_MS (native: $nat)"
pass "$FLIPS ANA flips under fio, no I/O error: all new I/O on the new optimized path after $mp ms (limit $LIMIT_MS; native $nat ms); a uevent wakes the watch ($UEV_MS ms at a 60 s interval); watch cost over ${WATCH_RUN} s: $cost"
