#!/bin/bash
# bench 30-profile: where the cycles go, raw path against multipath disk.
#
# Same target as 10-fast-path; fio 4 KiB randread QD32 on the raw path, then
# on the multipath disk (BENCH_POLICY, default numa), then on the floor (a
# bare bio remap over the raw path, tests/bench.d/floor), each under
# `perf record -a -g`; prints the top symbols of each (self time) and the
# split by module, as "@@PERF" lines.
#@ topology: none
#@ qemu: -icount shift=3,sleep=on
# 6.1 and 5.10 hang bringing up a second vCPU under -icount (QEMU 7.2)
#@ qemu-6.1: -smp 1
#@ qemu-5.10: -smp 1
#@ timeout: 900
. "$(dirname "$0")/../lib/guest.sh"
. "$(dirname "$0")/../lib/mpath.sh"
. "$(dirname "$0")/../lib/bench.sh"

if modprobe nvme-loop 2>/dev/null; then
	tcp_target_setup trtype=loop ports=1,2 ns=1 size=4096 mem=0 > /dev/null
else
	tcp_target_setup ports=4420,4421 ns=1 size=4096 mem=0 > /dev/null
fi
ctrls=(${TCP_CTRL[@]})
raw=/dev/$(disks_of_ctrl "${ctrls[0]}")
mpath_load
wait_for 20 _mp_of_disk_exists "$(basename "$raw")" || fail "no multipath disk over $raw"
MP=$(mp_of_disk "$(basename "$raw")")
mp_wait_slaves "$MP" 2 20 || fail "$MP has not 2 paths"
echo "${BENCH_POLICY:-numa}" > "/sys/block/$MP/mpath/iopolicy"
# and the floor (tests/bench.d/floor) over the same path, if built
bench_floor_load "$raw"
sysctl -q kernel.perf_event_paranoid=-1 kernel.kptr_restrict=0
cd /tmp || fail "no /tmp"
for dev in "$raw" "/dev/$MP" $FLOOR; do
	n=$(basename "$dev")
	perf record -q -a -g -F 499 -o "/tmp/$n.data" -- \
		fio --name=p --filename="$dev" --ioengine=io_uring --direct=1 --rw=randread \
		--bs=4k --iodepth=32 --runtime=6 --time_based --eta=never \
		--output-format=json --output="/tmp/$n.json" 2> "/tmp/$n.err" ||
		{ cat "/tmp/$n.err"; fail "perf record on $dev failed"; }
	echo "@@PERF $n iops $(jq '.jobs[0].read.iops | floor' "/tmp/$n.json")"
	perf report -i "/tmp/$n.data" --no-children --sort dso --stdio 2>/dev/null |
		grep -E '^ +[0-9]' | head -8 | sed "s/^/@@PERF $n dso /"
	perf report -i "/tmp/$n.data" --no-children --sort symbol --stdio -g none 2>/dev/null |
		grep -E '^ +[0-9]' | head -${BENCH_TOP:-45} | sed "s/^/@@PERF $n sym /"
	# inclusive time of the block layer's and the module's functions
	perf report -i "/tmp/$n.data" --children --sort symbol --stdio -g none 2>/dev/null |
		grep -E '^ +[0-9]' | grep -E 'mpath|bio|submit|blk_|nvme|io_uring|part_stat|account|percpu' |
		head -60 | sed "s/^/@@PERF $n incl /"
done
bench_floor_unload
pass "profile done"
