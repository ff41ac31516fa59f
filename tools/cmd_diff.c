// SPDX-License-Identifier: GPL-2.0
/*
 * diff DIR1 DIR2: what appeared, vanished or changed between two
 * snapshots, object by object and key by key.
 */
#include <stdlib.h>
#include <string.h>

#include "cmd_snapshot.h"
#include "load.h"
#include "output.h"
#include "xalloc.h"

enum {
	COL_CHANGE, COL_OBJECT, COL_FIELD, COL_OLD, COL_NEW, COL_KIND, COL_ID, COL_MNTNS,
	COL_FSTYPE, COL_SOURCE, COL_MOUNTPOINT,
	NR_COLS
};

static const struct nsi_colinfo diff_columns[] = {
	[COL_CHANGE] = { "CHANGE", 1, 0, "+ appeared, - vanished, ~ changed" },
	[COL_OBJECT] = { "OBJECT", 0.3, 0, "task, nsproxy, namespace or mount" },
	[COL_FIELD] = { "FIELD", 8, 0, "the key that changed" },
	[COL_OLD] = { "OLD", 0.2, NSI_COL_TRUNC | NSI_COL_TYPED,
		      "its value in the first snapshot" },
	[COL_NEW] = { "NEW", 0.2, NSI_COL_TRUNC | NSI_COL_TYPED,
		      "its value in the second snapshot" },
	[COL_KIND] = { "KIND", 7, 0, "task, nsproxy, namespace or mount" },
	[COL_ID] = { "ID", 10, NSI_COL_TYPED,
		     "its identity: pid, nsproxy id, inode number or mount id" },
	[COL_MNTNS] = { "MNTNS", 10, 0, "a mount's namespace, or internal, detached, ..." },
	[COL_FSTYPE] = { "FSTYPE", 5, 0, "a mount's filesystem type" },
	[COL_SOURCE] = { "SOURCE", 0.1, NSI_COL_TRUNC, "a mount's source" },
	[COL_MOUNTPOINT] = { "MOUNTPOINT", 0.1, NSI_COL_TRUNC, "a mount's mount point" },
};

static_assert(ARRAY_SIZE(diff_columns) == NR_COLS, "a column for every id");

/* JSON names every object fully, so that a script never parses OBJECT. */
static const char *const diff_defaults[] = {
	"CHANGE,OBJECT,FIELD,OLD,NEW",
	"CHANGE,OBJECT,FIELD,OLD,NEW,KIND,ID,MNTNS,FSTYPE,SOURCE,MOUNTPOINT",
};

static const char *const kinds[] = {
	[NSI_F_TASKS] = "task", [NSI_F_NSPROXIES] = "nsproxy",
	[NSI_F_NAMESPACES] = "namespace", [NSI_F_MOUNTS] = "mount",
};

/*
 * Every file but holders, whose open files are no objects with an identity;
 * their counts are in the namespaces file, which is compared.
 */
#define NSI_DIFF_FILES NSI_F_HOLDERS
static_assert(ARRAY_SIZE(kinds) == NSI_DIFF_FILES, "a kind for every file");

/* Keys of each file whose values are numbers (or "-"), besides the namespace roles. */
static const char *const *const number_keys[] = {
	[NSI_F_TASKS] = (const char *const[]){ "pid", "tgid", "cpu", "level", NULL },
	[NSI_F_NSPROXIES] = (const char *const[]){ "count", "tasks", NULL },
	[NSI_F_NAMESPACES] = (const char *const[]){
		"inum", "id", "refs", "active", "owner", "parent", "level", "tasks", "nsproxies",
		"fds", "bindmounts", "mounts", "sem", "msg", "shm", "passive", "pid_allocated",
		"reaper", "uid", "gid", "uid_map_extents", "gid_map_extents", "creds", "mms",
		"lazy_mms", "ucounts", "sockets", NULL },
	[NSI_F_MOUNTS] = (const char *const[]){ "id", "uid", "parent", "count", "writers",
						"userns", NULL },
};

static_assert(ARRAY_SIZE(number_keys) == NSI_DIFF_FILES, "keys for every file");

/* Whether @value of @key in file @f is a number for JSON. */
static bool is_number(enum nsi_file_id f, const char *key, const char *value)
{
	const char *const *k;
	long long n;
	size_t r;

	if (!nsi_parse_ll(value, &n))
		return false;
	for (k = number_keys[f]; *k; k++)
		if (!strcmp(key, *k))
			return true;
	for (r = 0; f != NSI_F_NAMESPACES && f != NSI_F_MOUNTS && r < NSI_NR_ROLES; r++)
		if (!strcmp(key, nsi_roles[r].key))
			return true;
	return false;
}

/* The key that names an object of each file. */
static const char *const id_keys[] = {
	[NSI_F_TASKS] = "pid", [NSI_F_NSPROXIES] = "id", [NSI_F_NAMESPACES] = "inum",
	[NSI_F_MOUNTS] = "id",
};

