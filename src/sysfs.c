// SPDX-License-Identifier: GPL-2.0
/*
 * sysfs: /sys/block/<mpdisk>/mpath/ and mpath/paths/<path disk>/.
 *
 *   mpath/subsysnqn, nsid, wwid     identity of the namespace
 *   mpath/iopolicy                  numa | round-robin | queue-depth |
 *                                   service-time (rw)
 *   mpath/failovers, queued_ios     bios moved off a failed path; bios that
 *                                   waited for a usable path
 *   mpath/no_path_ms                time spent with paths but none usable
 *   mpath/current_paths             the paths the policy chooses from now
 *   mpath/resend_hold                tp4129 | off (rw); writes_held, hold_ms
 *   mpath/no_path_timeout           this disk's (rw: seconds or -1)
 *   mpath/fail_waiting              write 1: what waits for a path fails
 *   mpath/io_fail_no_available_path_count, command_error_count
 *                                   bios failed for want of a usable path;
 *                                   bios returned with a command error
 *   mpath/paths/<disk>/             one directory per path: disk, controller,
 *                                   cntlid, transport, address, numa_node, state,
 *                                   ctrl_state, ana_group, ana_state, anatt (rw,
 *                                   written by the ANA helper), ana_changes,
 *                                   ana_last_change_ms, admin_state (rw:
 *                                   enabled | disabled), ios, sectors,
 *                                   read_ios, write_ios, read_bytes, write_bytes,
 *                                   latency_us, inflight, errors, failovers
 *                                   (= multipath_failover_count),
 *                                   command_error_count, command_retry_count,
 *                                   cqt, tbkas (rw, the helper), resend_hold_ms,
 *                                   probe_status
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/jiffies.h>
#include <linux/kobject.h>
#include <linux/math64.h>
#include <linux/percpu.h>
#include <linux/slab.h>
#include <linux/sysfs.h>

#include "nvme_mpath.h"

/* mpath/ is a child of the disk's device kobject. */
static struct mpath_head *mpath_kobj_to_head(struct kobject *kobj)
{
	return dev_to_disk(kobj_to_dev(kobj->parent))->private_data;
}

static ssize_t subsysnqn_show(struct kobject *kobj, struct kobj_attribute *a,
			      char *buf)
{
	return sysfs_emit(buf, "%s\n", mpath_kobj_to_head(kobj)->id.nqn);
}

static ssize_t nsid_show(struct kobject *kobj, struct kobj_attribute *a,
			 char *buf)
{
	return sysfs_emit(buf, "%u\n", mpath_kobj_to_head(kobj)->id.nsid);
}

static ssize_t wwid_show(struct kobject *kobj, struct kobj_attribute *a,
			 char *buf)
{
	return sysfs_emit(buf, "%s\n", mpath_kobj_to_head(kobj)->id.wwid);
}

static ssize_t iopolicy_show(struct kobject *kobj, struct kobj_attribute *a,
			     char *buf)
{
	struct mpath_head *head = mpath_kobj_to_head(kobj);

	return sysfs_emit(buf, "%s\n",
			  mpath_iopolicy_names[READ_ONCE(head->iopolicy)]);
}

/* Takes effect for the next bio; bios in flight are not disturbed. */
static ssize_t iopolicy_store(struct kobject *kobj, struct kobj_attribute *a,
			      const char *buf, size_t count)
{
	struct mpath_head *head = mpath_kobj_to_head(kobj);
	int policy = mpath_iopolicy_parse(buf);

	if (policy < 0)
		return -EINVAL;
	if (policy != READ_ONCE(head->iopolicy)) {
		WRITE_ONCE(head->iopolicy, policy);
		pr_info("%s: iopolicy %s\n", head->disk->disk_name,
			mpath_iopolicy_names[policy]);
	}
	return count;
}

static ssize_t failovers_show(struct kobject *kobj, struct kobj_attribute *a,
			      char *buf)
{
	return sysfs_emit(buf, "%lld\n",
			  atomic64_read(&mpath_kobj_to_head(kobj)->failovers));
}

