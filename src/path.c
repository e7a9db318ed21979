// SPDX-License-Identifier: GPL-2.0
/*
 * Paths: one namespace disk of one controller, claimed for a head.
 *
 * A path is opened exclusively (holder: its head), so nobody can mount or
 * claim it around the multipath disk, and linked as a holder so that
 * /sys/block/<mp>/slaves/ and lsblk show the stack.  Each bio in flight on
 * a path holds a reference on path->ref; a path is released only after it
 * has been unpublished and its last bio has completed.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/blkdev.h>
#include <linux/jiffies.h>
#include <linux/ktime.h>
#include <linux/math64.h>
#include <linux/slab.h>

#include "nvme_mpath.h"
#include "judge.h"

static void mpath_path_ref_release(struct percpu_ref *ref)
{
	struct mpath_path *path = container_of(ref, struct mpath_path, ref);

	complete(&path->ref_done);
}

/* Bios in flight on @path: the sum of the per-CPU counts. */
long mpath_path_inflight(struct mpath_path *path)
{
	long sum = 0;
	int cpu;

	for_each_possible_cpu(cpu)
		sum += READ_ONCE(per_cpu_ptr(path->stats, cpu)->inflight);
	return sum;
}

/*
 * A path's recent completion time, in ns: the mean of the per-CPU averages.
 * @recent_only: count only CPUs that completed a bio on it lately; 0 if none
 * did (service-time then tries the path again, so an estimate never goes
 * stale for good).  Otherwise the last averages known.
 */
u64 mpath_path_latency(struct mpath_path *path, bool recent_only)
{
	unsigned long now = jiffies;
	u64 sum = 0, lat;
	unsigned int n = 0;
	int cpu;

	for_each_possible_cpu(cpu) {
		const struct mpath_path_stats *s = per_cpu_ptr(path->stats, cpu);

		lat = READ_ONCE(s->lat_ns);
		if (!lat)
			continue;
		if (recent_only &&
		    time_after(now, READ_ONCE(s->lat_stamp) + MPATH_LAT_RECENT))
			continue;
		sum += lat;
		n++;
	}
	return n ? div_u64(sum, n) : 0;
}

bool mpath_ana_usable(unsigned int state)
{
	return state == MPATH_ANA_UNKNOWN || state == MPATH_ANA_OPTIMIZED ||
	       state == MPATH_ANA_NONOPTIMIZED;
}

bool mpath_path_usable(const struct mpath_path *path)
{
	return !(READ_ONCE(path->flags) & (BIT(MPATH_PATH_FAILED) |
					   BIT(MPATH_PATH_CTRL_DOWN) |
					   BIT(MPATH_PATH_REMOVED) |
					   BIT(MPATH_PATH_DISABLED))) &&
	       mpath_ana_usable(READ_ONCE(path->ana_state));
}

const char * const mpath_path_state_names[MPATH_PS_NR] = {
	[MPATH_PS_USABLE] = "usable",
	[MPATH_PS_FAILED] = "failed",
	[MPATH_PS_CTRL_DOWN] = "ctrl-down",
	[MPATH_PS_REMOVED] = "removed",
	[MPATH_PS_INACCESSIBLE] = "inaccessible",
	[MPATH_PS_PERSISTENT_LOSS] = "persistent-loss",
	[MPATH_PS_CHANGE] = "change",
	[MPATH_PS_DISABLED] = "disabled",
};

/* The most telling reason a path is not used, or usable. */
enum mpath_path_state mpath_path_state(const struct mpath_path *path)
{
	unsigned long flags = READ_ONCE(path->flags);

	if (flags & BIT(MPATH_PATH_REMOVED))
		return MPATH_PS_REMOVED;
	if (flags & BIT(MPATH_PATH_CTRL_DOWN))
		return MPATH_PS_CTRL_DOWN;
	if (flags & BIT(MPATH_PATH_DISABLED))
		return MPATH_PS_DISABLED;
	switch (READ_ONCE(path->ana_state)) {
	case MPATH_ANA_INACCESSIBLE:
		return MPATH_PS_INACCESSIBLE;
	case MPATH_ANA_PERSISTENT_LOSS:
		return MPATH_PS_PERSISTENT_LOSS;
	case MPATH_ANA_CHANGE:
		return MPATH_PS_CHANGE;
	}
	if (flags & BIT(MPATH_PATH_FAILED))
		return MPATH_PS_FAILED;
	return MPATH_PS_USABLE;
}

