# tests/lib/mpath.sh - nvme_mpath helpers for cases; source after guest.sh.
#
#   mp_attr MP ATTR               /sys/block/MP/mpath/ATTR
#   mp_path_attr MP PATH ATTR     /sys/block/MP/mpath/paths/PATH/ATTR
#   mp_paths MP                   path disks listed under mpath/paths
#   mp_of_disk DISK               the multipath disk holding path disk DISK
#   mp_tcp_setup [params]         TCP target on ports 4420+4421, nvme_mpath
#                                 loaded with params; sets MP, PATH_OF_PORT[]
#                                 (TCP_DM=1: namespace on dm, lib/fault.sh)
#   mp_expect_no_kernel_errors    fail if dmesg shows an I/O error on MP
#   blkdev_read_ok DEV            a direct read of DEV's first 4 KiB works

mp_attr() { cat "/sys/block/$1/mpath/$2"; }
mp_path_attr() { cat "/sys/block/$1/mpath/paths/$2/$3"; }
mp_paths() { ls "/sys/block/$1/mpath/paths" 2>/dev/null; }
mp_of_disk() {
	local h
	for h in /sys/block/"$1"/holders/*; do
		[ -e "$h" ] || continue
		case $(basename "$h") in mpnvme*) basename "$h"; return 0 ;; esac
	done
	return 1
}
_mp_of_disk_exists() { mp_of_disk "$1" > /dev/null; }

declare -A PATH_OF_PORT=()
MP=
mp_tcp_setup() {
	local p d
	tcp_target_setup ports=4420,4421 ns=1 size=128 ctrl_loss_tmo="${TCP_LOSS_TMO:-60}" dm="${TCP_DM:-0}" > /dev/null
	mpath_load "$@"
	for p in 4420 4421; do
		d=$(disks_of_ctrl "${TCP_CTRL[$p]}")
		[ -n "$d" ] || fail "no namespace disk on ${TCP_CTRL[$p]} (port $p)"
		PATH_OF_PORT[$p]=$d
	done
	wait_for 20 _mp_of_disk_exists "${PATH_OF_PORT[4420]}" || fail "no multipath disk holds ${PATH_OF_PORT[4420]}"
	MP=$(mp_of_disk "${PATH_OF_PORT[4420]}")
	mp_wait_slaves "$MP" 2 20 || fail "$MP has paths '$(mp_slaves "$MP" | xargs)', expected 2"
	log "$MP over ${PATH_OF_PORT[4420]} (port 4420) and ${PATH_OF_PORT[4421]} (port 4421)"
}

blkdev_read_ok() { dd if="$1" of=/dev/null bs=4k count=1 iflag=direct status=none 2>/dev/null; }

# Predicates for wait_for (which re-runs a command, not a "$(...)" string):
#   wait_for 15 mp_path_state_is MP PATH failed
mp_path_state_is() { [ "$(mp_path_attr "$1" "$2" state 2>/dev/null)" = "$3" ]; }
mp_path_state_not() { [ "$(mp_path_attr "$1" "$2" state 2>/dev/null)" != "$3" ]; }
mp_count_ge() { [ "$(mp_disks | wc -l)" -ge "$1" ]; }
# mp_by_id NQN NSID: the multipath disk of namespace NSID of subsystem NQN
mp_by_id() {
	local m
	for m in $(mp_disks); do
		[ "$(mp_attr "$m" subsysnqn)" = "$1" ] && [ "$(mp_attr "$m" nsid)" = "$2" ] && { echo "$m"; return 0; }
	done
	return 1
}
# excl_open_ok DEV: DEV can be opened exclusively (O_EXCL), as mount/LVM do
excl_open_ok() { python3 -c 'import os,sys; os.close(os.open(sys.argv[1], os.O_RDONLY | os.O_EXCL))' "$1" 2>/dev/null; }

# On failure, show where I/O stands: in-flight counts of every multipath
# disk (bio accounting) and of its paths (requests in the nvme queues), path
# states and counters.  I/O stuck in a path's queue with nvme_mpath idle
# points at the device; I/O in flight on the multipath disk with none on the
# paths would point at nvme_mpath.
mp_diag() {
	local m s
	for m in $(mp_disks); do
		echo "diag: $m inflight $(cat /sys/block/$m/inflight | xargs) failovers $(mp_attr $m failovers) queued_ios $(mp_attr $m queued_ios) iopolicy $(mp_attr $m iopolicy)"
		for s in $(mp_paths $m); do
			echo "diag:   $s $(mp_path_attr $m $s state) ctrl=$(mp_path_attr $m $s ctrl_state) ios=$(mp_path_attr $m $s ios) errors=$(mp_path_attr $m $s errors) inflight $(cat /sys/block/$s/inflight 2>/dev/null | xargs)"
		done
	done
}
fail() { mp_diag 2>/dev/null; _result FAIL "${*:-failed}" 1; }

# ---- the ANA helper, run the way the systemd timer runs it ----------------
# ana_helper_loop INTERVAL: runs "$ANA_HELPER --all" every INTERVAL seconds
# in the background (ANA_LOOP holds its pid); its output goes to
# /tmp/ana-helper.log, and each run's start and end times (ns) to
# /tmp/ana-runs as "S <ns>" and "E <ns>" lines.  ana_helper_stop ends it.
ana_helper_loop() {
	[ -x "$ANA_HELPER" ] || fail "no $ANA_HELPER in the guest (tools/ build failed?)"
	( while :; do
		echo "S $(date +%s%N)" >> /tmp/ana-runs
		"$ANA_HELPER" --all >> /tmp/ana-helper.log 2>&1
		echo "E $(date +%s%N)" >> /tmp/ana-runs
		sleep "$1"
	done ) &
	ANA_LOOP=$!
	log "ANA helper every ${1}s (pid $ANA_LOOP)"
}
ana_helper_stop() { [ -n "${ANA_LOOP:-}" ] && kill "$ANA_LOOP" 2>/dev/null; ANA_LOOP=; }
# mp_ana_is MP PATH STATE: the path's ana_state in sysfs is STATE
mp_ana_is() { [ "$(mp_path_attr "$1" "$2" ana_state 2>/dev/null)" = "$3" ]; }
mp_current_is() { [ "$(mp_attr "$1" current_paths 2>/dev/null)" = "$2" ]; }
# ana_run_end_after NS: end time (ns) of the first helper run that started
# after NS (empty if none has ended yet)
ana_run_end_after() {
	awk -v t="$1" '$1 == "S" && $2 > t { s = 1; next } s && $1 == "E" { print $2; exit }' /tmp/ana-runs
}

# netem_delay_port PORT MS: delay TCP traffic to and from PORT on lo by MS
# milliseconds (prio qdisc, band 4 gets netem; u32 filters on the port)
netem_delay_port() {
	local m dir
	for m in sch_prio cls_u32 sch_netem; do modprobe $m || fail "no $m"; done
	run tc qdisc add dev lo root handle 1: prio bands 4
	run tc qdisc add dev lo parent 1:4 handle 40: netem delay "${2}ms"
	for dir in dport sport; do
		run tc filter add dev lo parent 1: protocol ip prio 1 u32 match ip $dir "$1" 0xffff flowid 1:4
	done
}