static ssize_t queued_ios_show(struct kobject *kobj, struct kobj_attribute *a,
			       char *buf)
{
	return sysfs_emit(buf, "%lld\n",
			  atomic64_read(&mpath_kobj_to_head(kobj)->requeued));
}

/* Milliseconds with paths but none usable: past episodes and the current. */
static ssize_t no_path_ms_show(struct kobject *kobj, struct kobj_attribute *a,
			       char *buf)
{
	struct mpath_head *head = mpath_kobj_to_head(kobj);
	unsigned long total = READ_ONCE(head->no_path_total);
	unsigned long since = READ_ONCE(head->no_path_since);

	/*
	 * No mpath_mutex: the head's teardown holds it while it removes this
	 * file, which waits for readers.  A racing update may be off by one
	 * episode's length for one read.
	 */
	if (since && READ_ONCE(head->nr_paths))
		total += jiffies - since;
	return sysfs_emit(buf, "%u\n", jiffies_to_msecs(total));
}

/* The paths the policy picks from now (numa: each online node's path). */
static ssize_t current_paths_show(struct kobject *kobj,
				  struct kobj_attribute *a, char *buf)
{
	struct mpath_head *head = mpath_kobj_to_head(kobj);
	const struct mpath_pathset *ps;
	unsigned int i;
	int node, len = 0;

	rcu_read_lock();
	ps = rcu_dereference(head->pset);
	for (i = 0; ps && i < ps->nr_best; i++) {
		if (READ_ONCE(head->iopolicy) == MPATH_IOPOLICY_NUMA) {
			bool used = false;

			for_each_online_node(node)
				if (ps->numa_best[node] == i)
					used = true;
			if (!used)
				continue;
		}
		len += sysfs_emit_at(buf, len, "%s%s", len ? " " : "",
				     ps->paths[i]->name);
	}
	rcu_read_unlock();
	len += sysfs_emit_at(buf, len, "\n");
	return len;
}

/* Bios failed because no path was usable in time (native's name). */
static ssize_t io_fail_no_available_path_count_show(struct kobject *kobj,
						    struct kobj_attribute *a,
						    char *buf)
{
	struct mpath_head *head = mpath_kobj_to_head(kobj);

	return sysfs_emit(buf, "%lld\n", atomic64_read(&head->no_path_failed));
}

/* Bios returned with a command error while their paths stayed usable. */
static ssize_t command_error_count_show(struct kobject *kobj,
					struct kobj_attribute *a, char *buf)
{
	struct mpath_head *head = mpath_kobj_to_head(kobj);

	return sysfs_emit(buf, "%lld\n", atomic64_read(&head->cmd_failed));
}

static ssize_t resend_hold_show(struct kobject *kobj,
				struct kobj_attribute *a, char *buf)
{
	struct mpath_head *head = mpath_kobj_to_head(kobj);

	return sysfs_emit(buf, "%s\n",
			  mpath_resend_hold_names[READ_ONCE(head->resend_hold)]);
}

/* For writes failing from now on; held ones keep their time. */
static ssize_t resend_hold_store(struct kobject *kobj,
				 struct kobj_attribute *a, const char *buf,
				 size_t count)
{
	struct mpath_head *head = mpath_kobj_to_head(kobj);
	int hold = mpath_resend_hold_parse(buf);

	if (hold < 0)
		return -EINVAL;
	if (hold != READ_ONCE(head->resend_hold)) {
		WRITE_ONCE(head->resend_hold, hold);
		pr_info("%s: resend_hold %s\n", head->disk->disk_name,
			mpath_resend_hold_names[hold]);
	}
	return count;
}

/* This disk's: seconds, or -1 (wait until fail_waiting is written). */
static ssize_t no_path_timeout_show(struct kobject *kobj,
				    struct kobj_attribute *a, char *buf)
{
	unsigned int secs = mpath_head_timeout(mpath_kobj_to_head(kobj));

	if (secs == MPATH_TIMEOUT_FOREVER)
		return sysfs_emit(buf, "-1\n");
	return sysfs_emit(buf, "%u\n", secs);
}

