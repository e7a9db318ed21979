#!/bin/bash
# tools/test-parse.sh - host-side tests of nvme-mpath-ana (no device, no module).
#
#   tools/test-parse.sh [path/to/nvme-mpath-ana]      (make -C tools check)
#
# Builds a fake sysfs tree (--sysfs) with one multipath disk over two paths
# on controllers nvme90 and nvme91, hand-made Identify Controller data
# (--id-file) and hand-made ANA logs (--log-file), and checks what the helper
# writes, what it refuses, its messages and exit status.  Nothing here opens
# a device: the controllers exist only as files.  The real thing (ioctl on
# /dev/nvmeX, the module's sysfs) is tests/cases/045-ana-helper-malformed.sh.
set -u

BIN=$(readlink -f "${1:-$(dirname "$0")/nvme-mpath-ana}")
[ -x "$BIN" ] || { echo "test-parse: no $BIN (make -C tools first)"; exit 1; }
T=$(mktemp -d /tmp/nvme-mpath-ana-test.XXXXXX)
trap 'rm -rf "$T"' EXIT
S=$T/sys
MP=mpnvme0n1
P0=$S/block/$MP/mpath/paths/nvme90n1
P1=$S/block/$MP/mpath/paths/nvme91n1
npass=0 nfail=0

ok() { npass=$((npass + 1)); echo "ok   - $*"; }
bad() { nfail=$((nfail + 1)); echo "FAIL - $*"; }

# ---- binary builders (little endian) ----
le16() { printf '\\x%02x\\x%02x' $(($1 & 255)) $(($1 >> 8 & 255)); }
le32() { printf '\\x%02x\\x%02x\\x%02x\\x%02x' $(($1 & 255)) $(($1 >> 8 & 255)) $(($1 >> 16 & 255)) $(($1 >> 24 & 255)); }
# hdr NGRPS [CHGCNT]: 16-byte ANA log header
hdr() { printf "$(le32 "${2:-1}")$(le32 0)$(le16 "$1")$(le16 0)$(le32 0)"; }
# desc GRPID STATE NSID...: one group descriptor (nnsids = number of NSIDs)
desc() {
	local g=$1 s=$2 n; shift 2
	printf "$(le32 "$g")$(le32 $#)$(le32 0)$(le32 0)"
	printf "$(printf '\\x%02x' "$s")"
	printf '\x00%.0s' $(seq 15)
	for n in "$@"; do printf "$(le32 "$n")"; done
}
# desc_raw GRPID NNSIDS STATE: descriptor with a given nnsids and no NSIDs
desc_raw() { printf "$(le32 "$1")$(le32 "$2")$(le32 0)$(le32 0)$(printf '\\x%02x' "$3")"; printf '\x00%.0s' $(seq 15); }
# poke FILE OFFSET BYTES...: overwrite bytes (hex) at OFFSET
poke() {
	local f=$1 off=$2 b s=; shift 2
	for b in "$@"; do s+="\\x$b"; done
	printf "$s" | dd of="$f" bs=1 seek="$off" conv=notrunc status=none
}
# idfile FILE CMIC ANATT ANAGRPMAX NANAGRPID NN: Identify Controller data
# (offsets of struct nvme_id_ctrl: CMIC 76, ANATT 342, ANAGRPMAX 344, NANAGRPID 348, NN 516)
idfile() {
	head -c 4096 /dev/zero > "$1"
	printf "$(printf '\\x%02x' "$2")" | dd of="$1" bs=1 seek=76 conv=notrunc status=none
	printf "$(printf '\\x%02x' "$3")" | dd of="$1" bs=1 seek=342 conv=notrunc status=none
	printf "$(le32 "$4")" | dd of="$1" bs=1 seek=344 conv=notrunc status=none
	printf "$(le32 "$5")" | dd of="$1" bs=1 seek=348 conv=notrunc status=none
	printf "$(le32 "$6")" | dd of="$1" bs=1 seek=516 conv=notrunc status=none
}

# ---- fake sysfs ----
reset_sysfs() {
	rm -rf "$S"
	mkdir -p "$P0" "$P1" "$S/block/sda" "$S/block/nvme90n1/queue" "$S/block/nvme91n1/queue"
	echo 1 > "$S/block/$MP/mpath/nsid"
	echo nqn.test > "$S/block/$MP/mpath/subsysnqn"
	echo nvme90 > "$P0/controller"; echo nvme91 > "$P1/controller"
	for p in "$P0" "$P1"; do
		echo 0 > "$p/ana_group"; echo unknown > "$p/ana_state"; echo 0 > "$p/anatt"
	done
	echo 512 > "$S/block/nvme90n1/queue/max_hw_sectors_kb"
	echo 512 > "$S/block/nvme91n1/queue/max_hw_sectors_kb"
}
snap() { local f; for f in "$P0/anatt" "$P0/ana_group" "$P0/ana_state" "$P1/anatt" "$P1/ana_group" "$P1/ana_state"; do echo "$(cat "$f")"; done | xargs; }

