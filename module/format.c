// SPDX-License-Identifier: GPL-2.0
#include "format.h"

/*
 * Write " key=value" with the value escaped the way mountinfo escapes paths:
 * space, '=', backslash and control bytes become \ooo, so a value can never
 * break the one-record-per-line, space-separated format.
 */
void nsi_put_str(struct seq_file *m, const char *key, const char *s)
{
	unsigned char c;

	nsi_put_key(m, key);
	if (!s || !*s) {
		seq_putc(m, '-');
		return;
	}
	while ((c = *s++)) {
		if (c <= ' ' || c == '=' || c == '\\' || c >= 0x7f) {
			seq_putc(m, '\\');
			seq_putc(m, '0' + (c >> 6));
			seq_putc(m, '0' + ((c >> 3) & 7));
			seq_putc(m, '0' + (c & 7));
		} else {
			seq_putc(m, c);
		}
	}
}

void nsi_list_item(struct nsi_list *l, const char *fmt, ...)
{
	va_list args;

	if (l->any)
		seq_putc(l->m, ',');
	l->any = true;
	va_start(args, fmt);
	seq_vprintf(l->m, fmt, args);
	va_end(args);
}
