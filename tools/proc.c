// SPDX-License-Identifier: GPL-2.0
/*
 * /proc mode; see proc.h.
 *
 * Tasks that vanish or cannot be read while we look are skipped: /proc
 * is not a snapshot, and a debugging tool should show what it can.
 */
#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <linux/nsfs.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <unistd.h>

#include "container.h"
#include "proc.h"
#include "xalloc.h"

/* Room for a task directory, with PATH_MAX left for a file in it. */
#define TASK_DIR_MAX	(PATH_MAX / 2)

/* The ns/ links of a task, in the order of enum nsi_role. */
static const char *const ns_links[] = {
	[NSI_R_MNT] = "mnt", [NSI_R_UTS] = "uts", [NSI_R_IPC] = "ipc", [NSI_R_NET] = "net",
	[NSI_R_CGROUP] = "cgroup", [NSI_R_TIME] = "time",
	[NSI_R_TIME4C] = "time_for_children", [NSI_R_PIDNS4C] = "pid_for_children",
	[NSI_R_PIDNS] = "pid", [NSI_R_USER] = "user",
};

static_assert(ARRAY_SIZE(ns_links) == NSI_NR_ROLES, "a link for every role");

struct pns {
	enum nsi_ns_type type;
	unsigned long long inum, owner, parent;
	unsigned int via;
	long long tasks;
	size_t last_task;	/* to count each task once; SIZE_MAX: none */
	char mnt_path[64];	/* mnt: a task's directory, for its mountinfo */
};

struct proc_scan {
	const char *proc;
	struct pns *ns;
	size_t nr_ns;
	size_t nr_tasks;
	FILE *tasks;		/* records, in the module's format */
	FILE *cgroups;		/* records of the cgroups file */
};

/* Write " key=value" with the module's escaping. */
static void put_field(FILE *fp, const char *key, const char *value)
{
	const unsigned char *p = (const unsigned char *)value;

	fprintf(fp, " %s=", key);
	if (!*p)
		fputc('-', fp);
	for (; *p; p++) {
		if (*p == ' ' || *p == '=' || *p == '\\' || *p < 0x20 || *p == 0x7f)
			fprintf(fp, "\\%03o", *p);
		else
			fputc(*p, fp);
	}
}

static void put_inum(FILE *fp, const char *key, unsigned long long inum)
{
	if (inum)
		fprintf(fp, " %s=%llu", key, inum);
	else
		fprintf(fp, " %s=-", key);
}

static struct pns *find_ns(struct proc_scan *s, unsigned long long inum)
{
	size_t i;

	for (i = 0; i < s->nr_ns; i++)
		if (s->ns[i].inum == inum)
			return &s->ns[i];
	return NULL;
}

/* Inode of the namespace an nsfs ioctl returns as an fd; 0 if refused. */
static unsigned long long ioctl_inum(int fd, unsigned long req, int *nfd)
{
	struct stat st;

	*nfd = ioctl(fd, req);
	if (*nfd < 0)
		return 0;
	if (fstat(*nfd, &st)) {
		close(*nfd);
		*nfd = -1;
		return 0;
	}
	return st.st_ino;
}

static void add_ns(struct proc_scan *s, int fd, enum nsi_ns_type type,
		   unsigned long long inum, unsigned int via);

/*
 * Record the namespace open as @fd, then its owner and parent through
 * the nsfs ioctls; EPERM there means outside our user namespace.
 */