idfile "$T/id-ana" 0x08 10 128 128 1024
idfile "$T/id-noana" 0x02 10 128 128 1024
ID="--sysfs $S --id-file nvme90=$T/id-ana --id-file nvme91=$T/id-ana"
# TP4129: traffic based keep alive (CTRATT bit 6) and CQT 250 ms
cp "$T/id-ana" "$T/id-tbkas"
poke "$T/id-tbkas" 96 40 00 00 00
poke "$T/id-tbkas" 386 fa 00

# run_h [args]: run the helper, output in $OUT/$ERR, status in $RC
run_h() { "$BIN" "$@" > "$T/out" 2> "$T/err"; RC=$?; OUT=$(cat "$T/out"); ERR=$(cat "$T/err"); }

# ---- good logs ----
{ hdr 1; desc 1 1 1; } > "$T/g1-opt"          # group 1 optimized: NSID 1
{ hdr 2; desc 1 1 2 3; desc 2 2 1; } > "$T/g2-nonopt"   # NSID 1 in group 2, non-optimized
{ hdr 1; desc 1 3 1; } > "$T/g1-inacc"
{ hdr 1; desc 1 1 5 6; } > "$T/nsid-missing"

reset_sysfs
before=$(snap)
run_h $ID -n --log-file nvme90=$T/g1-opt --log-file nvme91=$T/g2-nonopt $MP
if [ $RC = 0 ] && [ "$(snap)" = "$before" ] &&
   grep -q "nvme90n1: would set ana_state: unknown -> optimized" <<< "$OUT" &&
   grep -q "nvme91n1: would set ana_group: 0 -> 2" <<< "$OUT" &&
   grep -q "nvme91n1: would set anatt: 0 -> 10" <<< "$OUT"; then
	ok "dry run prints the changes and writes nothing"
else bad "dry run: rc=$RC snap=$(snap) out=$OUT err=$ERR"; fi

run_h $ID --log-file nvme90=$T/g1-opt --log-file nvme91=$T/g2-nonopt $MP
[ $RC = 0 ] && [ "$(snap)" = "10 1 optimized 10 2 non-optimized" ] && [ -z "$ERR" ] &&
	ok "good logs: anatt/ana_group/ana_state written" || bad "good logs: rc=$RC snap=$(snap) err=$ERR"

