// SPDX-License-Identifier: GPL-2.0
/*
 * The in-memory model; see model.h.
 *
 * Values are validated here once, so the subcommands can trust them: a
 * number that is not one is malformed input (exit 5), not a zero.
 * Keys this tool does not know are ignored and keys a kernel does not
 * have are NSI_NA, as the ABI allows both.
 */
#include <errno.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "model.h"
#include "xalloc.h"

const char *const nsi_ns_type_names[] = {
	[NSI_NS_USER] = "user", [NSI_NS_PID] = "pid", [NSI_NS_MNT] = "mnt",
	[NSI_NS_UTS] = "uts", [NSI_NS_IPC] = "ipc", [NSI_NS_NET] = "net",
	[NSI_NS_CGROUP] = "cgroup", [NSI_NS_TIME] = "time",
};

static_assert(ARRAY_SIZE(nsi_ns_type_names) == NSI_NR_NS_TYPES, "a name for every type");

const struct nsi_role_info nsi_roles[] = {
	[NSI_R_MNT] = { "mnt", NSI_NS_MNT },
	[NSI_R_UTS] = { "uts", NSI_NS_UTS },
	[NSI_R_IPC] = { "ipc", NSI_NS_IPC },
	[NSI_R_NET] = { "net", NSI_NS_NET },
	[NSI_R_CGROUP] = { "cgroup", NSI_NS_CGROUP },
	[NSI_R_TIME] = { "time", NSI_NS_TIME },
	[NSI_R_TIME4C] = { "time_for_children", NSI_NS_TIME },
	[NSI_R_PIDNS4C] = { "pidns_for_children", NSI_NS_PID },
	[NSI_R_PIDNS] = { "pidns", NSI_NS_PID },
	[NSI_R_USER] = { "user", NSI_NS_USER },
};

static_assert(ARRAY_SIZE(nsi_roles) == NSI_NR_ROLES, "a key for every role");

const char *const nsi_mnt_where_names[] = {
	[NSI_MNT_IN_NS] = "mntns", [NSI_MNT_INTERNAL] = "internal",
	[NSI_MNT_DETACHED] = "detached", [NSI_MNT_ANON] = "anon", [NSI_MNT_NONE] = "none",
};

static_assert(ARRAY_SIZE(nsi_mnt_where_names) == NSI_NR_MNT_WHERE, "a name for every place");

const char *const nsi_via_names[] = {
	[NSI_VIA_TASK] = "task", [NSI_VIA_FD] = "fd", [NSI_VIA_MOUNT] = "mount",
	[NSI_VIA_NETLIST] = "netlist", [NSI_VIA_PARENT] = "parent", [NSI_VIA_OWNER] = "owner",
	[NSI_VIA_NSTREE] = "nstree", [NSI_VIA_CRED] = "cred", [NSI_VIA_SOCKET] = "socket",
	[NSI_VIA_DYING] = "dying",
};

static_assert(ARRAY_SIZE(nsi_via_names) == NSI_NR_VIA, "a name for every way");

const char *const nsi_file_names[] = {
	[NSI_F_TASKS] = "tasks", [NSI_F_NSPROXIES] = "nsproxies",
	[NSI_F_NAMESPACES] = "namespaces", [NSI_F_MOUNTS] = "mounts", [NSI_F_HOLDERS] = "holders",
	[NSI_F_NETDEVS] = "netdevs", [NSI_F_CGROUPS] = "cgroups",
};

static_assert(ARRAY_SIZE(nsi_file_names) == NSI_NR_FILES, "a name for every file");

/*
 * The initial namespaces have fixed inode numbers (PROC_*_INIT_INO in
 * include/linux/proc_ns.h); init_net's and the first mount namespace's
 * are allocated at boot, so those are found through pid 1 instead.
 */
#define PROC_TIME_INIT_INO	0xEFFFFFFAULL
#define PROC_IPC_INIT_INO	0xEFFFFFFFULL

