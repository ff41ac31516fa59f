// SPDX-License-Identifier: GPL-2.0
/*
 * Tests that run the nsinspect-tool binary: exit statuses and the first
 * line of output on each path, which is what scripts and users see.
 */
#include <errno.h>
#include <linux/magic.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/vfs.h>
#include <unistd.h>

#include "exit_codes.h"
#include "source.h"
#include "run-tool.h"
#include "tests.h"

/* The first line of @text (without newline) in @buf. */
static const char *first_line(const char *text, char *buf, size_t size)
{
	size_t len = strcspn(text, "\n");

	if (len >= size)
		len = size - 1;
	memcpy(buf, text, len);
	buf[len] = '\0';
	return buf;
}

/* Check @run against the expected status and first lines; NULL: no output. */
static void check_run(const struct run *run, int status, const char *out, const char *err)
{
	char line[1024];

	if (run->status != status) {
		tap_diag("stdout: %s", first_line(run->out, line, sizeof(line)));
		tap_diag("stderr: %s", first_line(run->err, line, sizeof(line)));
		tap_fail(__FILE__, __LINE__, "exit status %d, expected %d", run->status, status);
	}
	if (out)
		CHECK_STR(first_line(run->out, line, sizeof(line)), out);
	else
		CHECK_STR(run->out, "");
	if (err) {
		first_line(run->err, line, sizeof(line));
		CHECK(!strncmp(line, "nsinspect-tool: ", 16));
		CHECK_HAS(line, err);
	} else {
		CHECK_STR(run->err, "");
	}
}

struct cli_case {
	const char *fixture;	/* for --from, or NULL */
	const char *args[4];
	int status;
	const char *out;	/* first line of stdout; NULL: none */
	const char *err;	/* in the first line of stderr; NULL: none */
};

static void test_cli_case(const void *arg)
{
	const struct cli_case *c = arg;
	char from[PATH_MAX];
	struct run run;

	snprintf(from, sizeof(from), "%s/%s", test_fixtures, c->fixture ? c->fixture : "");
	CHECK(run_tool(&run, c->fixture ? from : NULL, c->args, false));
	check_run(&run, c->status, c->out, c->err);
}

#define CLI(title, fixture, status, out, err, ...) {			\
	title, test_cli_case, &(const struct cli_case){		\
		fixture, { __VA_ARGS__, NULL }, status, out, err }	\
}

#define TOOL_LINE	"nsinspect-tool " NSI_VERSION

static void test_table(const void *arg)
{
	static const char *const args[] = { "--version", NULL };
	char from[PATH_MAX];
	struct run run;

	(void)arg;
	snprintf(from, sizeof(from), "%s/good", test_fixtures);
	CHECK(run_tool(&run, from, args, false));
	CHECK(run.status == NSI_EXIT_OK);
	CHECK_HAS(run.out, "module 0.1.0\n");
	CHECK_HAS(run.out, "format 1\n");
	CHECK_HAS(run.out, "kernel 6.1.0-56-amd64\n");
	CHECK_HAS(run.out, "FEATURE    STATE       REASON\n");
	CHECK_HAS(run.out, "namespaces available");
	CHECK_HAS(run.out, "mounts     unavailable kallsyms_lookup_name not resolvable\n");
}

static void test_live_no_debugfs(const void *arg)
{
	static const char *const args[] = { "--version", NULL };
	struct statfs sfs;
	struct run run;

	(void)arg;
	if (!statfs(NSI_DEBUGFS_MOUNT, &sfs) && sfs.f_type == DEBUGFS_MAGIC)
		tap_skip("debugfs is mounted here");
	CHECK(run_tool(&run, NULL, args, false));
	check_run(&run, NSI_EXIT_UNAVAILABLE, TOOL_LINE,
		  "debugfs is not mounted at " NSI_DEBUGFS_MOUNT);
}

