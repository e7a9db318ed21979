# tests/lib/bench.sh - measuring helpers of tests/bench (sourced in the guest
# after guest.sh).
#
# bench_run ROUNDS DEV...   per job of BENCH_JOBS, one fio process running
#                           ROUNDS rounds of every DEV in turn (BENCH_RT
#                           seconds each, order rotated each round)
# bench_floor_load DEV / bench_floor_unload: the floor module over DEV
# bench_table NAME REF DEV...  prints medians as "@@BENCH" lines: IOPS,
#                           spread (max-min over median), ratio to REF (the
#                           median of the per-round ratios), CPU time per
#                           I/O; tests/bench collects them.
#
# A DEV is a block device path, or "mp:POLICY" (the multipath disk $MP with
# its iopolicy set to POLICY before each run), or "mpnoacct:POLICY" (the
# same with the disk's queue/iostats off), or "DEV@POLICY" (native's head
# DEV with BENCH_NATIVE_IOPOLICY set to POLICY), or "poll:DEV" (the same jobs
# with polled completions: io_uring hipri; only where the device offers it).
# Jobs: qd1, qd32, qd128 (one job at that queue depth), 4jobs (4 jobs at
# queue depth 32): 4 KiB random reads, io_uring, direct.
BENCH_RT=${BENCH_RT:-2}
BENCH_JOBS=${BENCH_JOBS:-qd1 qd32 qd128 4jobs}
declare -A BENCH_IOPS=() BENCH_CPU=() BENCH_ROUND=()

# _bench_prep SPEC: shell command that readies SPEC before its run (policy)
_bench_prep() {
	case $1 in
	poll:*) _bench_prep "${1#poll:}" ;;
	mp:*) echo "echo 1 > /sys/block/$MP/queue/iostats; echo ${1#mp:} > /sys/block/$MP/mpath/iopolicy" ;;
	mpnoacct:*) echo "echo 0 > /sys/block/$MP/queue/iostats; echo ${1#mpnoacct:} > /sys/block/$MP/mpath/iopolicy" ;;
	*@*) echo "echo ${1#*@} > $BENCH_NATIVE_IOPOLICY" ;;
	*) echo true ;;
	esac
}

_bench_dev() {
	case $1 in
	mp:*|mpnoacct:*) echo "/dev/$MP" ;;
	poll:*) _bench_dev "${1#poll:}" ;;
	*@*) echo "${1%@*}" ;;
	*) echo "$1" ;;
	esac
}

# _bench_can SPEC: can SPEC run here? (polled I/O needs poll queues; a
# policy the kernel does not know is refused)
_bench_can() {
	local dev
	dev=$(_bench_dev "$1")
	case $1 in
	poll:*) [ "$(cat "/sys/block/$(basename "$dev")/queue/io_poll" 2>/dev/null)" = 1 ] || return 1 ;;
	esac
	sh -c "$(_bench_prep "$1")" 2>/dev/null
}

