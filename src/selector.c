// SPDX-License-Identifier: GPL-2.0
/*
 * Path selection.
 *
 * Under mpath_mutex, the usable paths of a head are collected into a path
 * set, with the best path for every NUMA node worked out in advance, and
 * published with RCU.  Choosing a path is then a read of that set: no lock,
 * no shared cache line written (round-robin keeps a per-CPU cursor).
 *
 * ANA: the set lists the optimized paths (and those whose state is not
 * known) first; every policy chooses among them, and among the
 * non-optimized paths only when no optimized path is usable.  Inaccessible,
 * persistent-loss and change paths are not in the set.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/jiffies.h>
#include <linux/nodemask.h>
#include <linux/percpu.h>
#include <linux/slab.h>
#include <linux/topology.h>

#include "nvme_mpath.h"

const char * const mpath_iopolicy_names[MPATH_IOPOLICY_NR] = {
	[MPATH_IOPOLICY_NUMA] = "numa",
	[MPATH_IOPOLICY_RR] = "round-robin",
	[MPATH_IOPOLICY_QD] = "queue-depth",
	[MPATH_IOPOLICY_ST] = "service-time",
};

/* Index of the name @buf is (a trailing newline is fine) in @names, or -EINVAL. */
int mpath_name_parse(const char * const *names, int n, const char *buf)
{
	int i;

	for (i = 0; i < n; i++)
		if (sysfs_streq(buf, names[i]))
			return i;
	return -EINVAL;
}

int mpath_iopolicy_parse(const char *buf)
{
	return mpath_name_parse(mpath_iopolicy_names, MPATH_IOPOLICY_NR, buf);
}

/* Index of the preferred path of @ps with the fewest bios in flight. */
static unsigned int mpath_least_busy(const struct mpath_pathset *ps)
{
	unsigned int i, best = 0;
	long n, min = LONG_MAX;

	for (i = 0; i < ps->nr_best; i++) {
		n = mpath_path_inflight(ps->paths[i]);
		if (n < min) {
			min = n;
			best = i;
		}
	}
	return best;
}

/*
 * Index of the preferred path of @ps with the least expected wait: bios in
 * flight (plus this one) times recent latency.  A path without a recent
 * sample is tried: that is how a slow path that got better is noticed.
 */
static unsigned int mpath_least_service_time(const struct mpath_pathset *ps)
{
	unsigned int i, best = 0;
	u64 lat, cost, min = U64_MAX;
	long n;

	for (i = 0; i < ps->nr_best; i++) {
		lat = mpath_path_latency(ps->paths[i], true);
		if (!lat)
			return i;
		n = mpath_path_inflight(ps->paths[i]);
		cost = (u64)(max(n, 0L) + 1) * lat;
		if (cost < min) {
			min = cost;
			best = i;
		}
	}
	return best;
}

static unsigned int mpath_select_batched(struct mpath_head *head,
					 const struct mpath_pathset *ps,
					 int policy)
{
	struct mpath_qd_cpu *c = get_cpu_ptr(head->qd);
	unsigned int i;

	if (c->ps != ps || !c->left || c->idx >= ps->nr_best) {
		c->idx = policy == MPATH_IOPOLICY_ST ?
			 mpath_least_service_time(ps) : mpath_least_busy(ps);
		c->ps = ps;
		c->left = MPATH_QD_BATCH;
	}
	c->left--;
	i = c->idx;
	put_cpu_ptr(head->qd);
	return i;
}

/**
 * mpath_select_path - the path for the next bio of @head
 * @head: the head
 *
 * Caller holds rcu_read_lock().  Return: a usable path or NULL.
 */
struct mpath_path *mpath_select_path(struct mpath_head *head)
{
	struct mpath_pathset *ps = rcu_dereference(head->pset);
	struct mpath_path *path;
	unsigned int i, j;
	int policy;

	if (unlikely(!ps))
		return NULL;
	policy = READ_ONCE(head->iopolicy);
	switch (policy) {
	case MPATH_IOPOLICY_RR:
		i = this_cpu_inc_return(*head->rr_next) % ps->nr_best;
		break;
	case MPATH_IOPOLICY_QD:
	case MPATH_IOPOLICY_ST:
		i = mpath_select_batched(head, ps, policy);
		break;
	default:
		i = ps->numa_best[numa_node_id()];
		break;
	}

	path = ps->paths[i];
	if (likely(mpath_path_usable(path)))
		return path;
	/*
	 * Failed since the set was published: the next usable one, in the
	 * set's order, so optimized paths still come first.
	 */
	for (j = 0; j < ps->nr; j++) {
		path = ps->paths[j];
		if (j != i && mpath_path_usable(path))
			return path;
	}
	return NULL;
}

/**
 * mpath_select_untried - a usable path @st has not failed on yet
 * @head: the head
 * @st:  the bio's context, with the paths it failed on
 *
 * For resending after an unclear error: the preferred tier first, in the
 * set's order.  Caller holds rcu_read_lock().  Return: a path or NULL.
 */
struct mpath_path *mpath_select_untried(struct mpath_head *head,
					const struct mpath_io *st)
{
	struct mpath_pathset *ps = rcu_dereference(head->pset);
	struct mpath_path *path;
	unsigned int i, j;

	if (!ps || st->nr_tried >= MPATH_MAX_TRIES)
		return NULL;
	for (i = 0; i < ps->nr; i++) {
		path = ps->paths[i];
		if (!mpath_path_usable(path))
			continue;
		for (j = 0; j < st->nr_tried; j++)
			if (st->tried[j] == path)
				break;
		if (j == st->nr_tried)
			return path;
	}
	return NULL;
}

