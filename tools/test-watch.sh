#!/bin/bash
# tools/test-watch.sh - host-side tests of ana-sync --watch (no device, no
# module): a fake sysfs tree (--sysfs) with one multipath disk over paths on
# nvme90 and nvme91, their ANA logs replayed from files (--log-file, re-read
# every interval by the watch, as a controller's log is), and a FIFO as the
# log of a controller that does not answer.
#
#   tools/test-watch.sh [path/to/nvme-mpath | path/to/nvme-mpath-ana]   (make -C tools check)
#
# Checks: bad --interval values exit 2; a new change count in a log is in
# sysfs within 2 intervals; an unchanged count writes nothing; a controller
# that hangs is reported once, never holds up the other, and is reported
# again when it answers; SIGTERM and SIGINT end the watch with status 0 and
# its cost summary; rmmod ends it.  One-shot ana-sync -o json gives what was
# read and done as JSON.  The units of packaging/systemd pass systemd-analyze
# verify (where it is installed).
set -u

BIN=$(readlink -f "${1:-$(dirname "$0")/nvme-mpath}")
[ -x "$BIN" ] || { echo "test-watch: no $BIN (make -C tools first)"; exit 1; }
# nvme-mpath ana-sync, or the same through nvme-mpath-ana
CMD=("$BIN" ana-sync)
[ "$(basename "$BIN")" = nvme-mpath-ana ] && CMD=("$BIN")
REPO=$(cd "$(dirname "$0")/.." && pwd)
T=$(mktemp -d /tmp/nvme-mpath-watch-test.XXXXXX)
WPID=
trap '[ -n "$WPID" ] && kill $WPID 2>/dev/null; rm -rf "$T"' EXIT
S=$T/sys
MP=mpnvme0n1
P0=$S/block/$MP/mpath/paths/nvme90n1
P1=$S/block/$MP/mpath/paths/nvme91n1
npass=0 nfail=0

ok() { npass=$((npass + 1)); echo "ok   - $*"; }
bad() { nfail=$((nfail + 1)); echo "FAIL - $*"; }

le16() { printf '\\x%02x\\x%02x' $(($1 & 255)) $(($1 >> 8 & 255)); }
le32() { printf '\\x%02x\\x%02x\\x%02x\\x%02x' $(($1 & 255)) $(($1 >> 8 & 255)) $(($1 >> 16 & 255)) $(($1 >> 24 & 255)); }
# log FILE CHGCNT STATE: an ANA log with group 1 in STATE (1 opt, 2 non-opt) holding NSID 1
# (written to FILE.new and renamed: the watch never reads half a file)
log() {
	{ printf "$(le32 "$2")$(le32 0)$(le16 1)$(le16 0)$(le32 0)"
	  printf "$(le32 1)$(le32 1)$(le32 0)$(le32 0)$(printf '\\x%02x' "$3")"
	  printf '\x00%.0s' $(seq 15); printf "$(le32 1)"; } > "$1.new"
	mv "$1.new" "$1"
}

reset_sysfs() {
	rm -rf "$S"
	mkdir -p "$P0" "$P1"
	echo 1 > "$S/block/$MP/mpath/nsid"
	echo nvme90 > "$P0/controller"; echo nvme91 > "$P1/controller"
	for p in "$P0" "$P1"; do
		echo 0 > "$p/ana_group"; echo unknown > "$p/ana_state"; echo 0 > "$p/anatt"
	done
}
states() { echo "$(cat "$P0/ana_state") $(cat "$P1/ana_state")"; }
# wait_states SECS WANT: until states() is WANT
wait_states() {
	local n=$(( $1 * 10 ))
	while [ $n -gt 0 ]; do
		[ "$(states)" = "$2" ] && return 0
		sleep 0.1; n=$((n - 1))
	done
	return 1
}
watch_start() {
	"${CMD[@]}" --watch --sysfs "$S" "$@" > "$T/out" 2> "$T/err" &
	WPID=$!
}
# watch_stop [SIG]: end it, status in $RC
watch_stop() {
	kill -"${1:-TERM}" $WPID; wait $WPID; RC=$?; WPID=
}

# ---- bad intervals: exit 2, a message, nothing written ----
reset_sysfs
log "$T/l90" 1 1; log "$T/l91" 1 2
for i in 0 -1 abc 3601 1.5 "" 99999999999; do
	"${CMD[@]}" --watch --interval "$i" --sysfs "$S" --all \
		--log-file nvme90="$T/l90" > "$T/out" 2> "$T/err"
	rc=$?
	if [ $rc = 2 ] && grep -q -- "--interval: '$i' is not a number of seconds from 1 to 3600" "$T/err" &&
	   [ "$(states)" = "unknown unknown" ]; then
		ok "--interval '$i' refused (exit 2)"
	else bad "--interval '$i': rc=$rc err=$(cat "$T/err")"; fi
done
"${CMD[@]}" --interval 5 --sysfs "$S" --all > /dev/null 2> "$T/err"
[ $? = 2 ] && grep -q -- "--interval goes with --watch" "$T/err" &&
	ok "--interval without --watch: exit 2" || bad "--interval alone: $(cat "$T/err")"