static void add_ns(struct proc_scan *s, int fd, enum nsi_ns_type type,
		   unsigned long long inum, unsigned int via)
{
	struct pns *ns = find_ns(s, inum);
	unsigned long long owner, parent = 0;
	int ofd, pfd = -1;

	if (ns) {
		ns->via |= via;
		return;
	}
	s->ns = xreallocarray(s->ns, s->nr_ns + 1, sizeof(*s->ns));
	ns = &s->ns[s->nr_ns++];
	memset(ns, 0, sizeof(*ns));
	ns->type = type;
	ns->inum = inum;
	ns->via = via;
	ns->last_task = SIZE_MAX;

	owner = ioctl_inum(fd, NS_GET_USERNS, &ofd);
	if (type == NSI_NS_PID || type == NSI_NS_USER)
		parent = ioctl_inum(fd, NS_GET_PARENT, &pfd);
	/* The array may move in the recursion below. */
	s->ns[s->nr_ns - 1].owner = owner;
	s->ns[s->nr_ns - 1].parent = parent;
	if (ofd >= 0) {
		add_ns(s, ofd, NSI_NS_USER, owner, NSI_VIA(NSI_VIA_OWNER));
		close(ofd);
	}
	if (pfd >= 0) {
		add_ns(s, pfd, type, parent, NSI_VIA(NSI_VIA_PARENT));
		close(pfd);
	}
}

/* "NSpid:\t1\t5" -> "1,5"; the level is the number of commas. */
static bool read_status(const char *dir, long long *tgid, char *nspid, size_t size)
{
	char path[PATH_MAX], *line = NULL, *p;
	size_t cap = 0;
	bool ok = false;
	FILE *fp;

	snprintf(path, sizeof(path), "%s/status", dir);
	fp = fopen(path, "re");
	if (!fp)
		return false;
	*nspid = '\0';
	while (getline(&line, &cap, fp) > 0) {
		if (!strncmp(line, "Tgid:", 5))
			*tgid = strtoll(line + 5, NULL, 10);
		if (strncmp(line, "NSpid:", 6))
			continue;
		for (p = line + 6; *p == '\t' || *p == ' '; p++)
			;
		p[strcspn(p, "\n")] = '\0';
		snprintf(nspid, size, "%s", p);
		for (p = nspid; *p; p++)
			if (*p == '\t' || *p == ' ')
				*p = ',';
		ok = true;
	}
	free(line);
	fclose(fp);
	return ok;
}

static void read_comm(const char *dir, char *comm, size_t size)
{
	char path[PATH_MAX];
	FILE *fp;

	snprintf(path, sizeof(path), "%s/comm", dir);
	fp = fopen(path, "re");
	if (!fp || !fgets(comm, (int)size, fp))
		snprintf(comm, size, "?");
	comm[strcspn(comm, "\n")] = '\0';
	if (fp)
		fclose(fp);
}

/* The cgroup path of the task in @dir, as nsi_cgroup_pick() chooses it, as a record. */
static void put_cgroup(FILE *fp, const char *dir, long long pid)
{
	char path[PATH_MAX], text[8192], cgroup[4096];
	size_t n = 0;
	FILE *cg;

	snprintf(path, sizeof(path), "%s/cgroup", dir);
	cg = fopen(path, "re");
	if (!cg)
		return;
	n = fread(text, 1, sizeof(text) - 1, cg);
	fclose(cg);
	text[n] = '\0';
	if (!nsi_cgroup_pick(text, cgroup, sizeof(cgroup)))
		return;
	fprintf(fp, "pid=%lld", pid);
	put_field(fp, "cgroup", cgroup);
	fputc('\n', fp);
}

/* Are we in the initial pid namespace, where /proc's pids are the module's? */
static bool initial_pidns(const char *proc)
{
	char dir[PATH_MAX], nspid[256];
	long long tgid;

	snprintf(dir, sizeof(dir), "%s/self", proc);
	return read_status(dir, &tgid, nspid, sizeof(nspid)) && !strchr(nspid, ',');
}

bool nsi_proc_write_cgroups(FILE *fp, const char *proc, const struct nsi_file *tasks)
{
	char dir[PATH_MAX];
	long long pid;
	size_t i;

	if (!initial_pidns(proc))
		return false;
	for (i = 0; i < tasks->nr_records; i++) {
		const char *v = nsi_record_get(&tasks->records[i], "pid");

		/* /proc/TID is there for every thread, though readdir lists only leaders. */
		if (!v || !nsi_parse_ll(v, &pid) || pid <= 0)
			continue;
		snprintf(dir, sizeof(dir), "%s/%lld", proc, pid);
		put_cgroup(fp, dir, pid);
	}
	return true;
}