static_assert(ARRAY_SIZE(id_keys) == NSI_DIFF_FILES, "an identity for every file");

struct obj {
	char key[64];		/* sorts like the object's identity */
	char label[256];
	const struct nsi_record *rec;
};

/* "mount 25 /mnt/x (tmpfs x, mnt:[4026531841])": a mount id alone is soon reused. */
static void mount_label(struct obj *o, const struct nsi_mount *mnt)
{
	char where[32];

	if (mnt->where == NSI_MNT_IN_NS)
		snprintf(where, sizeof(where), "mnt:[%llu]", mnt->mntns);
	else
		snprintf(where, sizeof(where), "%s", nsi_mnt_where_names[mnt->where]);
	snprintf(o->label, sizeof(o->label), "mount %lld %.64s (%.16s %.64s, %s)", mnt->id,
		 nsi_val(mnt->rec, "mountpoint"), nsi_val(mnt->rec, "fstype"),
		 nsi_val(mnt->rec, "source"), where);
}

/* The objects of one file of @m, sorted by key; tasks but @taker. */
static struct obj *objects(const struct nsi_model *m, enum nsi_file_id f, long long taker,
			   size_t *nr)
{
	struct obj *o;
	size_t i, n = 0;

	switch (f) {
	case NSI_F_TASKS:
		o = xcalloc(m->nr_tasks, sizeof(*o));
		for (i = 0; i < m->nr_tasks; i++) {
			if (m->tasks[i].pid == taker)
				continue;
			snprintf(o[n].key, sizeof(o[n].key), "%020lld/%lld", m->tasks[i].pid,
				 m->tasks[i].cpu);
			snprintf(o[n].label, sizeof(o[n].label), "task %lld (%.32s)",
				 m->tasks[i].pid, m->tasks[i].comm);
			o[n++].rec = m->tasks[i].rec;
		}
		*nr = n;
		return o;
	case NSI_F_NSPROXIES:
		o = xcalloc(*nr = m->nr_nsproxies, sizeof(*o));
		for (i = 0; i < *nr; i++) {
			snprintf(o[i].key, sizeof(o[i].key), "%.63s", m->nsproxies[i].id);
			snprintf(o[i].label, sizeof(o[i].label), "nsproxy %.64s",
				 m->nsproxies[i].id);
			o[i].rec = m->nsproxies[i].rec;
		}
		return o;
	case NSI_F_NAMESPACES:
		o = xcalloc(*nr = m->nr_ns, sizeof(*o));
		for (i = 0; i < *nr; i++) {
			snprintf(o[i].key, sizeof(o[i].key), "%020llu", m->ns[i].inum);
			snprintf(o[i].label, sizeof(o[i].label), "%s:[%llu]",
				 nsi_ns_type_names[m->ns[i].type], m->ns[i].inum);
			o[i].rec = m->ns[i].rec;
		}
		return o;
	default:
		o = xcalloc(*nr = m->nr_mounts, sizeof(*o));
		for (i = 0; i < *nr; i++) {
			snprintf(o[i].key, sizeof(o[i].key), "%020lld", m->mounts[i].id);
			mount_label(&o[i], &m->mounts[i]);
			o[i].rec = m->mounts[i].rec;
		}
		return o;
	}
}

/* One difference: @o's, in file @f; @field NULL for an object that came or went. */
static void diff_line(struct nsi_out *out, enum nsi_file_id f, const char *change,
		      const struct obj *o, const char *field, const char *old, const char *new)
{
	struct libscols_line *ln = nsi_out_line(out, NULL);
	const char *id;

	nsi_out_text(out, ln, COL_CHANGE, change);
	nsi_out_cell(out, ln, COL_OBJECT, o->label);
	nsi_out_cell(out, ln, COL_FIELD, field);
	nsi_out_typed(out, ln, COL_OLD, old, old && is_number(f, field, old));
	nsi_out_typed(out, ln, COL_NEW, new, new && is_number(f, field, new));
	nsi_out_cell(out, ln, COL_KIND, kinds[f]);
	id = nsi_val(o->rec, id_keys[f]);
	nsi_out_typed(out, ln, COL_ID, id, is_number(f, id_keys[f], id));
	if (f != NSI_F_MOUNTS)
		return;
	nsi_out_cell(out, ln, COL_MNTNS, nsi_val(o->rec, "mntns"));
	nsi_out_cell(out, ln, COL_FSTYPE, nsi_val(o->rec, "fstype"));
	nsi_out_cell(out, ln, COL_SOURCE, nsi_val(o->rec, "source"));
	nsi_out_cell(out, ln, COL_MOUNTPOINT, nsi_val(o->rec, "mountpoint"));
}

