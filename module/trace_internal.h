/* SPDX-License-Identifier: GPL-2.0 */
/*
 * What the tracer's parts share: the ledger of each watched object and the
 * debugfs files (trace.c), and the targets that arm its watches, each in a
 * file of its own: namespaces (trace_ns.c), mounts (trace_mount.c), network
 * devices (trace_netdev.c) and net namespaces from their birth
 * (trace_birth.c).
 */
#ifndef NSI_TRACE_INTERNAL_H
#define NSI_TRACE_INTERNAL_H

#include <linux/atomic.h>
#include <linux/if.h>
#include <linux/irq_work.h>
#include <linux/kref.h>
#include <linux/mutex.h>
#include <linux/perf_event.h>
#include <linux/sched.h>
#include <linux/task_work.h>
#include <linux/workqueue.h>

#include "mount_walk.h"
#include "snapshot.h"

/* Ledgers kept at once; together they use at most nsi_trace_regs registers. */
#define NSI_TRACE_OBJS		16
/* Debug registers the watches may take on each CPU (trace_regs). */
#define NSI_TRACE_REGS		nsi_trace_max_regs()
/* A mount's watched words of struct mnt_pcp: at most 3, in 2 registers. */
#define NSI_TRACE_MNT_WORDS	3
/* The object types of a mount and a network device: after the namespace types. */
#define NSI_TRACE_MOUNT		NSI_NTYPES
#define NSI_TRACE_NETDEV	(NSI_NTYPES + 1)
/* Frames kept per hit: the exception's own (about 8) and the writer's. */
#define NSI_TRACE_DEPTH		32
/* Hits kept per object; later ones are counted as drops. */
#define NSI_TRACE_RING		4096
/* Net namespaces born per "watch new net"; later ones are counted as missed. */
#define NSI_TRACE_BIRTHS	16

struct nsi_trace_hit {
	u64 time;			/* ns since the watch was armed */
	int delta;			/* counter change: > 0 a get, < 0 a put */
	int value;			/* the counter after it */
	pid_t pid;
	unsigned long ip;		/* the writer's, where the exception came in */
	unsigned int nr;		/* valid entries */
	char comm[TASK_COMM_LEN];
	unsigned long entries[NSI_TRACE_DEPTH];
	int ready;			/* written last, with release */
};

/*
 * A ledger's hits. The trace file's reader takes a reference under
 * nsi_trace_read_lock and formats them after, so that freeing a ledger
 * waits for no reader's sorting and symbolizing.
 */
struct nsi_trace_ring {
	struct kref ref;
	struct nsi_trace_hit hit[NSI_TRACE_RING];
};

/* A mount's words on one CPU, as last seen there. */
struct nsi_trace_slot {
	int count;			/* up to 7.1 */
	unsigned int gets, puts;	/* 7.2 */
	int writers;
	bool synced;			/* read on that CPU since it was armed */
	/* as that read found them; the handler never writes these */
	int base_refs, base_writers;
};

struct nsi_trace_obj {
	bool used;
	bool published;			/* what the ledger shows is set: readers may look */
	unsigned int id;		/* object=ID in the ledger */
	int type;			/* enum nsi_type, or NSI_TRACE_MOUNT */
	unsigned int inum;		/* a mount's: its id; a device's: its net's inum */
	int ifindex;			/* a device's */
	char name[IFNAMSIZ];		/* a device's, when armed */
	const void *dev;		/* a device's: compared, never followed */
	unsigned long free_missed;	/* a device's: free_netdev() calls missed when armed */
	bool writers;			/* a mount's mnt_writers rather than its references */
	bool born;			/* armed at its birth (a net: ring[0] is the birth) */
	unsigned int regs;		/* debug registers it takes on each CPU */
	refcount_t *word;		/* never dereferenced: read nofault */
	struct perf_event * __percpu *bp;	/* NULL once disarmed */
	/* A mount's or device's, per CPU: breakpoints (NULL once disarmed), words last seen. */
	struct nsi_mnt_counters mc;
	struct perf_event **cpu_bp;
	struct nsi_trace_slot *slots;
	u64 armed_at;			/* a born one's: its birth */
	int initial;
	int unseen;			/* a born one's count change between birth and arming */
	atomic_t last;			/* the counter's last value seen (a mount's: sum) */
	atomic_t refs;			/* a mount's references: the sum of its slots */
	atomic_t dead;			/* the count reached 0, or saturated (< 0) */
	atomic_t next;			/* ring slots claimed */
	atomic_t drops, gets, puts, nochange;
	atomic_t ambiguous;		/* hits that moved it by other than 1 */
	unsigned int hotplug_gen;	/* nsi_trace_hotplug when armed */
	atomic64_t freed_at;
	struct nsi_trace_ring *ring;
	struct irq_work iw;
	struct work_struct disarm;
};

