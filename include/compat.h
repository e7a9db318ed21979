/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The one place where kernel API differences are bridged.  Every decision
 * below rests on a compile probe (probes/<name>.c, results in the generated
 * compat_probed.h), never on the kernel's version number.
 */
#ifndef NVME_MPATH_COMPAT_H
#define NVME_MPATH_COMPAT_H

#include <linux/bio.h>
#ifdef NVME_MPATH_HAVE_BIO_INTEGRITY_H
#include <linux/bio-integrity.h>
#endif
#include <linux/blk-crypto.h>
#ifdef NVME_MPATH_HAVE_LIMITS_INTEGRITY
#include <linux/blk-integrity.h>
#elif defined(NVME_MPATH_HAVE_BLK_INTEGRITY_H)
#include <linux/blk-integrity.h>
#endif
#include <linux/blk-mq.h>
#include <linux/blkdev.h>
#include <linux/device.h>
#include <linux/fs.h>
#include <linux/kobject.h>
#include <linux/module.h>
#include <linux/nvme.h>
#include <linux/part_stat.h>
#include <linux/sched/mm.h>
#include <linux/slab.h>
#include <linux/sysfs.h>
#include <trace/events/block.h>

/* ---- block_device_operations and class_interface signatures ---- */

#ifdef NVME_MPATH_HAVE_OPEN_GENDISK
#define mpath_mode_t		blk_mode_t
#define MPATH_OPEN_ARGS		struct gendisk *disk, blk_mode_t mode
#define MPATH_OPEN_DISK		(disk)
#else
#define mpath_mode_t		fmode_t
#define MPATH_OPEN_ARGS		struct block_device *bdev, fmode_t mode
#define MPATH_OPEN_DISK		(bdev->bd_disk)
#endif

#ifdef NVME_MPATH_HAVE_GETGEO_GENDISK
#define MPATH_GETGEO_ARGS	struct gendisk *disk, struct hd_geometry *geo
#define MPATH_GETGEO_DISK	(disk)
#else
#define MPATH_GETGEO_ARGS	struct block_device *bdev, struct hd_geometry *geo
#define MPATH_GETGEO_DISK	(bdev->bd_disk)
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

/* ---- opening a path's block device ---- */

struct mpath_bdev {
	struct block_device *bdev;
#if defined(NVME_MPATH_HAVE_BDEV_FILE_OPEN)
	struct file *file;
#elif defined(NVME_MPATH_HAVE_BDEV_HANDLE)
	struct bdev_handle *handle;
#endif
};

/*
 * The open mode: claimed by a holder for reading and writing (a path), or,
 * with no holder, shared and for reading only (tests/bench's floor).
 */
#if defined(NVME_MPATH_HAVE_BDEV_FILE_OPEN) || \
	defined(NVME_MPATH_HAVE_BDEV_HANDLE) || \
	defined(NVME_MPATH_HAVE_BLKDEV_GET_HOLDER_OPS)
#define MPATH_BDEV_MODE(holder)	((holder) ? BLK_OPEN_READ | BLK_OPEN_WRITE : \
				 BLK_OPEN_READ)
#else
#define MPATH_BDEV_MODE(holder)	((holder) ? FMODE_READ | FMODE_WRITE | \
				 FMODE_EXCL : FMODE_READ)
#endif

/* Opens @devt, claimed by @holder; with @holder NULL, shared and read-only. */
static inline int mpath_bdev_open(dev_t devt, void *holder,
				  struct mpath_bdev *b)
{
#if defined(NVME_MPATH_HAVE_BDEV_FILE_OPEN)
	struct file *f = bdev_file_open_by_dev(devt, MPATH_BDEV_MODE(holder),
					       holder, NULL);

	if (IS_ERR(f))
		return PTR_ERR(f);
	b->file = f;
	b->bdev = file_bdev(f);
#elif defined(NVME_MPATH_HAVE_BDEV_HANDLE)
	struct bdev_handle *h = bdev_open_by_dev(devt, MPATH_BDEV_MODE(holder),
						 holder, NULL);

	if (IS_ERR(h))
		return PTR_ERR(h);
	b->handle = h;
	b->bdev = h->bdev;
#elif defined(NVME_MPATH_HAVE_BLKDEV_GET_HOLDER_OPS)
	struct block_device *bdev = blkdev_get_by_dev(devt,
						      MPATH_BDEV_MODE(holder),
						      holder, NULL);

