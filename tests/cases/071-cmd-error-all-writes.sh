#!/bin/bash
# 071-cmd-error-all-writes: the array fails every write of the namespace
# (dm-flakey error_writes under the nvmet namespace) while reads work and
# both paths stay healthy.  A write must fail with EIO quickly, reads (fio
# randread) must go on undisturbed, and no path may be failed.  Native
# multipath (multipath=Y) runs the same scenario first in this boot, as
# the anchor: time to error and fio's worst latency within 2x (+50 ms).
#@ topology: none
#@ timeout: 300
. "$(dirname "$0")/../lib/guest.sh"
. "$(dirname "$0")/../lib/mpath.sh"
. "$(dirname "$0")/../lib/fault.sh"

declare -A WR IOPS WORST STATES
scenario() {
	good_io_start "$DEV" 10 randread
	sleep 3
	ns_fail_writes 1
	timed_io write "$DEV" 100
	[ "$IO_RC" = 5 ] || fail "$1: write: errno $IO_RC '$IO_OUT', expected EIO"
	WR[$1]=$IO_MS
	timed_io write "$DEV" 20000
	[ "$IO_RC" = 5 ] || fail "$1: second write: errno $IO_RC '$IO_OUT', expected EIO"
	[ "$IO_MS" -gt "${WR[$1]}" ] && WR[$1]=$IO_MS
	timed_io read "$DEV" 20000
	[ "$IO_RC" = 0 ] || fail "$1: read failed while only writes fail: $IO_OUT"
	STATES[$1]=$(paths_summary)
	good_io_wait
	[ "$GOOD_ERR" = 0 ] || fail "$1: reads saw errors: $GOOD_ERR"
	IOPS[$1]=$GOOD_IOPS WORST[$1]=$GOOD_MAX_MS
	all_paths_usable || fail "$1: paths after failed writes: $(paths_summary)"
	ns_heal 1
	timed_io write "$DEV" 100
	[ "$IO_RC" = 0 ] || fail "$1: write fails after the namespace healed: $IO_OUT"
}

fault_setup native iopolicy=round-robin
scenario native
fault_teardown

fault_setup mpath iopolicy=round-robin path_check_interval=1
scenario mpath
mp_expect_command_errors_only 2
fault_teardown

log "anchor: native write ${WR[native]} ms, reads ${IOPS[native]} IOPS worst ${WORST[native]} ms, paths ${STATES[native]}"
log "nvme_mpath:    write ${WR[mpath]} ms, reads ${IOPS[mpath]} IOPS worst ${WORST[mpath]} ms, paths ${STATES[mpath]}"
within_2x "${WR[mpath]}" "${WR[native]}" 50 || fail "write failed after ${WR[mpath]} ms, native ${WR[native]} ms"
within_2x "${WORST[mpath]}" "${WORST[native]}" 50 || fail "reads worst ${WORST[mpath]} ms, native ${WORST[native]} ms"
pass "every write fails: EIO after ${WR[mpath]} ms (native ${WR[native]}), reads worst ${WORST[mpath]} ms (native ${WORST[native]}), ${IOPS[mpath]} IOPS (native ${IOPS[native]}), paths usable"
