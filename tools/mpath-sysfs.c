// SPDX-License-Identifier: GPL-2.0
/*
 * mpath-sysfs.c - reading and writing nvme_mpath's sysfs (see mpath-sysfs.h).
 */
#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "mpath-sysfs.h"

const char *mpath_sysfs_root = "/sys";

void mpath_names_free(struct mpath_names *names)
{
	size_t i;

	for (i = 0; i < names->n; i++)
		free(names->name[i]);
	free(names->name);
	names->name = NULL;
	names->n = 0;
}

const char *mpath_disk_name(const char *arg)
{
	if (!strncmp(arg, "/dev/", 5))
		arg += 5;
	if (!*arg || strlen(arg) >= MPATH_NAME_MAX || strchr(arg, '/') ||
	    !strcmp(arg, ".") || !strcmp(arg, ".."))
		return NULL;
	return arg;
}

int mpath_sysfs_path(char *buf, size_t len, const char *fmt, ...)
{
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(buf, len, fmt, ap);
	va_end(ap);
	return n < 0 || (size_t)n >= len ? -ENAMETOOLONG : 0;
}

int mpath_read_file(const char *file, char *buf, size_t len)
{
	ssize_t n;
	int fd, err;

	fd = open(file, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	n = read(fd, buf, len - 1);
	err = errno;
	close(fd);
	if (n < 0)
		return -err;
	buf[n] = '\0';
	while (n > 0 && (buf[n - 1] == '\n' || buf[n - 1] == ' '))
		buf[--n] = '\0';
	return 0;
}

/*
 * One write(2) of the whole value, as sysfs wants; its errno is the answer.
 * O_TRUNC as a shell's ">" (sysfs ignores it; a plain file, in tests, needs it).
 */
int mpath_write_file(const char *file, const char *value)
{
	size_t len = strlen(value);
	ssize_t n;
	int fd, err;

	fd = open(file, O_WRONLY | O_TRUNC | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	n = write(fd, value, len);
	err = errno;
	if (close(fd) && n >= 0)
		return -errno;
	if (n < 0)
		return -err;
	return (size_t)n == len ? 0 : -EIO;
}

static int parse_u64(const char *s, uint64_t *val)
{
	char *end;

	errno = 0;
	*val = strtoull(s, &end, 10);
	if (errno || end == s || *end || *s == '-')
		return -EINVAL;
	return 0;
}

int mpath_read_u64(const char *file, uint64_t *val)
{
	char buf[64];
	int ret = mpath_read_file(file, buf, sizeof(buf));

	return ret ? ret : parse_u64(buf, val);
}

int mpath_disk_read(const char *disk, const char *attr, char *buf, size_t len)
{
	char file[MPATH_PATH_MAX];
	int ret = mpath_sysfs_path(file, sizeof(file), "%s/block/%s/mpath/%s",
				   mpath_sysfs_root, disk, attr);

	return ret ? ret : mpath_read_file(file, buf, len);
}

int mpath_disk_write(const char *disk, const char *attr, const char *value)
{
	char file[MPATH_PATH_MAX];
	int ret = mpath_sysfs_path(file, sizeof(file), "%s/block/%s/mpath/%s",
				   mpath_sysfs_root, disk, attr);

	return ret ? ret : mpath_write_file(file, value);
}

static int path_file(char *file, size_t len, const char *disk,
		     const char *path, const char *attr)
{
	return mpath_sysfs_path(file, len, "%s/block/%s/mpath/paths/%s/%s",
				mpath_sysfs_root, disk, path, attr);
}

int mpath_path_read(const char *disk, const char *path, const char *attr,
		    char *buf, size_t len)
{
	char file[MPATH_PATH_MAX];
	int ret = path_file(file, sizeof(file), disk, path, attr);

	return ret ? ret : mpath_read_file(file, buf, len);
}

int mpath_path_read_u64(const char *disk, const char *path, const char *attr,
			uint64_t *val)
{
	char file[MPATH_PATH_MAX];
	int ret = path_file(file, sizeof(file), disk, path, attr);

	return ret ? ret : mpath_read_u64(file, val);
}

int mpath_path_write(const char *disk, const char *path, const char *attr,
		     const char *value)
{
	char file[MPATH_PATH_MAX];
	int ret = path_file(file, sizeof(file), disk, path, attr);

	return ret ? ret : mpath_write_file(file, value);
}

int mpath_path_has(const char *disk, const char *path, const char *attr)
{
	char file[MPATH_PATH_MAX];

	return !path_file(file, sizeof(file), disk, path, attr) &&
	       access(file, F_OK) == 0;
}

int mpath_block_size(const char *name, uint64_t *bytes)
{
	char file[MPATH_PATH_MAX];
	uint64_t sectors;
	int ret;

	ret = mpath_sysfs_path(file, sizeof(file), "%s/block/%s/size",
			       mpath_sysfs_root, name);
	if (!ret)
		ret = mpath_read_u64(file, &sectors);
	if (!ret)
		*bytes = sectors * 512;
	return ret;
}

int mpath_block_stat(const char *name, struct mpath_blk_stat *st)
{
	char file[MPATH_PATH_MAX], buf[512];
	int ret, n;

	ret = mpath_sysfs_path(file, sizeof(file), "%s/block/%s/stat",
			       mpath_sysfs_root, name);
	if (!ret)
		ret = mpath_read_file(file, buf, sizeof(buf));
	if (ret)
		return ret;
	n = sscanf(buf, "%" SCNu64 " %" SCNu64 " %" SCNu64 " %" SCNu64
		   " %" SCNu64 " %" SCNu64 " %" SCNu64 " %" SCNu64
		   " %" SCNu64 " %" SCNu64 " %" SCNu64,
		   &st->rd_ios, &st->rd_merges, &st->rd_sectors, &st->rd_ticks,
		   &st->wr_ios, &st->wr_merges, &st->wr_sectors, &st->wr_ticks,
		   &st->in_flight, &st->io_ticks, &st->time_in_queue);
	return n == 11 ? 0 : -EINVAL;
}

int mpath_param_read(const char *param, char *buf, size_t len)
{
	char file[MPATH_PATH_MAX];
	int ret = mpath_sysfs_path(file, sizeof(file),
				   "%s/module/nvme_mpath/parameters/%s",
				   mpath_sysfs_root, param);

	return ret ? ret : mpath_read_file(file, buf, len);
}

int mpath_param_write(const char *param, const char *value)
{
	char file[MPATH_PATH_MAX];
	int ret = mpath_sysfs_path(file, sizeof(file),
				   "%s/module/nvme_mpath/parameters/%s",
				   mpath_sysfs_root, param);

	return ret ? ret : mpath_write_file(file, value);
}

int mpath_ctrl_read(const char *ctrl, const char *attr, char *buf, size_t len)
{
	char file[MPATH_PATH_MAX];
	int ret = mpath_sysfs_path(file, sizeof(file), "%s/class/nvme/%s/%s",
				   mpath_sysfs_root, ctrl, attr);

	return ret ? ret : mpath_read_file(file, buf, len);
}

int mpath_module_loaded(void)
{
	char dir[MPATH_PATH_MAX];

	return !mpath_sysfs_path(dir, sizeof(dir), "%s/module/nvme_mpath",
				 mpath_sysfs_root) && access(dir, F_OK) == 0;
}

int mpath_is_disk(const char *disk)
{
	char dir[MPATH_PATH_MAX];
	struct stat st;

	return !mpath_sysfs_path(dir, sizeof(dir), "%s/block/%s/mpath",
				 mpath_sysfs_root, disk) &&
	       stat(dir, &st) == 0 && S_ISDIR(st.st_mode);
}

static int names_add(struct mpath_names *names, const char *name)
{
	char **v = realloc(names->name, (names->n + 1) * sizeof(*v));

	if (!v)
		return -ENOMEM;
	names->name = v;
	v[names->n] = strdup(name);
	if (!v[names->n])
		return -ENOMEM;
	names->n++;
	return 0;
}

static int names_cmp(const void *a, const void *b)
{
	return strverscmp(*(char * const *)a, *(char * const *)b);
}

/* Entries of dir whose name starts with prefix ("" = all) and keep() likes. */
static int list_dir(const char *dir, const char *prefix,
		    int (*keep)(const char *name), struct mpath_names *out)
{
	struct dirent *e;
	DIR *d;
	int ret = 0;

	out->name = NULL;
	out->n = 0;
	d = opendir(dir);
	if (!d)
		return -errno;
	while (!ret && (e = readdir(d))) {
		if (e->d_name[0] == '.' || !mpath_disk_name(e->d_name) ||
		    strncmp(e->d_name, prefix, strlen(prefix)))
			continue;
		if (!keep || keep(e->d_name))
			ret = names_add(out, e->d_name);
	}
	closedir(d);
	if (ret)
		mpath_names_free(out);
	else if (out->n)
		qsort(out->name, out->n, sizeof(*out->name), names_cmp);
	return ret;
}

int mpath_list_disks(struct mpath_names *out)
{
	char dir[MPATH_PATH_MAX];
	int ret;

	ret = mpath_sysfs_path(dir, sizeof(dir), "%s/block", mpath_sysfs_root);
	return ret ? ret : list_dir(dir, "mpnvme", mpath_is_disk, out);
}

int mpath_list_paths(const char *disk, struct mpath_names *out)
{
	char dir[MPATH_PATH_MAX];
	int ret;

	ret = mpath_sysfs_path(dir, sizeof(dir), "%s/block/%s/mpath/paths",
			       mpath_sysfs_root, disk);
	return ret ? ret : list_dir(dir, "", NULL, out);
}

int mpath_find_path(const char *path, char *disk, size_t len)
{
	struct mpath_names disks;
	char file[MPATH_PATH_MAX];
	size_t i;
	int ret;

	ret = mpath_list_disks(&disks);
	if (ret)
		return ret;
	ret = -ENOENT;
	for (i = 0; i < disks.n && ret == -ENOENT; i++) {
		if (mpath_sysfs_path(file, sizeof(file),
				     "%s/block/%s/mpath/paths/%s",
				     mpath_sysfs_root, disks.name[i], path) ||
		    access(file, F_OK))
			continue;
		ret = mpath_sysfs_path(disk, len, "%s", disks.name[i]);
	}
	mpath_names_free(&disks);
	return ret;
}