	if (IS_ERR(bdev))
		return PTR_ERR(bdev);
	b->bdev = bdev;
#else
	struct block_device *bdev = blkdev_get_by_dev(devt,
						      MPATH_BDEV_MODE(holder),
						      holder);

	if (IS_ERR(bdev))
		return PTR_ERR(bdev);
	b->bdev = bdev;
#endif
	return 0;
}

/*
 * Closes what mpath_bdev_open() opened with @holder; a claim is given back
 * at once (bdev_fput does so synchronously).
 */
static inline void mpath_bdev_close(struct mpath_bdev *b, void *holder)
{
#if defined(NVME_MPATH_HAVE_BDEV_FILE_OPEN)
	bdev_fput(b->file);
#elif defined(NVME_MPATH_HAVE_BDEV_HANDLE)
	bdev_release(b->handle);
#elif defined(NVME_MPATH_HAVE_BLKDEV_GET_HOLDER_OPS)
	blkdev_put(b->bdev, holder);
#else
	blkdev_put(b->bdev, MPATH_BDEV_MODE(holder));
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
	bool wc, fua, nowait, poll, stable_writes, rotational, no_discard;
	/* the paths' integrity (PI) format differs: the disk carries none */
	bool integrity_mismatch;
	struct gendisk *integrity_from;	/* before 6.11: the first path's */
};

/*
 * Can @q poll?  Bio-based disks can be polled from 5.16 (bio_poll()); a
 * stacking disk may say so only if every path can.
 */
static inline bool mpath_queue_polls(struct request_queue *q)
{
#if defined(NVME_MPATH_HAVE_BIO_POLL) && defined(NVME_MPATH_HAVE_BLK_FEATURES)
	return q->limits.features & BLK_FEAT_POLL;
#elif defined(NVME_MPATH_HAVE_BIO_POLL)
	return test_bit(QUEUE_FLAG_POLL, &q->queue_flags);
#else
	return false;
#endif
}

static inline bool mpath_bio_polled(struct bio *bio)
{
#ifdef NVME_MPATH_HAVE_BIO_POLL
	return bio->bi_opf & REQ_POLLED;
#else
	return false;
#endif
}

/*
 * Makes @bio complete by interrupt.  Its cookie names a queue of the path
 * it went down before: not to be polled on another one.  The kernel's
 * helper also drops what a polled bio may carry only while polled (6.1:
 * REQ_ALLOC_CACHE, whose free is not interrupt-safe there).
 */
static inline void mpath_bio_unpoll(struct bio *bio)
{
#ifdef NVME_MPATH_HAVE_BIO_POLL
	bio_clear_polled(bio);
	WRITE_ONCE(bio->bi_cookie, BLK_QC_T_NONE);
#endif
}

static inline void mpath_limits_init(struct mpath_limits *ml)
{
	blk_set_stacking_limits(&ml->lim);
	/* Zoned namespaces are never claimed: no zone append. */
	ml->lim.max_zone_append_sectors = 0;
#ifdef NVME_MPATH_HAVE_BLK_FEATURES
	/* NOWAIT and POLL survive stacking only if every path has them. */
	ml->lim.features |= BLK_FEAT_IO_STAT | BLK_FEAT_NOWAIT;
#ifdef NVME_MPATH_HAVE_BIO_POLL
	ml->lim.features |= BLK_FEAT_POLL;
#endif
#endif
	ml->wc = false;
	ml->fua = false;
	ml->nowait = true;
#ifdef NVME_MPATH_HAVE_BIO_POLL
	ml->poll = true;
#else
	ml->poll = false;
#endif
	ml->stable_writes = false;
	ml->rotational = false;
	ml->no_discard = false;
	ml->integrity_mismatch = false;
	ml->integrity_from = NULL;
}

static inline void mpath_limits_stack(struct mpath_limits *ml,
				      struct block_device *bdev)
{
	struct request_queue *q = bdev_get_queue(bdev);

