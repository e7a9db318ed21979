// SPDX-License-Identifier: GPL-2.0
/*
 * mpath-ana.c - nvme-mpath ana-sync (and nvme-mpath-ana): feed NVMe ANA
 * group and state of each path to nvme_mpath, once or as a watch.
 *
 * With nvme_core.multipath=N the kernel never reads the Asymmetric Namespace
 * Access log page, and nvme_mpath cannot send admin commands.  This command
 * reads Identify Controller and the ANA log page of each controller through
 * libnvme (admin passthrough on /dev/nvmeX) and writes every path's ANA
 * group, state, the controller's ANATT and TP4129's CQT/TBKAS into
 * /sys/block/mpnvme*\/mpath/paths/<disk>/.
 *
 * A log is checked as a whole before anything is written for the paths of
 * its controller (the checks follow the kernel's nvme_parse_ana_log() and are
 * a little stricter); a bad log changes nothing.  A value already in sysfs is
 * not written again.
 *
 * --watch: every interval one 16-byte ANA log read (header only, RGO) per
 * controller; the whole log is read and applied only when the change count
 * moved (or paths appeared, or the module sent a path uevent).  Each device
 * read runs in its own thread, so a controller that does not answer never
 * blocks the others; it is reported once, and once again when it answers.
 */
#define _GNU_SOURCE
#include <dirent.h>
#include <endian.h>
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <limits.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <sys/signalfd.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/times.h>
#include <unistd.h>
#include <linux/netlink.h>

#include <json.h>
#include <libnvme.h>

#include "nvme-mpath.h"

#define __printf(a, b)		__attribute__((format(printf, a, b)))

#define ANA_HDR_LEN		sizeof(struct nvme_ana_log)
#define ANA_DESC_LEN		sizeof(struct nvme_ana_group_desc)
#define ANA_LOG_MAX		(4u << 20)	/* never ask for or read more */
#define ID_CTRL_LEN		sizeof(struct nvme_id_ctrl)

#define NAME_LEN		64
#define VAL_LEN			64
#define MSG_LEN			1024
#define MAX_LOG_FILES		32
#define WATCH_MAX_INTERVAL	3600

_Static_assert(sizeof(struct nvme_ana_log) == 16, "ANA log header");
_Static_assert(sizeof(struct nvme_ana_group_desc) == 32, "ANA group desc");
_Static_assert(sizeof(struct nvme_id_ctrl) == 4096, "Identify Controller");
/*
 * CQT (Command Quiesce Time, TP4129) is bytes 386-387 of Identify Controller.
 * libnvme 1.3 does not name it yet: it lies in the named reserved member
 * rsvd384[128] (bytes 384-511), whose bytes 2-3 newer libnvme calls cqt.
 */
_Static_assert(offsetof(struct nvme_id_ctrl, rsvd384) == 384, "rsvd384");
#define ID_CQT_IN_RSVD384	2

/* what Identify Controller says that ana-sync uses */
struct idv {
	bool known;
	uint8_t cmic, anatt, anacap;
	bool tbkas;
	uint16_t cqt;
	uint32_t anagrpmax, nanagrpid, nn;
};

struct nsid_ent {
	uint32_t nsid;
	uint32_t grpid;
	size_t off;		/* byte offset of the NSID in the log */
	size_t desc_off;	/* byte offset of its group descriptor */
	uint8_t state;
};

/*
 * One device (or replay file) read, run in the caller's thread (one-shot
 * runs) or in a thread of its own (--watch).  Everything it needs is copied
 * in; what it prints goes to msg when it runs in a thread.
 */
struct job {
	char name[NAME_LEN];
	const char *log_file;
	const char *id_file;
	size_t mdts;
	bool full;		/* Identify + the whole log; else the header */
	bool rae;
	struct idv idv;		/* full: filled; header: the last known */
	int id_ret;		/* 0 known, 1 unknown but replaying, -1 error */
	uint8_t *log;
	ssize_t len;		/* -1: failed */
	bool rgo_refused;	/* the controller refused RGO (header read) */
	unsigned int ncmds;	/* admin commands sent */
	char msg[MSG_LEN];
	/* --watch */
	pthread_t tid;
	int notify_fd;
};

struct ctrl {
	char name[NAME_LEN];
	const char *log_file;	/* --log-file: replay these bytes */
	const char *id_file;	/* --id-file: identify data from a file */
	size_t mdts;		/* bytes, 0 = unknown (from a path's queue) */
	struct idv idv;
	struct nsid_ent *ents;	/* sorted by nsid */
	size_t nents;

	/* --watch */
	bool active;		/* a path of a selected disk is on it */
	bool have_cnt;		/* cnt is the change count last applied */
	uint64_t cnt;
	bool force;		/* read the whole log at the next pass */
	bool no_rgo;
	char sig[MSG_LEN];	/* its paths at the last full read */
	struct job *job;	/* outstanding read */
	struct timespec job_start;
	bool timed_out;
	char last_msg[MSG_LEN];
	unsigned long nheader, nfull, ncmds;
};

struct path {
	char mp[NAME_LEN];
	char disk[NAME_LEN];
	struct ctrl *ctrl;
	uint32_t nsid;
};

struct ctrl_file {
	char ctrl[NAME_LEN];
	const char *file;
};

/*
 * nvme-mpath's global --sysfs ROOT (mpath-sysfs.c); weak, since
 * nvme-mpath-ana is linked without mpath-sysfs.o.
 */
extern const char *mpath_sysfs_root __attribute__((weak));

static const char *prog = "nvme-mpath";
static const char *sysfs_root = "/sys";
static const char *dev_root = "/dev";
static bool verbose;
static bool dry_run;
static int status;		/* exit status: 0 or 1 */

static struct ctrl_file log_files[MAX_LOG_FILES];
static unsigned int nlog_files;
static struct ctrl_file id_files[MAX_LOG_FILES];
static unsigned int nid_files;

static struct ctrl **ctrls;	/* pointers: a job may outlive a realloc */
static size_t nctrls;
static struct path *paths;
static size_t npaths;

/*
 * -o json: what was found and done, printed at the end; jchanged collects
 * the attributes path_set() changed (or would) for the path being updated
 */
static bool json_out;
static struct json_object *jctrls, *jpaths, *jchanged;

/* where err() goes in this thread: stderr, or a job's/pass's buffer */
static __thread char *msg_sink;

/* ---- messages ----------------------------------------------------------- */

static void sink_add(char *buf, const char *fmt, va_list ap)
{
	size_t n = strlen(buf);

	if (n + 1 >= MSG_LEN)
		return;
	vsnprintf(buf + n, MSG_LEN - n, fmt, ap);
	n = strlen(buf);
	if (n + 1 < MSG_LEN) {
		buf[n] = '\n';
		buf[n + 1] = '\0';
	}
}

static void __printf(1, 2) err(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	if (msg_sink) {
		sink_add(msg_sink, fmt, ap);
	} else {
		fprintf(stderr, "%s: ", prog);
		vfprintf(stderr, fmt, ap);
		fputc('\n', stderr);
	}
	va_end(ap);
}

