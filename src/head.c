// SPDX-License-Identifier: GPL-2.0
/*
 * Heads: which namespace disks are paths of one multipath namespace (a
 * "head", as native multipath calls it: struct nvme_ns_head), and
 * the life of each head's disk.
 *
 * A head is keyed by (subsystem NQN, NSID) and every path must also match
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
#include <linux/hashtable.h>
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
LIST_HEAD(mpath_subsystems);
static LIST_HEAD(mpath_candidates);
/* The same candidates by NSID, and those mpath_handle_add() deferred. */
static DEFINE_HASHTABLE(mpath_cand_hash, 10);
static LIST_HEAD(mpath_deferred);
static DEFINE_IDA(mpath_subsys_ida);
/* Heads not freed yet: ->free_disk may run after the teardown. */
static atomic_t mpath_nr_heads = ATOMIC_INIT(0);
/*
 * Protects head->refs and the disk's private_data against a racing
 * ->open.  Kernels without ->free_disk (before 5.18) tear a disk down while
 * an open that got past its gendisk lookup may still run; the head then
 * lives until that opener's release.
 */
static DEFINE_SPINLOCK(mpath_open_lock);

/* A namespace disk seen on one controller so far; not opened. */
struct mpath_cand {
	struct list_head node;
	struct device *dev;		/* referenced */
	struct mpath_ident id;
	struct hlist_node hnode;	/* mpath_cand_hash, by NSID */
	struct list_head dnode;		/* on mpath_deferred, or empty */
};

static void mpath_update_fn(struct work_struct *work);
static DECLARE_WORK(mpath_update_work, mpath_update_fn);
/* Looks again at pathless heads, every second while there are some. */
static DECLARE_DELAYED_WORK(mpath_expire_work, mpath_update_fn);
static void mpath_head_reap(struct mpath_head *head);

/* The head's no_path_timeout: seconds, or MPATH_TIMEOUT_FOREVER. */
unsigned int mpath_head_timeout(const struct mpath_head *head)
{
	int t = READ_ONCE(head->no_path_timeout);

	if (t == MPATH_TIMEOUT_MODULE)
		return READ_ONCE(mpath_no_path_timeout);
	return t < 0 ? MPATH_TIMEOUT_FOREVER : t;
}

/* mpath/fail_waiting: what waits for a path fails now (any context). */
void mpath_head_fail_waiting(struct mpath_head *head)
{
	WRITE_ONCE(head->flush_at, jiffies ?: 1);
	mpath_kick_requeue(head);
	mpath_schedule_update();
}

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
	INIT_LIST_HEAD(&s->heads);
	list_add_tail(&s->node, &mpath_subsystems);
	return s;
}

static struct mpath_head *mpath_head_find(const struct mpath_ident *id)
{
	struct mpath_subsys *s = mpath_subsys_find(id->nqn);
	struct mpath_head *head;

	if (!s)
		return NULL;
	list_for_each_entry(head, &s->heads, node)
		if (head->id.nsid == id->nsid)
			return head;
	return NULL;
}

static struct mpath_path *mpath_find_path(struct gendisk *disk,
					  struct mpath_head **headp)
{
	struct mpath_subsys *s;
	struct mpath_head *head;
	struct mpath_path *path;

	lockdep_assert_held(&mpath_mutex);
	list_for_each_entry(s, &mpath_subsystems, node)
		list_for_each_entry(head, &s->heads, node)
			list_for_each_entry(path, &head->paths, node)
				if (path->disk == disk) {
					*headp = head;
					return path;
				}
	return NULL;
}

static void mpath_cand_free(struct mpath_cand *c)
{
	list_del(&c->node);
	hash_del(&c->hnode);
	list_del(&c->dnode);
	put_device(c->dev);
	kfree(c);
}

/*
 * Publishes a path set without @path and queues it on @release, for
 * mpath_paths_release().
 */