	/* A misalignment only costs performance; the limits stay usable. */
	blk_stack_limits(&ml->lim, &q->limits, 0);
	/* Discard only if every path has it (stacking keeps the nonzero). */
	if (!q->limits.max_discard_sectors)
		ml->no_discard = true;
	if (ml->no_discard) {
		ml->lim.max_discard_sectors = 0;
		ml->lim.max_hw_discard_sectors = 0;
	}
	/* The same integrity profile as the paths, if they all have one. */
#ifdef NVME_MPATH_HAVE_LIMITS_INTEGRITY
	if (!queue_limits_stack_integrity(&ml->lim, &q->limits))
		ml->integrity_mismatch = true;
#else
	if (!ml->integrity_from)
		ml->integrity_from = bdev->bd_disk;
	else if (blk_integrity_compare(ml->integrity_from, bdev->bd_disk))
		ml->integrity_mismatch = true;
#endif
#ifndef NVME_MPATH_HAVE_BLK_FEATURES
	ml->wc |= test_bit(QUEUE_FLAG_WC, &q->queue_flags);
	ml->fua |= test_bit(QUEUE_FLAG_FUA, &q->queue_flags);
	ml->nowait &= test_bit(QUEUE_FLAG_NOWAIT, &q->queue_flags);
	ml->poll &= mpath_queue_polls(q);
	/* What queue_limits.features would inherit: PI needs stable pages. */
	ml->stable_writes |= test_bit(QUEUE_FLAG_STABLE_WRITES,
				      &q->queue_flags);
	ml->rotational |= !test_bit(QUEUE_FLAG_NONROT, &q->queue_flags);
#endif
}

/* Before 6.11 the integrity profile is registered on the disk. */
static inline void mpath_register_integrity(struct gendisk *disk,
					    struct mpath_limits *ml)
{
#ifndef NVME_MPATH_HAVE_LIMITS_INTEGRITY
	if (!ml->integrity_mismatch && ml->integrity_from &&
	    blk_get_integrity(ml->integrity_from))
		blk_integrity_register(disk,
				       blk_get_integrity(ml->integrity_from));
#endif
}

static inline struct gendisk *mpath_alloc_disk(struct mpath_limits *ml,
					       int node)
{
#ifdef NVME_MPATH_HAVE_BLK_ALLOC_DISK_LIM
	struct gendisk *disk = blk_alloc_disk(&ml->lim, node);

	if (!IS_ERR(disk))
		mpath_register_integrity(disk, ml);
	return disk;
#else
#ifdef NVME_MPATH_HAVE_BLK_ALLOC_DISK_NODE
	struct gendisk *disk = blk_alloc_disk(node);

	if (!disk)
		return ERR_PTR(-ENOMEM);
#else
	/* A bio-based queue, then a disk with dynamic minors (partitions). */
	struct request_queue *q = blk_alloc_queue(node);
	struct gendisk *disk;

	if (!q)
		return ERR_PTR(-ENOMEM);
	disk = alloc_disk_node(0, node);
	if (!disk) {
		blk_cleanup_queue(q);
		return ERR_PTR(-ENOMEM);
	}
	disk->flags |= GENHD_FL_EXT_DEVT;
	disk->queue = q;
#endif
	disk->queue->limits = ml->lim;
	blk_queue_write_cache(disk->queue, ml->wc, ml->fua);
	blk_queue_flag_set(QUEUE_FLAG_IO_STAT, disk->queue);
	if (ml->nowait)
		blk_queue_flag_set(QUEUE_FLAG_NOWAIT, disk->queue);
#ifdef NVME_MPATH_HAVE_BIO_POLL
	if (ml->poll)
		blk_queue_flag_set(QUEUE_FLAG_POLL, disk->queue);
#endif
	if (ml->stable_writes)
		blk_queue_flag_set(QUEUE_FLAG_STABLE_WRITES, disk->queue);
	mpath_register_integrity(disk, ml);
	if (ml->rotational)
		blk_queue_flag_clear(QUEUE_FLAG_NONROT, disk->queue);
	else
		blk_queue_flag_set(QUEUE_FLAG_NONROT, disk->queue);
#ifdef NVME_MPATH_HAVE_QUEUE_FLAG_DISCARD
	if (ml->lim.max_discard_sectors)
		blk_queue_flag_set(QUEUE_FLAG_DISCARD, disk->queue);
#endif
	return disk;
#endif
}

/*
 * Drops the reference to a disk from mpath_alloc_disk(), after del_gendisk()
 * if it was added.  Kernels with ->free_disk (5.18+) call @free_disk when the
 * last reference goes.  Before that the caller's reference is the last one
 * (nothing has the disk open: the head is dead and its openers are gone),
 * so @free_disk is called here, and the queue mpath_alloc_disk() allocated
 * is cleaned up; a disk that was never added must not drop the queue a
 * second time (its slave_dir is made by device_add_disk() and never cleared).
 */
