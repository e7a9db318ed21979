// SPDX-License-Identifier: GPL-2.0
/*
 * Paths: one namespace disk of one controller, claimed for a group.
 *
 * A path is opened exclusively (holder: its group), so nobody can mount or
 * claim it around the multipath disk, and linked as a holder so that
 * /sys/block/<mp>/slaves/ and lsblk show the stack.  Each bio in flight on
 * a path holds a reference on path->ref; a path is released only after it
 * has been unpublished and its last bio has completed.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/blkdev.h>
#include <linux/jiffies.h>
#include <linux/slab.h>

#include "nvme_mpath.h"

static void mpath_path_ref_release(struct percpu_ref *ref)
{
	struct mpath_path *path = container_of(ref, struct mpath_path, ref);

	complete(&path->ref_done);
}

/* Bios in flight on @path: the sum of the per-CPU counts. */
long mpath_path_inflight(struct mpath_path *path)
{
	long sum = 0;
	int cpu;

	for_each_possible_cpu(cpu)
		sum += READ_ONCE(per_cpu_ptr(path->stats, cpu)->inflight);
	return sum;
}

bool mpath_path_usable(const struct mpath_path *path)
{
	return !(READ_ONCE(path->flags) & (BIT(MPATH_PATH_FAILED) |
					   BIT(MPATH_PATH_CTRL_DOWN) |
					   BIT(MPATH_PATH_REMOVED)));
}

/**
 * mpath_path_create - claim a namespace disk as a path of @grp
 * @grp: the group
 * @id:  identity read when the disk appeared
 * @dev: the disk's device, referenced by the caller
 *
 * The path is not yet visible to I/O: the caller publishes it.
 * Return: the path, or an ERR_PTR (logged) if the disk cannot be claimed.
 */
struct mpath_path *mpath_path_create(struct mpath_group *grp,
				     const struct mpath_ident *id,
				     struct device *dev)
{
	struct mpath_path *path;
	int ret;

	lockdep_assert_held(&mpath_mutex);
	path = kzalloc(sizeof(*path), GFP_KERNEL);
	if (!path)
		return ERR_PTR(-ENOMEM);
	kobject_init(&path->kobj, &mpath_path_ktype);
	path->grp = grp;
	INIT_LIST_HEAD(&path->node);
	init_completion(&path->ref_done);
	path->numa_node = id->numa_node;
	path->cntlid = id->cntlid;
	strscpy(path->name, id->disk_name, sizeof(path->name));
	strscpy(path->ctrl_name, id->ctrl_name, sizeof(path->ctrl_name));
	strscpy(path->transport, id->transport, sizeof(path->transport));
	strscpy(path->ctrl_state, "live", sizeof(path->ctrl_state));
	atomic64_set(&path->errors, 0);
	atomic64_set(&path->failovers, 0);

	path->stats = alloc_percpu(struct mpath_path_stats);
	if (!path->stats) {
		ret = -ENOMEM;
		goto out_put;
	}
	ret = percpu_ref_init(&path->ref, mpath_path_ref_release, 0,
			      GFP_KERNEL);
	if (ret)
		goto out_put;

	ret = mpath_bdev_open_excl(id->devt, grp, &path->bdev);
	if (ret) {
		pr_warn("%s: cannot claim it as a path of NSID %u of %s (%d%s): left alone\n",
			id->disk_name, id->nsid, id->nqn, ret,
			ret == -EBUSY ? ", in use" : "");
		goto out_put;
	}
	/* The same disk, not another one that reused its number. */
	if (path->bdev.bdev->bd_disk != dev_to_disk(dev) ||
	    !disk_live(path->bdev.bdev->bd_disk)) {
		ret = -ENODEV;
		goto out_close;
	}
	path->disk = path->bdev.bdev->bd_disk;
	path->ctrl_dev = get_device(dev->parent);
	/* Not read in the class callback: nvme-tcp takes a queue mutex here. */
	if (mpath_read_ctrl_attr(path->ctrl_dev, "address", path->address,
				 sizeof(path->address)))
		path->address[0] = '\0';
	return path;

out_close:
	mpath_bdev_close(&path->bdev, grp);
out_put:
	kobject_put(&path->kobj);
	return ERR_PTR(ret);
}

/* Links a published path under its group's live disk. */
int mpath_path_attach(struct mpath_path *path)
{
	int ret;

	lockdep_assert_held(&mpath_mutex);
	ret = bd_link_disk_holder(path->bdev.bdev, path->grp->disk);
	if (ret)
		return ret;
	ret = mpath_sysfs_add_path(path);
	if (ret) {
		bd_unlink_disk_holder(path->bdev.bdev, path->grp->disk);
		return ret;
	}
	return 0;
}

/* Undoes mpath_path_attach(); the path may go on serving I/O. */
void mpath_path_detach(struct mpath_path *path)
{
	lockdep_assert_held(&mpath_mutex);
	if (!path->kobj.state_in_sysfs)
		return;
	kobject_del(&path->kobj);
	bd_unlink_disk_holder(path->bdev.bdev, path->grp->disk);
}

/**
 * mpath_path_destroy - release a path no path set publishes any more
 * @path: the path; unlinked from its group's list
 *
 * Waits for the bios in flight on the path, then gives the disk back.
 */
