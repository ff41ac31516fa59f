// SPDX-License-Identifier: GPL-2.0
/*
 * metrics: the exposition format's rules on every fixture (each family's
 * HELP and TYPE before its samples, names and label values as the format
 * wants them, labels bounded), label escaping, and --textfile's atomic
 * replacement. The values themselves are in the golden files; promtool
 * and node_exporter read the output in scripts/check.sh.
 */
#include <ctype.h>
#include <limits.h>
#include <linux/magic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/vfs.h>
#include <unistd.h>

#include "exit_codes.h"
#include "run-tool.h"
#include "source.h"
#include "tests.h"

/* The one family whose labels may carry an inode number, and how many series. */
#define INUM_FAMILY	"nsinspect_namespace_unexplained_references"
#define INUM_MAX	5

static bool name_char(char c, bool first)
{
	return isalpha((unsigned char)c) || c == '_' || c == ':' ||
	       (!first && isdigit((unsigned char)c));
}

/* The metric or label name at @p, into @buf; returns what follows it. */
static const char *name_at(const char *p, char *buf, size_t size)
{
	size_t n = 0;

	while (name_char(p[n], !n) && n + 1 < size) {
		buf[n] = p[n];
		n++;
	}
	buf[n] = '\0';
	CHECK(n > 0);
	return p + n;
}

/*
 * Check one sample line "NAME{L="V",...} VALUE" of family @family: its
 * labels are none of pid or path, an inum only in INUM_FAMILY, and every
 * value's escapes are the format's (backslash, double quote, newline).
 */
static void check_sample(const char *line, const char *family, unsigned int *inums)
{
	char name[128], label[64];
	const char *p = name_at(line, name, sizeof(name));
	char *end;

	if (strcmp(name, family))
		tap_fail(__FILE__, __LINE__, "sample of %s after TYPE %s: %s", name, family, line);
	if (*p == '{') {
		do {
			p = name_at(p + 1, label, sizeof(label));
			CHECK(strcmp(label, "pid") && strcmp(label, "path"));
			if (!strcmp(label, "inum")) {
				CHECK_STR(family, INUM_FAMILY);
				++*inums;
			}
			CHECK(p[0] == '=' && p[1] == '"');
			for (p += 2; *p != '"'; p++) {
				CHECK(*p && *p != '\n');
				if (*p == '\\') {
					p++;
					CHECK(*p == '\\' || *p == '"' || *p == 'n');
				}
			}
			p++;
		} while (*p == ',');
		CHECK(*p == '}');
		p++;
	}
	CHECK(*p == ' ');
	strtod(p + 1, &end);
	CHECK(end != p + 1 && !*end);
}