static inline void mpath_put_disk(struct gendisk *disk,
				  void (*free_disk)(struct gendisk *disk))
{
#ifndef NVME_MPATH_HAVE_FREE_DISK
	if (free_disk)
		free_disk(disk);
#endif
#if !defined(NVME_MPATH_HAVE_BLK_ALLOC_DISK_LIM) && \
	!defined(NVME_MPATH_HAVE_BLK_ALLOC_DISK_NODE)
	blk_cleanup_queue(disk->queue);
	if (!disk->slave_dir)
		disk->queue = NULL;
	put_disk(disk);
#elif defined(NVME_MPATH_HAVE_BLK_CLEANUP_DISK)
	/* 5.14-5.19: blk_alloc_disk()'s queue is torn down with the disk. */
	blk_cleanup_disk(disk);
#else
	put_disk(disk);
#endif
}

/* device_add_disk() returns an error from 5.15 on; before, it cannot fail. */
static inline int mpath_device_add_disk(struct device *parent,
					struct gendisk *disk,
					const struct attribute_group **groups)
{
#ifdef NVME_MPATH_HAVE_ADD_DISK_INT
	return device_add_disk(parent, disk, groups);
#else
	device_add_disk(parent, disk, groups);
	return 0;
#endif
}

/*
 * Whether a disk has been fully added, or deleted.  Without GD_ADDED and
 * GD_DEAD (before 5.16) GENHD_FL_UP says both: device_add_disk() sets it
 * before the disk's device is added (and class interfaces hear of it), and
 * del_gendisk() clears it.
 */
#ifdef NVME_MPATH_HAVE_DISK_STATE_BITS
static inline bool mpath_disk_added(struct gendisk *disk)
{
	return test_bit(GD_ADDED, &disk->state);
}

static inline bool mpath_disk_dead(struct gendisk *disk)
{
	return test_bit(GD_DEAD, &disk->state);
}
#else
/*
 * GENHD_FL_UP is set before the disk's device is added, and its holders/
 * directory (which bd_link_disk_holder() needs: it warns and links nothing
 * without it) comes after that: wait for the directory too.
 */
static inline bool mpath_disk_added(struct gendisk *disk)
{
	struct kernfs_node *kn;

	if (!(disk->flags & GENHD_FL_UP))
		return false;
	kn = sysfs_get_dirent(disk_to_dev(disk)->kobj.sd, "holders");
	if (!kn)
		return false;
	sysfs_put(kn);
	return true;
}

static inline bool mpath_disk_dead(struct gendisk *disk)
{
	return !(disk->flags & GENHD_FL_UP);
}
#endif

static inline bool mpath_disk_live(struct gendisk *disk)
{
#ifdef NVME_MPATH_HAVE_DISK_STATE_BITS
	return disk_live(disk);
#else
	return disk->flags & GENHD_FL_UP;
#endif
}

/*
 * A path added to a live disk: shrink the disk's limits to fit it too, with
 * the queue frozen (no bio is between its split and its path meanwhile).  A
 * path without discard takes discard away: blk_stack_limits() keeps the
 * other paths' (min_not_zero), and a discard sent to it would fail.
 */
static inline void mpath_limits_restack(struct gendisk *disk,
					struct block_device *bdev)
{
	struct request_queue *q = disk->queue;
	struct request_queue *bq = bdev_get_queue(bdev);
	struct queue_limits now = q->limits;
	bool flags_change = false;
#ifdef NVME_MPATH_HAVE_QUEUE_LIMITS_UPDATE
	struct queue_limits lim;
#endif

	/*
	 * A path like the others changes nothing: no update, no freeze (a
	 * freeze waits for an RCU grace period: with 256 namespaces x 4 paths
	 * that was seconds at load).
	 */
	blk_stack_limits(&now, &bq->limits, 0);
	if (!bq->limits.max_discard_sectors) {
		now.max_discard_sectors = 0;
		now.max_hw_discard_sectors = 0;
	}
#ifdef NVME_MPATH_HAVE_LIMITS_INTEGRITY
	queue_limits_stack_integrity(&now, &bq->limits);
#endif
#ifndef NVME_MPATH_HAVE_QUEUE_LIMITS_UPDATE
	/* nowait and poll are queue flags there, not limits */
	flags_change = (!test_bit(QUEUE_FLAG_NOWAIT, &bq->queue_flags) &&
			test_bit(QUEUE_FLAG_NOWAIT, &q->queue_flags)) ||
		       (!mpath_queue_polls(bq) && mpath_queue_polls(q));
#endif
	if (!flags_change && !memcmp(&now, &q->limits, sizeof(now)))
		return;
#ifdef NVME_MPATH_HAVE_QUEUE_LIMITS_UPDATE
	lim = queue_limits_start_update(q);

