#!/bin/bash
# 084-admin-bundle: `nvme-mpath bundle` on a real topology whose controllers
# were connected with DH-CHAP.  An nvmet-tcp subsystem on two ports admits
# only our host NQN, with a DH-CHAP key (nvmet hosts/<nqn>/dhchap_key, made by
# `nvme gen-dhchap-key`); both ports are connected with
# `nvme connect --dhchap-secret=KEY`; nvme_mpath groups the two paths.
# Checks: the controllers really hold the key (cat .../dhchap_secret shows
# it); `$MPATH_TOOL bundle -o /tmp/b.tar.gz` exits 0 within seconds and
# prints the name; the tarball holds the MANIFEST (every item with a status),
# list.json naming the multipath disk, the disk's mpath/ sysfs tree,
# Identify Controller JSON of each controller (its subsystem NQN), each
# controller's raw ANA log (state byte optimized), the kernel log lines;
# and the key (nor its base64 body) appears nowhere in the tarball or in the
# unpacked tree (grep -a), where the controllers' dhchap_secret shows as
# <redacted>.  Then the sos plugin (packaging/sos) with the host's sos:
# listed as enabled (the module is loaded), `sos report -o nvme_mpath`
# holds the list JSON, the mpath/ tree and the parameters, and not the key.
# Userspace and module sysfs only, nothing kernel-line specific: in CI on
# 6.12 alone, to keep CI under 45 minutes (-k 6.1 runs it there).
#@ default-lines: 6.12
#@ topology: none
#@ timeout: 300
. "$(dirname "$0")/../lib/guest.sh"
. "$(dirname "$0")/../lib/mpath.sh"

[ -x "$MPATH_TOOL" ] || fail "no $MPATH_TOOL in the guest (tools/ build failed?)"
command -v nvme > /dev/null || fail "no nvme-cli in the guest"

