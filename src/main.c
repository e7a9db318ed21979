// SPDX-License-Identifier: GPL-2.0
/*
 * nvme_mpath: NVMe multipathing for stock kernels whose nvme-core runs with
 * native multipath off (nvme_core.multipath=N).
 *
 * Module parameters, load and unload.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/fs.h>
#include <linux/kmod.h>
#include <linux/module.h>
#include <linux/moduleparam.h>
#include <linux/slab.h>
#include <linux/string.h>
#include <linux/sysfs.h>

#include "nvme_mpath.h"

/* Discovery events, one at a time, in order. */
struct workqueue_struct *mpath_wq;
/* Work the I/O path depends on: requeueing, path probes. */
struct workqueue_struct *mpath_io_wq;
/* Path set updates, pathless disk expiry, checks: under mpath_mutex. */
struct workqueue_struct *mpath_update_wq;
mpath_sync_cmd_t mpath_sync_cmd;

int mpath_default_iopolicy = MPATH_IOPOLICY_NUMA;
unsigned int mpath_no_path_timeout = 60;
unsigned int mpath_check_interval = 2;
unsigned int mpath_ana_transition_timeout;
char *mpath_single_path_subsys;
/* nvme_core's max_retries as read at load (its default if unreadable). */
unsigned int mpath_max_retries = 5;
int mpath_default_resend_hold = MPATH_HOLD_TP4129;

#define MPATH_MAX_TIMEOUT	86400U
#define MPATH_MAX_INTERVAL	3600U
#define MPATH_MAX_ANATT		3600U

static int mpath_param_set_iopolicy(const char *val,
				    const struct kernel_param *kp)
{
	int policy = mpath_iopolicy_parse(val);

	if (policy < 0) {
		pr_err("invalid iopolicy '%s': valid values are numa, round-robin, queue-depth, service-time\n",
		       val);
		return -EINVAL;
	}
	WRITE_ONCE(mpath_default_iopolicy, policy);
	return 0;
}

static int mpath_param_get_iopolicy(char *buf, const struct kernel_param *kp)
{
	return sprintf(buf, "%s\n",
		       mpath_iopolicy_names[READ_ONCE(mpath_default_iopolicy)]);
}

static const struct kernel_param_ops mpath_iopolicy_ops = {
	.set = mpath_param_set_iopolicy,
	.get = mpath_param_get_iopolicy,
};

module_param_cb(iopolicy, &mpath_iopolicy_ops, NULL, 0644);
MODULE_PARM_DESC(iopolicy,
		 "Default path selection for new multipath disks: numa (default: a path nearest the submitting CPU's node), round-robin, queue-depth (fewest I/Os in flight) or service-time (I/Os in flight weighted by the path's recent latency)");

static int mpath_param_set_uint_range(const char *val, unsigned int *p,
				      unsigned int min, unsigned int max,
				      const char *name)
{
	unsigned int v;

	if (kstrtouint(val, 0, &v) || v < min || v > max) {
		pr_err("invalid %s '%s': must be an integer from %u to %u\n",
		       name, val, min, max);
		return -EINVAL;
	}
	WRITE_ONCE(*p, v);
	return 0;
}

/* Seconds, or -1: I/O waits for a path until an administrator says. */
int mpath_timeout_parse(const char *val, unsigned int *secs)
{
	if (sysfs_streq(val, "-1")) {
		*secs = MPATH_TIMEOUT_FOREVER;
		return 0;
	}
	if (kstrtouint(val, 0, secs) || *secs > MPATH_MAX_TIMEOUT)
		return -EINVAL;
	return 0;
}

static int mpath_param_set_timeout(const char *val,
				   const struct kernel_param *kp)
{
	unsigned int v;

	if (mpath_timeout_parse(val, &v)) {
		pr_err("invalid no_path_timeout '%s': must be -1 or an integer from 0 to %u\n",
		       val, MPATH_MAX_TIMEOUT);
		return -EINVAL;
	}
	WRITE_ONCE(mpath_no_path_timeout, v);
	return 0;
}

static int mpath_param_get_timeout(char *buf, const struct kernel_param *kp)
{
	unsigned int v = READ_ONCE(mpath_no_path_timeout);

	if (v == MPATH_TIMEOUT_FOREVER)
		return sysfs_emit(buf, "-1\n");
	return sysfs_emit(buf, "%u\n", v);
}

static const struct kernel_param_ops mpath_timeout_ops = {
	.set = mpath_param_set_timeout,
	.get = mpath_param_get_timeout,
};

