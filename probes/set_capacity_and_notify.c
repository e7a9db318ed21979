// SPDX-License-Identifier: GPL-2.0
/* set_capacity_and_notify() exists (5.11+). */
#include <linux/blkdev.h>
bool probe(struct gendisk *disk, sector_t size);
bool probe(struct gendisk *disk, sector_t size)
{
	return set_capacity_and_notify(disk, size);
}
