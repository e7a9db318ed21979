// SPDX-License-Identifier: GPL-2.0
/*
 * The I/O path of a multipath disk.
 *
 * A bio is split to the disk's limits if it has to be, then the bio itself
 * goes to the chosen path, as native multipath sends it: re-targeted to the
 * path disk with REQ_FAILFAST_TRANSPORT (a controller which is reconnecting
 * fails it at once instead of holding it), its end_io hooked; the fields
 * the path changes (device, end_io, private, flags, iterator) are saved in
 * a small per-bio context and put back before it completes or is sent
 * again.  Nothing is copied or cloned.  A bio that cannot be re-targeted
 * safely - one with chained children still in flight (its status may be a
 * child's), or with an integrity or encryption context of its own - goes
 * as a clone (sharing its pages) instead.  NVMe completes a command
 * entirely or not at all, so a bio that failed can be sent again, whole.
 *
 * The error model.  The failfast flag also switches off nvme-core's own
 * retries, and nvme-core maps most NVMe statuses - internal error, data
 * transfer error, write protected, ANA inaccessible, host aborted - to one
 * BLK_STS_IOERR, so the status alone does not say whether the path or the
 * command failed.  Each error is judged in process context (the requeue
 * work), and falls in one of four classes:
 *
 *  - Command status (BLK_STS_MEDIUM, NOTSUPP, NOSPC, PROTECTION,
 *    RESV_CONFLICT, ..., and EAGAIN of a REQ_NOWAIT bio): the submitter's.
 *    The bio completes with it at once; nothing else happens.
 *  - Retryable status (BLK_STS_TARGET: command interrupted, namespace not
 *    ready): resent after 10 ms, up to nvme_core's max_retries times (what
 *    nvme-core does without the failfast flag), then completed with it.
 *  - Path failure: BLK_STS_TRANSPORT (host path error: nvme-core's answer
 *    for a controller that is not live), or the path's controller is not
 *    live when the error is judged (a reset or delete aborted the command),
 *    or the path is not usable (removed, failed, ANA state known to forbid
 *    I/O).  The path is failed (uevent, the ANA helper runs) and the bio
 *    goes to another path, or waits for one up to no_path_timeout.
 *  - Unclear (any other path-class status from a live controller): the
 *    path may be fine and the command bad (one bad block on the array), or
 *    the path may have lost access (ANA inaccessible without the helper
 *    having said so).  The path is not failed; it is verified: a one-block
 *    read (probe) started after the error, sent as an NVMe command of the
 *    module's own where nvme-core allows it, so that its NVMe status is
 *    seen (path.c): a controller that answers with a status not of the
 *    path-related type (internal error, unrecovered read error, ...) has
 *    proven the path.  Where the probe is such an NVMe command, the bio
 *    first waits for that verdict (a command's time; MPATH_VERDICT_WAIT at
 *    most): answered, the error is the command's and the bio completes
 *    with it at once, as native completes a command error; failed, it goes
 *    on as below.  The bio is resent to a path it has not failed on yet
 *    (at most MPATH_MAX_TRIES paths).  When it has no such path left, it
 *    waits for the verdict of its paths:
 *      - a probe started after its failure worked or was answered on one
 *        of them: the path is fine, the command failed - the bio completes
 *        with its status (command_error_count), no path is failed.  A
 *        namespace that fails everything while its controllers are live
 *        ends here, within a few commands' time;
 *      - every one of them is unusable by now: path failures - the bio
 *        waits for a usable path, as above;
 *        (an NVMe probe that gets a path-related status, or that the
 *        host ended, fails its path at once: path.c);
 *      - the rest failed their block-layer probes too, with live
 *        controllers (such a probe cannot tell a path that lost access
 *        from a namespace that fails the read): either the namespace fails
 *        or every path lost ANA access and the helper has not said so
 *        yet.  The bio waits until
 *        the helper reports the paths' ANA state after the failure
 *        (inaccessible or change: path failures, it waits for a path;
 *        accessible: the namespace's) or MPATH_NS_GRACE passes, then
 *        completes with its status; the paths stay usable.
 *    A path whose probe fails while a peer's later probe works is failed
 *    (mpath_head_judge_paths()): the path lost access, not the command.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/bio.h>
#include <linux/blkdev.h>
#include <linux/jiffies.h>
#include <linux/ktime.h>
#include <linux/module.h>
#include <linux/slab.h>
#include <linux/sched/mm.h>

#include <trace/events/block.h>

#include "nvme_mpath.h"
#include "judge.h"

struct bio_set mpath_bio_set;		/* clones, for the bios that need one */

