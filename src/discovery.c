// SPDX-License-Identifier: GPL-2.0
/*
 * Discovery: seeing NVMe namespace disks come and go.
 *
 * block_class is not exported, so its address is taken from a gendisk we
 * allocate ourselves.  A class_interface on it is told about every block
 * device present at load time and every one added or removed later.  The
 * callbacks run under the class's mutex, in the middle of device_add() or
 * device_del(): they only read the disk's identity (the namespace is alive
 * for the whole of device_add) and queue an event; the ordered workqueue
 * handles events one at a time, in order, under mpath_mutex.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/blkdev.h>
#include <linux/device.h>
#include <linux/slab.h>
#include <linux/spinlock.h>

#include "nvme_mpath.h"

enum mpath_event_type { MPATH_EV_ADD, MPATH_EV_REMOVE };

struct mpath_event {
	struct list_head node;
	enum mpath_event_type type;
	struct device *dev;		/* referenced */
	struct mpath_ident id;		/* MPATH_EV_ADD only */
};

static LIST_HEAD(mpath_events);
static DEFINE_SPINLOCK(mpath_events_lock);
static struct work_struct mpath_event_work;
static const struct device_type *mpath_disk_type;
static bool mpath_native_warned;
static bool mpath_unloading;
/* While the disks present at load are reported: handled as one run. */
static bool mpath_events_held;

static struct class_interface mpath_intf;

/* Is the next queued event an addition?  (mpath_events_lock held) */
static bool mpath_next_is_add(void)
{
	struct mpath_event *next;

	lockdep_assert_held(&mpath_events_lock);
	next = list_first_entry_or_null(&mpath_events, struct mpath_event,
					node);
	return next && next->type == MPATH_EV_ADD;
}

/*
 * A run of removals is handled under one hold of mpath_mutex and its paths
 * released together (mpath_handle_remove_done()): one grace period for a
 * whole controller's namespaces.  A run of additions makes each new
 * multipath disk once, with all the paths the run brought
 * (mpath_handle_add_done()), instead of one path at a time.
 */
static void mpath_event_fn(struct work_struct *work)
{
	struct mpath_event *ev;
	LIST_HEAD(release);
	bool locked = false, adding = false, more = false;

	for (;;) {
		spin_lock(&mpath_events_lock);
		ev = list_first_entry_or_null(&mpath_events,
					      struct mpath_event, node);
		if (ev) {
			list_del(&ev->node);
			more = mpath_next_is_add();
		}
		spin_unlock(&mpath_events_lock);
		if (ev && ev->type == MPATH_EV_REMOVE) {
			if (!locked) {
				mutex_lock(&mpath_mutex);
				locked = true;
			}
			mpath_handle_remove(ev->dev, &release);
		} else {
			if (locked) {
				mpath_handle_remove_done(&release);
				mutex_unlock(&mpath_mutex);
				locked = false;
			}
			if (!ev)
				break;
			mpath_handle_add(ev->dev, &ev->id, adding || more);
			if (adding && !more)
				mpath_handle_add_done();
			adding = more;
		}
		put_device(ev->dev);
		kfree(ev);
	}
}

static void mpath_queue_event(struct mpath_event *ev)
{
	bool held;

	spin_lock(&mpath_events_lock);
	list_add_tail(&ev->node, &mpath_events);
	held = mpath_events_held;
	spin_unlock(&mpath_events_lock);
	if (!held)
		queue_work(mpath_wq, &mpath_event_work);
}

/* Is @dev a whole-disk namespace of an nvme controller? */
static bool mpath_is_nvme_ns_disk(struct device *dev)
{
	struct device *parent = dev->parent;

	if (dev->type != mpath_disk_type || !parent || !parent->class)
		return false;
	if (!strcmp(parent->class->name, "nvme-subsystem") ||
	    (!strcmp(parent->class->name, "nvme") &&
	     (dev_to_disk(dev)->flags & GENHD_FL_HIDDEN))) {
		/* Only native multipath makes these. */
		if (!mpath_native_warned) {
			mpath_native_warned = true;
			pr_warn("%s belongs to native NVMe multipath (nvme_core.multipath=Y): nvme_mpath leaves such disks alone; set nvme_core.multipath=N to use it\n",
				dev_name(dev));
		}
		return false;
	}
	return !strcmp(parent->class->name, "nvme");
}

static int mpath_add_dev(MPATH_INTF_ARGS)
{
	struct mpath_event *ev;
	int ret;

	if (!mpath_is_nvme_ns_disk(dev))
		return 0;
	ev = kzalloc(sizeof(*ev), GFP_KERNEL);
	if (!ev)
		return 0;
	ret = mpath_read_ident(dev, &ev->id);
	if (ret) {
		pr_warn("%s: cannot read its identity (%d): left alone\n",
			dev_name(dev), ret);
		kfree(ev);
		return 0;
	}
	ev->type = MPATH_EV_ADD;
	ev->dev = get_device(dev);
	mpath_queue_event(ev);
	return 0;
}

static void mpath_remove_dev(MPATH_INTF_ARGS)
{
	struct mpath_event *ev;

	/* Unloading: the teardown releases every path at once. */
	if (READ_ONCE(mpath_unloading) || !mpath_is_nvme_ns_disk(dev))
		return;
	/*
	 * GFP_NOIO: the disk being removed may be what memory reclaim would
	 * write to.  If this fails the path's I/O still fails over; the path
	 * is dropped when its disk's removal is seen at unload.
	 */
	ev = kzalloc(sizeof(*ev), GFP_NOIO);
	if (!ev)
		return;
	ev->type = MPATH_EV_REMOVE;
	ev->dev = get_device(dev);
	mpath_queue_event(ev);
}

int mpath_discovery_start(void)
{
	struct mpath_limits ml;
	struct gendisk *disk;
	int ret;

	/* Learn block_class and disk_type from a disk of our own. */
	mpath_limits_init(&ml);
	disk = mpath_alloc_disk(&ml, NUMA_NO_NODE);
	if (IS_ERR(disk))
		return PTR_ERR(disk);
	mpath_intf.class = disk_to_dev(disk)->class;
	mpath_disk_type = disk_to_dev(disk)->type;
	mpath_put_disk(disk, NULL);

	INIT_WORK(&mpath_event_work, mpath_event_fn);
	mpath_intf.add_dev = mpath_add_dev;
	mpath_intf.remove_dev = mpath_remove_dev;
	/*
	 * Registering reports every disk present: let them all queue up, so
	 * that the event work makes each multipath disk once, with every path.
	 */
	spin_lock(&mpath_events_lock);
	mpath_events_held = true;
	spin_unlock(&mpath_events_lock);
	ret = class_interface_register(&mpath_intf);
	spin_lock(&mpath_events_lock);
	mpath_events_held = false;
	spin_unlock(&mpath_events_lock);
	if (ret) {
		pr_err("cannot watch block devices: %d\n", ret);
		return ret;
	}
	queue_work(mpath_wq, &mpath_event_work);
	return 0;
}

/*
 * Stops watching.  Unregistering reports every present device as removed:
 * those reports are not queued (the teardown that follows releases every
 * path in one batch); events still queued are handled first.
 */
void mpath_discovery_stop(void)
{
	struct mpath_event *ev, *tmp;

	WRITE_ONCE(mpath_unloading, true);
	class_interface_unregister(&mpath_intf);
	flush_work(&mpath_event_work);
	list_for_each_entry_safe(ev, tmp, &mpath_events, node) {
		list_del(&ev->node);
		put_device(ev->dev);
		kfree(ev);
	}
}
