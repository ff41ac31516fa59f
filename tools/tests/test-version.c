// SPDX-License-Identifier: GPL-2.0
/*
 * Tests for the version file reader (version.c) and for how sources
 * classify failures (source.c), against tests/fixtures and temporary
 * directories.
 */
#include <errno.h>
#include <stdbool.h>
#include <linux/magic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/vfs.h>
#include <unistd.h>

#include "source.h"
#include "tests.h"
#include "version.h"

/* Read the version file of fixture @name into @ver. */
static enum nsi_exit read_fixture(const char *name, struct nsi_version *ver,
				  struct nsi_error *err)
{
	struct nsi_source src;
	char dir[PATH_MAX];
	enum nsi_exit status;

	memset(ver, 0, sizeof(*ver));
	snprintf(dir, sizeof(dir), "%s/%s", test_fixtures, name);
	status = nsi_source_init(&src, dir, err);
	if (status != NSI_EXIT_OK)
		return status;
	return nsi_version_read(&src, ver, err);
}

static void test_good(const void *arg)
{
	struct nsi_version ver;
	struct nsi_error err;

	(void)arg;
	CHECK(read_fixture("good", &ver, &err) == NSI_EXIT_OK);
	CHECK_STR(ver.module, "0.1.0");
	CHECK(ver.format == 1);
	CHECK_STR(ver.kernel, "6.1.0-56-amd64");
	CHECK(ver.nr_features == 2);
	CHECK_STR(ver.features[0].name, "namespaces");
	CHECK(ver.features[0].available);
	CHECK(!ver.features[0].reason);
	CHECK_STR(ver.features[1].name, "mounts");
	CHECK(!ver.features[1].available);
	CHECK_STR(ver.features[1].reason, "kallsyms_lookup_name not resolvable");
	nsi_version_free(&ver);
}

static void test_extra_keys(const void *arg)
{
	struct nsi_version ver;
	struct nsi_error err;

	(void)arg;
	CHECK(read_fixture("extra-keys", &ver, &err) == NSI_EXIT_OK);
	CHECK_STR(ver.module, "0.2.0");
	CHECK(ver.nr_features == 3);
	CHECK_STR(ver.features[1].name, "mounts");
	CHECK(!ver.features[1].reason);		/* reason=- */
	CHECK_STR(ver.features[2].reason, "no\nnewline\ttab");
	nsi_version_free(&ver);
}

struct bad_fixture {
	const char *name;
	enum nsi_exit status;
	const char *msg;	/* expected substring of the message */
};

static void test_bad_fixture(const void *arg)
{
	const struct bad_fixture *bad = arg;
	struct nsi_version ver;
	struct nsi_error err;

	CHECK(read_fixture(bad->name, &ver, &err) == bad->status);
	CHECK(err.status == bad->status);
	CHECK_HAS(err.msg, bad->msg);
	nsi_version_free(&ver);
}

#define BAD_FIXTURE(title, name, status, msg) \
	{ title, test_bad_fixture, &(const struct bad_fixture){ name, status, msg } }

struct bad_text {
	const char *text;
	const char *msg;
};

/* A version file with @text in a fresh temporary directory. */
static void test_bad_text(const void *arg)
{
	const struct bad_text *bad = arg;
	char dir[] = "/tmp/nsinspect-test.XXXXXX";
	char path[sizeof(dir) + 16];
	struct nsi_version ver = { 0 };
	struct nsi_source src;
	struct nsi_error err;
	enum nsi_exit status = NSI_EXIT_OK;
	bool written = false;
	FILE *fp;

	CHECK(mkdtemp(dir));
	snprintf(path, sizeof(path), "%s/version", dir);
	fp = fopen(path, "w");
	if (fp) {
		fputs(bad->text, fp);
		written = !fclose(fp);
		status = nsi_source_init(&src, dir, &err);
		if (status == NSI_EXIT_OK)
			status = nsi_version_read(&src, &ver, &err);
		nsi_version_free(&ver);
		unlink(path);
	}
	rmdir(dir);
	CHECK(written);
	CHECK(status == NSI_EXIT_BADINPUT);
	CHECK_HAS(err.msg, bad->msg);
}

#define BAD_TEXT(title, text, msg) \
	{ title, test_bad_text, &(const struct bad_text){ text, msg } }

static void test_not_a_dir(const void *arg)
{
	struct nsi_source src;
	struct nsi_error err;
	char path[PATH_MAX];

	(void)arg;
	snprintf(path, sizeof(path), "%s/good/version", test_fixtures);
	CHECK(nsi_source_init(&src, path, &err) == NSI_EXIT_UNAVAILABLE);
	CHECK_HAS(err.msg, "not a directory");
}

static void test_live_no_mountpoint(const void *arg)
{
	struct nsi_source src;
	struct nsi_error err;

	(void)arg;
	CHECK(nsi_source_init_live(&src, "/nonexistent/debug", &err) == NSI_EXIT_UNAVAILABLE);
	CHECK_STR(err.msg, "debugfs is not mounted: /nonexistent/debug does not exist");
}

