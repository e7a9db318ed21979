// SPDX-License-Identifier: GPL-2.0
/*
 * blk_cleanup_disk() exists (5.14-5.19): a disk from blk_alloc_disk() must
 * be put with it there, so that its queue is cleaned up too.
 */
#include <linux/blkdev.h>
void probe(struct gendisk *disk);
void probe(struct gendisk *disk)
{
	blk_cleanup_disk(disk);
}
