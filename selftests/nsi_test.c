// SPDX-License-Identifier: GPL-2.0
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "nsi_test.h"

char *nsi_read_file(const char *name, size_t chunk, int *opened)
{
	size_t cap = 1 << 16, len = 0;
	char path[256], *buf = NULL;
	ssize_t n = 0;
	int fd, err;

	snprintf(path, sizeof(path), "%s%s", name[0] == '/' ? "" : NSI_DIR "/", name);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (opened)
		*opened = fd >= 0;
	if (fd < 0)
		return NULL;
	for (;;) {
		if (!buf || len + chunk + 1 > cap) {
			char *nb;

			while (len + chunk + 1 > cap)
				cap *= 2;
			nb = realloc(buf, cap);
			if (!nb) {
				n = -1;
				errno = ENOMEM;
				break;
			}
			buf = nb;
		}
		n = read(fd, buf + len, chunk);
		if (n <= 0)
			break;
		len += n;
	}
	err = errno;
	close(fd);
	if (n < 0) {
		free(buf);
		errno = err;
		return NULL;
	}
	buf[len] = '\0';
	return buf;
}

char *nsi_load(const char *name)
{
	return nsi_read_file(name, 1 << 16, NULL);
}

/* Unescape \ooo sequences of a value that ends at a space or newline. */
static void unescape(const char *v, char *out, size_t outsize)
{
	size_t o = 0;

	while (*v && *v != ' ' && *v != '\n' && o + 1 < outsize) {
		if (v[0] == '\\' && v[1] && v[2] && v[3]) {
			out[o++] = (char)((v[1] - '0') * 64 + (v[2] - '0') * 8 + (v[3] - '0'));
			v += 4;
		} else {
			out[o++] = *v++;
		}
	}
	out[o] = '\0';
}

/* The value of " key=" in the line starting at rec, or NULL. */
static const char *find_key(const char *rec, const char *key)
{
	const char *end = strchrnul(rec, '\n');
	size_t klen = strlen(key);
	const char *p = rec;

	while (p && p < end) {
		if (!strncmp(p, key, klen) && p[klen] == '=')
			return p + klen + 1;
		p = memchr(p, ' ', end - p);
		if (p)
			p++;
	}
	return NULL;
}

int nsi_get(const char *rec, const char *key, char *out, size_t outsize)
{
	const char *v = find_key(rec, key);

	if (!v)
		return -1;
	unescape(v, out, outsize);
	return 0;
}

long long nsi_num(const char *rec, const char *key)
{
	char val[64], *end;
	long long n;

	if (nsi_get(rec, key, val, sizeof(val)) || !strcmp(val, "-"))
		return NSI_NONE;
	n = strtoll(val, &end, 10);
	return *end ? NSI_NONE : n;
}

int nsi_has(const char *rec, const char *key, const char *word)
{
	char val[256], *tok, *save;

	if (nsi_get(rec, key, val, sizeof(val)))
		return 0;
	for (tok = strtok_r(val, ",", &save); tok; tok = strtok_r(NULL, ",", &save))
		if (!strcmp(tok, word))
			return 1;
	return 0;
}

static int rec_matches(const char *rec, const char *k, const char *v)
{
	char val[4096];

	return !nsi_get(rec, k, val, sizeof(val)) && (!v || !strcmp(val, v));
}

const char *nsi_rec(const char *text, const char *k1, const char *v1,
		    const char *k2, const char *v2)
{
	const char *line = text;

	while (line && *line) {
		if (*line != '#' && rec_matches(line, k1, v1) &&
		    (!k2 || rec_matches(line, k2, v2)))
			return line;
		line = strchr(line, '\n');
		if (line)
			line++;
	}
	return NULL;
}

const char *nsi_ns_rec(const char *text, const char *type, unsigned long ino)
{
	char v[32];

	snprintf(v, sizeof(v), "%lu", ino);
	return nsi_rec(text, "type", type, "inum", v);
}

const char *nsi_task_rec(const char *text, pid_t pid)
{
	char v[32];

	snprintf(v, sizeof(v), "%d", pid);
	return nsi_rec(text, "pid", v, NULL, NULL);
}

int nsi_field(const char *text, const char *sel, const char *selval,
	      const char *key, char *out, size_t outsize)
{
	const char *rec = nsi_rec(text, sel, selval, NULL, NULL);

	return rec ? nsi_get(rec, key, out, outsize) : -1;
}