/* Waiting for the ANA helper to explain an every-path failure. */
#define MPATH_NS_GRACE_MIN	(3 * NSEC_PER_SEC)
/* How long a bio waits for its path's NVMe probe before trying others. */
#define MPATH_VERDICT_WAIT	HZ
/* Delay before resending a retryable status, as a short back-off. */
#define MPATH_RETRY_DELAY	msecs_to_jiffies(10)

/*
 * Errors judged in the requeue work; the others (and EAGAIN, which belongs
 * to a REQ_NOWAIT caller) are the submitter's at once.
 */
static bool mpath_needs_judging(blk_status_t status)
{
	return mpath_status_class(status) != MPATH_ERR_COMMAND;
}

/*
 * Gives back the references of the paths the bio was tried on.  @moved: it
 * completed on another path, so each of them lost it as to a failover.
 */
static void mpath_untry_all(struct mpath_io *io, bool moved)
{
	unsigned int i;

	if (moved && io->nr_tried)
		atomic64_inc(&io->head->failovers);
	for (i = 0; i < io->nr_tried; i++) {
		if (moved)
			atomic64_inc(&io->tried[i]->failovers);
		percpu_ref_put(&io->tried[i]->ref);
	}
	io->nr_tried = 0;
}

/*
 * Completes the submitter's bio and frees @io.  A status is only ever set,
 * never cleared: a chained child's error stays.
 */
static void mpath_io_complete(struct mpath_io *io, blk_status_t status)
{
	struct bio *orig = io->orig;

	if (unlikely(io->nr_tried))
		mpath_untry_all(io, !status);
	if (unlikely(status))
		orig->bi_status = status;
	if (likely(io->acct))
		bio_end_io_acct(orig, io->start_time);
	mpath_io_free(io);
	bio_endio(orig);
}

static void mpath_requeue(struct mpath_io *io, unsigned long delay)
{
	struct mpath_head *head = io->head;
	struct delayed_work *dw = &head->requeue_work;
	unsigned long flags;

	spin_lock_irqsave(&head->requeue_lock, flags);
	list_add_tail(&io->node, &head->requeue_list);
	spin_unlock_irqrestore(&head->requeue_lock, flags);
	if (!delay) {
		mod_delayed_work(mpath_io_wq, dw, 0);
		return;
	}
	/* Pending for later than this bio's turn: bring it forward. */
	if (!queue_delayed_work(mpath_io_wq, dw, delay) &&
	    timer_pending(&dw->timer) &&
	    time_after(READ_ONCE(dw->timer.expires), jiffies + delay))
		mod_delayed_work(mpath_io_wq, dw, delay);
}

/*
 * Feeds this CPU's latency average of @path (EWMA, weight 1/8).  A completion
 * that interrupts another on the same CPU may lose one sample: harmless.
 */
static void mpath_account_latency(struct mpath_path *path, u64 start_ns)
{
	struct mpath_path_stats *s = raw_cpu_ptr(path->stats);
	u64 lat = ktime_get_ns() - start_ns;
	u64 avg = READ_ONCE(s->lat_ns);

	WRITE_ONCE(s->lat_ns, avg ? avg - (avg >> 3) + (lat >> 3) : lat ?: 1);
	WRITE_ONCE(s->lat_stamp, jiffies);
}

/*
 * A polled bio is polled by its submitter through the device it is on: the
 * path, while re-targeted there on its first trip.  Anywhere else - a clone,
 * a path that cannot poll, a resend from the requeue work - it completes by
 * interrupt, as native's failover makes it.  What that clears stays cleared
 * when the bio gets its flags back.
 */
static void mpath_io_unpoll(struct mpath_io *io)
{
	struct bio *bio = io->orig;
	mpath_opf_t before = bio->bi_opf;

	mpath_bio_unpoll(bio);
	if (!io->cloned)
		io->opf &= ~(before & ~bio->bi_opf);
}

/*
 * The bio sent to a path completed (any context).  A re-targeted bio gets
 * its own fields back first, flags included; one to be sent again also its
 * iterator and remaining count as they were when it was submitted (the
 * path advanced them), and no status.
 */
