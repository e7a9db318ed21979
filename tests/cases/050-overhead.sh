#!/bin/bash
# 050-overhead: I/O through the multipath disk costs no measurable throughput
# against using one of its paths directly.  Within one guest, 4 KiB random
# reads (iodepth 16) run alternately on a path disk and on the multipath disk
# (numa policy: all on one path): 8 pairs of 2 s runs, the order inside a
# pair alternating, so that a change in the load of the host (another guest
# may share its cores) weighs on both alike.  The I/Os done on the multipath
# disk must be at least 90% of those on the path.  Absolute numbers mean
# nothing under TCG; the ratio is what is checked.
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
		--bs=4k --iodepth=16 --size=32M --runtime=2 --time_based --eta=never \
		--output-format=json 2>/dev/null | jq '.jobs[0].read.total_ios'
}
pa=0 pb=0 la="" lb=""
for r in 1 2 3 4 5 6 7 8; do
	if [ $((r % 2)) = 1 ]; then x=$(iops $p); y=$(iops $MP); else y=$(iops $MP); x=$(iops $p); fi
	pa=$((pa + x)) pb=$((pb + y)) la="$la $x" lb="$lb $y"
done
log "I/Os per 2 s on path $p:$la (sum $pa); on $MP:$lb (sum $pb)"
[ "$pa" -gt 0 ] && [ "$pb" -gt 0 ] || fail "fio measured nothing"
ratio=$((pb * 100 / pa))
[ $ratio -ge 90 ] || fail "$MP did $ratio% of the path's I/Os ($pb vs $pa)"
pass "$MP did $ratio% of the I/Os of path $p ($pb vs $pa in 8 x 2 s)"
