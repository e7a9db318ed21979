// SPDX-License-Identifier: GPL-2.0
/* bio_alloc() and bio_alloc_clone() take the block device (5.18+); before,
 * bio_alloc(gfp, nr) and bio_clone_fast() with bio_set_dev().
 */
#include <linux/bio.h>
struct bio *probe(struct block_device *bdev, struct bio *src, struct bio_set *bs);
struct bio *probe(struct block_device *bdev, struct bio *src, struct bio_set *bs)
{
	struct bio *bio = bio_alloc(bdev, 1, REQ_OP_READ, GFP_NOIO);

	if (bio)
		bio_put(bio);
	return bio_alloc_clone(bdev, src, GFP_NOIO, bs);
}
