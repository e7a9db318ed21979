#!/bin/bash
# 072-cmd-error-namespace-dead: the array fails every command of the
# namespace (dm "error" over all of it) while both controllers stay live.
# Every path fails every I/O, so nvme_mpath cannot tell a broken namespace
# from every path having lost ANA access; it asks the ANA helper (here run
# every second, as the package's watch would) and, told the paths are
# accessible, returns the error: EIO well before no_path_timeout (60 s),
# the paths left usable, and the disk works at once when the namespace is
# healed.  Native multipath (multipath=Y) runs it first, as the anchor;
# its time to error is printed.  nvme_mpath's must stay within the
# helper's interval + 1 s + 2x native's (it waits for the helper's word;
# native reads the status code, which nvme-core does not give a bio).
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

fault_setup native
scenario native
fault_teardown

fault_setup mpath iopolicy=round-robin path_check_interval=1
ana_helper_loop 1
wait_for 10 mp_ana_is $MP ${PATH_OF_PORT[4420]} optimized || fail "helper did not report the paths"
scenario mpath
ana_helper_stop
[ "$(mp_attr $MP command_error_count)" -ge 2 ] || fail "command_error_count $(mp_attr $MP command_error_count), expected >= 2"
[ "$(mp_attr $MP io_fail_no_available_path_count)" = 0 ] || fail "bios failed for want of a path: the paths were taken for lost"
dmesg_has "every path fails I/O while its controller is live" || fail "no log line for the every-path failure"
fault_teardown

log "anchor: native read ${RD[native]} ms, write ${WR[native]} ms, paths ${STATES[native]}"
log "nvme_mpath:    read ${RD[mpath]} ms, write ${WR[mpath]} ms, paths ${STATES[mpath]}"
for v in "${RD[mpath]}" "${WR[mpath]}"; do
	[ "$v" -le $(( 2000 + 2 * ${RD[native]} )) ] || fail "EIO after $v ms (native ${RD[native]}/${WR[native]} ms), limit helper interval + 1 s + 2x native"
done
pass "namespace fails everything: EIO after read ${RD[mpath]}/write ${WR[mpath]} ms (native ${RD[native]}/${WR[native]}), paths usable, healed at once"
