// SPDX-License-Identifier: GPL-2.0
/*
 * Tests for the record parser (record.c).
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "record.h"
#include "tests.h"

static void test_simple(const void *arg)
{
	struct nsi_parse_error err;
	struct nsi_record rec;

	(void)arg;
	CHECK(!nsi_record_parse("nsinspect=0.1.0 format=1 kernel=6.1.0-56-amd64", 2, &rec, &err));
	CHECK(rec.line == 2);
	CHECK(rec.nr_fields == 3);
	CHECK_STR(rec.fields[0].key, "nsinspect");
	CHECK_STR(rec.fields[0].value, "0.1.0");
	CHECK_STR(rec.fields[2].key, "kernel");
	CHECK_STR(nsi_record_get(&rec, "format"), "1");
	CHECK(!nsi_record_get(&rec, "absent"));
	nsi_record_free(&rec);
}

static void test_escapes(const void *arg)
{
	static const char line[] =
		"sp=a\\040b eq=a\\075b nl=a\\012b bs=a\\134b all=\\040\\075\\012\\134";
	struct nsi_parse_error err;
	struct nsi_record rec;

	(void)arg;
	CHECK(!nsi_record_parse(line, 1, &rec, &err));
	CHECK_STR(nsi_record_get(&rec, "sp"), "a b");
	CHECK_STR(nsi_record_get(&rec, "eq"), "a=b");
	CHECK_STR(nsi_record_get(&rec, "nl"), "a\nb");
	CHECK_STR(nsi_record_get(&rec, "bs"), "a\\b");
	CHECK_STR(nsi_record_get(&rec, "all"), " =\n\\");
	nsi_record_free(&rec);
}

static void test_none(const void *arg)
{
	struct nsi_parse_error err;
	struct nsi_record rec;

	(void)arg;
	CHECK(!nsi_record_parse("reason=- name=x- dash=\\055", 1, &rec, &err));
	/* Kept as "-": whether it means "none" is the caller's call. */
	CHECK_STR(nsi_record_get(&rec, "reason"), "-");
	CHECK(nsi_is_none(nsi_record_get(&rec, "reason")));
	CHECK(!nsi_is_none(nsi_record_get(&rec, "name")));
	CHECK(!nsi_is_none(NULL));
	nsi_record_free(&rec);
}

static void test_high_bytes(const void *arg)
{
	struct nsi_parse_error err;
	struct nsi_record rec;

	(void)arg;
	CHECK(!nsi_record_parse("path=/tmp/\xc3\xa9t\xc3\xa9 raw=\\377", 1, &rec, &err));
	CHECK_STR(nsi_record_get(&rec, "path"), "/tmp/\xc3\xa9t\xc3\xa9");
	CHECK_STR(nsi_record_get(&rec, "raw"), "\xff");
	nsi_record_free(&rec);
}

/* A line of @len bytes: "k=vvvv...". */
static char *long_line(size_t len)
{
	char *line = malloc(len + 1);

	memset(line, 'v', len);
	memcpy(line, "k=", 2);
	line[len] = '\0';
	return line;
}

static void test_line_max(const void *arg)
{
	char *line = long_line(NSI_RECORD_LINE_MAX);
	struct nsi_parse_error err;
	struct nsi_record rec;

	(void)arg;
	CHECK(!nsi_record_parse(line, 1, &rec, &err));
	CHECK(strlen(nsi_record_get(&rec, "k")) == NSI_RECORD_LINE_MAX - 2);
	nsi_record_free(&rec);
	free(line);
}

static void test_overlong(const void *arg)
{
	char *line = long_line(NSI_RECORD_LINE_MAX + 1);
	struct nsi_parse_error err;
	struct nsi_record rec;

	(void)arg;
	CHECK(nsi_record_parse(line, 9, &rec, &err) == -EBADMSG);
	CHECK(err.line == 9);
	CHECK_HAS(err.reason, "line too long");
	free(line);
}

struct bad_line {
	const char *line;
	const char *reason;	/* expected substring of the reason */
};

static void test_bad_line(const void *arg)
{
	const struct bad_line *bad = arg;
	struct nsi_parse_error err;
	struct nsi_record rec;

	CHECK(nsi_record_parse(bad->line, 7, &rec, &err) == -EBADMSG);
	CHECK(err.line == 7);
	CHECK_HAS(err.reason, bad->reason);
	/* Nothing half-parsed is left behind to free or misuse. */
	CHECK(!rec.nr_fields && !rec.fields && !rec.buf);
}

#define BAD(name, line, reason) \
	{ "rejects " name, test_bad_line, &(const struct bad_line){ line, reason } }

/* Parse @text as a whole file. */
static int parse_text(const char *text, size_t len, struct nsi_file *file,
		      struct nsi_parse_error *err)
{
	FILE *fp = fmemopen((void *)text, len, "r");
	int ret;

	if (!fp)
		return -errno;
	ret = nsi_file_parse(fp, file, err);
	fclose(fp);
	return ret;
}

static void test_file(const void *arg)
{
	static const char text[] = "# header\n\na=1\n# middle\nb=2 c=3\n\n";
	struct nsi_parse_error err;
	struct nsi_file file;

	(void)arg;
	CHECK(!parse_text(text, strlen(text), &file, &err));
	CHECK(file.nr_records == 2);
	/* Line numbers count every line, comments and empty ones included. */
	CHECK(file.records[0].line == 3);
	CHECK(file.records[1].line == 5);
	CHECK_STR(nsi_record_get(&file.records[1], "c"), "3");
	CHECK(file.nr_comments == 2);
	CHECK_STR(file.comments[0], "# header");
	CHECK_STR(file.comments[1], "# middle");
	nsi_file_free(&file);
}

