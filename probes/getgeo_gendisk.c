// SPDX-License-Identifier: GPL-2.0
/* block_device_operations.getgeo takes a struct gendisk * (newer kernels), not a
 * struct block_device *.
 */
#include <linux/blkdev.h>
#include <linux/hdreg.h>
static int probe_getgeo(struct gendisk *disk, struct hd_geometry *geo)
{
	return 0;
}

const struct block_device_operations probe_ops = {
	.getgeo = probe_getgeo,
};
