#!/bin/bash
# 085-sysfs-param-fuzz: every writable file under /sys/block/mpnvme*/mpath/
# (the disk's and each path's, found with find -perm -200) and every writable
# /sys/module/nvme_mpath/parameters/* is fed, while fio verify runs on the
# multipath disk, values from a seeded generator (the seed is printed; set
# FUZZ_SEED to replay): random text and bytes, overlong ones (4 KiB and
# more, which sysfs cuts to one page), binary ones (NUL, 0xff, newline only),
# boundaries (-1, 0, INT_MAX, INT_MAX+1, 2^32, 2^64, -0, +1, 0x.., 0.., with
# leading/trailing spaces and newlines) and near-misses of the valid names.
# Each value is one write(2).  What must hold for each:
#  - refused: errno EINVAL (EBUSY only for admin_state "disabled" when no
#    other path is usable, E2BIG only for a write over 4 KiB), and the value
#    read back is the one before;
#  - taken: the value read back is valid for the file (one of its names, a
#    number in its range) and is what the kernel's own parsing
#    (sysfs_streq, kstrto*, kstrtobool) makes of what was written;
#  - the kernel parses what it is given as that model says (a refused value
#    the model takes, or the other way round, fails the case).
# ana_state and admin_state are set back (optimized/enabled) after each
# accepted write, so one path is always usable; fail_waiting gets its one
# valid value ("1") only after fio ends.  At the end: fio verify saw no
# error, both paths are usable and carry a read, the kernel log (read from
# /dev/kmsg, the console is quiet during the passes) has no BUG/WARNING/...,
# and slab use (Slab: of /proc/meminfo after drop_caches) grew less than
# SLAB_BOUND_KB between a warm-up pass and the main passes (as many passes as
# fio's FIO_S seconds hold; every write is made while fio runs).
# Userspace and module sysfs only, nothing kernel-line specific: in CI on
# 6.12 alone, to keep CI under 45 minutes (-k 6.1 runs it there).
#@ default-lines: 6.12
#@ topology: none
#@ timeout: 240
. "$(dirname "$0")/../lib/guest.sh"
. "$(dirname "$0")/../lib/mpath.sh"

SEED=${FUZZ_SEED:-$(od -An -tu4 -N4 /dev/urandom | tr -d ' ')}
RANDOM_PER_FILE=40	# random values per file and pass, besides the fixed ones
MAIN_PASSES=4
FIO_S=$(slow 50)	# fio verify's runtime: every write is made while it runs
# Slab bound: the main passes make 2000 writes at least (fewer fails the case)
# and ~3500 a pass, 1-4 passes as fio's time allows (2 in the runs here,
# ~7000 writes).  A leak of 1 KiB per write is then 2-7 MiB; fio's own slab
# (8 bios/requests in flight; its buffers are not slab) and the per-CPU
# partial slabs moved by -352..-84 kB between two drop_caches here (a run with
# 20000 tmpfs directories made between them: +20968 kB).  So 2048 KiB: it
# catches a leak of >= 300 bytes per write in a typical run, not a small one
# on the rare accepted write.
SLAB_BOUND_KB=2048
log "seed $SEED (FUZZ_SEED=$SEED replays it)"

mp_tcp_setup iopolicy=numa
P=/sys/module/nvme_mpath/parameters
D=/sys/block/$MP/mpath
paths=$(mp_paths "$MP")
[ "$(echo $paths | wc -w)" = 2 ] || fail "$MP has paths '$paths', expected 2"

# a known, settable starting point ("unknown" ana_state/tbkas cannot be set back)
for s in $paths; do
	echo optimized > $D/paths/$s/ana_state && echo 1 > $D/paths/$s/ana_group &&
	echo 10 > $D/paths/$s/anatt && echo 0 > $D/paths/$s/cqt && echo 0 > $D/paths/$s/tbkas ||
		fail "cannot set the starting values of $s"
done
files=$( { find $D -perm -200 -type f; find $P/ -perm -200 -type f; } | sort)
nfiles=$(echo "$files" | wc -l)
log "$nfiles writable files: $(echo "$files" | sed "s|^$D/||; s|^$P/|param:|" | xargs)"
[ "$nfiles" -ge 21 ] || fail "only $nfiles writable files found (expected 4 disk + 2 x 6 path + 5 parameters)"
declare -A SAVED	# what to set back at the end (fail_waiting is write-only)
for f in $files; do
	case $f in */fail_waiting) continue ;; esac
	SAVED[$f]=$(cat "$f") || fail "cannot read $f"
