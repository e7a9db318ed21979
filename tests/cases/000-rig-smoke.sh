#!/bin/bash
# 000-rig-smoke: proves the rig itself works, without nvme_mpath.
#  - the two QEMU NVMe controllers of subsystem mp0 are there (pcie),
#  - nvme_core runs with multipath=N,
#  - the shared namespace 1 shows up as two disks (one per controller) with
#    the same wwid,
#  - the in-guest NVMe-oF TCP target connects on two ports, giving two more
#    disks with the same wwid,
#  - fio verify on one TCP path disk and on one QEMU path disk passes.
#@ topology: qemu2
#@ timeout: 240
. "$(dirname "$0")/../lib/guest.sh"

mp=$(cat /sys/module/nvme_core/parameters/multipath)
[ "$mp" = N ] || fail "nvme_core multipath is '$mp', expected N"

pcie=$(nvme_ctrls pcie)
log "pcie controllers: $(echo $pcie)"
[ "$(echo "$pcie" | wc -w)" = 2 ] || fail "expected 2 QEMU NVMe controllers, got '$pcie'"

# nsid 1 of subsystem mp0: one disk per controller, same wwid
ns1=()
for c in $pcie; do
	for d in $(disks_of_ctrl "$c"); do
		[ "$(disk_nsid "$d")" = 1 ] && ns1+=("$d")
	done
done
log "nsid 1 disks: ${ns1[*]}"
[ ${#ns1[@]} = 2 ] || fail "expected 2 disks for nsid 1, got '${ns1[*]}'"
w0=$(disk_wwid "${ns1[0]}") w1=$(disk_wwid "${ns1[1]}")
[ "$w0" = "$w1" ] || fail "nsid 1 wwids differ: $w0 vs $w1"
log "nsid 1 wwid $w0"

# NVMe-oF TCP target with two ports -> two controllers, two disks, one wwid
tcp_target_setup ports=4420,4421 ns=1 size=256
c0=${TCP_CTRL[4420]} c1=${TCP_CTRL[4421]}
[ "$(ctrl_of_port 4421)" = "$c1" ] || fail "ctrl_of_port 4421 gives '$(ctrl_of_port 4421)', expected $c1"
wait_for 10 test -n "$(disks_of_ctrl "$c1")" || fail "no namespace disk on $c1"
t0=$(disks_of_ctrl "$c0") t1=$(disks_of_ctrl "$c1")
log "tcp disks: $c0 -> $t0, $c1 -> $t1"
[ -n "$t0" ] && [ -n "$t1" ] && [ "$t0" != "$t1" ] || fail "expected one disk per tcp controller"
tw0=$(disk_wwid "$t0") tw1=$(disk_wwid "$t1")
[ "$tw0" = "$tw1" ] || fail "tcp wwids differ: $tw0 vs $tw1"
log "tcp wwid $tw0"
[ "$tw0" != "$w0" ] || fail "tcp and QEMU namespaces share a wwid"

# data path: fio verify on one path of each
fio_verify "/dev/$t0" 5
fio_verify "/dev/${ns1[0]}" 5

# data written through one tcp path reads back identically through the other
dd if=/dev/urandom of=/tmp/pattern bs=64k count=16 status=none
dd if=/tmp/pattern of="/dev/$t0" bs=64k oflag=direct status=none || fail "write via $t0 failed"
dd if="/dev/$t1" of=/tmp/readback bs=64k count=16 iflag=direct status=none || fail "read via $t1 failed"
cmp -s /tmp/pattern /tmp/readback || fail "data written via $t0 differs when read via $t1"

pass "2 pcie + 2 tcp paths, matching wwids, fio verify ok"
