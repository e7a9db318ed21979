/* SPDX-License-Identifier: GPL-2.0 */
/*
 * mpath-sysfs.h - reading and writing nvme_mpath's sysfs for nvme-mpath.
 *
 * Every name is relative to mpath_sysfs_root ("/sys", or --sysfs ROOT):
 *   ROOT/block/<disk>/mpath/<attr>                 a multipath disk
 *   ROOT/block/<disk>/mpath/paths/<path>/<attr>    one of its paths
 *   ROOT/block/<name>/{size,stat}                  any block disk
 *   ROOT/module/nvme_mpath/parameters/<param>      module parameters
 *   ROOT/class/nvme/<ctrl>/<attr>                  NVMe controllers
 *
 * Functions returning int give 0 or a negative errno; reads strip the
 * trailing newline.
 */
#ifndef MPATH_SYSFS_H
#define MPATH_SYSFS_H

#include <stddef.h>
#include <stdint.h>

#define MPATH_NAME_MAX	64	/* a disk, path or controller name */
#define MPATH_ATTR_MAX	4096	/* a sysfs attribute's value */
#define MPATH_PATH_MAX	4096	/* a file name under the root */

extern const char *mpath_sysfs_root;

/* a list of names (disks, paths), sorted as versions: nvme2n1 < nvme10n1 */
struct mpath_names {
	char **name;
	size_t n;
};

void mpath_names_free(struct mpath_names *names);

/* "nvme0n1", "/dev/nvme0n1" -> "nvme0n1"; NULL if not a plain sysfs name */
const char *mpath_disk_name(const char *arg);

/* snprintf a file name into buf; -ENAMETOOLONG if it does not fit */
int mpath_sysfs_path(char *buf, size_t len, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

/* one attribute by full path */
int mpath_read_file(const char *file, char *buf, size_t len);
int mpath_write_file(const char *file, const char *value);
int mpath_read_u64(const char *file, uint64_t *val);

/* ROOT/block/<disk>/mpath/<attr> */
int mpath_disk_read(const char *disk, const char *attr, char *buf, size_t len);
int mpath_disk_write(const char *disk, const char *attr, const char *value);
/* ROOT/block/<disk>/mpath/paths/<path>/<attr> */
int mpath_path_read(const char *disk, const char *path, const char *attr,
		    char *buf, size_t len);
int mpath_path_read_u64(const char *disk, const char *path, const char *attr,
			uint64_t *val);
int mpath_path_write(const char *disk, const char *path, const char *attr,
		     const char *value);
/* does ROOT/block/<disk>/mpath/paths/<path>/<attr> exist */
int mpath_path_has(const char *disk, const char *path, const char *attr);

/* ROOT/block/<name>/size in bytes (the file counts 512-byte sectors) */
int mpath_block_size(const char *name, uint64_t *bytes);

/* ROOT/block/<name>/stat: the kernel's 11+ counters (Documentation/block/stat) */
struct mpath_blk_stat {
	uint64_t rd_ios, rd_merges, rd_sectors, rd_ticks;
	uint64_t wr_ios, wr_merges, wr_sectors, wr_ticks;
	uint64_t in_flight, io_ticks, time_in_queue;
};
int mpath_block_stat(const char *name, struct mpath_blk_stat *st);

/* ROOT/module/nvme_mpath/parameters/<param> */
int mpath_param_read(const char *param, char *buf, size_t len);
int mpath_param_write(const char *param, const char *value);

/* ROOT/class/nvme/<ctrl>/<attr> */
int mpath_ctrl_read(const char *ctrl, const char *attr, char *buf, size_t len);

/* is the module loaded (ROOT/module/nvme_mpath exists) */
int mpath_module_loaded(void);
/* is <disk> a multipath disk (has ROOT/block/<disk>/mpath/) */
int mpath_is_disk(const char *disk);
/* the multipath disks (block/mpnvme* with an mpath/ directory) */
int mpath_list_disks(struct mpath_names *out);
/* the paths of one disk (mpath/paths/ entries) */
int mpath_list_paths(const char *disk, struct mpath_names *out);
/* the multipath disk that has <path> among its paths: -ENOENT if none */
int mpath_find_path(const char *path, char *disk, size_t len);

#endif