done

cat > /tmp/sysfuzz.py <<'PY'
import errno, os, random, re, sys, time

# SEED PASS-INDEX NRANDOM DEADLINE TAG FILE...: one pass, its values from
# Random(SEED * 1000 + PASS), cut short at DEADLINE (CLOCK_BOOTTIME seconds)
seed, npass, nrand = int(sys.argv[1]) * 1000 + int(sys.argv[2]), 1, int(sys.argv[3])
deadline, tag, files = float(sys.argv[4]), sys.argv[5], sys.argv[6:]
PAGE = 4096

ENUM = {
    'iopolicy': [b'numa', b'round-robin', b'queue-depth', b'service-time'],
    'resend_hold': [b'tp4129', b'off'],
    'ana_state': [b'optimized', b'non-optimized', b'inaccessible',
                  b'persistent-loss', b'change'],
    'admin_state': [b'enabled', b'disabled'],
}
# name: (min, max, bits of the kstrto* used)
RANGE = {
    'no_path_timeout': (0, 86400, 32),
    'path_check_interval': (1, 3600, 32),
    'ana_transition_timeout': (0, 3600, 32),
    'ana_group': (1, 0xfffffffe, 32),
    'anatt': (0, 255, 8),
    'cqt': (0, 65535, 16),
}
RESTORE = {'ana_state': b'optimized', 'admin_state': b'enabled'}


def cstr(v):
    """what a store function sees: one page at most, up to the first NUL"""
    return v[:PAGE].split(b'\0', 1)[0]


def streq(s, name):
    """sysfs_streq(): equal, a single trailing newline allowed"""
    return s == name or s == name + b'\n'


def kstrtoull(s):
    """lib/kstrtox.c with base 0: value or None (-EINVAL / -ERANGE)"""
    if s[:1] == b'+':
        s = s[1:]
    base = 10
    if s[:1] == b'0':
        if s[1:2].lower() == b'x' and s[2:3] and s[2:3] in b'0123456789abcdefABCDEF':
            base, s = 16, s[2:]
        else:
            base = 8
    # the digits of the base: parsing stops at the first other character
    digits = re.match({8: rb'[0-7]*', 10: rb'[0-9]*', 16: rb'[0-9a-fA-F]*'}[base], s).group()
    if not digits:
        return None
    v = int(digits, base)
    if v >= 1 << 64:
        return None
    rest = s[len(digits):]
    if rest not in (b'', b'\n'):
        return None
    return v


def kstrtobool(s):
    """True/False, None (-EINVAL), or 'either' ('e'/'d': since 6.2 only;
    't'/'f': not on 5.10)"""
    c = s[:1]
    if c and c in b'yY1':
        return True
    if c and c in b'nN0':
        return False
    if c and c in b'eEdDtTfF':
        return 'either'
    if c and c in b'oO':
        if s[1:2] and s[1:2] in b'nN':
            return True
        if s[1:2] and s[1:2] in b'fF':
            return False
    return None


def model(name, v):
    """what the module makes of v: (accept, read-back) -- read-back None: any
    valid value; accept None: either (kernel-version dependent)"""
    s = cstr(v)
    if name in ENUM:
        for n in ENUM[name]:
            if streq(s, n):
                return True, n
        return False, None
    if name == 'tbkas':
        b = kstrtobool(s)
        if b is None:
            return False, None
        if b == 'either':
            return None, b'1' if s[:1] in b'eEtT' else b'0'
        return True, b'1' if b else b'0'
    if name == 'fail_waiting':
        return streq(s, b'1'), None
    lo, hi, bits = RANGE[name]
    if name == 'no_path_timeout' and streq(s, b'-1'):
        return True, b'-1'
    x = kstrtoull(s)
    if x is None or x >= 1 << bits or x < lo or x > hi:
        return False, None
    return True, str(x).encode()


