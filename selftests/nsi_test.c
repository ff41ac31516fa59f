// SPDX-License-Identifier: GPL-2.0
#include <fcntl.h>
#include <string.h>
#include <unistd.h>

#include "nsi_test.h"

ssize_t nsi_read(const char *path, char *buf, size_t size)
{
	size_t len = 0;
	ssize_t n;
	int fd;

	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -1;
	while (len + 1 < size && (n = read(fd, buf + len, size - 1 - len)) > 0)
		len += n;
	close(fd);
	buf[len] = '\0';
	return len;
}

/* Unescape \ooo sequences of a value that ends at a space or newline. */
static void unescape(const char *v, char *out, size_t outsize)
{
	size_t o = 0;

	while (*v && *v != ' ' && *v != '\n' && o + 1 < outsize) {
		if (v[0] == '\\' && v[1] && v[2] && v[3]) {
			out[o++] = (char)((v[1] - '0') * 64 + (v[2] - '0') * 8 + (v[3] - '0'));
			v += 4;
		} else {
			out[o++] = *v++;
		}
	}
	out[o] = '\0';
}

/* Find " key=" (or "key=" at line start) in the line [line, end). */
static const char *find_key(const char *line, const char *end, const char *key)
{
	size_t klen = strlen(key);
	const char *p = line;

	while (p && p < end) {
		if ((p == line || p[-1] == ' ') && !strncmp(p, key, klen) && p[klen] == '=')
			return p + klen + 1;
		p = memchr(p, ' ', end - p);
		if (p)
			p++;
	}
	return NULL;
}

int nsi_field(const char *text, const char *sel, const char *selval,
	      const char *key, char *out, size_t outsize)
{
	const char *line = text;
	char val[4096];

	while (*line) {
		const char *end = strchrnul(line, '\n');
		const char *v = *line == '#' ? NULL : find_key(line, end, sel);

		if (v) {
			unescape(v, val, sizeof(val));
			if (!selval || !strcmp(val, selval)) {
				v = find_key(line, end, key);
				if (!v)
					return -1;
				unescape(v, out, outsize);
				return 0;
			}
		}
		line = *end ? end + 1 : end;
	}
	return -1;
}
