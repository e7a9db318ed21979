// SPDX-License-Identifier: GPL-2.0
/*
 * nvme-mpath bundle - one .tar.gz for a vendor support case.
 *
 *   nvme-mpath bundle [-o FILE] [-t SECS] [-v]
 *
 * Everything is gathered into a private directory (mkdtemp, 0700) and packed
 * with tar(1).  Every command runs as a child in its own process group with
 * a time limit (SIGKILL after -t seconds), so a hung controller cannot hang
 * the bundle; once a command on a controller timed out, the rest of that
 * controller's commands are skipped.  MANIFEST says, for every item, what
 * it came from, its status and the time it took, and what could not be
 * collected and why.
 *
 * No secret leaves the host: files named dhchap* or tls*key* (and
 * /etc/nvme/ *key*) are never read, and the value after any dhchap_secret,
 * dhchap_ctrl_secret, dhchap_key, tls_key ... name, and any DHHC-1: or
 * NVMeTLSkey-1: string, in anything collected is replaced by <redacted>.
 * Keyrings are never read.
 */
#define _GNU_SOURCE
#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <fnmatch.h>
#include <ftw.h>
#include <getopt.h>
#include <limits.h>
#include <signal.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/utsname.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "nvme-mpath.h"
#include "mpath-sysfs.h"

#define CMD			"nvme-mpath bundle"
#define DEF_TIMEOUT		10
#define MAX_TIMEOUT		3600
#define TAR_EXTRA_SECS		60	/* tar gets the limit plus this */
#define FILE_MAX_BYTES		(16u << 20)	/* never read more of a file */
#define REDACTED		"<redacted>"
#define __printf(a, b)		__attribute__((format(printf, a, b)))

struct bundle {
	char top[1024];	/* the private temp dir */
	char dir[PATH_MAX];	/* top/<name>: the tarball's content */
	char name[128];	/* nvme-mpath-bundle-<host>-<date> */
	char out[PATH_MAX];	/* the tarball */
	char self[PATH_MAX];	/* this program, for list and ana-sync */
	const char *etc;	/* "/etc" ($NVME_MPATH_BUNDLE_ETC for tests) */
	int timeout;
	bool verbose;
	FILE *manifest;
	unsigned int items, missing;
	double start;
};

/* how a child ended */
struct run {
	int status;		/* exit status, -1 if killed by a signal */
	int sig;
	bool timed_out;
	double secs;
};

enum {
	F_RAW = 1,		/* binary: no redaction */
	F_GREP_NVME = 2,	/* keep only the lines that mention nvme */
};

/* SIGINT/SIGTERM/SIGHUP: kill the running child, stop, clean up */
static volatile sig_atomic_t stop_signal;

static void on_signal(int sig)
{
	stop_signal = sig;
}

static void catch_signals(void)
{
	struct sigaction sa = { .sa_handler = on_signal };
	static const int sigs[] = { SIGINT, SIGTERM, SIGHUP };
	size_t i;

	sigemptyset(&sa.sa_mask);
	for (i = 0; i < sizeof(sigs) / sizeof(sigs[0]); i++)
		sigaction(sigs[i], &sa, NULL);
}

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

static void __printf(1, 2) err(const char *fmt, ...)
{
	va_list ap;

	fprintf(stderr, CMD ": ");
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
}

/* ---- MANIFEST ------------------------------------------------------------ */

/* one line: ITEM STATUS SECONDS WHAT; STATUS has no blanks */
static void __printf(5, 6) note(struct bundle *b, const char *item,
				 const char *status, double secs,
				 const char *fmt, ...)
{
	char what[1024];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(what, sizeof(what), fmt, ap);
	va_end(ap);
	b->items++;
	if (strcmp(status, "ok") && strcmp(status, "redacted") &&
	    strcmp(status, "left-out"))
		b->missing++;
	fprintf(b->manifest, "%-40s %-10s %7.3f  %s\n", item, status, secs,
		what);
	fflush(b->manifest);
	if (b->verbose)
		fprintf(stderr, "%-40s %-10s %7.3f  %s\n", item, status, secs,
			what);
}

/* ---- names and paths ------------------------------------------------------ */

static bool is_secret_name(const char *name)
{
	return !fnmatch("*dhchap*", name, 0) ||
	       !fnmatch("*tls*key*", name, 0);
}

static int sysfs_file(char *buf, size_t len, const char *fmt, ...)
	__printf(3, 4);
static int sysfs_file(char *buf, size_t len, const char *fmt, ...)
{
	char rel[PATH_MAX];
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(rel, sizeof(rel), fmt, ap);
	va_end(ap);
	if (n < 0 || (size_t)n >= sizeof(rel))
		return -ENAMETOOLONG;
	return mpath_sysfs_path(buf, len, "%s/%s", mpath_sysfs_root, rel);
}

/* mkdir -p of the directories leading to file (which is under b->dir) */
static int make_parents(const char *file)
{
	char tmp[PATH_MAX];
	char *p;

	snprintf(tmp, sizeof(tmp), "%s", file);
	for (p = strchr(tmp + 1, '/'); p; p = strchr(p + 1, '/')) {
		*p = '\0';
		if (mkdir(tmp, 0700) && errno != EEXIST)
			return -errno;
		*p = '/';
	}
	return 0;
}

/* b->dir/item, parents made */
static int item_file(struct bundle *b, const char *item, char *buf, size_t len)
{
	int n = snprintf(buf, len, "%s/%s", b->dir, item);

	if (n < 0 || (size_t)n >= len)
		return -ENAMETOOLONG;
	return make_parents(buf);
}

/* a command name -> its full path through $PATH; false if not found */
static bool find_program(const char *name, char *buf, size_t len)
{
	const char *path = getenv("PATH");
	const char *p, *end;

	if (strchr(name, '/')) {
		snprintf(buf, len, "%s", name);
		return access(buf, X_OK) == 0;
	}
	if (!path || !*path)
		path = "/usr/sbin:/usr/bin:/sbin:/bin";
	for (p = path; *p; p = *end ? end + 1 : end) {
		end = strchrnul(p, ':');
		if (end == p)
			continue;
		snprintf(buf, len, "%.*s/%s", (int)(end - p), p, name);
		if (access(buf, X_OK) == 0)
			return true;
	}
	return false;
}

