#!/bin/bash
# 011-group-nsids-apart: two namespaces (NSID 1 and 2) of the same subsystem,
# both shared by the same two controllers, give two separate multipath disks;
# no disk mixes paths of different NSIDs, and the data of one does not show
# on the other.
#@ topology: qemu2
#@ timeout: 180
. "$(dirname "$0")/../lib/guest.sh"
. "$(dirname "$0")/../lib/mpath.sh"

mpath_load
for n in 1 2; do
	mp_wait_slaves mpnvme0n$n 2 20 || fail "mpnvme0n$n slaves: '$(mp_slaves mpnvme0n$n | xargs)'"
	for s in $(mp_slaves mpnvme0n$n); do
		[ "$(disk_nsid "$s")" = $n ] || fail "mpnvme0n$n holds $s of nsid $(disk_nsid "$s")"
	done
	[ "$(mp_attr mpnvme0n$n nsid)" = $n ] || fail "mpnvme0n$n mpath/nsid is $(mp_attr mpnvme0n$n nsid)"
done
[ "$(mp_disks | wc -l)" = 2 ] || fail "expected 2 multipath disks, got: $(mp_disks | xargs)"
[ "$(mp_attr mpnvme0n1 wwid)" != "$(mp_attr mpnvme0n2 wwid)" ] || fail "both disks show one wwid"

head -c 256k /dev/urandom > /tmp/a; head -c 256k /dev/urandom > /tmp/b
run dd if=/tmp/a of=/dev/mpnvme0n1 bs=64k oflag=direct status=none
run dd if=/tmp/b of=/dev/mpnvme0n2 bs=64k oflag=direct status=none
dd if=/dev/mpnvme0n1 bs=64k count=4 iflag=direct status=none | cmp -s - /tmp/a || fail "mpnvme0n1 lost its data"
dd if=/dev/mpnvme0n2 bs=64k count=4 iflag=direct status=none | cmp -s - /tmp/b || fail "mpnvme0n2 lost its data"
pass "nsid 1 -> mpnvme0n1 ($(mp_slaves mpnvme0n1 | xargs)), nsid 2 -> mpnvme0n2 ($(mp_slaves mpnvme0n2 | xargs))"