long nsi_check_format(const char *text)
{
	long records = 0, want = -1, line = 0;
	const char *p = text, *h;

	while (*p) {
		const char *end = strchrnul(p, '\n');
		const char *tok = p;

		line++;
		if (*p == '#') {
			h = strstr(p, " records=");
			if (h && h < end)
				want = atol(h + 9);
		} else {
			if (end == p)
				return line;
			while (tok < end) {
				const char *sp = memchr(tok, ' ', end - tok);
				const char *eq;

				sp = sp ? sp : end;
				eq = memchr(tok, '=', sp - tok);
				if (!eq || eq == tok || memchr(eq + 1, '=', sp - eq - 1))
					return line;
				tok = sp + 1;
			}
			records++;
		}
		p = *end ? end + 1 : end;
	}
	return want >= 0 && want != records ? -1 : 0;
}

double nsi_now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

long nsi_env_long(const char *name, long def)
{
	const char *v = getenv(name);

	return v && *v ? atol(v) : def;
}

int nsi_module_load(const char *path)
{
	int fd, ret;

	if (!path)
		return -1;
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -1;
	ret = syscall(SYS_finit_module, fd, "", 0);
	close(fd);
	return ret;
}

unsigned long nsi_ns_ino(pid_t pid, const char *name)
{
	char path[64];
	struct stat st;

	snprintf(path, sizeof(path), "/proc/%d/ns/%s", pid, name);
	return stat(path, &st) ? 0 : st.st_ino;
}

/* What nsi_child_run() sends; a NULL fn is nsi_child_stop()'s. */
struct child_request {
	int (*fn)(void *arg);
	void *arg;
};

/* The children this process started and has not stopped yet. */
static struct nsi_child *children;

static void __attribute__((noreturn)) child_serve(int cmd, int ack)
{
	struct child_request rq;
	char r;

	while (read(cmd, &rq, sizeof(rq)) == sizeof(rq) && rq.fn) {
		r = rq.fn(rq.arg) ? 'N' : 'Y';
		if (write(ack, &r, 1) != 1)
			break;
	}
	while (children)
		nsi_child_stop(children);
	_exit(0);
}

int nsi_child_start(struct nsi_child *c, int (*fn)(void *), void *arg)
{
	int cmd[2], ack[2];
	char r = 'N';

	c->pid = 0;
	if (pipe2(cmd, O_CLOEXEC))
		return -1;
	if (pipe2(ack, O_CLOEXEC)) {
		close(cmd[0]);
		close(cmd[1]);
		return -1;
	}
	c->pid = fork();
	if (c->pid == 0) {
		children = NULL;	/* our parent's, not ours */
		close(cmd[1]);
		close(ack[0]);
		r = !fn || !fn(arg) ? 'Y' : 'N';
		if (write(ack[1], &r, 1) != 1)
			_exit(1);
		child_serve(cmd[0], ack[1]);
	}
	close(cmd[0]);
	close(ack[1]);
	c->cmd = cmd[1];
	c->ack = ack[0];
	if (c->pid < 0) {
		close(c->cmd);
		close(c->ack);
		c->pid = 0;
		return -1;
	}
	c->next = children;
	children = c;
	if (read(c->ack, &r, 1) != 1)
		r = 'N';
	return r == 'Y' ? 0 : -1;
}

int nsi_child_run(struct nsi_child *c, int (*fn)(void *), void *arg)
{
	struct child_request rq = { fn, arg };
	char r = 'N';

	if (write(c->cmd, &rq, sizeof(rq)) != sizeof(rq) || read(c->ack, &r, 1) != 1)
		return -1;
	return r == 'Y' ? 0 : -1;
}

void nsi_child_stop(struct nsi_child *c)
{
	struct child_request quit = { NULL, NULL };
	struct nsi_child **p;

	if (c->pid <= 0)
		return;
	/* A request, not end of file: later children inherit the pipe ends. */
	if (write(c->cmd, &quit, sizeof(quit)) != sizeof(quit))
		kill(c->pid, SIGKILL);
	waitpid(c->pid, NULL, 0);
	close(c->cmd);
	close(c->ack);
	for (p = &children; *p; p = &(*p)->next) {
		if (*p == c) {
			*p = c->next;
			break;
		}
	}
	c->pid = 0;
}
