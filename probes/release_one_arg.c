// SPDX-License-Identifier: GPL-2.0
/* block_device_operations.release takes only the gendisk (6.5+). */
#include <linux/blkdev.h>
static void probe_release(struct gendisk *disk)
{
}

const struct block_device_operations probe_ops = {
	.release = probe_release,
};
