// SPDX-License-Identifier: GPL-2.0
/*
 * check's negative-writers rule over repeated samples of the mounts file,
 * fed from tests/fixtures/writers/CASE/mounts.N instead of the live module,
 * so that nothing waits. The model is the vm fixture, whose mount 25 has
 * writers=-1.
 */
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cmd_check.h"
#include "load.h"
#include "tests.h"

struct fake {
	const char *dir;	/* under tests/fixtures/writers; NULL: a failing read */
	unsigned int calls;
};

/* Sample i is DIR/mounts.i, read 0.1 s after the one before. */
static enum nsi_exit read_fake(const struct nsi_samples *s, unsigned int i,
			       struct nsi_file *file, double *at, struct nsi_error *err)
{
	struct fake *f = (struct fake *)s->data;
	struct nsi_source src;
	char dir[PATH_MAX], name[16];
	enum nsi_exit st;

	f->calls++;
	CHECK(i == f->calls);
	if (!f->dir)
		return nsi_fail(err, NSI_EXIT_UNAVAILABLE, "module unloaded");
	snprintf(dir, sizeof(dir), "%s/writers/%s", test_fixtures, f->dir);
	snprintf(name, sizeof(name), "mounts.%u", i);
	st = nsi_source_init(&src, dir, err);
	if (st == NSI_EXIT_OK)
		st = nsi_source_read(&src, name, file, err);
	*at = i * 0.1;
	return st;
}

struct result {
	enum nsi_exit status;
	char out[16384];
};

/* check [-J] of @fixture, with @count samples from @fake; stdout captured. */
static void run_check_as(const char *fixture, struct fake *fake, unsigned int count, bool json,
			 struct result *res)
{
	struct nsi_ctx ctx = { .type = -1, .pid = -1, .json = json };
	struct nsi_samples s = { count, read_fake, fake };
	struct nsi_model m = { 0 };
	struct nsi_source src;
	struct nsi_error err;
	char dir[PATH_MAX];
	FILE *tmp = tmpfile();
	int saved;
	size_t n;

	CHECK(tmp);
	snprintf(dir, sizeof(dir), "%s/%s", test_fixtures, fixture);
	CHECK(nsi_source_init(&src, dir, &err) == NSI_EXIT_OK);
	CHECK(nsi_model_load(&m, &src, NSI_FILES_ALL, &err) == NSI_EXIT_OK);
	fflush(stdout);
	saved = dup(STDOUT_FILENO);
	dup2(fileno(tmp), STDOUT_FILENO);
	res->status = nsi_check_run(&ctx, &m, &s, &err);
	fflush(stdout);
	dup2(saved, STDOUT_FILENO);
	close(saved);
	nsi_model_free(&m);
	rewind(tmp);
	n = fread(res->out, 1, sizeof(res->out) - 1, tmp);
	res->out[n] = '\0';
	fclose(tmp);
}

static void run_check(const char *fixture, struct fake *fake, unsigned int count,
		      struct result *res)
{
	run_check_as(fixture, fake, count, true, res);
}

/* The JSON fields of a finding: what is wrong, and what it rests on. */
#define PROBLEM(text)	"\"problem\": \"" text "\""

/* A mount's finding names no pid, so no container. */
#define SAMPLED(samples, seen, duration) \
	"\"samples\": " #samples ",\n         \"seen\": " #seen ",\n         " \
	"\"duration\": " #duration ",\n         \"container\": null\n"

static void test_persistent(const void *arg)
{
	struct fake fake = { "persistent", 0 };
	struct result res;

	(void)arg;
	run_check("vm", &fake, 5, &res);
	CHECK(fake.calls == 4);
	CHECK(res.status == NSI_EXIT_FINDINGS);
	CHECK_HAS(res.out, PROBLEM("writers=-1 on /mnt/my disk in 5 of 5 samples over 0.4 s"));
	CHECK_HAS(res.out, SAMPLED(5, 5, 0.400));
}

/* A sample where the count is back to 0, or the id is another mount's. */
static void test_not_persistent(const void *arg)
{
	struct fake fake = { arg, 0 };
	struct result res;

	run_check("vm", &fake, 5, &res);
	CHECK(fake.calls == 4);
	/* The vm fixture's other findings remain. */
	CHECK(res.status == NSI_EXIT_FINDINGS);
	CHECK_HAS(res.out, "\"rule\": \"writers-dead-mount\"");
	CHECK(!strstr(res.out, "negative-writers"));
}

/* A clean system says what it checked, and what did not persist. */
static void test_clean_summary(const void *arg)
{
	struct fake fake = { "transient", 0 };
	struct result res;

	(void)arg;
	run_check_as("writers/clean", &fake, 5, false, &res);
	CHECK(fake.calls == 4);
	CHECK(res.status == NSI_EXIT_OK);
	CHECK_HAS(res.out, "checked 11 namespaces, 2 nsproxies and 4 mounts: no anomalies (");
	CHECK_HAS(res.out, "(1 negative writers count did not persist over 5 samples)\n");
}

static void test_single_sample(const void *arg)
{
	struct fake fake = { "persistent", 0 };
	struct result res;

	(void)arg;
	run_check("vm", &fake, 1, &res);
	CHECK(fake.calls == 0);
	CHECK(res.status == NSI_EXIT_FINDINGS);
	CHECK_HAS(res.out,
		  PROBLEM("writers=-1 on /mnt/my disk in a single sample, which may be transient"));
	CHECK_HAS(res.out, SAMPLED(1, 1, 0));
}

/* No negative count: nothing to confirm, so no waiting for samples. */
static void test_no_resampling(const void *arg)
{
	struct fake fake = { NULL, 0 };
	struct result res;

	(void)arg;
	run_check("v7", &fake, 5, &res);
	CHECK(fake.calls == 0);
	CHECK(res.status == NSI_EXIT_OK);
}

static void test_sample_fails(const void *arg)
{
	struct fake fake = { NULL, 0 };
	struct result res;

	(void)arg;
	run_check("vm", &fake, 5, &res);
	CHECK(fake.calls == 1);
	CHECK(res.status == NSI_EXIT_UNAVAILABLE);
	CHECK_STR(res.out, "");
}

static const struct tap_test tests[] = {
	{ "check: writers negative in every sample is a finding", test_persistent, NULL },
	{ "check: writers back to 0 in one sample is transient", test_not_persistent,
	  "transient" },
	{ "check: a reused mount id is another mount", test_not_persistent, "reused" },
	{ "check: a clean run says what it checked", test_clean_summary, NULL },
	{ "check: one sample is a finding that may be transient", test_single_sample, NULL },
	{ "check: no negative writers, no samples taken", test_no_resampling, NULL },
	{ "check: a failing sample is the command's failure", test_sample_fails, NULL },
};

const struct tap_suite check_suite = { tests, ARRAY_SIZE(tests) };
