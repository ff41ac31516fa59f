/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The in-memory model of everything the module publishes: tasks,
 * nsproxies, namespaces and mounts, parsed, validated, cross-linked and
 * with the derived counts the subcommands share.
 *
 * Every object keeps its record, so a command can show any key as the
 * module wrote it; the model only parses what it reasons about. In /proc
 * mode (see proc.h) the records are synthesized and lack the keys only
 * the kernel knows; those values are NSI_NA, never guessed.
 */
#ifndef NSI_MODEL_H
#define NSI_MODEL_H

#include <limits.h>
#include <stdbool.h>
#include <stddef.h>

#include "record.h"
#include "source.h"
#include "version.h"

/* A number the input does not give: key absent, or "-". */
#define NSI_NA	LLONG_MIN
/* The text of a value the input does not give, as shown: "the kernel did not tell". */
#define NSI_UNKNOWN	"?"

enum nsi_ns_type {
	NSI_NS_USER, NSI_NS_PID, NSI_NS_MNT, NSI_NS_UTS, NSI_NS_IPC,
	NSI_NS_NET, NSI_NS_CGROUP, NSI_NS_TIME,
	NSI_NR_NS_TYPES
};

extern const char *const nsi_ns_type_names[];
/* The type called @name, or -1. */
int nsi_ns_type_parse(const char *name);

/* The namespace keys of a task record; the first NSI_NR_PROXY_ROLES are an nsproxy's. */
enum nsi_role {
	NSI_R_MNT, NSI_R_UTS, NSI_R_IPC, NSI_R_NET, NSI_R_CGROUP, NSI_R_TIME,
	NSI_R_TIME4C, NSI_R_PIDNS4C, NSI_NR_PROXY_ROLES,
	NSI_R_PIDNS = NSI_NR_PROXY_ROLES, NSI_R_USER,
	NSI_NR_ROLES
};

struct nsi_role_info {
	const char *key;
	enum nsi_ns_type type;
};

extern const struct nsi_role_info nsi_roles[];

/* How the module reached a namespace: the words of its "via" list. */
enum nsi_via {
	NSI_VIA_TASK, NSI_VIA_FD, NSI_VIA_MOUNT, NSI_VIA_NETLIST, NSI_VIA_PARENT,
	NSI_VIA_OWNER, NSI_VIA_NSTREE, NSI_VIA_CRED, NSI_VIA_SOCKET, NSI_VIA_DYING,
	NSI_NR_VIA
};

extern const char *const nsi_via_names[];
/* The bit of nsi_ns.via for @v. */
#define NSI_VIA(v)	(1U << (v))

struct nsi_nsproxy;

struct nsi_task {
	const struct nsi_record *rec;
	long long pid, tgid, level;
	long long cpu;			/* an idle thread's CPU (pid 0), else NSI_NA */
	const char *comm;		/* "?" if unknown */
	const char *nspid;		/* "1,5": outermost first; NULL if unknown */
	unsigned long long ns[NSI_NR_ROLES];	/* 0: none or unknown */
	struct nsi_nsproxy *nsproxy;	/* NULL if unknown */
	const char *cgroup;		/* its cgroup path (the cgroups file); NULL if unknown */
};

struct nsi_nsproxy {
	const struct nsi_record *rec;
	const char *id;
	long long count, tasks;
	unsigned long long ns[NSI_NR_PROXY_ROLES];
	size_t nr_members;		/* tasks in the tasks file pointing at it */
	struct nsi_task **members;	/* in pid order */
};

struct nsi_ns {
	const struct nsi_record *rec;
	enum nsi_ns_type type;
	unsigned long long inum, owner, parent;	/* 0: none or unknown */
	long long refs, active, tasks, nsproxies, fds, bindmounts, level;
	/* objects each holding one reference; NSI_NA where not published */
	long long creds, mms, ucounts;	/* user: struct creds, mm_structs, struct ucounts */
	long long lazy_mms;		/* user: of mms, no users left, loaded on a CPU */
	long long sockets;		/* net */
	long long pid_allocated;	/* pid: struct pids with a number in it */
	unsigned int via;		/* NSI_VIA() bits */
	/* Derived. */
	long long sb_refs;		/* superblocks, mounts holding it (user, pid) */
	long long boot_refs;		/* an initial namespace's references from boot */
	long long sb_passive;		/* net: sysfs superblocks holding its passive count */
	long long pid_refs;		/* pid: struct pids at its own level */
	struct nsi_ns *owner_ns, *parent_ns;	/* NULL if not in the model */
	long long held_by_ns;		/* namespaces whose parent or owner it is */
	long long nsproxy_refs;		/* nsproxy fields pointing at it */
	long long task_refs;		/* pid: struct pids in it; user: creds */
	const struct nsi_task *first_task;	/* lowest pid using it */
	bool is_init;			/* an initial namespace */
	/*
	 * refs is "-": the kernel does not count this namespace's references
	 * (7.x's initial namespaces, whose __ns_ref_get/put do nothing).
	 */
	bool uncounted;
};