static void mpath_io_end(struct bio *bio)
{
	struct mpath_io *io = bio->bi_private;
	struct mpath_path *path = io->path;
	blk_status_t status = bio->bi_status;

	this_cpu_dec(path->stats->inflight);
	if (io->start_ns && likely(!status))
		mpath_account_latency(path, io->start_ns);
	if (likely(!io->cloned)) {
		/*
		 * A bio merged into a request keeps a link to the next bio of
		 * that request; resent from the requeue work straight to a
		 * blk-mq path (no bio list clears it there), it would take that
		 * stale chain into its new request (kernel BUG "request
		 * botched", seen in 035).  Native's blk_steal_bios() path
		 * clears it the same way.
		 */
		bio->bi_next = NULL;
		bio->bi_end_io = io->end_io;
		bio->bi_private = io->private;
		bio->bi_opf = io->opf;
		/* the path's marks (remapped, throttled, QoS) are not the submitter's */
		bio->bi_flags = io->flags;
		mpath_bio_restore_dev(bio, &io->dev);
	} else {
		bio_put(bio);
	}
	if (likely(!status) || !mpath_needs_judging(status)) {
		io->path = NULL;
		percpu_ref_put(&path->ref);
		mpath_io_complete(io, status);
		return;
	}
	if (!io->cloned) {
		bio->bi_iter = io->iter;
		atomic_set(&bio->__bi_remaining, 1);
		bio->bi_status = BLK_STS_OK;
		if (unlikely(mpath_bio_polled(bio)))
			mpath_io_unpoll(io);
	}
	/* Judged by the requeue work; io->path keeps its reference. */
	io->last_status = status;
	mpath_requeue(io, 0);
}

/* No usable path for @io: wait for one, or give up. */
static void mpath_no_path(struct mpath_io *io)
{
	struct mpath_head *head = io->head;
	unsigned int secs = mpath_head_timeout(head);
	bool forever = secs == MPATH_TIMEOUT_FOREVER;
	/* A path in ANA change may take up to its ANATT to come back. */
	unsigned long timeout = forever ? 0 :
				max(secs, READ_ONCE(head->ana_wait)) * HZ;
	unsigned long since = READ_ONCE(head->no_path_since);
	unsigned long settled = READ_ONCE(head->ana_settled);
	unsigned long flush = READ_ONCE(head->flush_at);
	unsigned long now = jiffies;
	unsigned long start;
	blk_status_t status = io->last_status ?: BLK_STS_IOERR;

	if (io->orig->bi_opf & REQ_NOWAIT) {
		status = BLK_STS_AGAIN;
		goto fail;
	}
	if (READ_ONCE(head->dead)) {
		pr_warn_ratelimited("%s: multipath disk going away: failing I/O\n",
				    head->disk->disk_name);
		goto fail;
	}
	/*
	 * No usable path, or none left at all (a target reboot deletes its
	 * controllers; re-created, their disks join this one again): wait.
	 */
	if (!io->wait_since)
		io->wait_since = now ?: 1;
	if (flush && !time_after(io->wait_since, flush)) {
		atomic64_inc(&head->no_path_failed);
		pr_warn_ratelimited("%s: failing waiting I/O, as the administrator asked\n",
				    head->disk->disk_name);
		goto fail;
	}
	/*
	 * The clock runs from when this bio began to wait or the disk lost
	 * its last path, whichever came first, and starts again when a path
	 * leaves ANA change: the transition's wait is over, and the path
	 * that failed during it needs a moment to be re-tested (052).
	 */
	start = io->wait_since;
	if (since && time_before(since, start))
		start = since;
	if (settled && time_after(settled, start))
		start = settled;
	if (!forever && time_after_eq(now, start + timeout)) {
		atomic64_inc(&head->no_path_failed);
		pr_warn_ratelimited("%s: no usable path for %us: failing I/O\n",
				    head->disk->disk_name, jiffies_to_msecs(timeout) / 1000);
		goto fail;
	}
	atomic64_inc(&head->requeued);
	/* Re-examined when a path comes back, and at least every second. */
	mpath_requeue(io, HZ);
	return;
fail:
	mpath_io_complete(io, status);
}

static void mpath_judge_tried(struct mpath_io *io);

