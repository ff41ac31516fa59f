// SPDX-License-Identifier: GPL-2.0
/*
 * Verdicts on a trace ledger. A counter says how much each stack took and
 * gave back, not which reference a put returned: every stack that took more
 * than it gave back is a candidate. What the object's state says after the
 * window decides whether what is left is a finding: a freed object gave
 * everything back; a net namespace whose count reached 0 is not freed while
 * its teardown waits for a device (the netdevs file); a device is freed
 * only once its teardown's last wait reads 1.
 */
#include <stdio.h>
#include <string.h>

#include "model.h"
#include "trace_verdict.h"

const char *nsi_ledger_kind(const struct nsi_record *r)
{
	return r->nr_fields ? r->fields[0].key : "";
}

long long nsi_ledger_num(const struct nsi_record *r, const char *key)
{
	const char *v = nsi_record_get(r, key);
	long long n;

	return v && nsi_parse_ll(v, &n) ? n : 0;
}

bool nsi_ledger_is(const struct nsi_record *r, const char *key, long long v)
{
	const char *s = nsi_record_get(r, key);
	long long n;

	return s && nsi_parse_ll(s, &n) && n == v;
}

static bool str_is(const struct nsi_record *r, const char *key, const char *v)
{
	const char *s = nsi_record_get(r, key);

	return s && !strcmp(s, v);
}

/* Append to out the stacks of object @id whose balance has @sign, each with its first frame. */
static void list_stacks(const struct nsi_file *f, long long id, int sign, char *out,
			size_t size)
{
	size_t len = strlen(out), i, j;

	for (i = 0; i < f->nr_records && len < size; i++) {
		const struct nsi_record *r = &f->records[i];
		long long b = nsi_ledger_num(r, "balance");
		const char *at = NULL;

		if (strcmp(nsi_ledger_kind(r), "stack") || !nsi_ledger_is(r, "object", id) ||
		    b * sign <= 0)
			continue;
		for (j = i + 1; j < f->nr_records && !at; j++)
			if (!strcmp(nsi_ledger_kind(&f->records[j]), "frame") &&
			    nsi_ledger_is(&f->records[j], "stack", nsi_ledger_num(r, "stack")))
				at = nsi_record_get(&f->records[j], "at");
		len += (size_t)snprintf(out + len, size - len, "%s stack %lld (%+lld, %s)",
					len && out[len - 1] == ')' ? "," : "",
					nsi_ledger_num(r, "stack"), b, at ? at : "no frames");
	}
}

/* Whether object @id has a stack whose balance has @sign. */
static bool has_stacks(const struct nsi_file *f, long long id, int sign)
{
	size_t i;

	for (i = 0; i < f->nr_records; i++)
		if (!strcmp(nsi_ledger_kind(&f->records[i]), "stack") &&
		    nsi_ledger_is(&f->records[i], "object", id) &&
		    nsi_ledger_num(&f->records[i], "balance") * sign > 0)
			return true;
	return false;
}

/*
 * The verdict on a mount's writers: a write begun (mnt_want_write()) and not
 * ended, or writers below 0, which only a write ended twice makes (6.6.72's
 * overlayfs bug; cleanup_mnt() WARNs if the mount dies so).
 */
static bool writers_verdict(const struct nsi_file *f, const struct nsi_record *o, char *out,
			    size_t size)
{
	long long id = nsi_ledger_num(o, "object"), balance = nsi_ledger_num(o, "balance");
	long long last = nsi_ledger_num(o, "last");
	bool freed = str_is(o, "state", "freed");

	if (last < 0) {
		snprintf(out, size, "%s with writers at %lld: %lld more write%s %s:",
			 freed ? "freed" : "still alive", last, -balance, balance == -1 ? "" : "s",
			 "ended than begun in the window; ended more than they began");
		list_stacks(f, id, -1, out, size);
		return true;
	}
	if (balance > 0 && !freed) {
		snprintf(out, size, "still alive: %lld write%s %s:", balance,
			 balance == 1 ? "" : "s",
			 "begun in the window and not ended; began more than they ended");
		list_stacks(f, id, 1, out, size);
		return true;
	}
	snprintf(out, size, "%s: every write begun in the window was ended",
		 freed ? "freed" : "still alive");
	return false;
}

/* The netdevs file's record of a device its teardown waits for, or NULL. */
static const struct nsi_record *waiting_device(const struct nsi_trace_facts *facts,
					       long long net, long long ifindex)
{
	size_t i;

	for (i = 0; facts->netdevs && i < facts->netdevs->nr_records; i++) {
		const struct nsi_record *r = &facts->netdevs->records[i];

		if (nsi_ledger_is(r, "net", net) && nsi_record_get(r, "net_state") &&
		    !nsi_ledger_is(r, "stale", 1) && (ifindex < 0 || nsi_ledger_is(r, "ifindex", ifindex)))
			return r;
	}
	return NULL;
}

