// SPDX-License-Identifier: GPL-2.0
/* bdev_open_by_dev() returns a struct bdev_handle (6.7, 6.8). */
#include <linux/blkdev.h>
void probe(dev_t devt, void *holder);
void probe(dev_t devt, void *holder)
{
	struct bdev_handle *h = bdev_open_by_dev(devt, BLK_OPEN_READ, holder, NULL);

	if (!IS_ERR(h))
		bdev_release(h);
}
