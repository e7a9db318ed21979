// SPDX-License-Identifier: GPL-2.0
/* A bio names its block device, bi_bdev (5.12+), not bi_disk + bi_partno;
 * BIO_REMAPPED came with it.
 */
#include <linux/bio.h>
struct gendisk *probe(struct bio *bio);
struct gendisk *probe(struct bio *bio)
{
	bio_set_flag(bio, BIO_REMAPPED);
	return bio->bi_bdev->bd_disk;
}
