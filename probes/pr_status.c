// SPDX-License-Identifier: GPL-2.0
/* Persistent reservation results name path failures (6.5+: enum pr_status,
 * pr_read_keys and pr_read_reservation in struct pr_ops).
 */
#include <linux/blkdev.h>
#include <linux/pr.h>
int probe(struct pr_keys *keys, struct pr_held_reservation *rsv);
int probe(struct pr_keys *keys, struct pr_held_reservation *rsv)
{
	return PR_STS_PATH_FAILED + PR_STS_PATH_FAST_FAILED +
	       PR_STS_RETRY_PATH_FAILURE + keys->num_keys + rsv->type;
}