/* Sends @io's bio down a usable path, or has it wait for one. */
static void mpath_dispatch(struct mpath_io *io, gfp_t gfp)
{
	struct mpath_head *head = io->head;
	struct mpath_path *path;
	struct bio *bio;

	rcu_read_lock();
	if (likely(!io->nr_tried))
		path = mpath_select_path(head);
	else
		path = mpath_select_untried(head, io);
	if (likely(path))
		percpu_ref_get(&path->ref);
	rcu_read_unlock();

	if (unlikely(!path)) {
		if (io->nr_tried)
			mpath_judge_tried(io);
		else
			mpath_no_path(io);
		return;
	}
	if (likely(!io->cloned)) {
		bio = io->orig;
		bio_set_dev(bio, path->bdev.bdev);
	} else {
		bio = mpath_bio_alloc_clone(path->bdev.bdev, io->orig, gfp,
					    &mpath_bio_set);
		if (unlikely(!bio)) {
			/* Only a REQ_NOWAIT bio allocates without waiting. */
			percpu_ref_put(&path->ref);
			mpath_io_complete(io, BLK_STS_AGAIN);
			return;
		}
	}
	if (unlikely(mpath_bio_polled(bio)) &&
	    !mpath_queue_polls(bdev_get_queue(path->bdev.bdev)))
		mpath_io_unpoll(io);
	bio->bi_end_io = mpath_io_end;
	bio->bi_private = io;
	bio->bi_opf |= REQ_FAILFAST_TRANSPORT;
	/*
	 * The end-of-device check passed on the multipath disk, whose size is
	 * every path's; skip it on the path.  A path being deleted has its
	 * capacity zeroed first, and its I/O fails over either way.
	 */
	mpath_bio_set_remapped(bio);
	/* blktrace and bpftrace follow the bio from the disk to its path */
	mpath_trace_bio_remap(bio, disk_devt(head->disk),
			      bio->bi_iter.bi_sector);
	io->path = path;
	/* Completions (interrupts included) decrement it on their CPU. */
	this_cpu_inc(path->stats->inflight);
	io->start_ns = READ_ONCE(head->iopolicy) == MPATH_IOPOLICY_ST ?
		       ktime_get_ns() : 0;
	submit_bio_noacct(bio);
}

/*
 * May the bio itself go to a path?  Not with chained children in flight:
 * when it completes its status may be a child's, which must not be taken
 * for the path's (or lost on a resend).  Not with an integrity payload or
 * an encryption context of its own: the path's completion would free or
 * advance them, and a resend would go without.
 */
static bool mpath_bio_needs_clone(struct bio *bio)
{
	return bio_flagged(bio, BIO_CHAIN) || bio_integrity(bio) ||
	       bio_has_crypt_ctx(bio);
}

static void mpath_submit_bio(struct bio *bio)
{
	gfp_t gfp = (bio->bi_opf & REQ_NOWAIT) ? GFP_NOWAIT : GFP_NOIO;
	struct mpath_io *io;

	bio = mpath_bio_split_to_limits(bio);
	if (!bio)
		return;
	io = mpath_io_alloc(gfp);
	if (unlikely(!io)) {
		/* Only a REQ_NOWAIT bio allocates without waiting. */
		bio_wouldblock_error(bio);
		return;
	}
	io->orig = bio;
	io->head = mpath_bio_disk(bio)->private_data;
	/* queue/iostats: the administrator may switch accounting off */
	io->acct = blk_queue_io_stat(mpath_bio_disk(bio)->queue);
	if (likely(io->acct))
		io->start_time = bio_start_io_acct(bio);
	io->cloned = mpath_bio_needs_clone(bio);
	/* Nobody polls a clone: it and the bio complete by interrupt. */
	if (unlikely(io->cloned && mpath_bio_polled(bio)))
		mpath_bio_unpoll(bio);
	if (likely(!io->cloned)) {
		io->end_io = bio->bi_end_io;
		io->private = bio->bi_private;
		mpath_bio_save_dev(bio, &io->dev);
		io->iter = bio->bi_iter;
		io->opf = bio->bi_opf;
		io->flags = bio->bi_flags;
	}
	io->wait_since = 0;
	io->last_status = BLK_STS_OK;
	io->nr_tried = 0;
	io->retries = 0;
	io->hold_until = 0;
	io->verdict_since = 0;
	mpath_dispatch(io, gfp);
}