	blk_stack_limits(&lim, &bq->limits, 0);
	if (!bq->limits.max_discard_sectors)
		lim.max_hw_discard_sectors = 0;
#ifdef NVME_MPATH_HAVE_LIMITS_INTEGRITY
	queue_limits_stack_integrity(&lim, &bq->limits);
#endif
#ifdef NVME_MPATH_HAVE_QUEUE_LIMITS_COMMIT_FROZEN
	queue_limits_commit_update_frozen(q, &lim);
#else
	blk_mq_freeze_queue(q);
	queue_limits_commit_update(q, &lim);
	blk_mq_unfreeze_queue(q);
#endif
#else
	blk_mq_freeze_queue(q);
	blk_stack_limits(&q->limits, &bq->limits, 0);
	if (!bq->limits.max_discard_sectors) {
		q->limits.max_discard_sectors = 0;
		q->limits.max_hw_discard_sectors = 0;
	}
	if (!test_bit(QUEUE_FLAG_NOWAIT, &bq->queue_flags))
		blk_queue_flag_clear(QUEUE_FLAG_NOWAIT, q);
#ifdef NVME_MPATH_HAVE_BIO_POLL
	if (!mpath_queue_polls(bq))
		blk_queue_flag_clear(QUEUE_FLAG_POLL, q);
#endif
#ifdef NVME_MPATH_HAVE_QUEUE_FLAG_DISCARD
	if (!q->limits.max_discard_sectors)
		blk_queue_flag_clear(QUEUE_FLAG_DISCARD, q);
#endif
	blk_mq_unfreeze_queue(q);
#endif
}

/*
 * May @bdev join @disk as a path?  A disk that carries an integrity profile
 * takes only paths with the same one: dropping it from a live disk would
 * pull it from under the bios carrying protection information.  A disk
 * without one takes any path (each path generates and checks its own).
 */
static inline bool mpath_integrity_fits(struct gendisk *disk,
					struct block_device *bdev)
{
#ifdef NVME_MPATH_HAVE_LIMITS_INTEGRITY
	struct queue_limits t = disk->queue->limits;

	if (!blk_get_integrity(disk))
		return true;
	return queue_limits_stack_integrity(&t, &bdev_get_queue(bdev)->limits);
#else
	if (!blk_get_integrity(disk))
		return true;
	return !blk_integrity_compare(disk, bdev->bd_disk);
#endif
}

/*
 * Zoned namespaces are left alone.  Kernels without the csi attribute (6.1,
 * 5.10) still know a zoned disk by its queue.
 */
static inline bool mpath_disk_is_zoned(struct gendisk *disk)
{
	return blk_queue_is_zoned(disk->queue);
}

/*
 * Grows a live disk and tells userspace (a change uevent, RESIZE=1).
 * Returns false where the kernel has no helper for it (before 5.11).
 */
static inline bool mpath_grow_disk(struct gendisk *disk, sector_t size)
{
#ifdef NVME_MPATH_HAVE_SET_CAPACITY_AND_NOTIFY
	set_capacity_and_notify(disk, size);
	return true;
#else
	return false;
#endif
}

/* ---- kobjects ---- */

/* kobject_init() takes a const kobj_type from 6.2 on; it never writes it. */
static inline void mpath_kobject_init(struct kobject *kobj,
				      const struct kobj_type *ktype)
{
#ifdef NVME_MPATH_HAVE_KOBJ_TYPE_CONST
	kobject_init(kobj, ktype);
#else
	kobject_init(kobj, (void *)ktype);
#endif
}

/* ---- bios ---- */

/*
 * ->submit_bio returns a blk_qc_t before 5.16.  MPATH_SUBMIT_BIO(fn) is what
 * goes into the block_device_operations; "MPATH_DEFINE_SUBMIT_BIO(fn);",
 * after fn, defines the wrapper it names there (calling fn checks its type).
 */
#define MPATH_CHECK_SUBMIT_BIO(fn) \
	static_assert(__same_type(&(fn), void (*)(struct bio *)))