touch -d @1000000000 "$P0"/* "$P1"/*
run_h $ID -v --log-file nvme90=$T/g1-opt --log-file nvme91=$T/g2-nonopt $MP
# ana_group and anatt are left alone; ana_state is written again, unchanged:
# the module takes each write as a fresh report of the state.
mt=$(stat -c %Y "$P0/ana_group" "$P0/anatt" "$P1/ana_group" "$P1/anatt" | sort -u | xargs)
mts=$(stat -c %Y "$P0/ana_state" "$P1/ana_state" | sort -u | xargs)
[ $RC = 0 ] && [ "$mt" = 1000000000 ] && [ "$mts" != 1000000000 ] &&
	[ "$(snap)" = "10 1 optimized 10 2 non-optimized" ] && ! grep -q -- ' -> ' <<< "$OUT" &&
	grep -q "nvme90n1: ana_state already optimized" <<< "$OUT" &&
	ok "unchanged group/anatt not written again; unchanged ana_state reported again" ||
	bad "rewrite: rc=$RC mtimes=$mt ana_state mtimes=$mts out=$OUT"

run_h $ID --all --log-file nvme90=$T/g1-inacc --log-file nvme91=$T/g1-opt
[ $RC = 0 ] && [ "$(snap)" = "10 1 inaccessible 10 1 optimized" ] &&
	ok "--all finds $MP (sda ignored); state and group change" || bad "--all: rc=$RC snap=$(snap) err=$ERR"

# ---- malformed logs: exit 1, one message, nothing written for nvme90 ----
# nvme91 gets a good log with a change, to show the rejection is per controller
mk() { cat > "$T/bad-$1"; }
head -c 10 "$T/g1-opt" | mk short
hdr 0 | head -c 15 | mk short15
{ hdr 200; desc 1 1 1; } | mk ngrps-nanagrpid
{ hdr 2; desc 1 2 1; } | mk ngrps-past
{ hdr 1; desc 0 2 1; } | mk grpid0
{ hdr 1; desc 129 2 1; } | mk grpid-max
{ hdr 1; desc 1 7 1; } | mk state7
{ hdr 1; desc 1 0 1; } | mk state0
{ hdr 1; desc 1 5 1; } | mk state5
{ hdr 1; desc_raw 1 3 2; printf "$(le32 1)"; } | mk nnsids
{ hdr 1; desc_raw 1 1073741824 2; } | mk nnsids-huge
{ hdr 1; desc_raw 1 4294967295 2; } | mk nnsids-max
{ hdr 2; desc 1 2 1; desc 2 1 1; } | mk dup-nsid
{ hdr 2; desc 1 2 1 7 8; desc 2 1 9 8; } | mk dup-nsid-other
{ hdr 2; desc 1 2 1; desc 1 1 2; } | mk dup-grp
{ hdr 1; desc 1 2 1 0; } | mk nsid0
{ hdr 1; desc 1 2 1 4294967295; } | mk nsid-all
# a valid group with a change for NSID 1 first, then a bad one: still nothing
{ hdr 2; desc 1 2 1; desc 2 9 3; } | mk good-then-bad

declare -A expect=(
	[short]="log is 10 bytes, shorter than its 16-byte header"
	[short15]="log is 15 bytes, shorter than its 16-byte header"
	[ngrps-nanagrpid]="header at offset 0: 200 groups, more than NANAGRPID 128"
	[ngrps-past]="group descriptor 2 of 2 at offset 52 runs past the end of the log (52 bytes)"
	[grpid0]="group descriptor 1 at offset 16: group id 0"
	[grpid-max]="group 129 at offset 16: group id larger than ANAGRPMAX 128"
	[state7]="group 1 at offset 16: unknown state 0x07"
	[state0]="group 1 at offset 16: unknown state 0x00"
	[state5]="group 1 at offset 16: unknown state 0x05"
	[nnsids]="group 1 at offset 16: 3 NSIDs do not fit in the 4 bytes left"
	[nnsids-huge]="group 1 at offset 16: 1073741824 NSIDs do not fit in the 0 bytes left"
	[nnsids-max]="group 1 at offset 16: 4294967295 NSIDs do not fit in the 0 bytes left"
	[dup-nsid]="group 2 at offset 52: NSID 1 at offset 84 is already listed in group 1 (offset 48)"
	[dup-nsid-other]="group 2 at offset 60: NSID 8 at offset 96 is already listed in group 1 (offset 56)"
	[dup-grp]="group 1 at offset 52: group already described at offset 16"
	[nsid0]="group 1 at offset 16: invalid NSID 0x0 at offset 52"
	[nsid-all]="group 1 at offset 16: invalid NSID 0xffffffff at offset 52"
	[good-then-bad]="group 2 at offset 52: unknown state 0x09"
)
for k in "${!expect[@]}"; do
	reset_sysfs
	echo 7 > "$P0/anatt"; echo 3 > "$P0/ana_group"; echo optimized > "$P0/ana_state"
	run_h $ID --log-file nvme90=$T/bad-$k --log-file nvme91=$T/g2-nonopt $MP
	want="nvme-mpath-ana: nvme90: ANA log rejected: ${expect[$k]}"
	if [ $RC = 1 ] && [ "$ERR" = "$want" ] && [ "$(snap)" = "7 3 optimized 10 2 non-optimized" ]; then
		ok "malformed log '$k' rejected, nvme90 untouched, nvme91 updated"
	else
		bad "malformed '$k': rc=$RC snap=$(snap)"$'\n'"       got:  $ERR"$'\n'"       want: $want"
	fi
done

# without Identify data the NANAGRPID/ANAGRPMAX checks cannot apply, the rest do
reset_sysfs
run_h --sysfs $S --log-file nvme90=$T/bad-grpid-max --log-file nvme91=$T/bad-state7 $MP
if [ $RC = 1 ] && [ "$(snap)" = "0 129 non-optimized 0 0 unknown" ] &&
   grep -q "nvme91: ANA log rejected: group 1 at offset 16: unknown state 0x07" <<< "$ERR"; then
	ok "no Identify data (no device): structural checks still apply, anatt not written"
else bad "no identify: rc=$RC snap=$(snap) err=$ERR"; fi

# ---- other cases ----
reset_sysfs
run_h $ID --log-file nvme90=$T/nsid-missing --log-file nvme91=$T/g1-opt $MP
[ $RC = 0 ] && [ "$(snap)" = "0 0 unknown 10 1 optimized" ] &&
	grep -q "nvme90n1: NSID 1 is in no ANA group of nvme90's log; path left unchanged" <<< "$ERR" &&
	ok "NSID in no group: message, path unchanged" || bad "nsid missing: rc=$RC snap=$(snap) err=$ERR"

reset_sysfs
run_h --sysfs $S --id-file nvme90=$T/id-noana --id-file nvme91=$T/id-ana -v \
	--log-file nvme90=$T/g1-opt --log-file nvme91=$T/g1-opt $MP
[ $RC = 0 ] && [ "$(snap)" = "0 0 unknown 10 1 optimized" ] &&
	grep -q "nvme90: no ANA reporting (CMIC 0x02): its paths are left alone" <<< "$OUT" &&
	ok "controller without ANA reporting: paths left alone (said with -v)" || bad "no ana: rc=$RC snap=$(snap) out=$OUT"

reset_sysfs
ln -sf /dev/full "$P0/ana_state"
run_h $ID --log-file nvme90=$T/g1-opt --log-file nvme91=$T/g1-opt $MP
[ $RC = 1 ] && grep -q "nvme90n1: cannot write 'optimized' to .*: No space left on device" <<< "$ERR" &&
	ok "failed write: message, exit 1" || bad "write failure: rc=$RC err=$ERR"

reset_sysfs
rm "$P1/ana_state"
run_h $ID --log-file nvme90=$T/g1-opt --log-file nvme91=$T/g1-opt $MP
[ $RC = 1 ] && grep -q "nvme91n1: cannot read .*ana_state: No such file" <<< "$ERR" &&
	[ "$(cat "$P0/ana_state")" = optimized ] &&
	ok "module without ana_state: message, exit 1, other path done" || bad "no ana_state: rc=$RC err=$ERR"

reset_sysfs
run_h $ID sda
[ $RC = 1 ] && grep -q "sda: not an nvme_mpath disk" <<< "$ERR" && ok "not a multipath disk: exit 1" || bad "sda: rc=$RC err=$ERR"

reset_sysfs
echo "../../etc" > "$P0/controller"
run_h $ID --log-file nvme91=$T/g1-opt $MP
[ $RC = 1 ] && grep -q "nvme90n1: bad or unreadable controller" <<< "$ERR" &&
	[ "$(cat "$P1/ana_state")" = optimized ] &&
	ok "controller name with ../ refused" || bad "ctrl ../: rc=$RC err=$ERR"

head -c $((4 * 1024 * 1024 + 1)) /dev/zero > "$T/huge"
reset_sysfs
run_h $ID --log-file nvme90=$T/huge --log-file nvme91=$T/g1-opt $MP
[ $RC = 1 ] && grep -q "is larger than 4194304 bytes" <<< "$ERR" && [ "$(cat "$P0/ana_state")" = unknown ] &&
	ok "replayed log over 4 MiB refused" || bad "huge: rc=$RC err=$ERR"

for args in "" "--all $MP" "../mpnvme0n1" "--log-file nvme90 $MP" "--log-file foo=/x $MP" \
	    "--log-file nvme90=a --log-file nvme90=b $MP" "--dump-log ../x" "--dump-log nvme0 $MP" "--bogus"; do
	run_h --sysfs $S $args
	[ $RC = 2 ] && ok "usage error exits 2: '$args'" || bad "usage '$args': rc=$RC err=$ERR"
done
run_h -h
[ $RC = 0 ] && grep -q "^Usage: nvme-mpath-ana" <<< "$OUT" && ok "-h" || bad "-h rc=$RC"

# TP4129 values: written where the module has the files, skipped where not
reset_sysfs
echo unknown > "$P0/tbkas"; echo 0 > "$P0/cqt"
run_h --sysfs $S --id-file nvme90=$T/id-tbkas --id-file nvme91=$T/id-ana \
	--log-file nvme90=$T/g1-opt --log-file nvme91=$T/g2-nonopt $MP
[ $RC = 0 ] && [ "$(cat "$P0/tbkas") $(cat "$P0/cqt")" = "1 250" ] && [ ! -e "$P1/tbkas" ] &&
	ok "TBKAS and CQT from Identify written (path without the files left alone)" ||
	bad "tbkas/cqt: rc=$RC tbkas=$(cat "$P0/tbkas") cqt=$(cat "$P0/cqt") err=$ERR"

echo "test-parse: $npass passed, $nfail failed"
[ $nfail = 0 ]