MPATH_DEFINE_SUBMIT_BIO(mpath_submit_bio);

/* From the requeue work: not where the submitter polls. */
static void mpath_io_redispatch(struct mpath_io *io)
{
	if (unlikely(mpath_bio_polled(io->orig)))
		mpath_io_unpoll(io);
	mpath_dispatch(io, GFP_NOIO);
}

/* How long an every-path failure may wait for the ANA helper's word. */
static u64 mpath_ns_grace(void)
{
	u64 grace = max_t(u64, MPATH_NS_GRACE_MIN,
			  2ULL * READ_ONCE(mpath_check_interval) * NSEC_PER_SEC);

	return min_t(u64, grace,
		     (u64)READ_ONCE(mpath_no_path_timeout) * NSEC_PER_SEC);
}

/*
 * @io failed with an unclear error on every path it may try: wait for the
 * verdict of those paths (see the header comment).
 */
static void mpath_judge_tried(struct mpath_io *io)
{
	struct mpath_io *st = io;
	struct mpath_head *head = io->head;
	bool pending = false, every_path = false, reported = true;
	u64 now = ktime_get_ns(), since;
	unsigned int i;

	for (i = 0; i < st->nr_tried; i++) {
		struct mpath_path *p = st->tried[i];
		u64 t = st->tried_ns[i];

		if (!mpath_path_usable(p))
			continue;		/* a path failure after all */
		if (READ_ONCE(p->probe_ok_ns) > t) {
			atomic64_inc(&head->cmd_failed);
			mpath_io_complete(io, st->last_status);
			return;
		}
		if (READ_ONCE(p->probe_fail_ns) > t) {
			every_path = true;
			if (READ_ONCE(p->ana_report_ns) <= t)
				reported = false;
			continue;
		}
		pending = true;
		mpath_path_verify(p, t);
	}
	if (pending) {
		mpath_requeue(io, HZ / 10);
		return;
	}
	if (!every_path) {
		/* Each path it failed on is unusable now: wait for a path. */
		mpath_untry_all(st, false);
		if (!st->wait_since)
			st->wait_since = jiffies ?: 1;
		mpath_io_redispatch(io);
		return;
	}
	since = READ_ONCE(head->ns_failing_ns);
	if (!since) {
		since = st->tried_ns[0];
		WRITE_ONCE(head->ns_failing_ns, since);
		pr_warn_ratelimited("%s: every path fails I/O while its controller is live: namespace error, or ANA access lost on every path\n",
				    head->disk->disk_name);
	}
	if (reported || now - min(since, st->tried_ns[0]) >= mpath_ns_grace()) {
		atomic64_inc(&head->cmd_failed);
		mpath_io_complete(io, st->last_status);
		return;
	}
	mpath_requeue(io, HZ / 10);
}

/*
 * Remembers that @io failed on @path with an unclear error; takes its ref.
 * Return: @path's index in io->tried, -1 if there was no room.
 */
static int mpath_io_tried(struct mpath_io *st, struct mpath_path *path,
			  u64 now)
{
	unsigned int i;

	for (i = 0; i < st->nr_tried; i++) {
		if (st->tried[i] == path) {
			st->tried_ns[i] = now;
			percpu_ref_put(&path->ref);
			return i;
		}
	}
	if (st->nr_tried == MPATH_MAX_TRIES) {
		percpu_ref_put(&path->ref);
		return -1;
	}
	st->tried[st->nr_tried] = path;
	st->tried_ns[st->nr_tried] = now;
	return st->nr_tried++;
}

/*
 * Must this bio wait before it is resent (TP4129)?  A write-class bio (it
 * changes data: write, write zeroes, discard, ...) whose fabrics path lost
 * its association may still be executed by the old controller, which has
 * not noticed yet; sent again elsewhere now, it could land after a newer
 * write of the same blocks.  Reads change nothing; flushes are not held
 * (a flush covers the namespace on any controller, and the writes it
 * orders were completed, or are held themselves); PCIe and loop
 * controllers execute nothing once their host has torn them down.
 */
static bool mpath_must_hold(const struct mpath_io *io,
			    const struct mpath_path *path, bool ctrl_live)
{
	return mpath_hold_needed(io->last_status, ctrl_live, path->fabrics,
				 op_is_write(bio_op(io->orig)),
				 READ_ONCE(io->head->resend_hold) ==
				 MPATH_HOLD_TP4129);
}

