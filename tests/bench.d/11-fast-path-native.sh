#!/bin/bash
# bench 11-fast-path-native: native NVMe multipath's head (nvme_core
# multipath=Y) on the same target and jobs as 10-fast-path.  In this boot
# the path disks are hidden, so the anchor is the null_blk under the
# namespace, which 10-fast-path measures too: native's head / null_blk here
# against a raw path / null_blk there.
#@ topology: none
#@ qemu: -icount shift=3,sleep=on
# 6.1 and 5.10 hang bringing up a second vCPU under -icount (QEMU 7.2)
#@ qemu-6.1: -smp 1
#@ qemu-5.10: -smp 1
#@ timeout: 1500
#@ cmdline: nvme_core.multipath=Y
. "$(dirname "$0")/../lib/guest.sh"
. "$(dirname "$0")/../lib/mpath.sh"
. "$(dirname "$0")/../lib/bench.sh"
. "$(dirname "$0")/../lib/fault.sh"
ROUNDS=${BENCH_ROUNDS:-8}

if modprobe nvme-loop 2>/dev/null; then
	tcp_target_setup trtype=loop ports=1,2 ns=1 size=4096 mem=0 > /dev/null
else
	TCP_CONNECT_OPTS=nr_poll_queues=1
	tcp_target_setup ports=4420,4421 ns=1 size=4096 mem=0 > /dev/null
fi
nullb=${TCP_NS_DEVS[0]}
wait_for 20 _native_head_ok || fail "no native head"
head=/dev/$(native_head)
log "bench: native head $head over $nullb"
BENCH_NATIVE_IOPOLICY=$(readlink -f "/sys/block/$(basename "$head")/device")/iopolicy
[ -w "$BENCH_NATIVE_IOPOLICY" ] || fail "no native iopolicy at $BENCH_NATIVE_IOPOLICY"
# queue-depth is native's since 6.11: where it is refused it is left out
devs=("$nullb" "$head@numa" "$head@round-robin" "$head@queue-depth")
bench_run "$ROUNDS" "${devs[@]}"
bench_table native "$nullb" "${devs[@]:1}" | sed "s| $head@| native:|"
pass "bench done"
