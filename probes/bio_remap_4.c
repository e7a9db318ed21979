// SPDX-License-Identifier: GPL-2.0
/* The block_bio_remap tracepoint takes (q, bio, dev, from) (before 5.11). */
#include <linux/blkdev.h>
#include <trace/events/block.h>
void probe(struct bio *bio, dev_t dev, sector_t from);
void probe(struct bio *bio, dev_t dev, sector_t from)
{
	trace_block_bio_remap(bio->bi_disk->queue, bio, dev, from);
}
