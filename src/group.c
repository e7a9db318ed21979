// SPDX-License-Identifier: GPL-2.0
/*
 * Grouping: which namespace disks are paths of one multipath namespace, and
 * the life of each group's disk.
 *
 * A group is keyed by (subsystem NQN, NSID) and every path must also match
 * its identifiers (wwid, EUI-64, NGUID, UUID), command set, capacity and
 * logical block size.  A namespace seen on one controller only is kept as a
 * candidate (not opened) until a matching second path shows up, so a
 * controller's private namespace - the boot SSD - is never touched.
 *
 * Everything here runs under mpath_mutex, from the ordered event work, the
 * checker and the update work.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/blkdev.h>
#include <linux/delay.h>
#include <linux/idr.h>
#include <linux/jiffies.h>
#include <linux/module.h>
#include <linux/mutex.h>
#include <linux/percpu.h>
#include <linux/slab.h>
#include <linux/wait_bit.h>

#include "nvme_mpath.h"

/* Serialises all topology changes; never taken on the I/O path. */
DEFINE_MUTEX(mpath_mutex);
static LIST_HEAD(mpath_subsystems);
static LIST_HEAD(mpath_candidates);
static DEFINE_IDA(mpath_subsys_ida);
/* Groups not freed yet: ->free_disk may run after the teardown. */
static atomic_t mpath_nr_groups = ATOMIC_INIT(0);

/* A namespace disk seen on one controller so far; not opened. */
struct mpath_cand {
	struct list_head node;
	struct device *dev;		/* referenced */
	struct mpath_ident id;
};

static void mpath_update_fn(struct work_struct *work);
static DECLARE_WORK(mpath_update_work, mpath_update_fn);
static void mpath_checker_fn(struct work_struct *work);
static DECLARE_DELAYED_WORK(mpath_checker_work, mpath_checker_fn);

/* What differs between two identities, or NULL if they name one namespace. */
static const char *mpath_ident_mismatch(const struct mpath_ident *a,
					const struct mpath_ident *b)
{
	if (strcmp(a->wwid, b->wwid))
		return "wwid";
	if (strcmp(a->eui, b->eui))
		return "EUI-64";
	if (strcmp(a->nguid, b->nguid))
		return "NGUID";
	if (strcmp(a->uuid, b->uuid))
		return "UUID";
	if (a->csi != b->csi)
		return "command set";
	if (a->capacity != b->capacity)
		return "capacity";
	if (a->lbs != b->lbs)
		return "logical block size";
	return NULL;
}

static bool mpath_same_ns(const struct mpath_ident *a,
			  const struct mpath_ident *b)
{
	return a->nsid == b->nsid && !strcmp(a->nqn, b->nqn);
}

static void mpath_log_mismatch(const struct mpath_ident *new,
			       const char *other, const char *why)
{
	pr_warn("%s (%s) and %s both show NSID %u of %s but differ in %s: not merged\n",
		new->disk_name, new->ctrl_name, other, new->nsid, new->nqn, why);
}

static struct mpath_subsys *mpath_subsys_find(const char *nqn)
{
	struct mpath_subsys *s;

	lockdep_assert_held(&mpath_mutex);
	list_for_each_entry(s, &mpath_subsystems, node)
		if (!strcmp(s->nqn, nqn))
			return s;
	return NULL;
}

/*
 * Subsystems keep their number for as long as the module is loaded, so a
 * namespace whose paths all went away comes back under the same name.
 */
static struct mpath_subsys *mpath_subsys_get(const char *nqn)
{
	struct mpath_subsys *s = mpath_subsys_find(nqn);
	int instance;

	if (s)
		return s;
	s = kzalloc(sizeof(*s), GFP_KERNEL);
	if (!s)
		return NULL;
	instance = ida_alloc(&mpath_subsys_ida, GFP_KERNEL);
	if (instance < 0) {
		kfree(s);
		return NULL;
	}
	s->instance = instance;
	strscpy(s->nqn, nqn, sizeof(s->nqn));
	INIT_LIST_HEAD(&s->groups);
	list_add_tail(&s->node, &mpath_subsystems);
	return s;
}

static struct mpath_group *mpath_group_find(const struct mpath_ident *id)
{
	struct mpath_subsys *s = mpath_subsys_find(id->nqn);
	struct mpath_group *grp;

