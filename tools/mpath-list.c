// SPDX-License-Identifier: GPL-2.0
/*
 * mpath-list.c - nvme-mpath list, set-policy, fail-path, reinstate-path, stats.
 *
 * Everything here is read from (and written to) nvme_mpath's sysfs through
 * mpath-sysfs.h; no NVMe command is sent. JSON is built with json-c.
 *
 * list: the fields of a disk and of a path are named after the sysfs file
 * they come from (disk_fields[], path_fields[]); a file that is absent or
 * unreadable is null in JSON and "-" in text.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <getopt.h>
#include <inttypes.h>
#include <math.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <json.h>

#include "nvme-mpath.h"
#include "mpath-sysfs.h"

/* ---- shared: output format, messages -------------------------------------- */

enum out_fmt { FMT_NORMAL, FMT_JSON, FMT_PROMETHEUS };

static const char *const fmt_names[] = {
	[FMT_NORMAL] = "normal",
	[FMT_JSON] = "json",
	[FMT_PROMETHEUS] = "prometheus",
};

/* -o ARG: one of the first nfmt formats; -1 (and a message) if not */
static int parse_format(const char *cmd, const char *arg, int nfmt)
{
	int i;

	for (i = 0; i < nfmt; i++)
		if (!strcmp(arg, fmt_names[i]))
			return i;
	fprintf(stderr, "nvme-mpath %s: unknown output format '%s' (valid: normal, json%s)\n",
		cmd, arg, nfmt > FMT_PROMETHEUS ? ", prometheus" : "");
	return -1;
}

static int usage_error(const char *cmd, const char *msg, const char *arg)
{
	fprintf(stderr, "nvme-mpath %s: %s%s%s%s\n", cmd, msg,
		arg ? " '" : "", arg ? arg : "", arg ? "'" : "");
	fprintf(stderr, "Try 'nvme-mpath %s --help'.\n", cmd);
	return MPATH_EXIT_USAGE;
}

/* an unrecognised option: getopt already said what */
static int bad_option(const char *cmd)
{
	fprintf(stderr, "Try 'nvme-mpath %s --help'.\n", cmd);
	return MPATH_EXIT_USAGE;
}

/* the DISK argument of list and stats: an existing multipath disk */
static int check_disk_arg(const char *cmd, const char *arg, const char **disk)
{
	*disk = mpath_disk_name(arg);
	if (!*disk)
		return usage_error(cmd, "not a disk name:", arg);
	if (!mpath_is_disk(*disk)) {
		fprintf(stderr, "nvme-mpath %s: %s is not a multipath disk of nvme_mpath\n",
			cmd, *disk);
		return MPATH_EXIT_FAIL;
	}
	return MPATH_EXIT_OK;
}

/* the disks to show: one named, or all of them */
static int select_disks(const char *disk, struct mpath_names *disks)
{
	if (!disk) {
		int ret = mpath_list_disks(disks);

		/* no block/ at all, or no disk: an empty list */
		return ret == -ENOENT ? 0 : ret;
	}
	disks->n = 0;
	disks->name = malloc(sizeof(*disks->name));
	if (!disks->name)
		return -ENOMEM;
	disks->name[0] = strdup(disk);
	if (!disks->name[0])
		return -ENOMEM;
	disks->n = 1;
	return 0;
}

static void print_json(struct json_object *obj)
{
	puts(json_object_to_json_string_ext(obj, JSON_C_TO_STRING_PRETTY |
					    JSON_C_TO_STRING_SPACED |
					    JSON_C_TO_STRING_NOSLASHESCAPE));
}

/* seconds, 0.01 to 86400 (-i of stats, -w of fail-path) */
static int parse_interval(const char *arg, double *secs)
{
	char *end;

	errno = 0;
	*secs = strtod(arg, &end);
	return errno || end == arg || *end || !isfinite(*secs) ||
	       *secs < 0.01 || *secs > 86400 ? -1 : 0;
}

static void sleep_secs(double secs)
{
	struct timespec ts = {
		.tv_sec = (time_t)secs,
		.tv_nsec = (long)((secs - (double)(time_t)secs) * 1e9),
	};

	while (nanosleep(&ts, &ts) && errno == EINTR)
		;
}

static double secs_between(const struct timespec *a, const struct timespec *b)
{
	return (double)(b->tv_sec - a->tv_sec) +
	       (double)(b->tv_nsec - a->tv_nsec) / 1e9;
}

/* ---- list ------------------------------------------------------------------ */

enum field_type { F_STR, F_NUM, F_WORDS };

struct field {
	const char *attr;	/* sysfs file = JSON key */
	enum field_type type;	/* F_WORDS: space-separated list -> array */
	bool verbose;		/* text output: only with -v */
};

/* ROOT/block/<disk>/mpath/<attr>, in output order */
static const struct field disk_fields[] = {
	{ "wwid", F_STR, false },
	{ "nsid", F_NUM, false },
	{ "subsysnqn", F_STR, false },
	{ "iopolicy", F_STR, false },
	{ "current_paths", F_WORDS, true },
	{ "failovers", F_NUM, true },
	{ "queued_ios", F_NUM, true },
	{ "no_path_ms", F_NUM, true },
	{ "io_fail_no_available_path_count", F_NUM, true },
	{ "command_error_count", F_NUM, true },
	{ "resend_hold", F_STR, true },
	{ "writes_held", F_NUM, true },
	{ "hold_ms", F_NUM, true },
};

/* ROOT/block/<disk>/mpath/paths/<path>/<attr>, in output order */
static const struct field path_fields[] = {
	{ "controller", F_STR, false },
	{ "cntlid", F_NUM, true },
	{ "transport", F_STR, false },
	{ "address", F_STR, false },
	{ "numa_node", F_NUM, true },
	{ "state", F_STR, false },
	{ "admin_state", F_STR, false },
	{ "ctrl_state", F_STR, true },
	{ "ana_group", F_NUM, false },
	{ "ana_state", F_STR, false },
	{ "ana_changes", F_NUM, true },
	{ "ana_last_change_ms", F_NUM, true },
	{ "anatt", F_NUM, true },
	{ "cqt", F_NUM, true },
	{ "tbkas", F_NUM, true },
	{ "inflight", F_NUM, false },
	{ "read_ios", F_NUM, false },
	{ "write_ios", F_NUM, false },
	{ "read_bytes", F_NUM, true },
	{ "write_bytes", F_NUM, true },
	{ "latency_us", F_NUM, true },
	{ "errors", F_NUM, false },
	{ "failovers", F_NUM, true },
	{ "command_error_count", F_NUM, true },
	{ "command_retry_count", F_NUM, true },
	{ "resend_hold_ms", F_NUM, true },
};

