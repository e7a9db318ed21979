#!/bin/bash
# 044-iopolicy-queue-depth: iopolicy queue-depth sends bios to the path with
# the fewest in flight.  netem delays port 4421's traffic by 20 ms, so bios
# on that path stay in flight longer: under queue-depth most I/O must go to
# the fast path (port 4420), at least 80%.  Round-robin on the same setup
# splits submissions about evenly (40-60%), which shows the delay is what
# makes the difference.  No fio error across the switches.
# On the debug line an I/O costs ~0.6 s of the guest's CPU: the delay that
# makes a path slow there is 2 s (20 ms is lost in the noise), the fio runs
# are 5x longer.
#@ default-lines: 6.12
#@ topology: none
#@ timeout: 240
. "$(dirname "$0")/../lib/guest.sh"
. "$(dirname "$0")/../lib/mpath.sh"

mp_tcp_setup iopolicy=round-robin
fast=${PATH_OF_PORT[4420]} slow=${PATH_OF_PORT[4421]}
delay=20; [ "${RIG_LINE:-}" = 6.12-debug ] && delay=2000
netem_delay_port 4421 $delay

share() {	# share POLICY: percent of the bios of a 6 s fio that went to $fast
	local f0 s0 df ds
	echo "$1" > /sys/block/$MP/mpath/iopolicy || fail "cannot set $1"
	f0=$(mp_path_attr $MP $fast ios) s0=$(mp_path_attr $MP $slow ios)
	fio --name=r --filename=/dev/$MP --ioengine=libaio --direct=1 --rw=randread \
		--bs=4k --iodepth=16 --size=32M --runtime=$(slow 6) --time_based --eta=never \
		--output-format=terse > /dev/null 2>&1 || fail "fio failed under $1"
	df=$(( $(mp_path_attr $MP $fast ios) - f0 )) ds=$(( $(mp_path_attr $MP $slow ios) - s0 ))
	[ $((df + ds)) -gt 0 ] || fail "no I/O under $1"
	log "$1: fast $fast +$df, slow $slow +$ds" >&2
	echo $((df * 100 / (df + ds)))
}
rr=$(share round-robin)
[ "$rr" -ge 40 ] && [ "$rr" -le 60 ] || fail "round-robin gave the fast path $rr%"
qd=$(share queue-depth)
[ "$qd" -ge 80 ] || fail "queue-depth gave the fast path only $qd%"
fio_verify_start /dev/$MP $(slow 12)
for pol in queue-depth round-robin queue-depth numa queue-depth; do
	echo $pol > /sys/block/$MP/mpath/iopolicy; sleep 2
done
fio_verify_wait || fail "fio verify saw errors across policy switches"
pass "slow path delayed $delay ms: fast path got $qd% under queue-depth, $rr% under round-robin"
