/* SPDX-License-Identifier: GPL-2.0 */
/*
 * nvme-mpath - the admin command of nvme_mpath: shared declarations.
 *
 * One program, one file per command family:
 *   nvme-mpath.c     main(): option conventions, dispatch, help
 *   mpath-sysfs.c    reading the module's sysfs (disks, paths, attributes)
 *   mpath-list.c     list, set-policy, fail-path, reinstate-path, stats
 *   mpath-ana.c      ana-sync (and --watch), on libnvme; nvme-mpath-ana
 *   mpath-bundle.c   bundle (the vendor support bundle)
 *
 * Exit status, as nvme-cli: 0 success, 1 the operation failed, 2 bad usage.
 */
#ifndef NVME_MPATH_H
#define NVME_MPATH_H

#define MPATH_EXIT_OK		0
#define MPATH_EXIT_FAIL		1
#define MPATH_EXIT_USAGE	2

/* each takes argv[0] = the command's name */
int mpath_cmd_list(int argc, char **argv);
int mpath_cmd_set_policy(int argc, char **argv);
int mpath_cmd_fail_path(int argc, char **argv);
int mpath_cmd_reinstate_path(int argc, char **argv);
int mpath_cmd_stats(int argc, char **argv);
int mpath_cmd_ana_sync(int argc, char **argv);
int mpath_cmd_bundle(int argc, char **argv);

#endif
