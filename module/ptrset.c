// SPDX-License-Identifier: GPL-2.0
/*
 * Sets of addresses; see ptrset.h.
 */
#include <linux/hash.h>
#include <linux/log2.h>
#include <linux/minmax.h>
#include <linux/slab.h>

#include "ptrset.h"

bool nsi_ptrset_has(const struct nsi_ptrset *s, const void *p)
{
	size_t mask = (1UL << s->bits) - 1, i;

	for (i = hash_ptr(p, s->bits); s->slot[i]; i = (i + 1) & mask)
		if (s->slot[i] == p)
			return true;
	return false;
}

bool nsi_ptrset_room(const struct nsi_ptrset *s)
{
	return s->used + 1 <= (1UL << s->bits) / 2;
}

void nsi_ptrset_add(struct nsi_ptrset *s, const void *p)
{
	size_t mask = (1UL << s->bits) - 1, i;

	for (i = hash_ptr(p, s->bits); s->slot[i]; i = (i + 1) & mask)
		;
	s->slot[i] = p;
	s->used++;
}

int nsi_ptrset_reserve(struct nsi_ptrset *s, size_t n)
{
	struct nsi_ptrset old = *s;
	unsigned int bits = max(6, order_base_2(2 * n));
	size_t i;

	if (s->slot && bits <= s->bits)
		return 0;
	s->slot = kvcalloc(1UL << bits, sizeof(*s->slot), GFP_KERNEL_ACCOUNT);
	if (!s->slot) {
		*s = old;
		return -ENOMEM;
	}
	s->bits = bits;
	s->used = 0;
	for (i = 0; old.slot && i < (1UL << old.bits); i++)
		if (old.slot[i])
			nsi_ptrset_add(s, old.slot[i]);
	kvfree(old.slot);
	return 0;
}

void nsi_ptrset_free(struct nsi_ptrset *s)
{
	kvfree(s->slot);
	s->slot = NULL;
	s->bits = 0;
	s->used = 0;
}
