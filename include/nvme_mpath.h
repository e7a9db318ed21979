/* SPDX-License-Identifier: GPL-2.0 */
/*
 * nvme_mpath: NVMe multipathing for kernels whose nvme-core runs with
 * native multipath off.  Shared definitions.
 *
 * Objects and their locks:
 *  - mpath_mutex (head.c) serialises everything that changes the topology:
 *    subsystems, heads, paths, candidates, path state changes and the
 *    published path sets.  It is never taken on the I/O path, nor in the
 *    disk's open/release (those run under the disk's open_mutex, which
 *    bd_link_disk_holder() and del_gendisk() take under mpath_mutex).
 *  - The I/O path reads the head's published path set under RCU and holds a
 *    per-path percpu_ref for each bio in flight on that path.
 */
#ifndef NVME_MPATH_H
#define NVME_MPATH_H

#include <linux/blkdev.h>
#include <linux/bio.h>
#include <linux/kobject.h>
#include <linux/llist.h>
#include <linux/percpu-refcount.h>
#include <linux/workqueue.h>

struct hd_geometry;

#include "compat.h"

#define MPATH_NQN_LEN		224	/* NVMF_NQN_SIZE + 1 */
#define MPATH_WWID_LEN		256
#define MPATH_IDSTR_LEN		48

enum mpath_iopolicy {
	MPATH_IOPOLICY_NUMA,
	MPATH_IOPOLICY_RR,
	MPATH_IOPOLICY_QD,
	MPATH_IOPOLICY_ST,
	MPATH_IOPOLICY_NR,
};

extern const char * const mpath_iopolicy_names[MPATH_IOPOLICY_NR];

/* Module parameters (main.c). */
extern int mpath_default_iopolicy;
extern unsigned int mpath_no_path_timeout;	/* seconds; FOREVER: queue */
#define MPATH_TIMEOUT_FOREVER	UINT_MAX	/* no_path_timeout=-1 */
#define MPATH_TIMEOUT_MODULE	(-2)		/* a disk follows the module's */
extern unsigned int mpath_check_interval;	/* seconds */
extern char *mpath_single_path_subsys;
extern unsigned int mpath_ana_transition_timeout;	/* seconds, 0: ANATT */
extern unsigned int mpath_max_retries;		/* nvme_core's max_retries */
extern int mpath_default_resend_hold;		/* enum mpath_resend_hold */

/*
 * Resending a write after its fabrics path lost its association: at once,
 * or once the old controller can no longer execute it (TP4129: 2 x KATO,
 * 3 x KATO with traffic based keep alive, plus CQT).
 */
enum mpath_resend_hold {
	MPATH_HOLD_TP4129,
	MPATH_HOLD_OFF,
	MPATH_HOLD_NR,
};

extern const char * const mpath_resend_hold_names[MPATH_HOLD_NR];
int mpath_resend_hold_parse(const char *buf);

/* KATO when the kernel does not show it: nvme-core's NVME_DEFAULT_KATO. */
#define MPATH_DEFAULT_KATO	5

/*
 * ANA states, as the NVMe specification numbers them.  nvme-core does not
 * read the ANA log with native multipath off; the nvme-mpath-ana helper
 * reads it in userspace and writes each path's group and state to sysfs.
 * Until it does, a path's state is unknown and treated as optimized.
 */
enum mpath_ana_state {
	MPATH_ANA_UNKNOWN		= 0x0,
	MPATH_ANA_OPTIMIZED		= 0x1,
	MPATH_ANA_NONOPTIMIZED		= 0x2,
	MPATH_ANA_INACCESSIBLE		= 0x3,
	MPATH_ANA_PERSISTENT_LOSS	= 0x4,
	MPATH_ANA_CHANGE		= 0xf,
};

/* Used when the helper has not reported the controller's ANATT. */
#define MPATH_DEFAULT_ANATT	10