int nsi_ns_type_parse(const char *name)
{
	int i;

	for (i = 0; i < NSI_NR_NS_TYPES; i++)
		if (!strcmp(name, nsi_ns_type_names[i]))
			return i;
	return -1;
}

const char *nsi_val(const struct nsi_record *rec, const char *key)
{
	const char *v = rec ? nsi_record_get(rec, key) : NULL;

	return v ? v : NSI_UNKNOWN;
}

bool nsi_list_has(const char *list, const char *word)
{
	size_t len = strlen(word);
	const char *p = list;

	while (p && *p) {
		size_t n = strcspn(p, ",");

		if (n == len && !strncmp(p, word, len))
			return true;
		p += n;
		if (*p)
			p++;
	}
	return false;
}

/* Value checking for one file; the first problem is kept in err. */
struct loader {
	struct nsi_model *m;
	struct nsi_error *err;
	enum nsi_file_id file;
	bool failed;
};

static __printf(3, 4) void bad(struct loader *ld, const struct nsi_record *rec,
				const char *fmt, ...)
{
	char what[200];
	va_list ap;

	if (ld->failed)
		return;
	ld->failed = true;
	va_start(ap, fmt);
	vsnprintf(what, sizeof(what), fmt, ap);
	va_end(ap);
	nsi_fail(ld->err, NSI_EXIT_BADINPUT, "%s/%s:%u: %s", ld->m->origin,
		 nsi_file_names[ld->file], rec->line, what);
}

static const char *need(struct loader *ld, const struct nsi_record *rec, const char *key)
{
	const char *v = nsi_record_get(rec, key);

	if (!v) {
		bad(ld, rec, "missing key '%s'", key);
		return "";
	}
	return v;
}

/* A signed number, or NSI_NA for an absent key or "-". */
static long long num(struct loader *ld, const struct nsi_record *rec, const char *key)
{
	const char *v = nsi_record_get(rec, key);
	long long n;

	if (!v || nsi_is_none(v))
		return NSI_NA;
	if (!nsi_parse_ll(v, &n) || n == NSI_NA) {
		bad(ld, rec, "key '%s' is not a number", key);
		return NSI_NA;
	}
	return n;
}

/*
 * An inode number; 0 for an absent key or "-" (no namespace has inode 0).
 * The kernel's are unsigned int.
 */
static unsigned long long inum(struct loader *ld, const struct nsi_record *rec,
			       const char *key)
{
	const char *v = nsi_record_get(rec, key);
	unsigned long long n;

	if (!v || nsi_is_none(v))
		return 0;
	if (!nsi_parse_ull(v, &n) || !n || n > UINT_MAX) {
		bad(ld, rec, "key '%s' is not an inode number", key);
		return 0;
	}
	return n;
}

static unsigned int parse_via(const char *list)
{
	unsigned int via = 0;
	int v;

	for (v = 0; v < NSI_NR_VIA; v++)
		if (list && nsi_list_has(list, nsi_via_names[v]))
			via |= NSI_VIA(v);
	return via;
}

static int cmp_task(const void *a, const void *b)
{
	const struct nsi_task *x = a, *y = b;

	/* Idle threads all have pid 0; their CPU tells them apart. */
	if (x->pid != y->pid)
		return (x->pid > y->pid) - (x->pid < y->pid);
	return (x->cpu > y->cpu) - (x->cpu < y->cpu);
}

static int cmp_ns(const void *a, const void *b)
{
	const struct nsi_ns *x = a, *y = b;

	return (x->inum > y->inum) - (x->inum < y->inum);
}

static int cmp_nsproxy(const void *a, const void *b)
{
	const struct nsi_nsproxy *x = a, *y = b;

	return strcmp(x->id, y->id);
}

static int cmp_mount(const void *a, const void *b)
{
	const struct nsi_mount *x = a, *y = b;

	return (x->id > y->id) - (x->id < y->id);
}