def valid(name, r):
    if name in ENUM:
        return r in ENUM[name]
    if name == 'tbkas':
        return r in (b'0', b'1')
    lo, hi, _ = RANGE[name]
    if name == 'no_path_timeout' and r == b'-1':
        return True
    return re.fullmatch(rb'0|[1-9][0-9]*', r) is not None and lo <= int(r) <= hi


def readv(f):
    with open(f, 'rb') as fh:
        r = fh.read()
    return r[:-1] if r.endswith(b'\n') else r


def write1(f, v):
    """one write(2): bytes written or -errno"""
    fd = os.open(f, os.O_WRONLY)
    try:
        return os.write(fd, v)
    except OSError as e:
        return -e.errno
    finally:
        os.close(fd)


FIXED = [
    b'', b'\0', b'\xff', b'\n', b'\n\n', b'\0\n', b'\r\n', b' ', b'1\0', b'\0' + b'1',
    b'\xff\xfe\xfd\x80', b'-1', b'0', b'1', b'2', b'-0', b'+0', b'+1', b'-2',
    b'--1', b'-1\n', b'-1\n\n', b' -1', b'255', b'256', b'65535', b'65536', b'3600',
    b'3601', b'86400', b'86401', b'2147483647', b'2147483648', b'-2147483648',
    b'-2147483649', b'4294967294', b'4294967295', b'4294967296',
    b'9223372036854775807', b'9223372036854775808', b'18446744073709551615',
    b'18446744073709551616', b'-9223372036854775808', b' 1', b'1 ', b' 1 ', b'\t1',
    b'1\t', b'1\n', b'1\n\n', b'\n1', b'0x10', b'0X1F', b'0x', b'0xg', b'0x0', b'0xffffffff',
    b'0xfffffffe', b'0x100000000', b'010', b'08', b'0b1', b'1e3', b'1.0', b'1,2',
    b'0' * 30 + b'1', b'y', b'n', b'on', b'off', b'of', b'o', b'true', b'yes', b'no',
    b'Y\n', b'enable', b'disable', b'x',
    b'A' * 4096, b'A' * 4097, b'1' * 5000, b'0' * 4095 + b'7', b'0' * 4096 + b'7',
    b'\0' * 4097, b'\xff' * 8192, b'\n' * 4096, b'1' + b'\n' * 4096,
]
ALLNAMES = sorted({n for ns in ENUM.values() for n in ns})


def values(rng, name):
    out = list(FIXED)
    if name in ENUM:
        for n in ENUM[name]:
            out += [n, n + b'\n', n + b'\n\n', b' ' + n, n + b' ', n.upper(), n[:-1],
                    n + b'x', n + b'\0junk', b'\0' + n, n + b'\n' + n]
    else:
        for n in ALLNAMES:
            out += [n, n + b'\n', n + b'\0junk']
    for _ in range(nrand):
        k = rng.randrange(9)
        if k == 0:
            out.append(bytes(rng.randrange(32, 127) for _ in range(rng.randrange(1, 41))))
        elif k == 1:
            out.append(rng.randbytes(rng.randrange(1, 65)))
        elif k == 2:
            out.append(str(rng.choice([-1, 1]) * rng.randrange(1 << rng.randrange(1, 70))).encode())
        elif k == 3:
            b = rng.choice([8, 16, 32, 64])
            out.append(str((1 << b) + rng.randrange(-3, 4)).encode())
        elif k == 4:
            out.append(hex(rng.randrange(1 << rng.randrange(1, 68))).encode())
        elif k == 5:	# a valid value with one byte changed, added or removed
            v = bytearray(rng.choice(ENUM.get(name, ALLNAMES) + [b'1', b'10', b'-1']))
            i = rng.randrange(len(v) + 1)
            op = rng.randrange(3)
            if op == 0 and i < len(v):
                v[i] = rng.randrange(256)
            elif op == 1:
                v.insert(i, rng.randrange(256))
            elif i < len(v):
                del v[i]
            out.append(bytes(v))
        elif k == 6:
            out.append(rng.choice([b' ', b'\t', b'\n', b'']) + str(rng.randrange(300)).encode()
                       + rng.choice([b' ', b'\t', b'\n', b'', b'\n\n']))
        elif k == 7:
            out.append(rng.randbytes(rng.randrange(PAGE - 8, PAGE + 64)))
        else:
            out.append(rng.choice([b'', b'+', b'-', b'0', b'0x']) + rng.choice(ALLNAMES + [b'1', b'0'])
                       + rng.choice([b'', b'\n', b'\0', b'\xff']))
    return out