static void __printf(1, 2) info(const char *fmt, ...)
{
	va_list ap;

	if (!verbose)
		return;
	/* with -o json, standard output is the JSON document's */
	FILE *f = json_out ? stderr : stdout;

	flockfile(f);
	fprintf(f, "%s: ", prog);
	va_start(ap, fmt);
	vfprintf(f, fmt, ap);
	va_end(ap);
	fputc('\n', f);
	funlockfile(f);
}

/* print each line of a collected message buffer with the program's prefix */
static void print_msgs(const char *buf)
{
	const char *nl;

	while (*buf) {
		nl = strchr(buf, '\n');
		if (!nl)
			nl = buf + strlen(buf);
		fprintf(stderr, "%s: %.*s\n", prog, (int)(nl - buf), buf);
		buf = *nl ? nl + 1 : nl;
	}
}

static void *xrealloc(void *p, size_t n, size_t size)
{
	void *q;

	if (size && n > SIZE_MAX / size) {
		fprintf(stderr, "%s: out of memory\n", prog);
		exit(MPATH_EXIT_FAIL);
	}
	q = realloc(p, n && size ? n * size : 1);
	if (!q) {
		fprintf(stderr, "%s: out of memory\n", prog);
		exit(MPATH_EXIT_FAIL);
	}
	return q;
}

