#!/bin/bash
# 022-partitions: a partition table written to the multipath disk gives
# partitions of the multipath disk (mpnvme0n1p1, p2), which carry data to the
# right offsets of the namespace.
#@ topology: qemu2
#@ timeout: 180
. "$(dirname "$0")/../lib/guest.sh"
. "$(dirname "$0")/../lib/mpath.sh"

mpath_load
MP=mpnvme0n1
mp_wait_slaves $MP 2 20 || fail "no $MP with 2 paths"
printf 'label: gpt\nstart=2048, size=40960\nstart=43008, size=40960\n' | sfdisk -q /dev/$MP || fail "sfdisk on $MP failed"
wait_for 10 test -b /dev/${MP}p2 || fail "no /dev/${MP}p2 after sfdisk: $(ls /sys/block/$MP)"
head -c 64k /dev/urandom > /tmp/p2
run dd if=/tmp/p2 of=/dev/${MP}p2 bs=64k oflag=direct status=none
p=$(mp_slaves $MP | head -1)
dd if=/dev/$p bs=512 skip=43008 count=128 iflag=direct status=none | cmp -s - /tmp/p2 ||
	fail "data written to ${MP}p2 is not at sector 43008 of the namespace"
pass "${MP}p1 and ${MP}p2; p2 data at the right offset on $p"