/* The end of a run as nobody; skipped if the child could not become nobody. */
static void check_denied(const struct run *run, bool ran, const char *out, const char *err)
{
	CHECK(ran);
	if (run->status == CHILD_SETUID_FAILED || run->status == CHILD_EXEC_FAILED)
		tap_skip("cannot run %s as nobody", test_tool);
	check_run(run, NSI_EXIT_PERMISSION, out, err);
}

/*
 * A root-only version file, read by someone else: as root the child
 * drops to nobody, since root itself is never denied by file modes.
 */
static void test_permission(const void *arg)
{
	static const char *const args[] = { "--version", NULL };
	char dir[] = "/tmp/nsinspect-test.XXXXXX";
	char path[sizeof(dir) + 16];
	bool root = geteuid() == 0;
	bool ran = false;
	struct run run;
	FILE *fp;

	(void)arg;
	CHECK(mkdtemp(dir));
	snprintf(path, sizeof(path), "%s/version", dir);
	fp = fopen(path, "w");
	if (fp && !fclose(fp) && !chmod(path, root ? 0400 : 0) && !chmod(dir, 0755))
		ran = run_tool(&run, dir, args, root);
	unlink(path);
	rmdir(dir);
	check_denied(&run, ran, TOOL_LINE, "Permission denied");
}

/* Copy the good fixture with @file root-only, and read it as nobody. */
static void test_permission_file(const void *arg)
{
	static const char *const files[] = { "version", "tasks", "nsproxies", "namespaces",
					     "mounts" };
	static const char *const args[] = { "list", NULL };
	char dir[] = "/tmp/nsinspect-test.XXXXXX", cmd[PATH_MAX + 64], path[64];
	bool root = geteuid() == 0;
	struct run run;
	size_t i;
	bool ran;

	CHECK(mkdtemp(dir));
	snprintf(cmd, sizeof(cmd), "cp %s/good/* %s/", test_fixtures, dir);
	ran = !system(cmd) && !chmod(dir, 0755);
	for (i = 0; i < ARRAY_SIZE(files); i++) {
		snprintf(path, sizeof(path), "%s/%s", dir, files[i]);
		ran = ran && !chmod(path, strcmp(files[i], arg) ? 0644 : root ? 0400 : 0);
	}
	ran = ran && run_tool(&run, dir, args, root);
	for (i = 0; i < ARRAY_SIZE(files); i++) {
		snprintf(path, sizeof(path), "%s/%s", dir, files[i]);
		unlink(path);
	}
	rmdir(dir);
	check_denied(&run, ran, NULL, "tasks: Permission denied");
}

/*
 * snapshot of a fixture, then diff against it: no difference; and the copy
 * keeps the tasks' cgroups, so that it names the same containers.
 */
static void test_snapshot_roundtrip(const void *arg)
{
	char dir[] = "/tmp/nsinspect-test.XXXXXX", snap[64], from[PATH_MAX], cmd[2 * PATH_MAX];
	const char *const snap_args[] = { "snapshot", "-o", snap, NULL };
	const char *const diff_args[] = { "diff", from, snap, NULL };
	struct run run;
	bool ran;

	(void)arg;
	CHECK(mkdtemp(dir));
	snprintf(snap, sizeof(snap), "%s/snap", dir);
	snprintf(from, sizeof(from), "%s/vm", test_fixtures);
	ran = run_tool(&run, from, snap_args, false);
	if (ran && run.status == NSI_EXIT_OK) {
		ran = run_tool(&run, NULL, diff_args, false);
		if (ran)
			check_run(&run, NSI_EXIT_OK, NULL, NULL);
		snprintf(cmd, sizeof(cmd), "cmp -s %s/cgroups %s/cgroups", from, snap);
		CHECK(!system(cmd));
		/* A second snapshot to the same place must not overwrite it. */
		ran = ran && run_tool(&run, from, snap_args, false);
		if (ran)
			check_run(&run, NSI_EXIT_USAGE, NULL, "already exists");
	}
	snprintf(cmd, sizeof(cmd), "rm -rf %s", dir);
	CHECK(!system(cmd));
	CHECK(ran);
}