rng = random.Random(seed)
bad = []
st = {'writes': 0, 'rejected': 0, 'accepted': 0, 'skipped': 0}
errnos = {}
cur = {}	# each file's value as last read: nothing but this writes them
for p in range(npass):
    work = []
    for f in files:
        name = os.path.basename(f)
        if name not in ENUM and name not in RANGE and name not in ('tbkas', 'fail_waiting'):
            bad.append('%s: writable file the fuzzer has no rule for' % f)
            continue
        work += [(f, name, v) for v in values(rng, name)]
    rng.shuffle(work)
    cut = ''
    for i, (f, name, v) in enumerate(work):
        if i % 50 == 0 and time.clock_gettime(time.CLOCK_BOOTTIME) > deadline:
            cut = ', cut short at fio\'s end after %d of %d values' % (i, len(work))
            break
        acc, want = model(name, v)
        if name == 'fail_waiting' and acc:
            st['skipped'] += 1	# "1" fails waiting I/O: written after fio
            continue
        # A disk's no_path_timeout reads as the module parameter's until it
        # is written, and the parameter is fuzzed too (in the shuffled
        # order): read it now.  The other files only this writes.
        if name == 'fail_waiting':
            before = None
        elif f in cur and not (name == 'no_path_timeout' and f.startswith('/sys/block/')):
            before = cur[f]
        else:
            before = cur[f] = readv(f)
        ret = write1(f, v)
        st['writes'] += 1
        after = None if name == 'fail_waiting' else readv(f)
        cur[f] = after
        what = '%s <- %r (%d bytes)' % (f, v[:48] + (b'...' if len(v) > 48 else b''), len(v))
        if ret < 0:
            st['rejected'] += 1
            e = errno.errorcode.get(-ret, str(-ret))
            errnos[e] = errnos.get(e, 0) + 1
            ok_errs = [errno.EINVAL]
            if name == 'admin_state' and streq(cstr(v), b'disabled'):
                ok_errs.append(errno.EBUSY)
            if len(v) > PAGE:
                ok_errs.append(errno.E2BIG)
            if -ret not in ok_errs:
                bad.append('%s: refused with %s, expected %s' %
                           (what, e, '/'.join(errno.errorcode[x] for x in ok_errs)))
            if after != before:
                bad.append('%s: refused (%s) but the value changed: %r -> %r' % (what, e, before, after))
            if acc is True and -ret == errno.EINVAL:
                bad.append('%s: refused (EINVAL), but the kernel\'s parsing takes it (as %r)' % (what, want))
            continue
        st['accepted'] += 1
        if ret != len(v) and not (len(v) > PAGE and ret == PAGE):
            bad.append('%s: write returned %d of %d bytes' % (what, ret, len(v)))
        if ret == 0:		# an empty write never reaches the store function
            if after != before:
                bad.append('%s: empty write changed %r -> %r' % (what, before, after))
            continue
        if acc is False:
            bad.append('%s: accepted, but the kernel\'s parsing refuses it; reads back %r' % (what, after))
        if after is not None:
            if not valid(name, after):
                bad.append('%s: accepted, reads back %r: not a valid value' % (what, after))
            elif want is not None and after != want:
                bad.append('%s: accepted, reads back %r, expected %r' % (what, after, want))
        if name in RESTORE and after != RESTORE[name]:
            r = write1(f, RESTORE[name])
            cur[f] = readv(f)
            if r < 0 or cur[f] != RESTORE[name]:
                bad.append('%s: cannot set back %r (%d)' % (f, RESTORE[name], r))
print('%s: %d pass, %d writes, %d rejected (%s), %d accepted, %d not written (fail_waiting "1")%s' %
      (tag, npass, st['writes'], st['rejected'],
       ' '.join('%s %d' % kv for kv in sorted(errnos.items())), st['accepted'], st['skipped'], cut))
for b in bad[:40]:
    print('VIOLATION ' + b)
if len(bad) > 40:
    print('VIOLATION ... %d more' % (len(bad) - 40))
sys.exit(1 if bad else 0)
PY