/* What sysfs, uevents and the log call a path's state. */
enum mpath_path_state {
	MPATH_PS_USABLE,
	MPATH_PS_FAILED,
	MPATH_PS_CTRL_DOWN,
	MPATH_PS_REMOVED,
	MPATH_PS_INACCESSIBLE,
	MPATH_PS_PERSISTENT_LOSS,
	MPATH_PS_CHANGE,
	MPATH_PS_DISABLED,
	MPATH_PS_NR,
};

extern const char * const mpath_path_state_names[MPATH_PS_NR];

/*
 * What nvme-core publishes about one namespace disk and its controller,
 * read from their documented sysfs attributes when the disk appears.
 */
struct mpath_ident {
	char nqn[MPATH_NQN_LEN];
	u32 nsid;
	u32 csi;
	char wwid[MPATH_WWID_LEN];
	char eui[MPATH_IDSTR_LEN];
	char nguid[MPATH_IDSTR_LEN];
	char uuid[MPATH_IDSTR_LEN];
	sector_t capacity;
	unsigned int lbs;

	/* Which path this is: not part of the namespace's identity. */
	char disk_name[DISK_NAME_LEN];
	char ctrl_name[DISK_NAME_LEN];
	char transport[16];
	u32 cntlid;
	int numa_node;
	dev_t devt;
};

/* Path flags. */
enum {
	MPATH_PATH_FAILED,	/* an I/O error or a failed check: not used */
	MPATH_PATH_CTRL_DOWN,	/* its controller is not live */
	MPATH_PATH_REMOVED,	/* its disk is going away */
	MPATH_PATH_PROBING,	/* a check read is in flight */
	MPATH_PATH_DISABLED,	/* an administrator took it out of use */
};

/*
 * Per-CPU path statistics.  The submitting CPU counts a bio in ios..
 * write_bytes and inflight; the completing CPU takes inflight back and feeds
 * the latency average.  All u64 fields but lat_ns are plain sums.
 */
/*
 * Per-CPU, updated on the I/O path.  What a path carried (ios, bytes) is
 * not counted here: the path disk's own statistics have it (sysfs.c).
 */
struct mpath_path_stats {
	u64 lat_ns;		/* EWMA (1/8) of completion times seen here */
	unsigned long lat_stamp;	/* jiffies of the last sample */
	long inflight;	/* +1 on the submitting CPU, -1 on the completing one */
};

/* A CPU's latency average older than this is not "recent". */
#define MPATH_LAT_RECENT	(2 * HZ)

struct mpath_head;

/* mpath_path.probe_status before the first probe has ended */
#define MPATH_PROBE_NONE	INT_MIN

struct mpath_path {
	struct kobject kobj;		/* mpath/paths/<disk>; frees the path */
	struct list_head node;		/* head->paths, under mpath_mutex */
	struct mpath_head *head;
	struct mpath_bdev bdev;
	struct gendisk *disk;		/* path disk, alive while bdev is open */
	struct device *ctrl_dev;	/* referenced controller device */
	struct percpu_ref ref;		/* one per bio in flight on the path */
	struct completion ref_done;
	unsigned long flags;
	int numa_node;
	u32 cntlid;
	char name[DISK_NAME_LEN];
	char ctrl_name[DISK_NAME_LEN];
	char transport[16];
	char address[128];		/* controller's transport address */
	char ctrl_state[24];		/* last state read, for sysfs */
	unsigned long failed_at;	/* jiffies */
	struct mpath_path_stats __percpu *stats;
	atomic64_t errors;		/* path errors seen on it */
	atomic64_t failovers;		/* bios moved away from it */
	atomic64_t cmd_errors;		/* command errors: the path was fine */
	atomic64_t cmd_retries;		/* retryable statuses resent */

	/*
	 * Verification reads (probes), ktime ns: when the one in flight or
	 * the last one started, and the start time of the last that worked
	 * and of the last that failed.  A probe that started after an error
	 * tells whether the path itself still works.
	 */
	u64 probe_start_ns;
	u64 probe_ok_ns;
	u64 probe_fail_ns;
	struct work_struct probe_work;	/* mpath_path_probe() */
	int probe_status;		/* last probe: 0, NVMe status or -errno */
	u64 ana_report_ns;		/* last ANA state the helper wrote */

