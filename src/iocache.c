// SPDX-License-Identifier: GPL-2.0
/*
 * Where the I/O path's per-bio contexts (struct mpath_io) come from.
 *
 * The multipath disk needs one for every bio it takes.  From the slab each
 * costs more than its size: distribution kernels zero every allocation
 * (CONFIG_INIT_ON_ALLOC_DEFAULT_ON), and a context freed on another CPU than
 * the one that allocated it takes SLUB's slow path.  So a CPU keeps the
 * contexts it allocated once, on a list of its own: a completion on that CPU
 * puts one back there (interrupts off, nothing atomic), a completion on
 * another CPU gives it back through the owner's lockless list, which the
 * owner takes over when its own list runs dry - as SLUB does with remote
 * frees, one level up.  Behind the lists is the mempool, which keeps the
 * forward-progress guarantee: a CPU with nothing cached allocates from it,
 * and what a CPU would hold beyond MPATH_IO_CACHE_MAX (a burst of waiting
 * bios after an outage) goes back to it.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/llist.h>
#include <linux/mempool.h>
#include <linux/percpu.h>
#include <linux/slab.h>

#include "nvme_mpath.h"

/* Contexts a CPU keeps on each of its lists: a few queues' depth. */
#define MPATH_IO_CACHE_MAX	256

struct mpath_io_cache {
	struct llist_node *free;	/* the owner's; interrupts off */
	unsigned int nr;		/* on ->free */
	atomic_t nr_remote;		/* on ->remote, give or take */
	struct llist_head remote;	/* given back by other CPUs */
};

static struct mpath_io_cache __percpu *mpath_io_caches;
static struct kmem_cache *mpath_io_slab;
static mempool_t mpath_io_pool;

/* The owner's list is empty: take over what other CPUs gave back. */
static void mpath_io_cache_refill(struct mpath_io_cache *c)
{
	struct llist_node *n, *first = llist_del_all(&c->remote);
	unsigned int k = 0;

	for (n = first; n; n = n->next)
		k++;
	atomic_sub(k, &c->nr_remote);
	c->free = first;
	c->nr = k;
}

/*
 * A context for a bio, its fields undefined.  May sleep unless @gfp says
 * otherwise; NULL only for a @gfp that may not wait.
 */
struct mpath_io *mpath_io_alloc(gfp_t gfp)
{
	struct mpath_io_cache *c;
	struct llist_node *n;
	struct mpath_io *io;
	unsigned long flags;
	int cpu;

	local_irq_save(flags);
	cpu = smp_processor_id();
	c = this_cpu_ptr(mpath_io_caches);
	if (unlikely(!c->free) && !llist_empty(&c->remote))
		mpath_io_cache_refill(c);
	n = c->free;
	if (likely(n)) {
		c->free = n->next;
		c->nr--;
		local_irq_restore(flags);
		io = container_of(n, struct mpath_io, cache_node);
		io->cpu = cpu;
		return io;
	}
	local_irq_restore(flags);
	io = mempool_alloc(&mpath_io_pool, gfp);
	if (io)
		io->cpu = cpu;	/* the CPU it goes back to; any would do */
	return io;
}

/* Any context. */
void mpath_io_free(struct mpath_io *io)
{
	struct mpath_io_cache *c;
	unsigned long flags;

	local_irq_save(flags);
	if (likely(io->cpu == smp_processor_id())) {
		c = this_cpu_ptr(mpath_io_caches);
		if (likely(c->nr < MPATH_IO_CACHE_MAX)) {
			io->cache_node.next = c->free;
			c->free = &io->cache_node;
			c->nr++;
			local_irq_restore(flags);
			return;
		}
	} else {
		c = per_cpu_ptr(mpath_io_caches, io->cpu);
		if (atomic_inc_return(&c->nr_remote) <= MPATH_IO_CACHE_MAX) {
			llist_add(&io->cache_node, &c->remote);
			local_irq_restore(flags);
			return;
		}
		atomic_dec(&c->nr_remote);
	}
	local_irq_restore(flags);
	mempool_free(io, &mpath_io_pool);
}

int mpath_io_cache_init(void)
{
	int ret;

	mpath_io_slab = KMEM_CACHE(mpath_io, 0);
	if (!mpath_io_slab)
		return -ENOMEM;
	ret = mempool_init_slab_pool(&mpath_io_pool, BIO_POOL_SIZE,
				     mpath_io_slab);
	if (ret)
		goto out_slab;
	mpath_io_caches = alloc_percpu(struct mpath_io_cache);
	if (!mpath_io_caches) {
		ret = -ENOMEM;
		goto out_pool;
	}
	return 0;
out_pool:
	mempool_exit(&mpath_io_pool);
out_slab:
	kmem_cache_destroy(mpath_io_slab);
	return ret;
}

static void mpath_io_free_chain(struct llist_node *n)
{
	struct llist_node *next;

	for (; n; n = next) {
		next = n->next;
		kmem_cache_free(mpath_io_slab,
				container_of(n, struct mpath_io, cache_node));
	}
}

/* No bio in flight any more. */
void mpath_io_cache_exit(void)
{
	int cpu;

	for_each_possible_cpu(cpu) {
		struct mpath_io_cache *c = per_cpu_ptr(mpath_io_caches, cpu);

		mpath_io_free_chain(c->free);
		mpath_io_free_chain(llist_del_all(&c->remote));
	}
	free_percpu(mpath_io_caches);
	mempool_exit(&mpath_io_pool);
	kmem_cache_destroy(mpath_io_slab);
}