/* Fibonacci hashing; inode numbers are dense, so their low bits alone would clump. */
static size_t ns_slot(const struct nsi_model *m, unsigned long long inum)
{
	return (size_t)(inum * 0x9e3779b97f4a7c15ull >> 32) & m->ns_mask;
}

/* Every task looks up ten namespaces: a hash, not a binary search. */
static void index_ns(struct nsi_model *m)
{
	size_t i, n = 16, h;

	while (n < 2 * m->nr_ns)
		n *= 2;
	m->ns_slots = xcalloc(n, sizeof(*m->ns_slots));
	m->ns_mask = n - 1;
	for (i = 0; i < m->nr_ns; i++) {
		for (h = ns_slot(m, m->ns[i].inum); m->ns_slots[h]; h = (h + 1) & m->ns_mask)
			;
		m->ns_slots[h] = i + 1;
	}
}

struct nsi_ns *nsi_model_ns(const struct nsi_model *m, unsigned long long inum)
{
	size_t h;

	if (!inum || !m->ns_slots)
		return NULL;
	for (h = ns_slot(m, inum); m->ns_slots[h]; h = (h + 1) & m->ns_mask)
		if (m->ns[m->ns_slots[h] - 1].inum == inum)
			return &m->ns[m->ns_slots[h] - 1];
	return NULL;
}

struct nsi_task *nsi_model_task(const struct nsi_model *m, long long pid)
{
	struct nsi_task key = { .pid = pid, .cpu = NSI_NA };

	return bsearch(&key, m->tasks, m->nr_tasks, sizeof(key), cmp_task);
}

struct nsi_mount *nsi_model_mount(const struct nsi_model *m, long long id)
{
	struct nsi_mount key = { .id = id };

	return bsearch(&key, m->mounts, m->nr_mounts, sizeof(key), cmp_mount);
}

static struct nsi_nsproxy *find_nsproxy(const struct nsi_model *m, const char *id)
{
	struct nsi_nsproxy key = { .id = id };

	return bsearch(&key, m->nsproxies, m->nr_nsproxies, sizeof(key), cmp_nsproxy);
}

static void load_tasks(struct loader *ld)
{
	const struct nsi_file *f = &ld->m->files[NSI_F_TASKS];
	size_t i, r;

	ld->m->tasks = xcalloc(f->nr_records, sizeof(*ld->m->tasks));
	for (i = 0; i < f->nr_records; i++) {
		const struct nsi_record *rec = &f->records[i];
		struct nsi_task *t = &ld->m->tasks[i];

		t->rec = rec;
		need(ld, rec, "pid");
		t->pid = num(ld, rec, "pid");
		t->tgid = num(ld, rec, "tgid");
		t->cpu = nsi_record_get(rec, "cpu") ? num(ld, rec, "cpu") : NSI_NA;
		t->level = num(ld, rec, "level");
		t->comm = nsi_val(rec, "comm");
		t->nspid = nsi_record_get(rec, "nspid");
		for (r = 0; r < NSI_NR_ROLES; r++)
			t->ns[r] = inum(ld, rec, nsi_roles[r].key);
		if (t->pid == NSI_NA)
			bad(ld, rec, "pid is none");
	}
	ld->m->nr_tasks = f->nr_records;
}

static void load_nsproxies(struct loader *ld)
{
	const struct nsi_file *f = &ld->m->files[NSI_F_NSPROXIES];
	size_t i, r;

	ld->m->nsproxies = xcalloc(f->nr_records, sizeof(*ld->m->nsproxies));
	for (i = 0; i < f->nr_records; i++) {
		const struct nsi_record *rec = &f->records[i];
		struct nsi_nsproxy *p = &ld->m->nsproxies[i];

		p->rec = rec;
		p->id = need(ld, rec, "id");
		p->count = num(ld, rec, "count");
		p->tasks = num(ld, rec, "tasks");
		for (r = 0; r < NSI_NR_PROXY_ROLES; r++)
			p->ns[r] = inum(ld, rec, nsi_roles[r].key);
	}
	ld->m->nr_nsproxies = f->nr_records;
}

