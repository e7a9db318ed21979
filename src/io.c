// SPDX-License-Identifier: GPL-2.0
/*
 * The I/O path of a multipath disk.
 *
 * A bio is split to the disk's limits if it has to be, then a clone of it
 * (sharing its data pages: nothing is copied) goes to the chosen path with
 * REQ_FAILFAST_TRANSPORT, so that a controller which is reconnecting fails
 * it at once instead of holding it.  NVMe completes a command entirely or
 * not at all, so when a clone fails with a path error the original bio,
 * untouched, is simply sent again down another path.  With no usable path
 * it waits, at most no_path_timeout seconds, for one to come back.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/bio.h>
#include <linux/blkdev.h>
#include <linux/jiffies.h>
#include <linux/ktime.h>
#include <linux/module.h>

#include "nvme_mpath.h"

struct bio_set mpath_bio_set;

/* Path errors are retried elsewhere; EAGAIN belongs to a REQ_NOWAIT caller. */
static bool mpath_is_path_error(blk_status_t status)
{
	return status != BLK_STS_AGAIN && blk_path_error(status);
}

static void mpath_end_orig(const struct mpath_io_state *st,
			   blk_status_t status)
{
	struct bio *orig = st->orig;

	orig->bi_status = status;
	bio_end_io_acct(orig, st->start_time);
	bio_endio(orig);
}