# bench_run ROUNDS SPEC...: one fio process per job of BENCH_JOBS, running
# ROUNDS x SPECs short stonewalled sections, the order of the SPECs rotated
# each round, so that the host's changing load (TCG on a shared machine)
# weighs on each SPEC alike and every round compares them within seconds.
# Each section's /proc/stat "cpu" line before and after gives its CPU time.
bench_run() {
	local rounds=$1 r i n job spec qd nj poll jf k out; shift
	local devs=() all=("$@")
	# fio writes each job's exec_prerun output in its working directory
	cd /tmp || fail "bench: no /tmp"
	for spec in "${all[@]}"; do
		if _bench_can "$spec"; then devs+=("$spec"); else
			log "bench: $spec cannot run here"; fi
	done
	n=${#devs[@]}
	[ "$n" -gt 0 ] || { log "bench: nothing here can run ${all[*]}"; return 0; }
	for job in $BENCH_JOBS; do
		nj=1
		case $job in
		qd1) qd=1 ;; qd32) qd=32 ;; qd128) qd=128 ;; 4jobs) qd=32 nj=4 ;;
		*) fail "bench: unknown job $job" ;;
		esac
		jf=/tmp/bench-$job.fio
		: > /tmp/bench.stat
		printf '#!/bin/sh\ngrep "^cpu " /proc/stat >> /tmp/bench.stat\n' > /tmp/bench-post.sh
		chmod +x /tmp/bench-post.sh
		{
			echo "[global]"
			echo "ioengine=io_uring"
			echo "direct=1"
			echo "rw=randread"
			echo "bs=4k"
			echo "iodepth=$qd"
			echo "numjobs=$nj"
			echo "group_reporting=1"
			echo "runtime=$BENCH_RT"
			echo "time_based=1"
			echo "stonewall=1"
			k=0
			for ((r = 0; r < rounds; r++)); do
				for ((i = 0; i < n; i++)); do
					spec=${devs[$(((r + i) % n))]}
					poll=0; [[ $spec == poll:* ]] && poll=1
					echo "[s$k]"
					echo "description=$spec"
					echo "filename=$(_bench_dev "$spec")"
					echo "hipri=$poll"
					# fio's option parser mangles quotes: scripts
					printf '#!/bin/sh\n%s\ngrep "^cpu " /proc/stat >> /tmp/bench.stat\n' \
						"$(_bench_prep "$spec")" > "/tmp/bench-pre$k.sh"
					chmod +x "/tmp/bench-pre$k.sh"
					echo "exec_prerun=/tmp/bench-pre$k.sh"
					echo "exec_postrun=/tmp/bench-post.sh"
					k=$((k + 1))
				done
			done
		} > "$jf"
		fio --eta=never --output-format=json --output=/tmp/bench.json "$jf" \
			> /tmp/bench.err 2>&1 ||
			{ sed 's/^/fio: /' /tmp/bench.err | tail; fail "bench: fio $job failed"; }
		out=$(cat /tmp/bench.json)
		# per section: description, IOPS, I/Os; then busy jiffies per
		# section from the stat lines (pairs; numjobs>1 writes nj pairs)
		echo "$out" | jq -r '.jobs[] | "\(.desc // .["job options"].description) \(.read.iops | floor) \(.read.total_ios)"' > /tmp/bench.res
		awk -v nj="$nj" '{ b = $2 + $3 + $4 + $7 + $8 + $9 }
			NR % (2 * nj) == 1 { s = b } NR % (2 * nj) == 0 { print b - s }' /tmp/bench.stat > /tmp/bench.cpu
		k=0
		while read -r spec iops ios; do
			k=$((k + 1))
			busy=$(sed -n "${k}p" /tmp/bench.cpu)
			[ "$ios" -gt 0 ] || fail "bench: fio $job on $spec did no I/O"
			BENCH_IOPS[$spec|$job]+="$iops "
			# USER_HZ is 100: a jiffy is 10 ms
			BENCH_CPU[$spec|$job]+="$(( ${busy:-0} * 10000000 / ios )) "
			BENCH_ROUND[$spec|$job]+="$(( (k - 1) / n )) "
		done < /tmp/bench.res
		log "bench: $job done ($rounds rounds of ${devs[*]})"
	done
}

