# tests/lib/debugkernel-guest.sh - guest side of the 6.12-debug line.
#
# On that line only, rig_stage (debugkernel_stage in lib/debugkernel.sh)
# replaces the staged case by a wrapper that sources this file and calls
#   dbg_case_run /mnt/rig/dbgcase/<case>.sh
# which runs the case as /init would, then has kmemleak scan (twice, with a
# pause: an object is reported once it has been unreferenced through a scan
# and is older than 5 s) and reads the report.  Every unreferenced object is
# printed on the console ("rig-kmemleak: ..."); one with nvme_mpath in its
# allocation backtrace fails the case, and its report also goes to the kernel
# log as "rig-kmemleak: unreferenced object ... nvme_mpath" (tests/run fails
# the case on that line too, and shows it).
# A frame is nvme_mpath's when it is symbolized "[nvme_mpath]" or, once the
# module is unloaded (kmemleak then prints a raw 0xffffffffc... address), when
# it lies in one of the address ranges nvme_mpath had while loaded: a
# background loop notes them from /proc/modules every 0.3 s.

DBG_KMEMLEAK=/sys/kernel/debug/kmemleak
DBG_RANGES=/tmp/.rig-nvme-mpath-ranges
DBG_KMSG=/dev/kmsg

# background: "start end" of nvme_mpath while loaded (hex, from /proc/modules:
# base of its text, total size: a slight over-estimate of its text)
_dbg_modwatch() {
	local n s r d st a rest last=
	while :; do
		while read -r n s r d st a rest; do
			[ "$n" = nvme_mpath ] || continue
			case $a in 0x0*|"") ;; *)
				if [ "$a $s" != "$last" ]; then
					printf '%x %x\n' $((a)) $((a + s)) >> "$DBG_RANGES"
					last="$a $s"
				fi ;;
			esac
		done < /proc/modules
		sleep 0.3
	done
}

# _dbg_is_mpath_frame FRAME: 0 if the frame is nvme_mpath's
_dbg_is_mpath_frame() {
	local f=$1 lo hi x
	case $f in *"[nvme_mpath]"*) return 0 ;; esac
	[[ $f =~ ^[[:space:]]*(0x[0-9a-f]+)[[:space:]]*$ ]] || return 1
	x=${BASH_REMATCH[1]}
	[ -s "$DBG_RANGES" ] || return 1
	while read -r lo hi; do
		# unsigned compare of 64-bit kernel addresses: same top bit, compare as strings of equal length
		if [[ ${x#0x} > $lo || ${x#0x} == "$lo" ]] && [[ ${x#0x} < $hi ]]; then return 0; fi
	done < "$DBG_RANGES"
	return 1
}

# dbg_kmemleak_check: scan, print every unreferenced object, return 1 if any
# has nvme_mpath frames (count in DBG_MPATH_LEAKS, others in DBG_OTHER_LEAKS)
dbg_kmemleak_check() {
	DBG_MPATH_LEAKS=0 DBG_OTHER_LEAKS=0
	if [ ! -e "$DBG_KMEMLEAK" ]; then
		echo "rig-kmemleak: no $DBG_KMEMLEAK (kernel without kmemleak?)"
		return 0
	fi
	if dmesg | grep -q 'kmemleak: Kernel memory leak detector disabled'; then
		echo "rig-kmemleak: kmemleak disabled itself during the case:"
		dmesg | grep 'kmemleak:' | head -5
		DBG_KMEMLEAK_OFF=1
		return 1
	fi
	echo "rig-kmemleak: scanning (uptime $(cut -d' ' -f1 /proc/uptime)s)"
	echo scan > "$DBG_KMEMLEAK"
	sleep 6
	echo scan > "$DBG_KMEMLEAK"
	echo "rig-kmemleak: scanned (uptime $(cut -d' ' -f1 /proc/uptime)s)"
	_dbg_kmemleak_report < "$DBG_KMEMLEAK"
}

# _dbg_kmemleak_report < REPORT: see dbg_kmemleak_check
_dbg_kmemleak_report() {
	local line obj=() mine=0 i
	DBG_MPATH_LEAKS=0 DBG_OTHER_LEAKS=0
	# one object: "unreferenced object ..." up to the next one
	_dbg_flush() {
		[ ${#obj[@]} -gt 0 ] || return 0
		if [ $mine = 1 ]; then
			DBG_MPATH_LEAKS=$((DBG_MPATH_LEAKS + 1))
			for i in "${obj[@]}"; do echo "rig-kmemleak: $i"; done
			# into the kernel log as well: tests/run's verdict (debug line)
			# (the header and nvme_mpath's frames: /dev/kmsg is rate-limited)
			{
				echo "rig-kmemleak: ${obj[0]} [nvme_mpath leak]"
				for i in "${obj[@]:1}"; do
					if _dbg_is_mpath_frame "$i"; then echo "rig-kmemleak: $i"; fi
				done
			} > "$DBG_KMSG"
		else
			DBG_OTHER_LEAKS=$((DBG_OTHER_LEAKS + 1))
			for i in "${obj[@]}"; do echo "rig-kmemleak: (not nvme_mpath) $i"; done
		fi
		obj=() mine=0
	}
	while IFS= read -r line; do
		case $line in
		"unreferenced object "*) _dbg_flush; obj=("$line") ;;
		*)
			[ ${#obj[@]} -gt 0 ] || continue
			obj+=("$line")
			if [ $mine = 0 ] && _dbg_is_mpath_frame "$line"; then mine=1; fi
			;;
		esac
	done
	_dbg_flush
	echo "rig-kmemleak: $DBG_MPATH_LEAKS unreferenced object(s) with nvme_mpath frames, $DBG_OTHER_LEAKS other(s)"
	[ "$DBG_MPATH_LEAKS" = 0 ]
}

# dbg_case_run CASE: run the case as /init does, then the kmemleak check;
# exits with the case's status, or 1 if nvme_mpath leaked
dbg_case_run() {
	local case=$1 rc w
	: > "$DBG_RANGES"
	_dbg_modwatch & w=$!
	bash "$case" < /dev/null
	rc=$?
	kill "$w" 2>/dev/null
	wait "$w" 2>/dev/null
	[ "$rc" = 77 ] && exit 77          # skipped: nothing ran
	if ! dbg_kmemleak_check; then
		if [ "${DBG_KMEMLEAK_OFF:-0}" = 1 ]; then
			msg="kmemleak disabled itself (pool too small?), no leak check"
		else
			msg="kmemleak: $DBG_MPATH_LEAKS unreferenced object(s) allocated through nvme_mpath"
		fi
		if [ "$rc" = 0 ]; then
			echo "$msg" > /run/rig-result
		else
			echo "$(head -1 /run/rig-result 2>/dev/null); $msg" > /run/rig-result.new &&
				mv /run/rig-result.new /run/rig-result
		fi
		exit 1
	fi
	exit "$rc"
}