static void scan_task(struct proc_scan *s, const char *dir, long long tid)
{
	unsigned long long inum[NSI_NR_ROLES] = { 0 };
	char path[PATH_MAX], nspid[256], comm[64];
	long long tgid = NSI_NA;
	size_t r, levels = 0;
	struct stat st;
	int fd;

	if (!read_status(dir, &tgid, nspid, sizeof(nspid)))
		return;
	read_comm(dir, comm, sizeof(comm));
	for (r = 0; r < NSI_NR_ROLES; r++) {
		struct pns *ns;

		snprintf(path, sizeof(path), "%s/ns/%s", dir, ns_links[r]);
		fd = open(path, O_RDONLY | O_CLOEXEC);
		if (fd < 0)
			continue;	/* no time namespaces, or not ours to see */
		if (!fstat(fd, &st)) {
			inum[r] = st.st_ino;
			add_ns(s, fd, nsi_roles[r].type, st.st_ino,
			       NSI_VIA(NSI_VIA_TASK));
			ns = find_ns(s, st.st_ino);
			ns->via |= NSI_VIA(NSI_VIA_TASK);
			if (ns->last_task != s->nr_tasks) {
				ns->last_task = s->nr_tasks;
				ns->tasks++;
			}
			if (r == NSI_R_MNT && !ns->mnt_path[0])
				snprintf(ns->mnt_path, sizeof(ns->mnt_path), "%s",
					 dir + strlen(s->proc));
		}
		close(fd);
	}
	for (r = 0; nspid[r]; r++)
		levels += nspid[r] == ',';

	fprintf(s->tasks, "pid=%lld", tid);
	if (tgid != NSI_NA)
		fprintf(s->tasks, " tgid=%lld", tgid);
	put_field(s->tasks, "comm", comm);
	fprintf(s->tasks, " level=%zu", levels);
	put_field(s->tasks, "nspid", nspid);
	for (r = 0; r < NSI_NR_ROLES; r++)
		put_inum(s->tasks, nsi_roles[r].key, inum[r]);
	fputc('\n', s->tasks);
	put_cgroup(s->cgroups, dir, tid);
	s->nr_tasks++;
}

static bool all_digits(const char *s)
{
	if (!*s)
		return false;
	for (; *s; s++)
		if (!isdigit((unsigned char)*s))
			return false;
	return true;
}

static void scan_tasks(struct proc_scan *s)
{
	char dir[TASK_DIR_MAX];
	struct dirent *pe, *te;
	DIR *pd, *td;

	pd = opendir(s->proc);
	if (!pd)
		return;
	while ((pe = readdir(pd))) {
		if (!all_digits(pe->d_name))
			continue;
		snprintf(dir, sizeof(dir), "%s/%s/task", s->proc, pe->d_name);
		td = opendir(dir);
		if (!td)
			continue;
		while ((te = readdir(td))) {
			if (!all_digits(te->d_name))
				continue;
			snprintf(dir, sizeof(dir), "%s/%s/task/%s", s->proc, pe->d_name,
				 te->d_name);
			scan_task(s, dir, strtoll(te->d_name, NULL, 10));
		}
		closedir(td);
	}
	closedir(pd);
}

static long long depth(struct proc_scan *s, const struct pns *ns)
{
	long long d = 0;

	while (ns && ns->parent && d <= 64) {
		ns = find_ns(s, ns->parent);
		d++;
	}
	return d;
}

