// SPDX-License-Identifier: GPL-2.0
/*
 * fuzz-ana.c - libFuzzer harness of the ANA helper's log parser,
 * ana_log_parse() of mpath-ana.c and what it calls (parse_desc(),
 * parse_check_dups(), the sorting, ctrl_find_nsid() on its result).
 *
 *   make -C tools fuzz          build ../build/fuzz/fuzz-ana and run it 20 s
 *                               (FUZZ_TIME=N) on the seeds in fuzz-corpus/
 *
 * The parser is static: this file includes mpath-ana.c, which has no main()
 * (nvme-mpath.c and nvme-mpath-ana.c have it), so nothing in mpath-ana.c
 * changes for the fuzzer.  Each input is one ANA log page, as the device
 * (or --log-file) gives it, parsed three times: without Identify data (no
 * device, a replay), with the Identify values of tools/test-parse.sh and
 * 045 (ANAGRPMAX = NANAGRPID = 128), and with the largest ones a controller
 * can report.  Besides the sanitizers (ASan, UBSan with no recovery), what
 * must hold is checked after each parse and abort()s when it does not:
 *  - rejected: exactly one message, "<ctrl>: ANA log rejected: ...", and no
 *    NSID list left on the controller;
 *  - accepted: no message; the NSID list sorted, without duplicates, no
 *    NSID 0 or 0xffffffff, each entry's group id non-zero, within ANAGRPMAX
 *    when known, its state one of the five, its NSID read back from the log
 *    at the recorded offset (inside the log), its descriptor inside the log
 *    and naming the same group, state and a count that covers the NSID;
 *    ctrl_find_nsid() finds every entry; the count of entries is the sum of
 *    the descriptors' NSID counts (walked here independently).
 */
#include "mpath-ana.c"

static char fuzz_msgs[MSG_LEN];

static size_t count_lines(const char *s)
{
	size_t n = 0;

	for (; *s; s++)
		n += *s == '\n';
	return n;
}

#define check(cond) do {						\
	if (!(cond)) {							\
		fprintf(stderr, "fuzz-ana: check failed: %s (line %d, "\
			"known=%d)\nmessages: %s\n", #cond, __LINE__,	\
			c->idv.known, fuzz_msgs);			\
		abort();						\
	}								\
} while (0)

/* walk the descriptors again, independently: total NSIDs, or -1 if short */
static long long walk_total(const uint8_t *log, size_t len)
{
	uint16_t ngrps;
	size_t off = ANA_HDR_LEN;
	long long total = 0;
	unsigned int g;
	uint32_t nn;

	memcpy(&ngrps, log + 8, 2);
	ngrps = le16toh(ngrps);
	for (g = 0; g < ngrps; g++) {
		if (off + ANA_DESC_LEN > len)
			return -1;
		nn = log_le32(log + off + 4);
		if ((uint64_t)nn * 4 > len - off - ANA_DESC_LEN)
			return -1;
		total += nn;
		off += ANA_DESC_LEN + (size_t)nn * 4;
	}
	return total;
}

static void parse_one(struct ctrl *c, const uint8_t *log, size_t len)
{
	size_t i;
	int ret;

	fuzz_msgs[0] = '\0';
	msg_sink = fuzz_msgs;
	ret = ana_log_parse(c, log, len);
	msg_sink = NULL;
	check(ret == 0 || ret == -1);
	if (ret) {
		check(count_lines(fuzz_msgs) == 1);
		check(strncmp(fuzz_msgs, "nvme0: ANA log rejected: ", 25) == 0);
		check(c->ents == NULL && c->nents == 0);
		return;
	}
	check(fuzz_msgs[0] == '\0');
	check(len >= ANA_HDR_LEN);
	check(c->nents == 0 || c->ents != NULL);
	check((long long)c->nents == walk_total(log, len));
	for (i = 0; i < c->nents; i++) {
		const struct nsid_ent *e = &c->ents[i];
		struct nvme_ana_group_desc d;

		check(e->nsid != 0 && e->nsid != NVME_NSID_ALL);
		check(i == 0 || c->ents[i - 1].nsid < e->nsid);
		check(e->grpid != 0);
		check(!c->idv.known || e->grpid <= c->idv.anagrpmax);
		check(ana_state_name(e->state) != NULL);
		check(e->desc_off >= ANA_HDR_LEN &&
		      e->desc_off + ANA_DESC_LEN <= len);
		check(e->off + 4 <= len && e->off >= e->desc_off + ANA_DESC_LEN);
		check(log_le32(log + e->off) == e->nsid);
		desc_at(log, e->desc_off, &d);
		check(le32toh(d.grpid) == e->grpid && d.state == e->state);
		check((e->off - e->desc_off - ANA_DESC_LEN) / 4 <
		      le32toh(d.nnsids));
		check(ctrl_find_nsid(c, e->nsid) == e);
	}
	if (c->nents) {
		/* NSIDs not in the list are not found */
		if (c->ents[0].nsid > 1)
			check(ctrl_find_nsid(c, c->ents[0].nsid - 1) == NULL);
		if (c->ents[c->nents - 1].nsid < NVME_NSID_ALL - 1)
			check(ctrl_find_nsid(c, c->ents[c->nents - 1].nsid + 1)
			      == NULL);
	}
}

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc;
	(void)argv;
	prog = "fuzz-ana";
	/* info() formats its messages too, to nowhere */
	verbose = true;
	if (!freopen("/dev/null", "w", stdout))
		return 1;
	return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const struct idv ids[] = {
		{ .known = false },
		{ .known = true, .cmic = NVME_CTRL_CMIC_MULTI_ANA_REPORTING,
		  .anatt = 10, .anagrpmax = 128, .nanagrpid = 128, .nn = 1024 },
		{ .known = true, .cmic = NVME_CTRL_CMIC_MULTI_ANA_REPORTING,
		  .anatt = 255, .anagrpmax = UINT32_MAX,
		  .nanagrpid = UINT32_MAX, .nn = UINT32_MAX },
	};
	struct ctrl c = { .name = "nvme0" };
	uint8_t *log;
	size_t k;

	/* an exact-size copy, so that ASan sees any read past the end */
	log = malloc(size ? size : 1);
	if (!log)
		return 0;
	memcpy(log, data, size);
	for (k = 0; k < sizeof(ids) / sizeof(ids[0]); k++) {
		c.idv = ids[k];
		parse_one(&c, log, size);
	}
	free(c.ents);
	free(log);
	return 0;
}
