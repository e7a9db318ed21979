// SPDX-License-Identifier: GPL-2.0
/* mpath-ana.c - nvme-mpath ana-sync (placeholder while being written) */
#include <stdio.h>
#include "nvme-mpath.h"

int mpath_cmd_ana_sync(int argc, char **argv)
{
	(void)argc;
	fprintf(stderr, "%s: not implemented yet\n", argv[0]);
	return MPATH_EXIT_FAIL;
}