/* ROOT/class/nvme/<controller>/<attr>: what identifies the hardware */
static const char *const ctrl_fields[] = { "model", "serial", "firmware_rev" };

#define NDISK_FIELDS (sizeof(disk_fields) / sizeof(disk_fields[0]))
#define NPATH_FIELDS (sizeof(path_fields) / sizeof(path_fields[0]))
#define NCTRL_FIELDS (sizeof(ctrl_fields) / sizeof(ctrl_fields[0]))

/* one value as read: NULL when absent or unreadable */
struct path_info {
	char name[MPATH_NAME_MAX];
	char *val[NPATH_FIELDS];
	char *ctrl[NCTRL_FIELDS];
};

struct disk_info {
	char name[MPATH_NAME_MAX];
	char *val[NDISK_FIELDS];
	bool have_size;
	uint64_t size_bytes;
	struct path_info *paths;
	size_t npaths;
};

static char *read_or_null(int ret, const char *buf)
{
	return ret ? NULL : strdup(buf);
}

static void path_load(const char *disk, const char *path, struct path_info *p)
{
	char buf[MPATH_ATTR_MAX];
	size_t i;
	int ret;

	snprintf(p->name, sizeof(p->name), "%s", path);
	for (i = 0; i < NPATH_FIELDS; i++) {
		ret = mpath_path_read(disk, path, path_fields[i].attr, buf,
				      sizeof(buf));
		p->val[i] = read_or_null(ret, buf);
	}
	for (i = 0; i < NCTRL_FIELDS; i++) {
		ret = p->val[0] && mpath_disk_name(p->val[0]) ?
			mpath_ctrl_read(p->val[0], ctrl_fields[i], buf,
					sizeof(buf)) : -ENOENT;
		p->ctrl[i] = read_or_null(ret, buf);
	}
}

static void path_free(struct path_info *p)
{
	size_t i;

	for (i = 0; i < NPATH_FIELDS; i++)
		free(p->val[i]);
	for (i = 0; i < NCTRL_FIELDS; i++)
		free(p->ctrl[i]);
}

/* 0, or -errno when the disk is not (or no longer) there */
static int disk_load(const char *disk, struct disk_info *d)
{
	char buf[MPATH_ATTR_MAX];
	struct mpath_names paths = { NULL, 0 };
	size_t i;
	int ret;

	memset(d, 0, sizeof(*d));
	snprintf(d->name, sizeof(d->name), "%s", disk);
	for (i = 0; i < NDISK_FIELDS; i++) {
		ret = mpath_disk_read(disk, disk_fields[i].attr, buf, sizeof(buf));
		d->val[i] = read_or_null(ret, buf);
	}
	d->have_size = !mpath_block_size(disk, &d->size_bytes);
	ret = mpath_list_paths(disk, &paths);
	if (ret && ret != -ENOENT)
		return ret;
	d->paths = calloc(paths.n ? paths.n : 1, sizeof(*d->paths));
	if (!d->paths) {
		mpath_names_free(&paths);
		return -ENOMEM;
	}
	for (i = 0; i < paths.n; i++)
		path_load(disk, paths.name[i], &d->paths[i]);
	d->npaths = paths.n;
	mpath_names_free(&paths);
	return 0;
}

static void disk_free(struct disk_info *d)
{
	size_t i;

	for (i = 0; i < NDISK_FIELDS; i++)
		free(d->val[i]);
	for (i = 0; i < d->npaths; i++)
		path_free(&d->paths[i]);
	free(d->paths);
}

static int field_index(const struct field *fields, size_t n, const char *attr)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (!strcmp(fields[i].attr, attr))
			return (int)i;
	abort();	/* a name below that is not in the table: a bug */
}

static const char *pval(const struct path_info *p, const char *attr)
{
	return p->val[field_index(path_fields, NPATH_FIELDS, attr)];
}

static const char *dval(const struct disk_info *d, const char *attr)
{
	return d->val[field_index(disk_fields, NDISK_FIELDS, attr)];
}

static struct json_object *json_field(enum field_type type, const char *v)
{
	struct json_object *arr;
	char *copy, *tok, *save;
	char *end;
	long long n;

	if (!v)
		return NULL;
	switch (type) {
	case F_NUM:
		errno = 0;
		n = strtoll(v, &end, 10);
		/* "unknown" (tbkas) and the like: null, not a string */
		return errno || end == v || *end ? NULL : json_object_new_int64(n);
	case F_WORDS:
		arr = json_object_new_array();
		copy = strdup(v);
		for (tok = copy ? strtok_r(copy, " ", &save) : NULL; tok;
		     tok = strtok_r(NULL, " ", &save))
			json_object_array_add(arr, json_object_new_string(tok));
		free(copy);
		return arr;
	default:
		return json_object_new_string(v);
	}
}

static struct json_object *path_json(const struct path_info *p)
{
	struct json_object *o = json_object_new_object();
	size_t i;

	json_object_object_add(o, "name", json_object_new_string(p->name));
	for (i = 0; i < NPATH_FIELDS; i++)
		json_object_object_add(o, path_fields[i].attr,
				       json_field(path_fields[i].type, p->val[i]));
	for (i = 0; i < NCTRL_FIELDS; i++)
		json_object_object_add(o, ctrl_fields[i],
				       json_field(F_STR, p->ctrl[i]));
	return o;
}

static struct json_object *disk_json(const struct disk_info *d)
{
	struct json_object *o = json_object_new_object();
	struct json_object *paths = json_object_new_array();
	size_t i;

	json_object_object_add(o, "name", json_object_new_string(d->name));
	for (i = 0; i < NDISK_FIELDS; i++) {
		json_object_object_add(o, disk_fields[i].attr,
				       json_field(disk_fields[i].type, d->val[i]));
		/* size right after the identity, as in the text */
		if (!strcmp(disk_fields[i].attr, "subsysnqn"))
			json_object_object_add(o, "size_bytes", d->have_size ?
				json_object_new_int64((int64_t)d->size_bytes) : NULL);
	}
	for (i = 0; i < d->npaths; i++)
		json_object_array_add(paths, path_json(&d->paths[i]));
	json_object_object_add(o, "paths", paths);
	return o;
}

