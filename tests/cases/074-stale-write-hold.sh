#!/bin/bash
# 074-stale-write-hold: a write must not be resent while the old controller
# may still execute it (TP4129).  Host-to-target traffic of port 4420 is
# delayed 4.5 s by netem - below the 5 s KATO, so the target keeps that
# controller alive - and nvme_core.io_timeout is 1 s, so the host aborts a
# write stuck there after 1 s while its packets are still on their way.  A
# program rewrites 16 blocks with rising generation numbers for 3 s, waits
# 6 s (every delayed packet has landed by then) and reads them back: each
# block must hold the last generation written to it.  Three runs in this boot:
#   native multipath (multipath=Y): the anchor, its result is printed;
#   nvme_mpath resend_hold=off: resent at once - the case needs it to find
#     the corruption (so that it can fail);
#   nvme_mpath default (tp4129): the write waits 3 x KATO + CQT (nvmet has
#     traffic based keep alive): no corruption.
#@ topology: none
#@ timeout: 420
. "$(dirname "$0")/../lib/guest.sh"
. "$(dirname "$0")/../lib/mpath.sh"

delay_to_port() {
	local m
	for m in sch_prio cls_u32 sch_netem; do modprobe $m || fail "no $m"; done
	run tc qdisc add dev lo root handle 1: prio bands 4
	run tc qdisc add dev lo parent 1:4 handle 40: netem delay "${2}ms"
	run tc filter add dev lo parent 1: protocol ip prio 1 u32 match ip dport "$1" 0xffff flowid 1:4
}
undelay() { tc qdisc del dev lo root 2>/dev/null; }

# rewriter DEV: prints "written N corrupted M" and one line per bad block
rewriter() {
	python3 - "/dev/$1" <<'PY'
import mmap, os, struct, sys, time
BLK, NB, BASE = 4096, 16, 1 << 20
fd = os.open(sys.argv[1], os.O_RDWR | os.O_DIRECT)
buf = mmap.mmap(-1, BLK)
last, gen, t_end = {}, 0, time.monotonic() + 3
while time.monotonic() < t_end:
    for b in range(NB):
        gen += 1
        buf.seek(0)
        buf.write(struct.pack("<QQ", b, gen) * (BLK // 16))
        os.pwritev(fd, [buf], BASE + b * BLK)
        last[b] = gen
time.sleep(6)
bad = []
for b in range(NB):
    os.preadv(fd, [buf], BASE + b * BLK)
    rb, rg = struct.unpack_from("<QQ", buf, 0)
    if (rb, rg) != (b, last[b]):
        bad.append("block %d: holds block %d generation %d, last written %d" % (b, rb, rg, last[b]))
print("written", gen, "corrupted", len(bad))
for line in bad:
    print(line)
PY
}

declare -A RESULT HELD
scenario() {
	local mode=$1 dev out
	if [ "$mode" = native ]; then
		nvme_reload multipath=Y io_timeout=1
		tcp_target_setup ports=4420,4421 ns=1 size=64 ctrl_loss_tmo=60 > /dev/null
		_head() { for d in /sys/block/nvme*n*; do case $(readlink -f $d/device) in */nvme-subsys*) basename $d; return 0 ;; esac; done; return 1; }
		wait_for 20 _head > /dev/null || fail "no native head"
		dev=$(_head)
		echo round-robin > /sys/class/nvme-subsystem/$(basename "$(readlink -f /sys/block/$dev/device)")/iopolicy 2>/dev/null
	else
		nvme_reload multipath=N io_timeout=1
		TCP_LOSS_TMO=60 mp_tcp_setup iopolicy=round-robin resend_hold="$mode"
		dev=$MP
		[ "$(mp_attr $MP resend_hold)" = "$mode" ] || fail "resend_hold is $(mp_attr $MP resend_hold)"
		log "hold on ${PATH_OF_PORT[4420]}: $(mp_path_attr $MP ${PATH_OF_PORT[4420]} resend_hold_ms) ms (controller kato file: $(cat /sys/class/nvme/${TCP_CTRL[4420]}/kato 2>/dev/null || echo absent))"
	fi
	delay_to_port 4420 4500
	out=$(rewriter "$dev") || fail "$mode: rewriter failed: $out"
	undelay
	log "$mode: $out"
	RESULT[$mode]=$(head -1 <<< "$out" | awk '{print $4}')
	[ "$mode" = native ] || HELD[$mode]="$(mp_attr $MP writes_held) held, $(mp_attr $MP hold_ms) ms"
	[ "$mode" = native ] || mpath_unload
	tcp_target_teardown
	rmmod nvmet_tcp nvmet 2>/dev/null
}

scenario native
scenario off
scenario tp4129
log "native: ${RESULT[native]} corrupted; off: ${RESULT[off]} corrupted (${HELD[off]}); tp4129: ${RESULT[tp4129]} corrupted (${HELD[tp4129]})"
[ "${RESULT[off]}" -ge 1 ] || fail "resend_hold=off found no stale write: the scenario did not happen, so the case proves nothing"
[ "${RESULT[tp4129]}" = 0 ] || fail "resend_hold=tp4129: ${RESULT[tp4129]} block(s) corrupted"
[ "${HELD[tp4129]%% *}" -ge 1 ] || fail "no write was held"
pass "stale write: native ${RESULT[native]} corrupted, off ${RESULT[off]}, tp4129 0 (${HELD[tp4129]})"