	if (!s)
		return NULL;
	list_for_each_entry(grp, &s->groups, node)
		if (grp->id.nsid == id->nsid)
			return grp;
	return NULL;
}

static struct mpath_path *mpath_find_path(struct gendisk *disk,
					  struct mpath_group **grpp)
{
	struct mpath_subsys *s;
	struct mpath_group *grp;
	struct mpath_path *path;

	lockdep_assert_held(&mpath_mutex);
	list_for_each_entry(s, &mpath_subsystems, node)
		list_for_each_entry(grp, &s->groups, node)
			list_for_each_entry(path, &grp->paths, node)
				if (path->disk == disk) {
					*grpp = grp;
					return path;
				}
	return NULL;
}

static void mpath_cand_free(struct mpath_cand *c)
{
	list_del(&c->node);
	put_device(c->dev);
	kfree(c);
}

/* Publishes a path set without @path and releases it. */
static void mpath_group_drop_path(struct mpath_group *grp,
				  struct mpath_path *path)
{
	lockdep_assert_held(&mpath_mutex);
	set_bit(MPATH_PATH_REMOVED, &path->flags);
	list_del(&path->node);
	grp->nr_paths--;
	mpath_pathset_rebuild(grp);
	mpath_path_destroy(path);
}

/*
 * Tears a group down.  Its disk is unopened, or the module is going away
 * (then nothing can have it open).  The group itself is freed by the disk's
 * ->free_disk once the last reference to the disk is gone.
 */
static void mpath_group_destroy(struct mpath_group *grp)
{
	struct mpath_path *path, *tmp;

	lockdep_assert_held(&mpath_mutex);
	WRITE_ONCE(grp->dead, true);
	list_del(&grp->node);
	pr_info("%s: removing multipath disk\n", grp->disk->disk_name);

	if (grp->disk_added) {
		/* Holder links and sysfs first; the paths still serve I/O. */
		list_for_each_entry(path, &grp->paths, node)
			mpath_path_detach(path);
		mpath_sysfs_del_group(grp);
		del_gendisk(grp->disk);
	}
	list_for_each_entry_safe(path, tmp, &grp->paths, node)
		mpath_group_drop_path(grp, path);
	/* No path left: whatever still waits fails now. */
	mpath_flush_requeue(grp);
	mpath_put_disk(grp->disk, mpath_free_disk);
}

/* Adds a claimed path to a group whose disk is live. */
static void mpath_group_add_path(struct mpath_group *grp,
				 const struct mpath_ident *id,
				 struct device *dev)
{
	struct mpath_path *path;
	int ret;

	lockdep_assert_held(&mpath_mutex);
	path = mpath_path_create(grp, id, dev);
	if (IS_ERR(path))
		return;
	mpath_limits_restack(grp->disk, path->bdev.bdev);
	ret = mpath_path_attach(path);
	if (ret) {
		pr_warn("%s: cannot link path %s: %d\n", grp->disk->disk_name,
			path->name, ret);
		mpath_path_destroy(path);
		return;
	}
	list_add_tail(&path->node, &grp->paths);
	grp->nr_paths++;
	mpath_pathset_rebuild(grp);
	pr_info("%s: added path %s (%s)\n", grp->disk->disk_name, path->name,
		path->ctrl_name);
	mpath_path_report(path, "path-added");
}

static struct mpath_group *mpath_group_alloc(struct mpath_subsys *subsys,
					     const struct mpath_ident *id)
{
	struct mpath_group *grp;

	grp = kzalloc(sizeof(*grp), GFP_KERNEL);
	if (!grp)
		return NULL;
	grp->rr_next = alloc_percpu(unsigned int);
	grp->qd = alloc_percpu(struct mpath_qd_cpu);
	if (!grp->rr_next || !grp->qd) {
		free_percpu(grp->qd);
		free_percpu(grp->rr_next);
		kfree(grp);
		return NULL;
	}
	atomic_inc(&mpath_nr_groups);
	grp->subsys = subsys;
	grp->id = *id;
	grp->iopolicy = READ_ONCE(mpath_default_iopolicy);
	INIT_LIST_HEAD(&grp->paths);
	atomic_set(&grp->openers, 0);
	spin_lock_init(&grp->requeue_lock);
	INIT_LIST_HEAD(&grp->requeue_list);
	INIT_DELAYED_WORK(&grp->requeue_work, mpath_requeue_work);
	return grp;
}

