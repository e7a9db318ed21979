// SPDX-License-Identifier: GPL-2.0
/* mpath-list.c - list, set-policy, fail-path, reinstate-path, stats (being written) */
#include <stdio.h>
#include "nvme-mpath.h"

static int not_yet(char **argv)
{
	fprintf(stderr, "nvme-mpath %s: not built yet\n", argv[0]);
	return MPATH_EXIT_FAIL;
}

int mpath_cmd_list(int argc, char **argv) { (void)argc; return not_yet(argv); }
int mpath_cmd_set_policy(int argc, char **argv) { (void)argc; return not_yet(argv); }
int mpath_cmd_fail_path(int argc, char **argv) { (void)argc; return not_yet(argv); }
int mpath_cmd_reinstate_path(int argc, char **argv) { (void)argc; return not_yet(argv); }
int mpath_cmd_stats(int argc, char **argv) { (void)argc; return not_yet(argv); }
