#!/bin/bash
# 025-polled-io: paths with poll queues (QEMU's two-controller PCIe
# subsystem, nvme.poll_queues=1) give a multipath disk that advertises
# polling (queue/io_poll 1), and io_uring IOPOLL (fio --hipri) on it really
# polls the path's poll queue (a kprobe on nvme-pci's nvme_poll fires) and
# verifies clean across three controller resets and PCI removals of a
# controller, repeated until a polled bio has failed on the removed path and
# been resent on the other (see below).  Paths without poll
# queues (nvme-tcp without nr_poll_queues, in the same guest) give a disk
# without polling.  QD1 randread IOPS, polled and by interrupt, on the
# multipath disk and on the raw path in this boot are printed (not judged:
# TCG times are noise).
# Not nvme-tcp's poll queues: Debian's 6.12 nvme-tcp sleeps in its poll
# handler (lock_sock) under iocb_bio_iopoll()'s RCU read lock - a WARNING
# on the bare path, without nvme_mpath.
#@ topology: qemu2
#@ start: early
#@ timeout: 300
#@ cmdline: nvme.poll_queues=1
. "$(dirname "$0")/../lib/guest.sh"
. "$(dirname "$0")/../lib/mpath.sh"

mpath_load iopolicy=round-robin path_check_interval=1
MP=mpnvme0n1
mp_wait_slaves $MP 2 20 || fail "$MP slaves: '$(mp_slaves $MP | xargs)'"
a=$(mp_slaves $MP | sed -n 1p) b=$(mp_slaves $MP | sed -n 2p)
for d in $a $b; do
	[ "$(cat /sys/block/$d/queue/io_poll)" = 1 ] || fail "path $d has no poll queue (io_poll $(cat /sys/block/$d/queue/io_poll))"
done
# A kernel without bio polling (->poll_bio, bio_poll(): 5.19+; 5.10 has only
# blk_poll for request queues) must not advertise it: checked, then skipped.
if ! grep -qw bio_poll /proc/kallsyms; then
	[ "$(cat /sys/block/$MP/queue/io_poll)" = 0 ] || fail "$MP advertises polling on a kernel without bio_poll"
	skip "$(uname -r) has no bio_poll (->poll_bio): $MP rightly does not advertise polling (io_poll 0)"
fi
[ "$(cat /sys/block/$MP/queue/io_poll)" = 1 ] || fail "$MP does not advertise polling over paths that poll"

# Calls of nvme-pci's poll handler, counted by a kprobe event: only a bio
# polled where it was sent (re-targeted to the path) gets there.
T=/sys/kernel/debug/tracing
[ -d $T/events ] || mount -t tracefs nodev $T 2>/dev/null
echo 'p:mpath_polls nvme_poll' >> $T/kprobe_events || fail "cannot add a kprobe on nvme_poll"
echo 1 > $T/events/kprobes/mpath_polls/enable || fail "cannot enable the kprobe"
polls() { cat $T/per_cpu/cpu*/stats | awk '/^entries:/ { n += $2 } /^overrun:/ { n += $2 } END { print n + 0 }'; }

qd1() {	# qd1 DEV HIPRI: QD1 4k randread IOPS for 3 s
	fio --name=qd1 --filename=/dev/$1 --ioengine=io_uring --hipri=$2 --direct=1 \
		--rw=randread --bs=4k --iodepth=1 --size=32M --runtime=3 --time_based \
		--eta=never --output-format=json 2>/tmp/qd1.err |
		jq -r '.jobs[0].read.iops | floor' || { cat /tmp/qd1.err; echo 0; }
}
declare -A IOPS
for dev in $a $MP; do
	for h in 0 1; do IOPS[$dev.$h]="${IOPS[$dev.$h]} $(qd1 $dev $h)"; done
done
log "QD1 IOPS: raw $a interrupt${IOPS[$a.0]} polled${IOPS[$a.1]}; $MP interrupt${IOPS[$MP.0]} polled${IOPS[$MP.1]}"
for v in ${IOPS[$MP.1]}; do [ "$v" -gt 0 ] || fail "polled fio on $MP did no I/O: $(cat /tmp/qd1.err)"; done

# (the debug line is ~5x slower: the resets and the removals must still
# fall in fio's write phase)
rt=45; [ "${RIG_LINE:-}" = 6.12-debug ] && rt=220
fio_verify_start /dev/$MP $rt --ioengine=io_uring --hipri=1
sleep 5
p0=$(polls); sleep 2; p1=$(polls)
[ $p1 -gt $p0 ] || fail "polled fio on $MP polled no path queue (kprobe hits $p0 -> $p1)"
ctrl=$(disk_ctrl $a)
for i in 1 2 3; do
	ctrl_reset $ctrl
	ctrl_wait_state $ctrl live 30 || fail "$ctrl not live after reset $i: $(ctrl_state $ctrl)"
	sleep 2
done
# QEMU 7.2 completes every command a reset's queue deletion finds (it waits
# for them), so resets fail no bio.  A PCI removal is graceful too, but
# nvme-core zeroes the namespace's capacity an SRCU grace period before
# del_gendisk: a bio sent to the path then fails (EIO) and is resent on
# the other path - unless the module's checker saw the controller DELETING
# first.  That is a race, so the removal is repeated (up to 5 times) until
# a polled bio has failed over.
for r in 1 2 3 4 5; do
	c=$(disk_ctrl "$(mp_slaves $MP | sed -n 1p)")
	pci=$(readlink -f /sys/class/nvme/$c/device)
	log "PCI remove $pci ($c), removal $r"
	echo 1 > $pci/remove
	wait_for 15 eval '[ "$(mp_slaves $MP | wc -l)" = 1 ]' || fail "$c still a path after its controller's removal"
	sleep 1
	echo 1 > /sys/bus/pci/rescan
	mp_wait_slaves $MP 2 30 || fail "$MP has paths '$(mp_slaves $MP | xargs)' after the rescan"
	[ "$(mp_attr $MP failovers)" -gt 0 ] && break
	sleep 1
done
fio_verify_wait || fail "polled fio verify saw errors across the resets and the removals"
fo=$(mp_attr $MP failovers)
[ "$fo" -gt 0 ] || fail "no polled bio failed over in $r removals (failovers $fo)"

# Paths without poll queues: no polling on their multipath disk.
tcp_target_setup ports=4420,4421 ns=1 size=64 > /dev/null
m=$(mp_by_id "$TCP_NQN" 1) || { sleep 3; m=$(mp_by_id "$TCP_NQN" 1); } || fail "no multipath disk for $TCP_NQN"
mp_wait_slaves $m 2 20 || fail "$m has paths '$(mp_slaves $m | xargs)'"
[ "$(cat /sys/block/$m/queue/io_poll)" = 0 ] || fail "$m advertises polling over nvme-tcp paths without poll queues"
pass "io_poll 1 over polling paths, polled fio verify clean across 3 resets and $r removal(s) ($fo bios moved, $((p1 - p0)) polls in 2 s), io_poll 0 without poll queues; QD1 IOPS raw${IOPS[$a.0]} /${IOPS[$a.1]} polled, $MP${IOPS[$MP.0]} /${IOPS[$MP.1]} polled"
