#!/bin/bash
# 050-overhead: I/O through the multipath disk costs no measurable throughput
# against using one of its paths directly.  Within one guest, 4 KiB random
# reads (iodepth 16) run alternately on a path disk and on the multipath disk
# (numa policy: all on one path), 3 rounds of 4 s each; the median IOPS of
# the multipath disk must be at least 90% of the path's.  Absolute numbers
# mean nothing under TCG; the ratio is what is checked.
#@ topology: qemu2
#@ timeout: 240
. "$(dirname "$0")/../lib/guest.sh"
. "$(dirname "$0")/../lib/mpath.sh"

mpath_load
MP=mpnvme0n1
mp_wait_slaves $MP 2 20 || fail "no $MP with 2 paths"
run dd if=/dev/urandom of=/dev/$MP bs=1M count=32 oflag=direct status=none
p=$(mp_slaves $MP | head -1)

iops() {
	fio --name=r --filename=/dev/$1 --ioengine=libaio --direct=1 --rw=randread \
		--bs=4k --iodepth=16 --size=32M --runtime=4 --time_based --eta=never \
		--output-format=json 2>/dev/null | jq '.jobs[0].read.iops | floor'
}
median() { printf '%s\n' "$@" | sort -n | sed -n 2p; }
a=() b=()
for r in 1 2 3; do
	a+=("$(iops $p)")
	b+=("$(iops $MP)")
done
pa=$(median "${a[@]}") pb=$(median "${b[@]}")
log "path $p: ${a[*]} IOPS (median $pa); $MP: ${b[*]} IOPS (median $pb)"
[ "$pa" -gt 0 ] && [ "$pb" -gt 0 ] || fail "fio measured nothing"
ratio=$((pb * 100 / pa))
[ $ratio -ge 90 ] || fail "$MP reached $ratio% of the path's IOPS ($pb vs $pa)"
pass "$MP at $ratio% of path $p IOPS (medians $pb vs $pa)"