static void write_namespaces(struct proc_scan *s, FILE *fp)
{
	size_t i;
	int v;

	for (i = 0; i < s->nr_ns; i++) {
		const struct pns *ns = &s->ns[i];
		const char *sep = "=";

		fprintf(fp, "type=%s inum=%llu", nsi_ns_type_names[ns->type], ns->inum);
		put_inum(fp, "owner", ns->owner);
		put_inum(fp, "parent", ns->parent);
		if (ns->type == NSI_NS_PID || ns->type == NSI_NS_USER)
			fprintf(fp, " level=%lld", depth(s, ns));
		else
			fprintf(fp, " level=-");
		fprintf(fp, " tasks=%lld via", ns->tasks);
		for (v = 0; v < NSI_NR_VIA; v++)
			if (ns->via & NSI_VIA(v)) {
				fprintf(fp, "%s%s", sep, nsi_via_names[v]);
				sep = ",";
			}
		fputc('\n', fp);
	}
}

void nsi_unescape_mountinfo(char *s)
{
	char *w = s;

	for (; *s; s++) {
		if (s[0] == '\\' && s[1] >= '0' && s[1] <= '3' && s[2] >= '0' && s[2] <= '7' &&
		    s[3] >= '0' && s[3] <= '7') {
			*w++ = (char)((s[1] - '0') << 6 | (s[2] - '0') << 3 | (s[3] - '0'));
			s += 3;
		} else {
			*w++ = *s;
		}
	}
	*w = '\0';
}

/* The per-mount options of mountinfo as the module's flag names. */
static void put_flags(FILE *fp, char *opts)
{
	static const char *const known[] = {
		"nosuid", "nodev", "noexec", "noatime", "nodiratime", "relatime", "ro",
		"nosymfollow",
	};
	const char *sep = "=";
	char *tok, *save = NULL;
	size_t i;

	fputs(" flags", fp);
	for (tok = strtok_r(opts, ",", &save); tok; tok = strtok_r(NULL, ",", &save))
		for (i = 0; i < ARRAY_SIZE(known); i++)
			if (!strcmp(tok, known[i])) {
				fprintf(fp, "%s%s", sep, tok);
				sep = ",";
			}
	if (*sep == '=')
		fputs("=-", fp);
}

/*
 * One mountinfo line: "ID PARENT MAJ:MIN ROOT MOUNTPOINT OPTS [TAG...] -
 * FSTYPE SOURCE SUPEROPTS".
 */
static void put_mount(FILE *fp, unsigned long long mntns, char *line)
{
	char *f[6], *tok, *save = NULL, *fstype = NULL, *source = NULL;
	const char *sep = "=";
	size_t n = 0;

	line[strcspn(line, "\n")] = '\0';
	while (n < 6 && (tok = strtok_r(n ? NULL : line, " ", &save)))
		f[n++] = tok;
	if (n < 6 || !all_digits(f[0]) || !all_digits(f[1]))
		return;
	fprintf(fp, "mntns=%llu id=%s parent=%s", mntns, f[0], f[1]);
	put_field(fp, "dev", f[2]);
	/* The optional fields: propagation tags, up to "-". */
	fputs(" propagation", fp);
	for (tok = strtok_r(NULL, " ", &save); tok && strcmp(tok, "-");
	     tok = strtok_r(NULL, " ", &save)) {
		if (strncmp(tok, "shared:", 7) && strncmp(tok, "master:", 7) &&
		    strcmp(tok, "unbindable"))
			continue;
		fprintf(fp, "%s%s", sep, tok);
		sep = ",";
	}
	if (*sep == '=')
		fputs("=-", fp);
	if (tok) {
		fstype = strtok_r(NULL, " ", &save);
		source = strtok_r(NULL, " ", &save);
	}
	nsi_unescape_mountinfo(f[3]);
	nsi_unescape_mountinfo(f[4]);
	put_field(fp, "fstype", fstype ? fstype : "-");
	if (source)
		nsi_unescape_mountinfo(source);
	put_field(fp, "source", source ? source : "-");
	put_field(fp, "root", f[3]);
	put_field(fp, "mountpoint", f[4]);
	put_flags(fp, f[5]);
	fputc('\n', fp);
}

