// SPDX-License-Identifier: GPL-2.0
/* block_device_operations.submit_bio returns void (5.16+), not blk_qc_t. */
#include <linux/blkdev.h>
static void probe_submit(struct bio *bio)
{
}

const struct block_device_operations probe_ops = {
	.submit_bio = probe_submit,
};