static void mpath_head_drop_path(struct mpath_head *head,
				 struct mpath_path *path,
				 struct list_head *release)
{
	lockdep_assert_held(&mpath_mutex);
	set_bit(MPATH_PATH_REMOVED, &path->flags);
	list_del(&path->node);
	head->nr_paths--;
	mpath_pathset_rebuild(head);
	list_add_tail(&path->node, release);
}

/* Unpublishing, before the disk is deleted: no new opener, no links. */
static void mpath_head_unpublish_begin(struct mpath_head *head)
{
	struct mpath_path *path;

	lockdep_assert_held(&mpath_mutex);
	WRITE_ONCE(head->dead, true);
	list_del(&head->node);
	pr_info("%s: removing multipath disk\n", head->disk->disk_name);

	if (head->disk_added) {
		/* Holder links and sysfs first; the paths still serve I/O. */
		list_for_each_entry(path, &head->paths, node)
			mpath_path_detach(path);
		mpath_sysfs_del_head(head);
	}
}

/* ... and once it is: its paths unpublished and queued on @release. */
static void mpath_head_unpublish_end(struct mpath_head *head,
				     struct list_head *release)
{
	struct mpath_path *path, *tmp;

	lockdep_assert_held(&mpath_mutex);
	list_for_each_entry_safe(path, tmp, &head->paths, node) {
		set_bit(MPATH_PATH_REMOVED, &path->flags);
		list_move_tail(&path->node, release);
	}
	head->nr_paths = 0;
	mpath_pathset_rebuild(head);
}

/*
 * First half of a head's teardown: no new opener, its disk deleted (the
 * paths still serve what is in flight), and its paths unpublished and
 * queued on @release.  Its disk is unopened, or the module is going away
 * (then nothing can have it open).
 */
static void mpath_head_unpublish(struct mpath_head *head,
				 struct list_head *release)
{
	mpath_head_unpublish_begin(head);
	if (head->disk_added)
		del_gendisk(head->disk);
	mpath_head_unpublish_end(head, release);
}

static void mpath_head_del_fn(struct work_struct *work)
{
	struct mpath_head *head = container_of(work, struct mpath_head,
					       del_work);

	del_gendisk(head->disk);
}

/*
 * Second half, once its paths are released: whatever still waits fails
 * now.  The head itself is freed by the disk's ->free_disk once the last
 * reference to the disk is gone.
 */
static void mpath_head_finish(struct mpath_head *head)
{
	mpath_flush_requeue(head);
	mpath_put_disk(head->disk, mpath_free_disk);
}

static void mpath_head_destroy(struct mpath_head *head)
{
	LIST_HEAD(release);

	mpath_head_unpublish(head, &release);
	mpath_paths_release(&release);
	mpath_head_finish(head);
}

/* Adds a claimed path to a head whose disk is live. */
static void mpath_head_add_path(struct mpath_head *head,
				const struct mpath_ident *id,
				struct device *dev)
{
	struct mpath_path *path;
	int ret;

	lockdep_assert_held(&mpath_mutex);
	path = mpath_path_create(head, id, dev);
	if (IS_ERR(path))
		return;
	if (!mpath_integrity_fits(head->disk, path->bdev.bdev)) {
		pr_warn("%s: path %s (%s) refused: its integrity (PI) format differs from the disk's\n",
			head->disk->disk_name, path->name, path->ctrl_name);
		mpath_path_destroy(path);
		return;
	}
	mpath_limits_restack(head->disk, path->bdev.bdev);
	ret = mpath_path_attach(path);
	if (ret) {
		pr_warn("%s: cannot link path %s: %d\n", head->disk->disk_name,
			path->name, ret);
		mpath_path_destroy(path);
		return;
	}
	list_add_tail(&path->node, &head->paths);
	head->nr_paths++;
	mpath_pathset_rebuild(head);
	pr_info("%s: added path %s (%s)\n", head->disk->disk_name, path->name,
		path->ctrl_name);
	mpath_path_report(path, "path-added");
}

