// SPDX-License-Identifier: GPL-2.0
/* blk_alloc_disk(node) allocates a bio-based disk and its queue (5.15-6.8). */
#include <linux/blkdev.h>
struct gendisk *probe(void);
struct gendisk *probe(void)
{
	return blk_alloc_disk(NUMA_NO_NODE);
}
