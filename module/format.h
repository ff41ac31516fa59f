/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Records as every file writes them: " key=value" pairs, one record a line.
 */
#ifndef NSI_FORMAT_H
#define NSI_FORMAT_H

#include <linux/seq_file.h>

/* Bumped whenever a debugfs file changes incompatibly. */
#define NSI_FORMAT_VERSION 1

void nsi_put_str(struct seq_file *m, const char *key, const char *s);

/*
 * " key=" and " key=N": reading every task of a large system is mostly
 * formatting, and these skip vsnprintf(), as /proc's own files do.
 */
static inline void nsi_put_key(struct seq_file *m, const char *key)
{
	seq_putc(m, ' ');
	seq_puts(m, key);
	seq_putc(m, '=');
}

static inline void nsi_put_num(struct seq_file *m, const char *key, long long v)
{
	seq_putc(m, ' ');
	seq_puts(m, key);
	seq_put_decimal_ll(m, "=", v);
}

/*
 * A comma-separated value: nsi_list_item() or nsi_list_num() for each
 * element, then nsi_list_end(), which writes "-" when there was none.
 */
struct nsi_list {
	struct seq_file *m;
	bool any;
};

static inline struct nsi_list nsi_list_start(struct seq_file *m, const char *key)
{
	nsi_put_key(m, key);
	return (struct nsi_list){ .m = m };
}

__printf(2, 3) void nsi_list_item(struct nsi_list *l, const char *fmt, ...);

static inline void nsi_list_num(struct nsi_list *l, long long v)
{
	seq_put_decimal_ll(l->m, l->any ? "," : "", v);
	l->any = true;
}

static inline void nsi_list_end(struct nsi_list *l)
{
	if (!l->any)
		seq_putc(l->m, '-');
}

#endif /* NSI_FORMAT_H */