const char *mpath_ana_state_name(unsigned int state)
{
	switch (state) {
	case MPATH_ANA_OPTIMIZED:
		return "optimized";
	case MPATH_ANA_NONOPTIMIZED:
		return "non-optimized";
	case MPATH_ANA_INACCESSIBLE:
		return "inaccessible";
	case MPATH_ANA_PERSISTENT_LOSS:
		return "persistent-loss";
	case MPATH_ANA_CHANGE:
		return "change";
	default:
		return "unknown";
	}
}

/* The state named by @buf, or -EINVAL; "unknown" cannot be set. */
int mpath_ana_state_parse(const char *buf)
{
	static const u8 states[] = {
		MPATH_ANA_OPTIMIZED, MPATH_ANA_NONOPTIMIZED,
		MPATH_ANA_INACCESSIBLE, MPATH_ANA_PERSISTENT_LOSS,
		MPATH_ANA_CHANGE,
	};
	int i;

	for (i = 0; i < ARRAY_SIZE(states); i++)
		if (sysfs_streq(buf, mpath_ana_state_name(states[i])))
			return states[i];
	return -EINVAL;
}

/**
 * mpath_path_set_ana - the helper reports a path's ANA state
 * @path:  the path
 * @state: an enum mpath_ana_state other than unknown
 *
 * Any process context.  The I/O path sees the new state at once (it checks
 * every chosen path); the update work republishes the path set.  Every
 * report, changed or not, is noted: bios that failed on every path wait
 * for one made after their failure (io.c).  A path that
 * failed while inaccessible or in change is re-tested right away once the
 * state allows I/O again.
 */
void mpath_path_set_ana(struct mpath_path *path, u8 state)
{
	u8 old = READ_ONCE(path->ana_state);

	/* A report, even of the same state, may settle a bio's verdict. */
	WRITE_ONCE(path->ana_report_ns, ktime_get_ns());
	if (old == state) {
		mpath_kick_requeue(path->head);
		return;
	}
	WRITE_ONCE(path->ana_state, state);
	atomic_inc(&path->ana_changes);
	WRITE_ONCE(path->ana_change_ms,
		   div_u64(ktime_get_boottime_ns(), NSEC_PER_MSEC) ?: 1);
	/* A failed probe from before the change says nothing about now. */
	WRITE_ONCE(path->probe_fail_ns, 0);
	pr_info_ratelimited("%s: path %s (%s): ANA state %s -> %s\n",
			    path->head->disk->disk_name, path->name,
			    path->ctrl_name, mpath_ana_state_name(old),
			    mpath_ana_state_name(state));
	/*
	 * The time a transition took is not time without a path: waiting
	 * bios get their no_path_timeout again from now, while the path that
	 * failed during the transition is re-tested (io.c, mpath_no_path).
	 */
	if (old == MPATH_ANA_CHANGE)
		WRITE_ONCE(path->head->ana_settled, jiffies ?: 1);
	if (mpath_ana_usable(state) &&
	    test_bit(MPATH_PATH_FAILED, &path->flags)) {
		WRITE_ONCE(path->failed_at, jiffies -
			   READ_ONCE(mpath_check_interval) * HZ);
		mpath_checker_kick();
	}
	set_bit(MPATH_HEAD_STALE, &path->head->flags);
	mpath_schedule_update();
}

/* Serialises administrators' enable/disable writes (not the I/O path). */
static DEFINE_MUTEX(mpath_admin_mutex);

/**
 * mpath_path_set_disabled - an administrator takes @path out of use or back
 * @path:    the path
 * @disable: true to stop sending I/O to it, false to use it again
 *
 * Process context (sysfs).  A disabled path gets no new bio; bios in flight
 * on it complete there.  The checker never enables it again.  Disabling
 * the last usable path of the disk is refused: planned maintenance must
 * not take a disk's I/O down.  Not under mpath_mutex: the head's teardown
 * holds it while it removes the sysfs file that calls this.
 *
 * Return: 0, or -EBUSY if no other path is usable now.
 */
