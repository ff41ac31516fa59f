/* SPDX-License-Identifier: GPL-2.0 */
/*
 * A snapshot of every task, nsproxy and namespace, taken when a file is
 * opened and formatted from memory afterwards, so reads hold no kernel lock
 * and seq_file restarts cost nothing.
 */
#ifndef NSI_SNAPSHOT_H
#define NSI_SNAPSHOT_H

#include <linux/pid_namespace.h>
#include <linux/sched.h>
#include <linux/types.h>
#include <linux/user_namespace.h>
#include <linux/utsname.h>

#include "compat.h"
#include "pool.h"

enum nsi_type {
	NSI_MNT, NSI_UTS, NSI_IPC, NSI_NET, NSI_PID, NSI_CGROUP, NSI_TIME, NSI_USER,
	NSI_NTYPES
};

/* The namespaces a task uses, in the order the tasks file prints them. */
enum nsi_role {
	NSI_R_MNT, NSI_R_UTS, NSI_R_IPC, NSI_R_NET, NSI_R_CGROUP, NSI_R_TIME,
	NSI_R_TIME_CHILDREN, NSI_R_PID, NSI_R_PID_CHILDREN, NSI_R_USER,
	NSI_NROLES
};

/* How a namespace was reached. */
enum nsi_via {
	NSI_VIA_TASK	= BIT(0),
	NSI_VIA_FD	= BIT(1),
	NSI_VIA_MOUNT	= BIT(2),
	NSI_VIA_NETLIST	= BIT(3),
	NSI_VIA_PARENT	= BIT(4),
	NSI_VIA_OWNER	= BIT(5),
	NSI_VIA_NSTREE	= BIT(6),
	NSI_VIA_CRED	= BIT(7),	/* an open file's credentials */
	NSI_VIA_SOCKET	= BIT(8),
	NSI_VIA_DYING	= BIT(9),	/* net: a device waits in its teardown */
};

#define NSI_MAP_EXTENTS UID_GID_MAP_MAX_BASE_EXTENTS

struct nsi_ns {
	struct hlist_node hnode;
	enum nsi_type type;
	unsigned int via;
	unsigned int inum;
	unsigned int owner;		/* 0: none */
	unsigned int parent;		/* 0: none */
	int level;			/* -1: not hierarchical */
	long refs;
	bool counted;			/* false: the kernel counts no refs */
#ifdef NSI_HAVE_NS_ACTIVE
	long active;
#endif
#ifdef NSI_HAVE_NS_ID
	u64 id;
#endif
	unsigned int tasks;		/* tasks using it in any role */
	unsigned int nsproxies;		/* nsproxies pointing at it */
	unsigned int fds;		/* open nsfs files */
	unsigned int bindmounts;	/* nsfs bind mounts */
	/* references from distinct kernel objects, each holding one */
	unsigned int creds;		/* user: struct creds of tasks and open files */
	unsigned int mms;		/* user: address spaces (mm->user_ns) */
	unsigned int lazy_mms;		/* of mms: no users left, loaded on a CPU */
	unsigned int sockets;		/* net: sockets open in some fd table */
	unsigned int ucounts;		/* user: struct ucounts of creds and namespaces */
	const void *ucounts_key;	/* its own ucounts (in its owner); never followed */
	union {
		struct {
			char nodename[__NEW_UTS_LEN + 1];
		} uts;
		struct {
			long mounts;		/* -1: unknown */
		} mnt;
		struct {
			int sem, msg, shm;
		} ipc;
		struct {
			long passive;
			u64 dying_ms;	/* via dying: since first seen so */
		} net;
		struct {
			unsigned int allocated;
			pid_t reaper;		/* global pid of its pid 1; 0: none */
		} pid;
		struct {
			struct timespec64 monotonic, boottime;
		} time;
		struct {
			uid_t uid;
			gid_t gid;
			u32 nuid, ngid;		/* extents in the maps */
			struct uid_gid_extent uid_map[NSI_MAP_EXTENTS];
			struct uid_gid_extent gid_map[NSI_MAP_EXTENTS];
		} user;
	} u;
};

struct nsi_nsproxy {
	struct hlist_node hnode;
	const void *key;		/* identity during the walk; never printed */
	u64 id;				/* keyed hash of the address */
	long count;
	unsigned int tasks;
	unsigned int inum[NSI_NROLES];	/* 0 where nsproxy has no such member */
	struct nsi_ns *role[NSI_NROLES];	/* the records of those members */
};

struct nsi_task {
	pid_t pid, tgid;
	int cpu;			/* an idle thread's CPU, else -1 */
	char comm[TASK_COMM_LEN];
	u64 nsproxy;			/* 0: none (exiting task) */
	int level;			/* -1: no pid (being reaped) */
	unsigned int inum[NSI_NROLES];
	pid_t nspid[MAX_PID_NS_LEVEL + 1];
};

/* A holder the walk can name: an open file of some process. */
enum nsi_holder_kind { NSI_H_FD, NSI_H_SOCKET };

struct nsi_holder {
	const struct nsi_ns *ns;
	enum nsi_holder_kind kind;
	pid_t pid;			/* a process whose fd table holds it */
	unsigned int fd;
	char comm[TASK_COMM_LEN];
};

struct nsi_snap {
	/* sharing among the files one process holds open (nsi_snap_get()) */
	struct list_head shared;
	struct pid *owner;
	unsigned int users;
	u64 id;				/* sequence number, for the header */

	struct nsi_task *tasks;
	size_t ntasks;
	struct nsi_pool ns, nsp, holders;
	struct hlist_head *ns_hash, *nsp_hash;
	unsigned int hash_bits;
	struct nsi_ns **ns_sorted;
	u64 max_hold_ns;		/* longest spinlock or RCU section */
	const char *max_hold_at;	/* which: a static name */
	u64 took_ns;
	size_t bytes;			/* memory the snapshot holds */
};

extern const char *const nsi_type_name[NSI_NTYPES];
extern const char *const nsi_role_name[NSI_NROLES];

/*
 * A snapshot for the calling process: the one it already holds through
 * another open file if any, else a new one. Release with nsi_snap_put().
 */
struct nsi_snap *nsi_snap_get(void);
void nsi_snap_put(struct nsi_snap *s);
u64 nsi_snap_max_hold_ns(void);
void nsi_snap_init(void);
/* Why idle threads are not walked, or NULL. */
const char *nsi_snap_idle_tasks_why(void);
const char *nsi_lazy_mms_why(void);

#endif /* NSI_SNAPSHOT_H */