enum nsi_mnt_where { NSI_MNT_IN_NS, NSI_MNT_INTERNAL, NSI_MNT_DETACHED, NSI_MNT_ANON,
		     NSI_MNT_NONE, NSI_NR_MNT_WHERE };
extern const char *const nsi_mnt_where_names[];

struct nsi_mount {
	const struct nsi_record *rec;
	enum nsi_mnt_where where;
	unsigned long long mntns;	/* NSI_MNT_IN_NS only */
	long long id, uid, parent, count, writers;
	bool doomed;			/* flags has "doomed" */
	const char *dev;		/* its superblock's */
	bool sb_first;			/* the first of its superblock's mounts here (derived) */
	long long root_ino;		/* of its root */
	/* an overlayfs layer clone: the overlay's id, NSI_NA if none known (overlay.c) */
	long long layer_of;
	const char *layer;		/* "upper" or "lower" */
	unsigned long long userns;	/* the superblock's user namespace; 0: unknown */
	unsigned long long mnt_userns;	/* a user namespace the mount holds (to 6.2); 0: none */
	/* the namespace the superblock belongs to (sbns=TYPE:INUM); 0: none */
	int sbns_type;			/* enum nsi_ns_type, or -1 */
	unsigned long long sbns;
};

enum nsi_holder_kind { NSI_H_FD, NSI_H_SOCKET };

/* An open file holding a namespace (the holders file). */
struct nsi_holder {
	const struct nsi_record *rec;
	enum nsi_holder_kind kind;
	unsigned long long ns;		/* inum */
	long long pid, fd;
	const char *comm;
};

/*
 * NSI_F_CGROUPS is not the module's: each task's cgroup path, read from
 * /proc when the live files are (see nsi_proc_cgroups()), kept in a snapshot.
 */
enum nsi_file_id { NSI_F_TASKS, NSI_F_NSPROXIES, NSI_F_NAMESPACES, NSI_F_MOUNTS, NSI_F_HOLDERS,
		   NSI_F_NETDEVS, NSI_F_CGROUPS, NSI_NR_FILES };
extern const char *const nsi_file_names[];

/* Sets of files to read, as 1 << nsi_file_id. */
#define NSI_FILE(id)		(1U << (id))
#define NSI_FILES_ALL		(NSI_FILE(NSI_NR_FILES) - 1)
/* The module's files: the cgroups file costs a /proc read per task, so only when shown. */
#define NSI_FILES_MODULE	(NSI_FILES_ALL & ~NSI_FILE(NSI_F_CGROUPS))
#define NSI_FILES_NO_MOUNTS	(NSI_FILES_MODULE & ~NSI_FILE(NSI_F_MOUNTS))

struct nsi_model {
	bool proc;			/* synthesized from /proc */
	bool live;			/* read from the module's debugfs directory */
	char origin[PATH_MAX];		/* directory, for messages */
	struct nsi_version ver;		/* empty in /proc mode */
	struct nsi_file files[NSI_NR_FILES];
	bool has_active;		/* namespaces have the "active" key */
	bool mounts_ok;			/* the mounts file was read */
	bool holders_ok;		/* the holders file was read */
	bool netdevs_ok;		/* the netdevs file was read */
	bool cgroups_ok;		/* the tasks' cgroup paths are known */
	char mounts_reason[256];	/* why not */
	size_t nr_tasks, nr_nsproxies, nr_ns, nr_mounts, nr_holders;
	struct nsi_task *tasks;		/* by pid */
	struct nsi_nsproxy *nsproxies;	/* by id */
	struct nsi_ns *ns;		/* by inum */
	struct nsi_mount *mounts;	/* by id */
	struct nsi_holder *holders;	/* as the module wrote them */
	/* nsi_model_ns()'s hash of m->ns: index + 1, or 0 for a free slot */
	size_t *ns_slots, ns_mask;
};

/*
 * Build the objects from m->files (already read, by the loader, /proc
 * or a fuzzer). Returns NSI_EXIT_BADINPUT for invalid values.
 */
enum nsi_exit nsi_model_build(struct nsi_model *m, struct nsi_error *err);
void nsi_model_free(struct nsi_model *m);

struct nsi_ns *nsi_model_ns(const struct nsi_model *m, unsigned long long inum);
struct nsi_task *nsi_model_task(const struct nsi_model *m, long long pid);
struct nsi_mount *nsi_model_mount(const struct nsi_model *m, long long id);

/* @rec's value of @key, or NSI_UNKNOWN if absent: for display. */
const char *nsi_val(const struct nsi_record *rec, const char *key);

/* True if the comma-separated @list holds @word. */
bool nsi_list_has(const char *list, const char *word);

/*
 * References to @ns that nothing in the model explains (see the list
 * command's --help for the definition); NSI_NA when refs is unknown or
 * not counted (ns->uncounted).
 */
long long nsi_ns_unexplained(const struct nsi_ns *ns);

#endif /* NSI_MODEL_H */