int mpath_path_set_disabled(struct mpath_path *path, bool disable)
{
	struct mpath_head *head = path->head;
	const struct mpath_pathset *ps;
	bool other = false;
	unsigned int i;
	int ret = 0;

	mutex_lock(&mpath_admin_mutex);
	if (disable == test_bit(MPATH_PATH_DISABLED, &path->flags))
		goto out;
	if (disable) {
		rcu_read_lock();
		ps = rcu_dereference(head->pset);
		for (i = 0; ps && i < ps->nr; i++)
			if (ps->paths[i] != path &&
			    mpath_path_usable(ps->paths[i]))
				other = true;
		rcu_read_unlock();
		if (!other) {
			ret = -EBUSY;
			goto out;
		}
		set_bit(MPATH_PATH_DISABLED, &path->flags);
	} else {
		clear_bit(MPATH_PATH_DISABLED, &path->flags);
	}
	pr_info("%s: path %s (%s) %s by the administrator\n",
		head->disk->disk_name, path->name, path->ctrl_name,
		disable ? "disabled" : "enabled");
	set_bit(MPATH_HEAD_STALE, &head->flags);
	mpath_schedule_update();
	if (!disable)
		mpath_kick_requeue(head);
out:
	mutex_unlock(&mpath_admin_mutex);
	return ret;
}

/**
 * mpath_path_report - announce a path event to userspace
 * @path:  the path
 * @event: "path-added", "path-state" or "path-removed"
 *
 * A change uevent on the multipath disk carrying the path, its controller
 * and its state (udev runs the ANA helper on it), and for state changes a
 * rate-limited log line.  Process context, under mpath_mutex.
 */
void mpath_path_report(struct mpath_path *path, const char *event)
{
	struct mpath_head *head = path->head;
	enum mpath_path_state state = mpath_path_state(path);
	const char *name = mpath_path_state_names[state];
	char *envp[5] = { NULL };
	int i;

	lockdep_assert_held(&mpath_mutex);
	if (!strcmp(event, "path-state")) {
		if (state == path->reported)
			return;
		pr_info_ratelimited("%s: path %s (%s): %s -> %s\n",
				    head->disk->disk_name, path->name,
				    path->ctrl_name,
				    mpath_path_state_names[path->reported],
				    name);
	}
	path->reported = state;
	if (!head->disk_added)
		return;
	envp[0] = kasprintf(GFP_KERNEL, "NVME_MPATH_EVENT=%s", event);
	envp[1] = kasprintf(GFP_KERNEL, "NVME_MPATH_PATH=%s", path->name);
	envp[2] = kasprintf(GFP_KERNEL, "NVME_MPATH_CTRL=%s", path->ctrl_name);
	envp[3] = kasprintf(GFP_KERNEL, "NVME_MPATH_STATE=%s", name);
	if (envp[0] && envp[1] && envp[2] && envp[3])
		kobject_uevent_env(&disk_to_dev(head->disk)->kobj, KOBJ_CHANGE,
				   envp);
	for (i = 0; i < 4; i++)
		kfree(envp[i]);
}

static void mpath_probe_fn(struct work_struct *work);

/**
 * mpath_path_create - claim a namespace disk as a path of @head
 * @head: the head
 * @id:  identity read when the disk appeared
 * @dev: the disk's device, referenced by the caller
 *
 * The path is not yet visible to I/O: the caller publishes it.
 * Return: the path, or an ERR_PTR (logged) if the disk cannot be claimed.
 */
struct mpath_path *mpath_path_create(struct mpath_head *head,
				     const struct mpath_ident *id,
				     struct device *dev)
{
	struct mpath_path *path;
	int ret;

