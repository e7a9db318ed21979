// SPDX-License-Identifier: GPL-2.0
/*
 * nvme-mpath bundle - the vendor support bundle (work in progress).
 */
#include <stdio.h>

#include "nvme-mpath.h"

int mpath_cmd_bundle(int argc, char **argv)
{
	(void)argc;
	(void)argv;
	fprintf(stderr, "nvme-mpath bundle: not implemented yet\n");
	return MPATH_EXIT_FAIL;
}