# ---- target: two ports, one namespace, our host only, with a DH-CHAP key ----
tcp_target_setup ports=4420,4421 ns=1 size=64 connect=0 > /dev/null
[ -d $NVMET/hosts ] || fail "nvmet has no hosts/ directory"
# a DH-CHAP secret: DHHC-1:00:<base64 of 32 random bytes + their CRC-32 LE>:
KEY=$(nvme gen-dhchap-key --nqn="$TCP_HOSTNQN" 2> /tmp/key.err)
krc=$?
if [[ $KEY != DHHC-1:* ]]; then
	log "nvme gen-dhchap-key failed (status $krc, '$KEY', $(cat /tmp/key.err)): the key made by python3"
	KEY=$(python3 -c 'import base64, os, zlib
k = os.urandom(32)
print("DHHC-1:00:" + base64.b64encode(k + zlib.crc32(k).to_bytes(4, "little")).decode() + ":")')
fi
[[ $KEY == DHHC-1:00:* ]] || fail "no DH-CHAP key: '$KEY'"
BODY=$(echo "$KEY" | cut -d: -f3)	# the base64 secret itself
log "DH-CHAP key ${KEY:0:14}... (${#BODY} base64 characters)"
mkdir "$NVMET/hosts/$TCP_HOSTNQN" || fail "cannot create nvmet host $TCP_HOSTNQN"
if [ -e "$NVMET/hosts/$TCP_HOSTNQN/dhchap_key" ]; then
	echo "$KEY" > "$NVMET/hosts/$TCP_HOSTNQN/dhchap_key" || fail "cannot set the host's dhchap_key"
	AUTH="DH-CHAP"
else
	# Debian's 6.1 nvmet has no authentication (CONFIG_NVME_TARGET_AUTH):
	# the host still keeps the secret it was connected with in sysfs, which
	# is what the bundle must not carry.
	log "this kernel's nvmet has no dhchap_key: the host holds the secret, the target does not ask for it"
	AUTH="a DH-CHAP secret (target without authentication)"
fi
sub=$NVMET/subsystems/$TCP_NQN
echo 0 > "$sub/attr_allow_any_host"
ln -s "$NVMET/hosts/$TCP_HOSTNQN" "$sub/allowed_hosts/$TCP_HOSTNQN" || fail "cannot allow host $TCP_HOSTNQN"

# ---- host: connect both ports with the secret --------------------------------
modprobe nvme-tcp
# 5.10's nvme-fabrics has no DH-CHAP (6.0+): it refuses the option, and the
# host is connected without it (the target then does not ask for it either)
KEYARG=(--dhchap-secret="$KEY")
for p in 4420 4421; do
	if ! nvme connect -t tcp -a 127.0.0.1 -s $p -n "$TCP_NQN" --hostnqn="$TCP_HOSTNQN" \
		--hostid="$TCP_HOSTID" "${KEYARG[@]}" --ctrl-loss-tmo=30 > /tmp/conn.out 2>&1; then
		dmesg | grep -q "unknown parameter or missing value 'dhchap_secret" ||
			fail "nvme connect port $p failed: $(cat /tmp/conn.out)"
		[ "$AUTH" = DH-CHAP ] && fail "the target asks for DH-CHAP but the host has none"
		log "this kernel's nvme-fabrics has no dhchap_secret option: connected without a secret"
		KEYARG=()
		run nvme connect -t tcp -a 127.0.0.1 -s $p -n "$TCP_NQN" --hostnqn="$TCP_HOSTNQN" \
			--hostid="$TCP_HOSTID" --ctrl-loss-tmo=30
	fi
	wait_for 20 ctrl_of_port $p > /dev/null || fail "no controller on port $p after nvme connect"
	TCP_CTRL[$p]=$(ctrl_of_port $p)
	ctrl_wait_state "${TCP_CTRL[$p]}" live 30 || fail "${TCP_CTRL[$p]} (port $p) not live"
done
ca=${TCP_CTRL[4420]} cb=${TCP_CTRL[4421]}
SECRET=1
for c in $ca $cb; do
	[ "$(cat /sys/class/nvme/$c/dhchap_secret 2>/dev/null)" = "$KEY" ] && continue
	[ "$AUTH" = DH-CHAP ] && fail "$c: dhchap_secret is '$(cat /sys/class/nvme/$c/dhchap_secret)', not the key it was connected with"
	SECRET=0
done
if [ $SECRET = 0 ]; then
	# 6.1: neither side keeps a DH-CHAP secret; the redaction is checked on
	# 6.12 and 7.x (and by tools/test-bundle.sh on a fake tree)
	log "this kernel keeps no DH-CHAP secret (host dhchap_secret empty, target without auth): bundle checked without one"
	AUTH="no DH-CHAP secret on this kernel (redaction checked on 6.12/7.x)"
fi
log "$ca and $cb connected with $AUTH (their dhchap_secret holds the key)"
dmesg | grep -E "nvme($ca|$cb)?.*(authenticat|dhchap)" | tail -2 | sed 's/^/  /'

mpath_load
wait_for 20 _mp_of_disk_exists "$(disks_of_ctrl $ca)" || fail "no multipath disk holds $(disks_of_ctrl $ca)"
MP=$(mp_of_disk "$(disks_of_ctrl $ca)")
mp_wait_slaves "$MP" 2 20 || fail "$MP has paths '$(mp_slaves "$MP" | xargs)', expected 2"
log "$MP over $(mp_slaves "$MP" | xargs)"

# ---- the bundle ---------------------------------------------------------------
t0=$(date +%s)
"$MPATH_TOOL" bundle -o /tmp/b.tar.gz > /tmp/bundle.out 2> /tmp/bundle.err
rc=$? secs=$(($(date +%s) - t0))
[ "$rc" = 0 ] || fail "bundle exit $rc: $(cat /tmp/bundle.err)"
[ "$(cat /tmp/bundle.out)" = /tmp/b.tar.gz ] || fail "bundle printed '$(cat /tmp/bundle.out)'"
[ -s /tmp/b.tar.gz ] || fail "no /tmp/b.tar.gz"
log "bundle: $(stat -c %s /tmp/b.tar.gz) bytes in $secs s"
[ "$secs" -le 60 ] || fail "bundle took $secs s"

# the secret is nowhere: not in the compressed stream's content, not unpacked
if zcat /tmp/b.tar.gz | grep -a -q -F -e "$BODY" -e "$KEY"; then
	fail "the DH-CHAP key is in the tarball: $(zcat /tmp/b.tar.gz | grep -a -o -F "$BODY" | head -1)"
fi
mkdir /tmp/u && tar -xzf /tmp/b.tar.gz -C /tmp/u || fail "tarball does not unpack"
if grep -r -a -l -F -e "$BODY" /tmp/u; then fail "the key is in the files above"; fi
D=$(echo /tmp/u/nvme-mpath-bundle-*)
[ -d "$D" ] || fail "no nvme-mpath-bundle-<host>-<date>/ in the tarball: $(ls /tmp/u)"
log "bundle holds: $(cd "$D" && find . -type f | wc -l) files"
sed -n '/^ITEM /,$p' "$D/MANIFEST" | sed 's/^/  /'

# MANIFEST: every item has a status
M=$D/MANIFEST
awk '/^ITEM /{on=1; next} on && NF >= 3 && !/ items, /' "$M" > /tmp/items
bad=$(grep -Ev '^[^ ]+ +(ok|redacted|exit=[0-9]+|signal=[0-9]+|timeout|missing|skipped|left-out|partial|failed) +[0-9]+\.[0-9]{3}  ' /tmp/items)
[ -z "$bad" ] || fail "MANIFEST lines without a status: $bad"
st() { awk -v i="$1" '$1 == i { print $2 }' /tmp/items | tail -1; }
want() { [ "$(st "$1")" = "$2" ] || fail "MANIFEST: $1 is '$(st "$1")', want $2"; }

# version/srcversion exist only if the module declares a MODULE_VERSION
for f in version srcversion; do
	if [ -e /sys/module/nvme_mpath/$f ]; then want module/$f ok; else want module/$f missing; fi
done
want module/initstate ok
want module/parameters ok
want nvme-mpath/list.json ok
jq -e --arg mp "$MP" '.disks | map(.name) | index($mp) != null' "$D/nvme-mpath/list.json" > /dev/null ||
	fail "list.json does not list $MP: $(head -c 400 "$D/nvme-mpath/list.json")"
want "sysfs/block/$MP/mpath" ok
[ "$(cat "$D/sysfs/block/$MP/mpath/subsysnqn")" = "$TCP_NQN" ] || fail "mpath tree: subsysnqn wrong or missing"
for s in $(mp_slaves "$MP"); do
	[ "$(cat "$D/sysfs/block/$MP/mpath/paths/$s/state")" = "$(mp_path_attr "$MP" "$s" state)" ] ||
		fail "mpath tree: paths/$s/state missing or differs"
done
want nvme/list-subsys.json ok
if [ ${#KEYARG[@]} = 0 ]; then
	# 5.10: the refused connect logged the option with the key in it
	want kernel/log-nvme.txt redacted
else
	want kernel/log-nvme.txt ok
fi
grep -q nvme_mpath "$D/kernel/log-nvme.txt" || grep -q mpnvme "$D/kernel/log-nvme.txt" ||
	fail "kernel log lines have no nvme_mpath line"
for c in $ca $cb; do
	want "ctrl/$c/id-ctrl.json" ok
	[ "$(jq -r .subnqn "$D/ctrl/$c/id-ctrl.json")" = "$TCP_NQN" ] || fail "$c id-ctrl.json: subnqn '$(jq -r .subnqn "$D/ctrl/$c/id-ctrl.json" 2>&1 | head -1)'"
	want "ctrl/$c/id-ns-$(disks_of_ctrl $c).json" ok
	want "ctrl/$c/smart-log.json" ok
	want "ctrl/$c/ana-log.bin" ok
	f=$D/ctrl/$c/ana-log.bin
	[ -s "$f" ] || fail "$c: empty ANA log"
	[ "$(od -An -tu1 -j32 -N1 "$f" | tr -d ' ')" = 1 ] || fail "$c ANA log: state byte is not 1 (optimized)"
	if [ $SECRET = 1 ]; then
		want "ctrl/$c/sysfs.txt" redacted
		grep -qx "dhchap_secret: <redacted>" "$D/ctrl/$c/sysfs.txt" || fail "$c sysfs.txt: dhchap_secret not shown as <redacted>"
	fi
	grep -qx "subsysnqn: $TCP_NQN" "$D/ctrl/$c/sysfs.txt" || fail "$c sysfs.txt: no subsysnqn"
done
[ $SECRET = 0 ] || [ "$(cat /sys/class/nvme/$ca/dhchap_secret)" = "$KEY" ] || fail "the key left $ca's sysfs"
msg="bundle in $secs s: $(wc -l < /tmp/items) items, $MP's tree, id-ctrl + ANA log of $ca/$cb; the DH-CHAP key they hold is not in it"

# ---- the sos report plugin (packaging/sos/nvme_mpath.py) ---------------------
# Run with the host's sos (Debian: sosreport), from a copy of its package with
# the plugin added; sos's PATH has /usr/local/sbin, where nvme-mpath goes.
sos_pkg=$(/usr/bin/python3 -c 'import os, sos; print(os.path.dirname(sos.__file__))' 2> /dev/null)
if [ -z "$sos_pkg" ] || [ ! -x /usr/bin/sos ]; then
	fail "$msg; but sos is not installed on the host (tests/setup installs sosreport): plugin not checked"
fi
mkdir -p /tmp/sosx && cp -a "$sos_pkg" /tmp/sosx/ || fail "cannot copy $sos_pkg"
cp /mnt/rig/packaging/sos/nvme_mpath.py /tmp/sosx/sos/report/plugins/ || fail "no packaging/sos/nvme_mpath.py in the stage"
mount -t tmpfs tmpfs /usr/local/sbin && ln -s "$MPATH_TOOL" /usr/local/sbin/nvme-mpath || fail "cannot put nvme-mpath into /usr/local/sbin"
export PYTHONPATH=/tmp/sosx
line=$(/usr/bin/sos report --list-plugins 2>&1 | grep -E '^ *nvme_mpath ')
log "sos --list-plugins: $line"
[ -n "$line" ] || fail "sos does not list the nvme_mpath plugin"
[[ $line == *inactive* ]] && fail "nvme_mpath plugin inactive although nvme_mpath is loaded"
mkdir /tmp/sos
t0=$(date +%s)
timeout 200 /usr/bin/sos report -o nvme_mpath --batch --tmp-dir /tmp/sos > /tmp/sos.out 2>&1 || fail "sos report: $(tail -5 /tmp/sos.out)"
log "sos report -o nvme_mpath: $(($(date +%s) - t0)) s"
tarball=$(ls /tmp/sos/sosreport-*.tar.* 2> /dev/null | head -1)
[ -n "$tarball" ] || fail "sos wrote no tarball: $(tail -5 /tmp/sos.out)"
mkdir /tmp/sosu && tar -xf "$tarball" -C /tmp/sosu || fail "cannot unpack $tarball"
if grep -r -a -l -F -e "$BODY" /tmp/sosu; then fail "the DH-CHAP key is in the sos report (files above)"; fi
j=$(find /tmp/sosu -path '*sos_commands/nvme_mpath/*' -name '*list_-o_json*' | head -1)
[ -n "$j" ] || fail "sos report has no nvme-mpath list -o json: $(find /tmp/sosu -path '*nvme_mpath*' | head)"
jq -e --arg mp "$MP" '.disks | map(.name) | index($mp) != null' "$j" > /dev/null || fail "sos's list JSON does not list $MP"
f=$(find /tmp/sosu -path "*/$MP/mpath/subsysnqn" | head -1)
[ -n "$f" ] && [ "$(cat "$f")" = "$TCP_NQN" ] || fail "sos report has no $MP/mpath/subsysnqn: $(find /tmp/sosu -name subsysnqn | head -3)"
find /tmp/sosu -path '*sys/module/nvme_mpath/parameters/iopolicy' | grep -q . || fail "sos report has no module parameters"
pass "($AUTH) $msg; sos plugin enabled by the module, its report has list JSON, $MP's mpath/ tree, parameters, no key"