static ssize_t no_path_timeout_store(struct kobject *kobj,
				     struct kobj_attribute *a,
				     const char *buf, size_t count)
{
	struct mpath_head *head = mpath_kobj_to_head(kobj);
	unsigned int secs;

	if (mpath_timeout_parse(buf, &secs))
		return -EINVAL;
	WRITE_ONCE(head->no_path_timeout,
		   secs == MPATH_TIMEOUT_FOREVER ? -1 : (int)secs);
	/* A shorter wait may be over already. */
	mpath_kick_requeue(head);
	mpath_schedule_update();
	return count;
}

/* "1": every bio waiting for a path now fails (EIO); later ones wait. */
static ssize_t fail_waiting_store(struct kobject *kobj,
				  struct kobj_attribute *a, const char *buf,
				  size_t count)
{
	struct mpath_head *head = mpath_kobj_to_head(kobj);

	if (!sysfs_streq(buf, "1"))
		return -EINVAL;
	pr_info("%s: failing the I/O waiting for a path, as asked\n",
		head->disk->disk_name);
	mpath_head_fail_waiting(head);
	return count;
}

static ssize_t writes_held_show(struct kobject *kobj,
				struct kobj_attribute *a, char *buf)
{
	return sysfs_emit(buf, "%lld\n",
			  atomic64_read(&mpath_kobj_to_head(kobj)->writes_held));
}

static ssize_t hold_ms_show(struct kobject *kobj, struct kobj_attribute *a,
			    char *buf)
{
	return sysfs_emit(buf, "%lld\n",
			  atomic64_read(&mpath_kobj_to_head(kobj)->hold_ms));
}

static struct kobj_attribute mpath_attr_subsysnqn = __ATTR_RO(subsysnqn);
static struct kobj_attribute mpath_attr_nsid = __ATTR_RO(nsid);
static struct kobj_attribute mpath_attr_wwid = __ATTR_RO(wwid);
static struct kobj_attribute mpath_attr_iopolicy = __ATTR_RW(iopolicy);
static struct kobj_attribute mpath_attr_failovers = __ATTR_RO(failovers);
static struct kobj_attribute mpath_attr_queued_ios = __ATTR_RO(queued_ios);
static struct kobj_attribute mpath_attr_no_path_ms = __ATTR_RO(no_path_ms);
static struct kobj_attribute mpath_attr_current_paths = __ATTR_RO(current_paths);
static struct kobj_attribute mpath_attr_io_fail_no_available_path_count =
	__ATTR_RO(io_fail_no_available_path_count);
static struct kobj_attribute mpath_attr_command_error_count =
	__ATTR_RO(command_error_count);
static struct kobj_attribute mpath_attr_resend_hold = __ATTR_RW(resend_hold);
static struct kobj_attribute mpath_attr_writes_held = __ATTR_RO(writes_held);
static struct kobj_attribute mpath_attr_no_path_timeout =
	__ATTR_RW(no_path_timeout);
static struct kobj_attribute mpath_attr_fail_waiting = __ATTR_WO(fail_waiting);
static struct kobj_attribute mpath_attr_hold_ms = __ATTR_RO(hold_ms);

static struct attribute *mpath_head_attrs[] = {
	&mpath_attr_subsysnqn.attr,
	&mpath_attr_nsid.attr,
	&mpath_attr_wwid.attr,
	&mpath_attr_iopolicy.attr,
	&mpath_attr_failovers.attr,
	&mpath_attr_queued_ios.attr,
	&mpath_attr_no_path_ms.attr,
	&mpath_attr_current_paths.attr,
	&mpath_attr_io_fail_no_available_path_count.attr,
	&mpath_attr_command_error_count.attr,
	&mpath_attr_resend_hold.attr,
	&mpath_attr_writes_held.attr,
	&mpath_attr_hold_ms.attr,
	&mpath_attr_no_path_timeout.attr,
	&mpath_attr_fail_waiting.attr,
	NULL,
};

static const struct attribute_group mpath_head_attr_group = {
	.attrs = mpath_head_attrs,
};