static uint32_t log_le32(const uint8_t *p)
{
	__le32 v;

	memcpy(&v, p, sizeof(v));
	return le32toh(v);
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

static struct ctrl *ctrl_find(const char *name)
{
	size_t i;

	for (i = 0; i < nctrls; i++)
		if (!strcmp(ctrls[i]->name, name))
			return ctrls[i];
	return NULL;
}

static struct ctrl *ctrl_get(const char *name)
{
	struct ctrl *c = ctrl_find(name);

	if (c)
		return c;
	c = xrealloc(NULL, 1, sizeof(*c));
	memset(c, 0, sizeof(*c));
	copy_name(c->name, name);
	c->log_file = ctrl_file_of(log_files, nlog_files, name);
	c->id_file = ctrl_file_of(id_files, nid_files, name);
	ctrls = xrealloc(ctrls, nctrls + 1, sizeof(*ctrls));
	ctrls[nctrls++] = c;
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
static int open_ctrl_dev(const char *name, bool quiet)
{
	char dev[PATH_MAX];
	int fd;

	if (mkpath(dev, sizeof(dev), "%s/%s", dev_root, name))
		return -1;
	fd = open(dev, O_RDONLY | O_CLOEXEC);
	if (fd >= 0)
		return fd;
	if (quiet && errno == ENOENT)
		info("%s: no %s", name, dev);
	else
		err("%s: cannot open %s: %s", name, dev, strerror(errno));
	return -1;
}

/* a libnvme return value: 0, or -1 with a message */
static int nvme_ret(const char *name, const char *what, int ret)
{
	if (ret < 0) {
		err("%s: %s failed: %s", name, what, strerror(errno));
		return -1;
	}
	if (ret > 0) {
		err("%s: %s failed: NVMe status 0x%x", name, what, ret);
		return -1;
	}
	return 0;
}

static void idv_parse(struct idv *v, const char *name,
		      const struct nvme_id_ctrl *id)
{
	v->cmic = id->cmic;
	v->anatt = id->anatt;
	v->anacap = id->anacap;
	v->anagrpmax = le32toh(id->anagrpmax);
	v->nanagrpid = le32toh(id->nanagrpid);
	v->nn = le32toh(id->nn);
	v->tbkas = le32toh(id->ctratt) & NVME_CTRL_CTRATT_TBKAS;
	v->cqt = (uint16_t)(id->rsvd384[ID_CQT_IN_RSVD384] |
			    id->rsvd384[ID_CQT_IN_RSVD384 + 1] << 8);
	v->known = true;
	info("%s: CMIC 0x%02x (ANA reporting %s), ANATT %u s, ANACAP 0x%02x, ANAGRPMAX %u, NANAGRPID %u, NN %u, TBKAS %u, CQT %u ms",
	     name, v->cmic, v->cmic & NVME_CTRL_CMIC_MULTI_ANA_REPORTING ? "yes" : "no",
	     v->anatt, v->anacap, v->anagrpmax, v->nanagrpid, v->nn,
	     v->tbkas, v->cqt);
}

/* Identify Controller from --id-file: 0 or -1 (message) */
static int job_id_file(struct job *j, struct nvme_id_ctrl *id)
{
	uint8_t *buf = NULL;
	ssize_t n;

	n = read_file(j->name, j->id_file, &buf, ID_CTRL_LEN);
	if (n < 0)
		return -1;
	if ((size_t)n != ID_CTRL_LEN) {
		err("%s: identify data %s is %zd bytes, not %zu",
		    j->name, j->id_file, n, ID_CTRL_LEN);
		free(buf);
		return -1;
	}
	memcpy(id, buf, ID_CTRL_LEN);
	free(buf);
	return 0;
}

/*
 * Identify Controller into j->idv.  Returns 0 if the data is known, 1 if it
 * is unknown but a replayed log may go on without it, -1 on error.
 */
static int job_identify(struct job *j)
{
	struct nvme_id_ctrl id;
	int fd, ret = -1;

	memset(&id, 0, sizeof(id));
	memset(&j->idv, 0, sizeof(j->idv));
	if (j->id_file) {
		if (job_id_file(j, &id))
			return -1;
		idv_parse(&j->idv, j->name, &id);
		return 0;
	}
	fd = open_ctrl_dev(j->name, j->log_file);
	if (fd >= 0) {
		j->ncmds++;
		ret = nvme_ret(j->name, "Identify Controller",
			       nvme_identify_ctrl(fd, &id));
		close(fd);
		if (ret == 0) {
			idv_parse(&j->idv, j->name, &id);
			return 0;
		}
	}
	if (j->log_file) {
		info("%s: identify data unknown; checking the replayed log without ANATT, ANAGRPMAX, NANAGRPID",
		     j->name);
		return 1;
	}
	return -1;
}

/* How many bytes of ANA log to ask for (a multiple of 4, >= the header). */
static size_t ana_log_size(const struct job *j)
{
	uint64_t size;

	size = ANA_HDR_LEN + (uint64_t)j->idv.nanagrpid * ANA_DESC_LEN +
	       (uint64_t)j->idv.nn * sizeof(__le32);
	if (size > ANA_LOG_MAX) {
		info("%s: ANA log could be %llu bytes; reading the first %u",
		     j->name, (unsigned long long)size, ANA_LOG_MAX);
		size = ANA_LOG_MAX;
	}
	if (j->mdts && size > j->mdts) {
		info("%s: ANA log could be %llu bytes; reading %zu (max transfer size)",
		     j->name, (unsigned long long)size, j->mdts);
		size = j->mdts;
	}
	size &= ~(uint64_t)3;
	if (size < ANA_HDR_LEN)
		size = ANA_HDR_LEN;
	return (size_t)size;
}

/*
 * Get Log Page (ANA), one command of size bytes.  libnvme 1.3's
 * nvme_get_log_ana() always clears RAE and splits the read in 4 KiB pieces
 * (a log that changes between them would be torn), so the same arguments are
 * given to nvme_get_log() here.  rae: keep the asynchronous event
 * outstanding; lsp: NVME_LOG_ANA_LSP_RGO_GROUPS_ONLY for the header only.
 */
static int ana_get_log(int fd, enum nvme_log_ana_lsp lsp, bool rae,
		       void *buf, size_t size)
{
	struct nvme_get_log_args args = {
		.lpo = 0,
		.result = NULL,
		.log = buf,
		.args_size = sizeof(args),
		.fd = fd,
		.timeout = NVME_DEFAULT_IOCTL_TIMEOUT,
		.lid = NVME_LOG_LID_ANA,
		.len = (__u32)size,
		.nsid = NVME_NSID_ALL,
		.csi = NVME_CSI_NVM,
		.lsi = NVME_LOG_LSI_NONE,
		.lsp = (__u8)lsp,
		.uuidx = NVME_UUID_NONE,
		.rae = rae,
		.ot = false,
	};

	return nvme_get_log(&args);
}

/* the whole log from the device into j->log, j->len (-1 on error) */
static void job_read_log(struct job *j)
{
	size_t size = ana_log_size(j);
	uint8_t *buf;
	int fd;

	j->len = -1;
	fd = open_ctrl_dev(j->name, false);
	if (fd < 0)
		return;
	buf = xrealloc(NULL, size, 1);
	memset(buf, 0, size);
	j->ncmds++;
	if (nvme_ret(j->name, "Get Log Page (ANA)",
		     ana_get_log(fd, NVME_LOG_ANA_LSP_RGO_NAMESPACES, j->rae,
				 buf, size))) {
		free(buf);
		close(fd);
		return;
	}
	close(fd);
	info("%s: read %zu bytes of ANA log", j->name, size);
	j->log = buf;
	j->len = (ssize_t)size;
}

/*
 * The header only (16 bytes, groups only): what --watch asks every interval.
 * A controller that refuses RGO is asked without it (still 16 bytes).
 */
static void job_read_header(struct job *j)
{
	enum nvme_log_ana_lsp lsp = NVME_LOG_ANA_LSP_RGO_GROUPS_ONLY;
	uint8_t *buf;
	int fd, ret;

	j->len = -1;
	fd = open_ctrl_dev(j->name, false);
	if (fd < 0)
		return;
	buf = xrealloc(NULL, ANA_HDR_LEN, 1);
	if (j->rgo_refused)
		lsp = NVME_LOG_ANA_LSP_RGO_NAMESPACES;
	j->ncmds++;
	ret = ana_get_log(fd, lsp, false, buf, ANA_HDR_LEN);
	if (ret > 0 && lsp == NVME_LOG_ANA_LSP_RGO_GROUPS_ONLY) {
		info("%s: RGO refused (NVMe status 0x%x); reading the header without it",
		     j->name, ret);
		j->rgo_refused = true;
		j->ncmds++;
		ret = ana_get_log(fd, NVME_LOG_ANA_LSP_RGO_NAMESPACES, false,
				  buf, ANA_HDR_LEN);
	}
	close(fd);
	if (nvme_ret(j->name, "Get Log Page (ANA header)", ret)) {
		free(buf);
		return;
	}
	j->log = buf;
	j->len = ANA_HDR_LEN;
}

static void job_replay(struct job *j)
{
	j->len = read_file(j->name, j->log_file, &j->log, ANA_LOG_MAX);
	if (j->len >= 0 && j->full)
		info("%s: replaying %zd bytes of ANA log from %s", j->name,
		     j->len, j->log_file);
}

/* Do what j asks: see struct job. */
static void job_run(struct job *j)
{
	j->len = -1;
	if (!j->full) {
		if (j->log_file)
			job_replay(j);
		else
			job_read_header(j);
		return;
	}
	j->id_ret = job_identify(j);
	if (j->id_ret < 0)
		return;
	if (j->id_ret == 0 && !(j->idv.cmic & NVME_CTRL_CMIC_MULTI_ANA_REPORTING))
		return;
	if (j->log_file)
		job_replay(j);
	else
		job_read_log(j);
}

static struct job *job_new(const struct ctrl *c, bool full)
{
	struct job *j = xrealloc(NULL, 1, sizeof(*j));

	memset(j, 0, sizeof(*j));
	copy_name(j->name, c->name);
	j->log_file = c->log_file;
	j->id_file = c->id_file;
	j->mdts = c->mdts;
	j->full = full;
	j->idv = c->idv;
	j->rgo_refused = c->no_rgo;
	j->notify_fd = -1;
	return j;
}

static void job_free(struct job *j)
{
	if (!j)
		return;
	free(j->log);
	free(j);
}

/* ---- the log ------------------------------------------------------------ */

static const char *ana_state_name(uint8_t state)
{
	switch (state) {
	case NVME_ANA_STATE_OPTIMIZED:
		return "optimized";
	case NVME_ANA_STATE_NONOPTIMIZED:
		return "non-optimized";
	case NVME_ANA_STATE_INACCESSIBLE:
		return "inaccessible";
	case NVME_ANA_STATE_PERSISTENT_LOSS:
		return "persistent-loss";
	case NVME_ANA_STATE_CHANGE:
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

/* the fixed part of the descriptor at off (which the caller checked fits) */
static void desc_at(const uint8_t *log, size_t off,
		    struct nvme_ana_group_desc *d)
{
	memcpy(d, log + off, sizeof(*d));
}

/* the change count of a log of at least ANA_HDR_LEN bytes */
static uint64_t log_chgcnt(const uint8_t *log)
{
	struct nvme_ana_log hdr;

	memcpy(&hdr, log, sizeof(hdr));
	return le64toh(hdr.chgcnt);
}

struct parse {
	struct nsid_ent *ents;
	size_t nents, cap;
	struct grp_ent *grps;
};

static void parse_add_nsid(struct parse *p, uint32_t nsid, uint32_t grpid,
			   size_t noff, size_t off, uint8_t state)
{
	if (p->nents == p->cap) {
		p->cap = p->cap ? p->cap * 2 : 64;
		p->ents = xrealloc(p->ents, p->cap, sizeof(*p->ents));
	}
	p->ents[p->nents].nsid = nsid;
	p->ents[p->nents].grpid = grpid;
	p->ents[p->nents].off = noff;
	p->ents[p->nents].desc_off = off;
	p->ents[p->nents].state = state;
	p->nents++;
}

/* Check the descriptor g at *off and collect its NSIDs: 0 or -1 (message) */
static int parse_desc(const struct ctrl *c, struct parse *p, const uint8_t *log,
		      size_t len, unsigned int g, unsigned int ngrps,
		      size_t *offp)
{
	struct nvme_ana_group_desc d;
	size_t off = *offp, noff;
	uint32_t grpid, nnsids, nsid, j;

	/* off <= len holds: checked before every advance */
	if (len - off < ANA_DESC_LEN) {
		reject(c, "group descriptor %u of %u at offset %zu runs past the end of the log (%zu bytes)",
		       g + 1, ngrps, off, len);
		return -1;
	}
	desc_at(log, off, &d);
	grpid = le32toh(d.grpid);
	nnsids = le32toh(d.nnsids);
	if (grpid == 0) {
		reject(c, "group descriptor %u at offset %zu: group id 0",
		       g + 1, off);
		return -1;
	}
	if (c->idv.known && grpid > c->idv.anagrpmax) {
		reject(c, "group %u at offset %zu: group id larger than ANAGRPMAX %u",
		       grpid, off, c->idv.anagrpmax);
		return -1;
	}
	if (!ana_state_name(d.state)) {
		reject(c, "group %u at offset %zu: unknown state 0x%02x",
		       grpid, off, d.state);
		return -1;
	}
	if (nnsids > (len - off - ANA_DESC_LEN) / sizeof(d.nsids[0])) {
		reject(c, "group %u at offset %zu: %u NSIDs do not fit in the %zu bytes left",
		       grpid, off, nnsids, len - off - ANA_DESC_LEN);
		return -1;
	}
	p->grps[g].grpid = grpid;
	p->grps[g].off = off;
	for (j = 0; j < nnsids; j++) {
		noff = off + offsetof(struct nvme_ana_group_desc, nsids) +
		       (size_t)j * sizeof(d.nsids[0]);
		nsid = log_le32(log + noff);
		if (nsid == 0 || nsid == NVME_NSID_ALL) {
			reject(c, "group %u at offset %zu: invalid NSID 0x%x at offset %zu",
			       grpid, off, nsid, noff);
			return -1;
		}
		parse_add_nsid(p, nsid, grpid, noff, off, d.state);
	}
	info("%s: group %u at offset %zu: %s, %u NSIDs", c->name, grpid, off,
	     ana_state_name(d.state), nnsids);
	*offp = off + ANA_DESC_LEN + (size_t)nnsids * sizeof(d.nsids[0]);
	return 0;
}

/* no group and no NSID twice: 0 or -1 (message) */
static int parse_check_dups(const struct ctrl *c, struct parse *p,
			    unsigned int ngrps)
{
	unsigned int g;
	size_t i;

	qsort(p->grps, ngrps, sizeof(*p->grps), cmp_grp);
	for (g = 1; g < ngrps; g++) {
		if (p->grps[g].grpid == p->grps[g - 1].grpid) {
			reject(c, "group %u at offset %zu: group already described at offset %zu",
			       p->grps[g].grpid, p->grps[g].off,
			       p->grps[g - 1].off);
			return -1;
		}
	}
	if (p->nents)
		qsort(p->ents, p->nents, sizeof(*p->ents), cmp_ent);
	for (i = 1; i < p->nents; i++) {
		const struct nsid_ent *e = &p->ents[i], *prev = &p->ents[i - 1];

		if (e->nsid == prev->nsid) {
			reject(c, "group %u at offset %zu: NSID %u at offset %zu is already listed in group %u (offset %zu)",
			       e->grpid, e->desc_off, e->nsid, e->off,
			       prev->grpid, prev->off);
			return -1;
		}
	}
	return 0;
}

/*
 * Check the whole log and build c->ents.  Returns 0 if it is sound, -1 (one
 * message printed) if anything is wrong: then nothing of it may be used.
 */
static int ana_log_parse(struct ctrl *c, const uint8_t *log, size_t len)
{
	struct parse p = { 0 };
	struct nvme_ana_log hdr;
	unsigned int ngrps, g;
	size_t off = ANA_HDR_LEN;

	free(c->ents);
	c->ents = NULL;
	c->nents = 0;
	if (len < ANA_HDR_LEN) {
		reject(c, "log is %zu bytes, shorter than its %zu-byte header",
		       len, ANA_HDR_LEN);
		return -1;
	}
	memcpy(&hdr, log, sizeof(hdr));
	ngrps = le16toh(hdr.ngrps);
	info("%s: ANA log: %zu bytes, change count %llu, %u groups", c->name,
	     len, (unsigned long long)le64toh(hdr.chgcnt), ngrps);
	if (c->idv.known && ngrps > c->idv.nanagrpid) {
		reject(c, "header at offset 0: %u groups, more than NANAGRPID %u",
		       ngrps, c->idv.nanagrpid);
		return -1;
	}
	p.grps = xrealloc(NULL, ngrps, sizeof(*p.grps));
	for (g = 0; g < ngrps; g++)
		if (parse_desc(c, &p, log, len, g, ngrps, &off))
			goto fail;
	if (parse_check_dups(c, &p, ngrps))
		goto fail;
	free(p.grps);
	c->ents = p.ents;
	c->nents = p.nents;
	return 0;
fail:
	free(p.grps);
	free(p.ents);
	return -1;
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

static int path_write(const struct path *p, const char *file, const char *val)
{
	int ret = write_text(file, val);

	if (ret) {
		err("%s/%s: cannot write '%s' to %s: %s", p->mp, p->disk, val,
		    file, strerror(-ret));
		return -1;
	}
	return 0;
}

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
		return path_write(p, file, val);
	}
	if (jchanged)
		json_object_array_add(jchanged, json_object_new_string(attr));
	if (dry_run) {
		if (!json_out)
			printf("%s/%s: would set %s: %s -> %s\n", p->mp,
			       p->disk, attr, cur, val);
		return 0;
	}
	if (path_write(p, file, val))
		return -1;
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

static int path_set_u(const struct path *p, const char *attr, unsigned int v,
		      bool opt)
{
	char val[VAL_LEN];

	snprintf(val, sizeof(val), "%u", v);
	return opt ? path_set_opt(p, attr, val) : path_set(p, attr, val, false);
}

/* -o json: one entry of "paths" (takes jchanged) */
static void json_path(const struct path *p, const struct nsid_ent *e, bool ok)
{
	struct json_object *o = json_object_new_object();

	json_object_object_add(o, "disk", json_object_new_string(p->mp));
	json_object_object_add(o, "path", json_object_new_string(p->disk));
	json_object_object_add(o, "controller",
			       json_object_new_string(p->ctrl->name));
	json_object_object_add(o, "nsid", json_object_new_int64(p->nsid));
	if (e) {
		json_object_object_add(o, "ana_group",
				       json_object_new_int64(e->grpid));
		json_object_object_add(o, "ana_state",
				       json_object_new_string(ana_state_name(e->state)));
	}
	json_object_object_add(o, "result", json_object_new_string(
		!e ? "nsid-not-in-log" : ok ? "ok" : "failed"));
	json_object_object_add(o, dry_run ? "would_change" : "changed",
			       jchanged);
	jchanged = NULL;
	json_object_array_add(jpaths, o);
}

static int path_update_attrs(const struct path *p, const struct nsid_ent *e)
{
	const struct ctrl *c = p->ctrl;

	/* ANATT, and TP4129's values for the module's write resend hold */
	if (c->idv.known &&
	    (path_set_u(p, "anatt", c->idv.anatt, false) ||
	     path_set_u(p, "tbkas", c->idv.tbkas, true) ||
	     path_set_u(p, "cqt", c->idv.cqt, true)))
		return -1;
	if (path_set_u(p, "ana_group", e->grpid, false) ||
	    path_set(p, "ana_state", ana_state_name(e->state), true))
		return -1;
	return 0;
}

static void path_update(const struct path *p)
{
	const struct ctrl *c = p->ctrl;
	const struct nsid_ent *e;
	int ret = 0;

	if (json_out)
		jchanged = json_object_new_array();
	e = ctrl_find_nsid(c, p->nsid);
	if (!e)
		err("%s/%s: NSID %u is in no ANA group of %s's log; path left unchanged",
		    p->mp, p->disk, p->nsid, c->name);
	else
		ret = path_update_attrs(p, e);
	if (ret)
		status = MPATH_EXIT_FAIL;
	if (json_out)
		json_path(p, e, ret == 0);
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

static void path_add(const char *mp, const char *disk, uint32_t nsid,
		     const char *ctrl)
{
	struct path *p;
	struct ctrl *c;
	size_t mt;

	paths = xrealloc(paths, npaths + 1, sizeof(*paths));
	p = &paths[npaths++];
	memset(p, 0, sizeof(*p));
	copy_name(p->mp, mp);
	copy_name(p->disk, disk);
	p->nsid = nsid;
	c = ctrl_get(ctrl);
	c->active = true;
	p->ctrl = c;
	mt = disk_max_transfer(disk);
	if (mt && (!c->mdts || mt < c->mdts))
		c->mdts = mt;
}

/* the NSID of multipath disk mp: 0 or -1 (message) */
static int mp_nsid(const char *mp, uint32_t *nsid)
{
	char file[PATH_MAX], val[VAL_LEN];
	int ret;

	if (mkpath(file, sizeof(file), "%s/block/%s/mpath/nsid", sysfs_root,
		   mp))
		return -1;
	ret = read_text(file, val, sizeof(val));
	if (ret) {
		err("%s: not an nvme_mpath disk (cannot read %s: %s)", mp, file,
		    strerror(-ret));
		return -1;
	}
	if (parse_u32(val, nsid) || *nsid == 0) {
		err("%s: bad nsid '%s' in %s", mp, val, file);
		return -1;
	}
	return 0;
}

/* Collect the paths of multipath disk mp.  Returns 0 or -1 (message). */
static int mp_collect(const char *mp)
{
	char dir[PATH_MAX], file[PATH_MAX], val[VAL_LEN];
	struct dirent *de;
	uint32_t nsid;
	DIR *d;
	int ret, n = 0;

	if (mp_nsid(mp, &nsid))
		return -1;
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
			status = MPATH_EXIT_FAIL;
			continue;
		}
		path_add(mp, de->d_name, nsid, val);
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

/* the selected disks (--all, or names) -> paths[] and ctrls[] */
struct sel {
	bool all;
	char **disks;
	int ndisks;
};

static int collect(const struct sel *s)
{
	int i, ret = 0;

	npaths = 0;
	for (i = 0; i < (int)nctrls; i++) {
		ctrls[i]->active = false;
		ctrls[i]->mdts = 0;
	}
	if (s->all && mp_collect_all())
		ret = -1;
	for (i = 0; i < s->ndisks; i++)
		if (mp_collect(s->disks[i]))
			ret = -1;
	return ret;
}

/* ---- applying what a full read brought ---------------------------------- */

/*
 * Use a finished full job on c: check its log and update c's paths.
 * Returns 0, or -1 (status set to 1, message printed).
 */
/* -o json: one entry of "controllers" */
static void json_ctrl(const struct ctrl *c, const struct job *j,
		      const char *result)
{
	struct json_object *o;

	if (!json_out)
		return;
	o = json_object_new_object();
	json_object_object_add(o, "name", json_object_new_string(c->name));
	json_object_object_add(o, "result", json_object_new_string(result));
	if (c->idv.known) {
		json_object_object_add(o, "anatt",
				       json_object_new_int(c->idv.anatt));
		json_object_object_add(o, "cqt", json_object_new_int(c->idv.cqt));
		json_object_object_add(o, "tbkas",
				       json_object_new_boolean(c->idv.tbkas));
	}
	if (j->len >= (ssize_t)ANA_HDR_LEN)
		json_object_object_add(o, "change_count",
				       json_object_new_int64((int64_t)log_chgcnt(j->log)));
	if (j->log_file)
		json_object_object_add(o, "log_file",
				       json_object_new_string(j->log_file));
	json_object_array_add(jctrls, o);
}

static int ctrl_apply(struct ctrl *c, struct job *j)
{
	const char *result = "failed";
	size_t i;

	if (j->id_ret < 0)
		goto fail;
	if (j->id_ret == 0)
		c->idv = j->idv;
	else
		c->idv.known = false;
	if (c->idv.known && !(c->idv.cmic & NVME_CTRL_CMIC_MULTI_ANA_REPORTING)) {
		info("%s: no ANA reporting (CMIC 0x%02x): its paths are left alone",
		     c->name, c->idv.cmic);
		json_ctrl(c, j, "no-ana-reporting");
		return 0;
	}
	if (j->len < 0)
		goto fail;
	if (ana_log_parse(c, j->log, (size_t)j->len)) {
		result = "rejected";
		goto fail;
	}
	json_ctrl(c, j, "applied");
	for (i = 0; i < npaths; i++)
		if (paths[i].ctrl == c)
			path_update(&paths[i]);
	return 0;
fail:
	json_ctrl(c, j, result);
	status = MPATH_EXIT_FAIL;
	return -1;
}

/* -o json: {"dry_run":..,"controllers":[..],"paths":[..]} on stdout */
static void json_print(void)
{
	struct json_object *root = json_object_new_object();

	json_object_object_add(root, "dry_run", json_object_new_boolean(dry_run));
	json_object_object_add(root, "controllers", jctrls);
	json_object_object_add(root, "paths", jpaths);
	printf("%s\n", json_object_to_json_string_ext(root,
			JSON_C_TO_STRING_PRETTY | JSON_C_TO_STRING_SPACED |
			JSON_C_TO_STRING_NOSLASHESCAPE));
	json_object_put(root);
	jctrls = jpaths = NULL;
}

/* one pass over every controller, each read in turn (no --watch) */
static void sync_once(void)
{
	struct job *j;
	size_t k;

	if (json_out) {
		jctrls = json_object_new_array();
		jpaths = json_object_new_array();
	}
	for (k = 0; k < nctrls; k++) {
		j = job_new(ctrls[k], true);
		job_run(j);
		ctrl_apply(ctrls[k], j);
		job_free(j);
	}
	if (json_out)
		json_print();
}

/* ---- --dump-log ----------------------------------------------------------- */

static int write_all(int fd, const uint8_t *buf, size_t len)
{
	size_t done = 0;
	ssize_t n;

	while (done < len) {
		n = write(fd, buf + done, len - done);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return -1;
		done += (size_t)n;
	}
	return 0;
}

static int dump_log(const char *name)
{
	struct ctrl c;
	struct job *j;
	int ret = MPATH_EXIT_FAIL;

	if (!valid_ctrl_name(name)) {
		err("--dump-log: '%s' is not a controller name (nvmeN)", name);
		return MPATH_EXIT_USAGE;
	}
	if (isatty(STDOUT_FILENO)) {
		err("--dump-log writes binary data: redirect standard output");
		return MPATH_EXIT_USAGE;
	}
	memset(&c, 0, sizeof(c));
	copy_name(c.name, name);
	c.id_file = ctrl_file_of(id_files, nid_files, name);
	j = job_new(&c, true);
	j->id_ret = job_identify(j);
	if (j->id_ret)
		goto out;
	if (!(j->idv.cmic & NVME_CTRL_CMIC_MULTI_ANA_REPORTING)) {
		err("%s: controller does not report ANA (CMIC 0x%02x)", name,
		    j->idv.cmic);
		goto out;
	}
	j->rae = true;
	job_read_log(j);
	if (j->len < 0)
		goto out;
	if (write_all(STDOUT_FILENO, j->log, (size_t)j->len)) {
		err("%s: writing the log: %s", name, strerror(errno));
		goto out;
	}
	ret = MPATH_EXIT_OK;
out:
	job_free(j);
	return ret;
}

/* ---- --watch ------------------------------------------------------------ */

struct watch {
	unsigned int interval;	/* seconds */
	const struct sel *sel;
	int sfd;		/* signalfd: SIGTERM, SIGINT */
	int ufd;		/* NETLINK_KOBJECT_UEVENT, -1 if none */
	int pipe[2];		/* finished jobs write their pointer here */
	bool wake;		/* a uevent asked for a pass now */
	bool module_seen;	/* <sysfs>/module/nvme_mpath was there */
	char last_collect[MSG_LEN];
	unsigned long passes, uevents;
	struct timespec start;
};

static double now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + ts.tv_nsec / 1e9;
}

static double ts_s(const struct timespec *ts)
{
	return (double)ts->tv_sec + ts->tv_nsec / 1e9;
}

static void *job_thread(void *arg)
{
	struct job *j = arg;

	msg_sink = j->msg;
	job_run(j);
	if (write(j->notify_fd, &j, sizeof(j)) != sizeof(j))
		abort();	/* the pipe is ours and never full */
	return NULL;
}

static int ctrl_start_job(struct watch *w, struct ctrl *c, bool full)
{
	struct job *j = job_new(c, full);
	sigset_t all, old;
	int ret;

	j->notify_fd = w->pipe[1];
	/* the thread must not take SIGTERM/SIGINT: the signalfd does */
	sigfillset(&all);
	pthread_sigmask(SIG_SETMASK, &all, &old);
	ret = pthread_create(&j->tid, NULL, job_thread, j);
	pthread_sigmask(SIG_SETMASK, &old, NULL);
	if (ret) {
		err("%s: cannot start a thread: %s", c->name, strerror(ret));
		job_free(j);
		return -1;
	}
	c->job = j;
	clock_gettime(CLOCK_MONOTONIC, &c->job_start);
	if (full)
		c->nfull++;
	else
		c->nheader++;
	return 0;
}

/* which paths are on c, as one string: a change forces a full read */
static void ctrl_signature(const struct ctrl *c, char *sig, size_t size)
{
	size_t i, n = 0;

	sig[0] = '\0';
	for (i = 0; i < npaths && n + 1 < size; i++) {
		if (paths[i].ctrl != c)
			continue;
		n += (size_t)snprintf(sig + n, size - n, "%s/%s ",
				      paths[i].mp, paths[i].disk);
		if (n >= size)
			n = size - 1;
	}
}

/* the messages of a job: printed once, not again while they repeat */
static void ctrl_report(struct ctrl *c, struct job *j)
{
	if (c->timed_out) {
		fprintf(stderr, "%s: %s: answered again after %.1f s\n", prog,
			c->name, now_s() - ts_s(&c->job_start));
		c->timed_out = false;
	}
	if (!strcmp(j->msg, c->last_msg))
		return;
	if (j->msg[0])
		print_msgs(j->msg);
	else if (c->last_msg[0])
		fprintf(stderr, "%s: %s: reads work again\n", prog, c->name);
	memcpy(c->last_msg, j->msg, sizeof(c->last_msg));
}

/* a header read finished: ask for the whole log if the count moved */
static void watch_header_done(struct watch *w, struct ctrl *c, struct job *j)
{
	uint64_t cnt;

	c->no_rgo = j->rgo_refused;
	if (j->len < (ssize_t)ANA_HDR_LEN) {
		if (j->len >= 0)	/* a short replay file: let the parser say */
			ctrl_start_job(w, c, true);
		return;
	}
	cnt = log_chgcnt(j->log);
	if (!c->force && c->have_cnt && cnt == c->cnt)
		return;
	info("%s: ANA change count %llu (was %s%llu): reading the log",
	     c->name, (unsigned long long)cnt, c->have_cnt ? "" : "unknown, ",
	     (unsigned long long)c->cnt);
	ctrl_start_job(w, c, true);
}

/* a full read finished: apply it; remember its count even if rejected */
static void watch_full_done(struct ctrl *c, struct job *j)
{
	int saved = status;

	c->force = false;
	ctrl_apply(c, j);
	status = saved;		/* a watch goes on: its status is the exit's */
	if (j->len >= (ssize_t)ANA_HDR_LEN) {
		c->cnt = log_chgcnt(j->log);
		c->have_cnt = true;
	} else {
		c->have_cnt = false;
	}
	ctrl_signature(c, c->sig, sizeof(c->sig));
}

static void watch_job_done(struct watch *w, struct job *j)
{
	struct ctrl *c = ctrl_find(j->name);

	pthread_join(j->tid, NULL);
	if (!c || c->job != j) {
		job_free(j);
		return;
	}
	c->job = NULL;
	c->ncmds += j->ncmds;
	ctrl_report(c, j);
	if (c->active) {
		if (j->full)
			watch_full_done(c, j);
		else
			watch_header_done(w, c, j);
	}
	job_free(j);
}

static void watch_drain_pipe(struct watch *w)
{
	struct job *j;

	while (read(w->pipe[0], &j, sizeof(j)) == sizeof(j))
		watch_job_done(w, j);
}

/* the disks and paths now; repeated messages are printed once */
static void watch_collect(struct watch *w)
{
	char buf[MSG_LEN] = "";

	msg_sink = buf;
	collect(w->sel);
	msg_sink = NULL;
	if (strcmp(buf, w->last_collect)) {
		print_msgs(buf);
		memcpy(w->last_collect, buf, sizeof(buf));
	}
}

/* the module was there and is gone (rmmod): the watch ends */
static bool module_gone(struct watch *w)
{
	char dir[PATH_MAX];
	bool there;

	if (mkpath(dir, sizeof(dir), "%s/module/nvme_mpath", sysfs_root))
		return false;
	there = access(dir, F_OK) == 0;
	if (there)
		w->module_seen = true;
	return w->module_seen && !there;
}

static void watch_pass(struct watch *w)
{
	char sig[MSG_LEN];
	double now = now_s();
	size_t k;

	w->passes++;
	watch_collect(w);
	for (k = 0; k < nctrls; k++) {
		struct ctrl *c = ctrls[k];

		if (!c->active) {
			c->have_cnt = false;	/* read it all when it is back */
			continue;
		}
		if (c->job) {
			if (!c->timed_out && now - ts_s(&c->job_start) >=
			    w->interval - 0.05) {
				fprintf(stderr, "%s: %s: ANA log read timed out, retrying every interval\n",
					prog, c->name);
				c->timed_out = true;
			}
			continue;
		}
		ctrl_signature(c, sig, sizeof(sig));
		if (strcmp(sig, c->sig))
			c->force = true;
		if (c->idv.known && !(c->idv.cmic & NVME_CTRL_CMIC_MULTI_ANA_REPORTING) &&
		    !c->force)
			continue;	/* no ANA: nothing to poll */
		ctrl_start_job(w, c, c->force || !c->have_cnt);
	}
}

/* Is this uevent one that should wake the watch?  buf: "ACTION@DEVPATH\0K=V\0..." */
static bool uevent_wakes(const char *buf, size_t len)
{
	const char *p = buf, *end = buf + len;
	bool block = false, nvme = false, mpath = false, ours = false;

	while (p < end) {
		size_t n = strnlen(p, (size_t)(end - p));

		if (!strncmp(p, "SUBSYSTEM=block", 15) && n == 15)
			block = true;
		else if (!strncmp(p, "SUBSYSTEM=nvme", 14) && n == 14)
			nvme = true;
		else if (!strncmp(p, "DEVNAME=", 8))
			ours = !strncmp(p + 8, "mpnvme", 6) ||
			       !strncmp(p + 8, "nvme", 4);
		else if (!strncmp(p, "NVME_MPATH_EVENT=", 17))
			mpath = true;
		p += n + 1;
	}
	return mpath || nvme || (block && ours);
}

static void watch_uevents(struct watch *w)
{
	char buf[8192];
	ssize_t n;

	while ((n = recv(w->ufd, buf, sizeof(buf) - 1, MSG_DONTWAIT)) > 0) {
		buf[n] = '\0';
		if (uevent_wakes(buf, (size_t)n)) {
			w->uevents++;
			w->wake = true;
		}
	}
}

static int uevent_open(void)
{
	struct sockaddr_nl sa = {
		.nl_family = AF_NETLINK,
		.nl_groups = 1,		/* the kernel's uevents */
	};
	int fd;

	fd = socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC | SOCK_NONBLOCK,
		    NETLINK_KOBJECT_UEVENT);
	if (fd < 0 || bind(fd, (struct sockaddr *)&sa, sizeof(sa))) {
		fprintf(stderr, "%s: no uevent socket (%s): polling only\n",
			prog, strerror(errno));
		if (fd >= 0)
			close(fd);
		return -1;
	}
	return fd;
}

static int watch_setup(struct watch *w)
{
	sigset_t set;

	sigemptyset(&set);
	sigaddset(&set, SIGTERM);
	sigaddset(&set, SIGINT);
	if (sigprocmask(SIG_BLOCK, &set, NULL) ||
	    (w->sfd = signalfd(-1, &set, SFD_CLOEXEC | SFD_NONBLOCK)) < 0 ||
	    pipe2(w->pipe, O_CLOEXEC | O_NONBLOCK)) {
		fprintf(stderr, "%s: cannot set up the watch: %s\n", prog,
			strerror(errno));
		return -1;
	}
	w->ufd = uevent_open();
	clock_gettime(CLOCK_MONOTONIC, &w->start);
	return 0;
}

/* what the watch cost: printed when it ends (and documented) */
static void watch_summary(const struct watch *w)
{
	unsigned long nh = 0, nf = 0, nc = 0, nact = 0;
	double secs = now_s() - ts_s(&w->start);
	long tck = sysconf(_SC_CLK_TCK);
	struct tms t;
	size_t k;

	for (k = 0; k < nctrls; k++) {
		nh += ctrls[k]->nheader;
		nf += ctrls[k]->nfull;
		nc += ctrls[k]->ncmds;
		nact += ctrls[k]->active;
	}
	times(&t);
	printf("%s: watch ended after %.1f s: %lu passes, %lu uevents, %lu controllers, %lu header reads, %lu full reads, %lu admin commands (%.2f per second per controller), CPU %.2f s\n",
	       prog, secs, w->passes, w->uevents, nact, nh, nf, nc,
	       secs > 0 && nact ? nc / secs / nact : 0.0,
	       tck > 0 ? (double)(t.tms_utime + t.tms_stime) / tck : 0.0);
}

static int watch_run(unsigned int interval, const struct sel *sel)
{
	struct watch w = { .interval = interval, .sel = sel, .ufd = -1 };
	double next = 0;

	if (watch_setup(&w))
		return MPATH_EXIT_FAIL;
	info("watching every %u s%s", interval,
	     w.ufd >= 0 ? " and on uevents" : "");
	for (;;) {
		struct pollfd pfd[3] = {
			{ .fd = w.sfd, .events = POLLIN },
			{ .fd = w.pipe[0], .events = POLLIN },
			{ .fd = w.ufd, .events = POLLIN },
		};
		double now = now_s();
		int timeout;

		if (module_gone(&w)) {
			printf("%s: nvme_mpath was unloaded: the watch ends\n",
			       prog);
			break;
		}
		if (w.wake || now >= next) {
			if (w.wake) {
				size_t k;

				for (k = 0; k < nctrls; k++)
					ctrls[k]->force = true;
			}
			w.wake = false;
			watch_pass(&w);
			next = now + interval;
		}
		timeout = (int)((next - now_s()) * 1000) + 1;
		if (poll(pfd, w.ufd >= 0 ? 3 : 2, timeout < 0 ? 0 : timeout) < 0 &&
		    errno != EINTR)
			break;
		if (pfd[0].revents)
			break;
		if (pfd[1].revents)
			watch_drain_pipe(&w);
		if (w.ufd >= 0 && pfd[2].revents)
			watch_uevents(&w);
	}
	watch_summary(&w);
	fflush(stdout);
	/* threads still in a hung ioctl end with the process */
	return MPATH_EXIT_OK;
}

/* ---- the command ---------------------------------------------------------- */

static void usage(FILE *f)
{
	const char *name = strcmp(prog, "nvme-mpath") ? prog : "nvme-mpath ana-sync";

	fprintf(f,
		"Usage: %s [options] [--all | MPDISK...]\n"
		"Read the ANA log page of each controller behind nvme_mpath's multipath\n"
		"disks and write each path's ANA group and state (and the controller's\n"
		"ANATT, CQT, TBKAS) into /sys/block/MPDISK/mpath/paths/<path>/.\n"
		"\n"
		"  -a, --all               every multipath disk (mpnvme*)\n"
		"  -v, --verbose           say what is read, checked and written\n"
		"  -n, --dry-run           print what would be written, write nothing\n"
		"  -o, --output-format FMT normal (default) or json: what was read and done\n"
		"  -w, --watch             keep running: every interval read each controller's\n"
		"                          ANA log header, the whole log when its change count\n"
		"                          moved; at once on the module's path uevents\n"
		"  -i, --interval SECS     --watch interval, 1-%u (default 2)\n"
		"      --dump-log CTRL     write the raw ANA log of /dev/CTRL to stdout\n"
		"      --log-file CTRL=FILE  use FILE as CTRL's ANA log (replay; re-read\n"
		"                          every interval with --watch)\n"
		"      --id-file CTRL=FILE   use FILE as CTRL's Identify Controller data\n"
		"      --sysfs DIR         sysfs root (default /sys; for tests)\n"
		"  -h, --help              this text\n"
		"\n"
		"Exit status: 0 fine, 1 a log was rejected or a read/write failed, 2 bad arguments.\n",
		name, WATCH_MAX_INTERVAL);
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

static int parse_interval(const char *s, unsigned int *val)
{
	uint32_t v;

	if (parse_u32(s, &v) || v == 0 || v > WATCH_MAX_INTERVAL) {
		err("--interval: '%s' is not a number of seconds from 1 to %u",
		    s, WATCH_MAX_INTERVAL);
		return -1;
	}
	*val = v;
	return 0;
}

enum {
	OPT_DUMP_LOG = 256,
	OPT_LOG_FILE,
	OPT_ID_FILE,
	OPT_SYSFS,
};

struct args {
	const char *dump;
	bool watch;
	bool interval_given;
	unsigned int interval;
	struct sel sel;
};

/* options -> a; 0, or an exit status (help: 0 with *done set) */
static int parse_args(int argc, char **argv, struct args *a, bool *done)
{
	static const struct option opts[] = {
		{ "all", no_argument, NULL, 'a' },
		{ "verbose", no_argument, NULL, 'v' },
		{ "dry-run", no_argument, NULL, 'n' },
		{ "watch", no_argument, NULL, 'w' },
		{ "output-format", required_argument, NULL, 'o' },
		{ "interval", required_argument, NULL, 'i' },
		{ "dump-log", required_argument, NULL, OPT_DUMP_LOG },
		{ "log-file", required_argument, NULL, OPT_LOG_FILE },
		{ "id-file", required_argument, NULL, OPT_ID_FILE },
		{ "sysfs", required_argument, NULL, OPT_SYSFS },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 }
	};
	int o;

	optind = 1;
	while ((o = getopt_long(argc, argv, "avnwi:o:h", opts, NULL)) != -1) {
		switch (o) {
		case 'a':
			a->sel.all = true;
			break;
		case 'v':
			verbose = true;
			break;
		case 'n':
			dry_run = true;
			break;
		case 'w':
			a->watch = true;
			break;
		case 'o':
			if (!strcmp(optarg, "json")) {
				json_out = true;
			} else if (strcmp(optarg, "normal")) {
				err("-o: unknown output format '%s' (valid: normal, json)",
				    optarg);
				return MPATH_EXIT_USAGE;
			}
			break;
		case 'i':
			if (parse_interval(optarg, &a->interval))
				return MPATH_EXIT_USAGE;
			a->interval_given = true;
			break;
		case OPT_DUMP_LOG:
			a->dump = optarg;
			break;
		case OPT_LOG_FILE:
			if (add_ctrl_file(log_files, &nlog_files, "--log-file",
					  optarg))
				return MPATH_EXIT_USAGE;
			break;
		case OPT_ID_FILE:
			if (add_ctrl_file(id_files, &nid_files, "--id-file",
					  optarg))
				return MPATH_EXIT_USAGE;
			break;
		case OPT_SYSFS:
			sysfs_root = optarg;
			break;
		case 'h':
			usage(stdout);
			*done = true;
			return MPATH_EXIT_OK;
		default:
			usage(stderr);
			return MPATH_EXIT_USAGE;
		}
	}
	a->sel.disks = argv + optind;
	a->sel.ndisks = argc - optind;
	return MPATH_EXIT_OK;
}

/* combinations of options that make no sense: exit status 2 */
static int check_args(struct args *a)
{
	int i;

	if (a->dump) {
		if (a->sel.all || a->sel.ndisks || nlog_files || a->watch ||
		    json_out) {
			err("--dump-log takes no disks, --all, --log-file, --watch or -o json");
			return MPATH_EXIT_USAGE;
		}
		return MPATH_EXIT_OK;
	}
	if (a->sel.all == (a->sel.ndisks > 0)) {
		err("name multipath disks or give --all");
		usage(stderr);
		return MPATH_EXIT_USAGE;
	}
	if (a->interval_given && !a->watch) {
		err("--interval goes with --watch");
		return MPATH_EXIT_USAGE;
	}
	if (a->watch && dry_run) {
		err("--watch and --dry-run do not go together");
		return MPATH_EXIT_USAGE;
	}
	if (a->watch && json_out) {
		err("--watch writes no JSON: its messages are its output");
		return MPATH_EXIT_USAGE;
	}
	for (i = 0; i < a->sel.ndisks; i++) {
		char *mp = a->sel.disks[i];

		if (!strncmp(mp, "/dev/", 5))
			a->sel.disks[i] = mp + 5;
		if (!valid_name(a->sel.disks[i])) {
			err("'%s' is not a disk name", mp);
			return MPATH_EXIT_USAGE;
		}
	}
	return MPATH_EXIT_OK;
}

static void note_unused_log_files(void)
{
	unsigned int k;

	for (k = 0; k < nlog_files; k++)
		if (!ctrl_find(log_files[k].ctrl))
			info("%s: no path of the selected disks is on it; %s not used",
			     log_files[k].ctrl, log_files[k].file);
}

static void free_all(void)
{
	size_t k;

	for (k = 0; k < nctrls; k++) {
		free(ctrls[k]->ents);
		if (!ctrls[k]->job)	/* a hung thread may still use its job */
			free(ctrls[k]);
	}
	free(ctrls);
	free(paths);
	ctrls = NULL;
	paths = NULL;
	nctrls = npaths = 0;
}

/*
 * nvme-mpath ana-sync, and nvme-mpath-ana (argv[0] "nvme-mpath-ana": its
 * messages keep that name).
 */
int mpath_cmd_ana_sync(int argc, char **argv)
{
	struct args a = { .interval = 2 };
	const char *base = strrchr(argv[0], '/');
	bool done = false;
	int ret;

	base = base ? base + 1 : argv[0];
	prog = strcmp(base, "nvme-mpath-ana") ? "nvme-mpath" : "nvme-mpath-ana";
	if (&mpath_sysfs_root && mpath_sysfs_root)
		sysfs_root = mpath_sysfs_root;	/* ana-sync's --sysfs wins */
	ret = parse_args(argc, argv, &a, &done);
	if (ret || done)
		return ret;
	ret = check_args(&a);
	if (ret)
		return ret;
	setvbuf(stdout, NULL, _IOLBF, 0);
	if (a.dump)
		return dump_log(a.dump);

	status = MPATH_EXIT_OK;
	if (a.watch) {
		ret = watch_run(a.interval, &a.sel);
		free_all();
		return ret;
	}
	if (collect(&a.sel))
		status = MPATH_EXIT_FAIL;
	note_unused_log_files();
	sync_once();
	free_all();
	return status;
}