module_param_cb(no_path_timeout, &mpath_timeout_ops, &mpath_no_path_timeout,
		0644);
MODULE_PARM_DESC(no_path_timeout,
		 "Seconds I/O waits when no path is usable, or none is left, before it fails with an I/O error; a disk whose last path went stays that long for one to come back (-1 or 0-86400, default 60; 0 fails at once; -1 waits until mpath/fail_waiting is written)");

static int mpath_param_set_interval(const char *val,
				    const struct kernel_param *kp)
{
	return mpath_param_set_uint_range(val, kp->arg, 1, MPATH_MAX_INTERVAL,
					  "path_check_interval");
}

static const struct kernel_param_ops mpath_interval_ops = {
	.set = mpath_param_set_interval,
	.get = param_get_uint,
};

module_param_cb(path_check_interval, &mpath_interval_ops,
		&mpath_check_interval, 0644);
MODULE_PARM_DESC(path_check_interval,
		 "Seconds between checks of path controllers and of failed paths (1-3600, default 2)");

static int mpath_param_set_anatt(const char *val,
				 const struct kernel_param *kp)
{
	return mpath_param_set_uint_range(val, kp->arg, 0, MPATH_MAX_ANATT,
					  "ana_transition_timeout");
}

static const struct kernel_param_ops mpath_anatt_ops = {
	.set = mpath_param_set_anatt,
	.get = param_get_uint,
};

module_param_cb(ana_transition_timeout, &mpath_anatt_ops,
		&mpath_ana_transition_timeout, 0644);
MODULE_PARM_DESC(ana_transition_timeout,
		 "Seconds I/O may wait for a path in ANA change state to settle, when longer than no_path_timeout (0-3600, default 0: the controller's ANATT as the ANA helper reports it, 10 if not reported)");

static int mpath_param_set_hold(const char *val,
				const struct kernel_param *kp)
{
	int hold = mpath_resend_hold_parse(val);

	if (hold < 0) {
		pr_err("invalid resend_hold '%s': valid values are tp4129, off\n",
		       val);
		return -EINVAL;
	}
	WRITE_ONCE(mpath_default_resend_hold, hold);
	return 0;
}

static int mpath_param_get_hold(char *buf, const struct kernel_param *kp)
{
	return sprintf(buf, "%s\n",
		       mpath_resend_hold_names[READ_ONCE(mpath_default_resend_hold)]);
}

static const struct kernel_param_ops mpath_hold_ops = {
	.set = mpath_param_set_hold,
	.get = mpath_param_get_hold,
};

module_param_cb(resend_hold, &mpath_hold_ops, NULL, 0644);
MODULE_PARM_DESC(resend_hold,
		 "Default for new multipath disks: how a write is resent after its fabrics path lost its association: tp4129 (default: once the old controller can no longer execute it, 2 or 3 x KATO + CQT) or off (at once)");

module_param_named(single_path_subsys, mpath_single_path_subsys, charp, 0444);
MODULE_PARM_DESC(single_path_subsys,
		 "Comma-separated subsystem NQNs whose namespaces get a multipath disk even with a single path (default: none)");

/* Is @nqn named in single_path_subsys? */
bool mpath_single_path_allowed(const char *nqn)
{
	const char *p = mpath_single_path_subsys;
	size_t len = strlen(nqn);

	while (p && *p) {
		const char *end = strchrnul(p, ',');

		if (end - p == len && !strncmp(p, nqn, len))
			return true;
		p = *end ? end + 1 : end;
	}
	return false;
}

/*
 * nvme_core's parameters are not exported, so read them the way an admin
 * does.  Module init runs in the loading process's context, where /sys is
 * that process's /sys.  Returns the length read or a negative errno.
 */
static ssize_t mpath_read_nvme_core_param(const char *name, char *buf,
					  size_t len)
{
	char path[96];
	struct file *f;
	loff_t pos = 0;
	ssize_t n;

	snprintf(path, sizeof(path), "/sys/module/nvme_core/parameters/%s",
		 name);
	f = filp_open(path, O_RDONLY, 0);
	if (IS_ERR(f))
		return -ENOENT;
	n = kernel_read(f, buf, len - 1, &pos);
	filp_close(f, NULL);
	if (n <= 0)
		return -EIO;
	buf[n] = '\0';
	return n;
}

