/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Tables and trees through libsmartcols, with the util-linux conventions
 * (-o, -J, -r, -n, -l) implemented once for every subcommand.
 *
 * A command describes its columns in an nsi_colinfo array, fills every
 * cell of a line by column id, and nsi_out skips the columns the user
 * did not select, so commands never care about -o.
 */
#ifndef NSI_OUTPUT_H
#define NSI_OUTPUT_H

#include <libsmartcols.h>
#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

#include "cli.h"

#define NSI_OUT_MAX_COLS	64

/* The cell for "no such thing"; NSI_UNKNOWN (model.h) is "not told". */
#define NSI_NONE	"-"

enum {
	NSI_COL_TREE	= 1 << 0,	/* the tree is drawn in this column */
	NSI_COL_RIGHT	= 1 << 1,
	NSI_COL_NUMBER	= 1 << 2,	/* a number (or none) in JSON */
	NSI_COL_TRUNC	= 1 << 3,	/* may be truncated to fit */
	NSI_COL_WRAP	= 1 << 4,	/* long lists: wrap rather than widen */
	NSI_COL_TYPED	= 1 << 5,	/* JSON type set per cell: nsi_out_typed() */
};

struct nsi_colinfo {
	const char *name;
	double whint;
	unsigned int flags;
	const char *help;
};

struct nsi_out {
	const struct nsi_colinfo *info;
	int colpos[NSI_OUT_MAX_COLS];	/* column id -> table position, or -1 */
	bool json, tree;
	struct libscols_table *tb;
};

/*
 * Whether the columns @ctx asks for (@defaults without -o) include @col,
 * so a command can skip reading what nothing shows. True for a list
 * nsi_out_init() will reject: that error is its to report.
 */
bool nsi_out_wants(const struct nsi_ctx *ctx, const struct nsi_colinfo *info, size_t nr,
		   const char *defaults, int col);

/*
 * Set up @out for @info (@nr columns) and @ctx's options; @defaults is
 * the column list used without -o ("+LIST" appends to it). Unknown
 * columns are a usage error. @name is the JSON array's name.
 */
enum nsi_exit nsi_out_init(struct nsi_out *out, const struct nsi_ctx *ctx,
			   const struct nsi_colinfo *info, size_t nr,
			   const char *defaults, const char *name, struct nsi_error *err);

/* A new line, under @parent unless printing a flat list. */
struct libscols_line *nsi_out_line(struct nsi_out *out, struct libscols_line *parent);

/* Set the cell of column @col (an index into info); NULL leaves it empty. */
void nsi_out_cell(struct nsi_out *out, struct libscols_line *ln, int col, const char *text);
__printf(4, 5) void nsi_out_cellf(struct nsi_out *out, struct libscols_line *ln,
				  int col, const char *fmt, ...);
/*
 * A cell of an NSI_COL_TYPED column: in JSON a number if @number, else a
 * string; NULL, "-" and NSI_UNKNOWN are null there, as in nsi_out_cell().
 */
void nsi_out_typed(struct nsi_out *out, struct libscols_line *ln, int col, const char *text,
		   bool number);
/* @text as it is: unlike nsi_out_cell(), "-" stays a string in JSON. */
void nsi_out_text(struct nsi_out *out, struct libscols_line *ln, int col, const char *text);

/* A number cell from a model value: NSI_NA prints as @na. */
void nsi_out_num(struct nsi_out *out, struct libscols_line *ln, int col,
		 long long v, const char *na);

/* Print, then free the table. */
void nsi_out_print(struct nsi_out *out);

/*
 * Emit @n nodes as a tree: @parent[i] is the index of i's parent or -1.
 * Cycles (only malformed input has them) are broken, hidden nodes
 * (@shown[i] false, @shown may be NULL) pass their children on to the
 * nearest shown ancestor, and children come in index order. @fill sets
 * the cells of node i's line.
 */
typedef void (*nsi_fill_fn)(struct nsi_out *out, struct libscols_line *ln,
			    size_t i, void *data);
void nsi_out_tree(struct nsi_out *out, size_t n, ssize_t *parent, const bool *shown,
		  nsi_fill_fn fill, void *data);

/* Print "  NAME  help" for each column, for --help. */
void nsi_out_help_columns(const struct nsi_colinfo *info, size_t nr);

#endif /* NSI_OUTPUT_H */
