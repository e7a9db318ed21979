#!/bin/bash
# 024-integrity-pi: a namespace formatted with metadata and protection
# information (QEMU nvme-ns ms=8 pi=1: T10-DIF type 1, separate metadata)
# reached through two controllers gives a multipath disk with the same
# integrity profile as its paths (format, tag size, interval), so layers
# above see a PI-capable disk; fio verify on it is clean (the path generates
# and the controller checks the guard and reference tags of every block, so
# a wrong or missing tag would fail the I/O) over both paths, and while one
# of them is taken out of use.
#@ topology: qemu2pi
#@ timeout: 200
. "$(dirname "$0")/../lib/guest.sh"
. "$(dirname "$0")/../lib/mpath.sh"

mpath_load iopolicy=round-robin path_check_interval=1
MP=mpnvme0n1
mp_wait_slaves $MP 2 20 || fail "$MP slaves: '$(mp_slaves $MP | xargs)'"
a=$(mp_slaves $MP | sed -n 1p) b=$(mp_slaves $MP | sed -n 2p)
pf=$(cat /sys/block/$a/integrity/format)
[ "$pf" != none ] && [ -n "$pf" ] || fail "path $a has no integrity profile ('$pf'): the PI namespace was not set up"
for f in format tag_size protection_interval_bytes; do
	[ -e /sys/block/$MP/integrity/$f ] || fail "$MP has no integrity/$f"
	[ "$(cat /sys/block/$MP/integrity/$f)" = "$(cat /sys/block/$a/integrity/$f)" ] ||
		fail "$MP integrity/$f '$(cat /sys/block/$MP/integrity/$f)' differs from $a's '$(cat /sys/block/$a/integrity/$f)'"
done
log "$MP integrity: $(cat /sys/block/$MP/integrity/format), tag $(cat /sys/block/$MP/integrity/tag_size), interval $(cat /sys/block/$MP/integrity/protection_interval_bytes)"
fio_verify_start /dev/$MP 20
sleep 5
# I/O moves to $b alone and back (admin_state), not by a controller reset:
# QEMU's controller may lose commands across a reset (a 30 s nvme timeout)
echo disabled > /sys/block/$MP/mpath/paths/$a/admin_state || fail "cannot disable $a"
sleep 4
echo enabled > /sys/block/$MP/mpath/paths/$a/admin_state || fail "cannot enable $a"
fio_verify_wait || fail "fio verify on the PI multipath disk saw errors"
for p in $a $b; do
	[ "$(awk '{print $5}' /sys/block/$p/stat)" -gt 0 ] || fail "no write went through $p"
done
pass "$MP carries its paths' integrity profile ($pf), fio verify clean over both paths and over one"
