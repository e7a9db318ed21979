#!/bin/bash
# 045-ana-helper-malformed: the userspace helper nvme-mpath-ana reads the ANA
# log of both nvmet-tcp controllers (admin ioctl on /dev/nvmeX) and writes each
# path's ana_group/ana_state/anatt into nvme_mpath's sysfs: the values must be
# what the target's ports say (all five states on one port, optimized /
# non-optimized swapped between ports), ANATT what Identify (nvme-cli) says,
# and a second run must have nothing to change.  Then a log captured with
# --dump-log is corrupted in several ways and replayed with --log-file: each
# must exit 1 with one message naming the controller, offset and fault, and
# leave sysfs as it was (also when the bad part comes after a valid change);
# the uncorrupted replay of the same change is applied.
#@ default-lines: 6.12
#@ topology: none
#@ timeout: 300
. "$(dirname "$0")/../lib/guest.sh"
. "$(dirname "$0")/../lib/mpath.sh"

[ -x "$ANA_HELPER" ] || fail "no $ANA_HELPER in the guest (tools/ build failed?)"
mp_tcp_setup
a=${PATH_OF_PORT[4420]} b=${PATH_OF_PORT[4421]}
ca=${TCP_CTRL[4420]} cb=${TCP_CTRL[4421]}
for f in ana_group ana_state anatt; do
	[ -e "/sys/block/$MP/mpath/paths/$a/$f" ] ||
		fail "this nvme_mpath has no mpath/paths/$a/$f (module side of ANA not merged?)"
done
log "before: $a $(mp_path_attr $MP $a ana_group)/$(mp_path_attr $MP $a ana_state), $b $(mp_path_attr $MP $b ana_group)/$(mp_path_attr $MP $b ana_state)"

# ANATT as nvme-cli reads it (nvmet says 10); fall back to 10 without nvme-cli
anatt=$(nvme id-ctrl /dev/$ca -o json 2>/dev/null | jq -r .anatt 2>/dev/null)
[[ $anatt =~ ^[0-9]+$ ]] || { log "nvme-cli gave no anatt; expecting nvmet's 10"; anatt=10; }

st() { echo "$(mp_path_attr $MP $1 ana_group)/$(mp_path_attr $MP $1 ana_state)/$(mp_path_attr $MP $1 anatt)"; }
# helper CMD...: run the helper, output in $OUT, messages in $ERR, status in $RC
helper() { "$ANA_HELPER" "$@" > /tmp/h.out 2> /tmp/h.err; RC=$?; OUT=$(cat /tmp/h.out); ERR=$(cat /tmp/h.err); }

# ---- real logs from the target ----
ana_set 4421 non-optimized
helper -v $MP
[ $RC = 0 ] || fail "helper exit $RC: $ERR"
[ "$(st $a)" = "1/optimized/$anatt" ] || fail "$a is $(st $a), want 1/optimized/$anatt; helper said: $OUT $ERR"
[ "$(st $b)" = "1/non-optimized/$anatt" ] || fail "$b is $(st $b), want 1/non-optimized/$anatt"
log "helper: $a $(st $a), $b $(st $b)"
helper -n -v $MP
[ $RC = 0 ] && ! grep -q "would set" <<< "$OUT" || fail "second run would change something: $OUT $ERR"
grep -q "ana_state already optimized" <<< "$OUT" || fail "second run -v did not say the state is unchanged: $OUT"

for s in inaccessible persistent-loss change non-optimized optimized; do
	ana_set 4420 $s
	helper --all
	[ $RC = 0 ] || fail "helper --all exit $RC with port 4420 $s: $ERR"
	[ "$(st $a)" = "1/$s/$anatt" ] || fail "port 4420 $s: $a is $(st $a)"
	[ "$(st $b)" = "1/non-optimized/$anatt" ] || fail "port 4420 $s: $b is $(st $b)"
done
ana_set 4420 non-optimized
ana_set 4421 optimized
helper $MP
[ $RC = 0 ] && [ "$(st $a)" = "1/non-optimized/$anatt" ] && [ "$(st $b)" = "1/optimized/$anatt" ] ||
	fail "after swap: rc=$RC $a $(st $a), $b $(st $b): $ERR"
log "all five states followed on $a; swap: $a $(st $a), $b $(st $b)"

# ---- capture ----
"$ANA_HELPER" --dump-log $ca > /tmp/ana.log 2> /tmp/h.err || fail "--dump-log $ca failed: $(cat /tmp/h.err)"
size=$(stat -c %s /tmp/ana.log)
byte() { od -An -tu1 -j"$2" -N1 "$1" | tr -d ' '; }
u32() { od -An -tu4 -j"$2" -N4 "$1" | tr -d ' '; }   # the guest is little endian, like NVMe
log "dump of $ca: $size bytes, ngrps $(byte /tmp/ana.log 8), group $(u32 /tmp/ana.log 16): $(u32 /tmp/ana.log 20) NSIDs, state $(byte /tmp/ana.log 32), NSID $(u32 /tmp/ana.log 48)"
[ "$size" -ge 52 ] || fail "dump is $size bytes"
[ "$(byte /tmp/ana.log 8)" = 1 ] && [ "$(u32 /tmp/ana.log 16)" = 1 ] && [ "$(u32 /tmp/ana.log 20)" = 1 ] &&
	[ "$(byte /tmp/ana.log 32)" = 2 ] && [ "$(u32 /tmp/ana.log 48)" = 1 ] ||
	fail "dump does not say: 1 group, group 1, 1 NSID, non-optimized (2), NSID 1"