/* The whole of @out: families typed and described, each once, samples after them. */
static void check_exposition(char *out)
{
	char family[128] = "", help[128] = "", seen[8192] = " ", key[132];
	unsigned int inums = 0, families = 0;
	char *line, *save;

	CHECK(*out && out[strlen(out) - 1] == '\n');
	for (line = strtok_r(out, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
		if (!strncmp(line, "# HELP ", 7)) {
			name_at(line + 7, help, sizeof(help));
			CHECK(strncmp(help, "nsinspect_", 10) == 0);
			/* Each family described once, its samples together. */
			snprintf(key, sizeof(key), " %s ", help);
			CHECK(!strstr(seen, key));
			CHECK(strlen(seen) + strlen(key) < sizeof(seen));
			strcat(seen, key + 1);
		} else if (!strncmp(line, "# TYPE ", 7)) {
			const char *p = name_at(line + 7, family, sizeof(family));

			CHECK_STR(family, help);
			CHECK_STR(p, " gauge");
			/* _total is for counters alone. */
			CHECK(!strstr(family, "_total"));
			families++;
		} else {
			CHECK(line[0] != '#');
			CHECK(family[0]);
			check_sample(line, family, &inums);
		}
	}
	CHECK(families >= 2);
	CHECK(inums <= INUM_MAX);
}

static void test_format(const void *arg)
{
	const char *const args[] = { "metrics", NULL };
	char from[PATH_MAX];
	struct run run;

	snprintf(from, sizeof(from), "%s/%s", test_fixtures, (const char *)arg);
	CHECK(run_tool(&run, from, args, false));
	CHECK(run.status == NSI_EXIT_OK);
	CHECK_STR(run.err, "");
	check_exposition(run.out);
}

/* A kernel release with a quote and a backslash: escaped in the label. */
static void test_escaping(const void *arg)
{
	static const char *const files[] = { "tasks", "nsproxies", "namespaces", "mounts" };
	const char *const args[] = { "metrics", NULL };
	char dir[] = "/tmp/nsi-metrics-XXXXXX", path[PATH_MAX], rel[PATH_MAX], target[PATH_MAX];
	struct run run;
	bool ran;
	FILE *fp;
	size_t i;

	(void)arg;
	CHECK(mkdtemp(dir));
	for (i = 0; i < ARRAY_SIZE(files); i++) {
		snprintf(path, sizeof(path), "%s/%s", dir, files[i]);
		snprintf(rel, sizeof(rel), "%s/vm/%s", test_fixtures, files[i]);
		CHECK(realpath(rel, target) && !symlink(target, path));
	}
	snprintf(path, sizeof(path), "%s/version", dir);
	fp = fopen(path, "we");
	CHECK(fp);
	/* The record format's escape of a backslash: \134. */
	fputs("nsinspect=0.1\"x format=1 kernel=6.1\"q\\134b\nfeature=namespaces state=available\n",
	      fp);
	CHECK(!fclose(fp));
	ran = run_tool(&run, dir, args, false);
	snprintf(path, sizeof(path), "rm -rf %s", dir);
	CHECK(!system(path));
	CHECK(ran && run.status == NSI_EXIT_OK);
	CHECK_HAS(run.out, "nsinspect_info{kernel=\"6.1\\\"q\\\\b\",");
	CHECK_HAS(run.out, "nsinspect_module_info{version=\"0.1\\\"x\",format=\"1\"} 1\n");
	check_exposition(run.out);
}

/* The whole of @path, or NULL. */
static char *slurp(const char *path)
{
	FILE *fp = fopen(path, "re");
	char *buf = calloc(1, 65536);
	size_t n;

	if (!fp || !buf) {
		if (fp)
			fclose(fp);
		free(buf);
		return NULL;
	}
	n = fread(buf, 1, 65535, fp);
	buf[n] = '\0';
	fclose(fp);
	return buf;
}

/* Entries of @dir other than . and .. */
static unsigned int entries(const char *dir)
{
	char cmd[PATH_MAX + 64];
	unsigned int n = 0;
	FILE *fp;

	snprintf(cmd, sizeof(cmd), "ls -A %s | wc -l", dir);
	fp = popen(cmd, "r");
	CHECK(fp && fscanf(fp, "%u", &n) == 1);
	pclose(fp);
	return n;
}

/*
 * --textfile PATH: the same text as standard output, readable by all, a
 * new inode renamed over the old file, and no temporary file left.
 */
static void test_textfile(const void *arg)
{
	char dir[] = "/tmp/nsi-metrics-XXXXXX", path[PATH_MAX], from[PATH_MAX], cmd[PATH_MAX];
	const char *const out_args[] = { "metrics", NULL };
	const char *const file_args[] = { "metrics", "--textfile", path, NULL };
	struct stat before, after;
	struct run run, run2;
	char *text;
	FILE *fp;

	(void)arg;
	snprintf(from, sizeof(from), "%s/vm", test_fixtures);
	CHECK(mkdtemp(dir));
	snprintf(path, sizeof(path), "%s/nsinspect.prom", dir);
	fp = fopen(path, "we");
	CHECK(fp && fputs("old\n", fp) >= 0 && !fclose(fp));
	CHECK(!stat(path, &before));
	CHECK(run_tool(&run, from, out_args, false) && run.status == NSI_EXIT_OK);
	CHECK(run_tool(&run2, from, file_args, false));
	text = slurp(path);
	CHECK(!stat(path, &after));
	snprintf(cmd, sizeof(cmd), "rm -rf %s", dir);
	if (entries(dir) != 1) {
		CHECK(!system(cmd));
		tap_fail(__FILE__, __LINE__, "a temporary file was left in %s", dir);
	}
	CHECK(!system(cmd));
	CHECK(run2.status == NSI_EXIT_OK);
	CHECK_STR(run2.out, "");
	CHECK_STR(run2.err, "");
	CHECK(text);
	CHECK_STR(text, run.out);
	free(text);
	CHECK(before.st_ino != after.st_ino);
	CHECK((after.st_mode & 07777) == 0644);
}

/* A directory that does not exist: status 3, and nothing written. */
static void test_textfile_missing_dir(const void *arg)
{
	const char *const args[] = { "metrics", "--textfile", "/nonexistent/nsinspect.prom", NULL };
	char from[PATH_MAX];
	struct run run;

	(void)arg;
	snprintf(from, sizeof(from), "%s/vm", test_fixtures);
	CHECK(run_tool(&run, from, args, false));
	CHECK(run.status == NSI_EXIT_UNAVAILABLE);
	CHECK_HAS(run.err, ": /nonexistent/.nsinspect.prom.");
	CHECK_HAS(run.err, "No such file or directory");
	CHECK_STR(run.out, "");
}

/* Without the module: from /proc, which a series says, and nothing on stderr. */
static void test_proc(const void *arg)
{
	const char *const args[] = { "metrics", NULL };
	struct statfs sfs;
	struct run run;

	(void)arg;
	if (!statfs(NSI_DEBUGFS_MOUNT, &sfs) && sfs.f_type == DEBUGFS_MAGIC)
		tap_skip("debugfs is mounted here");
	CHECK(run_tool(&run, NULL, args, false));
	CHECK(run.status == NSI_EXIT_OK);
	CHECK_STR(run.err, "");
	CHECK_HAS(run.out, "\nnsinspect_module_loaded 0\n");
	CHECK_HAS(run.out, ",source=\"proc\"} 1\n");
	CHECK_HAS(run.out, "\nnsinspect_namespaces{type=\"pid\",state=\"live\"} ");
	CHECK(!strstr(run.out, "nsinspect_unexplained_references"));
	CHECK(!strstr(run.out, "nsinspect_check_findings"));
	check_exposition(run.out);
}

static const struct tap_test tests[] = {
	{ "metrics: exposition format, vm fixture", test_format, "vm" },
	{ "metrics: exposition format, 7.x fixture", test_format, "v7" },
	{ "metrics: exposition format, active refs fixture", test_format, "newer" },
	{ "metrics: exposition format, the good fixture", test_format, "good" },
	{ "metrics: label values escaped", test_escaping, NULL },
	{ "metrics: --textfile replaces the file atomically", test_textfile, NULL },
	{ "metrics: --textfile in a missing directory", test_textfile_missing_dir, NULL },
	{ "metrics: from /proc without the module", test_proc, NULL },
};

const struct tap_suite metrics_suite = { tests, ARRAY_SIZE(tests) };