static void load_namespaces(struct loader *ld)
{
	const struct nsi_file *f = &ld->m->files[NSI_F_NAMESPACES];
	size_t i;

	ld->m->ns = xcalloc(f->nr_records, sizeof(*ld->m->ns));
	for (i = 0; i < f->nr_records; i++) {
		const struct nsi_record *rec = &f->records[i];
		struct nsi_ns *ns = &ld->m->ns[i];
		int type = nsi_ns_type_parse(need(ld, rec, "type"));

		ns->rec = rec;
		if (type < 0 && !ld->failed)
			bad(ld, rec, "unknown namespace type");
		ns->type = type < 0 ? NSI_NS_USER : (enum nsi_ns_type)type;
		need(ld, rec, "inum");
		ns->inum = inum(ld, rec, "inum");
		ns->owner = inum(ld, rec, "owner");
		ns->parent = inum(ld, rec, "parent");
		ns->refs = num(ld, rec, "refs");
		ns->uncounted = nsi_record_get(rec, "refs") && ns->refs == NSI_NA;
		ns->active = num(ld, rec, "active");
		ns->tasks = num(ld, rec, "tasks");
		ns->nsproxies = num(ld, rec, "nsproxies");
		ns->fds = num(ld, rec, "fds");
		ns->bindmounts = num(ld, rec, "bindmounts");
		ns->level = num(ld, rec, "level");
		ns->creds = num(ld, rec, "creds");
		ns->mms = num(ld, rec, "mms");
		ns->lazy_mms = num(ld, rec, "lazy_mms");
		ns->ucounts = num(ld, rec, "ucounts");
		ns->sockets = num(ld, rec, "sockets");
		ns->pid_allocated = num(ld, rec, "pid_allocated");
		ns->via = parse_via(nsi_record_get(rec, "via"));
		if (nsi_record_get(rec, "active"))
			ld->m->has_active = true;
		if (!ns->inum)
			bad(ld, rec, "inum is none");
	}
	ld->m->nr_ns = f->nr_records;
}

/* sbns=TYPE:INUM, or TYPE:- when the kernel could not tell which. */
static void load_sbns(struct loader *ld, const struct nsi_record *rec, struct nsi_mount *mnt)
{
	const char *v = nsi_record_get(rec, "sbns");
	const char *colon = v ? strchr(v, ':') : NULL;
	char type[16];
	unsigned long long n = 0;

	mnt->sbns_type = -1;
	if (!v)
		return;
	if (!colon || (size_t)(colon - v) >= sizeof(type)) {
		bad(ld, rec, "sbns is not TYPE:INUM");
		return;
	}
	memcpy(type, v, (size_t)(colon - v));
	type[colon - v] = '\0';
	mnt->sbns_type = nsi_ns_type_parse(type);
	if (mnt->sbns_type < 0 ||
	    (!nsi_is_none(colon + 1) && (!nsi_parse_ull(colon + 1, &n) || !n || n > UINT_MAX)))
		bad(ld, rec, "sbns is not TYPE:INUM");
	mnt->sbns = n;
}

