#!/bin/bash
# 020-data-integrity: fio verify through the multipath disk of each kind of
# path: the QEMU PCIe subsystem (numa policy) and the NVMe-oF TCP target
# (round-robin, so consecutive bios take different paths).  Every block
# written reads back intact; afterwards the disk's content equals each
# path's content, block for block.
#@ topology: qemu2
#@ timeout: 240
. "$(dirname "$0")/../lib/guest.sh"
. "$(dirname "$0")/../lib/mpath.sh"

mp_tcp_setup
echo round-robin > /sys/block/$MP/mpath/iopolicy
QMP=$(mp_by_id nqn.2019-08.org.qemu:mp0 1) || fail "no multipath disk for the QEMU namespace 1"
mp_wait_slaves $QMP 2 20 || fail "no $QMP with 2 paths"
for m in $QMP $MP; do
	fio_verify /dev/$m 10 --size=24M
	sum=$(dd if=/dev/$m bs=1M count=24 iflag=direct status=none | md5sum)
	for s in $(mp_slaves $m); do
		[ "$(dd if=/dev/$s bs=1M count=24 iflag=direct status=none | md5sum)" = "$sum" ] ||
			fail "$s differs from $m after fio"
	done
	log "$m ($(mp_attr $m iopolicy)): fio verify clean, content equal on $(mp_slaves $m | xargs)"
done
pass "fio verify clean on QEMU and TCP multipath disks; paths agree"