static void mpath_requeue(struct mpath_io *io, unsigned long delay)
{
	struct mpath_group *grp = io->st.grp;
	unsigned long flags;

	spin_lock_irqsave(&grp->requeue_lock, flags);
	list_add_tail(&io->node, &grp->requeue_list);
	spin_unlock_irqrestore(&grp->requeue_lock, flags);
	if (delay)
		queue_delayed_work(mpath_io_wq, &grp->requeue_work, delay);
	else
		mod_delayed_work(mpath_io_wq, &grp->requeue_work, 0);
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

static void mpath_clone_end_io(struct bio *clone)
{
	struct mpath_io *io = container_of(clone, struct mpath_io, clone);
	struct mpath_path *path = io->path;
	blk_status_t status = clone->bi_status;
	struct mpath_io_state st;

	this_cpu_dec(path->stats->inflight);
	if (likely(!status))
		mpath_account_latency(path, io->start_ns);
	if (likely(!status) || !mpath_is_path_error(status)) {
		st = io->st;
		bio_put(clone);
		percpu_ref_put(&path->ref);
		mpath_end_orig(&st, status);
		return;
	}
	mpath_path_fail(path, status);
	percpu_ref_put(&path->ref);
	io->path = NULL;
	io->st.last_status = status;
	if (!io->st.wait_since)
		io->st.wait_since = jiffies ?: 1;
	mpath_requeue(io, 0);
}

/* No usable path for @io: wait for one, or give up. */
static void mpath_no_path(struct mpath_io *io)
{
	struct mpath_group *grp = io->st.grp;
	/* A path in ANA change may take up to its ANATT to come back. */
	unsigned long timeout = max(READ_ONCE(mpath_no_path_timeout),
				    READ_ONCE(grp->ana_wait)) * HZ;
	unsigned long since = READ_ONCE(grp->no_path_since);
	unsigned long now = jiffies;
	blk_status_t status = io->st.last_status ?: BLK_STS_IOERR;
	struct mpath_io_state st;

	if (io->st.orig->bi_opf & REQ_NOWAIT) {
		status = BLK_STS_AGAIN;
		goto fail;
	}
	if (!READ_ONCE(grp->nr_paths)) {
		pr_warn_ratelimited("%s: no path left: failing I/O\n",
				    grp->disk->disk_name);
		goto fail;
	}
	if (!io->st.wait_since)
		io->st.wait_since = now ?: 1;
	if (time_after_eq(now, io->st.wait_since + timeout) ||
	    (since && time_after_eq(now, since + timeout))) {
		pr_warn_ratelimited("%s: no usable path for %us: failing I/O\n",
				    grp->disk->disk_name, jiffies_to_msecs(timeout) / 1000);
		goto fail;
	}
	atomic64_inc(&grp->requeued);
	/* Re-examined when a path comes back, and at least every second. */
	mpath_requeue(io, HZ);
	return;
fail:
	st = io->st;
	bio_put(&io->clone);
	mpath_end_orig(&st, status);
}

/* Sends the bio of @st down a usable path, or has it wait for one. */
static void mpath_dispatch(const struct mpath_io_state *st, gfp_t gfp)
{
	struct mpath_path *path;
	struct mpath_path_stats *stats;
	struct mpath_io *io;
	struct bio *clone;

	rcu_read_lock();
	path = mpath_select_path(st->grp);
	if (likely(path))
		percpu_ref_get(&path->ref);
	rcu_read_unlock();

	clone = bio_alloc_clone(path ? path->bdev.bdev : NULL, st->orig, gfp,
				&mpath_bio_set);
	if (unlikely(!clone)) {
		/* Only a REQ_NOWAIT bio allocates without waiting. */
		if (path)
			percpu_ref_put(&path->ref);
		mpath_end_orig(st, BLK_STS_AGAIN);
		return;
	}
	io = container_of(clone, struct mpath_io, clone);
	io->st = *st;
	io->path = path;
	clone->bi_end_io = mpath_clone_end_io;
	clone->bi_opf |= REQ_FAILFAST_TRANSPORT;
	/*
	 * The end-of-device check passed on the multipath disk, whose size is
	 * every path's; skip it on the path.  A path being deleted has its
	 * capacity zeroed first, and its I/O fails over either way.
	 */
	mpath_bio_set_remapped(clone);

	if (unlikely(!path)) {
		mpath_no_path(io);
		return;
	}
	stats = get_cpu_ptr(path->stats);
	stats->ios++;
	stats->sectors += bio_sectors(clone);
	if (op_is_write(bio_op(clone))) {
		if (bio_op(clone) == REQ_OP_WRITE) {
			stats->write_ios++;
			stats->write_bytes += clone->bi_iter.bi_size;
		}
	} else if (bio_op(clone) == REQ_OP_READ) {
		stats->read_ios++;
		stats->read_bytes += clone->bi_iter.bi_size;
	}
	put_cpu_ptr(path->stats);
	/* Completions (interrupts included) decrement it on their CPU. */
	this_cpu_inc(path->stats->inflight);
	io->start_ns = ktime_get_ns();
	submit_bio_noacct(clone);
}

static void mpath_submit_bio(struct bio *bio)
{
	struct mpath_io_state st;

	bio = bio_split_to_limits(bio);
	if (!bio)
		return;
	st.orig = bio;
	st.grp = mpath_bio_disk(bio)->private_data;
	st.start_time = bio_start_io_acct(bio);
	st.wait_since = 0;
	st.last_status = BLK_STS_OK;
	mpath_dispatch(&st, (bio->bi_opf & REQ_NOWAIT) ? GFP_NOWAIT : GFP_NOIO);
}

MPATH_DEFINE_SUBMIT_BIO(mpath_submit_bio);

/* Sends every waiting bio again: to a path, back to waiting, or to fail. */
void mpath_requeue_work(struct work_struct *work)
{
	struct mpath_group *grp = container_of(to_delayed_work(work),
					       struct mpath_group,
					       requeue_work);
	struct mpath_io *io, *tmp;
	struct mpath_io_state st;
	LIST_HEAD(list);

	spin_lock_irq(&grp->requeue_lock);
	list_splice_init(&grp->requeue_list, &list);
	spin_unlock_irq(&grp->requeue_lock);

	list_for_each_entry_safe(io, tmp, &list, node) {
		list_del(&io->node);
		/* Free this clone before taking the next from the same pool. */
		st = io->st;
		bio_put(&io->clone);
		mpath_dispatch(&st, GFP_NOIO);
	}
}

void mpath_kick_requeue(struct mpath_group *grp)
{
	mod_delayed_work(mpath_io_wq, &grp->requeue_work, 0);
}

/* The group has no path left: fail what waits and stop the work. */
void mpath_flush_requeue(struct mpath_group *grp)
{
	mpath_kick_requeue(grp);
	flush_delayed_work(&grp->requeue_work);
	cancel_delayed_work_sync(&grp->requeue_work);
}

static int mpath_open(MPATH_OPEN_ARGS)
{
	struct mpath_group *grp = MPATH_OPEN_DISK->private_data;

	if (READ_ONCE(grp->dead))
		return -ENXIO;
	atomic_inc(&grp->openers);
	return 0;
}

static void mpath_release(MPATH_RELEASE_ARGS)
{
	struct mpath_group *grp = disk->private_data;

	/* A pathless disk goes away with its last opener. */
	if (atomic_dec_and_test(&grp->openers) && !READ_ONCE(grp->nr_paths))
		mpath_schedule_update();
}

void mpath_free_disk(struct gendisk *disk)
{
	struct mpath_group *grp = disk->private_data;

	if (grp)
		mpath_group_free(grp);
}

const struct block_device_operations mpath_fops = {
	.owner		= THIS_MODULE,
	.submit_bio	= MPATH_SUBMIT_BIO(mpath_submit_bio),
	.open		= mpath_open,
	.release	= mpath_release,
#ifdef NVME_MPATH_HAVE_FREE_DISK
	.free_disk	= mpath_free_disk,
#endif
};

int mpath_io_init(void)
{
	return bioset_init(&mpath_bio_set, BIO_POOL_SIZE,
			   offsetof(struct mpath_io, clone), 0);
}

void mpath_io_exit(void)
{
	bioset_exit(&mpath_bio_set);
}
