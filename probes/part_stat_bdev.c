// SPDX-License-Identifier: GPL-2.0
/* I/O statistics live on the block_device (5.11+), not on an hd_struct. */
#include <linux/blkdev.h>
#include <linux/part_stat.h>
unsigned long probe(struct block_device *bdev);
unsigned long probe(struct block_device *bdev)
{
	return part_stat_read(bdev, ios[STAT_READ]);
}
