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

#include "compiler.h"
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

bool nsi_trace_dev_waits(const struct nsi_record *r, long long net, long long ifindex)
{
	return nsi_ledger_is(r, "net", net) && nsi_record_get(r, "net_state") &&
	       !nsi_ledger_is(r, "stale", 1) &&
	       (ifindex < 0 || nsi_ledger_is(r, "ifindex", ifindex));
}

/* The netdevs file's record of a device its teardown waits for, or NULL. */
static const struct nsi_record *waiting_device(const struct nsi_trace_facts *facts,
					       long long net, long long ifindex)
{
	size_t i;

	for (i = 0; facts->netdevs && i < facts->netdevs->nr_records; i++) {
		const struct nsi_record *r = &facts->netdevs->records[i];

		if (nsi_trace_dev_waits(r, net, ifindex))
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
	len = (size_t)snprintf(out, size, "%s",
			       "its count reached 0, but it is not freed: its teardown waits for");
	for (i = 0; i < facts->netdevs->nr_records && len < size; i++) {
		const struct nsi_record *r = &facts->netdevs->records[i];

		if (!nsi_trace_dev_waits(r, net, -1))
			continue;
		len += (size_t)snprintf(out + len, size - len,
					"%s %s (ifindex %lld, %lld more reference%s)",
					out[len - 1] == ')' ? "," : "", nsi_val(r, "name"),
					nsi_ledger_num(r, "ifindex"), nsi_ledger_num(r, "refs") - 1,
					nsi_ledger_num(r, "refs") == 2 ? "" : "s");
	}
	return true;
}

/* Get functions whose reference a kind of holder keeps: the namespaces file's key for it. */
static const struct {
	const char *fn;
	const char *key;	/* namespaces file: how many such hold it */
	const char *what;
	const char *kind;	/* the ledger's HOLDER column */
} getters[] = {
	{ "sk_alloc", "sockets", "a socket", "socket" },
	{ "setup_net", "nsproxies", "an nsproxy", "nsproxy" },
	{ "copy_net_ns", "nsproxies", "an nsproxy", "nsproxy" },
	{ "netns_install", "nsproxies", "an nsproxy", "nsproxy" },
	{ "netns_get", "fds", "an nsfs file or mount", "nsfs" },
};

/* The getters[] entry of a stack: its innermost frame that is one; or -1. */
static int stack_getter(const struct nsi_file *f, size_t at)
{
	size_t j, k;

	for (j = at + 1; j < f->nr_records && !strcmp(nsi_ledger_kind(&f->records[j]), "frame");
	     j++) {
		const char *fn = nsi_val(&f->records[j], "at");

		for (k = 0; k < ARRAY_SIZE(getters); k++) {
			size_t n = strlen(getters[k].fn);

			if (!strncmp(fn, getters[k].fn, n) && fn[n] == '+')
				return (int)k;
		}
	}
	return -1;
}

/* How many holders of a getter's kind hold namespace @o now; -1 if unknown. */
static long long holders_now(const struct nsi_trace_facts *facts, const struct nsi_record *o,
			     int g)
{
	size_t i;

	for (i = 0; facts->namespaces && i < facts->namespaces->nr_records; i++) {
		const struct nsi_record *r = &facts->namespaces->records[i];
		long long n = nsi_ledger_num(r, getters[g].key);

		if (!str_is(r, "type", nsi_val(o, "type")) ||
		    !nsi_ledger_is(r, "inum", nsi_ledger_num(o, "inum")) ||
		    !nsi_record_get(r, getters[g].key))
			continue;
		/* An nsfs reference is an open file's or a bind mount's. */
		if (!strcmp(getters[g].key, "fds"))
			n += nsi_ledger_num(r, "bindmounts");
		return n;
	}
	return -1;
}

/* The holders file's socket holding namespace @o, as "pid P fd F (COMM)". */
static void socket_holder(const struct nsi_trace_facts *facts, const struct nsi_record *o,
			  char *out, size_t size)
{
	size_t i;

	out[0] = '\0';
	for (i = 0; facts->holders && i < facts->holders->nr_records; i++) {
		const struct nsi_record *r = &facts->holders->records[i];

		if (str_is(r, "kind", "socket") && str_is(r, "type", nsi_val(o, "type")) &&
		    nsi_ledger_is(r, "inum", nsi_ledger_num(o, "inum"))) {
			snprintf(out, size, " (pid %s fd %s, %s)", nsi_val(r, "pid"),
				 nsi_val(r, "fd"), nsi_val(r, "comm"));
			return;
		}
	}
}

/* Append ", stack N (+B, FIRST FRAME)" for the stack record at @at. */
static void put_stack(const struct nsi_file *f, size_t at, bool first, char *out, size_t size)
{
	size_t len = strlen(out);

	snprintf(out + len, size - len, "%s stack %s (%+lld, %s)", first ? "" : ",",
		 nsi_val(&f->records[at], "stack"), nsi_ledger_num(&f->records[at], "balance"),
		 at + 1 < f->nr_records && !strcmp(nsi_ledger_kind(&f->records[at + 1]), "frame") ?
		 nsi_val(&f->records[at + 1], "at") : "no frames");
}

/* Candidates kept for one verdict; more are listed as before. */
#define MAX_LEFT 8

/*
 * One answer for an object still alive with references left: the one
 * candidate whose kind of holder still holds it; or, when the candidates
 * left all took the same kind of holder's reference, that the facts cannot
 * tell them apart. Returns whether it said either, in out's tail.
 */
static bool one_answer(const struct nsi_file *f, const struct nsi_record *o,
		       const struct nsi_trace_facts *facts, char *out, size_t size)
{
	long long id = nsi_ledger_num(o, "object");
	size_t i, left = 0, gone = 0, at[MAX_LEFT];
	char given[256] = "", who[160];
	int g, kind[MAX_LEFT];

	for (i = 0; i < f->nr_records; i++) {
		const struct nsi_record *r = &f->records[i];

		if (strcmp(nsi_ledger_kind(r), "stack") || !nsi_ledger_is(r, "object", id) ||
		    nsi_ledger_num(r, "balance") <= 0)
			continue;
		g = stack_getter(f, i);
		if (g >= 0 && !holders_now(facts, o, g)) {
			size_t len = strlen(given);

			snprintf(given + len, sizeof(given) - len, "%s%s", gone++ ? ", " : "",
				 nsi_val(r, "stack"));
			continue;
		}
		if (left == MAX_LEFT)
			return false;
		kind[left] = g;
		at[left++] = i;
	}
	if (!left || (left == 1 && !gone))
		return false;
	if (left > 1) {
		for (i = 1; i < left; i++)
			if (kind[i] < 0 || strcmp(getters[kind[i]].key, getters[kind[0]].key))
				return false;
		if (kind[0] < 0)
			return false;
		snprintf(out + strlen(out), size - strlen(out),
			 " cannot tell which of%s took it:", left == 2 ? " the two" : "");
		for (i = 0; i < left; i++)
			put_stack(f, at[i], !i, out, size);
		snprintf(out + strlen(out), size - strlen(out),
			 "; each took %s's reference, %lld such holder%s it now, and a count does not say whose reference was given back",
			 getters[kind[0]].what, holders_now(facts, o, kind[0]),
			 holders_now(facts, o, kind[0]) == 1 ? " holds" : "s hold");
		return true;
	}
	who[0] = '\0';
	if (kind[0] >= 0 && !strcmp(getters[kind[0]].key, "sockets"))
		socket_holder(facts, o, who, sizeof(who));
	if (kind[0] >= 0)
		snprintf(out + strlen(out), size - strlen(out), " held now by %s%s:",
			 getters[kind[0]].what, who);
	else
		snprintf(out + strlen(out), size - strlen(out), " no known holder explains");
	put_stack(f, at[0], true, out, size);
	snprintf(out + strlen(out), size - strlen(out),
		 "; stack%s %s gave theirs back (no such holder is left)",
		 gone == 1 ? "" : "s", given);
	return true;
}

void nsi_trace_stack_holder(const struct nsi_file *f, size_t at, const struct nsi_record *o,
			    const struct nsi_trace_facts *facts, char *out, size_t size)
{
	int g = stack_getter(f, at);
	long long n = g >= 0 ? holders_now(facts, o, g) : -1;

	out[0] = '\0';
	if (g >= 0 && n >= 0)
		snprintf(out, size, "%s, %lld now", getters[g].kind, n);
	else if (g >= 0)
		snprintf(out, size, "%s", getters[g].kind);
}

/* An object not freed (@state: still alive, still registered): what the window left. */
static bool alive_verdict(const struct nsi_file *f, const struct nsi_record *o,
			  const struct nsi_trace_facts *facts, const char *state, char *out,
			  size_t size)
{
	long long id = nsi_ledger_num(o, "object"), balance = nsi_ledger_num(o, "balance");

	if (!balance) {
		snprintf(out, size, "%s: every reference taken in the window was given back",
			 state);
		return false;
	}
	if (balance < 0) {
		snprintf(out, size, "%s: %lld more references given back than taken in the window",
			 state, -balance);
		return false;
	}
	snprintf(out, size, "%s: %lld reference%s taken in the window and not given back;", state,
		 balance, balance == 1 ? "" : "s");
	if (one_answer(f, o, facts, out, size))
		return true;
	snprintf(out + strlen(out), size - strlen(out), " took more than they gave back:");
	list_stacks(f, id, 1, out, size);
	return true;
}

/* A device: freed once its teardown's wait read 1; or waiting still; or registered. */
static bool netdev_verdict(const struct nsi_file *f, const struct nsi_record *o,
			   const struct nsi_trace_facts *facts, char *out, size_t size)
{
	long long id = nsi_ledger_num(o, "object");
	const struct nsi_record *w;

	if (str_is(o, "state", "freed")) {
		snprintf(out, size, "freed: its teardown's wait read its last reference%s",
			 nsi_ledger_num(o, "drops") ? "; some hits dropped" : "");
		return false;
	}
	w = waiting_device(facts, nsi_ledger_num(o, "inum"), nsi_ledger_num(o, "ifindex"));
	if (!w)
		return alive_verdict(f, o, facts, "still registered", out, size);
	/*
	 * Its teardown gave back what registration took, before the window
	 * or in it: what it waits for was taken by a stack that took more
	 * than it gave back, if any did.
	 */
	snprintf(out, size, "device still waiting for %lld reference%s",
		 nsi_ledger_num(w, "refs") - 1, nsi_ledger_num(w, "refs") == 2 ? "" : "s");
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
	long long drops = nsi_ledger_num(o, "drops");

	if (str_is(o, "counter", "writers"))
		return writers_verdict(f, o, out, size);
	if (str_is(o, "type", "netdev"))
		return netdev_verdict(f, o, facts, out, size);
	if (str_is(o, "state", "freed")) {
		if (str_is(o, "type", "net") &&
		    net_waits(facts, nsi_ledger_num(o, "inum"), out, size))
			return true;
		if (drops)
			snprintf(out, size,
				 "freed; %lld hits dropped: not every reference is shown", drops);
		else
			snprintf(out, size, "freed, every reference accounted for");
		return false;
	}
	return alive_verdict(f, o, facts, "still alive", out, size);
}