"${CMD[@]}" --watch -n --sysfs "$S" --all > /dev/null 2> "$T/err"
[ $? = 2 ] && ok "--watch -n: exit 2" || bad "--watch -n: $(cat "$T/err")"
"${CMD[@]}" --watch --dump-log nvme0 > /dev/null 2> "$T/err"
[ $? = 2 ] && ok "--watch --dump-log: exit 2" || bad "--watch --dump-log: $(cat "$T/err")"

# ---- changes followed, unchanged counts write nothing ----
reset_sysfs
log "$T/l90" 1 1; log "$T/l91" 1 2
watch_start --interval 1 --all --log-file nvme90="$T/l90" --log-file nvme91="$T/l91"
wait_states 3 "optimized non-optimized" && ok "first pass applies both logs" ||
	bad "first pass: $(states) err=$(cat "$T/err")"
sleep 1.2
touch -d @1000000000 "$P0"/* "$P1"/*
sleep 3.5	# three intervals, counts unchanged
mt=$(stat -c %Y "$P0"/* "$P1"/* | sort -u | xargs)
[ "$mt" = 1000000000 ] && ok "unchanged change counts: nothing written in 3 intervals" ||
	bad "unchanged counts: mtimes $mt"
# the flip: both logs get a new change count
log "$T/l90" 2 2; log "$T/l91" 2 1
t0=$(date +%s%N)
if wait_states 2 "non-optimized optimized"; then
	ok "flip in sysfs $(( ($(date +%s%N) - t0) / 1000000 )) ms after the logs changed (limit 2 intervals)"
else bad "flip not applied within 2 s: $(states) err=$(cat "$T/err")"; fi
# a new state with the same change count is not read (only the header is)
log "$T/l90" 2 1
sleep 2.5
[ "$(states)" = "non-optimized optimized" ] && ok "same change count: the whole log is not re-read" ||
	bad "same count re-read: $(states)"
watch_stop TERM
sum=$(grep "watch ended" "$T/out")
if [ $RC = 0 ] && [[ $sum =~ ([0-9]+)\ header\ reads,\ ([0-9]+)\ full\ reads ]] &&
   [ "${BASH_REMATCH[2]}" = 4 ] && [ "${BASH_REMATCH[1]}" -ge 12 ]; then
	ok "SIGTERM: exit 0, summary: ${BASH_REMATCH[1]} header reads, 4 full reads (2 per controller)"
else bad "SIGTERM: rc=$RC summary='$sum' err=$(cat "$T/err")"; fi
[ ! -s "$T/err" ] && ok "no messages on stderr" || bad "stderr: $(cat "$T/err")"

# ---- a controller that does not answer (its log is a FIFO nobody writes) ----
reset_sysfs
rm -f "$T/l90"; mkfifo "$T/l90"; log "$T/l91" 1 2
watch_start --interval 1 --all --log-file nvme90="$T/l90" --log-file nvme91="$T/l91"
wait_states 3 "unknown non-optimized" && ok "hung nvme90 does not hold up nvme91" ||
	bad "hung: $(states) err=$(cat "$T/err")"
log "$T/l91" 2 1
wait_states 2 "unknown optimized" && ok "nvme91 followed a change while nvme90 hangs" ||
	bad "hung, change: $(states)"
sleep 2
n=$(grep -c "nvme90: ANA log read timed out, retrying every interval" "$T/err")
[ "$n" = 1 ] && ok "timeout reported once over 4 intervals" || bad "timeout messages: $n: $(cat "$T/err")"
# it answers (then the FIFO is replaced by a file, as a controller answering again)
log "$T/l90.file" 1 1
# (a writer that finds no reader must not hang the test)
timeout 5 sh -c 'cat "$1" > "$2"' - "$T/l90.file" "$T/l90"; mv "$T/l90.file" "$T/l90"
wait_states 3 "optimized optimized" && grep -q "nvme90: answered again after" "$T/err" &&
	ok "nvme90 answers: reported, its log applied" || bad "answer: $(states) err=$(cat "$T/err")"
watch_stop INT
[ $RC = 0 ] && grep -q "watch ended" "$T/out" && ok "SIGINT: exit 0, summary" || bad "SIGINT: rc=$RC"

# ---- a rejected log is reported once, not every interval ----
reset_sysfs
log "$T/l90" 1 7; log "$T/l91" 1 2
watch_start --interval 1 --all --log-file nvme90="$T/l90" --log-file nvme91="$T/l91"
sleep 3.5
n=$(grep -c "nvme90: ANA log rejected: group 1 at offset 16: unknown state 0x07" "$T/err")
[ "$n" = 1 ] && [ "$(states)" = "unknown non-optimized" ] &&
	ok "bad log rejected once in 3 intervals, nvme90 untouched" || bad "rejected: n=$n $(states) $(cat "$T/err")"
log "$T/l90" 2 1
wait_states 2 "optimized non-optimized" && ok "its next change count is read and applied" ||
	bad "after reject: $(states)"
watch_stop TERM

# ---- disks appearing: picked up at the next pass ----
reset_sysfs
rm -rf "$S/block/$MP"; mkdir -p "$S/block"
log "$T/l90" 1 1; log "$T/l91" 1 2
watch_start --interval 1 --all --log-file nvme90="$T/l90" --log-file nvme91="$T/l91"
sleep 1.2
mkdir -p "$P0" "$P1"; echo 1 > "$S/block/$MP/mpath/nsid"
for p in "$P0" "$P1"; do echo 0 > "$p/ana_group"; echo unknown > "$p/ana_state"; echo 0 > "$p/anatt"; done
echo nvme90 > "$P0/controller"; echo nvme91 > "$P1/controller"
wait_states 3 "optimized non-optimized" && ok "a disk that appears is synced within the next passes" ||
	bad "new disk: $(states) err=$(cat "$T/err")"
watch_stop TERM

# ---- the module unloaded: the watch ends by itself (status 0) ----
reset_sysfs
mkdir -p "$S/module/nvme_mpath"
log "$T/l90" 1 1; log "$T/l91" 1 2
watch_start --interval 1 --all --log-file nvme90="$T/l90" --log-file nvme91="$T/l91"
wait_states 3 "optimized non-optimized" || bad "module dir: $(states)"
rmdir "$S/module/nvme_mpath"
n=30; while [ $n -gt 0 ] && kill -0 $WPID 2>/dev/null; do sleep 0.1; n=$((n - 1)); done
if kill -0 $WPID 2>/dev/null; then
	bad "the watch still runs 3 s after the module went"; watch_stop TERM
else
	wait $WPID; RC=$?; WPID=
	[ $RC = 0 ] && grep -q "nvme_mpath was unloaded: the watch ends" "$T/out" &&
		ok "module unloaded: the watch ends, status 0" || bad "unload: rc=$RC out=$(cat "$T/out")"
fi

# ---- one-shot ana-sync -o json (what was read and done, for scripts) ----
reset_sysfs
log "$T/l90" 5 1
printf '\x01\x00' > "$T/short"
"${CMD[@]}" -o json -v --sysfs "$S" --all --log-file nvme90="$T/l90" --log-file nvme91="$T/short" > "$T/out" 2> "$T/err"
rc=$?
j=$(python3 -c '
import json, sys
d = json.load(open(sys.argv[1]))
c = {x["name"]: x for x in d["controllers"]}
p = {x["path"]: x for x in d["paths"]}
print(d["dry_run"], c["nvme90"]["result"], c["nvme90"]["change_count"], c["nvme91"]["result"],
      p["nvme90n1"]["ana_state"], ",".join(p["nvme90n1"]["changed"]), "nvme91n1" in p)' "$T/out" 2>&1)
[ $rc = 1 ] && [ "$j" = "False applied 5 rejected optimized ana_group,ana_state False" ] &&
	grep -q "nvme91: ANA log rejected" "$T/err" && [ "$(states)" = "optimized unknown" ] &&
	ok "-o json (with -v): valid JSON on stdout, controllers and paths, messages on stderr" ||
	bad "-o json: rc=$rc j=$j out=$(head -c 300 "$T/out")"
reset_sysfs
"${CMD[@]}" -o json -n --sysfs "$S" --all --log-file nvme90="$T/l90" --log-file nvme91="$T/l90" > "$T/out" 2> "$T/err"
j=$(python3 -c '
import json, sys
d = json.load(open(sys.argv[1]))
print(d["dry_run"], " ".join(",".join(x["would_change"]) for x in d["paths"]))' "$T/out" 2>&1)
[ "$j" = "True ana_group,ana_state ana_group,ana_state" ] && [ "$(states)" = "unknown unknown" ] &&
	ok "-o json -n: would_change listed, nothing written" || bad "-o json -n: $j $(states)"
for args in "-o xml --all" "-o json --watch --all" "-o json --dump-log nvme0"; do
	"${CMD[@]}" --sysfs "$S" $args > /dev/null 2> "$T/err"
	rc=$?
	[ $rc = 2 ] && [ -s "$T/err" ] && ok "usage error exits 2: '$args'" || bad "'$args': rc=$rc"
done

# ---- the systemd units ----
if command -v systemd-analyze > /dev/null; then
	for u in "$REPO"/packaging/systemd/*.service "$REPO"/packaging/systemd/*.timer; do
		# verify looks for ExecStart's binary: give it the built one
		sed "s|/usr/sbin/nvme-mpath-ana|$(dirname "$BIN")/nvme-mpath-ana|g; s|/usr/sbin/nvme-mpath|$BIN|g" "$u" \
			> "$T/$(basename "$u")"
	done
	out=$(cd "$T" && systemd-analyze verify --man=no ./*.service ./*.timer 2>&1)
	rc=$?
	[ $rc = 0 ] && [ -z "$out" ] && ok "systemd-analyze verify: $(cd "$T" && echo *.service *.timer)" ||
		bad "systemd-analyze verify (exit $rc): $out"
else
	echo "skip - systemd-analyze not installed: units not verified"
fi

echo "test-watch: $npass passed, $nfail failed"
[ $nfail = 0 ]