static void load_mounts(struct loader *ld)
{
	const struct nsi_file *f = &ld->m->files[NSI_F_MOUNTS];
	size_t i, w;

	ld->m->mounts = xcalloc(f->nr_records, sizeof(*ld->m->mounts));
	for (i = 0; i < f->nr_records; i++) {
		const struct nsi_record *rec = &f->records[i];
		struct nsi_mount *mnt = &ld->m->mounts[i];
		const char *where = need(ld, rec, "mntns");

		mnt->rec = rec;
		for (w = 1; w < NSI_NR_MNT_WHERE; w++)
			if (!strcmp(where, nsi_mnt_where_names[w]))
				break;
		mnt->where = w < NSI_NR_MNT_WHERE ? (enum nsi_mnt_where)w : NSI_MNT_IN_NS;
		if (mnt->where == NSI_MNT_IN_NS)
			mnt->mntns = inum(ld, rec, "mntns");
		if (mnt->where == NSI_MNT_IN_NS && !mnt->mntns)
			bad(ld, rec, "mntns is neither an inode number nor a mount kind");
		need(ld, rec, "id");
		mnt->id = num(ld, rec, "id");
		mnt->uid = num(ld, rec, "uid");
		mnt->parent = num(ld, rec, "parent");
		mnt->count = num(ld, rec, "count");
		mnt->writers = num(ld, rec, "writers");
		mnt->doomed = nsi_list_has(nsi_val(rec, "flags"), "doomed");
		mnt->dev = nsi_val(rec, "dev");
		mnt->root_ino = num(ld, rec, "root_ino");
		mnt->layer_of = NSI_NA;
		mnt->userns = inum(ld, rec, "userns");
		mnt->mnt_userns = inum(ld, rec, "mnt_userns");
		load_sbns(ld, rec, mnt);
		if (mnt->id == NSI_NA)
			bad(ld, rec, "id is none");
	}
	ld->m->nr_mounts = f->nr_records;
}

static void load_holders(struct loader *ld)
{
	const struct nsi_file *f = &ld->m->files[NSI_F_HOLDERS];
	size_t i;

	ld->m->holders = xcalloc(f->nr_records, sizeof(*ld->m->holders));
	for (i = 0; i < f->nr_records; i++) {
		const struct nsi_record *rec = &f->records[i];
		struct nsi_holder *h = &ld->m->holders[i];
		const char *kind = need(ld, rec, "kind");

		h->rec = rec;
		if (!strcmp(kind, "fd"))
			h->kind = NSI_H_FD;
		else if (!strcmp(kind, "socket"))
			h->kind = NSI_H_SOCKET;
		else if (!ld->failed)
			bad(ld, rec, "unknown holder kind");
		need(ld, rec, "inum");
		h->ns = inum(ld, rec, "inum");
		h->pid = num(ld, rec, "pid");
		h->fd = num(ld, rec, "fd");
		h->comm = nsi_val(rec, "comm");
	}
	ld->m->nr_holders = f->nr_records;
}

/*
 * The module writes tasks nearly in pid order (fork order, idle threads
 * last): move the few stragglers into place, and leave anything less
 * ordered to qsort(), which would otherwise cost more than the rest of
 * loading the tasks.
 */
static void sort_objects(void *base, size_t nr, size_t size,
			 int (*cmp)(const void *, const void *))
{
	size_t i, lo, hi, mid, moved = 0;
	char *p = base, *tmp = NULL;

	for (i = 1; i < nr; i++) {
		char *x = p + i * size;

		if (cmp(x - size, x) <= 0)
			continue;
		/* The first of p[0..i-1] greater than x: p[i - 1] is. */
		for (lo = 0, hi = i - 1; lo < hi; ) {
			mid = lo + (hi - lo) / 2;
			if (cmp(p + mid * size, x) <= 0)
				lo = mid + 1;
			else
				hi = mid;
		}
		moved += i - lo;
		if (moved > 4 * nr) {
			qsort(base, nr, size, cmp);
			break;
		}
		if (!tmp)
			tmp = xreallocarray(NULL, 1, size);
		memcpy(tmp, x, size);
		memmove(p + (lo + 1) * size, p + lo * size, (i - lo) * size);
		memcpy(p + lo * size, tmp, size);
	}
	free(tmp);
}

/* After sorting: equal neighbours are one object written twice. */
static void check_unique(struct loader *ld, enum nsi_file_id file, const void *base,
			 size_t nr, size_t size, int (*cmp)(const void *, const void *),
			 size_t rec_offset)
{
	const char *p = base;
	size_t i;

	ld->file = file;
	for (i = 1; i < nr; i++)
		if (!cmp(p + (i - 1) * size, p + i * size))
			bad(ld, *(const struct nsi_record *const *)(p + i * size + rec_offset),
			    "duplicate %s record", nsi_file_names[file]);
}

