#!/bin/bash
# 070-cmd-error-bad-range: the array fails one 4 KiB range of a namespace
# (dm "error" under the nvmet namespace: Internal Error with DNR) while both
# paths stay healthy.  A read and a write of that range must fail with EIO
# quickly, fio on other blocks must go on undisturbed, and no path may be
# failed: a failed command is not a failed path.  The same scenario runs
# first with native multipath (multipath=Y) in this boot, as the anchor:
# nvme_mpath's time to error and fio's worst latency must be within 2x of
# native's (+50 ms, for TCG's jitter).
#@ topology: none
#@ timeout: 300
. "$(dirname "$0")/../lib/guest.sh"
. "$(dirname "$0")/../lib/mpath.sh"
. "$(dirname "$0")/../lib/fault.sh"

BAD=16384		# 4 KiB block 16384 = 64 MiB in, far from fio's 32 MiB
declare -A RD WR IOPS WORST STATES
scenario() {
	good_io_start "$DEV" 10 randrw
	sleep 3
	ns_fail_range 1 $((BAD * 8)) 8
	timed_io read "$DEV" $BAD
	[ "$IO_RC" = 5 ] || fail "$1: bad read: errno $IO_RC '$IO_OUT', expected EIO"
	RD[$1]=$IO_MS
	timed_io write "$DEV" $BAD
	[ "$IO_RC" = 5 ] || fail "$1: bad write: errno $IO_RC '$IO_OUT', expected EIO"
	WR[$1]=$IO_MS
	STATES[$1]=$(paths_summary)
	good_io_wait
	[ "$GOOD_ERR" = 0 ] || fail "$1: good I/O saw errors: $GOOD_ERR"
	IOPS[$1]=$GOOD_IOPS WORST[$1]=$GOOD_MAX_MS
	all_paths_usable || fail "$1: paths after the bad range: $(paths_summary)"
	ns_heal 1
	timed_io read "$DEV" $BAD
	[ "$IO_RC" = 0 ] || fail "$1: healed block still fails"
}

fault_setup native iopolicy=round-robin
scenario native
fault_teardown

fault_setup mpath iopolicy=round-robin path_check_interval=1
scenario mpath
mp_expect_command_errors_only 2
fault_teardown

log "anchor: native read ${RD[native]} ms, write ${WR[native]} ms, good I/O ${IOPS[native]} IOPS worst ${WORST[native]} ms, paths ${STATES[native]}"
log "nvme_mpath:    read ${RD[mpath]} ms, write ${WR[mpath]} ms, good I/O ${IOPS[mpath]} IOPS worst ${WORST[mpath]} ms, paths ${STATES[mpath]}"
within_2x "${RD[mpath]}" "${RD[native]}" 50 || fail "bad read failed after ${RD[mpath]} ms, native ${RD[native]} ms"
within_2x "${WR[mpath]}" "${WR[native]}" 50 || fail "bad write failed after ${WR[mpath]} ms, native ${WR[native]} ms"
within_2x "${WORST[mpath]}" "${WORST[native]}" 50 || fail "good I/O worst ${WORST[mpath]} ms, native ${WORST[native]} ms"
pass "bad range: EIO after read ${RD[mpath]}/write ${WR[mpath]} ms (native ${RD[native]}/${WR[native]}), good I/O worst ${WORST[mpath]} ms (native ${WORST[native]}), ${IOPS[mpath]} IOPS (native ${IOPS[native]}), paths usable"
