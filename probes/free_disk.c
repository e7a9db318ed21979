// SPDX-License-Identifier: GPL-2.0
/* block_device_operations.free_disk exists (5.18+). */
#include <linux/blkdev.h>
static void probe_free(struct gendisk *disk)
{
}

const struct block_device_operations probe_ops = {
	.free_disk = probe_free,
};