	lockdep_assert_held(&mpath_mutex);
	path = kzalloc(sizeof(*path), GFP_KERNEL);
	if (!path)
		return ERR_PTR(-ENOMEM);
	mpath_kobject_init(&path->kobj, &mpath_path_ktype);
	path->head = head;
	INIT_LIST_HEAD(&path->node);
	init_completion(&path->ref_done);
	INIT_WORK(&path->probe_work, mpath_probe_fn);
	path->probe_status = MPATH_PROBE_NONE;
	path->numa_node = id->numa_node;
	path->cntlid = id->cntlid;
	strscpy(path->name, id->disk_name, sizeof(path->name));
	strscpy(path->ctrl_name, id->ctrl_name, sizeof(path->ctrl_name));
	strscpy(path->transport, id->transport, sizeof(path->transport));
	strscpy(path->ctrl_state, "live", sizeof(path->ctrl_state));
	path->fabrics = mpath_transport_is_fabrics(id->transport);
	path->tbkas = -1;
	atomic64_set(&path->errors, 0);
	atomic64_set(&path->failovers, 0);
	atomic64_set(&path->cmd_errors, 0);
	atomic64_set(&path->cmd_retries, 0);

	path->stats = alloc_percpu(struct mpath_path_stats);
	if (!path->stats) {
		ret = -ENOMEM;
		goto out_put;
	}
	ret = percpu_ref_init(&path->ref, mpath_path_ref_release, 0,
			      GFP_KERNEL);
	if (ret)
		goto out_put;

	ret = mpath_bdev_open(id->devt, head, &path->bdev);
	if (ret) {
		pr_warn("%s: cannot claim it as a path of NSID %u of %s (%d%s): left alone\n",
			id->disk_name, id->nsid, id->nqn, ret,
			ret == -EBUSY ? ", in use" : "");
		goto out_put;
	}
	/* The same disk, not another one that reused its number. */
	if (path->bdev.bdev->bd_disk != dev_to_disk(dev) ||
	    !mpath_disk_live(path->bdev.bdev->bd_disk)) {
		ret = -ENODEV;
		goto out_close;
	}
	path->disk = path->bdev.bdev->bd_disk;
	path->ctrl_dev = get_device(dev->parent);
	/* Not read in the class callback: nvme-tcp takes a queue mutex here. */
	if (mpath_read_ctrl_attr(path->ctrl_dev, "address", path->address,
				 sizeof(path->address)))
		path->address[0] = '\0';
	return path;

out_close:
	mpath_bdev_close(&path->bdev, head);
out_put:
	kobject_put(&path->kobj);
	return ERR_PTR(ret);
}

/* Links a published path under its head's live disk. */
int mpath_path_attach(struct mpath_path *path)
{
	int ret;

	lockdep_assert_held(&mpath_mutex);
	ret = bd_link_disk_holder(path->bdev.bdev, path->head->disk);
	if (ret)
		return ret;
	path->holder_linked = true;
	ret = mpath_sysfs_add_path(path);
	if (ret) {
		bd_unlink_disk_holder(path->bdev.bdev, path->head->disk);
		path->holder_linked = false;
		return ret;
	}
	return 0;
}

/*
 * Undoes mpath_path_attach(); the path may go on serving I/O.  The holder
 * link is undone even where the head had no mpath/ directory to put the
 * path's own in.
 */
void mpath_path_detach(struct mpath_path *path)
{
	lockdep_assert_held(&mpath_mutex);
	if (path->kobj.state_in_sysfs)
		kobject_del(&path->kobj);
	if (path->holder_linked) {
		bd_unlink_disk_holder(path->bdev.bdev, path->head->disk);
		path->holder_linked = false;
	}
}

/**
 * mpath_paths_release - release paths no path set publishes any more
 * @paths: the paths, linked by their ->node (off their head's list)
 *
 * Waits for the bios in flight on them, then gives their disks back.  The
 * grace periods this waits for (readers of older path sets, the switch of
 * each reference to atomic mode) are shared by all the paths of the batch:
 * a controller's 256 namespaces cost about one, not 512.
 */
