// SPDX-License-Identifier: GPL-2.0
/*
 * nvme-mpath - the admin command of nvme_mpath.
 *
 *   nvme-mpath [--sysfs ROOT] COMMAND [options]
 *
 * main() handles the global options and dispatches to one function per
 * command (nvme-mpath.h); each command parses its own options and answers
 * --help. Exit status as nvme-cli: 0 ok, 1 failed, 2 bad usage.
 */
#include <getopt.h>
#include <stdio.h>
#include <string.h>

#include "nvme-mpath.h"
#include "mpath-sysfs.h"

#ifndef MPATH_VERSION
#define MPATH_VERSION "unknown"
#endif

struct mpath_command {
	const char *name;
	int (*fn)(int argc, char **argv);
	const char *summary;
};

static const struct mpath_command commands[] = {
	{ "list", mpath_cmd_list,
	  "multipath disks and their paths (-o normal|json, -v)" },
	{ "set-policy", mpath_cmd_set_policy,
	  "set the I/O policy of a disk, of every disk, or the default" },
	{ "fail-path", mpath_cmd_fail_path,
	  "take a path out of use (planned maintenance)" },
	{ "reinstate-path", mpath_cmd_reinstate_path,
	  "return a path taken out of use by fail-path" },
	{ "ana-sync", mpath_cmd_ana_sync,
	  "read the ANA log of the controllers, update the paths' ANA state" },
	{ "stats", mpath_cmd_stats,
	  "per path IOPS, MB/s, latency, errors over an interval" },
	{ "bundle", mpath_cmd_bundle,
	  "collect a support bundle (.tar.gz) for a vendor case" },
};

#define NCOMMANDS (sizeof(commands) / sizeof(commands[0]))

static void usage(FILE *f)
{
	size_t i;

	fprintf(f,
		"Usage: nvme-mpath [--sysfs ROOT] COMMAND [options]\n"
		"Show and manage nvme_mpath's multipath disks (/dev/mpnvme*).\n"
		"\n"
		"Commands:\n");
	for (i = 0; i < NCOMMANDS; i++)
		fprintf(f, "  %-16s %s\n", commands[i].name, commands[i].summary);
	fprintf(f,
		"  %-16s %s\n"
		"\n"
		"Global options:\n"
		"      --sysfs ROOT   read sysfs from ROOT instead of /sys (tests)\n"
		"  -h, --help         this text; COMMAND --help for a command's\n"
		"  -V, --version      print the version\n"
		"\n"
		"Exit status: 0 success, 1 the operation failed, 2 bad usage.\n"
		"See nvme-mpath(8).\n",
		"help [COMMAND]", "this text, or a command's help");
}

static const struct mpath_command *find_command(const char *name)
{
	size_t i;

	for (i = 0; i < NCOMMANDS; i++)
		if (!strcmp(commands[i].name, name))
			return &commands[i];
	return NULL;
}

static int unknown_command(const char *name)
{
	fprintf(stderr, "nvme-mpath: unknown command '%s'\n", name);
	usage(stderr);
	return MPATH_EXIT_USAGE;
}

/* "help" alone, or "help COMMAND" = "COMMAND --help" */
static int help_command(int argc, char **argv)
{
	const struct mpath_command *cmd;
	char *args[] = { NULL, "--help", NULL };

	if (argc < 2) {
		usage(stdout);
		return MPATH_EXIT_OK;
	}
	if (argc > 2) {
		fprintf(stderr, "nvme-mpath help: one command at a time\n");
		return MPATH_EXIT_USAGE;
	}
	cmd = find_command(argv[1]);
	if (!cmd)
		return unknown_command(argv[1]);
	args[0] = (char *)cmd->name;
	optind = 0;
	return cmd->fn(2, args);
}

enum { OPT_SYSFS = 256 };

int main(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "sysfs", required_argument, NULL, OPT_SYSFS },
		{ "help", no_argument, NULL, 'h' },
		{ "version", no_argument, NULL, 'V' },
		{ NULL, 0, NULL, 0 }
	};
	const struct mpath_command *cmd;
	int o;

	/* "+": stop at the command, its options are its own */
	while ((o = getopt_long(argc, argv, "+hV", opts, NULL)) != -1) {
		switch (o) {
		case OPT_SYSFS:
			mpath_sysfs_root = optarg;
			break;
		case 'h':
			usage(stdout);
			return MPATH_EXIT_OK;
		case 'V':
			printf("nvme-mpath %s\n", MPATH_VERSION);
			return MPATH_EXIT_OK;
		default:
			usage(stderr);
			return MPATH_EXIT_USAGE;
		}
	}
	if (optind >= argc) {
		fprintf(stderr, "nvme-mpath: no command given\n");
		usage(stderr);
		return MPATH_EXIT_USAGE;
	}
	argc -= optind;
	argv += optind;
	if (!strcmp(argv[0], "help"))
		return help_command(argc, argv);
	cmd = find_command(argv[0]);
	if (!cmd)
		return unknown_command(argv[0]);
	optind = 0;	/* the command's getopt starts afresh at argv[1] */
	return cmd->fn(argc, argv);
}
