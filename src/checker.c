// SPDX-License-Identifier: GPL-2.0
/*
 * The checker: every path_check_interval seconds, under mpath_mutex, it
 * reads each path's controller state, re-tests failed paths whose
 * controller is live, and has each multipath disk follow its namespace
 * (write protection, growth).
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/blkdev.h>
#include <linux/jiffies.h>
#include <linux/workqueue.h>

#include "nvme_mpath.h"

static void mpath_checker_fn(struct work_struct *work);
static DECLARE_DELAYED_WORK(mpath_checker_work, mpath_checker_fn);

/**
 * mpath_path_check - the checker's look at one path
 * @path: the path
 *
 * Follows the controller's state; a failed path whose controller is live is
 * re-tested with a read once it has been failed for a check interval.
 */
static void mpath_path_check(struct mpath_path *path)
{
	char state[sizeof(path->ctrl_state)];
	bool live;

	lockdep_assert_held(&mpath_mutex);
	if (mpath_read_ctrl_state(path->ctrl_dev, state, sizeof(state)))
		strscpy(state, "unknown", sizeof(state));
	live = !strcmp(state, "live");
	if (strcmp(state, path->ctrl_state)) {
		pr_info("%s: path %s: controller %s is %s\n",
			path->head->disk->disk_name, path->name,
			path->ctrl_name, state);
		strscpy(path->ctrl_state, state, sizeof(path->ctrl_state));
	}
	if (live == test_bit(MPATH_PATH_CTRL_DOWN, &path->flags)) {
		if (live) {
			clear_bit(MPATH_PATH_CTRL_DOWN, &path->flags);
			/* probes of the controller before it came back */
			WRITE_ONCE(path->probe_fail_ns, 0);
		} else {
			set_bit(MPATH_PATH_CTRL_DOWN, &path->flags);
		}
		set_bit(MPATH_HEAD_STALE, &path->head->flags);
	}
	/* An inaccessible path fails reads: wait for the helper to say so. */
	if (live && test_bit(MPATH_PATH_FAILED, &path->flags) &&
	    mpath_ana_usable(READ_ONCE(path->ana_state)) &&
	    time_after_eq(jiffies, READ_ONCE(path->failed_at) +
			  READ_ONCE(mpath_check_interval) * HZ))
		mpath_path_probe(path);
}

/*
 * State that follows the namespace, seen on its paths: write protection
 * (nvme-core makes a path disk read-only when the namespace is) and growth
 * (once every path shows the new size; a namespace never shrinks in place,
 * and a size of 0 is a path being deleted).
 */
static void mpath_head_follow_ns(struct mpath_head *head)
{
	struct gendisk *disk = head->disk;
	struct mpath_path *path;
	bool all_ro = true, same = true;
	sector_t cap = 0, c;
	unsigned int n = 0;

	lockdep_assert_held(&mpath_mutex);
	list_for_each_entry(path, &head->paths, node) {
		if (test_bit(MPATH_PATH_REMOVED, &path->flags))
			continue;
		c = get_capacity(path->disk);
		if (n++ && c != cap)
			same = false;
		cap = c;
		if (!get_disk_ro(path->disk))
			all_ro = false;
	}
	if (!n)
		return;
	if (all_ro != !!get_disk_ro(disk)) {
		pr_info("%s: every path is %s: multipath disk %s\n",
			disk->disk_name, all_ro ? "read-only" : "not read-only",
			all_ro ? "read-only" : "writable again");
		set_disk_ro(disk, all_ro);
	}
	if (same && cap > get_capacity(disk)) {
		if (!mpath_grow_disk(disk, cap)) {
			pr_warn_once("%s: the namespace grew to %llu sectors; this kernel cannot grow the disk live: reload nvme_mpath\n",
				     disk->disk_name, (unsigned long long)cap);
			return;
		}
		pr_info("%s: every path shows %llu sectors: grown from %llu\n",
			disk->disk_name, (unsigned long long)cap,
			(unsigned long long)head->id.capacity);
		head->id.capacity = cap;
	}
}

/* Periodic: follow controller states and re-test failed paths. */
static void mpath_checker_fn(struct work_struct *work)
{
	struct mpath_subsys *s;
	struct mpath_head *head;
	struct mpath_path *path;

	mutex_lock(&mpath_mutex);
	list_for_each_entry(s, &mpath_subsystems, node) {
		list_for_each_entry(head, &s->heads, node) {
			list_for_each_entry(path, &head->paths, node)
				mpath_path_check(path);
			mpath_head_follow_ns(head);
			mpath_head_refresh(head);
		}
	}
	mutex_unlock(&mpath_mutex);
	queue_delayed_work(mpath_update_wq, &mpath_checker_work,
			   READ_ONCE(mpath_check_interval) * HZ);
}

void mpath_checker_start(void)
{
	queue_delayed_work(mpath_update_wq, &mpath_checker_work,
			   READ_ONCE(mpath_check_interval) * HZ);
}

/* Runs the checker now (a path may be worth re-testing). */
void mpath_checker_kick(void)
{
	mod_delayed_work(mpath_update_wq, &mpath_checker_work, 0);
}

void mpath_checker_stop(void)
{
	cancel_delayed_work_sync(&mpath_checker_work);
}