static void write_mounts(struct proc_scan *s, FILE *fp)
{
	char path[PATH_MAX], *line = NULL;
	size_t i, cap = 0;
	FILE *mi;

	for (i = 0; i < s->nr_ns; i++) {
		if (s->ns[i].type != NSI_NS_MNT || !s->ns[i].mnt_path[0])
			continue;
		snprintf(path, sizeof(path), "%s%s/mountinfo", s->proc, s->ns[i].mnt_path);
		mi = fopen(path, "re");
		if (!mi)
			continue;
		while (getline(&line, &cap, mi) > 0)
			put_mount(fp, s->ns[i].inum, line);
		fclose(mi);
	}
	free(line);
}

/* Parse the records in @text into @f. */
static enum nsi_exit parse_text(struct nsi_model *m, enum nsi_file_id id, char *text,
				size_t len, struct nsi_error *err)
{
	struct nsi_parse_error perr;
	FILE *fp = fmemopen(text, len ? len : 1, "r");
	int ret;

	if (!fp)
		nsi_oom();
	ret = len ? nsi_file_parse(fp, &m->files[id], &perr) : 0;
	fclose(fp);
	if (ret)
		return nsi_fail(err, NSI_EXIT_BADINPUT, "%s: %s:%u: %s", m->origin,
				nsi_file_names[id], perr.line, perr.reason);
	return NSI_EXIT_OK;
}

enum nsi_exit nsi_proc_cgroups(struct nsi_model *m, const char *proc, struct nsi_error *err)
{
	enum nsi_exit st = NSI_EXIT_OK;
	char *text = NULL;
	size_t len = 0;
	FILE *fp;

	fp = open_memstream(&text, &len);
	if (!fp)
		nsi_oom();
	m->cgroups_ok = nsi_proc_write_cgroups(fp, proc, &m->files[NSI_F_TASKS]);
	fclose(fp);
	if (m->cgroups_ok)
		st = parse_text(m, NSI_F_CGROUPS, text, len, err);
	free(text);
	return st;
}

enum nsi_exit nsi_proc_load(struct nsi_model *m, const char *proc, struct nsi_error *err)
{
	struct proc_scan s = { .proc = proc };
	char *text[NSI_NR_FILES] = { NULL };
	size_t len[NSI_NR_FILES] = { 0 };
	enum nsi_exit st = NSI_EXIT_OK;
	FILE *fp;
	int f;

	memset(m, 0, sizeof(*m));
	m->proc = true;
	m->mounts_ok = true;
	snprintf(m->origin, sizeof(m->origin), "%s", proc);

	s.tasks = open_memstream(&text[NSI_F_TASKS], &len[NSI_F_TASKS]);
	s.cgroups = open_memstream(&text[NSI_F_CGROUPS], &len[NSI_F_CGROUPS]);
	if (!s.tasks || !s.cgroups)
		nsi_oom();
	scan_tasks(&s);
	fclose(s.tasks);
	fclose(s.cgroups);
	m->cgroups_ok = true;
	if (!s.nr_tasks) {
		st = nsi_fail(err, NSI_EXIT_UNAVAILABLE, "%s: no task could be read", proc);
		goto out;
	}
	fp = open_memstream(&text[NSI_F_NAMESPACES], &len[NSI_F_NAMESPACES]);
	if (!fp)
		nsi_oom();
	write_namespaces(&s, fp);
	fclose(fp);
	fp = open_memstream(&text[NSI_F_MOUNTS], &len[NSI_F_MOUNTS]);
	if (!fp)
		nsi_oom();
	write_mounts(&s, fp);
	fclose(fp);

	for (f = 0; f < NSI_NR_FILES && st == NSI_EXIT_OK; f++)
		if (text[f])
			st = parse_text(m, f, text[f], len[f], err);
	if (st == NSI_EXIT_OK)
		st = nsi_model_build(m, err);
out:
	for (f = 0; f < NSI_NR_FILES; f++)
		free(text[f]);
	free(s.ns);
	return st;
}