static bool is_ctrl_name(const char *s)
{
	if (strncmp(s, "nvme", 4) || !s[4])
		return false;
	for (s += 4; *s; s++)
		if (!isdigit((unsigned char)*s))
			return false;
	return true;
}

static bool skip_digits(const char **s)
{
	const char *p = *s;

	while (isdigit((unsigned char)**s))
		(*s)++;
	return *s != p;
}

/* nvme0n1, nvme0c1n1, mpnvme0n1 (not partitions) */
static bool is_nvme_disk(const char *s)
{
	if (!strncmp(s, "mp", 2))
		s += 2;
	if (strncmp(s, "nvme", 4))
		return false;
	s += 4;
	if (!skip_digits(&s))
		return false;
	if (*s == 'c' && (s++, !skip_digits(&s)))
		return false;
	if (*s++ != 'n' || !skip_digits(&s))
		return false;
	return *s == '\0';
}

/* the sorted names in dir accepted by ok(); caller frees */
static int list_dir(const char *dir, bool (*ok)(const char *),
		    struct mpath_names *out)
{
	struct dirent **ents;
	int n, i;

	out->name = NULL;
	out->n = 0;
	n = scandir(dir, &ents, NULL, versionsort);
	if (n < 0)
		return -errno;
	out->name = calloc(n ? n : 1, sizeof(char *));
	for (i = 0; i < n; i++) {
		if (out->name && ents[i]->d_name[0] != '.' &&
		    (!ok || ok(ents[i]->d_name)))
			out->name[out->n++] = strdup(ents[i]->d_name);
		free(ents[i]);
	}
	free(ents);
	return out->name ? 0 : -ENOMEM;
}

/* ---- redaction ----------------------------------------------------------- */

static const char *const secret_keys[] = {
	"dhchap_ctrl_secret", "dhchap_secret", "dhchap_ctrl_key",
	"dhchap_key", "dhchap-ctrl-secret", "dhchap-secret", "tls_key",
	"tls-key", NULL
};

static const char *const secret_prefixes[] = {
	"DHHC-1:", "NVMeTLSkey-1:", NULL
};

static bool ends_value(char c)
{
	return c == '\0' || isspace((unsigned char)c) || strchr("\"',;}]", c);
}

/* length of the key or prefix of list matched at s (left bytes), 0 if none */
static size_t match_any(const char *s, size_t left, const char *const *list)
{
	size_t n;

	for (; *list; list++) {
		n = strlen(*list);
		if (n <= left && !strncasecmp(s, *list, n))
			return n;
	}
	return 0;
}

/*
 * Copy in to out, replacing secret values by <redacted>: the value after a
 * secret key and its separators ("dhchap_secret: X", dhchap_secret=X,
 * "dhchap_secret":"X"), and any DHHC-1:... / NVMeTLSkey-1:... string.
 * out has room for 2 * len + 1: the shortest replaced run, a 7-byte key, a
 * separator and a 1-byte value, grows from 9 to 18 bytes; a 7-byte prefix
 * and what follows become 10.  Returns the number of values replaced.
 */
static unsigned int redact(const char *in, size_t len, char *out, size_t *olen)
{
	unsigned int hits = 0;
	size_t i = 0, o = 0, k, sep;

	while (i < len) {
		k = match_any(in + i, len - i, secret_keys);
		if (k) {
			memcpy(out + o, in + i, k);
			o += k;
			i += k;
			for (sep = 0; i < len && strchr("\"' \t:=", in[i]); sep++)
				out[o++] = in[i++];
			if (!sep || i >= len || in[i] == '\n')
				continue;
		} else if (!match_any(in + i, len - i, secret_prefixes)) {
			out[o++] = in[i++];
			continue;
		}
		while (i < len && !ends_value(in[i]))
			i++;
		memcpy(out + o, REDACTED, strlen(REDACTED));
		o += strlen(REDACTED);
		hits++;
	}
	out[o] = '\0';
	*olen = o;
	return hits;
}

/* read up to FILE_MAX_BYTES of a file; caller frees */
static int slurp(const char *file, char **buf, size_t *len)
{
	size_t cap = 65536, n = 0;
	ssize_t r;
	int fd = open(file, O_RDONLY | O_CLOEXEC | O_NONBLOCK);
	char *p;

	if (fd < 0)
		return -errno;
	*buf = malloc(cap + 1);
	while (*buf) {
		r = read(fd, *buf + n, cap - n);
		if (r < 0 && errno == EINTR)
			continue;
		if (r <= 0) {
			if (r < 0) {
				r = -errno;
				free(*buf);
				*buf = NULL;
				close(fd);
				return r;
			}
			break;
		}
		n += r;
		if (n == cap) {
			if (cap >= FILE_MAX_BYTES)
				break;
			cap *= 2;
			p = realloc(*buf, cap + 1);
			if (!p)
				free(*buf);
			*buf = p;
		}
	}
	close(fd);
	if (!*buf)
		return -ENOMEM;
	(*buf)[n] = '\0';
	*len = n;
	return 0;
}