/* Called from the disk's ->free_disk. */
void mpath_group_free(struct mpath_group *grp)
{
	mpath_pathset_free(grp);
	free_percpu(grp->qd);
	free_percpu(grp->rr_next);
	kfree(grp);
	if (atomic_dec_and_test(&mpath_nr_groups))
		wake_up_var(&mpath_nr_groups);
}

/*
 * Makes a group of @id (the disk just added) and every matching candidate,
 * if enough of them can be claimed.  Returns false if @dev should stay a
 * candidate.
 */
static bool mpath_group_create(const struct mpath_ident *id,
			       struct device *dev, unsigned int needed)
{
	struct mpath_subsys *subsys;
	struct mpath_group *grp;
	struct mpath_path *path, *ptmp;
	struct mpath_cand *c, *ctmp;
	struct mpath_limits ml;
	struct gendisk *disk;
	LIST_HEAD(claimed);
	int ret;

	lockdep_assert_held(&mpath_mutex);
	subsys = mpath_subsys_get(id->nqn);
	if (!subsys)
		return false;
	grp = mpath_group_alloc(subsys, id);
	if (!grp)
		return false;

	path = mpath_path_create(grp, id, dev);
	if (!IS_ERR(path))
		list_add_tail(&path->node, &claimed);
	list_for_each_entry(c, &mpath_candidates, node) {
		if (!mpath_same_ns(&c->id, id) ||
		    mpath_ident_mismatch(&c->id, id))
			continue;
		path = mpath_path_create(grp, &c->id, c->dev);
		if (!IS_ERR(path))
			list_add_tail(&path->node, &claimed);
	}
	list_for_each_entry(path, &claimed, node)
		grp->nr_paths++;
	if (grp->nr_paths < needed) {
		pr_info("NSID %u of %s: %u of %u paths could be claimed: no multipath disk yet\n",
			id->nsid, id->nqn, grp->nr_paths, needed);
		goto out_release;
	}

	mpath_limits_init(&ml);
	list_for_each_entry(path, &claimed, node)
		mpath_limits_stack(&ml, path->bdev.bdev);
	path = list_first_entry(&claimed, struct mpath_path, node);
	disk = mpath_alloc_disk(&ml, path->numa_node);
	if (IS_ERR(disk)) {
		pr_err("NSID %u of %s: cannot allocate a disk: %ld\n",
		       id->nsid, id->nqn, PTR_ERR(disk));
		goto out_release;
	}
	grp->disk = disk;
	disk->fops = &mpath_fops;
	disk->private_data = grp;
	snprintf(disk->disk_name, DISK_NAME_LEN, "mpnvme%dn%u",
		 subsys->instance, id->nsid);
	set_capacity(disk, id->capacity);

	/* Publish the paths before the disk exists: adding it reads it. */
	list_splice_init(&claimed, &grp->paths);
	mpath_pathset_rebuild(grp);
	ret = device_add_disk(NULL, disk, NULL);
	if (ret) {
		pr_err("%s: cannot add disk: %d\n", disk->disk_name, ret);
		goto out_put_disk;
	}
	grp->disk_added = true;
	ret = mpath_sysfs_add_group(grp);
	if (ret)
		pr_warn("%s: no mpath/ sysfs directory: %d\n",
			disk->disk_name, ret);
	list_for_each_entry(path, &grp->paths, node) {
		ret = mpath_path_attach(path);
		if (ret)
			pr_warn("%s: cannot link path %s: %d\n",
				disk->disk_name, path->name, ret);
	}

	/* The candidates that became paths are candidates no more. */
	list_for_each_entry_safe(c, ctmp, &mpath_candidates, node)
		list_for_each_entry(path, &grp->paths, node)
			if (path->disk == dev_to_disk(c->dev)) {
				mpath_cand_free(c);
				break;
			}
	list_add_tail(&grp->node, &subsys->groups);
	pr_info("%s: multipath disk for NSID %u of %s with %u path(s)\n",
		disk->disk_name, id->nsid, id->nqn, grp->nr_paths);
	list_for_each_entry(path, &grp->paths, node)
		mpath_path_report(path, "path-added");
	return true;

out_put_disk:
	list_splice_init(&grp->paths, &claimed);
	list_for_each_entry(path, &claimed, node)
		set_bit(MPATH_PATH_REMOVED, &path->flags);
	grp->nr_paths = 0;
	mpath_pathset_free_now(grp);
	/* I/O sent while the disk was being added, if any, fails now. */
	mpath_flush_requeue(grp);
	grp->disk = NULL;
	disk->private_data = NULL;
	mpath_put_disk(disk, NULL);
out_release:
	list_for_each_entry_safe(path, ptmp, &claimed, node) {
		list_del(&path->node);
		mpath_path_destroy(path);
	}
	mpath_group_free(grp);
	return false;
}

