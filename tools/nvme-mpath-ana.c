// SPDX-License-Identifier: GPL-2.0
/*
 * nvme-mpath-ana - feed NVMe ANA group and state of each path to nvme_mpath.
 *
 * With nvme_core.multipath=N the kernel never reads the Asymmetric Namespace
 * Access log page, and nvme_mpath cannot send admin commands.  This helper
 * reads Identify Controller and the ANA log page of each controller through
 * the admin passthrough ioctl on /dev/nvmeX and writes every path's ANA
 * group, state and the controller's ANATT into
 * /sys/block/mpnvme*\/mpath/paths/<disk>/{ana_group,ana_state,anatt}.
 *
 * A log is checked as a whole before anything is written for the paths of
 * its controller (the checks follow the kernel's nvme_parse_ana_log() and are
 * a little stricter); a bad log changes nothing.  A value already in sysfs is
 * not written again.
 */
#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <limits.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <unistd.h>
#include <linux/nvme_ioctl.h>

#define PROG			"nvme-mpath-ana"
#define __printf(a, b)		__attribute__((format(printf, a, b)))

#define NVME_ADMIN_GET_LOG_PAGE	0x02
#define NVME_ADMIN_IDENTIFY	0x06
#define NVME_ID_CNS_CTRL	0x01
#define NVME_LOG_ANA		0x0c
#define NVME_LOG_RAE		(1u << 15)
#define NVME_NSID_ALL		0xffffffffu

/* byte offsets in Identify Controller data (struct nvme_id_ctrl) */
#define ID_CTRL_LEN		4096
#define ID_CMIC			76
#define ID_CMIC_ANA		(1u << 3)
#define ID_ANATT		342
#define ID_ANACAP		343
#define ID_ANAGRPMAX		344	/* __le32 */
#define ID_NANAGRPID		348	/* __le32 */
#define ID_NN			516	/* __le32 */
#define ID_CTRATT		96	/* __le32 */
#define ID_CTRATT_TBKAS		(1u << 6)	/* traffic based keep alive */
#define ID_CQT			386	/* __le16, ms (TP4129) */

#define ANA_HDR_LEN		16
#define ANA_DESC_LEN		32
#define ANA_LOG_MAX		(4u << 20)	/* never ask for or read more */

#define NAME_LEN		64
#define VAL_LEN			64
#define MAX_LOG_FILES		32

enum {
	ANA_OPTIMIZED		= 0x01,
	ANA_NONOPTIMIZED	= 0x02,
	ANA_INACCESSIBLE	= 0x03,
	ANA_PERSISTENT_LOSS	= 0x04,
	ANA_CHANGE		= 0x0f,
};

struct nsid_ent {
	uint32_t nsid;
	uint32_t grpid;
	size_t off;		/* byte offset of the NSID in the log */
	size_t desc_off;	/* byte offset of its group descriptor */
	uint8_t state;
};

struct ctrl {
	char name[NAME_LEN];
	const char *log_file;	/* --log-file: replay these bytes */
	const char *id_file;	/* --id-file: identify data from a file */
	size_t mdts;		/* bytes, 0 = unknown (from a path's queue) */

	bool id_tried;
	bool id_known;
	uint8_t cmic, anatt, anacap;
	bool tbkas;
	uint16_t cqt;
	uint32_t anagrpmax, nanagrpid, nn;

	bool log_tried;
	bool log_ok;
	struct nsid_ent *ents;	/* sorted by nsid */
	size_t nents;
};

struct path {
	char mp[NAME_LEN];
	char disk[NAME_LEN];
	size_t ctrl;		/* index in ctrls[] (which realloc may move) */
	uint32_t nsid;
};

struct ctrl_file {
	char ctrl[NAME_LEN];
	const char *file;
};

static const char *sysfs_root = "/sys";
static const char *dev_root = "/dev";
static bool verbose;
static bool dry_run;
static int status;		/* exit status: 0 or 1 */

static struct ctrl_file log_files[MAX_LOG_FILES];
static unsigned int nlog_files;
static struct ctrl_file id_files[MAX_LOG_FILES];
static unsigned int nid_files;

static struct ctrl *ctrls;
static size_t nctrls;
static struct path *paths;
static size_t npaths;

static void __printf(1, 2) err(const char *fmt, ...)
{
	va_list ap;

	fprintf(stderr, PROG ": ");
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
}

static void __printf(1, 2) info(const char *fmt, ...)
{
	va_list ap;

	if (!verbose)
		return;
	printf(PROG ": ");
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	putchar('\n');
}

