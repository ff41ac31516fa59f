// SPDX-License-Identifier: GPL-2.0
/*
 * libsmartcols output shared by the subcommands; see output.h.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "model.h"
#include "output.h"
#include "xalloc.h"

static int find_column(const struct nsi_colinfo *info, size_t nr, const char *name,
		       size_t len)
{
	size_t i;

	for (i = 0; i < nr; i++)
		if (strlen(info[i].name) == len && !strncasecmp(info[i].name, name, len))
			return (int)i;
	return -1;
}

/* Append the columns of comma-separated @list to @ids. */
static enum nsi_exit parse_columns(const struct nsi_colinfo *info, size_t nr,
				   const char *list, int *ids, size_t *nr_ids,
				   struct nsi_error *err)
{
	const char *p = list;

	for (;;) {
		size_t len = strcspn(p, ",");
		int id = find_column(info, nr, p, len);

		if (id < 0)
			return nsi_fail(err, NSI_EXIT_USAGE, "unknown column '%.*s'",
					(int)(len > 64 ? 64 : len), p);
		if (*nr_ids == NSI_OUT_MAX_COLS)
			return nsi_fail(err, NSI_EXIT_USAGE, "too many columns");
		ids[(*nr_ids)++] = id;
		if (!p[len])
			return NSI_EXIT_OK;
		p += len + 1;
	}
}

/* The columns @ctx asks for, into @ids. */
static enum nsi_exit chosen_columns(const struct nsi_ctx *ctx, const struct nsi_colinfo *info,
				    size_t nr, const char *defaults, int *ids, size_t *nr_ids,
				    struct nsi_error *err)
{
	enum nsi_exit st;

	*nr_ids = 0;
	if (!ctx->output || ctx->output[0] == '+')
		st = parse_columns(info, nr, defaults, ids, nr_ids, err);
	else
		st = parse_columns(info, nr, ctx->output, ids, nr_ids, err);
	if (st == NSI_EXIT_OK && ctx->output && ctx->output[0] == '+')
		st = parse_columns(info, nr, ctx->output + 1, ids, nr_ids, err);
	return st;
}

bool nsi_out_wants(const struct nsi_ctx *ctx, const struct nsi_colinfo *info, size_t nr,
		   const char *defaults, int col)
{
	int ids[NSI_OUT_MAX_COLS];
	struct nsi_error err;
	size_t nr_ids, i;

	if (chosen_columns(ctx, info, nr, defaults, ids, &nr_ids, &err) != NSI_EXIT_OK)
		return true;
	for (i = 0; i < nr_ids; i++)
		if (ids[i] == col)
			return true;
	return false;
}

enum nsi_exit nsi_out_init(struct nsi_out *out, const struct nsi_ctx *ctx,
			   const struct nsi_colinfo *info, size_t nr,
			   const char *defaults, const char *name, struct nsi_error *err)
{
	int ids[NSI_OUT_MAX_COLS];
	size_t nr_ids = 0, i;
	enum nsi_exit st;

	memset(out, 0, sizeof(*out));
	out->info = info;
	out->json = ctx->json;
	/* A raw table has no room for tree art: raw is a flat list, as in findmnt. */
	out->tree = !ctx->list && !ctx->raw;
	for (i = 0; i < NSI_OUT_MAX_COLS; i++)
		out->colpos[i] = -1;

	st = chosen_columns(ctx, info, nr, defaults, ids, &nr_ids, err);
	if (st != NSI_EXIT_OK)
		return st;

	out->tb = scols_new_table();
	if (!out->tb)
		nsi_oom();
	scols_table_enable_json(out->tb, ctx->json);
	scols_table_enable_raw(out->tb, ctx->raw);
	scols_table_enable_noheadings(out->tb, ctx->noheadings);
	scols_table_set_name(out->tb, name);

	for (i = 0; i < nr_ids; i++) {
		const struct nsi_colinfo *ci = &info[ids[i]];
		struct libscols_column *cl;
		int fl = 0;

		/* A column listed twice is shown once, where first asked for. */
		if (out->colpos[ids[i]] >= 0)
			continue;
		if ((ci->flags & NSI_COL_TREE) && out->tree)
			fl |= SCOLS_FL_TREE;
		if (ci->flags & NSI_COL_RIGHT)
			fl |= SCOLS_FL_RIGHT;
		if (ci->flags & NSI_COL_TRUNC)
			fl |= SCOLS_FL_TRUNC;
		if (ci->flags & NSI_COL_WRAP)
			fl |= SCOLS_FL_WRAP;
		cl = scols_table_new_column(out->tb, ci->name, ci->whint, fl);
		if (!cl)
			nsi_oom();
		/* A typed column's cells are JSON already: libsmartcols writes numbers raw. */
		if (ci->flags & (NSI_COL_NUMBER | NSI_COL_TYPED))
			scols_column_set_json_type(cl, SCOLS_JSON_NUMBER);
		out->colpos[ids[i]] = (int)scols_table_get_ncols(out->tb) - 1;
	}
	return NSI_EXIT_OK;
}

struct libscols_line *nsi_out_line(struct nsi_out *out, struct libscols_line *parent)
{
	struct libscols_line *ln = scols_table_new_line(out->tb, out->tree ? parent : NULL);

	if (!ln)
		nsi_oom();
	return ln;
}

void nsi_out_text(struct nsi_out *out, struct libscols_line *ln, int col, const char *text)
{
	int pos = out->colpos[col];

	if (pos >= 0 && text && scols_line_set_data(ln, (size_t)pos, text))
		nsi_oom();
}

