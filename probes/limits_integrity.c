// SPDX-License-Identifier: GPL-2.0
/* The integrity profile is a queue limit, stacked by
 * queue_limits_stack_integrity() (6.11+); before, blk_integrity_register().
 */
#include <linux/blkdev.h>
#include <linux/blk-integrity.h>
bool probe(struct queue_limits *t, struct queue_limits *b);
bool probe(struct queue_limits *t, struct queue_limits *b)
{
	return queue_limits_stack_integrity(t, b);
}