	/* ANA, as reported by the helper; read locklessly. */
	u8 ana_state;			/* enum mpath_ana_state */
	u8 anatt;			/* controller's ANATT, seconds; 0: unknown */
	u32 ana_group;			/* 0: unknown */
	atomic_t ana_changes;		/* ANA state changes told of */
	u64 ana_change_ms;		/* boottime ms of the last; 0: none */
	u8 reported;			/* enum mpath_path_state last announced */
	bool holder_linked;		/* bd_link_disk_holder() done */
	bool fabrics;			/* tcp, rdma, fc: a lost association */

	/* TP4129, from Identify Controller (the helper): -1/0 unknown. */
	s8 tbkas;			/* traffic based keep alive: 0, 1, -1 */
	u16 cqt;			/* command quiesce time, ms */
	unsigned long hold_until;	/* jiffies: end of the last hold episode */
};

/*
 * The usable paths of a head as the I/O path sees them: rebuilt and
 * republished under mpath_mutex whenever a path changes state, read
 * under RCU.  numa_best[node] is an index into paths[].
 */
struct mpath_pathset {
	struct rcu_head rcu;
	unsigned int nr;
	unsigned int nr_best;	/* paths[0..nr_best): the preferred tier */
	u16 *numa_best;
	struct mpath_path *paths[];
};

/*
 * queue-depth and service-time: each CPU picks the path with the fewest
 * bios in flight (weighted by the path's recent latency for service-time)
 * and keeps it for MPATH_QD_BATCH bios, so that summing the per-CPU counts
 * is paid once per batch and nothing shared is written per bio.
 */
#define MPATH_QD_BATCH		8

struct mpath_qd_cpu {
	const struct mpath_pathset *ps;	/* the set idx belongs to */
	unsigned int idx;
	unsigned int left;
};

struct mpath_subsys {
	struct list_head node;		/* mpath_subsystems */
	struct list_head heads;
	int instance;
	char nqn[MPATH_NQN_LEN];
};

/* Group flags. */
enum {
	MPATH_HEAD_STALE,	/* a path changed state: republish the path set */
};

/* One multipath namespace: one gendisk over all its paths. */
struct mpath_head {
	struct list_head node;		/* subsys->heads */
	struct mpath_subsys *subsys;
	struct mpath_ident id;		/* identity every path must match */
	struct gendisk *disk;
	struct list_head paths;
	unsigned int nr_paths;
	struct mpath_pathset __rcu *pset;
	unsigned int __percpu *rr_next;
	struct mpath_qd_cpu __percpu *qd;
	int iopolicy;
	unsigned long flags;		/* MPATH_HEAD_* */
	bool disk_added;
	bool dead;			/* being torn down: refuse opens */
	atomic_t openers;
	unsigned int refs;		/* the disk's + one per opener */
	unsigned long no_path_since;	/* jiffies; 0 while a path is usable */
	unsigned long no_path_total;	/* jiffies without a path, past episodes */
	int no_path_timeout;		/* s; -1 forever; MPATH_TIMEOUT_MODULE */
	unsigned long flush_at;		/* jiffies: fail_waiting written; 0 never */
	unsigned int ana_wait;		/* seconds I/O may wait: a path is in change */
	unsigned long ana_settled;	/* jiffies: a path last left change; 0 never */

	spinlock_t requeue_lock;	/* protects requeue_list */
	struct list_head requeue_list;	/* struct mpath_io, waiting for a path */
	struct delayed_work requeue_work;
	struct work_struct del_work;	/* its disk's deletion, at unload */