static const char *or_dash(const char *v)
{
	return v && *v ? v : "-";
}

static void human_size(char *buf, size_t len, uint64_t bytes)
{
	static const char *const unit[] = { "B", "KiB", "MiB", "GiB", "TiB", "PiB" };
	double v = (double)bytes;
	int u = 0;

	while (v >= 1024 && u < 5) {
		v /= 1024;
		u++;
	}
	snprintf(buf, len, u ? "%.1f %s" : "%.0f %s", v, unit[u]);
}

/* the state column: the module's state, and the admin's when disabled */
static void path_state_text(const struct path_info *p, char *buf, size_t len)
{
	const char *state = or_dash(pval(p, "state"));
	const char *admin = pval(p, "admin_state");

	if (admin && !strcmp(admin, "disabled"))
		snprintf(buf, len, "%s%s", state,
			 strcmp(state, "disabled") ? ",admin-disabled" : "(admin)");
	else
		snprintf(buf, len, "%s", state);
}

static void path_ana_text(const struct path_info *p, char *buf, size_t len)
{
	snprintf(buf, len, "%s/%s", or_dash(pval(p, "ana_group")),
		 or_dash(pval(p, "ana_state")));
}

static void path_ios_text(const struct path_info *p, char *buf, size_t len)
{
	const char *r = pval(p, "read_ios"), *w = pval(p, "write_ios");

	if (r && w)
		snprintf(buf, len, "%llu", strtoull(r, NULL, 10) +
			 strtoull(w, NULL, 10));
	else
		snprintf(buf, len, "-");
}

/* the columns of a path's line */
#define NCOLS 9
static const char *const col_head[NCOLS] = {
	"PATH", "CTRL", "TRANSPORT", "ADDRESS", "STATE", "ANA(GRP/STATE)",
	"INFLIGHT", "IOS", "ERRORS",
};

static void path_row(const struct path_info *p, char cell[NCOLS][256])
{
	snprintf(cell[0], 256, "%s", p->name);
	snprintf(cell[1], 256, "%s", or_dash(pval(p, "controller")));
	snprintf(cell[2], 256, "%s", or_dash(pval(p, "transport")));
	snprintf(cell[3], 256, "%s", or_dash(pval(p, "address")));
	path_state_text(p, cell[4], 256);
	path_ana_text(p, cell[5], 256);
	snprintf(cell[6], 256, "%s", or_dash(pval(p, "inflight")));
	path_ios_text(p, cell[7], 256);
	snprintf(cell[8], 256, "%s", or_dash(pval(p, "errors")));
}

/* -v: the fields not in the columns, as key=value, four to a line */
static void print_verbose_fields(const char *indent, const struct field *f,
				 size_t n, char *const *val)
{
	size_t i, col = 0;

	for (i = 0; i < n; i++) {
		if (!f[i].verbose)
			continue;
		printf("%s%s=%s", col ? "  " : indent, f[i].attr, or_dash(val[i]));
		if (++col == 4) {
			printf("\n");
			col = 0;
		}
	}
	if (col)
		printf("\n");
}

static void print_path_verbose(const struct path_info *p)
{
	size_t i;

	printf("      ");
	for (i = 0; i < NCTRL_FIELDS; i++)
		printf("%s=%s%s", ctrl_fields[i], or_dash(p->ctrl[i]),
		       i + 1 < NCTRL_FIELDS ? "  " : "\n");
	print_verbose_fields("      ", path_fields, NPATH_FIELDS, p->val);
}

static void print_disk_text(const struct disk_info *d, bool verbose)
{
	char size[32], cell[NCOLS][256];
	size_t i, c, w[NCOLS];

	human_size(size, sizeof(size), d->size_bytes);
	printf("%s %s\n", d->name, or_dash(dval(d, "wwid")));
	printf("  nsid %s, size %s (%" PRIu64 " bytes), iopolicy %s\n",
	       or_dash(dval(d, "nsid")), d->have_size ? size : "-",
	       d->size_bytes, or_dash(dval(d, "iopolicy")));
	printf("  subsysnqn %s\n", or_dash(dval(d, "subsysnqn")));
	if (verbose)
		print_verbose_fields("  ", disk_fields, NDISK_FIELDS, d->val);
	if (!d->npaths) {
		printf("  (no paths)\n");
		return;
	}
	for (c = 0; c < NCOLS; c++)
		w[c] = strlen(col_head[c]);
	for (i = 0; i < d->npaths; i++) {
		path_row(&d->paths[i], cell);
		for (c = 0; c < NCOLS; c++)
			if (strlen(cell[c]) > w[c])
				w[c] = strlen(cell[c]);
	}
	printf("  ");
	for (c = 0; c < NCOLS; c++)
		printf("%-*s%s", (int)w[c], col_head[c], c + 1 < NCOLS ? "  " : "\n");
	for (i = 0; i < d->npaths; i++) {
		path_row(&d->paths[i], cell);
		printf("  ");
		for (c = 0; c < NCOLS; c++)
			printf("%-*s%s", c + 1 < NCOLS ? (int)w[c] : 0, cell[c],
			       c + 1 < NCOLS ? "  " : "\n");
		if (verbose)
			print_path_verbose(&d->paths[i]);
	}
}

static void list_usage(FILE *f)
{
	fprintf(f,
		"Usage: nvme-mpath list [DISK] [-o normal|json] [-v]\n"
		"Show the multipath disks (or DISK, e.g. mpnvme0n1) and their paths.\n"
		"\n"
		"  -o, --output-format FMT  normal (default) or json\n"
		"  -v, --verbose            every counter, controller model/serial/firmware\n"
		"  -h, --help               this text\n"
		"\n"
		"JSON: {\"disks\":[{\"name\",\"wwid\",\"nsid\",\"subsysnqn\",\"size_bytes\",\n"
		"\"iopolicy\",...,\"paths\":[{\"name\",\"controller\",\"transport\",\"address\",\n"
		"\"state\",\"admin_state\",\"ana_group\",\"ana_state\",...}]}]}; see nvme-mpath(8).\n");
}