static bool is_init_ns(const struct nsi_model *m, const struct nsi_ns *ns)
{
	const struct nsi_task *t;
	size_t r;

	if (ns->inum >= PROC_TIME_INIT_INO && ns->inum <= PROC_IPC_INIT_INO)
		return true;
	/* pid 1 and kthreadd (pid 2) live in the initial namespaces. */
	for (t = m->tasks; t < m->tasks + m->nr_tasks && t->pid <= 2; t++)
		for (r = 0; r < NSI_NR_ROLES; r++)
			if (t->level == 0 && t->ns[r] == ns->inum)
				return true;
	return false;
}

/*
 * References the initial namespaces got at boot that no object holds: their
 * static initializers count more than init_nsproxy uses (uts and cgroup 2,
 * time 3: init/version-timestamp.c, kernel/cgroup/cgroup.c,
 * kernel/time/namespace.c), and init_mount_tree() takes one more than it
 * gives init_nsproxy. The same in 6.1 and 6.12; from 6.19 these namespaces
 * are not counted at all. init_user_ns' static 3 stand for the owner links
 * of the static namespaces, which are counted as owned namespaces.
 */
static void link_boot_refs(struct nsi_model *m)
{
	static const long long boot[NSI_NR_NS_TYPES] = {
		[NSI_NS_UTS] = 1, [NSI_NS_CGROUP] = 1, [NSI_NS_TIME] = 1, [NSI_NS_MNT] = 1,
	};
	size_t i;

	for (i = 0; i < m->nr_ns; i++)
		m->ns[i].boot_refs = m->ns[i].is_init && !m->ns[i].uncounted &&
				     !m->proc ? boot[m->ns[i].type] : 0;
}

/* A pid namespace's struct pids are those numbered in it, less its children's. */
static void link_pids(struct nsi_model *m)
{
	size_t i;

	for (i = 0; i < m->nr_ns; i++)
		m->ns[i].pid_refs = m->ns[i].type == NSI_NS_PID ? m->ns[i].pid_allocated : NSI_NA;
	for (i = 0; i < m->nr_ns; i++) {
		struct nsi_ns *ns = &m->ns[i], *p = ns->parent_ns;

		if (ns->type == NSI_NS_PID && p && p->type == NSI_NS_PID &&
		    p->pid_refs != NSI_NA && ns->pid_allocated != NSI_NA)
			p->pid_refs -= ns->pid_allocated;
	}
}

static int cmp_mount_dev(const void *a, const void *b)
{
	const struct nsi_mount *x = *(const struct nsi_mount *const *)a;
	const struct nsi_mount *y = *(const struct nsi_mount *const *)b;

	int c = strcmp(x->dev, y->dev);

	/* The lowest id first: the superblock's line names that mount. */
	return c ? c : (x->id > y->id) - (x->id < y->id);
}

/*
 * What superblocks hold, once each whatever their mounts: their user
 * namespace; proc its pid namespace; sysfs its net namespace's passive
 * count. And up to 6.2, each mount its user namespace (mnt_userns). Unknown
 * (NSI_NA) without the mounts file.
 */