	struct kobject *mpath_kobj;	/* /sys/block/<disk>/mpath */
	struct kobject *paths_kobj;	/* .../mpath/paths */
	atomic64_t failovers;
	atomic64_t requeued;		/* bios that waited for a path */
	atomic64_t cmd_failed;		/* bios returned with a command error */
	atomic64_t writes_held;		/* writes held before a resend */
	atomic64_t hold_ms;		/* their total hold time */
	int resend_hold;		/* enum mpath_resend_hold */
	atomic64_t no_path_failed;	/* bios failed: no usable path in time */
	u64 ns_failing_ns;		/* every path fails, all live: since */
};

/* Paths a bio may be tried on after command-or-path ("unclear") errors. */
#define MPATH_MAX_TRIES		4

/*
 * Per-bio context (mpath_io_pool).  The submitter's bio itself goes to the
 * path, re-targeted as native multipath does: its end_io is hooked and the
 * fields below are put back before it completes or is sent again.  A bio
 * that cannot be handled so (chained children in flight, an integrity or
 * encryption context of its own) goes as a clone instead, and the original
 * is not touched until it completes.
 */
struct mpath_io {
	struct bio *orig;		/* the submitter's bio */
	struct mpath_head *head;
	struct mpath_path *path;	/* holds path->ref while in flight */
	unsigned long start_time;	/* for disk accounting */
	u64 start_ns;			/* when sent; service-time only, else 0 */
	bool cloned;			/* sent as clones of orig */
	bool acct;			/* accounted (queue/iostats was on) */

	/* orig's own, while it is re-targeted */
	bio_end_io_t *end_io;
	void *private;
	struct mpath_bio_dev dev;
	struct bvec_iter iter;
	mpath_opf_t opf;
	unsigned short flags;

	/* iocache.c: the CPU it goes back to, and its link there */
	int cpu;
	struct llist_node cache_node;

	/* the error path (io.c) */
	struct list_head node;		/* head->requeue_list */
	unsigned long wait_since;	/* jiffies of first failure/wait; 0 = none */
	blk_status_t last_status;
	u8 nr_tried;
	u8 retries;			/* BLK_STS_TARGET resends */
	unsigned long hold_until;	/* jiffies; 0: not held */
	unsigned long held_at;		/* jiffies the hold began */
	unsigned long verdict_since;	/* jiffies; waiting for a probe: 0 no */
	u8 verdict_idx;			/* tried[] entry whose probe it waits for */
	/* Paths the bio failed on with an unclear error: each holds a ref. */
	struct mpath_path *tried[MPATH_MAX_TRIES];
	u64 tried_ns[MPATH_MAX_TRIES];	/* when it failed there */
};

/* main.c */
extern struct workqueue_struct *mpath_wq;
extern struct workqueue_struct *mpath_io_wq;
extern struct workqueue_struct *mpath_update_wq;
bool mpath_single_path_allowed(const char *nqn);

/* attr.c: read nvme-core's published sysfs attributes in the kernel */
int mpath_read_attr(struct device *dev, const char *name, char *buf);
int mpath_read_ident(struct device *disk_dev, struct mpath_ident *id);
int mpath_read_ctrl_state(struct device *ctrl_dev, char *state, size_t len);
int mpath_read_ctrl_attr(struct device *ctrl_dev, const char *name, char *dst,
			 size_t len);

/* discovery.c */
int mpath_discovery_start(void);
void mpath_discovery_stop(void);

/* head.c */
extern struct mutex mpath_mutex;
extern struct list_head mpath_subsystems;
void mpath_handle_add(struct device *disk_dev, struct mpath_ident *id,
		      bool defer);
void mpath_handle_add_done(void);
void mpath_handle_remove(struct device *disk_dev, struct list_head *release);
void mpath_handle_remove_done(struct list_head *release);
void mpath_schedule_update(void);
void mpath_head_free(struct mpath_head *head);
bool mpath_head_open(struct gendisk *disk);
bool mpath_head_put(struct mpath_head *head);
void mpath_head_close(struct gendisk *disk);
void mpath_teardown_all(void);
void mpath_head_refresh(struct mpath_head *head);