static int list_print(struct mpath_names *disks, int fmt, bool verbose)
{
	struct json_object *root = NULL, *arr = NULL;
	struct disk_info d;
	size_t i;
	int status = MPATH_EXIT_OK;

	if (fmt == FMT_JSON) {
		root = json_object_new_object();
		arr = json_object_new_array();
		json_object_object_add(root, "disks", arr);
	}
	for (i = 0; i < disks->n; i++) {
		if (disk_load(disks->name[i], &d)) {
			fprintf(stderr, "nvme-mpath list: %s: cannot read its paths\n",
				disks->name[i]);
			status = MPATH_EXIT_FAIL;
		} else if (fmt == FMT_JSON) {
			json_object_array_add(arr, disk_json(&d));
		} else {
			if (i)
				printf("\n");
			print_disk_text(&d, verbose);
		}
		disk_free(&d);
	}
	if (root) {
		print_json(root);
		json_object_put(root);
	} else if (!disks->n) {
		fprintf(stderr, "nvme-mpath list: no multipath disks%s\n",
			mpath_module_loaded() ? "" : " (nvme_mpath is not loaded)");
	}
	return status;
}

int mpath_cmd_list(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "output-format", required_argument, NULL, 'o' },
		{ "verbose", no_argument, NULL, 'v' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 }
	};
	struct mpath_names disks = { NULL, 0 };
	const char *disk = NULL;
	bool verbose = false;
	int fmt = FMT_NORMAL, o, ret;

	while ((o = getopt_long(argc, argv, "o:vh", opts, NULL)) != -1) {
		switch (o) {
		case 'o':
			fmt = parse_format("list", optarg, FMT_JSON + 1);
			if (fmt < 0)
				return MPATH_EXIT_USAGE;
			break;
		case 'v':
			verbose = true;
			break;
		case 'h':
			list_usage(stdout);
			return MPATH_EXIT_OK;
		default:
			return bad_option("list");
		}
	}
	if (argc - optind > 1)
		return usage_error("list", "one disk at most, got", argv[optind + 1]);
	if (optind < argc) {
		ret = check_disk_arg("list", argv[optind], &disk);
		if (ret)
			return ret;
	}
	ret = select_disks(disk, &disks);
	if (ret) {
		fprintf(stderr, "nvme-mpath list: cannot read %s/block: %s\n",
			mpath_sysfs_root, strerror(-ret));
		return MPATH_EXIT_FAIL;
	}
	ret = list_print(&disks, fmt, verbose);
	mpath_names_free(&disks);
	return ret;
}

/* ---- set-policy ------------------------------------------------------------ */

static const char *const policies[] = {
	"numa", "round-robin", "queue-depth", "service-time",
};

#define NPOLICIES (sizeof(policies) / sizeof(policies[0]))

static bool valid_policy(const char *p)
{
	size_t i;

	for (i = 0; i < NPOLICIES; i++)
		if (!strcmp(p, policies[i]))
			return true;
	return false;
}

static void policy_list(FILE *f)
{
	size_t i;

	for (i = 0; i < NPOLICIES; i++)
		fprintf(f, "%s%s", policies[i], i + 1 < NPOLICIES ? ", " : "\n");
}

static void set_policy_usage(FILE *f)
{
	fprintf(f,
		"Usage: nvme-mpath set-policy DISK|--all POLICY [--default]\n"
		"       nvme-mpath set-policy --default POLICY\n"
		"Set the I/O policy of a multipath disk (mpath/iopolicy), of every\n"
		"multipath disk (--all), and/or the default for new disks (--default:\n"
		"the module parameter iopolicy).\n"
		"\n"
		"  -a, --all       every multipath disk\n"
		"  -d, --default   the module parameter (disks made from now on)\n"
		"  -h, --help      this text\n"
		"\n"
		"POLICY: ");
	policy_list(f);
}

static int write_failed(const char *what, const char *policy, int err)
{
	if (err == -EINVAL)
		fprintf(stderr, "nvme-mpath set-policy: the kernel refused iopolicy %s for %s (%s)\n",
			policy, what, strerror(-err));
	else
		fprintf(stderr, "nvme-mpath set-policy: cannot set iopolicy of %s: %s\n",
			what, strerror(-err));
	return MPATH_EXIT_FAIL;
}

static int set_disk_policy(const char *disk, const char *policy)
{
	char old[64];
	int ret;

	if (mpath_disk_read(disk, "iopolicy", old, sizeof(old)))
		snprintf(old, sizeof(old), "?");
	ret = mpath_disk_write(disk, "iopolicy", policy);
	if (ret)
		return write_failed(disk, policy, ret);
	printf("%s: iopolicy %s -> %s\n", disk, old, policy);
	return MPATH_EXIT_OK;
}

static int set_default_policy(const char *policy)
{
	char old[64];
	int ret;

	ret = mpath_param_read("iopolicy", old, sizeof(old));
	if (ret == -ENOENT) {
		fprintf(stderr, "nvme-mpath set-policy: nvme_mpath is not loaded (no %s/module/nvme_mpath/parameters/iopolicy)\n",
			mpath_sysfs_root);
		return MPATH_EXIT_FAIL;
	}
	if (ret)
		snprintf(old, sizeof(old), "?");
	ret = mpath_param_write("iopolicy", policy);
	if (ret)
		return write_failed("the module default", policy, ret);
	printf("default: iopolicy %s -> %s\n", old, policy);
	return MPATH_EXIT_OK;
}

static int set_all_policy(const char *policy)
{
	struct mpath_names disks;
	size_t i;
	int ret, status = MPATH_EXIT_OK;

	ret = mpath_list_disks(&disks);
	if (ret && ret != -ENOENT) {
		fprintf(stderr, "nvme-mpath set-policy: cannot list the disks: %s\n",
			strerror(-ret));
		return MPATH_EXIT_FAIL;
	}
	if (ret || !disks.n)
		fprintf(stderr, "nvme-mpath set-policy: no multipath disks\n");
	for (i = 0; !ret && i < disks.n; i++)
		if (set_disk_policy(disks.name[i], policy))
			status = MPATH_EXIT_FAIL;
	mpath_names_free(&disks);
	return status;
}

