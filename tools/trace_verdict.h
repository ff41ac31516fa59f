/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The verdict on each object of a trace ledger: what the window did to it,
 * and whether that is a finding.
 */
#ifndef NSI_TRACE_VERDICT_H
#define NSI_TRACE_VERDICT_H

#include <stdbool.h>
#include <stddef.h>

#include "record.h"

/* What the verdicts look at besides the ledger: read after the window. */
struct nsi_trace_facts {
	const struct nsi_file *netdevs;	/* the netdevs file, or NULL */
	const struct nsi_file *namespaces;	/* the namespaces file, or NULL */
	const struct nsi_file *holders;	/* the holders file, or NULL */
};

/* The ledger's record helpers. */
const char *nsi_ledger_kind(const struct nsi_record *r);
long long nsi_ledger_num(const struct nsi_record *r, const char *key);
bool nsi_ledger_is(const struct nsi_record *r, const char *key, long long v);

/*
 * Whether netdevs record @r is a device of net @net (of @ifindex; < 0: any)
 * that its teardown waits for, polled in the last 5 s.
 */
bool nsi_trace_dev_waits(const struct nsi_record *r, long long net, long long ifindex);

/*
 * The evidence of a stack record (at @at in @ledger) of object @o: the kind
 * of holder whose reference its get function takes, and how many such hold
 * @o after the window ("socket, 1 now"); "" when its get is not known.
 */
void nsi_trace_stack_holder(const struct nsi_file *ledger, size_t at, const struct nsi_record *o,
			    const struct nsi_trace_facts *facts, char *out, size_t size);

/*
 * The verdict on ledger object @o of @ledger, into out; returns whether it
 * is a finding: references taken in the window and not given back by an
 * object still alive, a device its teardown still waits for, a net whose
 * count reached 0 and that cannot die, or a mount's writers out of balance.
 */
bool nsi_trace_verdict(const struct nsi_file *ledger, const struct nsi_record *o,
		       const struct nsi_trace_facts *facts, char *out, size_t size);

#endif /* NSI_TRACE_VERDICT_H */
