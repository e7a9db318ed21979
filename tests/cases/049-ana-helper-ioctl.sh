#!/bin/bash
# 049-ana-helper-ioctl: nvme-mpath-ana's device side, without nvme_mpath:
# Identify Controller and Get Log Page (ANA) through the admin ioctl on the
# /dev/nvmeX of two nvmet-tcp controllers.  The module's sysfs is stood in for
# by a directory tree (--sysfs), so this runs whatever the module provides;
# 045 checks the same against the module's real files.  Checks: the values
# written are the target ports' ANA states, ANATT as nvme-cli reads it, the
# dump (--dump-log) is the size the helper asked for and says what the target
# says, and a controller without ANA reporting (QEMU's emulated NVMe) is left
# alone.
#@ topology: qemu2
#@ timeout: 240
. "$(dirname "$0")/../lib/guest.sh"

[ -x "$ANA_HELPER" ] || fail "no $ANA_HELPER in the guest (tools/ build failed?)"
tcp_target_setup ports=4420,4421 ns=1 size=64 > /dev/null
ca=${TCP_CTRL[4420]} cb=${TCP_CTRL[4421]}
pcie=$(nvme_ctrls pcie | head -1)
[ -n "$pcie" ] || fail "no QEMU NVMe controller"

# fake mpath/ tree: mpnvme9n1 over the TCP controllers' disks, mpnvme9n2 on QEMU's
S=/tmp/sys
mkpath() {      # mkpath MP NSID DISK CTRL
	local d=$S/block/$1/mpath/paths/$3
	mkdir -p "$d"
	echo "$2" > "$S/block/$1/mpath/nsid"
	echo "$4" > "$d/controller"
	echo 0 > "$d/ana_group"; echo unknown > "$d/ana_state"; echo 0 > "$d/anatt"
}
da=$(disks_of_ctrl $ca) db=$(disks_of_ctrl $cb) dp=$(disks_of_ctrl $pcie | head -1)
mkpath mpnvme9n1 1 "$da" "$ca"
mkpath mpnvme9n1 1 "$db" "$cb"
mkpath mpnvme9n2 "$(disk_nsid "$dp")" "$dp" "$pcie"
st() { local d=$S/block/$1/mpath/paths/$2; echo "$(cat $d/ana_group)/$(cat $d/ana_state)/$(cat $d/anatt)"; }

anatt=$(nvme id-ctrl /dev/$ca -o json 2>/dev/null | jq -r .anatt 2>/dev/null)
[[ $anatt =~ ^[0-9]+$ ]] || { log "nvme-cli gave no anatt; expecting nvmet's 10"; anatt=10; }

ana_set 4421 inaccessible
"$ANA_HELPER" -v --sysfs $S --all > /tmp/h.out 2> /tmp/h.err || fail "helper failed ($?): $(cat /tmp/h.err)"
sed 's/^/helper: /' /tmp/h.out
[ "$(st mpnvme9n1 $da)" = "1/optimized/$anatt" ] || fail "$da: $(st mpnvme9n1 $da)"
[ "$(st mpnvme9n1 $db)" = "1/inaccessible/$anatt" ] || fail "$db: $(st mpnvme9n1 $db)"
[ "$(st mpnvme9n2 $dp)" = "0/unknown/0" ] || fail "QEMU path $dp was touched: $(st mpnvme9n2 $dp)"
grep -q "$pcie: no ANA reporting" /tmp/h.out || fail "no 'no ANA reporting' line for $pcie"
[ -s /tmp/h.err ] && fail "helper printed errors: $(cat /tmp/h.err)"

ana_set 4420 change
ana_set 4421 optimized
"$ANA_HELPER" --sysfs $S mpnvme9n1 2> /tmp/h.err || fail "helper failed: $(cat /tmp/h.err)"
[ "$(st mpnvme9n1 $da)/$(st mpnvme9n1 $db)" = "1/change/$anatt/1/optimized/$anatt" ] ||
	fail "after change: $(st mpnvme9n1 $da), $(st mpnvme9n1 $db)"

"$ANA_HELPER" --dump-log $cb > /tmp/b.log 2> /tmp/h.err || fail "--dump-log: $(cat /tmp/h.err)"
nn=$(nvme id-ctrl /dev/$cb -o json 2>/dev/null | jq -r .nn 2>/dev/null)
ng=$(nvme id-ctrl /dev/$cb -o json 2>/dev/null | jq -r .nanagrpid 2>/dev/null)
size=$(stat -c %s /tmp/b.log)
log "dump of $cb: $size bytes (nvme-cli: nn=$nn nanagrpid=$ng)"
if [[ $nn =~ ^[0-9]+$ ]] && [[ $ng =~ ^[0-9]+$ ]]; then
	[ "$size" = $((16 + ng * 32 + nn * 4)) ] || fail "dump is $size bytes, want 16 + $ng*32 + $nn*4"
fi
[ "$(od -An -tu1 -j32 -N1 /tmp/b.log | tr -d ' ')" = 1 ] || fail "dump of $cb: state byte is not 1 (optimized)"
if "$ANA_HELPER" --dump-log $pcie > /tmp/p.log 2> /tmp/h.err; then fail "--dump-log of $pcie (no ANA) succeeded"; fi
grep -q "$pcie: controller does not report ANA" /tmp/h.err || fail "--dump-log $pcie: $(cat /tmp/h.err)"
pass "helper read Identify + ANA log of $ca/$cb via ioctl (states, ANATT $anatt, $size-byte dump); $pcie (no ANA) left alone"
