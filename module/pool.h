/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Record pools: fixed-size chunks, so that records never move while a walk
 * points at them. nsi_pool_reserve() allocates and may sleep; the others
 * never do, and are what locked sections use.
 */
#ifndef NSI_POOL_H
#define NSI_POOL_H

#include <linux/types.h>

struct nsi_pool {
	void **chunks;
	size_t nchunks, used;
	size_t size;		/* of a record */
	size_t chunk;		/* records per chunk */
};

/* Make room for n more records; may sleep. */
int nsi_pool_reserve(struct nsi_pool *p, size_t n);
/* The next free record, or NULL when the reserve is used up; never sleeps. */
void *nsi_pool_take(struct nsi_pool *p);
/* How many records nsi_pool_take() can still give; never sleeps. */
static inline size_t nsi_pool_room(const struct nsi_pool *p)
{
	return p->nchunks * p->chunk - p->used;
}

void *nsi_pool_at(const struct nsi_pool *p, size_t i);
void nsi_pool_free(struct nsi_pool *p);
size_t nsi_pool_bytes(const struct nsi_pool *p);

#endif /* NSI_POOL_H */
