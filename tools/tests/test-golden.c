// SPDX-License-Identifier: GPL-2.0
/*
 * Golden tests: run a subcommand on a fixture and compare its whole
 * stdout with tests/golden/NAME. JSON output must also satisfy a real
 * parser (jq), since "looks like JSON" is not the contract.
 *
 * After an intended output change: make check NSI_UPDATE_GOLDEN=1
 * rewrites the files; review them with git diff before committing.
 */
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "exit_codes.h"
#include "run-tool.h"
#include "tests.h"

/* The test is named "golden: NAME"; tests/golden/NAME holds its output. */
#define GOLDEN_PREFIX	"golden: "

struct golden {
	const char *fixture;
	int status;
	const char *args[10];
};

static bool is_json(const struct golden *g)
{
	const char *const *a;

	for (a = g->args; *a; a++)
		if (!strcmp(*a, "-J") || !strcmp(*a, "--json"))
			return true;
	return false;
}

/* The whole of @path, or NULL. */
static char *slurp_file(const char *path)
{
	FILE *fp = fopen(path, "re");
	char *buf;
	long n;

	if (!fp)
		return NULL;
	fseek(fp, 0, SEEK_END);
	n = ftell(fp);
	rewind(fp);
	buf = calloc(1, (size_t)(n < 0 ? 0 : n) + 1);
	if (buf && n > 0 && fread(buf, 1, (size_t)n, fp) != (size_t)n) {
		free(buf);
		buf = NULL;
	}
	fclose(fp);
	return buf;
}

/* Say where @got and @expected first differ, line-wise. */
static void show_difference(const char *got, const char *expected)
{
	unsigned int line = 1;
	size_t i = 0, start = 0;

	while (got[i] && got[i] == expected[i]) {
		if (got[i] == '\n') {
			line++;
			start = i + 1;
		}
		i++;
	}
	tap_diag("first difference in line %u:", line);
	tap_diag("  got:      '%.*s'", (int)strcspn(got + start, "\n"), got + start);
	tap_diag("  expected: '%.*s'", (int)strcspn(expected + start, "\n"), expected + start);
}

/* Write @text to a new temporary file from @templ; false on failure. */
static bool write_temp(char *templ, const char *text)
{
	int fd = mkstemp(templ);
	size_t len = strlen(text);
	bool ok;

	if (fd < 0)
		return false;
	ok = write(fd, text, len) == (ssize_t)len;
	close(fd);
	return ok;
}

/* jq -e holds for @text: the program in file @prog, or "." (valid JSON) if NULL. */
static void check_jq(const char *text, const char *prog)
{
	char data[] = "/tmp/nsinspect-json.XXXXXX", cmd[2 * PATH_MAX];
	int ret = -1;

	if (write_temp(data, text)) {
		if (prog)
			snprintf(cmd, sizeof(cmd), "jq -e -L %s/../jq -f %s %s > /dev/null 2>&1",
				 test_fixtures, prog, data);
		else
			snprintf(cmd, sizeof(cmd), "jq -e . %s > /dev/null 2>&1", data);
		ret = system(cmd);
	}
	unlink(data);
	if (ret == 127 << 8)
		tap_skip("jq is not installed");
	if (ret)
		tap_diag("jq -e %s failed", prog ? prog : ".");
	CHECK(ret == 0);
}

static void test_golden(const void *arg)
{
	const struct golden *g = arg;
	char from[PATH_MAX], path[PATH_MAX];
	struct run run;
	char *expected;
	FILE *fp;

	snprintf(from, sizeof(from), "%s/%s", test_fixtures, g->fixture);
	snprintf(path, sizeof(path), "%s/../golden/%s", test_fixtures,
		 tap_current_name + strlen(GOLDEN_PREFIX));
	CHECK(run_tool(&run, from, g->args, false));
	if (run.status != g->status)
		tap_diag("stderr: %s", run.err);
	CHECK(run.status == g->status);
	CHECK_STR(run.err, "");
	if (is_json(g))
		check_jq(run.out, NULL);

	if (getenv("NSI_UPDATE_GOLDEN")) {
		fp = fopen(path, "we");
		CHECK(fp && fputs(run.out, fp) >= 0 && !fclose(fp));
		return;
	}
	expected = slurp_file(path);
	if (!expected)
		tap_fail(__FILE__, __LINE__, "cannot read %s", path);
	if (strcmp(run.out, expected)) {
		show_difference(run.out, expected);
		free(expected);
		tap_fail(__FILE__, __LINE__, "output differs from %s", path);
	}
	free(expected);
}

#define GOLDEN(name, fixture, status, ...) {				\
	GOLDEN_PREFIX name, test_golden, &(const struct golden){	\
		fixture, status, { __VA_ARGS__, NULL } }		\
}

/*
 * The JSON of each command is typed and complete: tests/jq/NAME.jq checks
 * the type of every field it may have (tests/jq/types.jq).
 */
struct jq_case {
	const char *fixture;
	const char *args[8];
};

#define JQ_PREFIX	"json: "

static void test_jq(const void *arg)
{
	const struct jq_case *c = arg;
	char from[PATH_MAX], prog[PATH_MAX];
	struct run run;

	snprintf(from, sizeof(from), "%s/%s", test_fixtures, c->fixture);
	snprintf(prog, sizeof(prog), "%s/../jq/%s.jq", test_fixtures,
		 tap_current_name + strlen(JQ_PREFIX));
	CHECK(run_tool(&run, from, c->args, false));
	CHECK(run.status == NSI_EXIT_OK || run.status == NSI_EXIT_FINDINGS);
	CHECK_STR(run.err, "");
	check_jq(run.out, prog);
}

