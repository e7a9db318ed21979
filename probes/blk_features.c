// SPDX-License-Identifier: GPL-2.0
/* Queue features (write cache, FUA, I/O accounting, NOWAIT) live in
 * queue_limits.features (6.11+) instead of queue flags.
 */
#include <linux/blkdev.h>
void probe(struct queue_limits *lim);
void probe(struct queue_limits *lim)
{
	lim->features |= BLK_FEAT_IO_STAT | BLK_FEAT_NOWAIT | BLK_FEAT_WRITE_CACHE;
}