/* Key by key: those of @b in its order, then those only @a has (new value unknown). */
static size_t diff_fields(struct nsi_out *out, enum nsi_file_id file, const struct obj *a,
			  const struct obj *b)
{
	size_t i, n = 0;

	for (i = 0; i < b->rec->nr_fields; i++) {
		const struct nsi_field *f = &b->rec->fields[i];
		const char *old = nsi_record_get(a->rec, f->key);

		if (!old || strcmp(old, f->value)) {
			diff_line(out, file, "~", b, f->key, old ? old : NSI_UNKNOWN, f->value);
			n++;
		}
	}
	for (i = 0; i < a->rec->nr_fields; i++) {
		const struct nsi_field *f = &a->rec->fields[i];

		if (!nsi_record_get(b->rec, f->key)) {
			diff_line(out, file, "~", b, f->key, f->value, NSI_UNKNOWN);
			n++;
		}
	}
	return n;
}

static size_t diff_file(struct nsi_out *out, const struct nsi_model *ma, long long taker_a,
			const struct nsi_model *mb, long long taker_b, enum nsi_file_id f)
{
	size_t na, nb, i = 0, j = 0, n = 0;
	struct obj *a = objects(ma, f, taker_a, &na), *b = objects(mb, f, taker_b, &nb);

	while (i < na || j < nb) {
		int c = i == na ? 1 : j == nb ? -1 : strcmp(a[i].key, b[j].key);

		if (c < 0) {
			diff_line(out, f, "-", &a[i++], NULL, NULL, NULL);
			n++;
		} else if (c > 0) {
			diff_line(out, f, "+", &b[j++], NULL, NULL, NULL);
			n++;
		} else {
			n += diff_fields(out, f, &a[i++], &b[j++]);
		}
	}
	free(a);
	free(b);
	return n;
}

static enum nsi_exit load_dir(const char *dir, struct nsi_model *m, struct nsi_error *err)
{
	struct nsi_source src;
	enum nsi_exit st = nsi_source_init(&src, dir, err);

	return st == NSI_EXIT_OK ? nsi_model_load(m, &src, NSI_FILES_ALL, err) : st;
}

static enum nsi_exit run_diff(const struct nsi_ctx *ctx, struct nsi_model *unused,
			      struct nsi_error *err)
{
	struct nsi_model a = { 0 }, b = { 0 };
	struct nsi_out out;
	enum nsi_exit st;
	size_t n = 0;
	int f;

	(void)unused;
	st = nsi_out_init(&out, ctx, diff_columns, ARRAY_SIZE(diff_columns),
			  diff_defaults[ctx->json], "differences", err);
	if (st != NSI_EXIT_OK)
		return st;
	st = load_dir(ctx->args[0], &a, err);
	if (st == NSI_EXIT_OK)
		st = load_dir(ctx->args[1], &b, err);
	for (f = 0; f < NSI_DIFF_FILES && st == NSI_EXIT_OK; f++)
		n += diff_file(&out, &a, nsi_snapshot_taker(ctx->args[0]), &b,
			       nsi_snapshot_taker(ctx->args[1]), f);
	if (st == NSI_EXIT_OK && (n || ctx->json))
		nsi_out_print(&out);
	else
		scols_unref_table(out.tb);
	nsi_model_free(&a);
	nsi_model_free(&b);
	if (st != NSI_EXIT_OK)
		return st;
	return n ? NSI_EXIT_FINDINGS : NSI_EXIT_OK;
}

const struct nsi_cmd nsi_cmd_diff = {
	.name = "diff",
	.args_usage = "PATH1 PATH2",
	.min_args = 2,
	.max_args = 2,
	.opts = NSI_OPTS_TABLE,
	.load = NSI_LOAD_NONE,
	.run = run_diff,
	.summary = "what changed between two snapshots; exit status 1 if anything",
	.details =
	"Objects are matched by identity: tasks by pid, nsproxies by id,\n"
	"namespaces by inode number, mounts by id. '+' is an object only PATH2\n"
	"has, '-' one only PATH1 has, '~' one key of an object in both whose value\n"
	"changed (refs, count, writers, tasks, fds, bindmounts, ...). A mount is\n"
	"named with its mount point, filesystem type, source and namespace, since\n"
	"ids are reused. The task that took each snapshot (its 'taker' file) is\n"
	"left out. Like diff(1), prints nothing and exits 0 when there is no\n"
	"difference, 1 otherwise.\n"
	"\n"
	"JSON has every column: CHANGE is always one of \"+\", \"-\" and \"~\", OLD,\n"
	"NEW and ID are numbers where the key holds one (as in list -J) and null\n"
	"where there is no value (FIELD, OLD and NEW of an object that came or\n"
	"went; a key one snapshot lacks), and MNTNS, FSTYPE, SOURCE and MOUNTPOINT\n"
	"are null for anything but a mount.\n",
	.cols = diff_columns,
	.nr_cols = ARRAY_SIZE(diff_columns),
};