static struct mpath_head *mpath_head_alloc(struct mpath_subsys *subsys,
					   const struct mpath_ident *id)
{
	struct mpath_head *head;

	head = kzalloc(sizeof(*head), GFP_KERNEL);
	if (!head)
		return NULL;
	head->rr_next = alloc_percpu(unsigned int);
	head->qd = alloc_percpu(struct mpath_qd_cpu);
	if (!head->rr_next || !head->qd) {
		free_percpu(head->qd);
		free_percpu(head->rr_next);
		kfree(head);
		return NULL;
	}
	atomic_inc(&mpath_nr_heads);
	head->subsys = subsys;
	head->id = *id;
	head->iopolicy = READ_ONCE(mpath_default_iopolicy);
	head->resend_hold = READ_ONCE(mpath_default_resend_hold);
	head->no_path_timeout = MPATH_TIMEOUT_MODULE;
	INIT_LIST_HEAD(&head->paths);
	atomic_set(&head->openers, 0);
	head->refs = 1;			/* the disk's */
	spin_lock_init(&head->requeue_lock);
	INIT_LIST_HEAD(&head->requeue_list);
	INIT_DELAYED_WORK(&head->requeue_work, mpath_requeue_work);
	return head;
}

/**
 * mpath_head_open - an opener's reference on the head of @disk
 * @disk: the multipath disk
 *
 * Return: false if the head is going away (the open fails).
 */
bool mpath_head_open(struct gendisk *disk)
{
	struct mpath_head *head;
	bool ok = false;

	spin_lock(&mpath_open_lock);
	head = disk->private_data;
	if (head && !READ_ONCE(head->dead)) {
		head->refs++;
		atomic_inc(&head->openers);
		ok = true;
	}
	spin_unlock(&mpath_open_lock);
	return ok;
}

/**
 * mpath_head_put - drop a reference; the last frees the head
 * @head: the head
 *
 * Return: true if the head was freed.
 */
bool mpath_head_put(struct mpath_head *head)
{
	bool last;

	spin_lock(&mpath_open_lock);
	last = !--head->refs;
	if (last && head->disk)
		head->disk->private_data = NULL;
	spin_unlock(&mpath_open_lock);
	if (last)
		mpath_head_free(head);
	return last;
}

/* An opener's release.  A pathless disk goes away with its last opener. */
void mpath_head_close(struct gendisk *disk)
{
	struct mpath_head *head = disk->private_data;	/* ours holds a ref */
	bool last_opener = atomic_dec_and_test(&head->openers);
	bool pathless = !READ_ONCE(head->nr_paths);

	if (!mpath_head_put(head) && last_opener && pathless)
		mpath_schedule_update();
}

/* The last reference is gone (mpath_head_put), or the head never had a disk. */
void mpath_head_free(struct mpath_head *head)
{
	mpath_pathset_free(head);
	free_percpu(head->qd);
	free_percpu(head->rr_next);
	kfree(head);
	if (atomic_dec_and_test(&mpath_nr_heads))
		wake_up_var(&mpath_nr_heads);
}

/* One line for a new disk, its paths named (as many as fit). */
static void mpath_log_created(struct mpath_head *head)
{
	struct mpath_path *path;
	char names[160];
	size_t len = 0;

	names[0] = '\0';
	list_for_each_entry(path, &head->paths, node) {
		int n = snprintf(names + len, sizeof(names) - len, " %s",
				 path->name);

		if (n >= sizeof(names) - len) {
			strscpy(names + min(len, sizeof(names) - 5), " ...", 5);
			break;
		}
		len += n;
	}
	pr_info("%s: multipath disk for NSID %u of %s with %u path(s):%s\n",
		head->disk->disk_name, head->id.nsid, head->id.nqn,
		head->nr_paths, names);
}