# The console is quiet during the passes (the module logs every refused
# parameter value, 4 KiB ones too); every kernel line is read from /dev/kmsg
# meanwhile, printed afterwards without the expected ones and searched here
# for what tests/run looks for.
BAD='Oops: |BUG: |BUG [A-Za-z0-9_-]+ \(|Redzone overwritten|Poison overwritten|WARNING: |Call Trace|possible circular locking|inconsistent lock state|possible recursive locking|suspicious RCU usage|general protection fault|hung_task|blocked for more than|Kernel panic|kernel BUG at|UBSAN: |KASAN: |list_(add|del) corruption|soft lockup|hard LOCKUP|rcu_.*stall|refcount_t: |Unable to handle|slab_err|kmemleak'
# a reader that goes on when records were overwritten before it read them
# (read gives EPIPE): it notes the loss, which fails the case
t_start=$(awk '{printf "%d", $1 * 1000000}' /proc/uptime)
PYTHONHASHSEED=0 python3 -c '
import os, sys
fd = os.open("/dev/kmsg", os.O_RDONLY)
out = open(sys.argv[1], "ab", 0)
while True:
    try:
        out.write(os.read(fd, 8192))
    except BrokenPipeError:
        out.write(b"LOST\n")
' /tmp/kmsg.raw & KMSG=$!
sleep 0.5
dmesg -n 1
slab_kb() { sync; echo 3 > /proc/sys/vm/drop_caches; sleep 1; awk '/^Slab:/ {print $2}' /proc/meminfo; }
fuzz() {	# fuzz TAG PASS-INDEX: one pass over every file; PASS_S its seconds
	local t0=$SECONDS rc=0
	PYTHONHASHSEED=0 python3 /tmp/sysfuzz.py "$SEED" "$2" $RANDOM_PER_FILE "$DEADLINE" "$1" $files \
		> /tmp/fuzz-$1.out 2>&1 || rc=$?
	PASS_S=$((SECONDS - t0))
	cat /tmp/fuzz-$1.out
	log "$1 took $PASS_S s"
	[ $rc = 0 ] || { grep -q '^VIOLATION' /tmp/fuzz-$1.out || tail -5 /tmp/fuzz-$1.out; return 1; }
	sed -n "s/^$1: 1 pass, \([0-9]*\) writes, \([0-9]*\) rejected.*/\1 \2/p" /tmp/fuzz-$1.out >> /tmp/fuzz-counts
}
finish_log() {
	dmesg -n 7
	kill $KMSG 2>/dev/null; wait $KMSG 2>/dev/null
	# "prio,seq,usec,flags;text": as dmesg prints it, without the module's own
	# expected lines (refused values, policy/hold changes, admin enable/disable)
	awk -F';' -v t0="$t_start" '/^LOST$/ { print "[kmsg: records lost]"; next }
		NF > 1 && $1 ~ /^[0-9]/ { split($1, h, ","); if (h[3] < t0) next; t = $0; sub(/^[^;]*;/, "", t);
		printf "[%5d.%06d] %s\n", h[3] / 1000000, h[3] % 1000000, t }' /tmp/kmsg.raw |
		grep -a -v -E 'nvme_mpath: invalid (iopolicy|no_path_timeout|path_check_interval|ana_transition_timeout|resend_hold) |nvme_mpath: mpnvme[0-9]+n[0-9]+: (iopolicy|resend_hold) |by the administrator|: ANA state [a-z-]+ -> [a-z-]+$|failing the I/O waiting' > /tmp/kmsg.txt
	log "kernel lines during the fuzz (expected ones left out): $(wc -l < /tmp/kmsg.txt)"
	cut -c1-300 /tmp/kmsg.txt | tail -n 60
	if grep -a -E -m1 "$BAD|kmsg: records lost" /tmp/kmsg.txt > /tmp/kmsg.bad; then return 1; fi
	return 0
}

writes_done() { [ "$(awk '{print $5}' /sys/block/$MP/stat)" -gt 0 ]; }
fio_verify_start /dev/$MP $FIO_S
t_fio=$SECONDS
# every write is made while fio runs: the passes stop 3 s before its end
DEADLINE=$(awk -v s=$FIO_S '{print $1 + s - 3}' /proc/uptime)
uptime_s() { awk '{printf "%d", $1}' /proc/uptime; }
wait_for $(slow 20) writes_done || { finish_log; fail "fio did no I/O in $(slow 20) s"; }