void mpath_paths_release(struct list_head *paths)
{
	struct mpath_path *path, *tmp;

	lockdep_assert_held(&mpath_mutex);
	if (list_empty(paths))
		return;
	/* No reader of an older path set can take a new reference after this. */
	synchronize_rcu();
	list_for_each_entry(path, paths, node) {
		percpu_ref_kill(&path->ref);
		/* Bios waiting for a verdict hold references: let them see it gone. */
		mpath_kick_requeue(path->head);
	}
	list_for_each_entry_safe(path, tmp, paths, node) {
		wait_for_completion(&path->ref_done);
		list_del_init(&path->node);
		if (path->head->disk_added)
			mpath_path_detach(path);
		mpath_bdev_close(&path->bdev, path->head);
		put_device(path->ctrl_dev);
		path->ctrl_dev = NULL;
		kobject_put(&path->kobj);
	}
}

/**
 * mpath_path_destroy - release one path no path set publishes any more
 * @path: the path; on no list, or on one it may be taken off
 */
void mpath_path_destroy(struct mpath_path *path)
{
	LIST_HEAD(one);

	list_del_init(&path->node);
	list_add(&path->node, &one);
	mpath_paths_release(&one);
}

/* Frees the path once its sysfs directory is gone (kobject release). */
void mpath_path_free(struct mpath_path *path)
{
	percpu_ref_exit(&path->ref);	/* safe on a never-initialised ref */
	free_percpu(path->stats);
	kfree(path);
}

/**
 * mpath_path_fail - @path failed: a path error, or it lost access
 * @path:   the path; the caller holds a reference
 * @status: the error
 *
 * Any context.  The path is skipped by the I/O path at once and dropped from
 * the published set by the update work; the checker re-tests it later.
 */
void mpath_path_fail(struct mpath_path *path, blk_status_t status)
{
	struct mpath_head *head = path->head;

	atomic64_inc(&path->errors);
	if (test_and_set_bit(MPATH_PATH_FAILED, &path->flags))
		return;
	WRITE_ONCE(path->failed_at, jiffies);
	pr_warn_ratelimited("%s: path %s (%s) failed (error %d), failing over\n",
			    head->disk->disk_name, path->name, path->ctrl_name,
			    blk_status_to_errno(status));
	set_bit(MPATH_HEAD_STALE, &head->flags);
	mpath_schedule_update();
}

/*
 * A probe's verdict.  @answered: the path works - the command went through,
 * or the controller answered it with a status of its own (the namespace's
 * or the command's: not a path-related one).  Otherwise the path failed it.
 */
static void mpath_probe_done(struct mpath_path *path, bool answered)
{
	struct mpath_head *head = path->head;
	u64 start = READ_ONCE(path->probe_start_ns);

	if (answered) {
		WRITE_ONCE(path->probe_ok_ns, start);
		WRITE_ONCE(head->ns_failing_ns, 0);
		if (test_and_clear_bit(MPATH_PATH_FAILED, &path->flags)) {
			set_bit(MPATH_HEAD_STALE, &head->flags);
			mpath_schedule_update();
		}
	} else {
		WRITE_ONCE(path->probe_fail_ns, start);
		WRITE_ONCE(path->failed_at, jiffies);
	}
}

/* Ends a probe with or without a verdict; drops the probe's reference. */
static void mpath_probe_finish(struct mpath_path *path)
{
	clear_bit(MPATH_PATH_PROBING, &path->flags);
	/* Bios may be waiting for this verdict. */
	mpath_kick_requeue(path->head);
	percpu_ref_put(&path->ref);
}

static void mpath_probe_end_io(struct bio *bio)
{
	struct mpath_path *path = bio->bi_private;
	unsigned int order = get_order(bio_first_bvec_all(bio)->bv_len);

	/* EAGAIN (no tag free now) says nothing about the path. */
	if (bio->bi_status != BLK_STS_AGAIN) {
		WRITE_ONCE(path->probe_status,
			   blk_status_to_errno(bio->bi_status));
		mpath_probe_done(path, !bio->bi_status);
	}
	__free_pages(bio_first_page_all(bio), order);
	bio_put(bio);
	mpath_probe_finish(path);
}

/*
 * The block layer's probe: a read of the first block, without waiting or
 * retrying.  Its status cannot tell a path that lost access from a
 * namespace that fails the read (both are BLK_STS_IOERR).  The buffer
 * holds a whole logical block, which may be larger than a page.
 */