# _bench_ratio SPEC REF JOB: median over rounds of SPEC's IOPS / REF's IOPS
# in the same round
_bench_ratio() {
	local a=(${BENCH_IOPS[$1|$3]:-}) b=(${BENCH_IOPS[$2|$3]:-})
	local ra=(${BENCH_ROUND[$1|$3]:-}) rb=(${BENCH_ROUND[$2|$3]:-}) i j
	[ ${#a[@]} -gt 0 ] && [ ${#b[@]} -gt 0 ] || { echo -; return; }
	for i in "${!a[@]}"; do
		for j in "${!b[@]}"; do
			[ "${ra[$i]}" = "${rb[$j]}" ] && [ "${b[$j]}" -gt 0 ] &&
				echo "${a[$i]} ${b[$j]}"
		done
	done | awk '{ print $1 / $2 }' | sort -g |
		awk '{ v[NR] = $1 } END { if (!NR) print "-"; else printf "%.3f", (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2 }'
}

# _bench_median V...: median of integers ("-" if any is "-")
_bench_median() {
	case " $* " in *" - "*) echo -; return ;; esac
	printf '%s\n' "$@" | sort -n | awk '{ v[NR] = $1 } END { print (NR % 2) ? v[(NR + 1) / 2] : int((v[NR / 2] + v[NR / 2 + 1]) / 2) }'
}

# bench_table NAME REF DEV...: one @@BENCH line per job and device:
# @@BENCH NAME JOB DEV IOPS SPREAD% RATIO CPU_NS_PER_IO RUNS
bench_table() {
	local name=$1 ref=$2 job spec m spread ratio cpu; shift 2
	for job in $BENCH_JOBS; do
		[ -n "${BENCH_IOPS[$ref|$job]:-}" ] || continue
		for spec in "$ref" "$@"; do
			# shellcheck disable=SC2086
			[ -n "${BENCH_IOPS[$spec|$job]:-}" ] || continue
			# shellcheck disable=SC2086
			m=$(_bench_median ${BENCH_IOPS[$spec|$job]})
			# shellcheck disable=SC2086
			cpu=$(_bench_median ${BENCH_CPU[$spec|$job]})
			if [ "$m" = - ]; then
				spread=- ratio=-
			else
				# shellcheck disable=SC2086
				spread=$(printf '%s\n' ${BENCH_IOPS[$spec|$job]} | sort -n |
					awk -v m="$m" 'NR == 1 { lo = $1 } { hi = $1 } END { printf "%d", m ? (hi - lo) * 100 / m : 0 }')
				ratio=$(_bench_ratio "$spec" "$ref" "$job")
			fi
			echo "@@BENCH $name $job $spec $m $spread $ratio $cpu ${BENCH_IOPS[$spec|$job]// /,}"
		done
	done
}

# bench_floor_load DEV: loads the floor (tests/bench.d/floor: a bare bio
# remap) over DEV, read-only and unclaimed; FLOOR=/dev/mpfloor0, or empty if
# tests/bench built no floor for this kernel.
# bench_floor_unload: unloads it, if loaded.
bench_floor_load() {
	local ko=${BENCH_FLOOR_DIR:-/nonexistent}/$(uname -r)/floor/nvme_mpath_floor.ko
	FLOOR=
	if [ ! -e "$ko" ]; then
		log "bench: no floor module for $(uname -r) ($ko)"
		return 0
	fi
	run insmod "$ko" dev="$(cat "/sys/block/$(basename "$1")/dev")"
	wait_for 10 test -b /dev/mpfloor0 || fail "no /dev/mpfloor0"
	FLOOR=/dev/mpfloor0
}
bench_floor_unload() {
	if [ -d /sys/module/nvme_mpath_floor ]; then run rmmod nvme_mpath_floor; fi
}

# bench_slab_kb: kernel slab in use, KiB
bench_slab_kb() { awk '/^Slab:/ { print $2 }' /proc/meminfo; }
# bench_now_ms: monotonic-enough wall clock in ms
bench_now_ms() { echo $(( $(date +%s%N) / 1000000 )); }

SCALE_NQN=nqn.2026-12.io.nvme-mpath:scale

# ---- scale (20-scale, 21-scale-native) ----------------------------------
# scale_target: an nvmet subsystem with N namespaces (null_blk) on P TCP
# ports; scale_connect: one host controller per port; path_disks: namespace
# disks of that subsystem (N and P: BENCH_SCALE_NS, BENCH_SCALE_PATHS)
scale_target() {
	local i p
	modprobe null_blk nr_devices="$N" gb=1 || fail "modprobe null_blk nr_devices=$N"
	modprobe nvmet; modprobe nvmet-tcp; modprobe nvme-tcp
	local sub=$NVMET/subsystems/$SCALE_NQN
	mkdir "$sub" && echo 1 > "$sub/attr_allow_any_host" || fail "no nvmet subsystem"
	for ((i = 0; i < N; i++)); do
		mkdir "$sub/namespaces/$((i + 1))"
		echo "/dev/nullb$i" > "$sub/namespaces/$((i + 1))/device_path"
		echo 1 > "$sub/namespaces/$((i + 1))/enable" || fail "namespace $((i + 1))"
	done
	for ((p = 0; p < P; p++)); do
		mkdir "$NVMET/ports/$((p + 1))"
		echo tcp > "$NVMET/ports/$((p + 1))/addr_trtype"
		echo ipv4 > "$NVMET/ports/$((p + 1))/addr_adrfam"
		echo 127.0.0.1 > "$NVMET/ports/$((p + 1))/addr_traddr"
		echo $((4420 + p)) > "$NVMET/ports/$((p + 1))/addr_trsvcid"
		ln -s "$sub" "$NVMET/ports/$((p + 1))/subsystems/$SCALE_NQN"
	done
	log "target: $N namespaces on $P ports"
}
scale_connect() {
	local p fd
	for ((p = 0; p < P; p++)); do
		exec {fd}<>/dev/nvme-fabrics || fail "no /dev/nvme-fabrics"
		echo "transport=tcp,traddr=127.0.0.1,trsvcid=$((4420 + p)),nqn=$SCALE_NQN,hostnqn=$TCP_HOSTNQN,hostid=$TCP_HOSTID,ctrl_loss_tmo=60,reconnect_delay=1" >&$fd ||
			fail "connect to port $((4420 + p)) refused"
		read -r _ <&$fd
		exec {fd}>&-
	done
}
# namespace disks of the scale subsystem
path_disks() { grep -l -x "$SCALE_NQN" /sys/block/nvme*n*/device/subsysnqn 2>/dev/null | wc -l; }
_paths_ge() { [ "$(path_disks)" -ge "$1" ]; }