int mpath_cmd_set_policy(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "all", no_argument, NULL, 'a' },
		{ "default", no_argument, NULL, 'd' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 }
	};
	bool all = false, dflt = false;
	const char *disk = NULL, *policy;
	int o, nargs, status = MPATH_EXIT_OK;

	while ((o = getopt_long(argc, argv, "adh", opts, NULL)) != -1) {
		switch (o) {
		case 'a':
			all = true;
			break;
		case 'd':
			dflt = true;
			break;
		case 'h':
			set_policy_usage(stdout);
			return MPATH_EXIT_OK;
		default:
			return bad_option("set-policy");
		}
	}
	nargs = argc - optind;
	if (all && nargs != 1)
		return usage_error("set-policy", "--all takes POLICY only", NULL);
	if (!all && nargs == 2) {
		disk = mpath_disk_name(argv[optind]);
		if (!disk)
			return usage_error("set-policy", "not a disk name:", argv[optind]);
	} else if (!all && !(dflt && nargs == 1)) {
		return usage_error("set-policy", "give DISK POLICY, --all POLICY or --default POLICY", NULL);
	}
	policy = argv[argc - 1];
	if (!valid_policy(policy)) {
		fprintf(stderr, "nvme-mpath set-policy: unknown policy '%s'; valid: ", policy);
		policy_list(stderr);
		return MPATH_EXIT_USAGE;
	}
	if (disk && !mpath_is_disk(disk)) {
		fprintf(stderr, "nvme-mpath set-policy: %s is not a multipath disk of nvme_mpath\n",
			disk);
		return MPATH_EXIT_FAIL;
	}
	if (dflt && set_default_policy(policy))
		return MPATH_EXIT_FAIL;
	if (all)
		status = set_all_policy(policy);
	else if (disk)
		status = set_disk_policy(disk, policy);
	return status;
}

/* ---- fail-path, reinstate-path --------------------------------------------- */

static void admin_usage(FILE *f, bool disable)
{
	if (disable)
		fprintf(f,
			"Usage: nvme-mpath fail-path PATH [-w SECS]\n"
			"Take PATH (a path disk such as nvme1n1, or /dev/nvme1n1) out of use\n"
			"for planned maintenance: no new I/O is sent to it, its I/O in flight\n"
			"completes, the path checker never puts it back; reinstate-path\n"
			"returns it. The last usable path of a disk is refused (exit status 1).\n"
			"\n"
			"  -w, --wait SECS  then wait up to SECS for its I/O in flight to\n"
			"                   complete (exit status 1 if it does not)\n"
			"  -h, --help       this text\n");
	else
		fprintf(f,
			"Usage: nvme-mpath reinstate-path PATH\n"
			"Return PATH (a path disk such as nvme1n1, or /dev/nvme1n1), taken out\n"
			"of use by fail-path; it gets I/O again as soon as it is usable.\n"
			"\n"
			"  -h, --help       this text\n");
}

/* fail-path -w: until the path's inflight reads 0, at most secs */
static int wait_drained(const char *disk, const char *path, double secs)
{
	struct timespec start, now;
	uint64_t n;

	clock_gettime(CLOCK_MONOTONIC, &start);
	for (;;) {
		if (mpath_path_read_u64(disk, path, "inflight", &n)) {
			fprintf(stderr, "nvme-mpath fail-path: cannot read paths/%s/inflight\n",
				path);
			return MPATH_EXIT_FAIL;
		}
		if (!n)
			break;
		clock_gettime(CLOCK_MONOTONIC, &now);
		if (secs_between(&start, &now) >= secs) {
			fprintf(stderr, "nvme-mpath fail-path: %s still has %" PRIu64
				" I/Os in flight after %g s\n", path, n, secs);
			return MPATH_EXIT_FAIL;
		}
		sleep_secs(0.05);
	}
	clock_gettime(CLOCK_MONOTONIC, &now);
	printf("%s of %s: no I/O in flight (%.2f s)\n", path, disk,
	       secs_between(&start, &now));
	return MPATH_EXIT_OK;
}

/* wait < 0: do not wait for the path's I/O in flight */
static int admin_state_set(const char *cmd, const char *arg, bool disable,
			   double wait)
{
	const char *want = disable ? "disabled" : "enabled";
	char disk[MPATH_NAME_MAX], cur[32];
	const char *path = mpath_disk_name(arg);
	int ret;

	if (!path)
		return usage_error(cmd, "not a path name:", arg);
	ret = mpath_find_path(path, disk, sizeof(disk));
	if (ret) {
		fprintf(stderr, "nvme-mpath %s: %s is not a path of any multipath disk\n",
			cmd, path);
		return MPATH_EXIT_FAIL;
	}
	if (!mpath_path_has(disk, path, "admin_state")) {
		fprintf(stderr, "nvme-mpath %s: this nvme_mpath has no paths/%s/admin_state (module too old)\n",
			cmd, path);
		return MPATH_EXIT_FAIL;
	}
	if (!mpath_path_read(disk, path, "admin_state", cur, sizeof(cur)) &&
	    !strcmp(cur, want)) {
		printf("%s of %s: already %s\n", path, disk, want);
		return wait < 0 ? MPATH_EXIT_OK : wait_drained(disk, path, wait);
	}
	ret = mpath_path_write(disk, path, "admin_state", want);
	if (ret == -EBUSY) {
		fprintf(stderr, "nvme-mpath %s: refused: %s is the last usable path of %s\n",
			cmd, path, disk);
		return MPATH_EXIT_FAIL;
	}
	if (ret) {
		fprintf(stderr, "nvme-mpath %s: cannot set %s of %s %s: %s\n",
			cmd, path, disk, want, strerror(-ret));
		return MPATH_EXIT_FAIL;
	}
	printf("%s of %s: %s\n", path, disk, want);
	return wait < 0 ? MPATH_EXIT_OK : wait_drained(disk, path, wait);
}

static int admin_cmd(int argc, char **argv, bool disable)
{
	static const struct option fail_opts[] = {
		{ "wait", required_argument, NULL, 'w' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 }
	};
	const struct option *opts = disable ? fail_opts : fail_opts + 1;
	const char *cmd = argv[0];
	double wait = -1;
	int o;

	while ((o = getopt_long(argc, argv, disable ? "w:h" : "h", opts, NULL)) != -1) {
		switch (o) {
		case 'w':
			if (parse_interval(optarg, &wait))
				return usage_error(cmd, "-w wants seconds (0.01 to 86400), got", optarg);
			break;
		case 'h':
			admin_usage(stdout, disable);
			return MPATH_EXIT_OK;
		default:
			return bad_option(cmd);
		}
	}
	if (argc - optind != 1)
		return usage_error(cmd, "give exactly one PATH", NULL);
	return admin_state_set(cmd, argv[optind], disable, wait);
}