static void mpath_probe_bio(struct mpath_path *path)
{
	unsigned int len = bdev_logical_block_size(path->bdev.bdev);
	unsigned int order = get_order(len);
	struct page *page;
	struct bio *bio;

	page = alloc_pages(GFP_NOIO, order);
	if (!page)
		goto out_finish;
	bio = mpath_bio_alloc(path->bdev.bdev, 1, REQ_OP_READ | REQ_SYNC |
			REQ_NOWAIT | REQ_FAILFAST_DEV |
			REQ_FAILFAST_TRANSPORT | REQ_FAILFAST_DRIVER,
			GFP_NOIO);
	if (!bio) {
		__free_pages(page, order);
		goto out_finish;
	}
	__bio_add_page(bio, page, len, 0);
	bio->bi_iter.bi_sector = 0;
	bio->bi_end_io = mpath_probe_end_io;
	bio->bi_private = path;
	WRITE_ONCE(path->probe_start_ns, ktime_get_ns());
	submit_bio(bio);
	return;

out_finish:
	mpath_probe_finish(path);
}

/*
 * The NVMe probe: the same read as an NVMe command of its own, which gives
 * the NVMe status back (mpath_nvme_read_first_block(), compat.h).  A status
 * of the path-related type (ANA inaccessible or in transition, host path
 * error) or an error of the host (the command aborted by a reset) fails
 * the path's probe; any other status is the controller's answer about the
 * namespace - the path works.  A path disk with metadata (an integrity
 * profile) is probed by the block layer instead: the command would need a
 * metadata buffer.  Process context: the command is waited for.
 */
static void mpath_probe_fn(struct work_struct *work)
{
	struct mpath_path *path = container_of(work, struct mpath_path,
					       probe_work);
	bool answered;
	int ret;

	if (!mpath_nvme_probe_possible(path->bdev.bdev)) {
		mpath_probe_bio(path);
		return;
	}
	WRITE_ONCE(path->probe_start_ns, ktime_get_ns());
	ret = mpath_nvme_read_first_block(path->bdev.bdev, path->head->id.nsid);
	if (ret == -ENOMEM || ret == -EAGAIN) {
		/* No verdict (no memory, no tag): the next probe asks again. */
		mpath_probe_finish(path);
		return;
	}
	/* Said once per change, not on every check interval. */
	if (ret > 0 && ret != READ_ONCE(path->probe_status) &&
	    !mpath_nvme_status_is_path(ret))
		pr_info_ratelimited("%s: path %s (%s) answers with NVMe status %#x: the namespace's error, not the path's\n",
				    path->head->disk->disk_name, path->name,
				    path->ctrl_name, ret);
	WRITE_ONCE(path->probe_status, ret);
	answered = ret >= 0 && !mpath_nvme_status_is_path(ret);
	mpath_probe_done(path, answered);
	/*
	 * Not answered: a path-related status (ANA inaccessible, persistent
	 * loss or transition, host path error) or a command the host ended.
	 * That is the path's own verdict, so the path goes out of use now, as
	 * native's ANA error handling disables it until the state is known
	 * again, rather than after the ANA helper's next report: bios that
	 * failed on every path then wait for a path (no_path_timeout), instead
	 * of being judged a namespace error once the report was late (the
	 * torture, seed 44583: every TCP path ANA inaccessible for 5 s, the
	 * helper's report 8 s late, writes failed with EIO).  The checker
	 * re-tests the path every check interval.
	 */
	if (!answered && mpath_path_usable(path))
		mpath_path_fail(path, ret > 0 ? BLK_STS_TRANSPORT :
				errno_to_blk_status(ret));
	mpath_probe_finish(path);
}

/*
 * Checks that @path still reaches the namespace: one read of its first
 * block, in the background (mpath_probe_fn); the verdict lands in the
 * path's probe times and kicks the head's waiting bios.  Any context.
 */
void mpath_path_probe(struct mpath_path *path)
{
	if (test_and_set_bit(MPATH_PATH_PROBING, &path->flags))
		return;
	percpu_ref_get(&path->ref);
	queue_work(mpath_io_wq, &path->probe_work);
}