/* Without the module, pids falls back to /proc: our own pid is there. */
static void test_proc_mode(const void *arg)
{
	char pid[24], line[1024];
	const char *const args[] = { "pids", "-l", "-o", "PID,NSPID", pid, NULL };
	struct statfs sfs;
	struct run run;

	(void)arg;
	if (!statfs(NSI_DEBUGFS_MOUNT, &sfs) && sfs.f_type == DEBUGFS_MAGIC)
		tap_skip("debugfs is mounted here");
	snprintf(pid, sizeof(pid), "%d", (int)getpid());
	CHECK(run_tool(&run, NULL, args, false));
	CHECK(run.status == NSI_EXIT_OK);
	CHECK_HAS(first_line(run.err, line, sizeof(line)), "reading /proc");
	CHECK(!strchr(run.err, '\n') || !strchr(strchr(run.err, '\n') + 1, '\n'));
	CHECK_HAS(run.out, pid);
}

/*
 * tree on an 80-column terminal, as make demo's serial console: one line
 * per namespace (no task rows unless asked), none wider than the terminal.
 */
static void test_tree_80_columns(const void *arg)
{
	char from[PATH_MAX];
	const char *const args[] = { "--from", from, "tree", arg, NULL };
	struct run run;
	const char *line, *end;
	size_t lines = 0;

	snprintf(from, sizeof(from), "%s/v7", test_fixtures);
	CHECK(run_tool_tty(&run, args, 80));
	CHECK(run.status == NSI_EXIT_OK);
	for (line = run.out; *line; line = end + (*end != '\0')) {
		end = line + strcspn(line, "\n");
		/* The terminal turns each newline into CR LF. */
		if (end - line > 80 + 1) {
			tap_diag("%.*s", (int)(end - line), line);
			tap_fail(__FILE__, __LINE__, "line %zu is wider than 80 columns",
				 lines + 1);
		}
		lines++;
	}
	/* A header and the 11 namespaces, plus the 5 processes with -P. */
	CHECK(lines == (arg ? 17 : 12));
	CHECK(!strstr(run.out, "task 301") == !arg);
}

/* Like util-linux, the tool follows the locale: UTF-8 tree art in a UTF-8 one. */
static void test_utf8_locale(const void *arg)
{
	const char *const args[] = { "tree", NULL };
	char from[PATH_MAX];
	struct run run;
	bool ok;

	(void)arg;
	snprintf(from, sizeof(from), "%s/vm", test_fixtures);
	setenv("LC_ALL", "C.UTF-8", 1);
	ok = run_tool(&run, from, args, false);
	setenv("LC_ALL", "C", 1);
	CHECK(ok);
	CHECK(run.status == NSI_EXIT_OK);
	CHECK_HAS(run.out, "\u251c\u2500user:[4026532200]");
}

