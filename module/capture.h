/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The capture of a snapshot (capture.c), and the scratch state of one walk,
 * which lives only as long as the walk.
 */
#ifndef NSI_CAPTURE_H
#define NSI_CAPTURE_H

#include "snapshot.h"

/* Records one thread with every ancestor of each role can add, to start. */
#define NSI_RESERVE (2 * (MAX_PID_NS_LEVEL + 1) + NSI_NROLES)

/* Set membership for pointers the walk must visit once. */
struct nsi_seen {
	struct hlist_node hnode;
	const void *key;
};

/* What a walk needs while it runs, and never after. */
struct nsi_walk {
	struct nsi_snap *s;		/* what the walk fills */
	/* each CPU's idle thread, on no task list; NULL: not walked */
	struct task_struct * __percpu *idle_threads;
	size_t reserve;			/* free ns records a section starts with */
	/*
	 * Objects counted already, by address, never followed: fd tables
	 * walked, and the creds, mms and socket files that hold a namespace.
	 */
	struct nsi_pool seen;
	struct hlist_head *seen_hash;
	struct task_struct *fd_task;	/* whose fd table is being walked */
	unsigned int resume_fd;		/* where an fd table walk goes on */
	unsigned int fd_batch;		/* files read in this hold */
	/* worklist for owner and parent chains, so that no walk recurses */
	struct {
		struct ns_common *ns;
		unsigned int via;
	} todo[4 * (MAX_PID_NS_LEVEL + 2) + NSI_NROLES];
};

/* What a task uses, from its capture to its accounting. */
struct nsi_task_refs {
	struct nsi_ns *role[NSI_NROLES];
	struct nsproxy *nsp;
	struct nsi_nsproxy *rec;	/* nsp's record, if already made */
	long nsp_count;
	/*
	 * The task's real cred, the one its executable was opened with,
	 * their ucounts, and what holds its image's user namespace (the mm,
	 * 7.x's exec_state): counted once each.
	 */
	const void *cred[2], *ucounts[2], *mm;
	struct nsi_ns *cred_ns[2], *mm_ns;
};

/* Add key to the walk's seen set: true if it was not there (or no room). */
bool nsi_seen_first(struct nsi_walk *w, const void *key);

/* A reference on every thread and idle thread, in *out; free with put_task_struct(). */
int nsi_grab_tasks(struct nsi_walk *w, struct task_struct ***out, size_t *nout);
/* Free records for the next locked section; may sleep. */
int nsi_reserve(struct nsi_walk *w);
int nsi_capture_task(struct nsi_walk *w, struct task_struct *t, struct nsi_task *rec,
		     struct nsi_task_refs *r);
int nsi_capture_rest(struct nsi_walk *w, struct task_struct **ts);
int nsi_capture_lazy_mms(struct nsi_walk *w);
/* Count each namespace's own ucounts in its owner, once; may sleep. */
int nsi_count_ns_ucounts(struct nsi_walk *w);

#endif /* NSI_CAPTURE_H */