/* A net namespace seen born, until it is armed. */
struct nsi_trace_born {
	struct nsi_trace_hit hit;	/* the birth; time is absolute */
	struct net *net;		/* compared, never followed */
	unsigned int inum;		/* 0: unreadable */
	struct task_struct *task;	/* the creator, with a reference */
	atomic_t dispatched;
	struct callback_head cb;	/* arms it as the creator returns to user space */
	struct work_struct work;	/* or from a worker, when that cannot be */
};

/* "watch new net": one breakpoint, and the births it saw. */
struct nsi_trace_births {
	struct perf_event * __percpu *bp;	/* NULL once disarmed */
	bool shown;			/* armed since the last clear */
	bool used;			/* armed since load */
	atomic_t next;			/* slots claimed */
	atomic_t seen, missed;		/* births; those not watched */
	atomic_t watched;
	atomic_t devs, devs_missed;	/* their loopback devices watched, and not */
	atomic_t pending;		/* dispatched, not yet armed */
	unsigned int hotplug_gen;	/* nsi_trace_hotplug when armed */
	struct irq_work iw;
	struct nsi_trace_born born[NSI_TRACE_BIRTHS];
};

extern struct nsi_trace_births nsi_birth;

/*
 * nsi_trace_lock orders what changes the watches (trace_control, a birth
 * being armed, hotplug); nsi_trace_read_lock, taken inside it, is held
 * while the trace file copies what it shows of each ledger and takes its
 * ring, and where a ledger is freed: a constant hold, so that no reader
 * sorting and symbolizing holds up a birth being armed as its creator
 * returns to user space, or a clear.
 */
extern struct mutex nsi_trace_lock, nsi_trace_read_lock;
extern struct nsi_trace_obj nsi_trace_objs[NSI_TRACE_OBJS];
/* Why the last write to trace_control failed. */
extern char nsi_trace_err[160];
/* The longest lock or RCU section of a lookup, since load. */
extern u64 nsi_trace_max_hold;
/*
 * Bumped when a CPU goes offline or comes online: the CPUs online when a
 * watch was armed are the ones armed, and a CPU coming online is not, so a
 * watch armed before is incomplete from then on, and is stopped.
 */
extern atomic_t nsi_trace_hotplug;
/* Debug registers of watches being disarmed, which they hold until then. */
extern atomic_t nsi_trace_leaving;

/* The ledger (trace.c). */
unsigned int nsi_trace_max_regs(void);
void nsi_trace_fill(struct nsi_trace_hit *h, struct pt_regs *regs, int delta, int value,
		    u64 time);
void nsi_trace_record(struct nsi_trace_obj *o, struct pt_regs *regs, int delta, int value);
void nsi_trace_died(struct nsi_trace_obj *o, int state);
void nsi_trace_disarm(struct nsi_trace_obj *o);
void nsi_trace_release(struct nsi_trace_obj *o);
bool nsi_trace_is_armed(const struct nsi_trace_obj *o);
unsigned int nsi_trace_armed(void);
void nsi_trace_held(u64 start);
__printf(2, 3) int nsi_trace_fail(int err, const char *fmt, ...);

/* What to watch: a namespace, a mount, a device. */
struct nsi_trace_req {
	const char *tname;		/* a namespace type, "mount" or "netdev" */
	unsigned int inum;		/* a mount's id; a device's net */
	int ifindex;			/* a device's */
	bool writers;			/* a mount's writers */
	bool born;			/* armed as its net is born */
	const struct nsi_trace_born *b;	/* a net armed at its birth */
};

int nsi_trace_watch(const struct nsi_trace_req *req);

/* The targets: each arms o, or says why not with nsi_trace_fail(). */
int nsi_trace_watch_ns(struct nsi_trace_obj *o, const struct nsi_trace_born *b);
int nsi_trace_watch_mount(struct nsi_trace_obj *o);
int nsi_trace_watch_netdev(struct nsi_trace_obj *o);
/*
 * Per-CPU counts (o->mc.pcp): on each online CPU, breakpoints on that CPU's
 * slot at the nr ranges (off, len); each slot's base read on its own CPU.
 */
int nsi_trace_arm_pcpu(struct nsi_trace_obj *o, const int *off, const int *len,
		       unsigned int nr);
/* Per-CPU breakpoints: NSI_TRACE_MNT_WORDS slots per possible CPU. */
void nsi_trace_unregister(struct perf_event **cpu_bp);

/* Births (trace_birth.c), under nsi_trace_lock but init and exit. */
int nsi_trace_watch_new(const char *tname);
void nsi_trace_birth_disarm(void);
void nsi_trace_births_init(void);
void nsi_trace_births_exit(void);

#endif /* NSI_TRACE_INTERNAL_H */
