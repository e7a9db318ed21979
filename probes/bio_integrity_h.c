// SPDX-License-Identifier: GPL-2.0
/* bio_integrity() has its own header (6.11+); before, linux/bio.h has it. */
#include <linux/bio-integrity.h>
bool probe(struct bio *bio);
bool probe(struct bio *bio)
{
	return bio_integrity(bio) != NULL;
}
