// SPDX-License-Identifier: GPL-2.0
/* Bio-based disks can be polled (5.16+): REQ_POLLED bios, bi_cookie,
 * bio_poll(); the queue says so by QUEUE_FLAG_POLL or BLK_FEAT_POLL.
 */
#include <linux/bio.h>
#include <linux/blkdev.h>
int probe(struct bio *bio);
int probe(struct bio *bio)
{
	bio_clear_polled(bio);
	bio->bi_cookie = BLK_QC_T_NONE;
	return bio_poll(bio, NULL, 0);
}
