#!/bin/bash
# 042-sysfs-iopolicy: /sys/block/<mp>/mpath/iopolicy switches between numa,
# round-robin and queue-depth at run time while fio verify runs: no error, and
# round-robin spreads I/O over both paths while numa (one node) keeps to one.
# Bad writes get EINVAL and change nothing; read-only files refuse writes.
# (On the TCP target: QEMU's emulated NVMe sometimes stalls under long fio.)
# Times scale with slow() on the debug line (~15 I/Os a second there).
#@ topology: none
#@ timeout: 240
. "$(dirname "$0")/../lib/guest.sh"
. "$(dirname "$0")/../lib/mpath.sh"

mp_tcp_setup
f=/sys/block/$MP/mpath/iopolicy
[ "$(cat $f)" = numa ] || fail "default iopolicy is $(cat $f)"
for bad in foo "" "round-robin-x" "numa numa"; do
	if ( echo "$bad" > $f ) 2>/tmp/w.err; then fail "write of '$bad' accepted"; fi
	grep -q "Invalid argument" /tmp/w.err || fail "write of '$bad': $(cat /tmp/w.err)"
	[ "$(cat $f)" = numa ] || fail "bad write '$bad' changed iopolicy to $(cat $f)"
done
for ro in nsid wwid subsysnqn failovers; do
	( echo 1 > /sys/block/$MP/mpath/$ro ) 2>/dev/null && fail "write to read-only $ro accepted"
done
[ "$(mp_attr $MP nsid)" = 1 ] || fail "nsid changed"

sum_ios() { local s t=0; for s in $(mp_slaves $MP); do t=$((t + $(mp_path_attr $MP $s ios))); done; echo $t; }
ios_of() { mp_path_attr $MP $1 ios; }
a=$(mp_slaves $MP | sed -n 1p) b=$(mp_slaves $MP | sed -n 2p)

s0=$(sum_ios)
io_started() { [ "$(sum_ios)" -gt "$s0" ]; }
fio_verify_start /dev/$MP $(slow 38)
# fio takes seconds to start when the host is loaded: measure from its first I/O
wait_for $(slow 20) io_started || fail "fio did no I/O in 20 s"
for pol in round-robin numa queue-depth round-robin numa; do
	echo $pol > $f || fail "cannot set $pol"
	a0=$(ios_of $a) b0=$(ios_of $b)
	sleep $(slow 4)
	da=$(( $(ios_of $a) - a0 )) db=$(( $(ios_of $b) - b0 ))
	log "$pol: $a +$da, $b +$db"
	[ $((da + db)) -gt 0 ] || fail "no I/O under $pol"
	if [ $pol = queue-depth ]; then
		:	# any split; 044 checks where it sends I/O
	elif [ $pol = round-robin ]; then
		[ $da -gt 0 ] && [ $db -gt 0 ] || fail "round-robin used one path only (+$da/+$db)"
	else
		# one NUMA node: the same path gets everything (a few bios in
		# flight across the switch may still land on the other)
		{ [ $da -le 8 ] || [ $db -le 8 ]; } || fail "numa spread I/O over both paths (+$da/+$db)"
	fi
done
fio_verify_wait || fail "fio saw errors across policy switches"
pass "iopolicy switched 4 times under fio: clean; bad writes refused"