int mpath_cmd_fail_path(int argc, char **argv)
{
	return admin_cmd(argc, argv, true);
}

int mpath_cmd_reinstate_path(int argc, char **argv)
{
	return admin_cmd(argc, argv, false);
}

/* ---- stats ----------------------------------------------------------------- */

/* one path's counters at one moment */
struct path_sample {
	char disk[MPATH_NAME_MAX];
	char path[MPATH_NAME_MAX];
	char state[32];
	bool service_time;	/* its disk's iopolicy: latency_us is sampled */
	bool have_lat;
	bool have_stat;		/* ROOT/block/<path>/stat read */
	uint64_t rd_ios, wr_ios, rd_bytes, wr_bytes, errors, failovers;
	uint64_t inflight, latency_us;
	struct mpath_blk_stat st;
};

struct sample {
	struct timespec t;
	struct path_sample *p;
	size_t n;
};

/* what one interval shows for a path */
struct path_rate {
	const struct path_sample *now;
	double r_iops, w_iops, r_bps, w_bps;
	bool have_lat;
	double lat_us;
	const char *lat_src;	/* "service-time" or "stat" */
	uint64_t errors, failovers;	/* over the interval */
};

static int path_counters(const char *disk, const char *path,
			 struct path_sample *s)
{
	static const char *const attr[] = {
		"read_ios", "write_ios", "read_bytes", "write_bytes",
		"errors", "failovers", "inflight",
	};
	uint64_t *val[] = {
		&s->rd_ios, &s->wr_ios, &s->rd_bytes, &s->wr_bytes,
		&s->errors, &s->failovers, &s->inflight,
	};
	size_t i;

	for (i = 0; i < sizeof(attr) / sizeof(attr[0]); i++)
		if (mpath_path_read_u64(disk, path, attr[i], val[i]))
			return -1;
	s->have_lat = !mpath_path_read_u64(disk, path, "latency_us",
					   &s->latency_us);
	s->have_stat = !mpath_block_stat(path, &s->st);
	if (mpath_path_read(disk, path, "state", s->state, sizeof(s->state)))
		snprintf(s->state, sizeof(s->state), "-");
	return 0;
}

static int sample_add(struct sample *smp, const char *disk, const char *path,
		      bool service_time)
{
	struct path_sample *p, s;

	memset(&s, 0, sizeof(s));
	if (path_counters(disk, path, &s))
		return 0;	/* went away while read: not in this sample */
	snprintf(s.disk, sizeof(s.disk), "%s", disk);
	snprintf(s.path, sizeof(s.path), "%s", path);
	s.service_time = service_time;
	p = realloc(smp->p, (smp->n + 1) * sizeof(*p));
	if (!p)
		return -ENOMEM;
	smp->p = p;
	p[smp->n++] = s;
	return 0;
}

static int sample_disk(struct sample *smp, const char *disk)
{
	struct mpath_names paths;
	char policy[64];
	bool st;
	size_t i;
	int ret;

	st = !mpath_disk_read(disk, "iopolicy", policy, sizeof(policy)) &&
	     !strcmp(policy, "service-time");
	if (mpath_list_paths(disk, &paths))
		return 0;
	for (ret = 0, i = 0; !ret && i < paths.n; i++)
		ret = sample_add(smp, disk, paths.name[i], st);
	mpath_names_free(&paths);
	return ret;
}

static int sample_take(struct sample *smp, const char *disk)
{
	struct mpath_names disks;
	size_t i;
	int ret;

	memset(smp, 0, sizeof(*smp));
	clock_gettime(CLOCK_MONOTONIC, &smp->t);
	ret = select_disks(disk, &disks);
	for (i = 0; !ret && i < disks.n; i++)
		ret = sample_disk(smp, disks.name[i]);
	mpath_names_free(&disks);
	return ret;
}

static const struct path_sample *sample_find(const struct sample *smp,
					     const struct path_sample *p)
{
	size_t i;

	for (i = 0; i < smp->n; i++)
		if (!strcmp(smp->p[i].disk, p->disk) &&
		    !strcmp(smp->p[i].path, p->path))
			return &smp->p[i];
	return NULL;
}

/* b - a, 0 when the counter went back (the path was re-added) */
static uint64_t delta(uint64_t a, uint64_t b)
{
	return b >= a ? b - a : 0;
}

static void rate_latency(const struct path_sample *a,
			 const struct path_sample *b, struct path_rate *r)
{
	uint64_t ios, ticks;

	if (b->service_time && b->have_lat && b->latency_us) {
		r->have_lat = true;
		r->lat_us = (double)b->latency_us;
		r->lat_src = "service-time";
		return;
	}
	if (!a->have_stat || !b->have_stat)
		return;
	ios = delta(a->st.rd_ios, b->st.rd_ios) + delta(a->st.wr_ios, b->st.wr_ios);
	ticks = delta(a->st.rd_ticks, b->st.rd_ticks) +
		delta(a->st.wr_ticks, b->st.wr_ticks);
	if (!ios)
		return;
	r->have_lat = true;
	r->lat_us = (double)ticks * 1000.0 / (double)ios;	/* ticks are ms */
	r->lat_src = "stat";
}

static void rate_compute(const struct path_sample *a,
			 const struct path_sample *b, double secs,
			 struct path_rate *r)
{
	memset(r, 0, sizeof(*r));
	r->now = b;
	r->r_iops = (double)delta(a->rd_ios, b->rd_ios) / secs;
	r->w_iops = (double)delta(a->wr_ios, b->wr_ios) / secs;
	r->r_bps = (double)delta(a->rd_bytes, b->rd_bytes) / secs;
	r->w_bps = (double)delta(a->wr_bytes, b->wr_bytes) / secs;
	r->errors = delta(a->errors, b->errors);
	r->failovers = delta(a->failovers, b->failovers);
	rate_latency(a, b, r);
}

/* the rates of every path in both samples; *n of them */
static struct path_rate *rates_of(const struct sample *a,
				  const struct sample *b, double secs,
				  size_t *n)
{
	struct path_rate *r = calloc(b->n ? b->n : 1, sizeof(*r));
	const struct path_sample *old;
	size_t i;

	*n = 0;
	if (!r)
		return NULL;
	for (i = 0; i < b->n; i++) {
		old = sample_find(a, &b->p[i]);
		if (old)
			rate_compute(old, &b->p[i], secs, &r[(*n)++]);
	}
	return r;
}

