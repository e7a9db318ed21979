// SPDX-License-Identifier: GPL-2.0
/* gendisk state bits GD_ADDED and GD_DEAD, and disk_live() (5.16+). */
#include <linux/blkdev.h>
bool probe(struct gendisk *disk);
bool probe(struct gendisk *disk)
{
	return test_bit(GD_ADDED, &disk->state) &&
	       !test_bit(GD_DEAD, &disk->state) && disk_live(disk);
}
