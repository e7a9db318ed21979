// SPDX-License-Identifier: GPL-2.0
/* The integrity API has its own header, linux/blk-integrity.h (5.16+);
 * before, linux/blkdev.h declares it.
 */
#include <linux/blkdev.h>
#include <linux/blk-integrity.h>
int probe(struct gendisk *a, struct gendisk *b);
int probe(struct gendisk *a, struct gendisk *b)
{
	return blk_integrity_compare(a, b);
}