/*
 * The class interface hears of a disk from inside device_add(), before
 * device_add_disk() has made it openable (GD_ADDED is its last step).  Waits
 * for that, briefly: false if the disk went away or never got there.
 */
static bool mpath_disk_wait_added(struct gendisk *disk)
{
	int i;

	for (i = 0; i < 250; i++) {
		if (mpath_disk_dead(disk))
			return false;
		if (mpath_disk_added(disk))
			return true;
		msleep(20);
	}
	pr_warn("%s: not fully added after 5 s: left alone\n", disk->disk_name);
	return false;
}

/**
 * mpath_handle_add - a namespace disk appeared
 * @dev: its device (referenced by the caller)
 * @id:  its identity, read when it appeared
 */
void mpath_handle_add(struct device *dev, struct mpath_ident *id)
{
	struct mpath_group *grp;
	struct mpath_cand *c;
	unsigned int matching = 1;
	const char *why;

	if (!mpath_disk_wait_added(dev_to_disk(dev)))
		return;
	mutex_lock(&mpath_mutex);
	if (id->csi || mpath_disk_is_zoned(dev_to_disk(dev))) {
		pr_info("%s: not an NVM command set namespace (csi %u%s): left alone\n",
			id->disk_name, id->csi,
			mpath_disk_is_zoned(dev_to_disk(dev)) ? ", zoned" : "");
		goto out;
	}

	grp = mpath_group_find(id);
	if (grp) {
		why = mpath_ident_mismatch(&grp->id, id);
		if (why)
			mpath_log_mismatch(id, grp->disk->disk_name, why);
		else
			mpath_group_add_path(grp, id, dev);
		goto out;
	}

	list_for_each_entry(c, &mpath_candidates, node) {
		if (!mpath_same_ns(&c->id, id))
			continue;
		why = mpath_ident_mismatch(&c->id, id);
		if (why)
			mpath_log_mismatch(id, c->id.disk_name, why);
		else
			matching++;
	}
	if (matching >= 2 || mpath_single_path_allowed(id->nqn)) {
		if (mpath_group_create(id, dev, min(matching, 2U)))
			goto out;
	}

	c = kzalloc(sizeof(*c), GFP_KERNEL);
	if (!c)
		goto out;
	c->id = *id;
	c->dev = get_device(dev);
	list_add_tail(&c->node, &mpath_candidates);
out:
	mutex_unlock(&mpath_mutex);
}

/**
 * mpath_handle_remove - a namespace disk is going away
 * @dev: its device (referenced by the caller)
 */
void mpath_handle_remove(struct device *dev)
{
	struct mpath_group *grp;
	struct mpath_path *path;
	struct mpath_cand *c;

	mutex_lock(&mpath_mutex);
	list_for_each_entry(c, &mpath_candidates, node) {
		if (c->dev == dev) {
			mpath_cand_free(c);
			goto out;
		}
	}
	path = mpath_find_path(dev_to_disk(dev), &grp);
	if (!path)
		goto out;
	pr_info("%s: path %s (%s) removed\n", grp->disk->disk_name,
		path->name, path->ctrl_name);
	set_bit(MPATH_PATH_REMOVED, &path->flags);
	mpath_path_report(path, "path-removed");
	mpath_group_drop_path(grp, path);
	if (grp->nr_paths)
		goto out;
	if (atomic_read(&grp->openers)) {
		pr_warn("%s: last path gone; the disk stays while it is open and fails I/O until a path returns\n",
			grp->disk->disk_name);
		mpath_kick_requeue(grp);
	} else {
		mpath_group_destroy(grp);
	}
out:
	mutex_unlock(&mpath_mutex);
}

