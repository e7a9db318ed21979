# tests/lib/fault.sh - the array fails commands: target-side error injection
# and the native anchor.  Source after guest.sh and mpath.sh.
#
# The nvmet namespace sits on a dm device (tcp_target_setup dm=1) whose
# table a case swaps while both paths stay up:
#   ns_fail_range I SECTOR N   sectors [SECTOR, SECTOR+N) of namespace I fail
#                              (dm "error": nvmet answers Internal Error, DNR)
#   ns_fail_all I              every command on namespace I fails
#   ns_fail_writes I           every write fails, reads work (dm-flakey)
#   ns_heal I                  back to a plain linear mapping
#
# One scenario runs twice in one guest boot, native multipath first:
#   fault_setup native         nvme_core reloaded with multipath=Y, target
#                              with dm=1, both ports connected; DEV = the
#                              native head disk
#   fault_setup mpath [params] nvme_core reloaded with multipath=N, target,
#                              nvme_mpath loaded; DEV = the multipath disk
#   fault_teardown             all of it undone
#   timed_io read|write DEV BLK  one direct 4 KiB I/O at 4 KiB block BLK;
#                              sets IO_MS (time to completion), IO_RC (errno,
#                              0 if it worked) and IO_OUT (its message)
#   good_io_start DEV SECS RW  fio (RW: randread|randrw, 4 KiB, QD 4) on the
#                              first 32 MiB; good_io_wait sets GOOD_IOPS,
#                              GOOD_MAX_MS (worst completion), GOOD_ERR
#   paths_summary              the paths' states, native or nvme_mpath
#   mp_expect_command_errors_only MIN  logs each path's counters; fails
#                              unless at least MIN bios were returned as
#                              command errors and no bio failed over, nor
#                              any path failed

_ns_sectors() { blockdev --getsz "${TCP_NS_BASE[$1]}"; }
# The new table is loaded inactive, then resume swaps it in: dm suspends the
# device only inside that one ioctl.  (Suspending first held every I/O for
# as long as dmsetup load took to start under TCG, 0.2-0.3 s: the "worst
# latency" of good I/O was the rig's, in native and nvme_mpath runs alike.)
_ns_load() {
	local i=$1; shift
	dmsetup load "nvmet_ns$i" --table "$*" && dmsetup resume "nvmet_ns$i" ||
		fail "cannot load table '$*' into nvmet_ns$i"
}
ns_fail_range() {
	local i=$1 s=$2 n=$3 base=${TCP_NS_BASE[$1]} sz
	sz=$(_ns_sectors "$i")
	log "target: namespace $i fails sectors $s-$((s + n - 1))"
	_ns_load "$i" "0 $s linear $base 0
$s $n error
$((s + n)) $((sz - s - n)) linear $base $((s + n))"
}
ns_fail_all() { log "target: namespace $1 fails every command"; _ns_load "$1" "0 $(_ns_sectors "$1") error"; }
ns_fail_writes() {
	log "target: namespace $1 fails every write"
	# flakey: up 0 s, down 1 s = always down; error_writes: writes fail, reads pass
	_ns_load "$1" "0 $(_ns_sectors "$1") flakey ${TCP_NS_BASE[$1]} 0 0 1 1 error_writes"
}
ns_heal() { log "target: namespace $1 healed"; _ns_load "$1" "0 $(_ns_sectors "$1") linear ${TCP_NS_BASE[$1]} 0"; }

FAULT_MODE=
DEV=
native_head() {
	local d
	for d in /sys/block/nvme*n*; do
		case $(readlink -f "$d/device") in */nvme-subsys*) basename "$d"; return 0 ;; esac
	done
	return 1
}
_native_head_ok() { native_head > /dev/null; }

fault_setup() {
	FAULT_MODE=$1; shift
	modprobe dm_mod 2>/dev/null; modprobe dm_flakey || fail "no dm-flakey"
	if [ "$FAULT_MODE" = native ]; then
		nvme_reload multipath=Y
		tcp_target_setup ports=4420,4421 ns=1 size=128 dm=1 > /dev/null
		wait_for 20 _native_head_ok || fail "no native multipath head"
		DEV=$(native_head)
		# iopolicy=P: native's subsystem policy, as nvme_mpath's in the
		# same case (both paths busy in both runs, like for like)
		local a f
		for a in "$@"; do
			[[ $a == iopolicy=* ]] || continue
			for f in /sys/class/nvme-subsystem/*/iopolicy; do
				echo "${a#iopolicy=}" > "$f" || fail "cannot set native iopolicy ${a#iopolicy=}"
			done
		done
		log "native: head $DEV over ${TCP_CTRL[4420]} and ${TCP_CTRL[4421]}, iopolicy $(cat /sys/class/nvme-subsystem/*/iopolicy | sort -u | xargs)"
	else
		nvme_reload multipath=N
		TCP_DM=1 mp_tcp_setup "$@"
		DEV=$MP
	fi
}