/*
 * Makes a head of @id (the disk just added, or with @dev NULL one of the
 * candidates) and every matching candidate, if enough of them can be
 * claimed.  Returns false if @dev should stay a candidate.
 */
static bool mpath_head_create(const struct mpath_ident *id,
			      struct device *dev, unsigned int needed)
{
	struct mpath_subsys *subsys;
	struct mpath_head *head;
	struct mpath_path *path;
	struct mpath_cand *c;
	struct hlist_node *ctmp;
	struct mpath_limits ml;
	struct gendisk *disk;
	LIST_HEAD(claimed);
	int ret;

	lockdep_assert_held(&mpath_mutex);
	subsys = mpath_subsys_get(id->nqn);
	if (!subsys)
		return false;
	head = mpath_head_alloc(subsys, id);
	if (!head)
		return false;

	if (dev) {
		path = mpath_path_create(head, id, dev);
		if (!IS_ERR(path))
			list_add_tail(&path->node, &claimed);
	}
	hash_for_each_possible(mpath_cand_hash, c, hnode, id->nsid) {
		if (!mpath_same_ns(&c->id, id) ||
		    mpath_ident_mismatch(&c->id, id))
			continue;
		path = mpath_path_create(head, &c->id, c->dev);
		if (!IS_ERR(path))
			list_add_tail(&path->node, &claimed);
	}
	list_for_each_entry(path, &claimed, node)
		head->nr_paths++;
	if (head->nr_paths < needed) {
		pr_info("NSID %u of %s: %u of %u paths could be claimed: no multipath disk yet\n",
			id->nsid, id->nqn, head->nr_paths, needed);
		goto out_release;
	}

	mpath_limits_init(&ml);
	list_for_each_entry(path, &claimed, node)
		mpath_limits_stack(&ml, path->bdev.bdev);
	path = list_first_entry(&claimed, struct mpath_path, node);
	if (ml.integrity_mismatch)
		pr_warn("NSID %u of %s: the paths differ in their integrity (PI) format: the multipath disk carries none (each path still generates and checks its own)\n",
			id->nsid, id->nqn);
	disk = mpath_alloc_disk(&ml, path->numa_node);
	if (IS_ERR(disk)) {
		pr_err("NSID %u of %s: cannot allocate a disk: %ld\n",
		       id->nsid, id->nqn, PTR_ERR(disk));
		goto out_release;
	}
	head->disk = disk;
	disk->fops = &mpath_fops;
	disk->private_data = head;
	snprintf(disk->disk_name, DISK_NAME_LEN, "mpnvme%dn%u",
		 subsys->instance, id->nsid);
	set_capacity(disk, id->capacity);

	/* Publish the paths before the disk exists: adding it reads it. */
	list_splice_init(&claimed, &head->paths);
	mpath_pathset_rebuild(head);
	ret = mpath_device_add_disk(NULL, disk, NULL);
	if (ret) {
		pr_err("%s: cannot add disk: %d\n", disk->disk_name, ret);
		goto out_put_disk;
	}
	head->disk_added = true;
	ret = mpath_sysfs_add_head(head);
	if (ret)
		pr_warn("%s: no mpath/ sysfs directory: %d\n",
			disk->disk_name, ret);
	list_for_each_entry(path, &head->paths, node) {
		ret = mpath_path_attach(path);
		if (ret)
			pr_warn("%s: cannot link path %s: %d\n",
				disk->disk_name, path->name, ret);
	}