static int write_all(const char *file, const char *buf, size_t len)
{
	int fd = open(file, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
	ssize_t w;
	size_t done = 0;

	if (fd < 0)
		return -errno;
	while (done < len) {
		w = write(fd, buf + done, len - done);
		if (w < 0 && errno == EINTR)
			continue;
		if (w < 0) {
			w = -errno;
			close(fd);
			return w;
		}
		done += w;
	}
	return close(fd) ? -errno : 0;
}

/* write buf to file, secrets redacted; returns values redacted or -errno */
static int write_redacted(const char *file, const char *buf, size_t len)
{
	char *out = malloc(2 * len + 1);
	unsigned int hits;
	size_t olen;
	int ret;

	if (!out)
		return -ENOMEM;
	hits = redact(buf, len, out, &olen);
	ret = write_all(file, out, olen);
	free(out);
	return ret ? ret : (int)hits;
}

/* redact a file in place; returns values redacted or -errno */
static int redact_file(const char *file)
{
	char *buf;
	size_t len;
	int ret = slurp(file, &buf, &len);

	if (ret)
		return ret;
	ret = write_redacted(file, buf, len);
	free(buf);
	return ret;
}

/*
 * Keep the lines of file that mention nvme (nvme, nvmet, nvme_mpath,
 * mpnvme), secrets redacted; returns values redacted or -errno.
 */
static int grep_nvme(const char *file)
{
	char *buf, *line, *save, *out, *o;
	size_t len;
	int ret = slurp(file, &buf, &len);

	if (ret)
		return ret;
	out = o = malloc(len + 1);
	for (line = strtok_r(buf, "\n", &save); out && line;
	     line = strtok_r(NULL, "\n", &save)) {
		if (!strcasestr(line, "nvme"))
			continue;
		o = stpcpy(o, line);
		*o++ = '\n';
	}
	free(buf);
	if (!out)
		return -ENOMEM;
	ret = write_redacted(file, out, o - out);
	free(out);
	return ret;
}

/* ---- files --------------------------------------------------------------- */

/* copy one file to item, redacted; notes it in MANIFEST; 0 or -errno */
static int copy_file(struct bundle *b, const char *src, const char *item,
		     bool quiet)
{
	char dst[PATH_MAX];
	double t0 = now();
	char *buf;
	size_t len;
	int ret;

	if (is_secret_name(strrchr(src, '/') ? strrchr(src, '/') + 1 : src)) {
		note(b, item, "left-out", 0, "%s: a secret, not read", src);
		return 0;
	}
	ret = slurp(src, &buf, &len);
	if (ret) {
		if (!quiet || ret != -ENOENT)
			note(b, item, ret == -ENOENT ? "missing" : "failed",
			     now() - t0, "%s: %s", src, strerror(-ret));
		return ret;
	}
	ret = item_file(b, item, dst, sizeof(dst));
	if (!ret)
		ret = write_redacted(dst, buf, len);
	free(buf);
	if (ret < 0)
		note(b, item, "failed", now() - t0, "%s: cannot write: %s", src,
		     strerror(-ret));
	else if (ret > 0)
		note(b, item, "redacted", now() - t0, "%s (%d secret values replaced by "
		     REDACTED ")", src, ret);
	else if (!quiet)
		note(b, item, "ok", now() - t0, "%s", src);
	return ret < 0 ? ret : 0;
}

struct tree {
	struct bundle *b;
	unsigned int files, failed;
};

static int copy_tree_at(struct tree *t, const char *src, const char *item);

static int copy_entry(struct tree *t, const char *src, const char *item)
{
	char target[PATH_MAX], dst[PATH_MAX];
	struct stat st;
	ssize_t n;

	if (lstat(src, &st))
		return -errno;
	if (S_ISDIR(st.st_mode))
		return copy_tree_at(t, src, item);
	if (S_ISLNK(st.st_mode)) {
		n = readlink(src, target, sizeof(target) - 1);
		if (n < 0 || item_file(t->b, item, dst, sizeof(dst)))
			return -EIO;
		target[n] = '\0';
		t->files++;
		return symlink(target, dst) ? -errno : 0;
	}
	if (!S_ISREG(st.st_mode) || !(st.st_mode & 0444))
		return 0;	/* write-only attributes have nothing to read */
	t->files++;
	if (copy_file(t->b, src, item, true)) {
		t->failed++;
		return -EIO;
	}
	return 0;
}

static int copy_tree_at(struct tree *t, const char *src, const char *item)
{
	char s[PATH_MAX], d[PATH_MAX];
	struct mpath_names names;
	size_t i;
	int ret = list_dir(src, NULL, &names);

	if (ret)
		return ret;
	for (i = 0; i < names.n; i++) {
		snprintf(s, sizeof(s), "%s/%s", src, names.name[i]);
		snprintf(d, sizeof(d), "%s/%s", item, names.name[i]);
		copy_entry(t, s, d);
	}
	mpath_names_free(&names);
	return 0;
}

/* a directory, recursively, as a tree under item */
static void copy_tree(struct bundle *b, const char *src, const char *item)
{
	struct tree t = { .b = b };
	double t0 = now();
	int ret = copy_tree_at(&t, src, item);

	if (ret)
		note(b, item, ret == -ENOENT ? "missing" : "failed", now() - t0,
		     "%s: %s", src, strerror(-ret));
	else
		note(b, item, t.failed ? "partial" : "ok", now() - t0,
		     "%s: %u files%s", src, t.files,
		     t.failed ? ", some unreadable (see above)" : "");
}

/* ---- commands ------------------------------------------------------------ */

static void child_exec(char *const argv[], const char *out, const char *errf)
{
	int in = open("/dev/null", O_RDONLY);
	int o = open(out, O_WRONLY | O_CREAT | O_TRUNC, 0600);
	int e = open(errf, O_WRONLY | O_CREAT | O_TRUNC, 0600);

	setpgid(0, 0);
	if (in < 0 || o < 0 || e < 0 || dup2(in, 0) < 0 || dup2(o, 1) < 0 ||
	    dup2(e, 2) < 0)
		_exit(127);
	setenv("LC_ALL", "C", 1);
	setenv("SYSTEMD_PAGER", "", 1);
	execv(argv[0], argv);
	dprintf(2, "cannot run %s: %s\n", argv[0], strerror(errno));
	_exit(127);
}

/* wait for pid until the deadline, then SIGKILL its process group */
static void child_wait(pid_t pid, double deadline, struct run *r)
{
	struct timespec nap = { 0, 2000000 };
	int st = 0;
	pid_t w;

	for (;;) {
		w = waitpid(pid, &st, WNOHANG);
		if (w == pid || (w < 0 && errno != EINTR))
			break;
		if (now() >= deadline || stop_signal) {
			kill(-pid, SIGKILL);
			kill(pid, SIGKILL);
			waitpid(pid, &st, 0);
			r->timed_out = true;
			break;
		}
		nanosleep(&nap, NULL);
		if (nap.tv_nsec < 50000000)
			nap.tv_nsec *= 2;
	}
	kill(-pid, SIGKILL);	/* whatever it left behind */
	r->status = WIFEXITED(st) ? WEXITSTATUS(st) : -1;
	r->sig = WIFSIGNALED(st) ? WTERMSIG(st) : 0;
}

/* run argv (argv[0] a full path), stdout to out, stderr to errf */
static int run_child(char *const argv[], const char *out, const char *errf,
		     int timeout, struct run *r)
{
	double t0 = now();
	pid_t pid;

	memset(r, 0, sizeof(*r));
	fflush(NULL);
	pid = fork();
	if (pid < 0)
		return -errno;
	if (pid == 0)
		child_exec(argv, out, errf);
	setpgid(pid, pid);
	child_wait(pid, t0 + timeout, r);
	r->secs = now() - t0;
	return 0;
}

static void join_argv(char *const argv[], char *buf, size_t len)
{
	size_t o = 0;
	int i;

	buf[0] = '\0';
	for (i = 0; argv[i] && o < len; i++)
		o += snprintf(buf + o, len - o, "%s%s", i ? " " : "",
			      argv[i]);
}

static void run_status(const struct run *r, int timeout, char *st, size_t len,
		       char *why, size_t wlen)
{
	why[0] = '\0';
	if (r->timed_out) {
		snprintf(st, len, "timeout");
		snprintf(why, wlen, " (killed after %d s)", timeout);
	} else if (r->sig) {
		snprintf(st, len, "signal=%d", r->sig);
	} else if (r->status) {
		snprintf(st, len, "exit=%d", r->status);
	} else {
		snprintf(st, len, "ok");
	}
}

/* stderr kept as item.stderr (redacted) only if it says something */
static void keep_stderr(const char *errf, bool keep)
{
	struct stat st;

	if (!keep || stat(errf, &st) || st.st_size == 0)
		unlink(errf);
	else
		redact_file(errf);
}

/*
 * Run a command into item.  argv[0] is looked up in $PATH (or is a full
 * path); if it is not there, MANIFEST says so.  Returns the run (status
 * 127 if the command could not be run at all).
 */
static struct run collect_cmd(struct bundle *b, const char *item, int flags,
			      char *argv[])
{
	char prog[PATH_MAX], out[PATH_MAX], errf[PATH_MAX + 8];
	char line[1024], st[32], why[64];
	struct run r = { .status = 127 };
	char *name = argv[0];
	int red = 0;

	join_argv(argv, line, sizeof(line));
	if (stop_signal)
		return r;
	if (!find_program(name, prog, sizeof(prog))) {
		note(b, item, "missing", 0, "%s: %s not installed", line, name);
		return r;
	}
	if (item_file(b, item, out, sizeof(out))) {
		note(b, item, "failed", 0, "%s: bad item name", line);
		return r;
	}
	snprintf(errf, sizeof(errf), "%s.stderr", out);
	argv[0] = prog;
	if (run_child(argv, out, errf, b->timeout, &r)) {
		argv[0] = name;
		note(b, item, "failed", 0, "%s: cannot fork: %m", line);
		return r;
	}
	argv[0] = name;
	if (flags & F_GREP_NVME)
		red = grep_nvme(out);
	else if (!(flags & F_RAW))
		red = redact_file(out);
	keep_stderr(errf, r.status || r.sig || r.timed_out);
	run_status(&r, b->timeout, st, sizeof(st), why, sizeof(why));
	if (red > 0 && !strcmp(st, "ok"))
		snprintf(st, sizeof(st), "redacted");
	note(b, item, st, r.secs, "%s%s%s%s", line, why,
	     flags & F_GREP_NVME ? " (only the lines with nvme)" : "",
	     red > 0 ? " (secret values redacted)" : "");
	return r;
}

/* ---- what is collected ---------------------------------------------------- */

static void collect_module(struct bundle *b)
{
	static const char *const module_files[] = { "version", "srcversion",
						    "initstate", "refcnt", NULL };
	const char *const *files = module_files;
	char src[PATH_MAX], item[PATH_MAX];
	char *modinfo[] = { "modinfo", "nvme_mpath", NULL };
	char *dkms[] = { "dkms", "status", NULL };
	int i;

	sysfs_file(src, sizeof(src), "module/nvme_mpath");
	if (access(src, F_OK)) {
		note(b, "module/*", "missing", 0, "%s: nvme_mpath not loaded", src);
		files = NULL;
	}
	for (i = 0; files && files[i]; i++) {
		sysfs_file(src, sizeof(src), "module/nvme_mpath/%s", files[i]);
		snprintf(item, sizeof(item), "module/%s", files[i]);
		copy_file(b, src, item, false);
	}
	if (files) {
		sysfs_file(src, sizeof(src), "module/nvme_mpath/parameters");
		copy_tree(b, src, "module/parameters");
	}
	collect_cmd(b, "module/modinfo.txt", 0, modinfo);
	collect_cmd(b, "module/dkms-status.txt", 0, dkms);
}

static void collect_kernel(struct bundle *b)
{
	char file[PATH_MAX], buf[1024];
	struct utsname u;
	int n;

	if (uname(&u) || item_file(b, "kernel/uname.txt", file, sizeof(file))) {
		note(b, "kernel/uname.txt", "failed", 0, "uname(): %m");
	} else {
		n = snprintf(buf, sizeof(buf), "%s %s %s %s %s\n", u.sysname,
			     u.nodename, u.release, u.version, u.machine);
		write_all(file, buf, n);
		note(b, "kernel/uname.txt", "ok", 0, "uname(2): release %s",
		     u.release);
	}
	copy_file(b, "/proc/cmdline", "kernel/cmdline", false);
	copy_file(b, "/proc/version", "kernel/version", false);
}

/* this program again, as a child: nvme-mpath [--sysfs ROOT] ARGS... */
static struct run collect_self(struct bundle *b, const char *item, int flags,
			       const char *a1, const char *a2, const char *a3,
			       const char *a4)
{
	char *argv[10];
	int n = 0;

	argv[n++] = b->self;
	if (strcmp(mpath_sysfs_root, "/sys")) {
		argv[n++] = "--sysfs";
		argv[n++] = (char *)mpath_sysfs_root;
	}
	argv[n++] = (char *)a1;
	argv[n++] = (char *)a2;
	argv[n++] = (char *)a3;
	argv[n++] = (char *)a4;
	argv[n] = NULL;
	return collect_cmd(b, item, flags, argv);
}

static void collect_mpath(struct bundle *b)
{
	char dir[PATH_MAX], src[PATH_MAX], item[PATH_MAX];
	struct mpath_names disks;
	size_t i;

	collect_self(b, "nvme-mpath/list.json", 0, "list", "-o", "json", NULL);
	collect_self(b, "nvme-mpath/list.txt", 0, "list", NULL, NULL, NULL);

	sysfs_file(dir, sizeof(dir), "block");
	if (list_dir(dir, is_nvme_disk, &disks)) {
		note(b, "sysfs/block", "failed", 0, "%s: %m", dir);
		return;
	}
	for (i = 0; i < disks.n; i++) {
		if (strncmp(disks.name[i], "mp", 2))
			continue;
		sysfs_file(src, sizeof(src), "block/%s/mpath", disks.name[i]);
		snprintf(item, sizeof(item), "sysfs/block/%s/mpath",
			 disks.name[i]);
		copy_tree(b, src, item);
	}
	mpath_names_free(&disks);
}

/* ctrl/<c>/sysfs.txt: "attr: value" of the controller's attributes */
static void collect_ctrl_attrs(struct bundle *b, const char *c)
{
	char dir[PATH_MAX], src[PATH_MAX + NAME_MAX], item[PATH_MAX];
	char file[PATH_MAX], val[MPATH_ATTR_MAX];
	struct mpath_names attrs;
	unsigned int secrets = 0;
	struct stat st;
	double t0 = now();
	FILE *f;
	size_t i;

	snprintf(item, sizeof(item), "ctrl/%s/sysfs.txt", c);
	sysfs_file(dir, sizeof(dir), "class/nvme/%s", c);
	if (list_dir(dir, NULL, &attrs) || item_file(b, item, file, sizeof(file)) ||
	    !(f = fopen(file, "w"))) {
		note(b, item, "failed", 0, "%s: %m", dir);
		return;
	}
	for (i = 0; i < attrs.n; i++) {
		snprintf(src, sizeof(src), "%s/%s", dir, attrs.name[i]);
		if (lstat(src, &st) || !S_ISREG(st.st_mode) || !(st.st_mode & 0444))
			continue;
		if (is_secret_name(attrs.name[i])) {
			fprintf(f, "%s: " REDACTED "\n", attrs.name[i]);
			secrets++;
			continue;
		}
		if (mpath_read_file(src, val, sizeof(val)))
			continue;
		fprintf(f, "%s: %s\n", attrs.name[i], val);
	}
	fclose(f);
	mpath_names_free(&attrs);
	if (redact_file(file) > 0 || secrets)
		note(b, item, "redacted", now() - t0,
		     "%s/* (%u secret attributes not read, shown as " REDACTED ")",
		     dir, secrets);
	else
		note(b, item, "ok", now() - t0, "%s/*", dir);
}

/* the ANA log in --dump-log format: ana-sync, else nvme-mpath-ana */
static struct run collect_ana_log(struct bundle *b, const char *c)
{
	char item[PATH_MAX], dev[64], helper[PATH_MAX];
	char *argv[] = { helper, "--dump-log", dev, NULL };
	struct run r;
	char *slash;

	snprintf(item, sizeof(item), "ctrl/%s/ana-log.bin", c);
	snprintf(dev, sizeof(dev), "%s", c);
	r = collect_self(b, item, F_RAW, "ana-sync", "--dump-log", c, NULL);
	if (r.status != MPATH_EXIT_USAGE)
		return r;
	/* this ana-sync has no --dump-log: the helper next to us, or in PATH */
	snprintf(helper, sizeof(helper), "%s", b->self);
	slash = strrchr(helper, '/');
	if (slash)
		snprintf(slash + 1, sizeof(helper) - (slash + 1 - helper),
			 "nvme-mpath-ana");
	if (!slash || access(helper, X_OK))
		snprintf(helper, sizeof(helper), "nvme-mpath-ana");
	return collect_cmd(b, item, F_RAW, argv);
}

/* run one nvme-cli command of controller c unless c already hung */
static void ctrl_nvme(struct bundle *b, const char *c, bool *hung,
		      const char *item, const char *sub, const char *dev)
{
	char devpath[PATH_MAX];
	char *argv[] = { "nvme", (char *)sub, "-o", "json", devpath, NULL };
	struct run r;

	snprintf(devpath, sizeof(devpath), "/dev/%s", dev);
	if (*hung) {
		note(b, item, "skipped", 0, "nvme %s: an earlier command on %s timed out",
		     sub, c);
		return;
	}
	r = collect_cmd(b, item, 0, argv);
	if (r.timed_out)
		*hung = true;
}

/* nvme-cli's view of controller c: Identify, SMART, error log */
static void collect_ctrl_nvme(struct bundle *b, const char *c, bool *hung)
{
	char dir[PATH_MAX], item[PATH_MAX];
	struct mpath_names nss;
	size_t i;

	snprintf(item, sizeof(item), "ctrl/%s/id-ctrl.json", c);
	ctrl_nvme(b, c, hung, item, "id-ctrl", c);
	sysfs_file(dir, sizeof(dir), "class/nvme/%s", c);
	if (!list_dir(dir, is_nvme_disk, &nss)) {
		for (i = 0; i < nss.n; i++) {
			snprintf(item, sizeof(item), "ctrl/%s/id-ns-%s.json", c,
				 nss.name[i]);
			ctrl_nvme(b, c, hung, item, "id-ns", nss.name[i]);
		}
		mpath_names_free(&nss);
	}
	snprintf(item, sizeof(item), "ctrl/%s/smart-log.json", c);
	ctrl_nvme(b, c, hung, item, "smart-log", c);
	snprintf(item, sizeof(item), "ctrl/%s/error-log.json", c);
	ctrl_nvme(b, c, hung, item, "error-log", c);
}

static void collect_ctrl(struct bundle *b, const char *c, bool have_nvme)
{
	char item[PATH_MAX];
	bool hung = false;

	collect_ctrl_attrs(b, c);
	if (have_nvme)
		collect_ctrl_nvme(b, c, &hung);
	if (hung) {
		snprintf(item, sizeof(item), "ctrl/%s/ana-log.bin", c);
		note(b, item, "skipped", 0,
		     "ANA log: an earlier command on %s timed out", c);
		return;
	}
	collect_ana_log(b, c);
}

static void collect_ctrls(struct bundle *b)
{
	char dir[PATH_MAX], nvme[PATH_MAX];
	char *subsys[] = { "nvme", "list-subsys", "-o", "json", NULL };
	struct mpath_names ctrls;
	bool have_nvme = find_program("nvme", nvme, sizeof(nvme));
	size_t i;

	if (have_nvme)
		collect_cmd(b, "nvme/list-subsys.json", 0, subsys);
	else
		note(b, "nvme/*", "missing", 0,
		     "nvme-cli not installed: no list-subsys, id-ctrl, id-ns, smart-log, error-log");
	sysfs_file(dir, sizeof(dir), "class/nvme");
	if (list_dir(dir, is_ctrl_name, &ctrls)) {
		note(b, "ctrl", "missing", 0, "%s: %m", dir);
		return;
	}
	if (!ctrls.n)
		note(b, "ctrl", "missing", 0, "%s: no NVMe controllers", dir);
	for (i = 0; i < ctrls.n; i++)
		collect_ctrl(b, ctrls.name[i], have_nvme);
	mpath_names_free(&ctrls);
}

/* the journal's kernel messages of this boot if journald runs, else dmesg */
static void collect_kernel_log(struct bundle *b)
{
	char *journal[] = { "journalctl", "-k", "-b", "--no-pager",
			    "-o", "short-monotonic", NULL };
	char *dmesg[] = { "dmesg", NULL };
	const char *item = "kernel/log-nvme.txt";
	struct run r = { .status = 1 };

	if (!access("/run/systemd/journal/socket", F_OK))
		r = collect_cmd(b, item, F_GREP_NVME, journal);
	if (r.status || r.sig || r.timed_out)
		collect_cmd(b, item, F_GREP_NVME, dmesg);
}

static void collect_udev(struct bundle *b)
{
	char dir[PATH_MAX], item[PATH_MAX], name[PATH_MAX];
	char *argv[] = { "udevadm", "info", "--query=all", name, NULL };
	struct mpath_names disks;
	size_t i;

	if (!find_program("udevadm", dir, sizeof(dir))) {
		note(b, "udev/*", "missing", 0, "udevadm not installed");
		return;
	}
	sysfs_file(dir, sizeof(dir), "block");
	if (list_dir(dir, is_nvme_disk, &disks))
		return;
	for (i = 0; i < disks.n; i++) {
		snprintf(name, sizeof(name), "--name=/dev/%s", disks.name[i]);
		snprintf(item, sizeof(item), "udev/%s.txt", disks.name[i]);
		collect_cmd(b, item, 0, argv);
	}
	if (!disks.n)
		note(b, "udev/*", "missing", 0, "%s: no nvme or mpnvme disks", dir);
	mpath_names_free(&disks);
}

/* every regular file of dir (not recursive), secrets left out */
static void collect_etc_dir(struct bundle *b, const char *sub,
			    const char *skip_glob)
{
	char dir[PATH_MAX], src[PATH_MAX + NAME_MAX], item[PATH_MAX + NAME_MAX];
	struct mpath_names files;
	size_t i;
	int ret;

	snprintf(dir, sizeof(dir), "%s/%s", b->etc, sub);
	snprintf(item, sizeof(item), "etc/%s", sub);
	ret = list_dir(dir, NULL, &files);
	if (ret) {
		note(b, item, ret == -ENOENT ? "missing" : "failed", 0,
		     "%s: %s", dir, strerror(-ret));
		return;
	}
	for (i = 0; i < files.n; i++) {
		snprintf(src, sizeof(src), "%s/%s", dir, files.name[i]);
		snprintf(item, sizeof(item), "etc/%s/%s", sub, files.name[i]);
		if (skip_glob && !fnmatch(skip_glob, files.name[i], 0)) {
			note(b, item, "left-out", 0, "%s: a key, not read", src);
			continue;
		}
		copy_file(b, src, item, false);
	}
	if (!files.n)
		note(b, item, "missing", 0, "%s: empty", dir);
	mpath_names_free(&files);
}

/* the devices { } section of lvm.conf, comments and blank lines dropped */
static int lvm_devices(const char *conf, FILE *out)
{
	char line[4096];
	int depth = 0;
	bool in = false, found = false;
	FILE *f = fopen(conf, "r");
	char *p, *s;

	if (!f)
		return -errno;
	while (fgets(line, sizeof(line), f)) {
		for (s = line; isspace((unsigned char)*s); s++)
			;
		p = strchr(s, '#');
		if (p)
			*p = '\0';
		if (!in && !strncmp(s, "devices", 7) &&
		    (isspace((unsigned char)s[7]) || s[7] == '{'))
			in = found = true;
		if (!in || !*s || *s == '\n')
			continue;
		fputs(line, out);
		if (!strchr(line, '\n'))
			fputc('\n', out);
		for (p = s; *p; p++)
			depth += *p == '{' ? 1 : *p == '}' ? -1 : 0;
		if (depth <= 0 && strchr(s, '}'))
			in = false;
	}
	fclose(f);
	return found ? 0 : -ENOENT;
}

static void collect_lvm(struct bundle *b)
{
	const char *item = "etc/lvm.conf-devices";
	char conf[PATH_MAX], file[PATH_MAX];
	double t0 = now();
	FILE *out;
	int ret;

	snprintf(conf, sizeof(conf), "%s/lvm/lvm.conf", b->etc);
	if (access(conf, F_OK)) {
		note(b, item, "missing", 0, "%s: %m", conf);
		return;
	}
	if (item_file(b, item, file, sizeof(file)) || !(out = fopen(file, "w"))) {
		note(b, item, "failed", 0, "%s: %m", file);
		return;
	}
	ret = lvm_devices(conf, out);
	fclose(out);
	if (!ret)
		ret = redact_file(file) < 0 ? -EIO : 0;
	note(b, item, ret ? "missing" : "ok", now() - t0,
	     "%s: devices { } section%s", conf, ret ? " not found" : "");
}

static void collect_etc(struct bundle *b)
{
	char dir[PATH_MAX];

	collect_etc_dir(b, "modprobe.d", NULL);
	collect_etc_dir(b, "nvme", "*key*");
	snprintf(dir, sizeof(dir), "%s/nvme-mpath", b->etc);
	if (access(dir, F_OK))
		note(b, "etc/nvme-mpath", "missing", 0, "%s: %m", dir);
	else
		copy_tree(b, dir, "etc/nvme-mpath");
	collect_lvm(b);
}

static void collect_packages(struct bundle *b)
{
	char *dpkg[] = { "dpkg-query", "-W", "-f",
			 "${db:Status-Abbrev} ${Package} ${Version}\\n", NULL };
	char *rpm[] = { "rpm", "-q", "-a", NULL };
	char path[PATH_MAX];

	if (find_program("dpkg-query", path, sizeof(path)))
		collect_cmd(b, "packages.txt", 0, dpkg);
	else if (find_program("rpm", path, sizeof(path)))
		collect_cmd(b, "packages.txt", 0, rpm);
	else
		note(b, "packages.txt", "missing", 0, "neither dpkg-query nor rpm");
}

/* ---- setup, tarball, cleanup --------------------------------------------- */

static void safe_hostname(char *buf, size_t len)
{
	char *p;

	if (gethostname(buf, len) || !*buf)
		snprintf(buf, len, "localhost");
	buf[len - 1] = '\0';
	for (p = buf; *p; p++)
		if (!isalnum((unsigned char)*p) && !strchr("-_.", *p))
			*p = '_';
}

static int bundle_open(struct bundle *b, int argc, char **argv)
{
	char host[64], date[32], line[1024], file[PATH_MAX + 16];
	const char *tmp = getenv("TMPDIR");
	time_t t = time(NULL);
	ssize_t n;
	int i, o;

	safe_hostname(host, sizeof(host));
	strftime(date, sizeof(date), "%Y%m%d-%H%M%S", gmtime(&t));
	snprintf(b->name, sizeof(b->name), "nvme-mpath-bundle-%s-%s", host, date);
	strftime(date, sizeof(date), "%Y-%m-%d %H:%M:%S", gmtime(&t));
	if (!b->out[0])
		snprintf(b->out, sizeof(b->out), "/var/tmp/%s.tar.gz", b->name);
	n = readlink("/proc/self/exe", b->self, sizeof(b->self) - 1);
	if (n > 0)
		b->self[n] = '\0';
	else	/* no /proc: the one in $PATH */
		snprintf(b->self, sizeof(b->self), "nvme-mpath");
	snprintf(b->top, sizeof(b->top), "%s/nvme-mpath-bundle.XXXXXX",
		 tmp && *tmp ? tmp : "/tmp");
	if (!mkdtemp(b->top)) {
		err("cannot make a temporary directory under %s: %m",
		    tmp && *tmp ? tmp : "/tmp");
		return -1;
	}
	snprintf(b->dir, sizeof(b->dir), "%s/%s", b->top, b->name);
	snprintf(file, sizeof(file), "%s/MANIFEST", b->dir);
	if (mkdir(b->dir, 0700) || !(b->manifest = fopen(file, "w"))) {
		err("cannot write %s: %m", file);
		return -1;
	}
	for (i = 0, o = 0; i < argc && o < (int)sizeof(line); i++)
		o += snprintf(line + o, sizeof(line) - o, " %s", argv[i]);
	fprintf(b->manifest,
		"nvme-mpath support bundle\n"
		"host:     %s\n"
		"created:  %s UTC\n"
		"command:  nvme-mpath%s\n"
		"limit:    %d s per command (then SIGKILL)\n"
		"secrets:  DH-CHAP/TLS key files are not read; secret values are "
		"replaced by " REDACTED "\n"
		"status:   ok | redacted | exit=N | signal=N | timeout | missing | "
		"skipped | left-out | partial | failed\n\n"
		"%-40s %-10s %7s  %s\n",
		host, date, line, b->timeout, "ITEM", "STATUS", "SECONDS",
		"SOURCE");
	return 0;
}

static int rm_entry(const char *path, const struct stat *st, int flag,
		    struct FTW *ftw)
{
	(void)st;
	(void)flag;
	(void)ftw;
	remove(path);
	return 0;
}

static void bundle_cleanup(struct bundle *b)
{
	if (b->manifest)
		fclose(b->manifest);
	b->manifest = NULL;
	if (b->top[0])
		nftw(b->top, rm_entry, 16, FTW_DEPTH | FTW_PHYS);
}

/* tar -czf OUT.part -C TOP NAME, then rename to OUT */
static int bundle_pack(struct bundle *b)
{
	char part[PATH_MAX + 16], errf[PATH_MAX + 16], tar[PATH_MAX];
	char *argv[] = { tar, "-czf", part, "-C", b->top, b->name, NULL };
	struct run r;
	char msg[256] = "";

	if (!find_program("tar", tar, sizeof(tar))) {
		err("tar not found: cannot write %s", b->out);
		return -1;
	}
	fprintf(b->manifest,
		"\n%u items, %u not (fully) collected, %.1f s; packed with tar\n",
		b->items, b->missing, now() - b->start);
	fclose(b->manifest);
	b->manifest = NULL;
	snprintf(part, sizeof(part), "%s.part", b->out);
	snprintf(errf, sizeof(errf), "%s/tar.stderr", b->top);
	if (run_child(argv, "/dev/null", errf, b->timeout + TAR_EXTRA_SECS, &r) ||
	    r.status || r.sig || r.timed_out) {
		FILE *f = fopen(errf, "r");

		if (f && !fgets(msg, sizeof(msg), f))
			msg[0] = '\0';
		if (f)
			fclose(f);
		msg[strcspn(msg, "\n")] = '\0';
		err("tar could not write %s%s%s", b->out, *msg ? ": " : "", msg);
		unlink(part);
		return -1;
	}
	if (rename(part, b->out)) {
		err("cannot rename %s to %s: %m", part, b->out);
		unlink(part);
		return -1;
	}
	return 0;
}

/* ---- the command ---------------------------------------------------------- */

static void usage(FILE *f)
{
	fprintf(f,
		"Usage: nvme-mpath bundle [-o FILE] [-t SECS] [-v]\n"
		"Collect what a vendor support case needs about nvme_mpath into one\n"
		".tar.gz: module version and parameters, kernel release and command\n"
		"line, nvme-mpath list, the mpath/ sysfs of every multipath disk, per\n"
		"controller its sysfs, Identify Controller/Namespace, SMART and error\n"
		"logs (nvme-cli) and raw ANA log, the kernel log lines of NVMe, udev\n"
		"properties, modprobe.d, /etc/nvme, /etc/nvme-mpath, lvm.conf's devices\n"
		"section and package versions, with a MANIFEST of what was collected.\n"
		"DH-CHAP and TLS keys are left out or redacted.\n"
		"\n"
		"  -o, --output FILE   the tarball (default\n"
		"                      /var/tmp/nvme-mpath-bundle-<host>-<date>.tar.gz)\n"
		"  -t, --timeout SECS  time limit of each command (default %d, 1-%d)\n"
		"  -v, --verbose       print each MANIFEST line as it is collected\n"
		"  -h, --help          this text\n"
		"\n"
		"Prints the tarball's name. Exit status: 0 written (even if some\n"
		"items are missing: see MANIFEST), 1 not written, 2 bad usage.\n",
		DEF_TIMEOUT, MAX_TIMEOUT);
}

static int parse_timeout(const char *s, int *out)
{
	char *end;
	long v;

	errno = 0;
	v = strtol(s, &end, 10);
	if (errno || end == s || *end || v < 1 || v > MAX_TIMEOUT)
		return -1;
	*out = (int)v;
	return 0;
}

/* -o FILE: not a directory, in a directory that exists */
static int check_output(const char *out)
{
	char dir[PATH_MAX];
	struct stat st;
	char *slash;

	if (!strcmp(out, "-")) {
		err("-o: standard output is not supported; give a file name");
		return -1;
	}
	if (!stat(out, &st) && S_ISDIR(st.st_mode)) {
		err("-o: %s is a directory; give a file name", out);
		return -1;
	}
	snprintf(dir, sizeof(dir), "%s", out);
	slash = strrchr(dir, '/');
	if (!slash)
		return 0;
	slash[slash == dir] = '\0';
	if (stat(dir, &st) || !S_ISDIR(st.st_mode)) {
		err("-o: no directory %s for %s", dir, out);
		return -1;
	}
	return 0;
}

static int parse_args(struct bundle *b, int argc, char **argv)
{
	static const struct option opts[] = {
		{ "output", required_argument, NULL, 'o' },
		{ "timeout", required_argument, NULL, 't' },
		{ "verbose", no_argument, NULL, 'v' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 }
	};
	int o;

	while ((o = getopt_long(argc, argv, "o:t:vh", opts, NULL)) != -1) {
		switch (o) {
		case 'o':
			if (!*optarg || strlen(optarg) >= sizeof(b->out) - 8 ||
			    optarg[strlen(optarg) - 1] == '/') {
				err("-o: '%s' is not a file name", optarg);
				return MPATH_EXIT_USAGE;
			}
			snprintf(b->out, sizeof(b->out), "%s", optarg);
			break;
		case 't':
			if (parse_timeout(optarg, &b->timeout)) {
				err("-t: '%s' is not a number of seconds (1-%d)",
				    optarg, MAX_TIMEOUT);
				return MPATH_EXIT_USAGE;
			}
			break;
		case 'v':
			b->verbose = true;
			break;
		case 'h':
			usage(stdout);
			return MPATH_EXIT_OK;
		default:
			usage(stderr);
			return MPATH_EXIT_USAGE;
		}
	}
	if (optind < argc) {
		err("unexpected argument '%s'", argv[optind]);
		usage(stderr);
		return MPATH_EXIT_USAGE;
	}
	if (b->out[0] && check_output(b->out))
		return MPATH_EXIT_USAGE;
	return -1;	/* go on */
}

/* in the order they are collected (MANIFEST's order) */
static void (*const collectors[])(struct bundle *) = {
	collect_module, collect_kernel, collect_mpath, collect_ctrls,
	collect_kernel_log, collect_udev, collect_etc, collect_packages,
};

int mpath_cmd_bundle(int argc, char **argv)
{
	struct bundle b = { .timeout = DEF_TIMEOUT, .etc = "/etc" };
	const char *etc = getenv("NVME_MPATH_BUNDLE_ETC");
	int ret = parse_args(&b, argc, argv);
	size_t i;

	if (ret >= 0)
		return ret;
	if (etc && *etc)
		b.etc = etc;
	b.start = now();
	umask(077);
	catch_signals();
	if (bundle_open(&b, argc, argv)) {
		bundle_cleanup(&b);
		return MPATH_EXIT_FAIL;
	}
	for (i = 0; i < sizeof(collectors) / sizeof(collectors[0]); i++)
		if (!stop_signal)
			collectors[i](&b);
	if (stop_signal) {
		err("interrupted (signal %d): no tarball written", (int)stop_signal);
		bundle_cleanup(&b);
		return MPATH_EXIT_FAIL;
	}
	ret = bundle_pack(&b) ? MPATH_EXIT_FAIL : MPATH_EXIT_OK;
	if (!ret)
		printf("%s\n", b.out);
	if (!ret && b.verbose)
		fprintf(stderr, CMD ": %u items, %u not (fully) collected, %.1f s\n",
			b.items, b.missing, now() - b.start);
	bundle_cleanup(&b);
	return ret;
}
