// SPDX-License-Identifier: GPL-2.0
/* class_interface add_dev/remove_dev take only the device (6.4+). */
#include <linux/device.h>
static int probe_add(struct device *dev)
{
	return 0;
}

static void probe_remove(struct device *dev)
{
}

struct class_interface probe_intf = {
	.add_dev = probe_add,
	.remove_dev = probe_remove,
};