static void *xrealloc(void *p, size_t n, size_t size)
{
	void *q;

	if (size && n > SIZE_MAX / size) {
		err("out of memory");
		exit(1);
	}
	q = realloc(p, n && size ? n * size : 1);
	if (!q) {
		err("out of memory");
		exit(1);
	}
	return q;
}

static uint16_t get_le16(const uint8_t *p)
{
	return (uint16_t)(p[0] | p[1] << 8);
}

static uint32_t get_le32(const uint8_t *p)
{
	return (uint32_t)p[0] | (uint32_t)p[1] << 8 |
	       (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

static uint64_t get_le64(const uint8_t *p)
{
	return (uint64_t)get_le32(p) | (uint64_t)get_le32(p + 4) << 32;
}

/* ---- names and sysfs ---------------------------------------------------- */

/* Copy a name already checked to fit (valid_name(), valid_ctrl_name()). */
static void copy_name(char *dst, const char *src)
{
	size_t n = strnlen(src, NAME_LEN - 1);

	memcpy(dst, src, n);
	dst[n] = '\0';
}

/* A sysfs entry name we are willing to put into a path: no '/', no "..". */
static bool valid_name(const char *s)
{
	size_t i, n = strlen(s);

	if (n == 0 || n >= NAME_LEN || s[0] == '.')
		return false;
	for (i = 0; i < n; i++) {
		char c = s[i];

		if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
		      (c >= '0' && c <= '9') || c == '_' || c == '-' ||
		      c == '.'))
			return false;
	}
	return true;
}

/* "nvme" followed by digits only: the controller's character device */
static bool valid_ctrl_name(const char *s)
{
	size_t i, n = strlen(s);

	if (n < 5 || n >= NAME_LEN || strncmp(s, "nvme", 4))
		return false;
	for (i = 4; i < n; i++)
		if (s[i] < '0' || s[i] > '9')
			return false;
	return true;
}

static __printf(3, 4) int mkpath(char *buf, size_t size, const char *fmt, ...)
{
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(buf, size, fmt, ap);
	va_end(ap);
	if (n < 0 || (size_t)n >= size) {
		err("path too long");
		return -1;
	}
	return 0;
}

/*
 * Read a small text file (sysfs attribute) into buf, without the trailing
 * whitespace.  Returns 0, or -errno.
 */
static int read_text(const char *path, char *buf, size_t size)
{
	ssize_t n;
	int fd;

	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	n = read(fd, buf, size - 1);
	if (n < 0) {
		n = -errno;
		close(fd);
		return (int)n;
	}
	close(fd);
	buf[n] = '\0';
	while (n > 0 && (buf[n - 1] == '\n' || buf[n - 1] == ' ' ||
			 buf[n - 1] == '\t'))
		buf[--n] = '\0';
	return 0;
}

