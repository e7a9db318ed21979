// SPDX-License-Identifier: GPL-2.0
/*
 * What a multipath disk offers besides bios, as native's head does: NVMe
 * passthrough ioctls, persistent reservations, geometry and the unique ID,
 * each carried out by a usable path disk's own nvme-core code.
 *
 * - NVMe ioctls (type 'N': NVME_IOCTL_ID, ADMIN_CMD/ADMIN64_CMD, IO_CMD/
 *   IO64_CMD/IO64_CMD_VEC, SUBMIT_IO) go to the path the I/O policy would
 *   choose for a bio now; an admin command reaches that path's controller.
 *   nvme-core checks the caller's rights there, with the caller's open mode.
 *   From a partition only CAP_SYS_ADMIN may, as native allows.  Whatever
 *   the path returns is the answer: a passthrough command is not resent on
 *   another path (it need not be idempotent; the caller decides).
 * - Reservations (pr_ops) go to a usable path too.  NVMe registrations and
 *   reservations belong to the host (its Host Identifier), not to the
 *   controller, so any path may carry them - provided every controller of
 *   the subsystem was connected with the same host ID, which nvme-cli's
 *   /etc/nvme/hostid gives.  A path failure is retried on another path, but
 *   only once the old controller cannot still execute the command: after
 *   the same TP4129 hold a write gets (fabrics; none on PCIe and loop).
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/blkdev.h>
#include <linux/capability.h>
#include <linux/delay.h>
#include <linux/hdreg.h>
#include <linux/pr.h>

#include "nvme_mpath.h"

/*
 * A usable path not in @tried (the I/O policy's choice first), with a
 * reference on it, or NULL.
 */
static struct mpath_path *mpath_ops_path(struct mpath_head *head,
					 struct mpath_path **tried,
					 unsigned int nr_tried)
{
	const struct mpath_pathset *ps;
	struct mpath_path *path;
	unsigned int i, j;

	rcu_read_lock();
	path = nr_tried ? NULL : mpath_select_path(head);
	ps = rcu_dereference(head->pset);
	for (i = 0; !path && ps && i < ps->nr; i++) {
		path = ps->paths[i];
		for (j = 0; j < nr_tried; j++)
			if (tried[j] == path)
				break;
		if (j < nr_tried || !mpath_path_usable(path))
			path = NULL;
	}
	if (path)
		percpu_ref_get(&path->ref);
	rcu_read_unlock();
	return path;
}

int mpath_ioctl(struct block_device *bdev, mpath_mode_t mode,
		unsigned int cmd, unsigned long arg)
{
	struct mpath_head *head = bdev->bd_disk->private_data;
	const struct block_device_operations *fops;
	struct block_device *pbdev;
	struct mpath_path *path;
	int ret;

	if (_IOC_TYPE(cmd) != 'N')
		return -ENOTTY;
	if (bdev_is_partition(bdev) && !capable(CAP_SYS_ADMIN))
		return -EACCES;
	path = mpath_ops_path(head, NULL, 0);
	if (!path)
		return -EWOULDBLOCK;
	pbdev = path->bdev.bdev;
	fops = pbdev->bd_disk->fops;
	ret = fops->ioctl ? fops->ioctl(pbdev, mode, cmd, arg) : -ENOTTY;
	percpu_ref_put(&path->ref);
	return ret;
}

int mpath_getgeo(MPATH_GETGEO_ARGS)
{
	/* nvme-core's answer for its own disks */
	geo->heads = 1 << 6;
	geo->sectors = 1 << 5;
	geo->cylinders = get_capacity(MPATH_GETGEO_DISK) >> 11;
	return 0;
}

#ifdef NVME_MPATH_HAVE_GET_UNIQUE_ID
int mpath_get_unique_id(struct gendisk *disk, u8 id[16],
			enum blk_unique_id type)
{
	struct mpath_head *head = disk->private_data;
	struct mpath_path *path = mpath_ops_path(head, NULL, 0);
	struct gendisk *pdisk;
	int ret = -EWOULDBLOCK;

	if (!path)
		return ret;
	pdisk = path->bdev.bdev->bd_disk;
	ret = pdisk->fops->get_unique_id ?
	      pdisk->fops->get_unique_id(pdisk, id, type) : -EOPNOTSUPP;
	percpu_ref_put(&path->ref);
	return ret;
}
#endif

/* ---- persistent reservations ---- */

/*
 * Did the path fail, rather than the command?  6.5+ name it (PR_STS_*);
 * before, nvme-core returns the NVMe status (path-related: type 3) or a
 * negative errno from the host side.
 */
static bool mpath_pr_path_error(int ret)
{
	if (ret < 0)
		return ret != -EINVAL && ret != -EOPNOTSUPP &&
		       ret != -ENOMEM && ret != -EFAULT;
#ifdef NVME_MPATH_HAVE_PR_STATUS
	return ret == PR_STS_PATH_FAILED || ret == PR_STS_PATH_FAST_FAILED ||
	       ret == PR_STS_RETRY_PATH_FAILURE;
#else
	return (ret & 0x700) == 0x300;
#endif
}

enum mpath_pr_op {
	MPATH_PR_REGISTER, MPATH_PR_RESERVE, MPATH_PR_RELEASE,
	MPATH_PR_PREEMPT, MPATH_PR_CLEAR, MPATH_PR_READ_KEYS,
	MPATH_PR_READ_RESERVATION,
};

struct mpath_pr_args {
	enum mpath_pr_op op;
	u64 key, new_key;
	u32 flags;
	enum pr_type type;
	bool abort;
	void *out;
};