static int mpath_native_multipath_state(void)
{
	char c[4];
	ssize_t n = mpath_read_nvme_core_param("multipath", c, sizeof(c));

	if (n < 0)
		return n;
	return c[0] == 'Y' || c[0] == 'y' || c[0] == '1';
}

/* How often nvme-core itself would retry a retryable status. */
static void mpath_read_max_retries(void)
{
	char buf[16];
	unsigned int v;

	if (mpath_read_nvme_core_param("max_retries", buf, sizeof(buf)) > 0 &&
	    !kstrtouint(strim(buf), 10, &v))
		mpath_max_retries = min(v, 255U);
}

static bool mpath_idle;

static int __init mpath_init(void)
{
	int native;
	int ret;

	native = mpath_native_multipath_state();
	if (native == -ENOENT) {
		/* Not loaded yet: load it now, as modprobe's softdep would. */
		request_module("nvme_core");
		native = mpath_native_multipath_state();
	}
	if (native > 0) {
		pr_warn("native NVMe multipath is on (nvme_core.multipath=Y): nvme_mpath manages nothing; load nvme_core with multipath=N to use it\n");
		mpath_idle = true;
		return 0;
	}
	if (native < 0)
		pr_info("nvme_core multipath setting unknown (%d); watching for NVMe disks\n",
			native);
	mpath_read_max_retries();
	mpath_nvme_get();
	if (!mpath_sync_cmd)
		pr_info("nvme-core offers no NVMe command helper: path probes cannot read NVMe statuses\n");

	mpath_wq = alloc_ordered_workqueue("nvme_mpath", WQ_MEM_RECLAIM);
	if (!mpath_wq) {
		ret = -ENOMEM;
		goto out_nvme;
	}
	/*
	 * Unbound: a requeue may run on any CPU.  Naming it matters from 7.x
	 * on, which warns about a workqueue neither WQ_UNBOUND nor WQ_PERCPU.
	 * High priority, as kblockd that runs native's requeues: a bio waits
	 * for these works (its resend, its path's verification read).
	 */
	mpath_io_wq = alloc_workqueue("nvme_mpath_io", WQ_MEM_RECLAIM |
				      WQ_UNBOUND | WQ_HIGHPRI, 0);
	if (!mpath_io_wq) {
		ret = -ENOMEM;
		goto out_wq;
	}
	/*
	 * The works that take mpath_mutex get a workqueue (and rescuer) of
	 * their own: a holder of mpath_mutex waits for requeue works and
	 * probes, which must not queue behind a work blocked on the mutex.
	 */
	mpath_update_wq = alloc_workqueue("nvme_mpath_update", WQ_MEM_RECLAIM |
					  WQ_UNBOUND | WQ_HIGHPRI, 0);
	if (!mpath_update_wq) {
		ret = -ENOMEM;
		goto out_io_wq;
	}
	ret = mpath_io_init();
	if (ret)
		goto out_update_wq;
	mpath_checker_start();
	ret = mpath_discovery_start();
	if (ret)
		goto out_checker;
	pr_info("loaded: iopolicy=%s no_path_timeout=%ds path_check_interval=%us max_retries=%u\n",
		mpath_iopolicy_names[mpath_default_iopolicy],
		(int)mpath_no_path_timeout, mpath_check_interval,
		mpath_max_retries);
	return 0;

out_checker:
	mpath_checker_stop();
	mpath_io_exit();
out_update_wq:
	destroy_workqueue(mpath_update_wq);
out_io_wq:
	destroy_workqueue(mpath_io_wq);
out_wq:
	destroy_workqueue(mpath_wq);
out_nvme:
	mpath_nvme_put();
	return ret;
}

static void __exit mpath_exit(void)
{
	if (mpath_idle)
		return;
	mpath_discovery_stop();
	/* sysfs writes may kick the checker until the teardown removed them. */
	mpath_teardown_all();
	mpath_checker_stop();
	destroy_workqueue(mpath_update_wq);
	destroy_workqueue(mpath_io_wq);
	destroy_workqueue(mpath_wq);
	mpath_io_exit();
	mpath_nvme_put();
	pr_info("unloaded\n");
}

module_init(mpath_init);
module_exit(mpath_exit);

MODULE_DESCRIPTION("NVMe multipathing for nvme-core with native multipath off");
MODULE_AUTHOR("nvme-mpath developers");
MODULE_LICENSE("GPL");
/* Keep in step with dkms.conf, debian/changelog and the RPM spec. */
MODULE_VERSION("0.1.0");
MODULE_SOFTDEP("pre: nvme_core");