	/*
	 * The candidates that became paths are candidates no more.  With @dev
	 * NULL, @id is one of them: not to be read after this.
	 */
	hash_for_each_possible_safe(mpath_cand_hash, c, ctmp, hnode, id->nsid)
		list_for_each_entry(path, &head->paths, node)
			if (path->disk == dev_to_disk(c->dev)) {
				mpath_cand_free(c);
				break;
			}
	list_add_tail(&head->node, &subsys->heads);
	mpath_log_created(head);
	/*
	 * The add uevent went out from inside device_add_disk(), before mpath/
	 * existed (its paths/ children are kobjects, which an attribute group
	 * cannot hold).  A change event now lets udev's rules see the disk
	 * whole: wwid, NSID, NQN and paths.
	 */
	kobject_uevent(&disk_to_dev(disk)->kobj, KOBJ_CHANGE);
	list_for_each_entry(path, &head->paths, node)
		mpath_path_report(path, "path-added");
	return true;

out_put_disk:
	list_splice_init(&head->paths, &claimed);
	list_for_each_entry(path, &claimed, node)
		set_bit(MPATH_PATH_REMOVED, &path->flags);
	head->nr_paths = 0;
	mpath_pathset_free_now(head);
	/* I/O sent while the disk was being added, if any, fails now. */
	mpath_flush_requeue(head);
	head->disk = NULL;
	disk->private_data = NULL;
	mpath_put_disk(disk, NULL);
out_release:
	mpath_paths_release(&claimed);
	mpath_head_free(head);
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

	for (i = 0; i < 2500; i++) {
		if (mpath_disk_dead(disk))
			return false;
		if (mpath_disk_added(disk))
			return true;
		usleep_range(1000, 2000);
	}
	pr_warn("%s: not fully added after 5 s: left alone\n", disk->disk_name);
	return false;
}

/*
 * How many candidates show @id's namespace with its identity (mismatches
 * are logged once, when @log).
 */
static unsigned int mpath_cand_matching(const struct mpath_ident *id,
					bool log)
{
	struct mpath_cand *c;
	unsigned int matching = 0;
	const char *why;

	lockdep_assert_held(&mpath_mutex);
	hash_for_each_possible(mpath_cand_hash, c, hnode, id->nsid) {
		if (!mpath_same_ns(&c->id, id) || &c->id == id)
			continue;
		why = mpath_ident_mismatch(&c->id, id);
		if (why) {
			if (log)
				mpath_log_mismatch(id, c->id.disk_name, why);
		} else {
			matching++;
		}
	}
	return matching;
}

/**
 * mpath_handle_add - a namespace disk appeared
 * @dev: its device (referenced by the caller)
 * @id:  its identity, read when it appeared
 * @defer: more additions follow: a disk with no multipath disk to join
 *	stays a candidate until mpath_handle_add_done(), which makes each new
 *	multipath disk once with all its paths (a controller's connect, or
 *	the module's load, brings every namespace's paths in one run)
 */
void mpath_handle_add(struct device *dev, struct mpath_ident *id, bool defer)
{
	struct mpath_head *head;
	struct mpath_cand *c;
	unsigned int matching;
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

	head = mpath_head_find(id);
	if (head) {
		why = mpath_ident_mismatch(&head->id, id);
		if (why)
			mpath_log_mismatch(id, head->disk->disk_name, why);
		else
			mpath_head_add_path(head, id, dev);
		goto out;
	}

	if (!defer) {
		matching = 1 + mpath_cand_matching(id, true);
		if ((matching >= 2 || mpath_single_path_allowed(id->nqn)) &&
		    mpath_head_create(id, dev, min(matching, 2U)))
			goto out;
	}

	c = kzalloc(sizeof(*c), GFP_KERNEL);
	if (!c)
		goto out;
	c->id = *id;
	c->dev = get_device(dev);
	list_add_tail(&c->node, &mpath_candidates);
	hash_add(mpath_cand_hash, &c->hnode, id->nsid);
	if (defer)
		list_add_tail(&c->dnode, &mpath_deferred);
	else
		INIT_LIST_HEAD(&c->dnode);
out:
	mutex_unlock(&mpath_mutex);
}

/**
 * mpath_handle_add_done - a run of additions is over
 *
 * Makes the multipath disks that the candidates mpath_handle_add() deferred
 * call for, each with every matching candidate at once.
 */