static int mpath_path_distance(const struct mpath_path *path, int node)
{
	if (path->numa_node == NUMA_NO_NODE)
		return LOCAL_DISTANCE;
	return node_distance(node, path->numa_node);
}

/*
 * No memory for a new set: the old one may not keep a path that is being
 * removed (it is freed once unpublished).  Then nothing is published - I/O
 * waits, as with no usable path - until the update work, scheduled by the
 * caller, builds a set again.
 */
static void mpath_pathset_drop_removed(struct mpath_head *head)
{
	struct mpath_pathset *old;
	unsigned int i;

	old = rcu_dereference_protected(head->pset,
					lockdep_is_held(&mpath_mutex));
	for (i = 0; old && i < old->nr; i++)
		if (test_bit(MPATH_PATH_REMOVED, &old->paths[i]->flags))
			break;
	if (!old || i == old->nr)
		return;
	rcu_assign_pointer(head->pset, NULL);
	if (!head->no_path_since)
		WRITE_ONCE(head->no_path_since, jiffies ?: 1);
	kfree_rcu(old, rcu);
}

/**
 * mpath_pathset_rebuild - publish the usable paths of @head
 * @head: the head
 *
 * Return: 0, or -ENOMEM: the old set stays (the I/O path skips paths that
 * failed since it was built) unless it holds a path being removed, and the
 * update work tries again.
 */
int mpath_pathset_rebuild(struct mpath_head *head)
{
	unsigned int all = 0, nr_opt = 0, nr_non = 0, i, tt, ana_wait = 0;
	struct mpath_pathset *ps, *old;
	struct mpath_path *path, **non;
	int node, d, best;

	lockdep_assert_held(&mpath_mutex);
	clear_bit(MPATH_HEAD_STALE, &head->flags);
	list_for_each_entry(path, &head->paths, node)
		all++;
	/*
	 * paths[] has room for every path twice: the second half collects the
	 * non-optimized ones.  A path's state can change at any moment (I/O
	 * completions fail paths, probes bring them back), so each path is
	 * looked at exactly once and nothing is counted in advance.
	 */
	/* NOIO: writeback may be waiting for a usable path of this disk. */
	ps = kzalloc(struct_size(ps, paths, 2 * all) +
		     nr_node_ids * sizeof(u16), GFP_NOIO);
	if (!ps) {
		mpath_pathset_drop_removed(head);
		set_bit(MPATH_HEAD_STALE, &head->flags);
		mpath_schedule_update();
		return -ENOMEM;
	}
	non = &ps->paths[all];
	list_for_each_entry(path, &head->paths, node) {
		u8 ana = READ_ONCE(path->ana_state);

		if (ana == MPATH_ANA_CHANGE) {
			tt = READ_ONCE(mpath_ana_transition_timeout) ?:
			     READ_ONCE(path->anatt) ?: MPATH_DEFAULT_ANATT;
			ana_wait = max(ana_wait, tt);
		}
		if (!mpath_path_usable(path))
			continue;
		/* Optimized (or not known) first, then non-optimized. */
		if (ana == MPATH_ANA_NONOPTIMIZED)
			non[nr_non++] = path;
		else
			ps->paths[nr_opt++] = path;
	}
	WRITE_ONCE(head->ana_wait, ana_wait);
	for (i = 0; i < nr_non; i++)
		ps->paths[nr_opt + i] = non[i];
	ps->nr = nr_opt + nr_non;
	ps->nr_best = nr_opt ?: nr_non;
	ps->numa_best = (u16 *)&ps->paths[2 * all];
	for_each_node(node) {
		best = INT_MAX;
		for (i = 0; i < ps->nr_best; i++) {
			d = mpath_path_distance(ps->paths[i], node);
			if (d < best) {
				best = d;
				ps->numa_best[node] = i;
			}
		}
	}
	if (!ps->nr) {
		kfree(ps);
		ps = NULL;
	}

	old = rcu_replace_pointer(head->pset, ps, lockdep_is_held(&mpath_mutex));
	if (ps) {
		if (head->no_path_since)
			WRITE_ONCE(head->no_path_total, head->no_path_total +
				   jiffies - head->no_path_since);
		WRITE_ONCE(head->no_path_since, 0);
		mpath_kick_requeue(head);
	} else if (!head->no_path_since) {
		WRITE_ONCE(head->no_path_since, jiffies ?: 1);
		if (head->disk_added && head->nr_paths &&
		    mpath_head_timeout(head) == MPATH_TIMEOUT_FOREVER)
			pr_warn("%s: no usable path; I/O waits for one (no_path_timeout -1)\n",
				head->disk->disk_name);
		else if (head->disk_added && head->nr_paths)
			pr_warn("%s: no usable path; I/O waits up to %us for one\n",
				head->disk->disk_name,
				max(mpath_head_timeout(head), ana_wait));
	}
	if (old)
		kfree_rcu(old, rcu);
	return 0;
}

/* Unpublishes the path set and frees it once no reader can see it. */
void mpath_pathset_free_now(struct mpath_head *head)
{
	struct mpath_pathset *ps;

	lockdep_assert_held(&mpath_mutex);
	ps = rcu_replace_pointer(head->pset, NULL,
				 lockdep_is_held(&mpath_mutex));
	synchronize_rcu();
	kfree(ps);
}

/* The head is gone from every reader's view. */
void mpath_pathset_free(struct mpath_head *head)
{
	kfree(rcu_dereference_protected(head->pset, true));
	RCU_INIT_POINTER(head->pset, NULL);
}
