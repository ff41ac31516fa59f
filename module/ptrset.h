/* SPDX-License-Identifier: GPL-2.0 */
/*
 * A set of addresses (or other non-zero words), open addressing at half load
 * at most, for the walks' "already seen": looked up and added to under
 * locks, which never allocate; grown only outside them.
 */
#ifndef NSI_PTRSET_H
#define NSI_PTRSET_H

#include <linux/types.h>

struct nsi_ptrset {
	const void **slot;
	unsigned int bits;
	size_t used;
};

/* Never sleep. */
bool nsi_ptrset_has(const struct nsi_ptrset *s, const void *p);
/* Room for one more. */
bool nsi_ptrset_room(const struct nsi_ptrset *s);
/* p not NULL, and room checked first. */
void nsi_ptrset_add(struct nsi_ptrset *s, const void *p);

/* Room for n; may sleep. */
int nsi_ptrset_reserve(struct nsi_ptrset *s, size_t n);
void nsi_ptrset_free(struct nsi_ptrset *s);

#endif /* NSI_PTRSET_H */
