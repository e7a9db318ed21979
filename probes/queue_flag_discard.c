// SPDX-License-Identifier: GPL-2.0
/* A queue takes discards only with QUEUE_FLAG_DISCARD set (before 5.19). */
#include <linux/blkdev.h>
void probe(struct request_queue *q);
void probe(struct request_queue *q)
{
	blk_queue_flag_set(QUEUE_FLAG_DISCARD, q);
}