/*
 * A net namespace whose count reached 0 is being torn down, not freed: its
 * teardown may wait forever for its devices' references. The devices it
 * waits for, into out; whether there are any.
 */
static bool net_waits(const struct nsi_trace_facts *facts, long long net, char *out, size_t size)
{
	size_t i, len;

	if (!waiting_device(facts, net, -1))
		return false;
	len = (size_t)snprintf(out, size, "its count reached 0, but it is not freed: "
			       "its teardown waits for");
	for (i = 0; i < facts->netdevs->nr_records && len < size; i++) {
		const struct nsi_record *r = &facts->netdevs->records[i];

		if (!nsi_ledger_is(r, "net", net) || !nsi_record_get(r, "net_state") ||
		    nsi_ledger_is(r, "stale", 1))
			continue;
		len += (size_t)snprintf(out + len, size - len, "%s %s (ifindex %lld, %lld more reference%s)",
					out[len - 1] == ')' ? "," : "", nsi_val(r, "name"),
					nsi_ledger_num(r, "ifindex"), nsi_ledger_num(r, "refs") - 1,
					nsi_ledger_num(r, "refs") == 2 ? "" : "s");
	}
	return true;
}

/* A device: freed once its teardown's wait read 1; or waiting still; or registered. */
static bool netdev_verdict(const struct nsi_file *f, const struct nsi_record *o,
			   const struct nsi_trace_facts *facts, char *out, size_t size)
{
	long long id = nsi_ledger_num(o, "object"), balance = nsi_ledger_num(o, "balance");
	const struct nsi_record *w;

	if (str_is(o, "state", "freed")) {
		snprintf(out, size, "freed: its teardown's wait read its last reference%s",
			 nsi_ledger_num(o, "drops") ? "; some hits dropped" : "");
		return false;
	}
	w = waiting_device(facts, nsi_ledger_num(o, "inum"), nsi_ledger_num(o, "ifindex"));
	if (!w) {
		if (balance <= 0) {
			snprintf(out, size, "still registered: %s",
				 balance ? "more references given back than taken in the window" :
					   "every reference taken in the window was given back");
			return false;
		}
		snprintf(out, size, "still registered: %lld reference%s %s:", balance,
			 balance == 1 ? "" : "s",
			 "taken in the window and not given back; took more than they gave back");
		list_stacks(f, id, 1, out, size);
		return true;
	}
	/*
	 * Its teardown gave back what registration took, before the window
	 * or in it: what it waits for was taken by a stack that took more
	 * than it gave back, if any did.
	 */
	snprintf(out, size, "device still waiting for %lld reference%s", nsi_ledger_num(w, "refs") - 1,
		 nsi_ledger_num(w, "refs") == 2 ? "" : "s");
	if (!has_stacks(f, id, 1)) {
		snprintf(out + strlen(out), size - strlen(out), ", all taken before the window");
		return true;
	}
	snprintf(out + strlen(out), size - strlen(out),
		 "; taken in the window and not given back:");
	list_stacks(f, id, 1, out, size);
	return true;
}

bool nsi_trace_verdict(const struct nsi_file *f, const struct nsi_record *o,
		       const struct nsi_trace_facts *facts, char *out, size_t size)
{
	long long id = nsi_ledger_num(o, "object"), balance = nsi_ledger_num(o, "balance");
	long long drops = nsi_ledger_num(o, "drops");

	if (str_is(o, "counter", "writers"))
		return writers_verdict(f, o, out, size);
	if (str_is(o, "type", "netdev"))
		return netdev_verdict(f, o, facts, out, size);
	if (str_is(o, "state", "freed")) {
		if (str_is(o, "type", "net") && net_waits(facts, nsi_ledger_num(o, "inum"), out, size))
			return true;
		if (drops)
			snprintf(out, size,
				 "freed; %lld hits dropped: not every reference is shown", drops);
		else
			snprintf(out, size, "freed, every reference accounted for");
		return false;
	}
	if (balance <= 0) {
		if (!balance)
			snprintf(out, size,
				 "still alive: every reference taken in the window was given back");
		else
			snprintf(out, size,
				 "still alive: %lld more references given back than taken in the window",
				 -balance);
		return false;
	}
	snprintf(out, size, "still alive: %lld reference%s %s:", balance, balance == 1 ? "" : "s",
		 "taken in the window and not given back; took more than they gave back");
	list_stacks(f, id, 1, out, size);
	return true;
}
