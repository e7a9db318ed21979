// SPDX-License-Identifier: GPL-2.0
/* Block devices are opened as files and released with bdev_fput() (6.9+). */
#include <linux/blkdev.h>
#include <linux/fs.h>
void probe(dev_t devt, void *holder);
void probe(dev_t devt, void *holder)
{
	struct file *f = bdev_file_open_by_dev(devt, BLK_OPEN_READ, holder, NULL);

	if (!IS_ERR(f))
		bdev_fput(f);
	(void)file_bdev(f);
}