int mpath_sysfs_add_head(struct mpath_head *head)
{
	struct kobject *parent = &disk_to_dev(head->disk)->kobj;
	int ret;

	head->mpath_kobj = kobject_create_and_add("mpath", parent);
	if (!head->mpath_kobj)
		return -ENOMEM;
	ret = sysfs_create_group(head->mpath_kobj, &mpath_head_attr_group);
	if (ret)
		goto out_put;
	head->paths_kobj = kobject_create_and_add("paths", head->mpath_kobj);
	if (!head->paths_kobj) {
		ret = -ENOMEM;
		goto out_put;
	}
	return 0;

out_put:
	kobject_put(head->mpath_kobj);
	head->mpath_kobj = NULL;
	return ret;
}

void mpath_sysfs_del_head(struct mpath_head *head)
{
	kobject_put(head->paths_kobj);
	head->paths_kobj = NULL;
	kobject_put(head->mpath_kobj);
	head->mpath_kobj = NULL;
}

/* ---- per path ---- */

struct mpath_path_attr {
	struct attribute attr;
	ssize_t (*show)(struct mpath_path *path, char *buf);
	ssize_t (*store)(struct mpath_path *path, const char *buf,
			 size_t count);
};

#define MPATH_PATH_ATTR(_name)						\
	static struct mpath_path_attr mpath_path_attr_##_name =		\
		{ .attr = { .name = __stringify(_name), .mode = 0444 },	\
		  .show = path_##_name##_show }

#define MPATH_PATH_ATTR_RW(_name)					\
	static struct mpath_path_attr mpath_path_attr_##_name =		\
		{ .attr = { .name = __stringify(_name), .mode = 0644 },	\
		  .show = path_##_name##_show,				\
		  .store = path_##_name##_store }

static ssize_t path_disk_show(struct mpath_path *path, char *buf)
{
	return sysfs_emit(buf, "%s\n", path->name);
}

static ssize_t path_controller_show(struct mpath_path *path, char *buf)
{
	return sysfs_emit(buf, "%s\n", path->ctrl_name);
}

static ssize_t path_cntlid_show(struct mpath_path *path, char *buf)
{
	return sysfs_emit(buf, "%u\n", path->cntlid);
}

static ssize_t path_transport_show(struct mpath_path *path, char *buf)
{
	return sysfs_emit(buf, "%s\n", path->transport);
}

static ssize_t path_address_show(struct mpath_path *path, char *buf)
{
	return sysfs_emit(buf, "%s\n", path->address);
}

static ssize_t path_numa_node_show(struct mpath_path *path, char *buf)
{
	return sysfs_emit(buf, "%d\n", path->numa_node);
}

/* usable, failed, ctrl-down, removed, disabled, inaccessible, ... */
static ssize_t path_state_show(struct mpath_path *path, char *buf)
{
	return sysfs_emit(buf, "%s\n",
			  mpath_path_state_names[mpath_path_state(path)]);
}

static ssize_t path_ana_state_show(struct mpath_path *path, char *buf)
{
	return sysfs_emit(buf, "%s\n",
			  mpath_ana_state_name(READ_ONCE(path->ana_state)));
}

/* Written by the ANA helper; anything but a settable state is EINVAL. */
static ssize_t path_ana_state_store(struct mpath_path *path, const char *buf,
				    size_t count)
{
	int state = mpath_ana_state_parse(buf);

	if (state < 0)
		return -EINVAL;
	mpath_path_set_ana(path, state);
	return count;
}

static ssize_t path_admin_state_show(struct mpath_path *path, char *buf)
{
	return sysfs_emit(buf, "%s\n", test_bit(MPATH_PATH_DISABLED,
		&path->flags) ? "disabled" : "enabled");
}

/* "disabled" takes the path out of use, "enabled" returns it. */
static ssize_t path_admin_state_store(struct mpath_path *path,
				      const char *buf, size_t count)
{
	int ret;

	if (sysfs_streq(buf, "disabled"))
		ret = mpath_path_set_disabled(path, true);
	else if (sysfs_streq(buf, "enabled"))
		ret = mpath_path_set_disabled(path, false);
	else
		ret = -EINVAL;
	return ret ?: count;
}

static ssize_t path_ana_changes_show(struct mpath_path *path, char *buf)
{
	return sysfs_emit(buf, "%d\n", atomic_read(&path->ana_changes));
}

/* CLOCK_BOOTTIME of the last ANA state change, ms; 0: none yet. */
static ssize_t path_ana_last_change_ms_show(struct mpath_path *path,
					    char *buf)
{
	return sysfs_emit(buf, "%llu\n", READ_ONCE(path->ana_change_ms));
}

static ssize_t path_ana_group_show(struct mpath_path *path, char *buf)
{
	return sysfs_emit(buf, "%u\n", READ_ONCE(path->ana_group));
}

/* An ANA group ID: 1 to 0xfffffffe (0 and 0xffffffff are not IDs). */
static ssize_t path_ana_group_store(struct mpath_path *path, const char *buf,
				    size_t count)
{
	u32 grpid;

	if (kstrtou32(buf, 0, &grpid) || !grpid || grpid == U32_MAX)
		return -EINVAL;
	WRITE_ONCE(path->ana_group, grpid);
	return count;
}

static ssize_t path_anatt_show(struct mpath_path *path, char *buf)
{
	return sysfs_emit(buf, "%u\n", READ_ONCE(path->anatt));
}

/* The controller's ANATT, seconds: a byte in Identify Controller. */
static ssize_t path_anatt_store(struct mpath_path *path, const char *buf,
				size_t count)
{
	u8 anatt;

	if (kstrtou8(buf, 0, &anatt))
		return -EINVAL;
	WRITE_ONCE(path->anatt, anatt);
	return count;
}

static ssize_t path_cqt_show(struct mpath_path *path, char *buf)
{
	return sysfs_emit(buf, "%u\n", READ_ONCE(path->cqt));
}

/* The controller's CQT, ms: a 16-bit field of Identify Controller. */
static ssize_t path_cqt_store(struct mpath_path *path, const char *buf,
			      size_t count)
{
	u16 cqt;

	if (kstrtou16(buf, 0, &cqt))
		return -EINVAL;
	WRITE_ONCE(path->cqt, cqt);
	return count;
}

static ssize_t path_tbkas_show(struct mpath_path *path, char *buf)
{
	s8 v = READ_ONCE(path->tbkas);

	return v < 0 ? sysfs_emit(buf, "unknown\n") : sysfs_emit(buf, "%d\n", v);
}

/* Traffic based keep alive (CTRATT bit 6): 0 or 1. */
static ssize_t path_tbkas_store(struct mpath_path *path, const char *buf,
				size_t count)
{
	bool v;

	if (kstrtobool(buf, &v))
		return -EINVAL;
	WRITE_ONCE(path->tbkas, v);
	return count;
}

/* The TP4129 hold a write failing on this path would get now; 0: none. */
static ssize_t path_resend_hold_ms_show(struct mpath_path *path, char *buf)
{
	if (!path->fabrics ||
	    READ_ONCE(path->head->resend_hold) != MPATH_HOLD_TP4129)
		return sysfs_emit(buf, "0\n");
	return sysfs_emit(buf, "%u\n", mpath_path_hold_ms(path));
}

static ssize_t path_ctrl_state_show(struct mpath_path *path, char *buf)
{
	return sysfs_emit(buf, "%s\n", path->ctrl_state);
}

/*
 * What a path carried: the path disk's own statistics (its
 * /sys/block/<path>/stat), completed requests and sectors.  nvme_mpath is
 * the path disk's only user (it holds it exclusively), so they are the
 * multipath disk's I/O on that path, its verification reads included.
 */
#define MPATH_PATH_STAT(path, field)	mpath_bdev_stat((path)->bdev.bdev, field)

static ssize_t path_ios_show(struct mpath_path *path, char *buf)
{
	return sysfs_emit(buf, "%lu\n",
			  MPATH_PATH_STAT(path, ios[STAT_READ]) +
			  MPATH_PATH_STAT(path, ios[STAT_WRITE]) +
			  MPATH_PATH_STAT(path, ios[STAT_DISCARD]) +
			  MPATH_PATH_STAT(path, ios[STAT_FLUSH]));
}

static ssize_t path_sectors_show(struct mpath_path *path, char *buf)
{
	return sysfs_emit(buf, "%lu\n",
			  MPATH_PATH_STAT(path, sectors[STAT_READ]) +
			  MPATH_PATH_STAT(path, sectors[STAT_WRITE]) +
			  MPATH_PATH_STAT(path, sectors[STAT_DISCARD]));
}

static ssize_t path_read_ios_show(struct mpath_path *path, char *buf)
{
	return sysfs_emit(buf, "%lu\n", MPATH_PATH_STAT(path, ios[STAT_READ]));
}

static ssize_t path_write_ios_show(struct mpath_path *path, char *buf)
{
	return sysfs_emit(buf, "%lu\n", MPATH_PATH_STAT(path, ios[STAT_WRITE]));
}

static ssize_t path_read_bytes_show(struct mpath_path *path, char *buf)
{
	return sysfs_emit(buf, "%llu\n",
			  (u64)MPATH_PATH_STAT(path, sectors[STAT_READ]) << SECTOR_SHIFT);
}

static ssize_t path_write_bytes_show(struct mpath_path *path, char *buf)
{
	return sysfs_emit(buf, "%llu\n",
			  (u64)MPATH_PATH_STAT(path, sectors[STAT_WRITE]) << SECTOR_SHIFT);
}

/*
 * Recent average completion time in microseconds, measured while the
 * policy is service-time (it is what that policy weighs); 0 otherwise.
 */
static ssize_t path_latency_us_show(struct mpath_path *path, char *buf)
{
	return sysfs_emit(buf, "%llu\n",
			  div_u64(mpath_path_latency(path, false), NSEC_PER_USEC));
}

static ssize_t path_inflight_show(struct mpath_path *path, char *buf)
{
	return sysfs_emit(buf, "%ld\n", mpath_path_inflight(path));
}

static ssize_t path_errors_show(struct mpath_path *path, char *buf)
{
	return sysfs_emit(buf, "%lld\n", atomic64_read(&path->errors));
}

static ssize_t path_failovers_show(struct mpath_path *path, char *buf)
{
	return sysfs_emit(buf, "%lld\n", atomic64_read(&path->failovers));
}

/* The names native multipath's per-path counters have upstream. */
static ssize_t path_multipath_failover_count_show(struct mpath_path *path,
						  char *buf)
{
	return path_failovers_show(path, buf);
}

static ssize_t path_command_error_count_show(struct mpath_path *path,
					     char *buf)
{
	return sysfs_emit(buf, "%lld\n", atomic64_read(&path->cmd_errors));
}

/*
 * The last verification read's outcome: ok, the controller's NVMe status
 * (hex, as nvme-cli prints it), a host error (-errno: aborted, no path),
 * or none yet.
 */
static ssize_t path_probe_status_show(struct mpath_path *path, char *buf)
{
	int st = READ_ONCE(path->probe_status);

	if (st == MPATH_PROBE_NONE)
		return sysfs_emit(buf, "none\n");
	if (!st)
		return sysfs_emit(buf, "ok\n");
	if (st > 0)
		return sysfs_emit(buf, "nvme-status %#x\n", st);
	return sysfs_emit(buf, "error %d\n", st);
}

static ssize_t path_command_retry_count_show(struct mpath_path *path,
					     char *buf)
{
	return sysfs_emit(buf, "%lld\n", atomic64_read(&path->cmd_retries));
}

MPATH_PATH_ATTR(disk);
MPATH_PATH_ATTR(controller);
MPATH_PATH_ATTR(cntlid);
MPATH_PATH_ATTR(transport);
MPATH_PATH_ATTR(address);
MPATH_PATH_ATTR(numa_node);
MPATH_PATH_ATTR(state);
MPATH_PATH_ATTR(ctrl_state);
MPATH_PATH_ATTR_RW(ana_group);
MPATH_PATH_ATTR_RW(ana_state);
MPATH_PATH_ATTR_RW(admin_state);
MPATH_PATH_ATTR(ana_changes);
MPATH_PATH_ATTR(ana_last_change_ms);
MPATH_PATH_ATTR_RW(anatt);
MPATH_PATH_ATTR_RW(cqt);
MPATH_PATH_ATTR_RW(tbkas);
MPATH_PATH_ATTR(resend_hold_ms);
MPATH_PATH_ATTR(latency_us);
MPATH_PATH_ATTR(read_ios);
MPATH_PATH_ATTR(write_ios);
MPATH_PATH_ATTR(read_bytes);
MPATH_PATH_ATTR(write_bytes);
MPATH_PATH_ATTR(ios);
MPATH_PATH_ATTR(sectors);
MPATH_PATH_ATTR(inflight);
MPATH_PATH_ATTR(errors);
MPATH_PATH_ATTR(failovers);
MPATH_PATH_ATTR(multipath_failover_count);
MPATH_PATH_ATTR(command_error_count);
MPATH_PATH_ATTR(command_retry_count);
MPATH_PATH_ATTR(probe_status);

static struct attribute *mpath_path_attrs[] = {
	&mpath_path_attr_disk.attr,
	&mpath_path_attr_controller.attr,
	&mpath_path_attr_cntlid.attr,
	&mpath_path_attr_transport.attr,
	&mpath_path_attr_address.attr,
	&mpath_path_attr_numa_node.attr,
	&mpath_path_attr_state.attr,
	&mpath_path_attr_ctrl_state.attr,
	&mpath_path_attr_ana_group.attr,
	&mpath_path_attr_ana_state.attr,
	&mpath_path_attr_admin_state.attr,
	&mpath_path_attr_ana_changes.attr,
	&mpath_path_attr_ana_last_change_ms.attr,
	&mpath_path_attr_anatt.attr,
	&mpath_path_attr_cqt.attr,
	&mpath_path_attr_tbkas.attr,
	&mpath_path_attr_resend_hold_ms.attr,
	&mpath_path_attr_ios.attr,
	&mpath_path_attr_sectors.attr,
	&mpath_path_attr_read_ios.attr,
	&mpath_path_attr_write_ios.attr,
	&mpath_path_attr_read_bytes.attr,
	&mpath_path_attr_write_bytes.attr,
	&mpath_path_attr_latency_us.attr,
	&mpath_path_attr_inflight.attr,
	&mpath_path_attr_errors.attr,
	&mpath_path_attr_failovers.attr,
	&mpath_path_attr_multipath_failover_count.attr,
	&mpath_path_attr_command_error_count.attr,
	&mpath_path_attr_command_retry_count.attr,
	&mpath_path_attr_probe_status.attr,
	NULL,
};
ATTRIBUTE_GROUPS(mpath_path);

static ssize_t mpath_path_attr_show(struct kobject *kobj,
				    struct attribute *attr, char *buf)
{
	struct mpath_path_attr *pa = container_of(attr, struct mpath_path_attr,
						  attr);

	return pa->show(container_of(kobj, struct mpath_path, kobj), buf);
}

static ssize_t mpath_path_attr_store(struct kobject *kobj,
				     struct attribute *attr, const char *buf,
				     size_t count)
{
	struct mpath_path_attr *pa = container_of(attr, struct mpath_path_attr,
						  attr);

	if (!pa->store)
		return -EIO;
	return pa->store(container_of(kobj, struct mpath_path, kobj), buf,
			 count);
}

static const struct sysfs_ops mpath_path_sysfs_ops = {
	.show = mpath_path_attr_show,
	.store = mpath_path_attr_store,
};

static void mpath_path_kobj_release(struct kobject *kobj)
{
	mpath_path_free(container_of(kobj, struct mpath_path, kobj));
}

const struct kobj_type mpath_path_ktype = {
	.release = mpath_path_kobj_release,
	.sysfs_ops = &mpath_path_sysfs_ops,
	.default_groups = mpath_path_groups,
};

int mpath_sysfs_add_path(struct mpath_path *path)
{
	if (!path->head->paths_kobj)
		return 0;
	return kobject_add(&path->kobj, path->head->paths_kobj, "%s",
			   path->name);
}