static int write_text(const char *path, const char *val)
{
	size_t len = strlen(val);
	ssize_t n;
	int fd, ret = 0;

	fd = open(path, O_WRONLY | O_TRUNC | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	n = write(fd, val, len);
	if (n < 0)
		ret = -errno;
	else if ((size_t)n != len)
		ret = -EIO;
	if (close(fd) && !ret)
		ret = -errno;
	return ret;
}

static int parse_u32(const char *s, uint32_t *val)
{
	unsigned long long v;
	char *end;

	if (*s < '0' || *s > '9')
		return -1;
	errno = 0;
	v = strtoull(s, &end, 10);
	if (errno || *end || v > UINT32_MAX)
		return -1;
	*val = (uint32_t)v;
	return 0;
}

/* ---- controllers -------------------------------------------------------- */

static const char *ctrl_file_of(struct ctrl_file *tab, unsigned int n,
				const char *ctrl)
{
	unsigned int i;

	for (i = 0; i < n; i++)
		if (!strcmp(tab[i].ctrl, ctrl))
			return tab[i].file;
	return NULL;
}

static struct ctrl *ctrl_get(const char *name)
{
	struct ctrl *c;
	size_t i;

	for (i = 0; i < nctrls; i++)
		if (!strcmp(ctrls[i].name, name))
			return &ctrls[i];
	ctrls = xrealloc(ctrls, nctrls + 1, sizeof(*ctrls));
	c = &ctrls[nctrls++];
	memset(c, 0, sizeof(*c));
	copy_name(c->name, name);
	c->log_file = ctrl_file_of(log_files, nlog_files, name);
	c->id_file = ctrl_file_of(id_files, nid_files, name);
	return c;
}

/*
 * Read a whole file of at most max bytes.  Returns the number of bytes read
 * or -1 (message printed).
 */
static ssize_t read_file(const char *what, const char *file, uint8_t **bufp,
			 size_t max)
{
	uint8_t *buf;
	size_t len = 0;
	ssize_t n;
	int fd;

	fd = open(file, O_RDONLY | O_CLOEXEC);
	if (fd < 0) {
		err("%s: cannot open %s: %s", what, file, strerror(errno));
		return -1;
	}
	buf = xrealloc(NULL, max + 1, 1);
	for (;;) {
		n = read(fd, buf + len, max + 1 - len);
		if (n < 0) {
			if (errno == EINTR)
				continue;
			err("%s: cannot read %s: %s", what, file,
			    strerror(errno));
			goto fail;
		}
		if (n == 0)
			break;
		len += (size_t)n;
		if (len > max) {
			err("%s: %s is larger than %zu bytes", what, file, max);
			goto fail;
		}
	}
	close(fd);
	*bufp = buf;
	return (ssize_t)len;
fail:
	close(fd);
	free(buf);
	return -1;
}

/* quiet: a missing device is no error (a replayed log does without it) */
static int open_ctrl_dev(struct ctrl *c, bool quiet)
{
	char dev[PATH_MAX];
	int fd;

	if (mkpath(dev, sizeof(dev), "%s/%s", dev_root, c->name))
		return -1;
	fd = open(dev, O_RDONLY | O_CLOEXEC);
	if (fd >= 0)
		return fd;
	if (quiet && errno == ENOENT)
		info("%s: no %s", c->name, dev);
	else
		err("%s: cannot open %s: %s", c->name, dev, strerror(errno));
	return -1;
}

/* Admin passthrough.  0, or -1 with a message. */
static int admin_cmd(struct ctrl *c, int fd, const char *what, uint8_t opcode,
		     uint32_t nsid, uint32_t cdw10, uint32_t cdw11,
		     void *buf, uint32_t len)
{
	struct nvme_admin_cmd cmd;
	int ret;

	memset(&cmd, 0, sizeof(cmd));
	cmd.opcode = opcode;
	cmd.nsid = nsid;
	cmd.addr = (uint64_t)(uintptr_t)buf;
	cmd.data_len = len;
	cmd.cdw10 = cdw10;
	cmd.cdw11 = cdw11;
	ret = ioctl(fd, NVME_IOCTL_ADMIN_CMD, &cmd);
	if (ret < 0) {
		err("%s: %s failed: %s", c->name, what, strerror(errno));
		return -1;
	}
	if (ret > 0) {
		err("%s: %s failed: NVMe status 0x%x", c->name, what, ret);
		return -1;
	}
	return 0;
}

static void ctrl_id_parse(struct ctrl *c, const uint8_t *id)
{
	c->cmic = id[ID_CMIC];
	c->anatt = id[ID_ANATT];
	c->anacap = id[ID_ANACAP];
	c->anagrpmax = get_le32(id + ID_ANAGRPMAX);
	c->nanagrpid = get_le32(id + ID_NANAGRPID);
	c->nn = get_le32(id + ID_NN);
	c->tbkas = get_le32(id + ID_CTRATT) & ID_CTRATT_TBKAS;
	c->cqt = (uint16_t)(id[ID_CQT] | id[ID_CQT + 1] << 8);
	c->id_known = true;
	info("%s: CMIC 0x%02x (ANA reporting %s), ANATT %u s, ANACAP 0x%02x, ANAGRPMAX %u, NANAGRPID %u, NN %u, TBKAS %u, CQT %u ms",
	     c->name, c->cmic, c->cmic & ID_CMIC_ANA ? "yes" : "no",
	     c->anatt, c->anacap, c->anagrpmax, c->nanagrpid, c->nn,
	     c->tbkas, c->cqt);
}

/*
 * Identify Controller, once per controller and run.  Returns 0 if the data is
 * known, 1 if it is unknown but a replayed log may go on without it, -1 on
 * error.
 */
static int ctrl_identify(struct ctrl *c)
{
	uint8_t *id = NULL;
	ssize_t n;
	int fd, ret = -1;

	if (c->id_tried)
		return c->id_known ? 0 : (c->log_file ? 1 : -1);
	c->id_tried = true;

	if (c->id_file) {
		n = read_file(c->name, c->id_file, &id, ID_CTRL_LEN);
		if (n < 0)
			return -1;
		if (n != ID_CTRL_LEN) {
			err("%s: identify data %s is %zd bytes, not %u",
			    c->name, c->id_file, n, ID_CTRL_LEN);
			free(id);
			return -1;
		}
		ctrl_id_parse(c, id);
		free(id);
		return 0;
	}

	fd = open_ctrl_dev(c, c->log_file);
	if (fd < 0)
		goto unknown;
	id = xrealloc(NULL, ID_CTRL_LEN, 1);
	memset(id, 0, ID_CTRL_LEN);
	if (admin_cmd(c, fd, "Identify Controller", NVME_ADMIN_IDENTIFY, 0,
		      NVME_ID_CNS_CTRL, 0, id, ID_CTRL_LEN) == 0) {
		ctrl_id_parse(c, id);
		ret = 0;
	}
	free(id);
	close(fd);
	if (ret == 0)
		return 0;
unknown:
	if (c->log_file) {
		info("%s: identify data unknown; checking the replayed log without ANATT, ANAGRPMAX, NANAGRPID",
		     c->name);
		return 1;
	}
	return -1;
}

/* How many bytes of ANA log to ask for (a multiple of 4, >= the header). */
static size_t ana_log_size(struct ctrl *c)
{
	uint64_t size;

	size = ANA_HDR_LEN + (uint64_t)c->nanagrpid * ANA_DESC_LEN +
	       (uint64_t)c->nn * 4;
	if (size > ANA_LOG_MAX) {
		info("%s: ANA log could be %llu bytes; reading the first %u",
		     c->name, (unsigned long long)size, ANA_LOG_MAX);
		size = ANA_LOG_MAX;
	}
	if (c->mdts && size > c->mdts) {
		info("%s: ANA log could be %llu bytes; reading %zu (max transfer size)",
		     c->name, (unsigned long long)size, c->mdts);
		size = c->mdts;
	}
	size &= ~(uint64_t)3;
	if (size < ANA_HDR_LEN)
		size = ANA_HDR_LEN;
	return (size_t)size;
}

/* Get Log Page, ANA.  rae: keep the asynchronous event outstanding. */
static ssize_t ana_log_read(struct ctrl *c, uint8_t **bufp, bool rae)
{
	uint32_t numd, cdw10;
	uint8_t *buf;
	size_t size;
	int fd;

	size = ana_log_size(c);
	fd = open_ctrl_dev(c, false);
	if (fd < 0)
		return -1;
	buf = xrealloc(NULL, size, 1);
	memset(buf, 0, size);
	numd = (uint32_t)(size / 4 - 1);	/* zero-based dwords */
	cdw10 = NVME_LOG_ANA | (numd & 0xffff) << 16 | (rae ? NVME_LOG_RAE : 0);
	if (admin_cmd(c, fd, "Get Log Page (ANA)", NVME_ADMIN_GET_LOG_PAGE,
		      NVME_NSID_ALL, cdw10, numd >> 16, buf, (uint32_t)size)) {
		free(buf);
		close(fd);
		return -1;
	}
	close(fd);
	info("%s: read %zu bytes of ANA log", c->name, size);
	*bufp = buf;
	return (ssize_t)size;
}

static const char *ana_state_name(uint8_t state)
{
	switch (state) {
	case ANA_OPTIMIZED:
		return "optimized";
	case ANA_NONOPTIMIZED:
		return "non-optimized";
	case ANA_INACCESSIBLE:
		return "inaccessible";
	case ANA_PERSISTENT_LOSS:
		return "persistent-loss";
	case ANA_CHANGE:
		return "change";
	}
	return NULL;
}

static int cmp_ent(const void *a, const void *b)
{
	const struct nsid_ent *x = a, *y = b;

	if (x->nsid != y->nsid)
		return x->nsid < y->nsid ? -1 : 1;
	if (x->off != y->off)
		return x->off < y->off ? -1 : 1;
	return 0;
}

struct grp_ent {
	uint32_t grpid;
	size_t off;
};

static int cmp_grp(const void *a, const void *b)
{
	const struct grp_ent *x = a, *y = b;

	if (x->grpid != y->grpid)
		return x->grpid < y->grpid ? -1 : 1;
	if (x->off != y->off)
		return x->off < y->off ? -1 : 1;
	return 0;
}

#define reject(c, fmt, ...) \
	err("%s: ANA log rejected: " fmt, (c)->name, ##__VA_ARGS__)

/*
 * Check the whole log and build c->ents.  Returns 0 if it is sound, -1 (one
 * message printed) if anything is wrong: then nothing of it may be used.
 */
static int ana_log_parse(struct ctrl *c, const uint8_t *log, size_t len)
{
	struct nsid_ent *ents = NULL;
	struct grp_ent *grps = NULL;
	size_t nents = 0, cap = 0, off, i;
	unsigned int ngrps, g;
	uint32_t grpid, nnsids, nsid, j;
	uint8_t state;

	if (len < ANA_HDR_LEN) {
		reject(c, "log is %zu bytes, shorter than its %u-byte header",
		       len, ANA_HDR_LEN);
		return -1;
	}
	ngrps = get_le16(log + 8);
	info("%s: ANA log: %zu bytes, change count %llu, %u groups", c->name,
	     len, (unsigned long long)get_le64(log), ngrps);
	if (c->id_known && ngrps > c->nanagrpid) {
		reject(c, "header at offset 0: %u groups, more than NANAGRPID %u",
		       ngrps, c->nanagrpid);
		return -1;
	}
	grps = xrealloc(NULL, ngrps, sizeof(*grps));

	off = ANA_HDR_LEN;
	for (g = 0; g < ngrps; g++) {
		/* off <= len holds: checked below before every advance */
		if (len - off < ANA_DESC_LEN) {
			reject(c, "group descriptor %u of %u at offset %zu runs past the end of the log (%zu bytes)",
			       g + 1, ngrps, off, len);
			goto fail;
		}
		grpid = get_le32(log + off);
		nnsids = get_le32(log + off + 4);
		state = log[off + 16];
		if (grpid == 0) {
			reject(c, "group descriptor %u at offset %zu: group id 0",
			       g + 1, off);
			goto fail;
		}
		if (c->id_known && grpid > c->anagrpmax) {
			reject(c, "group %u at offset %zu: group id larger than ANAGRPMAX %u",
			       grpid, off, c->anagrpmax);
			goto fail;
		}
		if (!ana_state_name(state)) {
			reject(c, "group %u at offset %zu: unknown state 0x%02x",
			       grpid, off, state);
			goto fail;
		}
		if (nnsids > (len - off - ANA_DESC_LEN) / 4) {
			reject(c, "group %u at offset %zu: %u NSIDs do not fit in the %zu bytes left",
			       grpid, off, nnsids, len - off - ANA_DESC_LEN);
			goto fail;
		}
		grps[g].grpid = grpid;
		grps[g].off = off;
		for (j = 0; j < nnsids; j++) {
			size_t noff = off + ANA_DESC_LEN + (size_t)j * 4;

			nsid = get_le32(log + noff);
			if (nsid == 0 || nsid == NVME_NSID_ALL) {
				reject(c, "group %u at offset %zu: invalid NSID 0x%x at offset %zu",
				       grpid, off, nsid, noff);
				goto fail;
			}
			if (nents == cap) {
				cap = cap ? cap * 2 : 64;
				ents = xrealloc(ents, cap, sizeof(*ents));
			}
			ents[nents].nsid = nsid;
			ents[nents].grpid = grpid;
			ents[nents].off = noff;
			ents[nents].desc_off = off;
			ents[nents].state = state;
			nents++;
		}
		info("%s: group %u at offset %zu: %s, %u NSIDs", c->name,
		     grpid, off, ana_state_name(state), nnsids);
		off += ANA_DESC_LEN + (size_t)nnsids * 4;
	}

	qsort(grps, ngrps, sizeof(*grps), cmp_grp);
	for (g = 1; g < ngrps; g++) {
		if (grps[g].grpid == grps[g - 1].grpid) {
			reject(c, "group %u at offset %zu: group already described at offset %zu",
			       grps[g].grpid, grps[g].off, grps[g - 1].off);
			goto fail;
		}
	}
	if (nents)
		qsort(ents, nents, sizeof(*ents), cmp_ent);
	for (i = 1; i < nents; i++) {
		if (ents[i].nsid == ents[i - 1].nsid) {
			reject(c, "group %u at offset %zu: NSID %u at offset %zu is already listed in group %u (offset %zu)",
			       ents[i].grpid, ents[i].desc_off, ents[i].nsid,
			       ents[i].off, ents[i - 1].grpid,
			       ents[i - 1].off);
			goto fail;
		}
	}
	free(grps);
	c->ents = ents;
	c->nents = nents;
	return 0;
fail:
	free(grps);
	free(ents);
	return -1;
}

/*
 * Read (or replay) and check the ANA log of a controller, once per run.
 * Returns 0 if c->ents may be used.
 */
static int ctrl_load_log(struct ctrl *c)
{
	uint8_t *log = NULL;
	ssize_t len;
	int ret;

	if (c->log_tried)
		return c->log_ok ? 0 : -1;
	c->log_tried = true;
	if (c->log_file) {
		len = read_file(c->name, c->log_file, &log, ANA_LOG_MAX);
		if (len >= 0)
			info("%s: replaying %zd bytes of ANA log from %s",
			     c->name, len, c->log_file);
	} else {
		len = ana_log_read(c, &log, false);
	}
	if (len < 0)
		return -1;
	ret = ana_log_parse(c, log, (size_t)len);
	free(log);
	c->log_ok = ret == 0;
	return ret;
}

static const struct nsid_ent *ctrl_find_nsid(const struct ctrl *c,
					     uint32_t nsid)
{
	size_t lo = 0, hi = c->nents, mid;

	while (lo < hi) {
		mid = lo + (hi - lo) / 2;
		if (c->ents[mid].nsid == nsid)
			return &c->ents[mid];
		if (c->ents[mid].nsid < nsid)
			lo = mid + 1;
		else
			hi = mid;
	}
	return NULL;
}

/* ---- multipath disks and paths ------------------------------------------ */

/*
 * Set paths/<disk>/<attr> to val unless it already holds it.  With report,
 * an unchanged value is written too: the module takes every ana_state write
 * as a fresh report (bios that failed on every path wait for one made after
 * their failure before they are failed as the namespace's error).
 * Returns 0 (written or unchanged), -1 (message printed).
 */
static int path_set(const struct path *p, const char *attr, const char *val,
		    bool report)
{
	char file[PATH_MAX], cur[VAL_LEN];
	int ret;

	if (mkpath(file, sizeof(file), "%s/block/%s/mpath/paths/%s/%s",
		   sysfs_root, p->mp, p->disk, attr))
		return -1;
	ret = read_text(file, cur, sizeof(cur));
	if (ret) {
		err("%s/%s: cannot read %s: %s", p->mp, p->disk, file,
		    strerror(-ret));
		return -1;
	}
	if (!strcmp(cur, val)) {
		info("%s/%s: %s already %s", p->mp, p->disk, attr, val);
		if (!report || dry_run)
			return 0;
		ret = write_text(file, val);
		if (ret) {
			err("%s/%s: cannot write '%s' to %s: %s", p->mp,
			    p->disk, val, file, strerror(-ret));
			return -1;
		}
		return 0;
	}
	if (dry_run) {
		printf("%s/%s: would set %s: %s -> %s\n", p->mp, p->disk, attr,
		       cur, val);
		return 0;
	}
	ret = write_text(file, val);
	if (ret) {
		err("%s/%s: cannot write '%s' to %s: %s", p->mp, p->disk, val,
		    file, strerror(-ret));
		return -1;
	}
	info("%s/%s: %s: %s -> %s", p->mp, p->disk, attr, cur, val);
	return 0;
}

/* path_set() for a file older modules do not have: absent is fine. */
static int path_set_opt(const struct path *p, const char *attr,
			const char *val)
{
	char file[PATH_MAX];

	if (mkpath(file, sizeof(file), "%s/block/%s/mpath/paths/%s/%s",
		   sysfs_root, p->mp, p->disk, attr))
		return -1;
	if (access(file, F_OK) && errno == ENOENT)
		return 0;
	return path_set(p, attr, val, false);
}

static void path_update(const struct path *p)
{
	const struct ctrl *c = &ctrls[p->ctrl];
	const struct nsid_ent *e;
	char val[VAL_LEN];

	e = ctrl_find_nsid(c, p->nsid);
	if (!e) {
		err("%s/%s: NSID %u is in no ANA group of %s's log; path left unchanged",
		    p->mp, p->disk, p->nsid, c->name);
		return;
	}
	if (c->id_known) {
		snprintf(val, sizeof(val), "%u", c->anatt);
		if (path_set(p, "anatt", val, false))
			goto fail;
		/* TP4129's values, for the module's write resend hold */
		snprintf(val, sizeof(val), "%u", c->tbkas);
		if (path_set_opt(p, "tbkas", val))
			goto fail;
		snprintf(val, sizeof(val), "%u", c->cqt);
		if (path_set_opt(p, "cqt", val))
			goto fail;
	}
	snprintf(val, sizeof(val), "%u", e->grpid);
	if (path_set(p, "ana_group", val, false))
		goto fail;
	if (path_set(p, "ana_state", ana_state_name(e->state), true))
		goto fail;
	return;
fail:
	status = 1;
}

/* max_hw_sectors_kb of a path disk, in bytes (0 if unknown) */
static size_t disk_max_transfer(const char *disk)
{
	char file[PATH_MAX], val[VAL_LEN];
	uint32_t kb;

	if (mkpath(file, sizeof(file), "%s/block/%s/queue/max_hw_sectors_kb",
		   sysfs_root, disk))
		return 0;
	if (read_text(file, val, sizeof(val)) || parse_u32(val, &kb) || !kb)
		return 0;
	return (size_t)kb * 1024;
}

/* Collect the paths of multipath disk mp.  Returns 0 or -1 (message). */
static int mp_collect(const char *mp)
{
	char dir[PATH_MAX], file[PATH_MAX], val[VAL_LEN];
	struct dirent *de;
	struct path *p;
	struct ctrl *c;
	uint32_t nsid;
	size_t mt;
	DIR *d;
	int ret, n = 0;

	if (mkpath(file, sizeof(file), "%s/block/%s/mpath/nsid", sysfs_root,
		   mp))
		return -1;
	ret = read_text(file, val, sizeof(val));
	if (ret) {
		err("%s: not an nvme_mpath disk (cannot read %s: %s)", mp, file,
		    strerror(-ret));
		return -1;
	}
	if (parse_u32(val, &nsid) || nsid == 0) {
		err("%s: bad nsid '%s' in %s", mp, val, file);
		return -1;
	}
	if (mkpath(dir, sizeof(dir), "%s/block/%s/mpath/paths", sysfs_root, mp))
		return -1;
	d = opendir(dir);
	if (!d) {
		err("%s: cannot list %s: %s", mp, dir, strerror(errno));
		return -1;
	}
	while ((de = readdir(d))) {
		if (de->d_name[0] == '.')
			continue;
		if (!valid_name(de->d_name)) {
			err("%s: ignoring path entry with an unexpected name", mp);
			continue;
		}
		if (mkpath(file, sizeof(file), "%s/%s/controller", dir,
			   de->d_name))
			continue;
		ret = read_text(file, val, sizeof(val));
		if (ret == -ENOENT) {
			info("%s/%s: gone", mp, de->d_name);
			continue;
		}
		if (ret || !valid_ctrl_name(val)) {
			err("%s/%s: bad or unreadable controller in %s", mp,
			    de->d_name, file);
			status = 1;
			continue;
		}
		paths = xrealloc(paths, npaths + 1, sizeof(*paths));
		p = &paths[npaths++];
		memset(p, 0, sizeof(*p));
		copy_name(p->mp, mp);
		copy_name(p->disk, de->d_name);
		p->nsid = nsid;
		c = ctrl_get(val);
		p->ctrl = (size_t)(c - ctrls);
		mt = disk_max_transfer(de->d_name);
		if (mt && (!c->mdts || mt < c->mdts))
			c->mdts = mt;
		n++;
	}
	closedir(d);
	info("%s: NSID %u, %d paths", mp, nsid, n);
	return 0;
}

static int mp_collect_all(void)
{
	char dir[PATH_MAX], file[PATH_MAX];
	struct dirent *de;
	struct stat st;
	int ret = 0;
	DIR *d;

	if (mkpath(dir, sizeof(dir), "%s/block", sysfs_root))
		return -1;
	d = opendir(dir);
	if (!d) {
		err("cannot list %s: %s", dir, strerror(errno));
		return -1;
	}
	while ((de = readdir(d))) {
		if (strncmp(de->d_name, "mpnvme", 6) || !valid_name(de->d_name))
			continue;
		if (mkpath(file, sizeof(file), "%s/%s/mpath", dir, de->d_name) ||
		    stat(file, &st) || !S_ISDIR(st.st_mode))
			continue;
		if (mp_collect(de->d_name))
			ret = -1;
	}
	closedir(d);
	return ret;
}

/* ---- commands ----------------------------------------------------------- */

static int dump_log(const char *name)
{
	struct ctrl *c;
	uint8_t *log;
	ssize_t len;
	size_t done = 0;

	if (!valid_ctrl_name(name)) {
		err("--dump-log: '%s' is not a controller name (nvmeN)", name);
		return 2;
	}
	if (isatty(STDOUT_FILENO)) {
		err("--dump-log writes binary data: redirect standard output");
		return 2;
	}
	c = ctrl_get(name);
	c->log_file = NULL;
	if (ctrl_identify(c))
		return 1;
	if (!(c->cmic & ID_CMIC_ANA)) {
		err("%s: controller does not report ANA (CMIC 0x%02x)", name,
		    c->cmic);
		return 1;
	}
	len = ana_log_read(c, &log, true);
	if (len < 0)
		return 1;
	while (done < (size_t)len) {
		ssize_t n = write(STDOUT_FILENO, log + done, (size_t)len - done);

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0) {
			err("%s: writing the log: %s", name, strerror(errno));
			free(log);
			return 1;
		}
		done += (size_t)n;
	}
	free(log);
	return 0;
}

static void usage(FILE *f)
{
	fprintf(f,
		"Usage: " PROG " [options] [--all | MPDISK...]\n"
		"Read the ANA log page of each controller behind nvme_mpath's multipath\n"
		"disks and write each path's ANA group and state (and the controller's\n"
		"ANATT) into /sys/block/MPDISK/mpath/paths/<path>/.\n"
		"\n"
		"  -a, --all               every multipath disk (mpnvme*)\n"
		"  -v, --verbose           say what is read, checked and written\n"
		"  -n, --dry-run           print what would be written, write nothing\n"
		"      --dump-log CTRL     write the raw ANA log of /dev/CTRL to stdout\n"
		"      --log-file CTRL=FILE  use FILE as CTRL's ANA log (replay)\n"
		"      --id-file CTRL=FILE   use FILE as CTRL's Identify Controller data\n"
		"      --sysfs DIR         sysfs root (default /sys; for tests)\n"
		"  -h, --help              this text\n"
		"\n"
		"Exit status: 0 fine, 1 a log was rejected or a read/write failed, 2 bad arguments.\n");
}

static int add_ctrl_file(struct ctrl_file *tab, unsigned int *n,
			 const char *opt, char *arg)
{
	char *eq = strchr(arg, '=');

	if (!eq || eq == arg || !eq[1]) {
		err("%s: expected CTRL=FILE, got '%s'", opt, arg);
		return -1;
	}
	*eq = '\0';
	if (!valid_ctrl_name(arg)) {
		err("%s: '%s' is not a controller name (nvmeN)", opt, arg);
		return -1;
	}
	if (ctrl_file_of(tab, *n, arg)) {
		err("%s: %s given twice", opt, arg);
		return -1;
	}
	if (*n >= MAX_LOG_FILES) {
		err("%s: at most %u", opt, MAX_LOG_FILES);
		return -1;
	}
	copy_name(tab[*n].ctrl, arg);
	tab[*n].file = eq + 1;
	(*n)++;
	return 0;
}

enum {
	OPT_DUMP_LOG = 256,
	OPT_LOG_FILE,
	OPT_ID_FILE,
	OPT_SYSFS,
};

int main(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "all", no_argument, NULL, 'a' },
		{ "verbose", no_argument, NULL, 'v' },
		{ "dry-run", no_argument, NULL, 'n' },
		{ "dump-log", required_argument, NULL, OPT_DUMP_LOG },
		{ "log-file", required_argument, NULL, OPT_LOG_FILE },
		{ "id-file", required_argument, NULL, OPT_ID_FILE },
		{ "sysfs", required_argument, NULL, OPT_SYSFS },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 }
	};
	const char *dump = NULL;
	bool all = false;
	size_t i, k;
	int o;

	while ((o = getopt_long(argc, argv, "avnh", opts, NULL)) != -1) {
		switch (o) {
		case 'a':
			all = true;
			break;
		case 'v':
			verbose = true;
			break;
		case 'n':
			dry_run = true;
			break;
		case OPT_DUMP_LOG:
			dump = optarg;
			break;
		case OPT_LOG_FILE:
			if (add_ctrl_file(log_files, &nlog_files, "--log-file",
					  optarg))
				return 2;
			break;
		case OPT_ID_FILE:
			if (add_ctrl_file(id_files, &nid_files, "--id-file",
					  optarg))
				return 2;
			break;
		case OPT_SYSFS:
			sysfs_root = optarg;
			break;
		case 'h':
			usage(stdout);
			return 0;
		default:
			usage(stderr);
			return 2;
		}
	}
	setvbuf(stdout, NULL, _IOLBF, 0);

	if (dump) {
		if (all || optind < argc || nlog_files) {
			err("--dump-log takes no disks, --all or --log-file");
			return 2;
		}
		return dump_log(dump);
	}
	if (all == (optind < argc)) {
		err("name multipath disks or give --all");
		usage(stderr);
		return 2;
	}

	if (all) {
		if (mp_collect_all())
			status = 1;
	}
	for (; optind < argc; optind++) {
		const char *mp = argv[optind];

		if (!strncmp(mp, "/dev/", 5))
			mp += 5;
		if (!valid_name(mp)) {
			err("'%s' is not a disk name", argv[optind]);
			return 2;
		}
		if (mp_collect(mp))
			status = 1;
	}
	for (k = 0; k < nlog_files; k++) {
		for (i = 0; i < nctrls; i++)
			if (!strcmp(ctrls[i].name, log_files[k].ctrl))
				break;
		if (i == nctrls)
			info("%s: no path of the selected disks is on it; %s not used",
			     log_files[k].ctrl, log_files[k].file);
	}

	for (k = 0; k < nctrls; k++) {
		struct ctrl *c = &ctrls[k];
		int ret = ctrl_identify(c);

		if (ret < 0) {
			status = 1;
			continue;
		}
		if (ret == 0 && !(c->cmic & ID_CMIC_ANA)) {
			info("%s: no ANA reporting (CMIC 0x%02x): its paths are left alone",
			     c->name, c->cmic);
			continue;
		}
		if (ctrl_load_log(c)) {
			status = 1;
			continue;
		}
		for (i = 0; i < npaths; i++)
			if (paths[i].ctrl == k)
				path_update(&paths[i]);
	}

	for (k = 0; k < nctrls; k++)
		free(ctrls[k].ents);
	free(ctrls);
	free(paths);
	return status;
}
