#!/bin/bash
# 046-iopolicy-service-time: iopolicy service-time weighs each path's bios
# in flight by its recent completion time.  netem delays port 4421 by 20 ms:
# the path's latency_us must show it (well above the fast path's), and
# service-time must send most I/O to the fast path (port 4420), at least
# 80%.  Per-path read counters must add up to what fio read.  fio verify
# sees no error while the policy changes under it (service-time and the
# others, back and forth).
#@ default-lines: 6.12
#@ topology: none
#@ timeout: 240
. "$(dirname "$0")/../lib/guest.sh"
. "$(dirname "$0")/../lib/mpath.sh"

mp_tcp_setup iopolicy=service-time
fast=${PATH_OF_PORT[4420]} slow=${PATH_OF_PORT[4421]}
netem_delay_port 4421 20
[ "$(mp_attr $MP iopolicy)" = service-time ] || fail "iopolicy is $(mp_attr $MP iopolicy), not service-time"

f0=$(mp_path_attr $MP $fast read_ios) s0=$(mp_path_attr $MP $slow read_ios)
fb0=$(mp_path_attr $MP $fast read_bytes) sb0=$(mp_path_attr $MP $slow read_bytes)
fio --name=r --filename=/dev/$MP --ioengine=libaio --direct=1 --rw=randread \
	--bs=4k --iodepth=16 --size=32M --runtime=8 --time_based --eta=never \
	--output-format=terse > /tmp/fio.terse 2>&1 || fail "fio failed under service-time"
df=$(( $(mp_path_attr $MP $fast read_ios) - f0 )) ds=$(( $(mp_path_attr $MP $slow read_ios) - s0 ))
dbytes=$(( $(mp_path_attr $MP $fast read_bytes) - fb0 + $(mp_path_attr $MP $slow read_bytes) - sb0 ))
[ $((df + ds)) -gt 0 ] || fail "no reads counted on the paths"
st=$((df * 100 / (df + ds)))
lf=$(mp_path_attr $MP $fast latency_us) ls=$(mp_path_attr $MP $slow latency_us)
log "service-time: fast $fast +$df reads (${lf} us), slow $slow +$ds reads (${ls} us), $dbytes bytes"
# terse v3: field 6 is read KiB
kib=$(cut -d';' -f6 /tmp/fio.terse | head -1)
[ "$dbytes" -eq $((df * 4096 + ds * 4096)) ] || fail "read_bytes $dbytes != 4 KiB x $((df + ds)) reads"
[ -n "$kib" ] && [ $((dbytes / 1024)) -ge "$kib" ] || fail "paths read $dbytes bytes, fio read $kib KiB"
[ "$ls" -ge 15000 ] || fail "slow path latency_us $ls: the 20 ms delay does not show"
[ "$ls" -gt $((lf * 2)) ] || fail "slow path latency $ls us not well above fast path's $lf us"
[ "$st" -ge 80 ] || fail "service-time gave the fast path only $st%"

fio_verify_start /dev/$MP 14
for pol in round-robin service-time queue-depth service-time numa service-time; do
	echo $pol > /sys/block/$MP/mpath/iopolicy || fail "cannot set $pol"; sleep 2
done
fio_verify_wait || fail "fio verify saw errors across policy switches"
[ "$(mp_path_attr $MP $fast write_ios)" -gt 0 ] || fail "no writes counted on $fast"
pass "slow path delayed 20 ms (${ls} us vs ${lf} us): fast path got $st% under service-time; switches clean"