/* Republishes a stale path set and announces the paths that changed state. */
static void mpath_group_refresh(struct mpath_group *grp)
{
	struct mpath_path *path;

	lockdep_assert_held(&mpath_mutex);
	if (test_and_clear_bit(MPATH_GRP_STALE, &grp->flags))
		mpath_pathset_rebuild(grp);
	list_for_each_entry(path, &grp->paths, node)
		mpath_path_report(path, "path-state");
}

/*
 * Republishes the path sets that went stale (a path failed or recovered)
 * and removes pathless disks whose last opener has gone.
 */
static void mpath_update_fn(struct work_struct *work)
{
	struct mpath_subsys *s;
	struct mpath_group *grp, *tmp;

	mutex_lock(&mpath_mutex);
	list_for_each_entry(s, &mpath_subsystems, node) {
		list_for_each_entry_safe(grp, tmp, &s->groups, node) {
			if (!grp->nr_paths && !atomic_read(&grp->openers)) {
				mpath_group_destroy(grp);
				continue;
			}
			mpath_group_refresh(grp);
		}
	}
	mutex_unlock(&mpath_mutex);
}

/* Safe from any context. */
void mpath_schedule_update(void)
{
	queue_work(mpath_io_wq, &mpath_update_work);
}

/*
 * State that follows the namespace, seen on its paths: write protection
 * (nvme-core makes a path disk read-only when the namespace is) and growth
 * (once every path shows the new size; a namespace never shrinks in place,
 * and a size of 0 is a path being deleted).
 */
static void mpath_group_follow_ns(struct mpath_group *grp)
{
	struct gendisk *disk = grp->disk;
	struct mpath_path *path;
	bool all_ro = true, same = true;
	sector_t cap = 0, c;
	unsigned int n = 0;

	lockdep_assert_held(&mpath_mutex);
	list_for_each_entry(path, &grp->paths, node) {
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
			(unsigned long long)grp->id.capacity);
		grp->id.capacity = cap;
	}
}

/* Periodic: follow controller states and re-test failed paths. */
static void mpath_checker_fn(struct work_struct *work)
{
	struct mpath_subsys *s;
	struct mpath_group *grp;
	struct mpath_path *path;

	mutex_lock(&mpath_mutex);
	list_for_each_entry(s, &mpath_subsystems, node) {
		list_for_each_entry(grp, &s->groups, node) {
			list_for_each_entry(path, &grp->paths, node)
				mpath_path_check(path);
			mpath_group_follow_ns(grp);
			mpath_group_refresh(grp);
		}
	}
	mutex_unlock(&mpath_mutex);
	queue_delayed_work(mpath_io_wq, &mpath_checker_work,
			   READ_ONCE(mpath_check_interval) * HZ);
}

void mpath_checker_start(void)
{
	queue_delayed_work(mpath_io_wq, &mpath_checker_work,
			   READ_ONCE(mpath_check_interval) * HZ);
}

/* Runs the checker now (a path may be worth re-testing). */
void mpath_checker_kick(void)
{
	mod_delayed_work(mpath_io_wq, &mpath_checker_work, 0);
}

void mpath_checker_stop(void)
{
	cancel_delayed_work_sync(&mpath_checker_work);
}

/* Module unload: nothing is open (the module is referenced while it is). */
void mpath_teardown_all(void)
{
	struct mpath_subsys *s, *stmp;
	struct mpath_group *grp, *gtmp;
	struct mpath_cand *c, *ctmp;

	cancel_work_sync(&mpath_update_work);
	mutex_lock(&mpath_mutex);
	list_for_each_entry_safe(s, stmp, &mpath_subsystems, node) {
		list_for_each_entry_safe(grp, gtmp, &s->groups, node)
			mpath_group_destroy(grp);
		list_del(&s->node);
		ida_free(&mpath_subsys_ida, s->instance);
		kfree(s);
	}
	list_for_each_entry_safe(c, ctmp, &mpath_candidates, node)
		mpath_cand_free(c);
	mutex_unlock(&mpath_mutex);
	/* Path probes hold path references, which the teardown waited for. */
	cancel_work_sync(&mpath_update_work);
	/*
	 * A disk's last reference (a sysfs reader, say) may outlive its
	 * teardown; its ->free_disk is this module's code.
	 */
	wait_var_event(&mpath_nr_groups, !atomic_read(&mpath_nr_groups));
}
