// SPDX-License-Identifier: GPL-2.0
/*
 * Record pools: fixed-size chunks, so that records never move while a walk
 * points at them, grown only outside locked sections.
 */
#include <linux/mm.h>
#include <linux/slab.h>

#include "pool.h"

void *nsi_pool_at(const struct nsi_pool *p, size_t i)
{
	return (char *)p->chunks[i / p->chunk] + (i % p->chunk) * p->size;
}

int nsi_pool_reserve(struct nsi_pool *p, size_t n)
{
	while (p->nchunks * p->chunk < p->used + n) {
		void **chunks;
		void *c;

		c = kvcalloc(p->chunk, p->size, GFP_KERNEL_ACCOUNT);
		if (!c)
			return -ENOMEM;
		chunks = krealloc_array(p->chunks, p->nchunks + 1, sizeof(*chunks),
					GFP_KERNEL_ACCOUNT);
		if (!chunks) {
			kvfree(c);
			return -ENOMEM;
		}
		chunks[p->nchunks++] = c;
		p->chunks = chunks;
	}
	return 0;
}

/* Never allocates: callers run under spinlocks or RCU. */
void *nsi_pool_take(struct nsi_pool *p)
{
	if (p->used >= p->nchunks * p->chunk)
		return NULL;
	return nsi_pool_at(p, p->used++);
}

void nsi_pool_free(struct nsi_pool *p)
{
	size_t i;

	for (i = 0; i < p->nchunks; i++)
		kvfree(p->chunks[i]);
	kfree(p->chunks);
}

size_t nsi_pool_bytes(const struct nsi_pool *p)
{
	return p->nchunks * (p->chunk * p->size + sizeof(*p->chunks));
}
