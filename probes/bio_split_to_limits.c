// SPDX-License-Identifier: GPL-2.0
/* bio_split_to_limits() exists (6.0+); older kernels have blk_queue_split(). */
#include <linux/blkdev.h>
struct bio *probe(struct bio *bio);
struct bio *probe(struct bio *bio)
{
	return bio_split_to_limits(bio);
}