#ifdef NVME_MPATH_HAVE_SUBMIT_BIO_VOID
#define MPATH_SUBMIT_BIO(fn)		(fn)
#define MPATH_DEFINE_SUBMIT_BIO(fn)	MPATH_CHECK_SUBMIT_BIO(fn)
#else
#define MPATH_SUBMIT_BIO(fn)		(fn##_qc)
#define MPATH_DEFINE_SUBMIT_BIO(fn)			\
static blk_qc_t fn##_qc(struct bio *bio)		\
{							\
	fn(bio);					\
	return BLK_QC_T_NONE;				\
}							\
static_assert(1)
#endif

/* The disk a bio was submitted to: bi_bdev (5.12+) or bi_disk. */
static inline struct gendisk *mpath_bio_disk(struct bio *bio)
{
#ifdef NVME_MPATH_HAVE_BIO_BI_BDEV
	return bio->bi_bdev->bd_disk;
#else
	return bio->bi_disk;
#endif
}

/* A bio's operation and flags: blk_opf_t (6.0+) or unsigned int. */
#define mpath_opf_t	typeof(((struct bio *)0)->bi_opf)

/* Where a bio was submitted, saved while it goes to a path and restored. */
struct mpath_bio_dev {
#ifdef NVME_MPATH_HAVE_BIO_BI_BDEV
	struct block_device *bdev;
#else
	struct gendisk *disk;
	u8 partno;
#endif
};

static inline void mpath_bio_save_dev(const struct bio *bio,
				      struct mpath_bio_dev *d)
{
#ifdef NVME_MPATH_HAVE_BIO_BI_BDEV
	d->bdev = bio->bi_bdev;
#else
	d->disk = bio->bi_disk;
	d->partno = bio->bi_partno;
#endif
}

static inline void mpath_bio_restore_dev(struct bio *bio,
					 const struct mpath_bio_dev *d)
{
#ifdef NVME_MPATH_HAVE_BIO_BI_BDEV
	bio->bi_bdev = d->bdev;
#else
	bio->bi_disk = d->disk;
	bio->bi_partno = d->partno;
#endif
}

/*
 * Completed I/O of a path disk, as its /sys/block/<disk>/stat shows it:
 * statistics on the block_device (5.11+) or on its hd_struct.
 */
#ifdef NVME_MPATH_HAVE_PART_STAT_BDEV
#define mpath_bdev_stat(bdev, field)	part_stat_read(bdev, field)
#else
#define mpath_bdev_stat(bdev, field)	part_stat_read((bdev)->bd_part, field)
#endif

/*
 * Skips the end-of-device check on the path (BIO_REMAPPED, 5.12+).  Before,
 * the check is made against the path's own size, which is the disk's.
 */
static inline void mpath_bio_set_remapped(struct bio *bio)
{
#ifdef NVME_MPATH_HAVE_BIO_BI_BDEV
	bio_set_flag(bio, BIO_REMAPPED);
#endif
}

/* A clone of @bio_src for @bdev (NULL: set later), from @bs. */
static inline struct bio *mpath_bio_alloc_clone(struct block_device *bdev,
						struct bio *bio_src, gfp_t gfp,
						struct bio_set *bs)
{
#ifdef NVME_MPATH_HAVE_BIO_ALLOC_BDEV
	return bio_alloc_clone(bdev, bio_src, gfp, bs);
#else
	struct bio *bio = bio_clone_fast(bio_src, gfp, bs);

	if (bio && bdev)
		bio_set_dev(bio, bdev);
	return bio;
#endif
}

static inline struct bio *mpath_bio_alloc(struct block_device *bdev,
					  unsigned short nr_vecs,
					  mpath_opf_t opf, gfp_t gfp)
{
#ifdef NVME_MPATH_HAVE_BIO_ALLOC_BDEV
	return bio_alloc(bdev, nr_vecs, opf, gfp);
#else
	struct bio *bio = bio_alloc(gfp, nr_vecs);

	if (bio) {
		bio_set_dev(bio, bdev);
		bio->bi_opf = opf;
	}
	return bio;
#endif
}

/*
 * The block_bio_remap tracepoint for a bio sent from the multipath disk
 * (@dev, at @from) to its path.
 */
static inline void mpath_trace_bio_remap(struct bio *bio, dev_t dev,
					 sector_t from)
{
#ifdef NVME_MPATH_HAVE_BIO_REMAP_3
	trace_block_bio_remap(bio, dev, from);
#elif defined(NVME_MPATH_HAVE_BIO_REMAP_4)
	trace_block_bio_remap(bio->bi_disk->queue, bio, dev, from);
#endif
}

