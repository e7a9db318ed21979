#!/bin/bash
# test-bundle.sh NVME_MPATH - host tests of `nvme-mpath bundle`.
#
# A fake sysfs tree (--sysfs) with one multipath disk over two controllers,
# nvme8 (answers) and nvme9 (hangs: the fake nvme-cli sleeps 100 s on any
# command that names /dev/nvme9*), DH-CHAP secrets in the controller's sysfs,
# in nvme-cli's and udevadm's output, in the kernel log and in a fake /etc
# ($NVME_MPATH_BUNDLE_ETC).  Checks: exit 0 and the tarball's name printed;
# no secret anywhere in the tarball (zcat | grep -a); MANIFEST has every item
# with a known status; the hung command was killed at the time limit (and
# its children with it) and recorded, the rest of that controller skipped,
# the whole bundle done in < limit + 3 s; bad arguments -> exit 2, nothing
# written; SIGTERM -> exit 1 at once, child killed, nothing left; tar
# failing -> exit 1, no tarball.
set -u
BIN=$(realpath "$1")
T=$(mktemp -d /tmp/test-bundle.XXXXXX)
trap 'rm -rf "$T"' EXIT
FAILS=0
fail() { echo "FAIL: $*"; FAILS=$((FAILS + 1)); }
SECRET=TOPSECRET4711	# every secret below contains it

put() { mkdir -p "$(dirname "$1")" && printf '%s\n' "$2" > "$1"; }

# ---- the fake system -------------------------------------------------------
S=$T/sys
M=$S/block/mpnvme9n1/mpath
put "$M/subsysnqn" nqn.2026-12.io.test:bundle
put "$M/nsid" 1
put "$M/wwid" uuid.00000000-0000-0000-0000-000000000001
put "$M/iopolicy" round-robin
put "$S/block/mpnvme9n1/size" 131072
for c in 8 9; do
	p=$M/paths/nvme${c}n1
	put "$p/disk" "nvme${c}n1"
	put "$p/controller" "nvme$c"
	put "$p/transport" tcp
	put "$p/address" "traddr=127.0.0.1,trsvcid=442$c"
	put "$p/state" usable
	put "$p/ana_state" optimized
	put "$S/block/nvme${c}n1/size" 131072
	C=$S/class/nvme/nvme$c
	put "$C/state" live
	put "$C/transport" tcp
	put "$C/address" "traddr=127.0.0.1,trsvcid=442$c"
	put "$C/dhchap_secret" "DHHC-1:00:$SECRET-sysfs-$c:"
	put "$C/dhchap_ctrl_secret" "$SECRET-ctrl-$c"
	put "$C/tls_configured_key" "$SECRET-tls-$c"
	put "$C/nvme${c}n1/nsid" 1
done
put "$S/block/vda/size" 1024
printf 'not for reading\n' > "$S/class/nvme/nvme8/delete_controller"
chmod 0200 "$S/class/nvme/nvme8/delete_controller"
put "$S/module/nvme_mpath/version" 0.1.0
put "$S/module/nvme_mpath/srcversion" ABCDEF0123456789
put "$S/module/nvme_mpath/parameters/iopolicy" numa

E=$T/etc
put "$E/nvme/hostnqn" nqn.2014-08.org.nvmexpress:uuid:test
put "$E/nvme/dhchap-host.key" "$SECRET-keyfile"
put "$E/nvme/config.json" "[{\"hostnqn\":\"x\",\"dhchap_key\":\"$SECRET-json\"}]"
put "$E/modprobe.d/nvme-mpath.conf" "options nvme_core multipath=N"
put "$E/nvme-mpath/policy.conf" "iopolicy=numa"
mkdir -p "$E/lvm"
cat > "$E/lvm/lvm.conf" <<'EOF'
config {
	checks = 1
}
# the devices section
devices {
	# a comment
	dir = "/dev"
	filter = [ "a|/dev/mpnvme.*|", "r|.*|" ]
	types = { "mpnvme", 16 }
}
log {
	verbose = 0
}
EOF