static void test_file_no_newline(const void *arg)
{
	static const char text[] = "a=1\nb=2";
	struct nsi_parse_error err;
	struct nsi_file file;

	(void)arg;
	CHECK(!parse_text(text, strlen(text), &file, &err));
	CHECK(file.nr_records == 2);
	CHECK_STR(nsi_record_get(&file.records[1], "b"), "2");
	nsi_file_free(&file);
}

static void test_file_empty(const void *arg)
{
	struct nsi_parse_error err;
	struct nsi_file file;

	(void)arg;
	CHECK(!parse_text("\n", 1, &file, &err));
	CHECK(!file.nr_records && !file.nr_comments);
	nsi_file_free(&file);
}

static void test_file_error(const void *arg)
{
	static const char text[] = "a=1\n\n# c\nb=x\\09\nc=3\n";
	struct nsi_parse_error err;
	struct nsi_file file;

	(void)arg;
	CHECK(parse_text(text, strlen(text), &file, &err) == -EBADMSG);
	CHECK(err.line == 4);
	CHECK_HAS(err.reason, "invalid escape in value of key 'b' at column 4");
	/* Records before the bad line stay, for callers that check a header. */
	CHECK(file.nr_records == 1);
	CHECK_STR(nsi_record_get(&file.records[0], "a"), "1");
	nsi_file_free(&file);
}

static void test_file_nul(const void *arg)
{
	static const char text[] = "a=1\nb=2\0c=3\n";
	struct nsi_parse_error err;
	struct nsi_file file;

	(void)arg;
	CHECK(parse_text(text, sizeof(text) - 1, &file, &err) == -EBADMSG);
	CHECK(err.line == 2);
	CHECK_HAS(err.reason, "NUL byte");
	nsi_file_free(&file);
}

static void test_file_overlong(const void *arg)
{
	size_t len = NSI_RECORD_LINE_MAX + 1;
	char *text = malloc(len + 8);
	struct nsi_parse_error err;
	struct nsi_file file;

	(void)arg;
	memcpy(text, "a=1\n", 4);
	memset(text + 4, 'v', len);
	memcpy(text + 4, "k=", 2);
	text[4 + len] = '\n';
	CHECK(parse_text(text, len + 5, &file, &err) == -EBADMSG);
	CHECK(err.line == 2);
	CHECK_HAS(err.reason, "line too long");
	nsi_file_free(&file);
	free(text);
}

static const struct tap_test tests[] = {
	{ "parses a plain record", test_simple, NULL },
	{ "decodes octal escapes \\040 \\075 \\012 \\134", test_escapes, NULL },
	{ "keeps '-' as the literal none marker", test_none, NULL },
	{ "passes bytes >= 0x80 through", test_high_bytes, NULL },
	{ "accepts a line of NSI_RECORD_LINE_MAX bytes", test_line_max, NULL },
	{ "rejects an overlong line", test_overlong, NULL },
	BAD("a duplicate key", "a=1 b=2 a=3", "duplicate key 'a' at column 9"),
	BAD("a field without '='", "a=1 b", "missing '=' in field at column 5"),
	BAD("an empty key", "a=1 =2", "empty key at column 5"),
	BAD("an empty value", "a=1 b=", "empty value for key 'b'"),
	BAD("a trailing space", "a=1 ", "trailing space"),
	BAD("a leading space", " a=1", "leading space"),
	BAD("a double space", "a=1  b=2", "double space at column 4"),
	BAD("a non-octal escape \\09", "a=x\\09y",
	    "invalid escape in value of key 'a' at column 4"),
	BAD("a truncated escape \\04", "a=x\\04", "truncated escape in value of key 'a'"),
	BAD("a truncated escape before a space", "a=\\04 b=1", "truncated escape"),
	BAD("a lone backslash", "a=x\\", "truncated escape"),
	BAD("an escape above \\377", "a=\\400", "escape out of range"),
	BAD("an escaped NUL", "a=\\000", "escaped NUL"),
	BAD("an unescaped '='", "a=b=c", "unescaped '=' in value of key 'a' at column 4"),
	BAD("an unescaped tab", "a=x\ty", "unescaped control byte"),
	BAD("an unescaped DEL", "a=x\x7f", "unescaped control byte"),
	BAD("a carriage return", "a=1\r", "unescaped control byte"),
	BAD("an invalid byte in a key", "a/b=1", "invalid byte in key at column 2"),
	BAD("an empty line", "", "empty line"),
	BAD("a comment line", "# a=1", "comment where a record was expected"),
	{ "file: keeps comments aside, skips empty lines", test_file, NULL },
	{ "file: accepts a last line without newline", test_file_no_newline, NULL },
	{ "file: accepts an empty file", test_file_empty, NULL },
	{ "file: reports the line, keeps earlier records", test_file_error, NULL },
	{ "file: rejects a NUL byte", test_file_nul, NULL },
	{ "file: rejects an overlong line", test_file_overlong, NULL },
};

const struct tap_suite record_suite = { tests, ARRAY_SIZE(tests) };
