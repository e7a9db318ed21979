// SPDX-License-Identifier: GPL-2.0
/* blkdev_get_by_dev() takes blk_mode_t, holder and holder ops (6.5, 6.6). */
#include <linux/blkdev.h>
void probe(dev_t devt, void *holder);
void probe(dev_t devt, void *holder)
{
	struct block_device *b = blkdev_get_by_dev(devt, BLK_OPEN_READ, holder, NULL);

	if (!IS_ERR(b))
		blkdev_put(b, holder);
}