: > /tmp/fuzz-counts
fuzz warmup 0 || { finish_log; fail "warm-up pass: $(grep -m3 '^VIOLATION' /tmp/fuzz-warmup.out | xargs)"; }
slab1=$(slab_kb)
grep -q 'cut short' /tmp/fuzz-warmup.out && { finish_log; fail "the warm-up pass did not finish while fio ran (${FIO_S} s)"; }
# main passes until fio's end is near (at most MAIN_PASSES)
n=0
while [ $n -lt $MAIN_PASSES ] && [ "$(uptime_s)" -lt "${DEADLINE%.*}" ]; do
	n=$((n + 1))
	fuzz main$n $n || { finish_log; fail "main pass $n: $(grep -m3 '^VIOLATION' /tmp/fuzz-main$n.out | xargs)"; }
done
kill -0 $FIO_PID 2>/dev/null || { fio_verify_wait > /tmp/fio.why; finish_log
	fail "fio ended before the passes did ($((SECONDS - t_fio)) s): $(xargs < /tmp/fio.why)"; }
slab2=$(slab_kb)
read -r nw nr <<< "$(awk '{w += $1; r += $2} END {print w, r}' /tmp/fuzz-counts)"
mw=$(awk 'NR > 1 {w += $1} END {print w + 0}' /tmp/fuzz-counts)
log "warm-up + $n main passes: $nw writes ($mw in the main passes), $nr rejected, $((nw - nr)) accepted"
# the slab comparison needs the main passes to have written a pass's worth
[ "$mw" -ge 2000 ] || { finish_log; fail "only $mw writes in the main passes before fio's end"; }
log "Slab: ${slab1} kB after the warm-up pass, ${slab2} kB after the main passes (+$((slab2 - slab1)) kB, bound $SLAB_BOUND_KB kB)"
fio_verify_wait > /tmp/fio.why || { finish_log; fail "fio verify failed under the fuzz: $(cat /tmp/fio.why | xargs)"; }
log "fio verify: clean ($((SECONDS - t_fio)) s)"

# fail_waiting's one valid value, with nothing waiting; then everything back
echo 1 > $D/fail_waiting || { finish_log; fail "fail_waiting=1 refused"; }
for f in "${!SAVED[@]}"; do
	case $f in */fail_waiting) continue ;; esac
	echo "${SAVED[$f]}" > "$f" || { finish_log; fail "cannot set $f back to '${SAVED[$f]}'"; }
	[ "$(cat "$f")" = "${SAVED[$f]}" ] || { finish_log; fail "$f reads '$(cat "$f")' after setting back '${SAVED[$f]}'"; }
done
finish_log || fail "kernel problem during the fuzz: $(cut -c1-200 /tmp/kmsg.bad)"

# the disk and both paths still work
for s in $paths; do
	wait_for 10 mp_path_state_is "$MP" "$s" usable || fail "path $s is $(mp_path_attr "$MP" "$s" state) after the fuzz"
done
echo round-robin > $D/iopolicy
r0=$(for s in $paths; do awk '{print $1}' /sys/block/$s/stat; done | xargs)
dd if=/dev/$MP of=/dev/null bs=64k count=64 iflag=direct status=none || fail "read of /dev/$MP failed after the fuzz"
r1=$(for s in $paths; do awk '{print $1}' /sys/block/$s/stat; done | xargs)
set -- $r0 $r1
[ "$3" -gt "$1" ] && [ "$4" -gt "$2" ] || fail "reads after the fuzz did not use both paths (reads $r0 -> $r1)"
echo "${SAVED[$D/iopolicy]}" > $D/iopolicy
[ $((slab2 - slab1)) -lt $SLAB_BOUND_KB ] ||
	fail "slab grew by $((slab2 - slab1)) kB over the main passes (bound $SLAB_BOUND_KB kB)"
pass "seed $SEED: $nw writes to $nfiles files under fio verify ($((n + 1)) passes), $nr refused (EINVAL/EBUSY, unchanged), $((nw - nr)) taken (valid, as parsed); slab +$((slab2 - slab1)) kB; both paths usable"