void mpath_handle_add_done(void)
{
	struct mpath_cand *c;
	unsigned int matching;

	mutex_lock(&mpath_mutex);
	while ((c = list_first_entry_or_null(&mpath_deferred,
					     struct mpath_cand, dnode))) {
		list_del_init(&c->dnode);
		matching = 1 + mpath_cand_matching(&c->id, true);
		/* a disk made frees the candidates it took, c among them */
		if (matching >= 2 || mpath_single_path_allowed(c->id.nqn))
			mpath_head_create(&c->id, NULL, min(matching, 2U));
	}
	mutex_unlock(&mpath_mutex);
}

/**
 * mpath_handle_remove - a namespace disk is going away
 * @dev: its device (referenced by the caller)
 * @release: where its path goes, for mpath_handle_remove_done()
 *
 * Removals come in batches (a controller lost takes all its namespaces):
 * each path is unpublished here, and the batch released at once, with
 * mpath_mutex held from the first to the release (nothing may tear down a
 * head whose paths wait on @release).
 */
void mpath_handle_remove(struct device *dev, struct list_head *release)
{
	struct mpath_head *head;
	struct mpath_path *path;
	struct mpath_cand *c;

	lockdep_assert_held(&mpath_mutex);
	list_for_each_entry(c, &mpath_candidates, node) {
		if (c->dev == dev) {
			mpath_cand_free(c);
			return;
		}
	}
	path = mpath_find_path(dev_to_disk(dev), &head);
	if (!path)
		return;
	pr_info("%s: path %s (%s) removed\n", head->disk->disk_name,
		path->name, path->ctrl_name);
	set_bit(MPATH_PATH_REMOVED, &path->flags);
	mpath_path_report(path, "path-removed");
	mpath_head_drop_path(head, path, release);
	if (!head->nr_paths) {
		unsigned int secs = mpath_head_timeout(head);

		if (secs == MPATH_TIMEOUT_FOREVER)
			pr_warn("%s: last path gone; I/O waits for one to come back (no_path_timeout -1: until mpath/fail_waiting is written)\n",
				head->disk->disk_name);
		else
			pr_warn("%s: last path gone; the disk waits %us for one to come back\n",
				head->disk->disk_name, secs);
	}
}

/**
 * mpath_handle_remove_done - release the paths of a batch of removals
 * @release: the paths mpath_handle_remove() queued
 *
 * Then a disk left without paths goes, unless it is open.
 */
void mpath_handle_remove_done(struct list_head *release)
{
	struct mpath_subsys *s;
	struct mpath_head *head, *tmp;

	lockdep_assert_held(&mpath_mutex);
	if (list_empty(release))
		return;
	mpath_paths_release(release);
	list_for_each_entry(s, &mpath_subsystems, node)
		list_for_each_entry_safe(head, tmp, &s->heads, node)
			mpath_head_reap(head);
}

/*
 * Has a head without paths waited long enough for one to come back: its
 * no_path_timeout since the last went, or fail_waiting written since?
 */
static bool mpath_head_pathless_expired(struct mpath_head *head)
{
	unsigned int secs = mpath_head_timeout(head);
	unsigned long since = READ_ONCE(head->no_path_since);
	unsigned long flush = READ_ONCE(head->flush_at);

	if (!since)
		return true;
	if (flush && !time_before(flush, since))
		return true;
	return secs != MPATH_TIMEOUT_FOREVER &&
	       time_after_eq(jiffies, since + (unsigned long)secs * HZ);
}

/*
 * A head without paths stays for its no_path_timeout, its bios waiting (a
 * target reboot deletes and re-creates the controllers: their disks join
 * it again, under the same name).  Then it goes, unless it is open: an
 * open one stays until its last opener closes it, failing I/O.
 */