fault_teardown() {
	[ "$FAULT_MODE" = mpath ] && mpath_unload
	tcp_target_teardown
	rmmod nvmet_tcp nvmet || fail "cannot unload the target"
	FAULT_MODE=
}

# Timed inside one process, so that starting a program under TCG (a few
# hundred ms through the 9p root) is not counted.
timed_io() {
	local out
	out=$(python3 - "$@" <<'PY'
import mmap, os, sys, time
op, dev, blk = sys.argv[1], "/dev/" + sys.argv[2], int(sys.argv[3])
buf = mmap.mmap(-1, 4096)
fd = os.open(dev, (os.O_RDONLY if op == "read" else os.O_WRONLY) | os.O_DIRECT)
t0 = time.monotonic()
try:
    n = os.preadv(fd, [buf], blk * 4096) if op == "read" else os.pwritev(fd, [buf], blk * 4096)
    err = "ok %d bytes" % n
    rc = 0
except OSError as e:
    err = e.strerror
    rc = e.errno
ms = int((time.monotonic() - t0) * 1000)
print(rc, ms, err)
PY
)
	read -r IO_RC IO_MS IO_OUT <<< "$out"
	[ -n "$IO_MS" ] || fail "timed_io $*: no result ($out)"
	log "$1 of block $3 on $2: errno=$IO_RC after ${IO_MS} ms: $IO_OUT"
}

good_io_start() {
	GOOD_OUT=/tmp/good-io-$RANDOM.json
	log "good I/O: fio $3 on the first 32 MiB of $1 for $2 s"
	( trap '' PIPE
	  exec fio --name=good --filename="/dev/$1" --ioengine=libaio --direct=1 \
		--rw="$3" --bs=4k --iodepth=4 --size=32M --runtime="$2" --time_based \
		--eta=never --output-format=json --output="$GOOD_OUT" 2> "$GOOD_OUT.err" ) &
	GOOD_PID=$!
}
good_io_wait() {
	local rc=0
	wait "$GOOD_PID" || rc=$?
	jq -e . "$GOOD_OUT" > /dev/null 2>&1 || fail "good I/O: fio exit $rc, no JSON: $(tail -5 "$GOOD_OUT.err")"
	GOOD_ERR=$(jq '[.jobs[] | (.error // 0) + (.read.total_err // 0) + (.write.total_err // 0)] | add' "$GOOD_OUT")
	GOOD_IOPS=$(jq '[.jobs[] | .read.iops + .write.iops] | add | floor' "$GOOD_OUT")
	GOOD_MAX_MS=$(jq '[.jobs[] | .read.clat_ns.max, .write.clat_ns.max] | max / 1000000 | floor' "$GOOD_OUT")
	[ "$rc" = 0 ] || GOOD_ERR="exit$rc/$GOOD_ERR"
	log "good I/O: $GOOD_IOPS IOPS, worst ${GOOD_MAX_MS} ms, errors $GOOD_ERR"
}

paths_summary() {
	local c s out=
	if [ "$FAULT_MODE" = native ]; then
		for c in "${TCP_CTRL[@]}"; do out+="$c=$(ctrl_state "$c") "; done
	else
		for s in $(mp_paths "$MP"); do
			out+="$s=$(mp_path_attr "$MP" "$s" state) "
		done
	fi
	echo "${out% }"
}

# all_paths_usable: true when every path of the scenario is in use
all_paths_usable() {
	local c s
	if [ "$FAULT_MODE" = native ]; then
		for c in "${TCP_CTRL[@]}"; do ctrl_is "$c" live || return 1; done
	else
		for s in $(mp_paths "$MP"); do mp_path_state_is "$MP" "$s" usable || return 1; done
	fi
}

mp_expect_command_errors_only() {
	local s a line
	for s in $(mp_paths "$MP"); do
		line=
		for a in state command_error_count command_retry_count multipath_failover_count errors; do
			line+="$a=$(mp_path_attr "$MP" "$s" $a) "
		done
		log "$s: $line"
	done
	[ "$(mp_attr "$MP" command_error_count)" -ge "$1" ] ||
		fail "command_error_count $(mp_attr "$MP" command_error_count), expected >= $1"
	[ "$(mp_attr "$MP" failovers)" = 0 ] ||
		fail "failovers $(mp_attr "$MP" failovers): command errors moved bios as if a path failed"
	if dmesg_has "nvme_mpath: .*failed \(error"; then
		fail "a path was failed: $(dmesg | grep 'nvme_mpath: .*failed (error' | head -2)"
	fi
}

# within LIMIT_FACTOR: VALUE <= 2 x ANCHOR + SLACK (TCG jitter), as integers
within_2x() { [ "$1" -le $(( 2 * $2 + $3 )) ]; }