static void link_superblocks(struct nsi_model *m)
{
	struct nsi_mount **by_dev;
	size_t i;

	for (i = 0; i < m->nr_ns; i++) {
		bool held = m->ns[i].type == NSI_NS_USER || m->ns[i].type == NSI_NS_PID;

		m->ns[i].sb_refs = m->mounts_ok && held ? 0 : NSI_NA;
		m->ns[i].sb_passive = m->mounts_ok && m->ns[i].type == NSI_NS_NET ? 0 : NSI_NA;
	}
	if (!m->mounts_ok || !m->nr_mounts)
		return;
	by_dev = xcalloc(m->nr_mounts, sizeof(*by_dev));
	for (i = 0; i < m->nr_mounts; i++)
		by_dev[i] = &m->mounts[i];
	qsort(by_dev, m->nr_mounts, sizeof(*by_dev), cmp_mount_dev);
	for (i = 0; i < m->nr_mounts; i++) {
		struct nsi_mount *mnt = by_dev[i];
		struct nsi_ns *ns = nsi_model_ns(m, mnt->mnt_userns);

		if (ns && ns->type == NSI_NS_USER)
			ns->sb_refs++;
		if (i && !strcmp(mnt->dev, by_dev[i - 1]->dev))
			continue;
		mnt->sb_first = true;
		ns = nsi_model_ns(m, mnt->userns);
		if (ns && ns->type == NSI_NS_USER)
			ns->sb_refs++;
		ns = nsi_model_ns(m, mnt->sbns);
		if (ns && ns->type == NSI_NS_PID && mnt->sbns_type == NSI_NS_PID)
			ns->sb_refs++;
		if (ns && ns->type == NSI_NS_NET && mnt->sbns_type == NSI_NS_NET)
			ns->sb_passive++;
	}
	free(by_dev);
}

/* pid=N cgroup=PATH: the cgroup path of task N. */
static void load_cgroups(struct loader *ld)
{
	const struct nsi_file *f = &ld->m->files[NSI_F_CGROUPS];
	size_t i;

	ld->file = NSI_F_CGROUPS;
	for (i = 0; i < f->nr_records; i++) {
		const struct nsi_record *rec = &f->records[i];
		const char *path = nsi_record_get(rec, "cgroup");
		long long pid;
		struct nsi_task *t;

		need(ld, rec, "pid");
		pid = num(ld, rec, "pid");
		if (pid == NSI_NA)
			bad(ld, rec, "pid is none");
		t = pid > 0 ? nsi_model_task(ld->m, pid) : NULL;
		if (t && path && !nsi_is_none(path))
			t->cgroup = path;
	}
}

/* Cross-links and the counts the commands derive from them. */
static void link_model(struct nsi_model *m)
{
	size_t i, r;

	for (i = 0; i < m->nr_tasks; i++) {
		struct nsi_task *t = &m->tasks[i];
		const char *id = nsi_record_get(t->rec, "nsproxy");
		struct nsi_ns *ns;

		t->nsproxy = id ? find_nsproxy(m, id) : NULL;
		if (t->nsproxy) {
			struct nsi_nsproxy *p = t->nsproxy;

			p->members = xreallocarray(p->members, p->nr_members + 1,
						   sizeof(*p->members));
			p->members[p->nr_members++] = t;
		}
		for (r = 0; r < NSI_NR_ROLES; r++) {
			ns = nsi_model_ns(m, t->ns[r]);
			if (ns && !ns->first_task)
				ns->first_task = t;	/* tasks are in pid order */
		}
		ns = nsi_model_ns(m, t->ns[NSI_R_PIDNS]);
		if (ns && ns->type == NSI_NS_PID)
			ns->task_refs++;
		ns = nsi_model_ns(m, t->ns[NSI_R_USER]);
		if (ns && ns->type == NSI_NS_USER)
			ns->task_refs++;
	}
	for (i = 0; i < m->nr_nsproxies; i++)
		for (r = 0; r < NSI_NR_PROXY_ROLES; r++) {
			struct nsi_ns *ns = nsi_model_ns(m, m->nsproxies[i].ns[r]);

			if (ns)
				ns->nsproxy_refs++;
		}
	for (i = 0; i < m->nr_ns; i++) {
		struct nsi_ns *ns = &m->ns[i];

		ns->parent_ns = ns->parent != ns->inum ? nsi_model_ns(m, ns->parent) : NULL;
		ns->owner_ns = ns->owner != ns->inum ? nsi_model_ns(m, ns->owner) : NULL;
		/* A child user namespace's owner is its parent: one reference. */
		if (ns->parent_ns)
			ns->parent_ns->held_by_ns++;
		if (ns->owner_ns && ns->owner_ns != ns->parent_ns)
			ns->owner_ns->held_by_ns++;
		ns->is_init = is_init_ns(m, ns);
	}
	link_pids(m);
	link_superblocks(m);
	link_boot_refs(m);
}

