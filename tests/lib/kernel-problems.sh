# tests/lib/kernel-problems.sh - what in a kernel log is a problem: sourced
# by tests/run (on the host, for every guest's serial log) and by the
# torture (tests/lib/torture.sh, in the guest, for its dmesg -w log).

# Patterns in kernel lines ("[  12.345678] ...") that fail a case.
KERNEL_PROBLEM_RE='Oops: |BUG: |BUG [A-Za-z0-9_-]+ \(|Redzone overwritten|Poison overwritten|WARNING: |Call Trace|possible circular locking|inconsistent lock state|possible recursive locking|suspicious RCU usage|lock held when returning|general protection fault|hung_task|blocked for more than|Kernel panic|kernel BUG at|UBSAN: |KASAN: |list_(add|del) corruption|soft lockup|hard LOCKUP|rcu_.*stall|refcount_t: |kmemleak: [0-9]+ new suspected'

# drop_known_splats < LINES: the kernel lines less the warnings of the
# target side that are not the module's and that the kernel under test
# always shows (whole splat, WARNING to end trace).  5.10's nvmet-tcp
# flushes a workqueue from its own io_work when a controller connects:
# "WARNING: ... check_flush_dependency" with nvmet_tcp_install_queue in the
# trace (fixed in later kernels).
drop_known_splats() {
	awk '
	function flush() { if (n && blk !~ /nvmet_tcp_install_queue/) printf "%s", blk; blk = ""; n = 0 }
	/WARNING: .*check_flush_dependency/ { flush(); n = 1; blk = $0 "\n"; next }
	n { blk = blk $0 "\n"; if (/---\[ end trace/) flush(); next }
	{ print }
	END { flush() }'
}

# kernel_problem_lines [RE] < LOG: the kernel lines ("[  12.345678] ...") of
# LOG that match RE (default KERNEL_PROBLEM_RE), less the known splats and
# the kernel command line (it holds "panic=-1" and
# "hung_task_timeout_secs").
kernel_problem_lines() {
	tr -d '\r' | grep -a -E '\[ *[0-9]+\.[0-9]+\] ' | grep -a -v -i 'command line' |
		drop_known_splats | grep -a -E "${1:-$KERNEL_PROBLEM_RE}"
}