/* JSON has null for "none" and "unknown": in a number column the markers would be invalid. */
static bool json_null(const struct nsi_out *out, const char *text)
{
	return out->json && text && (!strcmp(text, NSI_NONE) || !strcmp(text, NSI_UNKNOWN));
}

void nsi_out_cell(struct nsi_out *out, struct libscols_line *ln, int col, const char *text)
{
	if (!json_null(out, text))
		nsi_out_text(out, ln, col, text);
}

/* @s as a JSON string, quotes included. */
static char *json_string(const char *s)
{
	char *q = xcalloc(6 * strlen(s) + 3, 1), *p = q;

	*p++ = '"';
	for (; *s; s++) {
		unsigned char c = (unsigned char)*s;

		if (c == '"' || c == '\\')
			p += sprintf(p, "\\%c", c);
		else if (c < 0x20 || c == 0x7f)
			p += sprintf(p, "\\u%04x", c);
		else
			*p++ = (char)c;
	}
	*p = '"';
	return q;
}

void nsi_out_typed(struct nsi_out *out, struct libscols_line *ln, int col, const char *text,
		   bool number)
{
	char *q;

	if (!out->json || !text || number || json_null(out, text)) {
		nsi_out_cell(out, ln, col, text);
		return;
	}
	q = json_string(text);
	nsi_out_text(out, ln, col, q);
	free(q);
}

void nsi_out_cellf(struct nsi_out *out, struct libscols_line *ln, int col,
		   const char *fmt, ...)
{
	char *s;
	va_list ap;
	int r;

	if (out->colpos[col] < 0)
		return;
	va_start(ap, fmt);
	r = vasprintf(&s, fmt, ap);
	va_end(ap);
	if (r < 0)
		nsi_oom();
	nsi_out_cell(out, ln, col, s);
	free(s);
}

void nsi_out_num(struct nsi_out *out, struct libscols_line *ln, int col,
		 long long v, const char *na)
{
	unsigned long long u = v < 0 ? 0 - (unsigned long long)v : (unsigned long long)v;
	char buf[24];
	size_t i = sizeof(buf);

	if (v == NSI_NA) {
		nsi_out_cell(out, ln, col, na);
		return;
	}
	/* Thousands of cells: printf's machinery would cost more than the table. */
	buf[--i] = '\0';
	do
		buf[--i] = (char)('0' + u % 10);
	while (u /= 10);
	if (v < 0)
		buf[--i] = '-';
	nsi_out_cell(out, ln, col, buf + i);
}

void nsi_out_print(struct nsi_out *out)
{
	scols_print_table(out->tb);
	scols_unref_table(out->tb);
	out->tb = NULL;
}

/* The nearest shown ancestor of @i, or -1. */
static ssize_t shown_parent(const ssize_t *parent, const bool *shown, size_t i)
{
	ssize_t p = parent[i];

	while (p >= 0 && shown && !shown[p])
		p = parent[p];
	return p;
}

/*
 * Cut every cycle in @parent, in O(n): follow each node's ancestors until
 * a node already known to reach a root, or one on the current path.
 */
static void break_cycles(size_t n, ssize_t *parent)
{
	unsigned char *state = xcalloc(n, 1);	/* 0 new, 1 on path, 2 done */
	size_t i;

	for (i = 0; i < n; i++) {
		ssize_t j = (ssize_t)i, k;

		while (j >= 0 && !state[j]) {
			state[j] = 1;
			k = parent[j];
			/* Out of range, or closing a cycle: make it a root. */
			if (k >= 0 && ((size_t)k >= n || state[k] == 1)) {
				parent[j] = -1;
				k = -1;
			}
			j = k;
		}
		for (j = (ssize_t)i; j >= 0 && state[j] == 1; j = parent[j])
			state[j] = 2;
	}
	free(state);
}

struct tree_walk {
	struct nsi_out *out;
	size_t *first, *next;	/* children lists; n means none */
	size_t n;
	nsi_fill_fn fill;
	void *data;
};

static void emit(struct tree_walk *w, size_t i, struct libscols_line *parent)
{
	struct libscols_line *ln = nsi_out_line(w->out, parent);
	size_t c;

	w->fill(w->out, ln, i, w->data);
	for (c = w->first[i]; c < w->n; c = w->next[c])
		emit(w, c, ln);
}

void nsi_out_tree(struct nsi_out *out, size_t n, ssize_t *parent, const bool *shown,
		  nsi_fill_fn fill, void *data)
{
	struct tree_walk w = { out, xcalloc(n, sizeof(size_t)), xcalloc(n, sizeof(size_t)),
			       n, fill, data };
	size_t *last = xcalloc(n, sizeof(size_t));
	size_t i;

	break_cycles(n, parent);
	for (i = 0; i < n; i++) {
		w.first[i] = n;
		w.next[i] = n;
		last[i] = n;
	}
	for (i = 0; i < n; i++) {
		ssize_t p;

		if (shown && !shown[i])
			continue;
		p = shown_parent(parent, shown, i);
		if (p < 0)
			continue;
		if (w.first[p] == n)
			w.first[p] = i;
		else
			w.next[last[p]] = i;
		last[p] = i;
	}
	for (i = 0; i < n; i++)
		if ((!shown || shown[i]) && shown_parent(parent, shown, i) < 0)
			emit(&w, i, NULL);
	free(last);
	free(w.first);
	free(w.next);
}

void nsi_out_help_columns(const struct nsi_colinfo *info, size_t nr)
{
	size_t i;

	printf("\nAvailable output columns:\n");
	for (i = 0; i < nr; i++)
		printf(" %18s  %s\n", info[i].name, info[i].help);
}