static void utc_now(char *buf, size_t len)
{
	time_t now = time(NULL);
	struct tm tm;

	gmtime_r(&now, &tm);
	strftime(buf, len, "%Y-%m-%dT%H:%M:%SZ", &tm);
}

#define MB 1000000.0	/* MB/s: 10^6 bytes, as iostat -m would be in MiB */

static void stats_text(const struct path_rate *r, size_t n, double secs)
{
	char when[32], lat[32];
	size_t i;

	utc_now(when, sizeof(when));
	printf("%s  interval %.2f s\n", when, secs);
	printf("%-12s %-10s %-14s %9s %9s %8s %8s %9s %8s %6s %9s\n",
	       "DISK", "PATH", "STATE", "r/s", "w/s", "rMB/s", "wMB/s",
	       "lat_us", "inflight", "errors", "failovers");
	for (i = 0; i < n; i++) {
		if (r[i].have_lat)
			snprintf(lat, sizeof(lat), "%.0f", r[i].lat_us);
		else
			snprintf(lat, sizeof(lat), "-");
		printf("%-12s %-10s %-14s %9.1f %9.1f %8.2f %8.2f %9s %8" PRIu64
		       " %6" PRIu64 " %9" PRIu64 "\n",
		       r[i].now->disk, r[i].now->path, r[i].now->state,
		       r[i].r_iops, r[i].w_iops, r[i].r_bps / MB, r[i].w_bps / MB,
		       lat, r[i].now->inflight, r[i].errors, r[i].failovers);
	}
	printf("\n");
}

static struct json_object *jnum(double v)
{
	char buf[64];

	snprintf(buf, sizeof(buf), "%.3f", v);
	return json_object_new_double_s(v, buf);
}

static struct json_object *rate_json(const struct path_rate *r)
{
	struct json_object *o = json_object_new_object();

	json_object_object_add(o, "name", json_object_new_string(r->now->path));
	json_object_object_add(o, "state", json_object_new_string(r->now->state));
	json_object_object_add(o, "read_iops", jnum(r->r_iops));
	json_object_object_add(o, "write_iops", jnum(r->w_iops));
	json_object_object_add(o, "read_mbps", jnum(r->r_bps / MB));
	json_object_object_add(o, "write_mbps", jnum(r->w_bps / MB));
	json_object_object_add(o, "latency_us", r->have_lat ? jnum(r->lat_us) : NULL);
	json_object_object_add(o, "latency_source", r->have_lat ?
			       json_object_new_string(r->lat_src) : NULL);
	json_object_object_add(o, "inflight",
			       json_object_new_int64((int64_t)r->now->inflight));
	json_object_object_add(o, "errors", json_object_new_int64((int64_t)r->errors));
	json_object_object_add(o, "failovers",
			       json_object_new_int64((int64_t)r->failovers));
	return o;
}

/* the "disks" array: the rates grouped by disk (they come sorted by disk) */
static struct json_object *rates_json(const struct path_rate *r, size_t n)
{
	struct json_object *disks = json_object_new_array(), *d = NULL, *paths = NULL;
	size_t i;

	for (i = 0; i < n; i++) {
		if (!i || strcmp(r[i].now->disk, r[i - 1].now->disk)) {
			d = json_object_new_object();
			paths = json_object_new_array();
			json_object_object_add(d, "name",
					       json_object_new_string(r[i].now->disk));
			json_object_object_add(d, "paths", paths);
			json_object_array_add(disks, d);
		}
		json_object_array_add(paths, rate_json(&r[i]));
	}
	return disks;
}

/* JSON: one object per interval, one line each (JSON Lines) */
static void stats_json(const struct path_rate *r, size_t n, double secs)
{
	struct json_object *o = json_object_new_object();
	char when[32];

	utc_now(when, sizeof(when));
	json_object_object_add(o, "time", json_object_new_string(when));
	json_object_object_add(o, "interval_s", jnum(secs));
	json_object_object_add(o, "disks", rates_json(r, n));
	puts(json_object_to_json_string_ext(o, JSON_C_TO_STRING_PLAIN |
					    JSON_C_TO_STRING_NOSLASHESCAPE));
	json_object_put(o);
}

/* ---- stats -o prometheus: node_exporter textfile format ---- */

struct prom_metric {
	const char *name;	/* after nvme_mpath_path_ */
	const char *type;
	const char *help;
	/* the value; false when there is none (the series is left out) */
	bool (*get)(const struct path_rate *r, double *v);
};

#define PROM_GET(fn, expr)						\
static bool fn(const struct path_rate *r, double *v)			\
{									\
	*v = (double)(expr);						\
	return true;							\
}

PROM_GET(prom_r_iops, r->r_iops)
PROM_GET(prom_w_iops, r->w_iops)
PROM_GET(prom_r_bps, r->r_bps)
PROM_GET(prom_w_bps, r->w_bps)
PROM_GET(prom_inflight, r->now->inflight)
PROM_GET(prom_usable, !strcmp(r->now->state, "usable"))
PROM_GET(prom_rd_ios, r->now->rd_ios)
PROM_GET(prom_wr_ios, r->now->wr_ios)
PROM_GET(prom_rd_bytes, r->now->rd_bytes)
PROM_GET(prom_wr_bytes, r->now->wr_bytes)
PROM_GET(prom_errors, r->now->errors)
PROM_GET(prom_failovers, r->now->failovers)

static bool prom_latency(const struct path_rate *r, double *v)
{
	*v = r->lat_us / 1e6;
	return r->have_lat;
}