F=$T/bin
mkdir -p "$F"
cat > "$F/nvme" <<EOF
#!/bin/bash
case "\$*" in
*/dev/nvme9*) sleep 100 & echo \$! > $T/sleep.pid; wait; exit 0 ;;
list-subsys*) echo '{"Subsystems":[{"NQN":"nqn.2026-12.io.test:bundle","dhchap_secret":"$SECRET-cli"}]}' ;;
*) echo '{"cmd":"'"\$1"'","ok":1}' ;;
esac
EOF
cat > "$F/udevadm" <<EOF
#!/bin/bash
echo "P: /devices/virtual/\${3#--name=/dev/}"
echo "E: NVME_HOST_DHCHAP_SECRET=DHHC-1:01:$SECRET-udev:"
echo "E: DEVNAME=\${3#--name=}"
EOF
cat > "$F/dmesg" <<EOF
#!/bin/bash
echo "[    1.0] usb 1-1: new high-speed USB device"
echo "[    2.0] nvme nvme9: creating 2 I/O queues, dhchap_secret=$SECRET-dmesg"
echo "[    3.0] nvme_mpath: mpnvme9n1: 2 paths"
echo "[    4.0] nvmet: adding nsid 1 to subsystem bundle key DHHC-1:00:$SECRET-bare:"
EOF
cat > "$F/journalctl" <<'EOF'
#!/bin/bash
exit 1
EOF
cat > "$F/dkms" <<'EOF'
#!/bin/bash
echo "nvme-mpath/0.1.0, 6.12.0-test, x86_64: installed"
EOF
cat > "$F/modinfo" <<'EOF'
#!/bin/bash
echo "filename: /lib/modules/x/updates/dkms/nvme_mpath.ko"
EOF
cat > "$F/dpkg-query" <<'EOF'
#!/bin/bash
echo "ii  nvme-cli 2.3-3"
EOF
chmod +x "$F"/*
mkdir -p "$T/tmp"
export PATH=$F:$PATH NVME_MPATH_BUNDLE_ETC=$E TMPDIR=$T/tmp

run_bundle() {	# run_bundle ARGS...: exit status in RC, stdout in OUT
	OUT=$("$BIN" --sysfs "$S" bundle "$@" 2> "$T/err")
	RC=$?
}

# ---- a bundle: 2 s per command ----------------------------------------------
LIMIT=2
start=$(date +%s.%N)
run_bundle -t $LIMIT -o "$T/b.tar.gz"
secs=$(echo "$(date +%s.%N) - $start" | bc)
[ "$RC" = 0 ] || fail "bundle exit $RC: $(cat "$T/err")"
[ "$OUT" = "$T/b.tar.gz" ] || fail "bundle printed '$OUT', not the tarball's name"
[ -s "$T/b.tar.gz" ] || fail "no tarball"
[ "$(echo "$secs < $LIMIT + 3" | bc)" = 1 ] || fail "bundle took $secs s with a $LIMIT s limit"
pid=$(cat "$T/sleep.pid" 2>/dev/null)
[ -n "$pid" ] || fail "the fake nvme never hung (no sleep.pid)"
alive() {	# a process that is not a zombie (a killed orphan waits for init)
	[ -e "/proc/$1/stat" ] && ! awk '{ exit $3 == "Z" ? 0 : 1 }' "/proc/$1/stat" 2> /dev/null
}
if [ -n "$pid" ]; then
	for _ in 1 2 3 4 5 6 7 8 9 10; do alive "$pid" || break; sleep 0.1; done
	alive "$pid" && { fail "the hung command's child $pid survived"; kill "$pid"; }
fi

# no secret in the tarball, not even compressed-away: look at the tar stream
zcat "$T/b.tar.gz" | grep -a -o "[^\"' =]*$SECRET[^\"' ]*" > "$T/leak"
[ -s "$T/leak" ] && fail "secret in the tarball: $(sort -u "$T/leak" | xargs)"
zcat "$T/b.tar.gz" | grep -a -q 'DHHC-1:' && fail "a DHHC-1: key string is in the tarball"

mkdir "$T/x" && tar -xzf "$T/b.tar.gz" -C "$T/x" || fail "tarball does not unpack"
D=$(echo "$T"/x/nvme-mpath-bundle-*)
[ -d "$D" ] || fail "no nvme-mpath-bundle-<host>-<date>/ directory in the tarball"
MF=$D/MANIFEST
[ -s "$MF" ] || fail "no MANIFEST"

# every item line has a known status
statuses='ok|redacted|exit=[0-9]+|signal=[0-9]+|timeout|missing|skipped|left-out|partial|failed'
awk '/^ITEM /{on=1; next} on && NF >= 3 && !/ items, /' "$MF" > "$T/items"
[ "$(wc -l < "$T/items")" -ge 25 ] || fail "MANIFEST has only $(wc -l < "$T/items") items"
bad=$(grep -Ev "^[^ ]+ +($statuses) +[0-9]+\.[0-9]{3}  " "$T/items")
[ -n "$bad" ] && fail "MANIFEST lines without a status: $bad"

# want ITEM STATUS [FILE]: MANIFEST says STATUS for ITEM (and FILE exists)
want() {
	local st
	st=$(awk -v i="$1" '$1 == i { print $2 }' "$T/items" | tail -1)
	[ "$st" = "$2" ] || fail "MANIFEST: $1 is '${st:-absent}', want $2"
	[ -z "${3:-}" ] || [ -e "$D/$3" ] || fail "$3 is not in the bundle"
}
want module/version ok module/version
want module/srcversion ok
want module/parameters ok module/parameters/iopolicy
want module/dkms-status.txt ok module/dkms-status.txt
want module/modinfo.txt ok
want kernel/uname.txt ok kernel/uname.txt
want kernel/cmdline ok kernel/cmdline
want nvme-mpath/list.json ok nvme-mpath/list.json
want nvme-mpath/list.txt ok
want sysfs/block/mpnvme9n1/mpath ok sysfs/block/mpnvme9n1/mpath/paths/nvme8n1/state
want nvme/list-subsys.json redacted nvme/list-subsys.json
want ctrl/nvme8/sysfs.txt redacted ctrl/nvme8/sysfs.txt
want ctrl/nvme8/id-ctrl.json ok ctrl/nvme8/id-ctrl.json
want ctrl/nvme8/id-ns-nvme8n1.json ok
want ctrl/nvme8/smart-log.json ok
want ctrl/nvme8/error-log.json ok
want ctrl/nvme9/id-ctrl.json timeout
want ctrl/nvme9/id-ns-nvme9n1.json skipped
want ctrl/nvme9/smart-log.json skipped
want ctrl/nvme9/ana-log.bin skipped
grep -q '^ctrl/nvme8/ana-log.bin ' "$T/items" || fail "MANIFEST has no ANA log item for nvme8"
want kernel/log-nvme.txt redacted kernel/log-nvme.txt
want udev/mpnvme9n1.txt redacted udev/mpnvme9n1.txt
want udev/nvme9n1.txt redacted
want etc/nvme/dhchap-host.key left-out
want etc/nvme/config.json redacted etc/nvme/config.json
want etc/nvme/hostnqn ok
want etc/modprobe.d/nvme-mpath.conf ok etc/modprobe.d/nvme-mpath.conf
want etc/nvme-mpath ok etc/nvme-mpath/policy.conf
want etc/lvm.conf-devices ok etc/lvm.conf-devices
want packages.txt ok packages.txt
grep -q "killed after $LIMIT s" "$T/items" || fail "MANIFEST does not say the command was killed after $LIMIT s"
[ -e "$D/etc/nvme/dhchap-host.key" ] && fail "the key file is in the bundle"

# contents
[ "$(cat "$D/sysfs/block/mpnvme9n1/mpath/iopolicy")" = round-robin ] || fail "mpath tree: iopolicy not copied"
grep -qx 'dhchap_secret: <redacted>' "$D/ctrl/nvme9/sysfs.txt" || fail "ctrl sysfs.txt does not show dhchap_secret as <redacted>"
grep -qx 'state: live' "$D/ctrl/nvme9/sysfs.txt" || fail "ctrl sysfs.txt has no state"
grep -q delete_controller "$D/ctrl/nvme8/sysfs.txt" && fail "a write-only attribute was read"
grep -q mpnvme9n1 "$D/nvme-mpath/list.json" || fail "list.json does not name mpnvme9n1: $(head -c 300 "$D/nvme-mpath/list.json")"
grep -q usb "$D/kernel/log-nvme.txt" && fail "kernel log keeps a line without nvme"
[ "$(grep -c nvme "$D/kernel/log-nvme.txt")" = 3 ] || fail "kernel log: want the 3 nvme lines: $(cat "$D/kernel/log-nvme.txt")"
grep -q 'filter = ' "$D/etc/lvm.conf-devices" || fail "lvm.conf devices section lost its filter"
grep -qE 'checks|verbose|a comment' "$D/etc/lvm.conf-devices" && fail "lvm.conf-devices has more than the devices section"
grep -q '"NQN":"nqn.2026-12.io.test:bundle"' "$D/nvme/list-subsys.json" || fail "list-subsys.json lost its content"
find "$D" -perm /077 | grep -q . && fail "bundle files readable by others: $(find "$D" -perm /077 | head -3)"
[ "$(stat -c %a "$T/b.tar.gz")" = 600 ] || fail "tarball mode $(stat -c %a "$T/b.tar.gz"), want 600"
[ -z "$(ls "$T/tmp")" ] || fail "temporary directory left behind: $(ls "$T/tmp")"

# ---- bad usage: exit 2, a message, nothing written -------------------------
: > "$T/keep.tar.gz"
for args in "-t 0" "-t abc" "-t 99999" "extra" "-o $T" "-o $T/nodir/b.tar.gz" "-o -" "--bogus" "-o"; do
	# shellcheck disable=SC2086
	run_bundle -o "$T/keep.tar.gz" $args
	[ "$RC" = 2 ] || fail "bundle $args: exit $RC, want 2"
	[ -s "$T/err" ] || fail "bundle $args: no message on stderr"
	[ -s "$T/keep.tar.gz" ] && fail "bundle $args wrote the tarball"
done
"$BIN" bundle --help > "$T/help" || fail "bundle --help: exit $?"
grep -q 'Usage: nvme-mpath bundle' "$T/help" || fail "bundle --help has no usage line"

# ---- interrupted (SIGTERM while a command hangs): exit 1, nothing left ----------
rm -f "$T/sleep.pid"
"$BIN" --sysfs "$S" bundle -t 60 -o "$T/i.tar.gz" > /dev/null 2> "$T/err" &
bpid=$!
for _ in $(seq 50); do [ -s "$T/sleep.pid" ] && break; sleep 0.1; done
kill -TERM $bpid
t0=$(date +%s)
wait $bpid
RC=$?
[ "$RC" = 1 ] || fail "interrupted bundle: exit $RC, want 1"
[ $(($(date +%s) - t0)) -le 2 ] || fail "interrupted bundle took $(($(date +%s) - t0)) s to stop"
grep -q interrupted "$T/err" || fail "interrupted bundle: no message: $(cat "$T/err")"
[ -e "$T/i.tar.gz" ] && fail "interrupted bundle wrote a tarball"
[ -z "$(ls "$T/tmp")" ] || fail "interrupted bundle left $(ls "$T/tmp")"
pid=$(cat "$T/sleep.pid" 2> /dev/null)
if [ -n "$pid" ]; then
	for _ in 1 2 3 4 5 6 7 8 9 10; do alive "$pid" || break; sleep 0.1; done
	alive "$pid" && { fail "interrupted bundle left its child $pid"; kill "$pid"; }
fi

# ---- tar fails: exit 1, no tarball --------------------------------------------
printf '#!/bin/sh\necho "tar: disk full" >&2\nexit 2\n' > "$F/tar"
chmod +x "$F/tar"
run_bundle -t 1 -o "$T/c.tar.gz"
[ "$RC" = 1 ] || fail "bundle with a failing tar: exit $RC, want 1"
grep -q 'disk full' "$T/err" || fail "bundle with a failing tar: tar's message not shown: $(cat "$T/err")"
[ -e "$T/c.tar.gz" ] || [ -e "$T/c.tar.gz.part" ] && fail "bundle with a failing tar left a file"
rm -f "$F/tar"

if [ "$FAILS" = 0 ]; then
	echo "test-bundle: ok ($(wc -l < "$T/items") MANIFEST items, bundle in $(printf %.1f "$secs") s with a ${LIMIT} s hang)"
	exit 0
fi
echo "test-bundle: $FAILS failures"
exit 1