/* What root sees when debugfs is not mounted: a plain empty directory. */
static void test_live_not_debugfs(const void *arg)
{
	struct nsi_source src;
	struct nsi_error err;

	(void)arg;
	CHECK(nsi_source_init_live(&src, test_fixtures, &err) == NSI_EXIT_UNAVAILABLE);
	CHECK_HAS(err.msg, "debugfs is not mounted at ");
}

static void test_live_not_loaded(const void *arg)
{
	struct nsi_source src;
	struct nsi_error err;
	struct statfs sfs;
	struct stat st;

	(void)arg;
	if (statfs(NSI_DEBUGFS_MOUNT, &sfs) || sfs.f_type != DEBUGFS_MAGIC)
		tap_skip("debugfs not mounted at " NSI_DEBUGFS_MOUNT);
	if (!stat(NSI_DEBUGFS_MOUNT "/" NSI_DEBUGFS_DIR, &st) || errno != ENOENT)
		tap_skip("the module is loaded, or debugfs is not readable");
	CHECK(nsi_source_init(&src, NULL, &err) == NSI_EXIT_UNAVAILABLE);
	CHECK_HAS(err.msg, "nsinspect module not loaded");
}

/* Root passes file modes; the CLI tests cover it by dropping to nobody. */
static void test_permission(const void *arg)
{
	char dir[] = "/tmp/nsinspect-test.XXXXXX";
	char path[sizeof(dir) + 16];
	struct nsi_version ver = { 0 };
	struct nsi_source src;
	struct nsi_error err;
	enum nsi_exit status;
	FILE *fp;

	(void)arg;
	if (geteuid() == 0)
		tap_skip("root is not denied by file modes");
	CHECK(mkdtemp(dir));
	snprintf(path, sizeof(path), "%s/version", dir);
	fp = fopen(path, "w");
	if (fp)
		fclose(fp);
	chmod(path, 0);
	status = nsi_source_init(&src, dir, &err);
	if (status == NSI_EXIT_OK)
		status = nsi_version_read(&src, &ver, &err);
	nsi_version_free(&ver);
	unlink(path);
	rmdir(dir);
	CHECK(status == NSI_EXIT_PERMISSION);
	CHECK_HAS(err.msg, "Permission denied");
}

static const struct tap_test tests[] = {
	{ "version: reads the good fixture", test_good, NULL },
	{ "version: ignores unknown keys and records", test_extra_keys, NULL },
	BAD_FIXTURE("version: rejects format version 2", "format2", NSI_EXIT_BADINPUT,
		    "format2/version: unsupported format version 2 (this tool reads 1)"),
	BAD_FIXTURE("version: reports a malformed line", "malformed", NSI_EXIT_BADINPUT,
		    "malformed/version:3: invalid escape in value of key 'reason' at column 44"),
	BAD_FIXTURE("version: reports a missing version file", "missing", NSI_EXIT_BADINPUT,
		    "missing/version: missing"),
	BAD_FIXTURE("version: reports a missing required key", "missing-key", NSI_EXIT_BADINPUT,
		    "missing-key/version:2: missing key 'kernel'"),
	BAD_FIXTURE("source: reports a missing --from directory", "does-not-exist",
		    NSI_EXIT_UNAVAILABLE, "does-not-exist: No such file or directory"),
	BAD_TEXT("version: rejects a file without records", "# only a comment\n", "no records"),
	BAD_TEXT("version: rejects a missing nsinspect key", "format=1 kernel=6.1\n",
		 ":1: missing key 'nsinspect'"),
	BAD_TEXT("version: rejects a missing format key", "nsinspect=0.1 kernel=6.1\n",
		 ":1: missing key 'format'"),
	BAD_TEXT("version: rejects a non-numeric format", "nsinspect=0.1 format=one kernel=6.1\n",
		 ":1: format is not a decimal number"),
	BAD_TEXT("version: judges the format before other keys", "nsinspect=0.9 format=3\n",
		 "unsupported format version 3 (this tool reads 1)"),
	BAD_TEXT("version: rejects a feature without state",
		 "nsinspect=0.1 format=1 kernel=6.1\nfeature=x\n", ":2: missing key 'state'"),
	BAD_TEXT("version: rejects an unknown feature state",
		 "nsinspect=0.1 format=1 kernel=6.1\nfeature=x state=maybe\n",
		 ":2: state is neither available nor unavailable"),
	{ "source: rejects --from a regular file", test_not_a_dir, NULL },
	{ "source: debugfs mount point missing", test_live_no_mountpoint, NULL },
	{ "source: debugfs not mounted (plain directory)", test_live_not_debugfs, NULL },
	{ "source: module not loaded", test_live_not_loaded, NULL },
	{ "source: permission denied", test_permission, NULL },
};

const struct tap_suite version_suite = { tests, ARRAY_SIZE(tests) };