static void mpath_head_reap(struct mpath_head *head)
{
	lockdep_assert_held(&mpath_mutex);
	if (head->nr_paths)
		return;
	if (!mpath_head_pathless_expired(head)) {
		queue_delayed_work(mpath_update_wq, &mpath_expire_work, HZ);
		return;
	}
	if (atomic_read(&head->openers))
		mpath_kick_requeue(head);
	else
		mpath_head_destroy(head);
}

/* Republishes a stale path set and announces the paths that changed state. */
void mpath_head_refresh(struct mpath_head *head)
{
	struct mpath_path *path;

	lockdep_assert_held(&mpath_mutex);
	if (test_and_clear_bit(MPATH_HEAD_STALE, &head->flags))
		mpath_pathset_rebuild(head);
	list_for_each_entry(path, &head->paths, node)
		mpath_path_report(path, "path-state");
}

/*
 * Republishes the path sets that went stale (a path failed or recovered)
 * and removes pathless disks whose last opener has gone.
 */
static void mpath_update_fn(struct work_struct *work)
{
	struct mpath_subsys *s;
	struct mpath_head *head, *tmp;

	mutex_lock(&mpath_mutex);
	list_for_each_entry(s, &mpath_subsystems, node) {
		list_for_each_entry_safe(head, tmp, &s->heads, node) {
			if (!head->nr_paths) {
				mpath_head_reap(head);
				continue;
			}
			mpath_head_refresh(head);
		}
	}
	mutex_unlock(&mpath_mutex);
}

/* Safe from any context. */
void mpath_schedule_update(void)
{
	queue_work(mpath_update_wq, &mpath_update_work);
}

/* Module unload: nothing is open (the module is referenced while it is). */
void mpath_teardown_all(void)
{
	struct mpath_subsys *s, *stmp;
	struct mpath_head *head, *gtmp;
	struct mpath_cand *c, *ctmp;
	LIST_HEAD(heads);
	LIST_HEAD(release);

	cancel_delayed_work_sync(&mpath_expire_work);
	cancel_work_sync(&mpath_update_work);
	mutex_lock(&mpath_mutex);
	/*
	 * Every disk deleted, then every path released in one batch.  The
	 * disks are deleted side by side: each deletion waits for an RCU grace
	 * period or two (its queue's freeze), which need not be one after
	 * another.  Nothing has them open (the module is going away).
	 */
	list_for_each_entry_safe(s, stmp, &mpath_subsystems, node) {
		list_for_each_entry_safe(head, gtmp, &s->heads, node) {
			mpath_head_unpublish_begin(head);
			list_add_tail(&head->node, &heads);
			if (head->disk_added) {
				INIT_WORK(&head->del_work, mpath_head_del_fn);
				queue_work(system_unbound_wq, &head->del_work);
			}
		}
	}
	list_for_each_entry(head, &heads, node) {
		if (head->disk_added)
			flush_work(&head->del_work);
		mpath_head_unpublish_end(head, &release);
	}
	mpath_paths_release(&release);
	list_for_each_entry_safe(head, gtmp, &heads, node) {
		list_del(&head->node);
		mpath_head_finish(head);
	}
	list_for_each_entry_safe(s, stmp, &mpath_subsystems, node) {
		list_del(&s->node);
		ida_free(&mpath_subsys_ida, s->instance);
		kfree(s);
	}
	list_for_each_entry_safe(c, ctmp, &mpath_candidates, node)
		mpath_cand_free(c);
	mutex_unlock(&mpath_mutex);
	/* Path probes hold path references, which the teardown waited for. */
	cancel_work_sync(&mpath_update_work);
	cancel_delayed_work_sync(&mpath_expire_work);
	/*
	 * A disk's last reference (a sysfs reader, say) may outlive its
	 * teardown; its ->free_disk is this module's code.
	 */
	wait_var_event(&mpath_nr_heads, !atomic_read(&mpath_nr_heads));
}