enum nsi_exit nsi_model_build(struct nsi_model *m, struct nsi_error *err)
{
	struct loader ld = { m, err, NSI_F_TASKS, false };

	load_tasks(&ld);
	ld.file = NSI_F_NSPROXIES;
	load_nsproxies(&ld);
	ld.file = NSI_F_NAMESPACES;
	load_namespaces(&ld);
	ld.file = NSI_F_MOUNTS;
	load_mounts(&ld);
	ld.file = NSI_F_HOLDERS;
	load_holders(&ld);
	if (ld.failed)
		return NSI_EXIT_BADINPUT;

	sort_objects(m->tasks, m->nr_tasks, sizeof(*m->tasks), cmp_task);
	sort_objects(m->nsproxies, m->nr_nsproxies, sizeof(*m->nsproxies), cmp_nsproxy);
	sort_objects(m->ns, m->nr_ns, sizeof(*m->ns), cmp_ns);
	sort_objects(m->mounts, m->nr_mounts, sizeof(*m->mounts), cmp_mount);
	check_unique(&ld, NSI_F_TASKS, m->tasks, m->nr_tasks, sizeof(*m->tasks), cmp_task,
		     offsetof(struct nsi_task, rec));
	check_unique(&ld, NSI_F_NSPROXIES, m->nsproxies, m->nr_nsproxies,
		     sizeof(*m->nsproxies), cmp_nsproxy, offsetof(struct nsi_nsproxy, rec));
	check_unique(&ld, NSI_F_NAMESPACES, m->ns, m->nr_ns, sizeof(*m->ns), cmp_ns,
		     offsetof(struct nsi_ns, rec));
	check_unique(&ld, NSI_F_MOUNTS, m->mounts, m->nr_mounts, sizeof(*m->mounts),
		     cmp_mount, offsetof(struct nsi_mount, rec));
	load_cgroups(&ld);
	if (ld.failed)
		return NSI_EXIT_BADINPUT;
	index_ns(m);
	link_model(m);
	return NSI_EXIT_OK;
}

void nsi_model_free(struct nsi_model *m)
{
	size_t i;

	for (i = 0; i < m->nr_nsproxies; i++)
		free(m->nsproxies[i].members);
	free(m->tasks);
	free(m->nsproxies);
	free(m->ns);
	free(m->ns_slots);
	free(m->mounts);
	free(m->holders);
	for (i = 0; i < NSI_NR_FILES; i++)
		nsi_file_free(&m->files[i]);
	nsi_version_free(&m->ver);
	memset(m, 0, sizeof(*m));
}

long long nsi_ns_unexplained(const struct nsi_ns *ns)
{
	long long n = ns->refs;

	if (n == NSI_NA || ns->uncounted)
		return NSI_NA;
	n -= ns->nsproxy_refs + ns->held_by_ns + ns->boot_refs;
	if ((ns->fds != NSI_NA && ns->fds > 0) ||
	    (ns->bindmounts != NSI_NA && ns->bindmounts > 0))
		n--;
	if (ns->sb_refs != NSI_NA)
		n -= ns->sb_refs;
	switch (ns->type) {
	case NSI_NS_PID:
		n -= ns->pid_refs != NSI_NA ? ns->pid_refs : ns->task_refs;
		break;
	case NSI_NS_USER:
		/* Without the module's counts of creds and mms, one per task. */
		if (ns->creds == NSI_NA)
			n -= ns->task_refs;
		else
			n -= ns->creds + (ns->mms != NSI_NA ? ns->mms : 0) +
			     (ns->ucounts != NSI_NA ? ns->ucounts : 0);
		break;
	case NSI_NS_NET:
		if (ns->sockets != NSI_NA)
			n -= ns->sockets;
		break;
	default:
		break;
	}
	return n;
}
