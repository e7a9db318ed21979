#!/bin/bash
# 010-group-two-paths: a namespace shared by the two controllers of one
# subsystem becomes one multipath disk over both path disks.
#  - one mpnvme disk per shared NSID, named mpnvme<S>n<NSID>,
#  - its slaves/ are exactly the two path disks of that NSID,
#  - mpath/ shows the namespace's subsysnqn, nsid and wwid,
#  - mpath/paths/<disk>/ names each path's controller and says "usable",
#  - lsblk shows the path disks with the multipath disk stacked on them,
#  - same size and block size as a path, queue limits no larger than a
#    path's, and data written through it reads back on a path.
#@ topology: qemu2
#@ timeout: 180
. "$(dirname "$0")/../lib/guest.sh"
. "$(dirname "$0")/../lib/mpath.sh"

mpath_load
mp_wait_disk mpnvme0n1 20 || fail "no mpnvme0n1; mp disks: $(mp_disks | xargs)"
mp_wait_slaves mpnvme0n1 2 20 || fail "mpnvme0n1 slaves: '$(mp_slaves mpnvme0n1 | xargs)'"

slaves=$(mp_slaves mpnvme0n1 | xargs)
log "mpnvme0n1 slaves: $slaves"
ctrls=""
for s in $slaves; do
	[ "$(disk_nsid "$s")" = 1 ] || fail "slave $s has nsid $(disk_nsid "$s"), expected 1"
	[ "$(disk_wwid "$s")" = "$(mp_attr mpnvme0n1 wwid)" ] || fail "slave $s wwid differs from mpath/wwid"
	[ "$(cat /sys/block/$s/size)" = "$(cat /sys/block/mpnvme0n1/size)" ] || fail "size of $s differs from mpnvme0n1"
	for q in logical_block_size physical_block_size; do
		[ "$(cat /sys/block/$s/queue/$q)" = "$(cat /sys/block/mpnvme0n1/queue/$q)" ] || fail "$q of mpnvme0n1 differs from $s"
	done
	for q in max_sectors_kb max_hw_sectors_kb max_segments; do
		[ "$(cat /sys/block/mpnvme0n1/queue/$q)" -le "$(cat /sys/block/$s/queue/$q)" ] || fail "$q of mpnvme0n1 exceeds $s's"
	done
	c=$(mp_path_attr mpnvme0n1 "$s" controller)
	[ "$c" = "$(disk_ctrl "$s")" ] || fail "mpath/paths/$s/controller says $c, disk is on $(disk_ctrl "$s")"
	[ "$(mp_path_attr mpnvme0n1 "$s" address)" = "$(cat /sys/block/$s/device/address)" ] || fail "mpath/paths/$s/address differs from the controller's"
	[ "$(mp_path_attr mpnvme0n1 "$s" transport)" = pcie ] || fail "mpath/paths/$s/transport is $(mp_path_attr mpnvme0n1 "$s" transport)"
	[ "$(mp_path_attr mpnvme0n1 "$s" state)" = usable ] || fail "path $s state $(mp_path_attr mpnvme0n1 "$s" state)"
	ctrls="$ctrls $c"
done
[ "$(echo $ctrls | tr ' ' '\n' | sort -u | wc -l)" = 2 ] || fail "paths not on two controllers: $ctrls"
[ "$(mp_attr mpnvme0n1 nsid)" = 1 ] || fail "mpath/nsid is $(mp_attr mpnvme0n1 nsid)"
[ "$(mp_attr mpnvme0n1 subsysnqn)" = "nqn.2019-08.org.qemu:mp0" ] || fail "mpath/subsysnqn is $(mp_attr mpnvme0n1 subsysnqn)"
[ "$(mp_paths mpnvme0n1 | xargs)" = "$slaves" ] || fail "mpath/paths ($(mp_paths mpnvme0n1 | xargs)) differs from slaves ($slaves)"

log "lsblk:"; lsblk -o NAME,SIZE,TYPE | sed 's/^/  /'
for s in $slaves; do
	lsblk -nr -o NAME "/dev/$s" | grep -qx mpnvme0n1 || fail "lsblk does not show mpnvme0n1 on $s"
done

# the disk inherits the paths' features (kernels before queue_limits.features
# used to leave a bio-based disk rotational and without stable writes)
for f in rotational stable_writes; do
	want=$(cat /sys/block/$(echo $slaves | cut -d' ' -f1)/queue/$f 2>/dev/null) || continue
	[ "$(cat /sys/block/mpnvme0n1/queue/$f)" = "$want" ] || fail "mpnvme0n1 queue/$f is $(cat /sys/block/mpnvme0n1/queue/$f), its paths' $want"
done

# a pattern written through the multipath disk is on the namespace
head -c 1M /dev/urandom > /tmp/pat
run dd if=/tmp/pat of=/dev/mpnvme0n1 bs=64k oflag=direct status=none
for s in $slaves; do
	dd if=/dev/$s bs=64k count=16 iflag=direct status=none | cmp - /tmp/pat || fail "data written to mpnvme0n1 differs on $s"
done
pass "mpnvme0n1 over $slaves"
