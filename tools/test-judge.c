// SPDX-License-Identifier: GPL-2.0
/*
 * test-judge: host-side unit tests of the module's error and resend rules
 * (include/judge.h, the very functions io.c runs): which status is whose,
 * and which failed bio is held before a resend (TP4129).
 *
 * The block layer's status codes and blk_path_error() are restated here
 * from include/linux/blk_types.h (their values do not matter to the rules,
 * only which is which).
 */
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

typedef unsigned char blk_status_t;
enum {
	BLK_STS_OK, BLK_STS_NOTSUPP, BLK_STS_TIMEOUT, BLK_STS_NOSPC,
	BLK_STS_TRANSPORT, BLK_STS_TARGET, BLK_STS_RESV_CONFLICT,
	BLK_STS_MEDIUM, BLK_STS_PROTECTION, BLK_STS_RESOURCE, BLK_STS_IOERR,
	BLK_STS_DM_REQUEUE, BLK_STS_AGAIN, BLK_STS_DEV_RESOURCE,
	BLK_STS_ZONE_OPEN_RESOURCE, BLK_STS_ZONE_ACTIVE_RESOURCE,
	BLK_STS_OFFLINE, BLK_STS_DURATION_LIMIT,
};

/* "may be path related": everything but the statuses a device gives. */
static bool blk_path_error(blk_status_t error)
{
	switch (error) {
	case BLK_STS_NOTSUPP:
	case BLK_STS_NOSPC:
	case BLK_STS_TARGET:
	case BLK_STS_RESV_CONFLICT:
	case BLK_STS_MEDIUM:
	case BLK_STS_PROTECTION:
		return false;
	}
	return true;
}

#include "../include/judge.h"

static int npass, nfail;

static void check(bool ok, const char *what)
{
	printf("%s - %s\n", ok ? "ok  " : "FAIL", what);
	if (ok)
		npass++;
	else
		nfail++;
}

static const char *cname(enum mpath_err_class c)
{
	static const char * const n[] = { "command", "retry", "path", "unclear" };

	return n[c];
}

int main(void)
{
	static const struct {
		blk_status_t st;
		bool usable, live;
		enum mpath_err_class want;
		const char *why;
	} cls[] = {
		{ BLK_STS_MEDIUM, true, true, MPATH_ERR_COMMAND, "media error: the submitter's" },
		{ BLK_STS_MEDIUM, true, false, MPATH_ERR_COMMAND, "media error, controller down: still the command's" },
		{ BLK_STS_NOTSUPP, true, true, MPATH_ERR_COMMAND, "invalid opcode/field: the submitter's" },
		{ BLK_STS_NOSPC, true, true, MPATH_ERR_COMMAND, "capacity exceeded: the submitter's" },
		{ BLK_STS_PROTECTION, true, true, MPATH_ERR_COMMAND, "PI error: the submitter's" },
		{ BLK_STS_RESV_CONFLICT, true, true, MPATH_ERR_COMMAND, "reservation conflict: the submitter's" },
		{ BLK_STS_AGAIN, true, true, MPATH_ERR_COMMAND, "EAGAIN (REQ_NOWAIT): the submitter's" },
		{ BLK_STS_TARGET, true, true, MPATH_ERR_RETRY, "command interrupted / ns not ready: retried" },
		{ BLK_STS_TARGET, true, false, MPATH_ERR_RETRY, "retryable status stays retryable" },
		{ BLK_STS_TRANSPORT, true, true, MPATH_ERR_PATH, "host path error: the path's" },
		{ BLK_STS_IOERR, true, false, MPATH_ERR_PATH, "I/O error, controller not live (host abort): the path's" },
		{ BLK_STS_IOERR, false, true, MPATH_ERR_PATH, "I/O error on a path no longer usable: the path's" },
		{ BLK_STS_IOERR, true, true, MPATH_ERR_UNCLEAR, "I/O error from a live controller: unclear, verify" },
		{ BLK_STS_TIMEOUT, true, true, MPATH_ERR_UNCLEAR, "timeout, controller live: unclear" },
		{ BLK_STS_OFFLINE, true, false, MPATH_ERR_PATH, "offline, controller down: the path's" },
	};
	static const struct {
		blk_status_t st;
		bool live;
		const char *transport;
		bool write, tp4129, want;
		const char *why;
	} hold[] = {
		{ BLK_STS_IOERR, false, "tcp", true, true, true, "write, tcp controller not live (host abort): held" },
		{ BLK_STS_TRANSPORT, true, "tcp", true, true, true, "write, host path error: held" },
		{ BLK_STS_TIMEOUT, false, "rdma", true, true, true, "write, rdma, controller down: held" },
		{ BLK_STS_IOERR, false, "fc", true, true, true, "write, fc, controller down: held" },
		{ BLK_STS_IOERR, false, "pcie", true, true, false, "write, PCIe: a disabled controller runs nothing" },
		{ BLK_STS_IOERR, false, "loop", true, true, false, "write, loop: the target is this kernel" },
		{ BLK_STS_IOERR, false, "tcp", false, true, false, "read (or flush): nothing to corrupt" },
		{ BLK_STS_IOERR, true, "tcp", true, true, false, "live controller answered (ANA status, path failed or not): at once" },
		{ BLK_STS_MEDIUM, false, "tcp", true, true, false, "command status: no resend at all" },
		{ BLK_STS_TARGET, false, "tcp", true, true, false, "retryable status: the controller answered" },
		{ BLK_STS_TRANSPORT, true, "tcp", true, false, false, "resend_hold=off: at once" },
	};
	char what[160];
	unsigned int i;

	for (i = 0; i < sizeof(cls) / sizeof(cls[0]); i++) {
		enum mpath_err_class c = mpath_err_class(cls[i].st, cls[i].usable,
							 cls[i].live);

		snprintf(what, sizeof(what), "%s (%s)", cls[i].why, cname(c));
		check(c == cls[i].want, what);
	}
	for (i = 0; i < sizeof(hold) / sizeof(hold[0]); i++) {
		bool h = mpath_hold_needed(hold[i].st, hold[i].live,
					   mpath_transport_is_fabrics(hold[i].transport),
					   hold[i].write, hold[i].tp4129);

		check(h == hold[i].want, hold[i].why);
	}
	check(mpath_hold_ms(5, 1, 0) == 15000, "hold: TBKAS, KATO 5 s, CQT 0: 15000 ms");
	check(mpath_hold_ms(5, 0, 0) == 10000, "hold: no TBKAS: 2 x KATO");
	check(mpath_hold_ms(5, -1, 0) == 15000, "hold: TBKAS unknown: 3 x KATO (the longer)");
	check(mpath_hold_ms(10, 1, 2500) == 32500, "hold: KATO 10 s, CQT 2500 ms: 32500 ms");
	printf("test-judge: %d passed, %d failed\n", npass, nfail);
	return nfail != 0;
}
