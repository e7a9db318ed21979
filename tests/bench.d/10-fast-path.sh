#!/bin/bash
# bench 10-fast-path: what a multipath disk costs against its raw path.
#
# One nvmet subsystem with one namespace on null_blk (no memory: reads cost
# nothing on the target), two host controllers: nvme-loop where the kernel
# has it (6.12+), else NVMe/TCP on 127.0.0.1 (with a poll queue).
# Phase 1, nvme_mpath loaded: the null_blk itself, a raw path disk, the
# multipath disk under each policy, and the floor (a bare bio remap over the
# raw path, tests/bench.d/floor), rounds rotated.  Phase 2, nvme_mpath
# unloaded: null_blk, the raw path, dm-multipath over the same two paths in
# request mode and in bio mode.  Ratios are to the raw path of the same
# phase; null_blk is the anchor that 11-fast-path-native (another boot) also
# measures.
#@ topology: none
#@ qemu: -icount shift=3,sleep=on
# 6.1 and 5.10 hang bringing up a second vCPU under -icount (QEMU 7.2)
#@ qemu-6.1: -smp 1
#@ qemu-5.10: -smp 1
#@ timeout: 2400
. "$(dirname "$0")/../lib/guest.sh"
. "$(dirname "$0")/../lib/mpath.sh"
. "$(dirname "$0")/../lib/bench.sh"
ROUNDS=${BENCH_ROUNDS:-8}

if modprobe nvme-loop 2>/dev/null; then
	tr=loop
	tcp_target_setup trtype=loop ports=1,2 ns=1 size=4096 mem=0 > /dev/null
else
	tr=tcp
	TCP_CONNECT_OPTS=nr_poll_queues=1
	tcp_target_setup ports=4420,4421 ns=1 size=4096 mem=0 > /dev/null
fi
ctrls=(${TCP_CTRL[@]})
raw=/dev/$(disks_of_ctrl "${ctrls[0]}")
raw2=/dev/$(disks_of_ctrl "${ctrls[1]}")
nullb=${TCP_NS_DEVS[0]}
log "bench: $tr paths $raw $raw2 over $nullb"
echo "@@BENCHINFO transport $tr kernel $(uname -r) cpus $(nproc)"

mpath_load
wait_for 20 _mp_of_disk_exists "$(basename "$raw")" || fail "no multipath disk over $raw"
MP=$(mp_of_disk "$(basename "$raw")")
mp_wait_slaves "$MP" 2 20 || fail "$MP has not 2 paths"
# The floor: the least any bio-based stacking disk does (split, re-target,
# resubmit; tests/bench.d/floor/floor.c), on the same path, read-only and
# unclaimed beside nvme_mpath.  What it costs is the block layer's price
# for stacking; the multipath disk's distance to it is the module's own.
bench_floor_load "$raw"
# mpnoacct:numa: the multipath disk with queue/iostats off (its own
# /proc/diskstats accounting, which native's head does as well, left out)
devs=("$raw" mp:numa mp:round-robin mp:queue-depth mp:service-time mpnoacct:numa $FLOOR "$nullb")
bench_run "$ROUNDS" "${devs[@]}"
bench_table mpath "$raw" "${devs[@]:1}"
# the same rounds against the floor: what the module itself costs
if [ -n "$FLOOR" ]; then
	bench_table mpath-vs-floor "$FLOOR" mp:numa mp:round-robin mp:queue-depth mp:service-time mpnoacct:numa
fi
if [ -z "${BENCH_NO_POLL:-}" ]; then
	BENCH_JOBS="qd1 qd32" bench_run "$ROUNDS" "poll:$raw" poll:mp:numa
	BENCH_JOBS="qd1 qd32" bench_table mpath-polled "poll:$raw" poll:mp:numa
fi
bench_floor_unload
mpath_unload

if [ -z "${BENCH_NO_DM:-}" ]; then
	modprobe dm-multipath && modprobe dm-round-robin || fail "no dm-multipath"
	sz=$(blockdev --getsz "$raw")
	run dmsetup create bench_rq --table "0 $sz multipath 0 0 1 1 round-robin 0 2 1 $raw 1 $raw2 1"
	run dmsetup create bench_bio --table "0 $sz multipath 2 queue_mode bio 0 1 1 round-robin 0 2 1 $raw 1 $raw2 1"
	rq=/dev/$(dmsetup info -c --noheadings -o blkdevname bench_rq)
	bio=/dev/$(dmsetup info -c --noheadings -o blkdevname bench_bio)
	devs=("$raw" "$rq" "$bio" "$nullb")
	bench_run "$ROUNDS" "${devs[@]}"
	bench_table dm "$raw" "$rq" "$bio" "$nullb" | sed "s| $rq | dm-rq |; s| $bio | dm-bio |"
	dmsetup remove bench_rq; dmsetup remove bench_bio
fi
pass "bench done"