static int mpath_pr_call(struct block_device *b, const struct pr_ops *ops,
			 struct mpath_pr_args *a)
{
	switch (a->op) {
	case MPATH_PR_REGISTER:
		return ops->pr_register ?
		       ops->pr_register(b, a->key, a->new_key, a->flags) :
		       -EOPNOTSUPP;
	case MPATH_PR_RESERVE:
		return ops->pr_reserve ?
		       ops->pr_reserve(b, a->key, a->type, a->flags) :
		       -EOPNOTSUPP;
	case MPATH_PR_RELEASE:
		return ops->pr_release ?
		       ops->pr_release(b, a->key, a->type) : -EOPNOTSUPP;
	case MPATH_PR_PREEMPT:
		return ops->pr_preempt ?
		       ops->pr_preempt(b, a->key, a->new_key, a->type,
				       a->abort) : -EOPNOTSUPP;
	case MPATH_PR_CLEAR:
		return ops->pr_clear ? ops->pr_clear(b, a->key) : -EOPNOTSUPP;
#ifdef NVME_MPATH_HAVE_PR_STATUS
	case MPATH_PR_READ_KEYS:
		return ops->pr_read_keys ?
		       ops->pr_read_keys(b, a->out) : -EOPNOTSUPP;
	case MPATH_PR_READ_RESERVATION:
		return ops->pr_read_reservation ?
		       ops->pr_read_reservation(b, a->out) : -EOPNOTSUPP;
#endif
	default:
		return -EOPNOTSUPP;
	}
}

static int mpath_pr_submit(struct block_device *bdev, struct mpath_pr_args *a)
{
	struct mpath_head *head = bdev->bd_disk->private_data;
	struct mpath_path *tried[MPATH_MAX_TRIES];
	unsigned int nr = 0, i, hold;
	struct mpath_path *path;
	int ret = -EWOULDBLOCK;

	while (nr < MPATH_MAX_TRIES &&
	       (path = mpath_ops_path(head, tried, nr))) {
		const struct pr_ops *ops = path->bdev.bdev->bd_disk->fops->pr_ops;

		ret = ops ? mpath_pr_call(path->bdev.bdev, ops, a) : -EOPNOTSUPP;
		tried[nr++] = path;
		if (!mpath_pr_path_error(ret))
			break;
		hold = path->fabrics ? mpath_path_hold_ms(path) : 0;
		if (READ_ONCE(head->resend_hold) == MPATH_HOLD_OFF)
			hold = 0;
		pr_warn_ratelimited("%s: reservation command failed on path %s (%s): %d, %s another path%s\n",
				    head->disk->disk_name, path->name,
				    path->ctrl_name, ret,
				    nr < MPATH_MAX_TRIES ? "trying" : "no more tries on",
				    hold ? " after the TP4129 hold" : "");
		if (hold && nr < MPATH_MAX_TRIES)
			msleep_interruptible(hold);
		if (fatal_signal_pending(current))
			break;
	}
	for (i = 0; i < nr; i++)
		percpu_ref_put(&tried[i]->ref);
	return ret;
}

static int mpath_pr_register(struct block_device *bdev, u64 old_key,
			     u64 new_key, u32 flags)
{
	struct mpath_pr_args a = { .op = MPATH_PR_REGISTER, .key = old_key,
				   .new_key = new_key, .flags = flags };

	return mpath_pr_submit(bdev, &a);
}

static int mpath_pr_reserve(struct block_device *bdev, u64 key,
			    enum pr_type type, u32 flags)
{
	struct mpath_pr_args a = { .op = MPATH_PR_RESERVE, .key = key,
				   .type = type, .flags = flags };

	return mpath_pr_submit(bdev, &a);
}

static int mpath_pr_release(struct block_device *bdev, u64 key,
			    enum pr_type type)
{
	struct mpath_pr_args a = { .op = MPATH_PR_RELEASE, .key = key,
				   .type = type };

	return mpath_pr_submit(bdev, &a);
}

static int mpath_pr_preempt(struct block_device *bdev, u64 old_key,
			    u64 new_key, enum pr_type type, bool abort)
{
	struct mpath_pr_args a = { .op = MPATH_PR_PREEMPT, .key = old_key,
				   .new_key = new_key, .type = type,
				   .abort = abort };

	return mpath_pr_submit(bdev, &a);
}

static int mpath_pr_clear(struct block_device *bdev, u64 key)
{
	struct mpath_pr_args a = { .op = MPATH_PR_CLEAR, .key = key };

	return mpath_pr_submit(bdev, &a);
}

#ifdef NVME_MPATH_HAVE_PR_STATUS
static int mpath_pr_read_keys(struct block_device *bdev,
			      struct pr_keys *keys)
{
	struct mpath_pr_args a = { .op = MPATH_PR_READ_KEYS, .out = keys };

	return mpath_pr_submit(bdev, &a);
}

static int mpath_pr_read_reservation(struct block_device *bdev,
				     struct pr_held_reservation *rsv)
{
	struct mpath_pr_args a = { .op = MPATH_PR_READ_RESERVATION,
				   .out = rsv };

	return mpath_pr_submit(bdev, &a);
}
#endif

const struct pr_ops mpath_pr_ops = {
	.pr_register	= mpath_pr_register,
	.pr_reserve	= mpath_pr_reserve,
	.pr_release	= mpath_pr_release,
	.pr_preempt	= mpath_pr_preempt,
	.pr_clear	= mpath_pr_clear,
#ifdef NVME_MPATH_HAVE_PR_STATUS
	.pr_read_keys	= mpath_pr_read_keys,
	.pr_read_reservation = mpath_pr_read_reservation,
#endif
};