/**
 * mpath_path_verify - have @path proven by a probe started after @since_ns
 * @path:     the path; the caller holds a reference
 * @since_ns: ktime of the error to judge
 *
 * Process context.  Starts a probe unless one started after @since_ns; if
 * an older one is in flight, the verdict's next look (kicked when it ends)
 * asks again.
 */
void mpath_path_verify(struct mpath_path *path, u64 since_ns)
{
	if (READ_ONCE(path->probe_start_ns) > since_ns)
		return;
	mpath_path_probe(path);
}

const char * const mpath_resend_hold_names[MPATH_HOLD_NR] = {
	[MPATH_HOLD_TP4129] = "tp4129",
	[MPATH_HOLD_OFF] = "off",
};

int mpath_resend_hold_parse(const char *buf)
{
	return mpath_name_parse(mpath_resend_hold_names, MPATH_HOLD_NR, buf);
}

/*
 * The keep alive timeout the connection uses, seconds: the controller's
 * "kato" attribute where nvme-core has it, else nvme-core's default.
 * Process context.
 */
unsigned int mpath_path_kato(struct mpath_path *path)
{
	char buf[16];
	unsigned int kato;

	if (mpath_read_ctrl_attr(path->ctrl_dev, "kato", buf, sizeof(buf)) ||
	    kstrtouint(strim(buf), 10, &kato))
		return MPATH_DEFAULT_KATO;
	return kato;
}

/*
 * How long the old controller may still execute a command after its host
 * lost the association (TP4129): the controller notices within 2 x KATO
 * (3 x KATO with traffic based keep alive, or while that is not known) and
 * quiesces its commands within CQT.  A path without keep alive (KATO 0)
 * gets nvme-core's default.  Process context.
 */
unsigned int mpath_path_hold_ms(struct mpath_path *path)
{
	return mpath_hold_ms(mpath_path_kato(path) ?: MPATH_DEFAULT_KATO,
			     READ_ONCE(path->tbkas), READ_ONCE(path->cqt));
}

/* Is @path's controller live now?  Process context. */
bool mpath_path_ctrl_live(struct mpath_path *path)
{
	char state[sizeof(path->ctrl_state)];

	if (mpath_read_ctrl_state(path->ctrl_dev, state, sizeof(state)))
		return false;
	return !strcmp(state, "live");
}

#define MPATH_JUDGE_MAX		16

/**
 * mpath_head_judge_paths - fail the paths that lost access, not others
 * @head: the head
 *
 * A usable path whose last probe failed is failed once a peer's probe that
 * started later has worked: the namespace works, that path does not.  Until
 * then its peers are asked.  When every path fails its probe, none is
 * failed: the bios' own verdict (io.c) settles it.  Requeue work, no locks.
 */
void mpath_head_judge_paths(struct mpath_head *head)
{
	struct mpath_path *paths[MPATH_JUDGE_MAX];
	const struct mpath_pathset *ps;
	unsigned int n = 0, i, j;
	u64 f;

	rcu_read_lock();
	ps = rcu_dereference(head->pset);
	for (i = 0; ps && i < ps->nr && n < MPATH_JUDGE_MAX; i++)
		if (percpu_ref_tryget_live(&ps->paths[i]->ref))
			paths[n++] = ps->paths[i];
	rcu_read_unlock();

	for (i = 0; i < n; i++) {
		struct mpath_path *p = paths[i];
		bool peer_ok = false;

		f = READ_ONCE(p->probe_fail_ns);
		if (!f || READ_ONCE(p->probe_ok_ns) > f ||
		    !mpath_path_usable(p))
			continue;
		for (j = 0; j < n; j++)
			if (j != i && mpath_path_usable(paths[j]) &&
			    READ_ONCE(paths[j]->probe_ok_ns) > f)
				peer_ok = true;
		if (peer_ok) {
			pr_warn_ratelimited("%s: path %s (%s) fails reads that another path serves\n",
					    head->disk->disk_name, p->name,
					    p->ctrl_name);
			mpath_path_fail(p, BLK_STS_IOERR);
			continue;
		}
		for (j = 0; j < n; j++)
			if (j != i && mpath_path_usable(paths[j]))
				mpath_path_verify(paths[j], f);
	}
	for (i = 0; i < n; i++)
		percpu_ref_put(&paths[i]->ref);
}
