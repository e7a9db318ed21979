#!/bin/bash
# 013-group-size-mismatch: two path disks with the same subsystem NQN, NSID
# and identifiers but different capacities must not be merged.
#
# nvme-core already refuses a shared NSID whose EUI-64/NGUID/UUID differ, so
# the mismatch that can reach nvme_mpath is of size (or block size).  It is
# made here with the TCP target: controller A connects on port 4420 and sees
# NSID 1 on a 128 MiB device; port 4420 is then dropped (A keeps
# reconnecting, its disk stays), NSID 1 is moved to a 64 MiB device (same
# UUID), and controller B connects on port 4421.  nvme_mpath must log the
# size difference and build no multipath disk; neither disk gets a holder.
#@ topology: none
#@ timeout: 180
. "$(dirname "$0")/../lib/guest.sh"
. "$(dirname "$0")/../lib/mpath.sh"

tcp_target_setup ports=4420,4421 ns=1 size=128 ctrl_loss_tmo=120 connect=0
mpath_load
tcp_connect 4420
a=$(disks_of_ctrl ${TCP_CTRL[4420]})
[ -n "$a" ] || fail "no disk on ${TCP_CTRL[4420]}"
tcp_port_remove 4420
ctrl_wait_state ${TCP_CTRL[4420]} connecting 20 || fail "${TCP_CTRL[4420]} is $(ctrl_state ${TCP_CTRL[4420]}), expected connecting"

nb=/sys/kernel/config/nullb/nullb_small
mkdir $nb && echo 64 > $nb/size && echo 1 > $nb/memory_backed && echo 1 > $nb/power || fail "cannot make a 64 MiB null_blk"
wait_for 10 nullb_dev nullb_small >/dev/null || fail "no block device for null_blk nullb_small"
small=$(nullb_dev nullb_small)
ns=$NVMET/subsystems/$TCP_NQN/namespaces/1
uuid=$(cat $ns/device_uuid)
echo 0 > $ns/enable && echo "$small" > $ns/device_path && echo 1 > $ns/enable || fail "cannot move NSID 1"
[ "$(cat $ns/device_uuid)" = "$uuid" ] || fail "namespace UUID changed"
# the target freed A's cntlid when the port went; do not hand it out again
echo 100 > $NVMET/subsystems/$TCP_NQN/attr_cntlid_min || fail "cannot raise cntlid_min"
tcp_connect 4421
b=$(disks_of_ctrl ${TCP_CTRL[4421]})
[ -n "$b" ] || fail "no disk on ${TCP_CTRL[4421]}"
log "$a: $(cat /sys/block/$a/size) sectors, $b: $(cat /sys/block/$b/size) sectors, uuids $(cat /sys/block/$a/uuid) / $(cat /sys/block/$b/uuid)"
[ "$(cat /sys/block/$a/uuid)" = "$(cat /sys/block/$b/uuid)" ] || fail "premise: UUIDs differ"
[ "$(cat /sys/block/$a/size)" != "$(cat /sys/block/$b/size)" ] || fail "premise: sizes equal"

sleep 2
dmesg | grep -q "NSID 1 of $TCP_NQN but differ in capacity: not merged" || fail "no log line about the size difference: $(dmesg | grep nvme_mpath | tail -3)"
[ -z "$(mp_disks)" ] || fail "multipath disk built over different sizes: $(mp_disks | xargs)"
[ -z "$(ls -A /sys/block/$a/holders)$(ls -A /sys/block/$b/holders)" ] || fail "a path disk was claimed"
pass "same NQN/NSID/UUID, 128 vs 64 MiB: not merged, logged"