/* checker.c */
void mpath_checker_start(void);
void mpath_checker_stop(void);
void mpath_checker_kick(void);

/* path.c */
struct mpath_path *mpath_path_create(struct mpath_head *head,
				     const struct mpath_ident *id,
				     struct device *disk_dev);
int mpath_path_attach(struct mpath_path *path);
void mpath_path_detach(struct mpath_path *path);
void mpath_path_destroy(struct mpath_path *path);
void mpath_paths_release(struct list_head *paths);
void mpath_path_free(struct mpath_path *path);
void mpath_path_fail(struct mpath_path *path, blk_status_t status);
bool mpath_ana_usable(unsigned int state);
void mpath_path_probe(struct mpath_path *path);
bool mpath_path_ctrl_live(struct mpath_path *path);
unsigned int mpath_path_kato(struct mpath_path *path);
unsigned int mpath_path_hold_ms(struct mpath_path *path);
void mpath_path_verify(struct mpath_path *path, u64 since_ns);
void mpath_head_judge_paths(struct mpath_head *head);
bool mpath_path_usable(const struct mpath_path *path);
enum mpath_path_state mpath_path_state(const struct mpath_path *path);
long mpath_path_inflight(struct mpath_path *path);
u64 mpath_path_latency(struct mpath_path *path, bool recent_only);
const char *mpath_ana_state_name(unsigned int state);
int mpath_ana_state_parse(const char *buf);
void mpath_path_set_ana(struct mpath_path *path, u8 state);
unsigned int mpath_head_timeout(const struct mpath_head *head);
int mpath_timeout_parse(const char *val, unsigned int *secs);
void mpath_head_fail_waiting(struct mpath_head *head);
int mpath_path_set_disabled(struct mpath_path *path, bool disable);
void mpath_path_report(struct mpath_path *path, const char *event);

/* selector.c */
struct mpath_path *mpath_select_path(struct mpath_head *head);
struct mpath_path *mpath_select_untried(struct mpath_head *head,
					const struct mpath_io *io);
int mpath_pathset_rebuild(struct mpath_head *head);
void mpath_pathset_free(struct mpath_head *head);
void mpath_pathset_free_now(struct mpath_head *head);
int mpath_iopolicy_parse(const char *buf);
int mpath_name_parse(const char * const *names, int n, const char *buf);

/* io.c */
extern struct bio_set mpath_bio_set;
extern const struct block_device_operations mpath_fops;

/* ops.c: what the disk offers besides bios */
int mpath_ioctl(struct block_device *bdev, mpath_mode_t mode,
		unsigned int cmd, unsigned long arg);
#ifdef NVME_MPATH_HAVE_GETGEO_GENDISK
int mpath_getgeo(struct gendisk *disk, struct hd_geometry *geo);
#else
int mpath_getgeo(struct block_device *bdev, struct hd_geometry *geo);
#endif
#ifdef NVME_MPATH_HAVE_GET_UNIQUE_ID
int mpath_get_unique_id(struct gendisk *disk, u8 id[16],
			enum blk_unique_id type);
#endif
extern const struct pr_ops mpath_pr_ops;
int mpath_io_init(void);
void mpath_io_exit(void);
void mpath_kick_requeue(struct mpath_head *head);
void mpath_requeue_work(struct work_struct *work);
void mpath_flush_requeue(struct mpath_head *head);
void mpath_free_disk(struct gendisk *disk);

/* iocache.c: struct mpath_io, cached per CPU */
struct mpath_io *mpath_io_alloc(gfp_t gfp);
void mpath_io_free(struct mpath_io *io);
int mpath_io_cache_init(void);
void mpath_io_cache_exit(void);

/* sysfs.c */
int mpath_sysfs_add_head(struct mpath_head *head);
void mpath_sysfs_del_head(struct mpath_head *head);
int mpath_sysfs_add_path(struct mpath_path *path);
extern const struct kobj_type mpath_path_ktype;

#endif /* NVME_MPATH_H */