static const struct tap_test tests[] = {
	CLI("cli: --version with the good fixture", "good", NSI_EXIT_OK, TOOL_LINE, NULL,
	    "--version"),
	CLI("cli: -V", "good", NSI_EXIT_OK, TOOL_LINE, NULL, "-V"),
	CLI("cli: version command", "good", NSI_EXIT_OK, TOOL_LINE, NULL, "version"),
	{ "cli: --version prints the feature table", test_table, NULL },
	CLI("cli: --help", NULL, NSI_EXIT_OK,
	    "Usage: nsinspect-tool [--from DIR] [COMMAND [OPTIONS] [ARGS]]",
	    NULL, "--help"),
	CLI("cli: no command runs tree", "good", NSI_EXIT_OK,
	    "NAME                  REFS TASKS FDS BINDMOUNTS PID COMMAND",
	    NULL, NULL),
	CLI("cli: unknown long option", NULL, NSI_EXIT_USAGE, NULL, "unknown option '--bogus'",
	    "--bogus"),
	CLI("cli: unknown short option", NULL, NSI_EXIT_USAGE, NULL, "unknown option '-x'", "-x"),
	CLI("cli: --from without argument", NULL, NSI_EXIT_USAGE, NULL,
	    "option '--from' needs an argument", "--from"),
	CLI("cli: unknown command", "good", NSI_EXIT_USAGE, NULL, "unknown command 'frob'",
	    "frob"),
	CLI("cli: extra argument to version", "good", NSI_EXIT_USAGE, NULL,
	    "version: unexpected argument 'x'", "version", "x"),
	CLI("cli: --from DIR missing", "does-not-exist", NSI_EXIT_UNAVAILABLE, TOOL_LINE,
	    "does-not-exist: No such file or directory", "--version"),
	CLI("cli: unsupported format version", "format2", NSI_EXIT_BADINPUT, TOOL_LINE,
	    "unsupported format version 2 (this tool reads 1)", "--version"),
	CLI("cli: malformed version file", "malformed", NSI_EXIT_BADINPUT, TOOL_LINE,
	    "malformed/version:3: invalid escape", "--version"),
	CLI("cli: missing version file", "missing", NSI_EXIT_BADINPUT, TOOL_LINE,
	    "missing/version: missing", "--version"),
	CLI("cli: missing required key", "missing-key", NSI_EXIT_BADINPUT, TOOL_LINE,
	    "missing key 'kernel'", "--version"),
	{ "cli: debugfs not mounted", test_live_no_debugfs, NULL },
	{ "cli: permission denied", test_permission, NULL },
	{ "cli: permission denied on tasks", test_permission_file, "tasks" },
	{ "cli: snapshot, then diff against it", test_snapshot_roundtrip, NULL },
	{ "cli: /proc mode without the module", test_proc_mode, NULL },
	{ "cli: UTF-8 tree art in a UTF-8 locale", test_utf8_locale, NULL },
	{ "cli: tree fits 80 columns", test_tree_80_columns, NULL },
	{ "cli: tree --processes fits 80 columns", test_tree_80_columns, "--processes" },
	CLI("cli: list --help", "vm", NSI_EXIT_OK,
	    "Usage: nsinspect-tool [--from DIR] list [OPTIONS]", NULL, "list", "--help"),
	CLI("cli: pids --help", "vm", NSI_EXIT_OK,
	    "Usage: nsinspect-tool [--from DIR] pids [OPTIONS] [PID]", NULL, "pids", "-h"),
	CLI("cli: unknown column", "vm", NSI_EXIT_USAGE, NULL, "unknown column 'BOGUS'",
	    "list", "-o", "NS,BOGUS"),
	CLI("cli: unknown type", "vm", NSI_EXIT_USAGE, NULL,
	    "list: unknown namespace type 'frob'", "list", "-t", "frob"),
	CLI("cli: unknown command option", "vm", NSI_EXIT_USAGE, NULL,
	    "tree: unknown option '--bogus'", "tree", "--bogus"),
	CLI("cli: option of another command", "vm", NSI_EXIT_USAGE, NULL,
	    "list: unknown option '-a'", "list", "-a"),
	CLI("cli: -o without argument", "vm", NSI_EXIT_USAGE, NULL,
	    "list: option '-o' needs an argument", "list", "-o"),
	CLI("cli: bad PID", "vm", NSI_EXIT_USAGE, NULL, "pids: invalid PID 'abc'", "pids", "abc"),
	CLI("cli: no such PID", "vm", NSI_EXIT_USAGE, NULL, "pids: no task with pid 999",
	    "pids", "999"),
	CLI("cli: extra argument to pids", "vm", NSI_EXIT_USAGE, NULL,
	    "pids: unexpected argument '2'", "pids", "1", "2"),
	CLI("cli: mounts --pid 0", "vm", NSI_EXIT_USAGE, NULL, "--pid: invalid PID '0'",
	    "mounts", "--pid", "0"),
	CLI("cli: mounts --pid of no task", "vm", NSI_EXIT_USAGE, NULL,
	    "mounts: no task with pid 999", "mounts", "--pid", "999"),
	CLI("cli: mounts --ns not a number", "vm", NSI_EXIT_USAGE, NULL,
	    "--ns: invalid inode number 'x'", "mounts", "--ns", "x"),
	CLI("cli: mounts --ns without mounts", "vm", NSI_EXIT_USAGE, NULL,
	    "no mounts in mount namespace 4026531838", "mounts", "--ns", "4026531838"),
	CLI("cli: mounts unavailable", "good", NSI_EXIT_UNAVAILABLE, NULL,
	    "cannot walk mounts on this kernel: kallsyms_lookup_name not resolvable", "mounts"),
	CLI("cli: snapshot without -o", "vm", NSI_EXIT_USAGE, NULL,
	    "snapshot: -o PATH is required", "snapshot"),
	CLI("cli: diff with one path", "vm", NSI_EXIT_USAGE, NULL,
	    "diff: missing argument PATH1 PATH2", "diff", "x"),
	CLI("cli: diff of a missing directory", "vm", NSI_EXIT_UNAVAILABLE, NULL,
	    "nope: No such file or directory", "diff", "nope", "nope"),
	CLI("cli: value not a number", "bad-value", NSI_EXIT_BADINPUT, NULL,
	    "bad-value/tasks:3: key 'tgid' is not a number", "list"),
	/* The cgroups file is read only for CONTAINER, and then checked. */
	CLI("cli: a cgroups pid not a number", "bad-cgroups", NSI_EXIT_BADINPUT, NULL,
	    "bad-cgroups/cgroups:3: key 'pid' is not a number", "pids", "-o", "PID,CONTAINER"),
	CLI("cli: the cgroups file unread without CONTAINER", "bad-cgroups", NSI_EXIT_OK, "1",
	    NULL, "pids", "-noPID", "1"),
	CLI("cli: malformed record", "bad-record", NSI_EXIT_BADINPUT, NULL,
	    "bad-record/tasks:4: double space at column 13", "tree"),
	CLI("cli: duplicate record", "duplicate", NSI_EXIT_BADINPUT, NULL,
	    "duplicate/namespaces:11: duplicate namespaces record", "check"),
	CLI("cli: unknown namespace type in input", "unknown-type", NSI_EXIT_BADINPUT, NULL,
	    "unknown-type/namespaces:5: unknown namespace type", "list"),
	CLI("cli: missing tasks file", "version-only", NSI_EXIT_BADINPUT, NULL,
	    "version-only/tasks: missing", "pids"),
	/* list reads only the files its columns need. */
	CLI("cli: list of kernel counts needs no tasks file", "namespaces-only", NSI_EXIT_OK,
	    "4026531834 time       8   10 task", NULL, "list", "-n", "-oNS,TYPE,TASKS,REFS,VIA"),
	CLI("cli: list COMMAND needs the tasks file", "namespaces-only", NSI_EXIT_BADINPUT, NULL,
	    "namespaces-only/tasks: missing", "list", "-o", "NS,COMMAND"),
	CLI("cli: list UNEXPLAINED needs the tasks file", "namespaces-only", NSI_EXIT_BADINPUT,
	    NULL, "namespaces-only/tasks: missing", "list", "-o", "NS,UNEXPLAINED"),
	CLI("cli: unsupported format for a command", "format2", NSI_EXIT_BADINPUT, NULL,
	    "unsupported format version 2", "list"),
	CLI("cli: no module, no /proc fallback for check", NULL, NSI_EXIT_UNAVAILABLE, NULL,
	    "", "check"),
	CLI("cli: check -q on a clean system", "good", NSI_EXIT_OK, NULL, NULL, "check", "-q"),
	CLI("cli: check -q with findings", "vm", NSI_EXIT_FINDINGS, NULL, NULL, "check", "-q"),
	CLI("cli: check --samples 0", "vm", NSI_EXIT_USAGE, NULL,
	    "check: --samples: not a number from 1 to 1000: '0'", "check", "--samples", "0"),
	CLI("cli: check --interval too long", "vm", NSI_EXIT_USAGE, NULL,
	    "check: --interval: not a number from 0 to 60000: '60001'", "check", "--interval",
	    "60001"),
	CLI("cli: check --samples of a snapshot", "vm", NSI_EXIT_USAGE, NULL,
	    "--samples needs the live module: --from DIR is one sample", "check", "-s", "2"),
	/* trace: every bad command line is refused before anything is armed. */
	CLI("cli: trace without a window", NULL, NSI_EXIT_USAGE, NULL,
	    "trace: say how long: --for DURATION or -- COMMAND", "trace", "net:1"),
	CLI("cli: trace --for not a duration", NULL, NSI_EXIT_USAGE, NULL,
	    "trace: --for: not a duration from 1ms to 24h: '3x'", "trace", "--for=3x", "net:1"),
	CLI("cli: trace --for too long", NULL, NSI_EXIT_USAGE, NULL,
	    "trace: --for: not a duration from 1ms to 24h: '25h'", "trace", "--for=25h", "net:1"),
	CLI("cli: trace of an unknown type", NULL, NSI_EXIT_USAGE, NULL,
	    "trace: unknown namespace type 'foo'", "trace", "--for=1s", "foo:1"),
	CLI("cli: trace of a bad inode number", NULL, NSI_EXIT_USAGE, NULL,
	    "trace: invalid inode number 'abc'", "trace", "--for=1s", "net:abc"),
	CLI("cli: trace of a bad mount id", NULL, NSI_EXIT_USAGE, NULL,
	    "trace: invalid mount id '-3'", "trace", "--for=1s", "mount:-3"),
	CLI("cli: trace --writers of a namespace", NULL, NSI_EXIT_USAGE, NULL,
	    "trace: --writers applies to mounts only, not 'net:1'", "trace", "--writers",
	    "net:1"),
	CLI("cli: trace --new of a type without a list", NULL, NSI_EXIT_USAGE, NULL,
	    "trace: --new: only net namespaces are traced from birth, not 'pid'", "trace",
	    "--new=pid"),
	CLI("cli: trace of nothing", NULL, NSI_EXIT_USAGE, NULL,
	    "trace: name what to trace: TYPE:INUM, mount:ID, netdev:NAME@net:INUM or --new net",
	    "trace", "--for=1s"),
	CLI("cli: trace of a device without its net", NULL, NSI_EXIT_USAGE, NULL,
	    "trace: 'netdev:lo' is not netdev:NAME@net:INUM", "trace", "netdev:lo", "--for=1s"),
	CLI("cli: trace of a device name too long", NULL, NSI_EXIT_USAGE, NULL,
	    "trace: 'abcdefghijklmnopq' is longer than a device name", "trace",
	    "netdev:abcdefghijklmnopq@net:1", "--for=1s"),
	CLI("cli: trace --writers of a device", NULL, NSI_EXIT_USAGE, NULL,
	    "trace: --writers applies to mounts only, not 'netdev:lo@net:1'", "trace", "--writers",
	    "netdev:lo@net:1"),
	CLI("cli: trace without a command after --", NULL, NSI_EXIT_USAGE, NULL,
	    "trace: no COMMAND after '--'", "trace", "net:1", "--"),
	CLI("cli: trace of a snapshot", "good", NSI_EXIT_USAGE, NULL,
	    "trace: traces the live kernel; --from does not apply", "trace", "--for=1s",
	    "net:1"),
};

const struct tap_suite cli_suite = { tests, ARRAY_SIZE(tests) };
