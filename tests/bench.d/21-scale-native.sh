#!/bin/bash
# bench 21-scale-native: native multipath (nvme_core multipath=Y) on the
# target of 20-scale: time from the first connect until every one of the N
# heads has its P paths; slab of the whole (heads and paths) over N.
#@ topology: none
#@ timeout: 1200
#@ qemu: -m 3072 -icount shift=3,sleep=on
#@ cmdline: nvme_core.multipath=Y
. "$(dirname "$0")/../lib/guest.sh"
. "$(dirname "$0")/../lib/mpath.sh"
. "$(dirname "$0")/../lib/bench.sh"
N=${BENCH_SCALE_NS:-256} P=${BENCH_SCALE_PATHS:-4}
# native heads with all K paths: path devices nvme<S>c<C>n<N> (hidden disks,
# in /sys/class/block), counted per head
heads_complete() {
	local k=$1
	ls -d /sys/class/block/nvme*c*n* 2>/dev/null | sed 's/.*\/nvme\([0-9]*\)c[0-9]*n\([0-9]*\)$/\1 \2/' |
		sort | uniq -c | awk -v k="$k" '$1 == k { n++ } END { print n + 0 }'
}
_heads_eq() { [ "$(heads_complete "$1")" = "$2" ]; }

scale_target
sync; echo 3 > /proc/sys/vm/drop_caches
s0=$(bench_slab_kb)
t0=$(bench_now_ms)
scale_connect
wait_for 600 _heads_eq "$P" "$N" || fail "after 600 s only $(heads_complete "$P") of $N heads have $P paths"
t1=$(bench_now_ms)
sleep 1; s1=$(bench_slab_kb)
echo "@@SCALE native_connect_to_complete_ms $((t1 - t0))"
echo "@@SCALE native_slab_kib_per_ns_all_paths $(( (s1 - s0) / N ))"
pass "native scale $N x $P done"