static const struct prom_metric prom_metrics[] = {
	{ "read_iops", "gauge", "Reads per second over the interval.", prom_r_iops },
	{ "write_iops", "gauge", "Writes per second over the interval.", prom_w_iops },
	{ "read_bytes_per_second", "gauge", "Bytes read per second over the interval.", prom_r_bps },
	{ "write_bytes_per_second", "gauge", "Bytes written per second over the interval.", prom_w_bps },
	{ "latency_seconds", "gauge", "Average I/O latency over the interval (service-time policy: the module's sampled latency).", prom_latency },
	{ "inflight", "gauge", "I/Os in flight on the path.", prom_inflight },
	{ "usable", "gauge", "1 if the path's state is usable, else 0.", prom_usable },
	{ "read_ios_total", "counter", "Reads completed on the path.", prom_rd_ios },
	{ "write_ios_total", "counter", "Writes completed on the path.", prom_wr_ios },
	{ "read_bytes_total", "counter", "Bytes read through the path.", prom_rd_bytes },
	{ "write_bytes_total", "counter", "Bytes written through the path.", prom_wr_bytes },
	{ "errors_total", "counter", "I/O errors seen on the path.", prom_errors },
	{ "failovers_total", "counter", "I/Os moved off the path to another one.", prom_failovers },
};

/* a label value: backslash, double quote and newline escaped */
static void prom_label(const char *s)
{
	for (; *s; s++) {
		if (*s == '\\' || *s == '"')
			printf("\\%c", *s);
		else if (*s == '\n')
			printf("\\n");
		else
			putchar(*s);
	}
}

/* counters as integers, the rest with 9 significant digits */
static void prom_value(double v)
{
	if (v > -9e15 && v < 9e15 && v == (double)(long long)v)
		printf("%.0f\n", v);
	else
		printf("%.9g\n", v);
}

static void stats_prometheus(const struct path_rate *r, size_t n)
{
	size_t m, i;
	double v;

	for (m = 0; m < sizeof(prom_metrics) / sizeof(prom_metrics[0]); m++) {
		const struct prom_metric *pm = &prom_metrics[m];

		printf("# HELP nvme_mpath_path_%s %s\n", pm->name, pm->help);
		printf("# TYPE nvme_mpath_path_%s %s\n", pm->name, pm->type);
		for (i = 0; i < n; i++) {
			if (!pm->get(&r[i], &v))
				continue;
			printf("nvme_mpath_path_%s{disk=\"", pm->name);
			prom_label(r[i].now->disk);
			printf("\",path=\"");
			prom_label(r[i].now->path);
			printf("\"} ");
			prom_value(v);
		}
	}
}

static void stats_usage(FILE *f)
{
	fprintf(f,
		"Usage: nvme-mpath stats [DISK] [-i SECS] [-c N] [-o normal|json|prometheus]\n"
		"Per path I/O rates of the multipath disks (or DISK) over an interval,\n"
		"like iostat: reads and writes per second, MB/s (10^6 bytes), average\n"
		"latency, errors and failovers in the interval, I/Os in flight.\n"
		"\n"
		"  -i, --interval SECS      length of an interval (default 1; may be a\n"
		"                           fraction, e.g. 0.5)\n"
		"  -c, --count N            N reports (default 1; with -i and no -c: until\n"
		"                           interrupted)\n"
		"  -o, --output-format FMT  normal (default), json (one object per\n"
		"                           interval and line) or prometheus (node_exporter\n"
		"                           textfile format; use -c 1)\n"
		"  -h, --help               this text\n");
}

static int parse_count(const char *arg, long *n)
{
	char *end;

	errno = 0;
	*n = strtol(arg, &end, 10);
	return errno || end == arg || *end || *n < 1 ? -1 : 0;
}

static void sample_free(struct sample *smp)
{
	free(smp->p);
	smp->p = NULL;
	smp->n = 0;
}

/* one report: the interval from *prev to a new sample, which becomes *prev */
static int stats_report(struct sample *prev, const char *disk, int fmt)
{
	struct sample now;
	struct path_rate *r;
	double secs;
	size_t n;

	if (sample_take(&now, disk)) {
		sample_free(&now);
		return -1;
	}
	secs = secs_between(&prev->t, &now.t);
	r = rates_of(prev, &now, secs > 0 ? secs : 1e-9, &n);
	if (!r) {
		sample_free(&now);
		return -1;
	}
	if (fmt == FMT_JSON)
		stats_json(r, n, secs);
	else if (fmt == FMT_PROMETHEUS)
		stats_prometheus(r, n);
	else
		stats_text(r, n, secs);
	fflush(stdout);
	free(r);
	sample_free(prev);
	*prev = now;
	return 0;
}

static int stats_run(const char *disk, double secs, long count, int fmt)
{
	struct sample prev;
	long i;
	int status = MPATH_EXIT_OK;

	if (sample_take(&prev, disk)) {
		fprintf(stderr, "nvme-mpath stats: cannot read the disks' counters\n");
		sample_free(&prev);
		return MPATH_EXIT_FAIL;
	}
	if (!prev.n)
		fprintf(stderr, "nvme-mpath stats: no paths to show\n");
	for (i = 0; count == 0 || i < count; i++) {
		sleep_secs(secs);
		if (stats_report(&prev, disk, fmt)) {
			fprintf(stderr, "nvme-mpath stats: cannot read the disks' counters\n");
			status = MPATH_EXIT_FAIL;
			break;
		}
	}
	sample_free(&prev);
	return status;
}

int mpath_cmd_stats(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "interval", required_argument, NULL, 'i' },
		{ "count", required_argument, NULL, 'c' },
		{ "output-format", required_argument, NULL, 'o' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 }
	};
	const char *disk = NULL;
	double secs = 1;
	long count = -1;
	bool have_interval = false;
	int fmt = FMT_NORMAL, o, ret;

	while ((o = getopt_long(argc, argv, "i:c:o:h", opts, NULL)) != -1) {
		switch (o) {
		case 'i':
			if (parse_interval(optarg, &secs))
				return usage_error("stats", "-i wants seconds (0.01 to 86400), got", optarg);
			have_interval = true;
			break;
		case 'c':
			if (parse_count(optarg, &count))
				return usage_error("stats", "-c wants a count of 1 or more, got", optarg);
			break;
		case 'o':
			fmt = parse_format("stats", optarg, FMT_PROMETHEUS + 1);
			if (fmt < 0)
				return MPATH_EXIT_USAGE;
			break;
		case 'h':
			stats_usage(stdout);
			return MPATH_EXIT_OK;
		default:
			return bad_option("stats");
		}
	}
	if (argc - optind > 1)
		return usage_error("stats", "one disk at most, got", argv[optind + 1]);
	if (optind < argc) {
		ret = check_disk_arg("stats", argv[optind], &disk);
		if (ret)
			return ret;
	}
	if (count < 0)
		count = have_interval ? 0 : 1;
	return stats_run(disk, secs, count, fmt);
}
