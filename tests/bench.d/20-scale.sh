#!/bin/bash
# bench 20-scale: N namespaces x P NVMe/TCP paths (BENCH_SCALE_NS x
# BENCH_SCALE_PATHS, default 256 x 4): how long the kernel takes to create
# the path disks, how long nvme_mpath, loaded then, takes until every
# multipath disk has its P paths (from the kernel log's timestamps: the
# module's "loaded" line to the line that completes the last disk; polling
# sysfs loads this 2-vCPU guest more the more disks there are, and made
# 512x4 look twice as slow per disk as it is; sysfs is checked after), how
# long rmmod takes, and the slab the module's disks take (Slab: of /proc/meminfo, before load and once every
# disk is complete, over N).  Then the cost of losing and regaining one
# controller (N paths) with the module loaded: time until every disk shows
# P-1, then P paths again.  21-scale-native gives native multipath's times.
#@ topology: none
#@ timeout: 1800
#@ qemu: -m 3072 -icount shift=3,sleep=on
. "$(dirname "$0")/../lib/guest.sh"
. "$(dirname "$0")/../lib/mpath.sh"
. "$(dirname "$0")/../lib/bench.sh"
N=${BENCH_SCALE_NS:-256} P=${BENCH_SCALE_PATHS:-4}
# multipath disks with K paths: every disk there and N x K path links in all
# (two processes per poll: polling must not load the guest it measures)
mp_complete() {
	local k=$1 disks links
	disks=$(ls -d /sys/block/mpnvme* 2>/dev/null | wc -l)
	links=$(ls -d /sys/block/mpnvme*/slaves/* 2>/dev/null | wc -l)
	[ "$links" = $((disks * k)) ] && echo "$disks" || echo $((links / k))
}
_mp_complete_eq() { [ "$(mp_complete "$1")" = "$2" ]; }

scale_target
t0=$(bench_now_ms)
scale_connect
wait_for 600 _paths_ge $((N * P)) || fail "only $(path_disks) of $((N * P)) path disks after 600 s"
t1=$(bench_now_ms)
log "kernel: $((N * P)) path disks in $((t1 - t0)) ms"
echo "@@SCALE kernel_path_disks_ms $((t1 - t0))"
sleep 2
sync; echo 3 > /proc/sys/vm/drop_caches
s0=$(bench_slab_kb)
if [ -n "${BENCH_PERF:-}" ]; then
	sysctl -q kernel.perf_event_paranoid=-1 kernel.kptr_restrict=0
	(cd /tmp && exec perf record -q -a -g -F 299 -o /tmp/load.data) &
	perf_pid=$!
	sleep 2
fi
# the kernel log from here on, whole (the ring buffer may not hold it)
dmesg -c > /dev/null
stdbuf -oL dmesg -w > /tmp/load.kmsg &
kmsg_pid=$!
# [ts] nvme_mpath: loaded ... / <disk>: multipath disk ... with K path(s) /
# <disk>: added path ...: ms from the first to the line that brings the
# disks to N and their paths to N x P (empty until then)
klog_complete_ms() {
	awk -v n="$N" -v p="$P" '
	{ ts = $0; sub(/^\[ */, "", ts); sub(/\].*/, "", ts) }
	/nvme_mpath: loaded:/ { t0 = ts; next }
	/nvme_mpath: mpnvme[0-9]+n[0-9]+: multipath disk for NSID/ {
		match($0, /with [0-9]+ path/); k = substr($0, RSTART + 5, RLENGTH - 10)
		disks++; paths += k }
	/nvme_mpath: mpnvme[0-9]+n[0-9]+: added path / { paths++ }
	t0 != "" && disks == n && paths == n * p { printf "%d\n", (ts - t0) * 1000; exit }
	' /tmp/load.kmsg
}
_klog_complete() { klog_ms=$(klog_complete_ms); [ -n "$klog_ms" ]; }
t0=$(bench_now_ms)
mpath_load
wait_for 600 _klog_complete || fail "after 600 s the kernel log does not show $N disks with $N x $P paths"
t1=$(bench_now_ms)
kill "$kmsg_pid"; wait "$kmsg_pid" 2>/dev/null
# what the log says, sysfs shows
wait_for 60 _mp_complete_eq "$P" "$N" || fail "only $(mp_complete "$P") of $N disks have $P paths in sysfs"
if [ -n "${BENCH_PERF:-}" ]; then
	kill -INT "$perf_pid"; wait "$perf_pid"
	perf report -i /tmp/load.data --children --sort symbol --stdio -g none 2>/dev/null |
		grep -E '^ +[0-9]' | head -70 | sed 's/^/@@PERF load /'
fi
sleep 1; s1=$(bench_slab_kb)
echo "@@SCALE load_to_complete_ms $klog_ms ms_per_disk $(( klog_ms * 1000 / N ))e-3"
echo "@@SCALE slab_kib_per_disk $(( (s1 - s0) / N )) slab_kib_total $((s1 - s0))"
log "nvme_mpath: $N disks x $P paths in $klog_ms ms (kernel log; seen $((t1 - t0)) ms after load); slab +$((s1 - s0)) KiB"

# one controller lost and back: N paths go, N come
c=$(for x in /sys/class/nvme/nvme*; do [ "$(cat "$x/subsysnqn")" = "$SCALE_NQN" ] && case $(cat "$x/address") in *trsvcid=4420*) basename "$x";; esac; done | head -1)
t0=$(bench_now_ms)
echo 1 > "/sys/class/nvme/$c/delete_controller"
wait_for 300 _mp_complete_eq $((P - 1)) "$N" || fail "disks did not drop to $((P - 1)) paths"
t1=$(bench_now_ms)
echo "@@SCALE ctrl_delete_to_paths_gone_ms $((t1 - t0))"
t0=$(bench_now_ms)
fd=
exec {fd}<>/dev/nvme-fabrics
echo "transport=tcp,traddr=127.0.0.1,trsvcid=4420,nqn=$SCALE_NQN,hostnqn=$TCP_HOSTNQN,hostid=$TCP_HOSTID" >&$fd
read -r _ <&$fd; exec {fd}>&-
wait_for 600 _mp_complete_eq "$P" "$N" || fail "disks did not get $P paths back"
t1=$(bench_now_ms)
echo "@@SCALE ctrl_connect_to_paths_back_ms $((t1 - t0))"

t0=$(bench_now_ms)
rmmod nvme_mpath || fail "rmmod failed"
t1=$(bench_now_ms)
echo "@@SCALE rmmod_ms $((t1 - t0))"
pass "scale $N x $P done"