/* The test "json: NAME" runs tests/jq/NAME.jq. */
#define JQ(name, fixture, ...) {					\
	JQ_PREFIX name, test_jq, &(const struct jq_case){		\
		fixture, { __VA_ARGS__, NULL } }			\
}

static const struct tap_test jq_tests[] = {
	JQ("tree", "vm", "tree", "-J"),
	JQ("list", "vm", "list", "-J", "-o", "+ID,ACTIVE,LEVEL,PID,NSPID,CONTAINER"),
	JQ("list-uncounted", "v7", "list", "-J", "-o", "+ACTIVE,PID"),
	JQ("pids", "vm", "pids", "-J", "-o", "+CONTAINER"),
	JQ("nsproxies", "vm", "nsproxies", "-J", "-o", "+MNT,NET,PIDNS_FOR_CHILDREN"),
	JQ("mounts", "vm", "mounts", "--all", "-J"),
	JQ("check", "vm", "check", "-J"),
	JQ("diff-kinds", "vm", "diff", "-J", "tests/fixtures/vm", "tests/fixtures/vm-later"),
	JQ("diff-types", "vm", "diff", "-J", "tests/fixtures/vm", "tests/fixtures/v7"),
};

const struct tap_suite jq_suite = { jq_tests, ARRAY_SIZE(jq_tests) };

#define OK	NSI_EXIT_OK
#define FOUND	NSI_EXIT_FINDINGS

static const struct tap_test tests[] = {
	GOLDEN("tree", "vm", OK, "tree"),
	GOLDEN("tree.json", "vm", OK, "tree", "-J"),
	GOLDEN("tree-list", "vm", OK, "tree", "-l", "-o", "NAME,TYPE,REFS,UNEXPLAINED"),
	GOLDEN("tree-pid", "vm", OK, "tree", "-t", "pid", "--processes"),
	GOLDEN("tree-processes", "vm", OK, "tree", "-P", "-o", "+PIDNS_FOR_CHILDREN"),
	GOLDEN("default-command", "good", OK, NULL),
	GOLDEN("list", "vm", OK, "list"),
	GOLDEN("list.json", "vm", OK, "list", "--json"),
	GOLDEN("list-net-raw", "vm", OK, "list", "-t", "net", "-r", "-n"),
	GOLDEN("list-details", "vm", OK, "list", "-o", "+DETAILS,LEVEL"),
	GOLDEN("list-active", "newer", OK, "list"),
	/* 7.x: the initial namespaces' refs and active are not counted ("-"). */
	GOLDEN("list-uncounted", "v7", OK, "list", "-o", "+ACTIVE,DETAILS"),
	GOLDEN("list-uncounted.json", "v7", OK, "list", "-J"),
	GOLDEN("tree-uncounted", "v7", OK, "tree", "-o", "+UNEXPLAINED"),
	GOLDEN("check-uncounted", "v7", OK, "check"),
	GOLDEN("pids", "vm", OK, "pids"),
	GOLDEN("pids-210", "vm", OK, "pids", "210"),
	GOLDEN("pids.json", "vm", OK, "pids", "-J"),
	GOLDEN("pids-list", "vm", OK, "pids", "-l", "-o", "PID,NSPID,NSPROXY"),
	/* Containers by name from the snapshot's cgroups file; JSON has whole ids. */
	GOLDEN("pids-container", "vm", OK, "pids", "-l", "-o", "PID,COMMAND,CONTAINER"),
	GOLDEN("pids-container.json", "vm", OK, "pids", "-l", "-J", "-o", "PID,CONTAINER"),
	GOLDEN("list-container", "vm", OK, "list", "-o", "NS,TYPE,PID,COMMAND,CONTAINER"),
	GOLDEN("tree-container", "vm", OK, "tree", "-P", "-o", "NAME,PID,CONTAINER"),
	GOLDEN("holders-container", "vm", OK, "holders", "mnt:[4026532202]"),
	/* A snapshot from before the cgroups file: no container, no error. */
	GOLDEN("pids-container-none", "good", OK, "pids", "-o", "PID,CONTAINER"),
	GOLDEN("nsproxies", "vm", OK, "nsproxies"),
	GOLDEN("nsproxies.json", "vm", OK, "nsproxies", "-J", "-o",
	       "ID,COUNT,MNT,PIDNS_FOR_CHILDREN"),
	GOLDEN("mounts", "vm", OK, "mounts"),
	GOLDEN("mounts-all", "vm", OK, "mounts", "--all"),
	GOLDEN("mounts-all.json", "vm", OK, "mounts", "--all", "-J"),
	GOLDEN("mounts-pid-list", "vm", OK, "mounts", "--pid", "210", "-l"),
	GOLDEN("mounts-ns-raw", "vm", OK, "mounts", "--ns", "4026531841", "-r", "-o",
	       "ID,TARGET,FLAGS"),
	GOLDEN("check", "vm", FOUND, "check"),
	GOLDEN("check.json", "vm", FOUND, "check", "-J"),
	GOLDEN("check-clean", "good", OK, "check"),
	GOLDEN("check-clean.json", "good", OK, "check", "-J"),
	GOLDEN("graph", "vm", OK, "graph"),
	GOLDEN("diff", "vm", FOUND, "diff", "tests/fixtures/vm", "tests/fixtures/vm-later"),
	GOLDEN("diff.json", "vm", FOUND, "diff", "-J", "tests/fixtures/vm",
	       "tests/fixtures/vm-later"),
	GOLDEN("diff-same", "vm", OK, "diff", "tests/fixtures/vm", "tests/fixtures/vm"),
	GOLDEN("metrics", "vm", OK, "metrics"),
	GOLDEN("metrics-uncounted", "v7", OK, "metrics"),
};

const struct tap_suite golden_suite = { tests, ARRAY_SIZE(tests) };
