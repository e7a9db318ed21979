#!/bin/bash
# 039-path-flap: both paths flap, out of step, 8 times each under fio verify:
# each port's ANA group goes inaccessible then optimized again, every
# ~0.9 s (slower under TCG), never both inaccessible at once (no ANA helper: the module learns
# only from I/O errors and its one-second checker, whose probe reads bring
# paths back while other paths fail).  This drives path failures, probe
# completions and path-set rebuilds into each other.  fio must see no error,
# and the kernel (slub_debug red zones on) must report nothing; both paths
# must end usable and carrying I/O.
#@ topology: none
#@ timeout: 300
. "$(dirname "$0")/../lib/guest.sh"
. "$(dirname "$0")/../lib/mpath.sh"

mp_tcp_setup iopolicy=round-robin path_check_interval=1 no_path_timeout=30
a=${PATH_OF_PORT[4420]} b=${PATH_OF_PORT[4421]}
# (on the debug line one target ANA write takes seconds: fio must outlast
# the 32 of them)
rt=46; [ "${RIG_LINE:-}" = 6.12-debug ] && rt=240
fio_verify_start /dev/$MP $rt
sleep 4
for i in $(seq 1 8); do
	ana_set 4420 inaccessible; sleep 0.7
	ana_set 4420 optimized;    sleep 0.2
	ana_set 4421 inaccessible; sleep 0.7
	ana_set 4421 optimized;    sleep 0.2
done
log "flapping done: failovers $(mp_attr $MP failovers), $a errors $(mp_path_attr $MP $a errors), $b errors $(mp_path_attr $MP $b errors)"
wait_for 15 mp_path_state_is $MP $a usable || fail "$a not usable after flapping: $(mp_path_attr $MP $a state)"
wait_for 15 mp_path_state_is $MP $b usable || fail "$b not usable after flapping: $(mp_path_attr $MP $b state)"
fio_verify_wait || fail "fio saw errors while paths flapped"
a1=$(mp_path_attr $MP $a ios) b1=$(mp_path_attr $MP $b ios)
fio --name=r --filename=/dev/$MP --ioengine=libaio --direct=1 --rw=randread \
	--bs=4k --iodepth=8 --size=16M --runtime=3 --time_based --eta=never > /dev/null 2>&1 ||
	fail "fio read after flapping failed"
[ "$(mp_path_attr $MP $a ios)" -gt "$a1" ] && [ "$(mp_path_attr $MP $b ios)" -gt "$b1" ] ||
	fail "paths not both carrying I/O after flapping"
[ "$(mp_attr $MP failovers)" -ge 6 ] || fail "only $(mp_attr $MP failovers) failovers: the flapping did not bite"
pass "16 path flaps under fio verify: $(mp_attr $MP failovers) failovers, fio clean, both paths back; writes held $(mp_attr $MP writes_held 2>/dev/null || echo -), worst write ${FIO_WMAX_MS:-?} ms, read ${FIO_RMAX_MS:-?} ms"