void mpath_path_destroy(struct mpath_path *path)
{
	lockdep_assert_held(&mpath_mutex);
	/* No reader of an older path set can take a new reference after this. */
	synchronize_rcu();
	percpu_ref_kill(&path->ref);
	wait_for_completion(&path->ref_done);

	if (path->grp->disk_added)
		mpath_path_detach(path);
	mpath_bdev_close(&path->bdev, path->grp);
	put_device(path->ctrl_dev);
	path->ctrl_dev = NULL;
	kobject_put(&path->kobj);
}

/* Frees the path once its sysfs directory is gone (kobject release). */
void mpath_path_free(struct mpath_path *path)
{
	percpu_ref_exit(&path->ref);	/* safe on a never-initialised ref */
	free_percpu(path->stats);
	kfree(path);
}

/**
 * mpath_path_fail - a bio failed on @path with a path error
 * @path:   the path; the caller holds a reference
 * @status: the error
 *
 * Any context.  The path is skipped by the I/O path at once and dropped from
 * the published set by the update work; the checker re-tests it later.
 */
void mpath_path_fail(struct mpath_path *path, blk_status_t status)
{
	struct mpath_group *grp = path->grp;

	atomic64_inc(&path->errors);
	atomic64_inc(&path->failovers);
	atomic64_inc(&grp->failovers);
	if (test_and_set_bit(MPATH_PATH_FAILED, &path->flags))
		return;
	WRITE_ONCE(path->failed_at, jiffies);
	pr_warn_ratelimited("%s: path %s (%s) failed (error %d), failing over\n",
			    grp->disk->disk_name, path->name, path->ctrl_name,
			    blk_status_to_errno(status));
	set_bit(MPATH_GRP_STALE, &grp->flags);
	mpath_schedule_update();
}

static void mpath_probe_end_io(struct bio *bio)
{
	struct mpath_path *path = bio->bi_private;
	struct mpath_group *grp = path->grp;

	if (!bio->bi_status &&
	    test_and_clear_bit(MPATH_PATH_FAILED, &path->flags)) {
		pr_info_ratelimited("%s: path %s (%s) is back\n",
				    grp->disk->disk_name, path->name,
				    path->ctrl_name);
		set_bit(MPATH_GRP_STALE, &grp->flags);
		mpath_schedule_update();
	} else if (bio->bi_status) {
		WRITE_ONCE(path->failed_at, jiffies);
	}
	__free_page(bio_first_page_all(bio));
	bio_put(bio);
	clear_bit(MPATH_PATH_PROBING, &path->flags);
	percpu_ref_put(&path->ref);
}

/* Reads the first block of a failed path, without waiting or retrying. */
static void mpath_path_probe(struct mpath_path *path)
{
	unsigned int len = bdev_logical_block_size(path->bdev.bdev);
	struct page *page;
	struct bio *bio;

	if (test_and_set_bit(MPATH_PATH_PROBING, &path->flags))
		return;
	page = alloc_page(GFP_NOIO);
	if (!page)
		goto out_clear;
	bio = bio_alloc(path->bdev.bdev, 1, REQ_OP_READ | REQ_SYNC |
			REQ_NOWAIT | REQ_FAILFAST_DEV |
			REQ_FAILFAST_TRANSPORT | REQ_FAILFAST_DRIVER,
			GFP_NOIO);
	if (!bio) {
		__free_page(page);
		goto out_clear;
	}
	__bio_add_page(bio, page, len, 0);
	bio->bi_iter.bi_sector = 0;
	bio->bi_end_io = mpath_probe_end_io;
	bio->bi_private = path;
	percpu_ref_get(&path->ref);
	submit_bio(bio);
	return;

out_clear:
	clear_bit(MPATH_PATH_PROBING, &path->flags);
}

/**
 * mpath_path_check - the checker's look at one path
 * @path: the path
 *
 * Follows the controller's state; a failed path whose controller is live is
 * re-tested with a read once it has been failed for a check interval.
 */
void mpath_path_check(struct mpath_path *path)
{
	char state[sizeof(path->ctrl_state)];
	bool live;

	lockdep_assert_held(&mpath_mutex);
	if (mpath_read_ctrl_state(path->ctrl_dev, state, sizeof(state)))
		strscpy(state, "unknown", sizeof(state));
	live = !strcmp(state, "live");
	if (strcmp(state, path->ctrl_state)) {
		pr_info("%s: path %s: controller %s is %s\n",
			path->grp->disk->disk_name, path->name,
			path->ctrl_name, state);
		strscpy(path->ctrl_state, state, sizeof(path->ctrl_state));
	}
	if (live == test_bit(MPATH_PATH_CTRL_DOWN, &path->flags)) {
		if (live)
			clear_bit(MPATH_PATH_CTRL_DOWN, &path->flags);
		else
			set_bit(MPATH_PATH_CTRL_DOWN, &path->flags);
		set_bit(MPATH_GRP_STALE, &path->grp->flags);
	}
	if (live && test_bit(MPATH_PATH_FAILED, &path->flags) &&
	    time_after_eq(jiffies, READ_ONCE(path->failed_at) +
			  READ_ONCE(mpath_check_interval) * HZ))
		mpath_path_probe(path);
}
