// SPDX-License-Identifier: GPL-2.0
/* device_add_disk() returns an error (5.15+), not void. */
#include <linux/blkdev.h>
int probe(struct gendisk *disk);
int probe(struct gendisk *disk)
{
	return device_add_disk(NULL, disk, NULL);
}