/* Holds @io for @path's TP4129 time; one log line per path and episode. */
static void mpath_hold(struct mpath_io *io, struct mpath_path *path)
{
	struct mpath_head *head = io->head;
	unsigned int ms = mpath_path_hold_ms(path);
	unsigned long until = jiffies + msecs_to_jiffies(ms);

	if (time_after_eq(jiffies, READ_ONCE(path->hold_until))) {
		pr_warn_ratelimited("%s: path %s (%s) lost its association: writes in flight there are resent after %u ms (TP4129: %u x KATO %u s + CQT %u ms)\n",
				    head->disk->disk_name, path->name,
				    path->ctrl_name, ms,
				    READ_ONCE(path->tbkas) == 0 ? 2 : 3,
				    mpath_path_kato(path), READ_ONCE(path->cqt));
	}
	if (time_after(until, READ_ONCE(path->hold_until)))
		WRITE_ONCE(path->hold_until, until);
	atomic64_inc(&head->writes_held);
	io->held_at = jiffies;
	io->hold_until = until ?: 1;
	mpath_requeue(io, msecs_to_jiffies(ms) ?: 1);
}

/*
 * A held bio whose time has not come stays, also while the disk has no
 * path left (one may come back before the old controller is done); once
 * it has, it goes on like any other (the wait for a usable path starts
 * then).  fail_waiting fails it.  Returns true if it stays or is done.
 */
static bool mpath_still_held(struct mpath_io *io)
{
	struct mpath_head *head = io->head;
	unsigned long flush = READ_ONCE(head->flush_at);
	unsigned long now = jiffies;

	if (likely(!io->hold_until))
		return false;
	if (unlikely(flush && !time_after(io->held_at, flush))) {
		/* fail_waiting: it fails now rather than going early */
		atomic64_add(jiffies_to_msecs(now - io->held_at), &head->hold_ms);
		atomic64_inc(&head->no_path_failed);
		mpath_io_complete(io, io->last_status ?: BLK_STS_IOERR);
		return true;
	}
	/* Held even with no path left: a path may come back within it. */
	if (time_before(now, io->hold_until) && !READ_ONCE(head->dead)) {
		mpath_requeue(io, io->hold_until - now);
		return true;
	}
	atomic64_add(jiffies_to_msecs(now - io->held_at), &head->hold_ms);
	io->hold_until = 0;
	io->wait_since = 0;
	return false;
}

/*
 * @io failed with an unclear error on a path whose probe reads the NVMe
 * status: wait for that probe's verdict before sending it elsewhere.  The
 * controller answered it (the path works): the error is the command's, the
 * bio completes with it now - as native completes a command error without
 * trying another path.  The probe failed, the path became unusable, or no
 * verdict came within MPATH_VERDICT_WAIT: on to the other paths.
 */
static void mpath_io_verdict(struct mpath_io *io)
{
	struct mpath_path *p = io->tried[io->verdict_idx];
	u64 t = io->tried_ns[io->verdict_idx];
	unsigned long end = io->verdict_since + MPATH_VERDICT_WAIT;

	if (READ_ONCE(p->probe_ok_ns) > t) {
		io->verdict_since = 0;
		atomic64_inc(&io->head->cmd_failed);
		mpath_io_complete(io, io->last_status);
		return;
	}
	if (READ_ONCE(p->probe_fail_ns) > t || !mpath_path_usable(p) ||
	    !time_before(jiffies, end) || READ_ONCE(io->head->dead)) {
		io->verdict_since = 0;
		mpath_io_redispatch(io);
		return;
	}
	/* An older probe in flight: its end kicks us, then a new one starts. */
	mpath_path_verify(p, t);
	mpath_requeue(io, end - jiffies);
}

