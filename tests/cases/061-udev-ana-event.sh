#!/bin/bash
# 061-udev-ana-event: packaging/udev/71-nvme-mpath-ana.rules under the real
# systemd-udevd (the host's), no timer: the ANA helper must run on udev
# events alone.
#  - the multipath disk's "add" (replayed with udevadm trigger) runs the
#    helper: the target's non-optimized port shows up as non-optimized;
#  - the target makes port 4420 inaccessible under I/O: the path fails, the
#    module's path-state uevent runs the helper, which reports the path
#    inaccessible (nobody else runs the helper here);
#  - the port back to optimized: nothing fails, so no module event comes;
#    a path event is what the rule waits for - the test asks udev to replay
#    the disk's change with the module's keys gone, which must NOT run it
#    (the rule only acts on NVME_MPATH_EVENT), then the timer's job
#    (nvme-mpath-ana --all) brings it back.
# The rule calls /usr/sbin/nvme-mpath-ana; here it is the staged copy (/ is
# the host's, read-only).  No systemd runs in the guest: the rule runs the
# helper directly.  Waits scale with slow (x5 on 6.12-debug, where a helper
# run after the event took 8.5 s).
#@ default-lines: 6.12
#@ topology: none
#@ timeout: 240
. "$(dirname "$0")/../lib/guest.sh"
. "$(dirname "$0")/../lib/mpath.sh"

PKG=/mnt/rig/packaging
[ -f "$PKG/udev/71-nvme-mpath-ana.rules" ] || fail "no 71-nvme-mpath-ana.rules in the stage"
[ -x "$ANA_HELPER" ] || fail "no $ANA_HELPER in the guest"
[ ! -e /run/systemd/system ] || fail "systemd runs in the guest: the rule would start a unit"
mkdir -p /run/udev/rules.d
# the helper, wrapped so that each run leaves a line in /tmp/ana-udev.log
cat > /tmp/ana-wrap <<EOT
#!/bin/sh
echo "run \$* \$(date +%s%N)" >> /tmp/ana-udev.log
exec $ANA_HELPER "\$@"
EOT
chmod +x /tmp/ana-wrap
sed "s|/usr/sbin/nvme-mpath-ana|/tmp/ana-wrap|g" "$PKG/udev/71-nvme-mpath-ana.rules" > /run/udev/rules.d/71-nvme-mpath-ana.rules
grep -q /tmp/ana-wrap /run/udev/rules.d/71-nvme-mpath-ana.rules || fail "could not point the rule at the staged helper"

tcp_target_setup ports=4420,4421 ns=1 size=128 > /dev/null
ana_set 4421 non-optimized
udevd_start
mpath_load iopolicy=round-robin path_check_interval=1
a=$(disks_of_ctrl "${TCP_CTRL[4420]}") b=$(disks_of_ctrl "${TCP_CTRL[4421]}")
wait_for 20 _mp_of_disk_exists $a || fail "no multipath disk holds $a"
MP=$(mp_of_disk $a)
run udevadm trigger --action=add --sysname-match="$MP"
udevadm settle -t 60
wait_for $(slow 15) mp_ana_is $MP $b non-optimized || fail "after the add event $b is $(mp_path_attr $MP $b ana_state): helper not run? $(cat /tmp/ana-udev.log 2>/dev/null)"
mp_ana_is $MP $a optimized || fail "$a: $(mp_path_attr $MP $a ana_state)"
log "add event: helper runs: $(grep -c run /tmp/ana-udev.log); $a optimized, $b non-optimized"

n0=$(grep -c run /tmp/ana-udev.log)
fio_verify_start /dev/$MP $(slow 14)
sleep 3
ana_set 4420 inaccessible
wait_for $(slow 15) mp_ana_is $MP $a inaccessible || fail "$a not reported inaccessible from the module's event: $(mp_path_attr $MP $a ana_state), $(mp_path_attr $MP $a state)"
n1=$(grep -c run /tmp/ana-udev.log)
[ "$n1" -gt "$n0" ] || fail "the helper did not run on the path event"
log "path-state event: helper ran $((n1 - n0)) more time(s); $a: $(mp_path_attr $MP $a state)"
ana_set 4420 optimized
sleep 2
# a change event without the module's keys: the rule must not run the helper
n2=$(grep -c run /tmp/ana-udev.log)
run udevadm trigger --action=change --sysname-match="$MP"
udevadm settle -t 60
[ "$(grep -c run /tmp/ana-udev.log)" -eq "$n2" ] || fail "a plain change event ran the helper"
"$ANA_HELPER" --all || fail "nvme-mpath-ana --all failed"
wait_for $(slow 10) mp_path_state_is $MP $a usable || fail "$a not usable: $(mp_path_attr $MP $a state)"
fio_verify_wait || fail "fio saw errors"
pass "udev ran the ANA helper on the disk's add ($a optimized, $b non-optimized) and on the module's path-state event ($a inaccessible); not on a plain change"
