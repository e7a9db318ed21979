// SPDX-License-Identifier: GPL-2.0
/*
 * nvme_mpath_floor: the floor of tests/bench, not shipped.
 *
 * The least a correct bio-based stacking disk can do per bio: split it to
 * the disk's limits, re-target it to the device below, submit it again.
 * No per-bio context, no accounting, no completion hook, no path choice,
 * no failover.  What it costs over the device below is the block layer's
 * own price for stacking (a second submit_bio_noacct() and __submit_bio(),
 * queue enter and exit, cgroup re-association, issue time), which every
 * bio-based multipath disk - nvme_mpath's, native's head, dm's bio mode -
 * pays on top of its own work.  tests/bench measures it beside the
 * multipath disk so that the two can be told apart.
 *
 *   insmod nvme_mpath_floor.ko dev=MAJ:MIN    -> /dev/mpfloor0, read-only
 *
 * The device below is opened for reading and not claimed (compat.h's
 * mpath_bdev_open() with no holder): the bench stacks this disk on a path
 * that nvme_mpath has claimed.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include "compat.h"

static char *dev;
module_param(dev, charp, 0444);
MODULE_PARM_DESC(dev, "the device below, MAJ:MIN");

static struct mpath_bdev floor_below;	/* opened shared, read-only */
static struct gendisk *floor_disk;

static void floor_submit_bio(struct bio *bio)
{
	bio = mpath_bio_split_to_limits(bio);
	if (!bio)
		return;
	/* as nvme_mpath does: same size below, no second end-of-device check */
	bio_set_dev(bio, floor_below.bdev);
	mpath_bio_set_remapped(bio);
	submit_bio_noacct(bio);
}

MPATH_DEFINE_SUBMIT_BIO(floor_submit_bio);

static const struct block_device_operations floor_fops = {
	.owner		= THIS_MODULE,
	.submit_bio	= MPATH_SUBMIT_BIO(floor_submit_bio),
};

static int __init floor_init(void)
{
	struct mpath_limits ml;
	unsigned int maj, min;
	int ret;

	if (!dev || sscanf(dev, "%u:%u", &maj, &min) != 2) {
		pr_err("dev=MAJ:MIN is required\n");
		return -EINVAL;
	}
	ret = mpath_bdev_open(MKDEV(maj, min), NULL, &floor_below);
	if (ret) {
		pr_err("cannot open %u:%u: %d\n", maj, min, ret);
		return ret;
	}
	mpath_limits_init(&ml);
	mpath_limits_stack(&ml, floor_below.bdev);
	floor_disk = mpath_alloc_disk(&ml, NUMA_NO_NODE);
	if (IS_ERR(floor_disk)) {
		ret = PTR_ERR(floor_disk);
		goto out_close;
	}
	floor_disk->fops = &floor_fops;
	strscpy(floor_disk->disk_name, "mpfloor0", DISK_NAME_LEN);
	set_capacity(floor_disk, bdev_nr_sectors(floor_below.bdev));
	set_disk_ro(floor_disk, true);
	ret = mpath_device_add_disk(NULL, floor_disk, NULL);
	if (ret)
		goto out_put;
	return 0;

out_put:
	mpath_put_disk(floor_disk, NULL);
out_close:
	mpath_bdev_close(&floor_below, NULL);
	return ret;
}

static void __exit floor_exit(void)
{
	del_gendisk(floor_disk);
	mpath_put_disk(floor_disk, NULL);
	mpath_bdev_close(&floor_below, NULL);
}

module_init(floor_init);
module_exit(floor_exit);
MODULE_DESCRIPTION("tests/bench floor: a bare bio-based remap, not shipped");
MODULE_LICENSE("GPL");
