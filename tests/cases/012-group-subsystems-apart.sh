#!/bin/bash
# 012-group-subsystems-apart: two subsystems (mp0 and mp1), each with two
# controllers sharing an NSID 1 namespace.  All four path disks show the
# same wwid (QEMU derives it from serial, model and NSID, and both use the
# same serial), but the subsystem NQNs differ: two multipath disks, each
# over the two paths of its own subsystem.
#@ topology: none
#@ qemu: -device nvme-subsys,id=sa,nqn=mp0 -device nvme,serial=same0,subsys=sa -device nvme,serial=same0,subsys=sa
#@ qemu: -drive file=@IMG:a:64M@,if=none,format=raw,id=a,cache=unsafe -device nvme-ns,drive=a,nsid=1,shared=on
#@ qemu: -device nvme-subsys,id=sb,nqn=mp1 -device nvme,serial=same0,subsys=sb -device nvme,serial=same0,subsys=sb
#@ qemu: -drive file=@IMG:b:64M@,if=none,format=raw,id=b,cache=unsafe -device nvme-ns,drive=b,nsid=1,shared=on
#@ timeout: 180
. "$(dirname "$0")/../lib/guest.sh"
. "$(dirname "$0")/../lib/mpath.sh"

log "namespace disks: $(for d in /sys/block/nvme*; do b=$(basename $d); echo "$b:$(disk_nsid $b):$(cat $d/device/subsysnqn)"; done | xargs)"
# the premise: one wwid on all four path disks
[ "$(for d in /sys/block/nvme*n1; do cat $d/wwid; done | sort -u | wc -l)" = 1 ] || fail "path disks do not share one wwid"
mpath_load
wait_for 20 mp_count_ge 2 || fail "expected 2 multipath disks, got: $(mp_disks | xargs)"
[ "$(mp_disks | wc -l)" = 2 ] || fail "expected 2 multipath disks, got: $(mp_disks | xargs)"
nqns=""
for m in $(mp_disks); do
	mp_wait_slaves "$m" 2 20 || fail "$m slaves: '$(mp_slaves "$m" | xargs)'"
	nqn=$(mp_attr "$m" subsysnqn)
	for s in $(mp_slaves "$m"); do
		[ "$(cat /sys/block/$s/device/subsysnqn)" = "$nqn" ] || fail "$m ($nqn) holds $s of $(cat /sys/block/$s/device/subsysnqn)"
	done
	log "$m: $nqn over $(mp_slaves "$m" | xargs)"
	nqns="$nqns $nqn"
done
[ "$(echo $nqns | tr ' ' '\n' | sort -u | wc -l)" = 2 ] || fail "both disks belong to one subsystem: $nqns"
pass "same NSID and wwid in two subsystems: two disks"
