// SPDX-License-Identifier: GPL-2.0
/*
 * nvme-mpath-ana - the ANA helper's old name, kept for its udev rule, units
 * and scripts: the same as "nvme-mpath ana-sync" (mpath-ana.c), with every
 * option of the helper and its messages under this name.
 */
#include "nvme-mpath.h"

int main(int argc, char **argv)
{
	return mpath_cmd_ana_sync(argc, argv);
}
