/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The error and resend rules of io.c as pure functions of what is known
 * when a clone fails, so that they can be tested on the host
 * (tools/test-judge.c) as well as run in the kernel.
 */
#ifndef NVME_MPATH_JUDGE_H
#define NVME_MPATH_JUDGE_H

enum mpath_err_class {
	MPATH_ERR_COMMAND,	/* the submitter's: complete with it */
	MPATH_ERR_RETRY,	/* retryable: resend after a short delay */
	MPATH_ERR_PATH,		/* path failure: fail the path, go elsewhere */
	MPATH_ERR_UNCLEAR,	/* a live controller failed it: verify */
};

/* Which class a failed clone's status is in, before its path is looked at. */
static inline enum mpath_err_class mpath_status_class(blk_status_t status)
{
	if (status == BLK_STS_TARGET)
		return MPATH_ERR_RETRY;
	if (status == BLK_STS_AGAIN || !blk_path_error(status))
		return MPATH_ERR_COMMAND;
	if (status == BLK_STS_TRANSPORT)
		return MPATH_ERR_PATH;
	return MPATH_ERR_UNCLEAR;
}

/*
 * The class once the path is looked at: an error on a path that is not
 * usable, or whose controller is not live, is the path's.
 */
static inline enum mpath_err_class
mpath_err_class(blk_status_t status, bool path_usable, bool ctrl_live)
{
	enum mpath_err_class c = mpath_status_class(status);

	if (c == MPATH_ERR_UNCLEAR && (!path_usable || !ctrl_live))
		return MPATH_ERR_PATH;
	return c;
}

/* nvme-core's transport names whose controllers sit across a fabric. */
static inline bool mpath_transport_is_fabrics(const char *transport)
{
	return !strcmp(transport, "tcp") || !strcmp(transport, "rdma") ||
	       !strcmp(transport, "fc");
}

/*
 * TP4129: hold a resend?  Only when the host lost or tore down the
 * association - a host path error, or the controller not live when the
 * error is judged - not when a live controller answered (an ANA status on a
 * path already failed is the controller's answer: resent at once); only on
 * a fabrics path; only for an operation that changes data (op_is_write():
 * write, write zeroes, discard, secure erase, zone ops; a flush is not
 * one); only in tp4129 mode.
 */
static inline bool mpath_hold_needed(blk_status_t status, bool ctrl_live,
				     bool fabrics, bool changes_data,
				     bool tp4129)
{
	bool lost = status == BLK_STS_TRANSPORT ||
		    (!ctrl_live && mpath_status_class(status) != MPATH_ERR_COMMAND &&
		     mpath_status_class(status) != MPATH_ERR_RETRY);

	return tp4129 && lost && fabrics && changes_data;
}

/* The hold, ms: 2 x KATO (3 x with TBKAS or unknown, tbkas < 0) + CQT. */
static inline unsigned int mpath_hold_ms(unsigned int kato_s, int tbkas,
					 unsigned int cqt_ms)
{
	return (tbkas == 0 ? 2 : 3) * kato_s * 1000 + cqt_ms;
}

#endif /* NVME_MPATH_JUDGE_H */
