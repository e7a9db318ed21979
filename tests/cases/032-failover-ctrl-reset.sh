#!/bin/bash
# 032-failover-ctrl-reset: fio verify on the multipath disk of the QEMU
# two-controller subsystem (round-robin) while one controller is reset,
# three times.  Whatever the reset does with the commands in flight (QEMU's
# controller completes them first; any it aborts fail over), fio sees no
# error, and the path is used again after the resets.
#
# 5.10: its nvme-pci keeps the shadow doorbell buffers (QEMU's controller
# offers them) across a reset without clearing them - fixed upstream in 2022
# ("nvme-pci: clear shadow doorbell memory on resets", in Debian 12's 6.1 and
# 6.12, not in Debian 11's 5.10) - so commands sent just after a reset can be lost by the
# controller; the same happens on the bare nvme0n1 without nvme_mpath.  Only
# nvme-core's timeout handling (abort, then controller reset, then the
# commands fail) gets them back, so on 5.10 the case lowers io_timeout to 5 s
# and checks that such commands, too, end in a clean failover; if the path
# then stays failed, that a PCI remove + rescan of the controller (fresh
# buffers, see nvme_mpath(4)) brings it back.
#@ topology: qemu2
#@ timeout: 300
#@ cmdline-5.10: nvme_core.io_timeout=5
. "$(dirname "$0")/../lib/guest.sh"
. "$(dirname "$0")/../lib/mpath.sh"

mpath_load iopolicy=round-robin path_check_interval=1
mp_wait_slaves mpnvme0n1 2 20 || fail "mpnvme0n1 slaves: '$(mp_slaves mpnvme0n1 | xargs)'"
MP=mpnvme0n1
p=$(mp_slaves $MP | head -1); ctrl=$(disk_ctrl $p)
# fio must outlast the three resets: on the KASAN + lockdep line they took
# 40 s of the 24 (fio had ended: "carries no I/O after the resets")
rt=24; [ "${RIG_LINE:-}" = 6.12-debug ] && rt=72
fio_verify_start /dev/$MP $rt
sleep 5
for i in 1 2 3; do
	ctrl_reset $ctrl
	ctrl_wait_state $ctrl live 20 || fail "$ctrl not live after reset: $(ctrl_state $ctrl)"
	sleep 3
done
if [ "$RIG_LINE" = 5.10 ]; then
	# The reset controller may stay unable to run commands (see above): the
	# path must then stay failed, its probes time out, I/O goes elsewhere.
	# What nvme_mpath(4) tells the admin to do then: remove the controller's
	# PCI device and rescan (fresh doorbell buffers); the new path is taken.
	fio_verify_wait || fail "fio saw errors during controller resets"
	st=$(mp_path_attr $MP $p state)
	if [ "$st" != usable ]; then
		log "5.10: $p $st after the resets (its controller loses commands); PCI remove + rescan"
		other=$(mp_slaves $MP | grep -vx "$p")
		pci=$(basename "$(readlink -f /sys/class/nvme/$ctrl/device)")
		echo 1 > /sys/bus/pci/devices/$pci/remove || fail "cannot remove $pci"
		mp_wait_slaves $MP 1 60 || fail "$p not released after removing $pci"
		echo 1 > /sys/bus/pci/rescan
		mp_wait_slaves $MP 2 60 || fail "no second path after the PCI rescan: $(mp_slaves $MP | xargs)"
		p=$(mp_slaves $MP | grep -vx "$other")
		wait_for 20 mp_path_state_is $MP $p usable || fail "new path $p: $(mp_path_attr $MP $p state)"
		ios=$(mp_path_attr $MP $p ios)
		fio_verify /dev/$MP 4
		[ "$(mp_path_attr $MP $p ios)" -gt "$ios" ] || fail "new path $p carries no I/O"
		pass "5.10: 3 resets of $ctrl under fio: clean, $(mp_attr $MP failovers) failovers; $st path back as $p after PCI remove + rescan"
	fi
fi
wait_for 40 mp_path_state_is $MP $p usable || fail "path $p not usable after resets: $(mp_path_attr $MP $p state)"
ios=$(mp_path_attr $MP $p ios)
sleep 2
[ "$(mp_path_attr $MP $p ios)" -gt "$ios" ] || fail "path $p carries no I/O after the resets"
[ "$RIG_LINE" = 5.10 ] || fio_verify_wait || fail "fio saw errors during controller resets"
pass "3 resets of $ctrl under fio: clean, $(mp_attr $MP failovers) failovers; writes held $(mp_attr $MP writes_held 2>/dev/null || echo -), worst write ${FIO_WMAX_MS:-?} ms, read ${FIO_RMAX_MS:-?} ms"
