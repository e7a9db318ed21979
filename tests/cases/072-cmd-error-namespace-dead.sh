#!/bin/bash
# 072-cmd-error-namespace-dead: the array fails every command of the
# namespace (dm "error" over all of it) while both controllers stay live.
# Every path fails every I/O; nvme_mpath's verification reads of the paths
# are NVMe commands of its own, whose NVMe status (Internal Error, not a
# path-related one) says the controllers answered: the namespace failed,
# not the paths.  EIO must come back within 2x native's time (+50 ms, for
# TCG's jitter), long before no_path_timeout (60 s) and without waiting
# for the ANA helper (none runs), the paths left usable, and the disk must
# work at once when the namespace is healed.  Native multipath
# (multipath=Y) runs it first, as the anchor.
#@ topology: none
#@ timeout: 300
. "$(dirname "$0")/../lib/guest.sh"
. "$(dirname "$0")/../lib/mpath.sh"
. "$(dirname "$0")/../lib/fault.sh"

declare -A RD WR STATES
scenario() {
	timed_io read "$DEV" 100
	[ "$IO_RC" = 0 ] || fail "$1: read failed before the fault: $IO_OUT"
	ns_fail_all 1
	timed_io read "$DEV" 100
	[ "$IO_RC" = 5 ] || fail "$1: read: errno $IO_RC '$IO_OUT', expected EIO"
	RD[$1]=$IO_MS
	timed_io write "$DEV" 200
	[ "$IO_RC" = 5 ] || fail "$1: write: errno $IO_RC '$IO_OUT', expected EIO"
	WR[$1]=$IO_MS
	STATES[$1]=$(paths_summary)
	all_paths_usable || fail "$1: paths after the namespace failed: $(paths_summary)"
	ns_heal 1
	timed_io read "$DEV" 100
	[ "$IO_RC" = 0 ] || fail "$1: read fails after the namespace healed: $IO_OUT"
	[ "$IO_MS" -lt 1000 ] || fail "$1: read after healing took $IO_MS ms"
}

fault_setup native iopolicy=round-robin
scenario native
fault_teardown

fault_setup mpath iopolicy=round-robin path_check_interval=1
scenario mpath
[ "$(mp_attr $MP command_error_count)" -ge 2 ] || fail "command_error_count $(mp_attr $MP command_error_count), expected >= 2"
[ "$(mp_attr $MP io_fail_no_available_path_count)" = 0 ] || fail "bios failed for want of a path: the paths were taken for lost"
dmesg_has "answers with NVMe status 0x[0-9a-f]*: the namespace's error" || fail "no path probe saw the controller's NVMe status"
dmesg_has "every path fails I/O while its controller is live" && fail "the every-path wait ran: the NVMe status was not used"
for p in 4420 4421; do
	st=$(mp_path_attr $MP ${PATH_OF_PORT[$p]} probe_status)
	log "${PATH_OF_PORT[$p]}: probe_status $st"
done
fault_teardown

log "anchor: native read ${RD[native]} ms, write ${WR[native]} ms, paths ${STATES[native]}"
log "nvme_mpath:    read ${RD[mpath]} ms, write ${WR[mpath]} ms, paths ${STATES[mpath]}"
within_2x "${RD[mpath]}" "${RD[native]}" 50 || fail "read: EIO after ${RD[mpath]} ms, native ${RD[native]} ms"
within_2x "${WR[mpath]}" "${WR[native]}" 50 || fail "write: EIO after ${WR[mpath]} ms, native ${WR[native]} ms"
pass "namespace fails everything: EIO after read ${RD[mpath]}/write ${WR[mpath]} ms (native ${RD[native]}/${WR[native]}), paths usable, healed at once"