helper -v --log-file $ca=/tmp/ana.log $MP
[ $RC = 0 ] && [ "$(st $a)" = "1/non-optimized/$anatt" ] && ! grep -q -- ' -> ' <<< "$OUT" ||
	fail "replay of the unchanged dump: rc=$RC $(st $a): $OUT $ERR"

# ---- corrupt ----
# poke FILE OFFSET HEXBYTE...: overwrite bytes in place
poke() {
	local f=$1 off=$2 x s=; shift 2
	for x in "$@"; do s+="\\x$x"; done
	printf "$s" | dd of="$f" bs=1 seek="$off" conv=notrunc status=none
}
# base: the dump with group 1 made optimized: valid, and a change for $a
cp /tmp/ana.log /tmp/base.log
poke /tmp/base.log 32 01
declare -A want
mk() { cp /tmp/base.log /tmp/bad-$1.log; }
head -c 12 /tmp/base.log > /tmp/bad-short.log;      want[short]="log is 12 bytes, shorter than its 16-byte header"
mk state;   poke /tmp/bad-state.log 32 07;         want[state]="group 1 at offset 16: unknown state 0x07"
mk state0;  poke /tmp/bad-state0.log 32 00;        want[state0]="group 1 at offset 16: unknown state 0x00"
mk grpid0;  poke /tmp/bad-grpid0.log 16 00;        want[grpid0]="group descriptor 1 at offset 16: group id 0"
mk grpmax;  poke /tmp/bad-grpmax.log 16 c8;        want[grpmax]="group 200 at offset 16: group id larger than ANAGRPMAX 128"
mk ngrps;   poke /tmp/bad-ngrps.log 8 c8;          want[ngrps]="header at offset 0: 200 groups, more than NANAGRPID 128"
mk nnsids;  poke /tmp/bad-nnsids.log 20 00 00 00 10
want[nnsids]="group 1 at offset 16: 268435456 NSIDs do not fit in the $((size - 48)) bytes left"
head -c 52 /tmp/base.log > /tmp/bad-past.log; poke /tmp/bad-past.log 8 02
want[past]="group descriptor 2 of 2 at offset 52 runs past the end of the log (52 bytes)"
# second group (id 2, optimized) listing NSID 1 again
mk dupnsid; poke /tmp/bad-dupnsid.log 8 02; poke /tmp/bad-dupnsid.log 52 02 00 00 00 01 00 00 00
poke /tmp/bad-dupnsid.log 68 01; poke /tmp/bad-dupnsid.log 84 01 00 00 00
want[dupnsid]="group 2 at offset 52: NSID 1 at offset 84 is already listed in group 1 (offset 48)"
# second descriptor of group 1 again (no NSIDs)
mk dupgrp; poke /tmp/bad-dupgrp.log 8 02; poke /tmp/bad-dupgrp.log 52 01 00 00 00 00 00 00 00; poke /tmp/bad-dupgrp.log 68 01
want[dupgrp]="group 1 at offset 52: group already described at offset 16"
mk nsid0;   poke /tmp/bad-nsid0.log 48 00 00 00 00; want[nsid0]="group 1 at offset 16: invalid NSID 0x0 at offset 48"

n=0
for k in "${!want[@]}"; do
	helper --log-file $ca=/tmp/bad-$k.log $MP
	exp="nvme-mpath-ana: $ca: ANA log rejected: ${want[$k]}"
	[ $RC = 1 ] || fail "corrupt log '$k': exit $RC (want 1); stderr: $ERR"
	[ "$ERR" = "$exp" ] || fail "corrupt log '$k': message"$'\n'"got:  $ERR"$'\n'"want: $exp"
	[ "$(st $a)" = "1/non-optimized/$anatt" ] || fail "corrupt log '$k' changed $a to $(st $a)"
	[ "$(st $b)" = "1/optimized/$anatt" ] || fail "corrupt log '$k': $b (real log of $cb) is $(st $b)"
	log "rejected '$k': $ERR"
	n=$((n + 1))
done

# NSID 1 missing from the log: message, path unchanged, exit 0
mk nonsid; poke /tmp/bad-nonsid.log 48 05 00 00 00
helper --log-file $ca=/tmp/bad-nonsid.log $MP
[ $RC = 0 ] && grep -q "$MP/$a: NSID 1 is in no ANA group of $ca's log; path left unchanged" <<< "$ERR" &&
	[ "$(st $a)" = "1/non-optimized/$anatt" ] || fail "NSID not in log: rc=$RC $(st $a): $ERR"

# the valid base replay does change $a (so the rejections above did hold back a change)
helper -n --log-file $ca=/tmp/base.log $MP
[ $RC = 0 ] && grep -q "$a: would set ana_state: non-optimized -> optimized" <<< "$OUT" &&
	[ "$(st $a)" = "1/non-optimized/$anatt" ] || fail "dry-run replay of base: rc=$RC $(st $a): $OUT $ERR"
helper --log-file $ca=/tmp/base.log $MP
[ $RC = 0 ] && [ "$(st $a)" = "1/optimized/$anatt" ] || fail "replay of base: rc=$RC $(st $a): $ERR"
helper $MP
[ $RC = 0 ] && [ "$(st $a)" = "1/non-optimized/$anatt" ] || fail "back to the device's log: rc=$RC $(st $a): $ERR"
pass "sysfs follows the target (5 states, swap, ANATT $anatt); $n corrupted logs rejected with exit 1, sysfs unchanged"
