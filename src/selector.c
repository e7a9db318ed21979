// SPDX-License-Identifier: GPL-2.0
/*
 * Path selection.
 *
 * Under mpath_mutex, the usable paths of a group are collected into a path
 * set, with the best path for every NUMA node worked out in advance, and
 * published with RCU.  Choosing a path is then a read of that set: no lock,
 * no shared cache line written (round-robin keeps a per-CPU cursor).
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
};

/* Returns the policy named by @buf (a trailing newline is fine), or -EINVAL. */
int mpath_iopolicy_parse(const char *buf)
{
	int i;

	for (i = 0; i < MPATH_IOPOLICY_NR; i++)
		if (sysfs_streq(buf, mpath_iopolicy_names[i]))
			return i;
	return -EINVAL;
}

/* Index of the path of @ps with the fewest bios in flight. */
static unsigned int mpath_least_busy(const struct mpath_pathset *ps)
{
	unsigned int i, best = 0;
	long n, min = LONG_MAX;

	for (i = 0; i < ps->nr; i++) {
		n = mpath_path_inflight(ps->paths[i]);
		if (n < min) {
			min = n;
			best = i;
		}
	}
	return best;
}

static unsigned int mpath_select_qd(struct mpath_group *grp,
				    const struct mpath_pathset *ps)
{
	struct mpath_qd_cpu *c = get_cpu_ptr(grp->qd);
	unsigned int i;

	if (c->ps != ps || !c->left || c->idx >= ps->nr) {
		c->idx = mpath_least_busy(ps);
		c->ps = ps;
		c->left = MPATH_QD_BATCH;
	}
	c->left--;
	i = c->idx;
	put_cpu_ptr(grp->qd);
	return i;
}

/**
 * mpath_select_path - the path for the next bio of @grp
 * @grp: the group
 *
 * Caller holds rcu_read_lock().  Return: a usable path or NULL.
 */
struct mpath_path *mpath_select_path(struct mpath_group *grp)
{
	struct mpath_pathset *ps = rcu_dereference(grp->pset);
	struct mpath_path *path;
	unsigned int i, j;

	if (unlikely(!ps))
		return NULL;
	switch (READ_ONCE(grp->iopolicy)) {
	case MPATH_IOPOLICY_RR:
		i = this_cpu_inc_return(*grp->rr_next) % ps->nr;
		break;
	case MPATH_IOPOLICY_QD:
		i = mpath_select_qd(grp, ps);
		break;
	default:
		i = ps->numa_best[numa_node_id()];
		break;
	}

	path = ps->paths[i];
	if (likely(mpath_path_usable(path)))
		return path;
	/* Failed since the set was published: take the next usable one. */
	for (j = 1; j < ps->nr; j++) {
		path = ps->paths[(i + j) % ps->nr];
		if (mpath_path_usable(path))
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

/**
 * mpath_pathset_rebuild - publish the usable paths of @grp
 * @grp: the group
 *
 * Return: 0, or -ENOMEM (the old set stays; the I/O path skips paths that
 * failed since it was built).
 */
int mpath_pathset_rebuild(struct mpath_group *grp)
{
	struct mpath_pathset *ps = NULL, *old;
	struct mpath_path *path;
	unsigned int nr = 0, i;
	int node, d, best;

	lockdep_assert_held(&mpath_mutex);
	clear_bit(MPATH_GRP_STALE, &grp->flags);
	list_for_each_entry(path, &grp->paths, node)
		if (mpath_path_usable(path))
			nr++;
	if (nr) {
		ps = kzalloc(struct_size(ps, paths, nr) +
			     nr_node_ids * sizeof(u16), GFP_KERNEL);
		if (!ps) {
			set_bit(MPATH_GRP_STALE, &grp->flags);
			return -ENOMEM;
		}
		ps->numa_best = (u16 *)&ps->paths[nr];
		list_for_each_entry(path, &grp->paths, node)
			if (mpath_path_usable(path))
				ps->paths[ps->nr++] = path;
		for_each_node(node) {
			best = INT_MAX;
			for (i = 0; i < nr; i++) {
				d = mpath_path_distance(ps->paths[i], node);
				if (d < best) {
					best = d;
					ps->numa_best[node] = i;
				}
			}
		}
	}

	old = rcu_replace_pointer(grp->pset, ps, lockdep_is_held(&mpath_mutex));
	if (nr) {
		WRITE_ONCE(grp->no_path_since, 0);
		mpath_kick_requeue(grp);
	} else if (!grp->no_path_since) {
		WRITE_ONCE(grp->no_path_since, jiffies ?: 1);
		if (grp->disk_added && grp->nr_paths)
			pr_warn("%s: no usable path; I/O waits up to %us for one\n",
				grp->disk->disk_name,
				READ_ONCE(mpath_no_path_timeout));
	}
	if (old)
		kfree_rcu(old, rcu);
	return 0;
}

/* The group is gone from every reader's view. */
void mpath_pathset_free(struct mpath_group *grp)
{
	kfree(rcu_dereference_protected(grp->pset, true));
	RCU_INIT_POINTER(grp->pset, NULL);
}