/* A bio failed on a path with a status worth judging: see the header. */
static void mpath_judge_error(struct mpath_io *io)
{
	struct mpath_path *path = io->path;
	blk_status_t status = io->last_status;
	enum mpath_err_class class;
	bool live;
	u64 now;
	int idx;

	io->path = NULL;
	live = mpath_path_ctrl_live(path);
	class = mpath_err_class(status, mpath_path_usable(path), live);
	if (class == MPATH_ERR_RETRY) {
		percpu_ref_put(&path->ref);
		if (io->retries >= READ_ONCE(mpath_max_retries)) {
			mpath_io_complete(io, status);
			return;
		}
		io->retries++;
		atomic64_inc(&path->cmd_retries);
		mpath_requeue(io, MPATH_RETRY_DELAY ?: 1);
		return;
	}
	if (class == MPATH_ERR_PATH) {
		mpath_path_fail(path, status);
		atomic64_inc(&path->failovers);
		atomic64_inc(&io->head->failovers);
		if (mpath_must_hold(io, path, live)) {
			mpath_hold(io, path);
			percpu_ref_put(&path->ref);
			return;
		}
		percpu_ref_put(&path->ref);
		if (!io->wait_since)
			io->wait_since = jiffies ?: 1;
		mpath_io_redispatch(io);
		return;
	}
	atomic64_inc(&path->cmd_errors);
	now = ktime_get_ns();
	mpath_path_verify(path, now);
	idx = mpath_io_tried(io, path, now);
	if (idx >= 0 && mpath_nvme_probe_possible(path->bdev.bdev)) {
		/* Its NVMe answer comes within a command's time: ask first. */
		io->verdict_idx = idx;
		io->verdict_since = jiffies ?: 1;
		mpath_io_verdict(io);
		return;
	}
	mpath_io_redispatch(io);
}

/*
 * Judges failed bios and sends every waiting bio again: to a path, back
 * to waiting, or to fail.  No allocation here may wait for writeback, which
 * may be waiting for these very bios.
 */
void mpath_requeue_work(struct work_struct *work)
{
	struct mpath_head *head = container_of(to_delayed_work(work),
					       struct mpath_head,
					       requeue_work);
	struct mpath_io *io, *tmp;
	unsigned int noio;
	LIST_HEAD(list);

	noio = memalloc_noio_save();
	mpath_head_judge_paths(head);
	spin_lock_irq(&head->requeue_lock);
	list_splice_init(&head->requeue_list, &list);
	spin_unlock_irq(&head->requeue_lock);

	list_for_each_entry_safe(io, tmp, &list, node) {
		list_del(&io->node);
		if (io->path)
			mpath_judge_error(io);
		else if (io->verdict_since)
			mpath_io_verdict(io);
		else if (!mpath_still_held(io))
			mpath_io_redispatch(io);
	}
	memalloc_noio_restore(noio);
}

void mpath_kick_requeue(struct mpath_head *head)
{
	mod_delayed_work(mpath_io_wq, &head->requeue_work, 0);
}

/* The head has no path left: fail what waits and stop the work. */
void mpath_flush_requeue(struct mpath_head *head)
{
	mpath_kick_requeue(head);
	flush_delayed_work(&head->requeue_work);
	cancel_delayed_work_sync(&head->requeue_work);
}

static int mpath_open(MPATH_OPEN_ARGS)
{
	return mpath_head_open(MPATH_OPEN_DISK) ? 0 : -ENXIO;
}

static void mpath_release(MPATH_RELEASE_ARGS)
{
	mpath_head_close(disk);
}

/* The disk's last reference is gone (5.18+), or its teardown (before). */
void mpath_free_disk(struct gendisk *disk)
{
	struct mpath_head *head = disk->private_data;

	if (head)
		mpath_head_put(head);
}

const struct block_device_operations mpath_fops = {
	.owner		= THIS_MODULE,
	.submit_bio	= MPATH_SUBMIT_BIO(mpath_submit_bio),
	.open		= mpath_open,
	.release	= mpath_release,
	.ioctl		= mpath_ioctl,
	.compat_ioctl	= blkdev_compat_ptr_ioctl,
	.getgeo		= mpath_getgeo,
	.pr_ops		= &mpath_pr_ops,
#ifdef NVME_MPATH_HAVE_GET_UNIQUE_ID
	.get_unique_id	= mpath_get_unique_id,
#endif
#ifdef NVME_MPATH_HAVE_FREE_DISK
	.free_disk	= mpath_free_disk,
#endif
};

int mpath_io_init(void)
{
	int ret;

	ret = mpath_io_cache_init();
	if (ret)
		return ret;
	ret = bioset_init(&mpath_bio_set, BIO_POOL_SIZE, 0, 0);
	if (ret)
		mpath_io_cache_exit();
	return ret;
}

void mpath_io_exit(void)
{
	bioset_exit(&mpath_bio_set);
	mpath_io_cache_exit();
}