/* Splits @bio to the disk's limits; NULL if it was completed (error). */
static inline struct bio *mpath_bio_split_to_limits(struct bio *bio)
{
#ifdef NVME_MPATH_HAVE_BIO_SPLIT_TO_LIMITS
	return bio_split_to_limits(bio);
#else
	blk_queue_split(&bio);
	return bio;
#endif
}

/* ---- NVMe commands of the module's own: the path probe (path.c) ---- */

/*
 * nvme-core's nvme_submit_sync_cmd() runs one NVMe command on a queue and
 * waits for it.  It returns 0, a negative errno (-EINTR: the host aborted
 * it, a reset), or the NVMe status of a failed command (status field of the
 * completion without the phase bit: SC, SCT, CRD, More, DNR) - what a
 * bio's status loses.  Every kernel from 5.10 to 7.2 exports it
 * (EXPORT_SYMBOL_GPL) with this prototype, declared only in nvme-core's
 * private drivers/nvme/host/nvme.h, which no headers package carries.
 * scripts/probe.sh looks for the export in the kernel's Module.symvers; the
 * module takes it with symbol_get() at load (mpath_nvme_get()), so it still
 * loads, with block-layer probes, where nvme-core lacks it.
 */
#ifdef NVME_MPATH_HAVE_SYM_NVME_SUBMIT_SYNC_CMD
int nvme_submit_sync_cmd(struct request_queue *q, struct nvme_command *cmd,
			 void *buf, unsigned int bufflen);
#endif

typedef int (*mpath_sync_cmd_t)(struct request_queue *q,
				struct nvme_command *cmd, void *buf,
				unsigned int bufflen);
extern mpath_sync_cmd_t mpath_sync_cmd;

/* Module init: take nvme-core's command helper (and a reference on it). */
static inline void mpath_nvme_get(void)
{
#ifdef NVME_MPATH_HAVE_SYM_NVME_SUBMIT_SYNC_CMD
	mpath_sync_cmd = symbol_get(nvme_submit_sync_cmd);
#endif
}

static inline void mpath_nvme_put(void)
{
#ifdef NVME_MPATH_HAVE_SYM_NVME_SUBMIT_SYNC_CMD
	if (mpath_sync_cmd)
		symbol_put(nvme_submit_sync_cmd);
#endif
	mpath_sync_cmd = NULL;
}

/*
 * Can @bdev be probed with an NVMe read of its own?  Not a namespace with
 * metadata (an integrity profile): the command would need a metadata
 * buffer, which nvme_submit_sync_cmd() cannot give.
 */
static inline bool mpath_nvme_probe_possible(struct block_device *bdev)
{
	return mpath_sync_cmd && !blk_get_integrity(bdev->bd_disk);
}

/* Path-related status type (NVMe base spec 2.0, 4.6.1.2.4): ANA, host. */
#define MPATH_NVME_SCT_MASK	0x700
#define MPATH_NVME_SCT_PATH	0x300

static inline bool mpath_nvme_status_is_path(int status)
{
	return (status & MPATH_NVME_SCT_MASK) == MPATH_NVME_SCT_PATH;
}

/*
 * Reads the first logical block of namespace @nsid through @bdev's queue
 * as an NVMe command of its own.  Process context, waits for the command;
 * its allocations do no I/O (writeback may be waiting on this disk).
 * Return: as nvme_submit_sync_cmd(), -ENOMEM without memory.
 */
static inline int mpath_nvme_read_first_block(struct block_device *bdev,
					      u32 nsid)
{
	unsigned int len = bdev_logical_block_size(bdev);
	struct nvme_command c = { };
	unsigned int noio;
	void *buf;
	int ret;

	buf = kmalloc(len, GFP_NOIO);
	if (!buf)
		return -ENOMEM;
	c.rw.opcode = nvme_cmd_read;
	c.rw.nsid = cpu_to_le32(nsid);
	/* slba 0 and length 0 (0's based): the first block */
	noio = memalloc_noio_save();
	ret = mpath_sync_cmd(bdev_get_queue(bdev), &c, buf, len);
	memalloc_noio_restore(noio);
	kfree(buf);
	return ret;
}

#endif /* NVME_MPATH_COMPAT_H */
