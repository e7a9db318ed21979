#!/bin/bash
# 050-overhead: what I/O through the multipath disk costs.
#
# Within one guest, on the NVMe-oF TCP target (namespaces on null_blk;
# QEMU's emulated NVMe sometimes stalls under this much I/O), 4 KiB random
# reads (libaio, iodepth 16) run in turn on
#  - a path disk directly (NSID 1),
#  - the multipath disk over it (numa policy: every bio on one path),
#  - dm-linear, the kernel's thinnest stacking driver, over a path of the
#    sibling namespace (NSID 2, same controllers, same kind of device),
# 6 rounds of 2 s each, the order rotating every round so that a change in
# the host's load (another guest may share its cores) weighs on all alike.
# Under TCG the guest's CPU is the bottleneck, so any stacking layer shows;
# the check is that nvme_mpath costs about what dm-linear costs: its I/Os
# must be at least 70% of dm-linear's.  The margin is for TCG noise with
# another guest on the host: over 8 clean runs nvme_mpath/dm-linear ranged
# 84-121% and nvme_mpath/direct path 79-108%.  Both ratios are printed.
#@ topology: none
#@ timeout: 300
. "$(dirname "$0")/../lib/guest.sh"
. "$(dirname "$0")/../lib/mpath.sh"

# dm-linear first, so that NSID 2's path is dm's and not nvme_mpath's
tcp_target_setup ports=4420,4421 ns=2 size=64 > /dev/null
modprobe dm-mod || fail "no dm-mod"
n2=$(for b in $(disks_of_ctrl ${TCP_CTRL[4420]}); do [ "$(disk_nsid $b)" = 2 ] && echo $b; done)
[ -n "$n2" ] || fail "no NSID 2 disk on ${TCP_CTRL[4420]}"
run dmsetup create mpbase --table "0 $(blockdev --getsz /dev/$n2) linear /dev/$n2 0"
# no udev in the guest: no /dev/mapper link; use the dm-N node
DM=/dev/$(dmsetup info -c --noheadings -o blkdevname mpbase)
[ -b "$DM" ] || fail "no block device for dm-linear ($DM)"
mpath_load
wait_for 20 mp_count_ge 1 || fail "no multipath disk"
MP=$(mp_by_id $TCP_NQN 1) || fail "no multipath disk for NSID 1"
mp_wait_slaves $MP 2 20 || fail "no $MP with 2 paths"
p=$(mp_slaves $MP | head -1)
for d in /dev/$MP $DM; do
	run dd if=/dev/urandom of=$d bs=1M count=32 oflag=direct status=none
done

ios() {
	fio --name=r --filename=$1 --ioengine=libaio --direct=1 --rw=randread \
		--bs=4k --iodepth=16 --size=32M --runtime=2 --time_based --eta=never \
		--output-format=json 2>/dev/null | jq '.jobs[0].read.total_ios'
}
devs=(/dev/$p /dev/$MP $DM)
declare -A sum=() runs=()
for r in 0 1 2 3 4 5; do
	for i in 0 1 2; do
		d=${devs[$(((r + i) % 3))]}
		n=$(ios $d)
		sum[$d]=$(( ${sum[$d]:-0} + n )); runs[$d]="${runs[$d]:-} $n"
	done
done
for d in "${devs[@]}"; do log "$d:${runs[$d]} (sum ${sum[$d]})"; done
path=${sum[/dev/$p]} mp=${sum[/dev/$MP]} dm=${sum[$DM]}
[ "$path" -gt 0 ] && [ "$mp" -gt 0 ] && [ "$dm" -gt 0 ] || fail "fio measured nothing"
dmsetup remove mpbase
r_mp=$((mp * 100 / path)) r_dm=$((dm * 100 / path)) r=$((mp * 100 / dm))
log "vs direct path: $MP $r_mp%, dm-linear $r_dm%; $MP vs dm-linear $r%"
[ $r -ge 70 ] || fail "$MP did $r% of dm-linear's I/Os ($mp vs $dm)"
pass "$MP at $r_mp% of the direct path, dm-linear at $r_dm% ($MP/dm-linear $r%)"
