#!/bin/bash
# 073-namespace-resize-ro: the multipath disk follows its namespace without
# a reload.  The array grows the namespace (the dm device under the nvmet
# namespace grows, nvmet revalidates and tells the host): once every path
# shows the new size the multipath disk grows and the new blocks are usable
# through it.  Then every path disk turns read-only (blockdev --setro on
# the paths, standing in for nvme-core's reaction to a write-protected
# namespace, which nvmet cannot make): the multipath disk turns read-only,
# and writable again when the paths are.
#@ topology: none
#@ timeout: 200
. "$(dirname "$0")/../lib/guest.sh"
. "$(dirname "$0")/../lib/mpath.sh"
. "$(dirname "$0")/../lib/fault.sh"

tcp_target_setup ports=4420,4421 ns=1 size=128 dm=1 connect=0 > /dev/null
full=$(_ns_sectors 1) half=$(( $(_ns_sectors 1) / 2 ))
_ns_load 1 "0 $half linear ${TCP_NS_BASE[1]} 0"
echo 1 > "$NVMET/subsystems/$TCP_NQN/namespaces/1/revalidate_size"
tcp_connect 4420; tcp_connect 4421
a=$(disks_of_ctrl "${TCP_CTRL[4420]}") b=$(disks_of_ctrl "${TCP_CTRL[4421]}")
[ "$(cat /sys/block/$a/size)" = "$half" ] || fail "$a has $(cat /sys/block/$a/size) sectors, expected $half"
mpath_load path_check_interval=1
wait_for 20 _mp_of_disk_exists "$a" || fail "no multipath disk over $a"
MP=$(mp_of_disk "$a")
mp_wait_slaves "$MP" 2 20 || fail "$MP has paths '$(mp_slaves "$MP" | xargs)'"
[ "$(cat /sys/block/$MP/size)" = "$half" ] || fail "$MP has $(cat /sys/block/$MP/size) sectors at the start"
fio_verify_start /dev/$MP 12 --size=16M

log "target: namespace grows from $half to $full sectors"
_ns_load 1 "0 $full linear ${TCP_NS_BASE[1]} 0"
echo 1 > "$NVMET/subsystems/$TCP_NQN/namespaces/1/revalidate_size" || fail "nvmet revalidate_size"
wait_eq 20 "$full" cat /sys/block/$a/size || fail "path $a still $(cat /sys/block/$a/size) sectors"
wait_eq 20 "$full" cat /sys/block/$b/size || fail "path $b still $(cat /sys/block/$b/size) sectors"
wait_eq 10 "$full" cat /sys/block/$MP/size || fail "$MP still $(cat /sys/block/$MP/size) sectors after both paths grew"
dmesg_has "$MP: every path shows $full sectors: grown from $half" || fail "no log line for the growth"
last=$(( full / 8 - 1 ))
timed_io write "$MP" "$last"
[ "$IO_RC" = 0 ] || fail "write of the new last block failed: $IO_OUT"
timed_io read "$MP" "$last"
[ "$IO_RC" = 0 ] || fail "read of the new last block failed: $IO_OUT"
fio_verify_wait || fail "fio verify saw errors while the namespace grew"

run blockdev --setro /dev/$a
sleep 2
[ "$(cat /sys/block/$MP/ro)" = 0 ] || fail "$MP read-only with one writable path left"
run blockdev --setro /dev/$b
wait_eq 10 1 cat /sys/block/$MP/ro || fail "$MP not read-only with every path read-only"
dmesg_has "$MP: every path is read-only: multipath disk read-only" || fail "no log line for read-only"
run blockdev --setrw /dev/$a
run blockdev --setrw /dev/$b
wait_eq 10 0 cat /sys/block/$MP/ro || fail "$MP still read-only"
timed_io write "$MP" 10
[ "$IO_RC" = 0 ] || fail "write after the paths are writable again failed: $IO_OUT"
mpath_unload
pass "grown from $half to $full sectors under fio verify, new blocks usable; read-only and back with its paths"
