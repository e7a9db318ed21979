// SPDX-License-Identifier: GPL-2.0
/* block_device_operations.open takes (struct gendisk *, blk_mode_t) (6.5+). */
#include <linux/blkdev.h>
static int probe_open(struct gendisk *disk, blk_mode_t mode)
{
	return 0;
}

const struct block_device_operations probe_ops = {
	.open = probe_open,
};
