// SPDX-License-Identifier: GPL-2.0
/*
 * Running the tool under test; see run-tool.h.
 */
#include <grp.h>
#include <pty.h>
#include <stdio.h>
#include <sys/wait.h>
#include <unistd.h>

#include "run-tool.h"
#include "tests.h"

#define NOBODY	65534

static void slurp(FILE *fp, char *buf, size_t size)
{
	size_t n;

	rewind(fp);
	n = fread(buf, 1, size - 1, fp);
	buf[n] = '\0';
}

/*
 * Run the tool as "nsinspect-tool [--from DIR] ARGS...", as nobody if
 * @as_nobody. Output goes through temporary files, not pipes, so a chatty
 * child (say, a sanitizer report) cannot block on a full pipe.
 */
bool run_tool(struct run *run, const char *from_dir, const char *const *args, bool as_nobody)
{
	const char *argv[16];
	FILE *out = tmpfile(), *err = tmpfile();
	size_t n = 0;
	int wstatus;
	pid_t pid;

	if (!out || !err)
		return false;
	argv[n++] = test_tool;
	if (from_dir) {
		argv[n++] = "--from";
		argv[n++] = from_dir;
	}
	while (*args && n < ARRAY_SIZE(argv) - 1)
		argv[n++] = *args++;
	argv[n] = NULL;

	pid = fork();
	if (pid == 0) {
		dup2(fileno(out), STDOUT_FILENO);
		dup2(fileno(err), STDERR_FILENO);
		if (as_nobody && (setgroups(0, NULL) || setgid(NOBODY) || setuid(NOBODY)))
			_exit(CHILD_SETUID_FAILED);
		execv(test_tool, (char *const *)argv);
		_exit(CHILD_EXEC_FAILED);
	}
	if (pid < 0 || waitpid(pid, &wstatus, 0) != pid) {
		fclose(out);
		fclose(err);
		return false;
	}
	run->status = WIFEXITED(wstatus) ? WEXITSTATUS(wstatus) : 128 + WTERMSIG(wstatus);
	slurp(out, run->out, sizeof(run->out));
	slurp(err, run->err, sizeof(run->err));
	fclose(out);
	fclose(err);
	return true;
}

bool run_tool_tty(struct run *run, const char *const *args, unsigned short cols)
{
	struct winsize ws = { .ws_row = 25, .ws_col = cols };
	const char *argv[16];
	size_t n = 0, len = 0;
	ssize_t r;
	int master, wstatus;
	pid_t pid;

	argv[n++] = test_tool;
	while (*args && n < ARRAY_SIZE(argv) - 1)
		argv[n++] = *args++;
	argv[n] = NULL;
	pid = forkpty(&master, NULL, NULL, &ws);
	if (pid == 0) {
		execv(test_tool, (char *const *)argv);
		_exit(CHILD_EXEC_FAILED);
	}
	if (pid < 0)
		return false;
	/* EIO once the child has closed the terminal. */
	while (len < sizeof(run->out) - 1 &&
	       (r = read(master, run->out + len, sizeof(run->out) - 1 - len)) > 0)
		len += (size_t)r;
	run->out[len] = '\0';
	close(master);
	if (waitpid(pid, &wstatus, 0) != pid)
		return false;
	run->status = WIFEXITED(wstatus) ? WEXITSTATUS(wstatus) : 128 + WTERMSIG(wstatus);
	return true;
}
