/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The one place where kernel API differences are bridged.  Every decision
 * below rests on a compile probe (probes/<name>.c, results in the generated
 * compat_probed.h), never on the kernel's version number.
 */
#ifndef NVME_MPATH_COMPAT_H
#define NVME_MPATH_COMPAT_H

#include <linux/blk-mq.h>
#include <linux/blkdev.h>
#include <linux/device.h>
#include <linux/fs.h>

/* ---- block_device_operations and class_interface signatures ---- */

#ifdef NVME_MPATH_HAVE_OPEN_GENDISK
#define MPATH_OPEN_ARGS		struct gendisk *disk, blk_mode_t mode
#define MPATH_OPEN_DISK		(disk)
#else
#define MPATH_OPEN_ARGS		struct block_device *bdev, fmode_t mode
#define MPATH_OPEN_DISK		(bdev->bd_disk)
#endif

#ifdef NVME_MPATH_HAVE_RELEASE_ONE_ARG
#define MPATH_RELEASE_ARGS	struct gendisk *disk
#else
#define MPATH_RELEASE_ARGS	struct gendisk *disk, fmode_t mode
#endif

#ifdef NVME_MPATH_HAVE_CLASS_INTF_ONE_ARG
#define MPATH_INTF_ARGS		struct device *dev
#else
#define MPATH_INTF_ARGS		struct device *dev, struct class_interface *intf
#endif

/* ---- opening a path's block device exclusively ---- */

struct mpath_bdev {
	struct block_device *bdev;
#if defined(NVME_MPATH_HAVE_BDEV_FILE_OPEN)
	struct file *file;
#elif defined(NVME_MPATH_HAVE_BDEV_HANDLE)
	struct bdev_handle *handle;
#endif
};

static inline int mpath_bdev_open_excl(dev_t devt, void *holder,
				       struct mpath_bdev *b)
{
#if defined(NVME_MPATH_HAVE_BDEV_FILE_OPEN)
	struct file *f = bdev_file_open_by_dev(devt, BLK_OPEN_READ |
					       BLK_OPEN_WRITE, holder, NULL);

	if (IS_ERR(f))
		return PTR_ERR(f);
	b->file = f;
	b->bdev = file_bdev(f);
#elif defined(NVME_MPATH_HAVE_BDEV_HANDLE)
	struct bdev_handle *h = bdev_open_by_dev(devt, BLK_OPEN_READ |
						 BLK_OPEN_WRITE, holder, NULL);

	if (IS_ERR(h))
		return PTR_ERR(h);
	b->handle = h;
	b->bdev = h->bdev;
#elif defined(NVME_MPATH_HAVE_BLKDEV_GET_HOLDER_OPS)
	struct block_device *bdev = blkdev_get_by_dev(devt, BLK_OPEN_READ |
						      BLK_OPEN_WRITE, holder,
						      NULL);

	if (IS_ERR(bdev))
		return PTR_ERR(bdev);
	b->bdev = bdev;
#else
	struct block_device *bdev = blkdev_get_by_dev(devt, FMODE_READ |
						      FMODE_WRITE | FMODE_EXCL,
						      holder);

	if (IS_ERR(bdev))
		return PTR_ERR(bdev);
	b->bdev = bdev;
#endif
	return 0;
}

/* Gives the exclusive claim back at once (bdev_fput does so synchronously). */
static inline void mpath_bdev_close(struct mpath_bdev *b, void *holder)
{
#if defined(NVME_MPATH_HAVE_BDEV_FILE_OPEN)
	bdev_fput(b->file);
#elif defined(NVME_MPATH_HAVE_BDEV_HANDLE)
	bdev_release(b->handle);
#elif defined(NVME_MPATH_HAVE_BLKDEV_GET_HOLDER_OPS)
	blkdev_put(b->bdev, holder);
#else
	blkdev_put(b->bdev, FMODE_READ | FMODE_WRITE | FMODE_EXCL);
#endif
	b->bdev = NULL;
}

/* ---- queue limits and features of the multipath disk ---- */

/*
 * Limits stacked from the paths.  Kernels without queue_limits.features keep
 * write cache, FUA and NOWAIT as queue flags; the booleans carry them there.
 */
struct mpath_limits {
	struct queue_limits lim;
	bool wc, fua, nowait;
};

static inline void mpath_limits_init(struct mpath_limits *ml)
{
	blk_set_stacking_limits(&ml->lim);
	/* Zoned namespaces are never claimed: no zone append. */
	ml->lim.max_zone_append_sectors = 0;
#ifdef NVME_MPATH_HAVE_BLK_FEATURES
	/* NOWAIT survives stacking only if every path supports it. */
	ml->lim.features |= BLK_FEAT_IO_STAT | BLK_FEAT_NOWAIT;
#endif
	ml->wc = false;
	ml->fua = false;
	ml->nowait = true;
}

static inline void mpath_limits_stack(struct mpath_limits *ml,
				      struct block_device *bdev)
{
	struct request_queue *q = bdev_get_queue(bdev);

	/* A misalignment only costs performance; the limits stay usable. */
	blk_stack_limits(&ml->lim, &q->limits, 0);
#ifndef NVME_MPATH_HAVE_BLK_FEATURES
	ml->wc |= test_bit(QUEUE_FLAG_WC, &q->queue_flags);
	ml->fua |= test_bit(QUEUE_FLAG_FUA, &q->queue_flags);
	ml->nowait &= test_bit(QUEUE_FLAG_NOWAIT, &q->queue_flags);
#endif
}

static inline struct gendisk *mpath_alloc_disk(struct mpath_limits *ml,
					       int node)
{
#ifdef NVME_MPATH_HAVE_BLK_ALLOC_DISK_LIM
	return blk_alloc_disk(&ml->lim, node);
#else
	struct gendisk *disk = blk_alloc_disk(node);

	if (!disk)
		return ERR_PTR(-ENOMEM);
	disk->queue->limits = ml->lim;
	blk_queue_write_cache(disk->queue, ml->wc, ml->fua);
	blk_queue_flag_set(QUEUE_FLAG_IO_STAT, disk->queue);
	if (ml->nowait)
		blk_queue_flag_set(QUEUE_FLAG_NOWAIT, disk->queue);
	return disk;
#endif
}

/* A path added to a live disk: shrink the disk's limits to fit it too. */
static inline void mpath_limits_restack(struct gendisk *disk,
					struct block_device *bdev)
{
	struct request_queue *q = disk->queue;
#ifdef NVME_MPATH_HAVE_QUEUE_LIMITS_UPDATE
	struct queue_limits lim = queue_limits_start_update(q);

	blk_stack_limits(&lim, &bdev_get_queue(bdev)->limits, 0);
	queue_limits_commit_update(q, &lim);
#else
	blk_mq_freeze_queue(q);
	blk_stack_limits(&q->limits, &bdev_get_queue(bdev)->limits, 0);
	if (!test_bit(QUEUE_FLAG_NOWAIT, &bdev_get_queue(bdev)->queue_flags))
		blk_queue_flag_clear(QUEUE_FLAG_NOWAIT, q);
	blk_mq_unfreeze_queue(q);
#endif
}

#ifndef NVME_MPATH_HAVE_BIO_SPLIT_TO_LIMITS
static inline struct bio *bio_split_to_limits(struct bio *bio)
{
	blk_queue_split(&bio);
	return bio;
}
#endif

#endif /* NVME_MPATH_COMPAT_H */
