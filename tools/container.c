// SPDX-License-Identifier: GPL-2.0
/*
 * Containers by name; see container.h.
 *
 * Each runtime names the cgroup it makes for a container in its own way:
 *   docker       .../docker-ID.scope (systemd driver), /docker/ID (cgroupfs)
 *   containerd   .../cri-containerd-ID.scope
 *   CRI-O        .../crio-ID.scope, .../crio-ID
 *   podman       .../libpod-ID.scope, /libpod_parent/libpod-ID
 *   Kubernetes   .../kubepods-[QOS-]pod<UID>.slice/<one of the above>,
 *                /kubepods/[QOS/]pod<UID>/ID
 *   machined     .../machine-NAME.scope (systemd-nspawn, libvirt), NAME
 *                systemd-escaped ("\x2d" for '-')
 *   LXC          /lxc.payload.NAME, /lxc.payload/NAME
 *   runc         .../runc-NAME.scope (--systemd-cgroup), else any ID
 * ID is always a whole 64-digit id: a shorter or longer one, or a name,
 * would be any directory someone made. The runtimes' own processes
 * (libpod-conmon-ID.scope, crio-conmon-ID.scope, lxc.monitor.NAME, a
 * machine's "supervisor") are not in the container and match nothing.
 */
#include <stdio.h>
#include <string.h>

#include "compiler.h"
#include "container.h"

/* Longest cgroup path component looked at: a unit name is at most 255. */
#define COMP_MAX	256

static bool is_hex_lower(char c)
{
	return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f');
}

static bool all_hex(const char *s, size_t len)
{
	size_t i;

	for (i = 0; i < len; i++)
		if (!is_hex_lower(s[i]))
			return false;
	return true;
}

/* @s is exactly a container id. */
static bool is_id(const char *s, size_t len)
{
	return len == NSI_CONTAINER_ID_LEN && all_hex(s, len);
}

/* @s ends with @suffix; its length without it in @len. */
static bool strip_suffix(const char *s, const char *suffix, size_t *len)
{
	size_t n = strlen(s), k = strlen(suffix);

	if (n < k || strcmp(s + n - k, suffix))
		return false;
	*len = n - k;
	return true;
}

/* A machine, LXC or runc name: [A-Za-z0-9._+-], at most NSI_CONTAINER_NAME_MAX. */
static bool is_name(const char *s, size_t len)
{
	size_t i;

	if (!len || len > NSI_CONTAINER_NAME_MAX)
		return false;
	for (i = 0; i < len; i++) {
		char c = s[i];

		if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
		      (c >= '0' && c <= '9') || strchr("._+-", c)))
			return false;
	}
	return true;
}

/* Undo systemd's unit name escaping ("\x2d") of @len bytes of @s; false if malformed. */
static bool unit_unescape(const char *s, size_t len, char *out, size_t size)
{
	size_t i, n = 0;

	for (i = 0; i < len; i++) {
		char c = s[i];

		if (c == '\\') {
			unsigned int v;

			if (i + 3 >= len || s[i + 1] != 'x' || !is_hex_lower(s[i + 2]) ||
			    !is_hex_lower(s[i + 3]) || sscanf(s + i + 2, "%2x", &v) != 1 || !v)
				return false;
			c = (char)v;
			i += 3;
		}
		if (n + 1 >= size)
			return false;
		out[n++] = c;
	}
	out[n] = '\0';
	return true;
}

/*
 * A pod UID as the kubelet writes it: 8-4-4-4-12 hex digits, with '_'
 * for '-' in systemd slice names, or 32 hex digits (static pods). Copied
 * into @pod with dashes.
 */
static bool pod_uid(const char *s, size_t len, char *pod)
{
	size_t i;

	if (len == 32 && all_hex(s, len)) {
		memcpy(pod, s, len);
		pod[len] = '\0';
		return true;
	}
	if (len != 36)
		return false;
	for (i = 0; i < len; i++) {
		bool dash = i == 8 || i == 13 || i == 18 || i == 23;

		if (dash ? s[i] != '-' && s[i] != '_' : !is_hex_lower(s[i]))
			return false;
		pod[i] = dash ? '-' : s[i];
	}
	pod[len] = '\0';
	return true;
}

/* A kubepods pod component: kubepods[-QOS]-pod<UID>.slice, or pod<UID> under kubepods. */
static bool pod_component(const char *comp, bool under_kubepods, char *pod)
{
	static const char *const slices[] = {
		"kubepods-pod", "kubepods-besteffort-pod", "kubepods-burstable-pod",
	};
	size_t i, len;

	for (i = 0; i < ARRAY_SIZE(slices); i++) {
		size_t k = strlen(slices[i]);

		if (!strncmp(comp, slices[i], k) && strip_suffix(comp, ".slice", &len) && len > k)
			return pod_uid(comp + k, len - k, pod);
	}
	if (under_kubepods && !strncmp(comp, "pod", 3))
		return pod_uid(comp + 3, strlen(comp) - 3, pod);
	return false;
}

/* PREFIX-ID.scope, or PREFIX-ID without the suffix where the runtime's cgroupfs mode has it. */
static bool prefixed_id(const char *comp, const char *prefix, bool bare, char *id)
{
	size_t k = strlen(prefix), len;

	if (strncmp(comp, prefix, k))
		return false;
	if (!strip_suffix(comp, ".scope", &len)) {
		if (!bare)
			return false;
		len = strlen(comp);
	}
	if (len <= k || !is_id(comp + k, len - k))
		return false;
	memcpy(id, comp + k, len - k);
	id[len - k] = '\0';
	return true;
}

/* NAME of PREFIX-NAME.scope, unescaped; a valid name. */
static bool scope_name(const char *comp, const char *prefix, char *id)
{
	size_t k = strlen(prefix), len;

	if (strncmp(comp, prefix, k) || !strip_suffix(comp, ".scope", &len) || len <= k ||
	    !unit_unescape(comp + k, len - k, id, NSI_CONTAINER_NAME_MAX + 1))
		return false;
	return is_name(id, strlen(id));
}

/* The container @comp names, given the component before it (@prev); NULL if none. */
static const char *match(const char *comp, const char *prev, char *id)
{
	static const struct {
		const char *prefix, *runtime;
		bool bare;
	} ids[] = {
		{ "docker-", "docker", false },
		{ "cri-containerd-", "containerd", true },
		{ "crio-", "crio", true },
		{ "libpod-", "podman", true },
	};
	size_t i, k, len = strlen(comp);

	for (i = 0; i < ARRAY_SIZE(ids); i++)
		if (prefixed_id(comp, ids[i].prefix, ids[i].bare, id))
			return ids[i].runtime;
	if (scope_name(comp, "machine-", id))
		return "machine";
	if (scope_name(comp, "runc-", id))
		return "runc";
	/* lxc.payload.NAME from LXC 4.0, lxc.payload/NAME before */
	k = !strcmp(prev, "lxc.payload") ? 0 : !strncmp(comp, "lxc.payload.", 12) ? 12 : len;
	if (is_name(comp + k, len - k)) {
		memcpy(id, comp + k, len - k + 1);
		return "lxc";
	}
	if (is_id(comp, len)) {
		memcpy(id, comp, len + 1);
		return !strcmp(prev, "docker") ? "docker" : "runc";
	}
	return NULL;
}

bool nsi_container_parse(const char *path, struct nsi_container *c)
{
	char comp[COMP_MAX], prev[COMP_MAX] = "", pod[40], id[NSI_CONTAINER_NAME_MAX + 1];
	bool kubepods = false, is_pod;
	int depth = 0, pod_depth = -1, match_depth = -1;
	const char *p = path, *runtime;

	memset(c, 0, sizeof(*c));
	while (*p) {
		size_t len = strcspn(p, "/");

		if (len >= sizeof(comp))
			goto none;
		memcpy(comp, p, len);
		comp[len] = '\0';
		p += len + (p[len] == '/');
		if (!len)
			continue;
		depth++;
		is_pod = pod_component(comp, kubepods, pod);
		runtime = is_pod ? NULL : match(comp, prev, id);
		if (is_pod) {
			pod_depth = depth;
			snprintf(c->pod, sizeof(c->pod), "%s", pod);
		} else if (runtime) {
			c->runtime = runtime;
			memcpy(c->id, id, sizeof(c->id));
			match_depth = depth;
		} else if (!strcmp(comp, "supervisor") && match_depth == depth - 1 &&
			   c->runtime && !strcmp(c->runtime, "machine")) {
			/* systemd-nspawn itself, beside its container's "payload" */
			c->runtime = NULL;
		}
		kubepods |= !strcmp(comp, "kubepods");
		memcpy(prev, comp, len + 1);
	}
	if (!c->runtime)
		goto none;
	/* The pod's own container: directly in the pod's cgroup. */
	if (pod_depth >= 0 && match_depth == pod_depth + 1 && strcmp(c->runtime, "machine") &&
	    strcmp(c->runtime, "lxc"))
		c->runtime = "k8s";
	else
		c->pod[0] = '\0';
	return true;
none:
	memset(c, 0, sizeof(*c));
	return false;
}

void nsi_container_format(const struct nsi_container *c, bool full, char *buf, size_t size)
{
	int idlen = (int)strlen(c->id);

	if (!full && idlen == NSI_CONTAINER_ID_LEN && all_hex(c->id, (size_t)idlen))
		idlen = NSI_CONTAINER_SHORT_LEN;
	snprintf(buf, size, "%s:%s%s%.*s", c->runtime, c->pod, c->pod[0] ? "/" : "", idlen,
		 c->id);
}

const char *nsi_container_name(const char *path, bool full, char *buf, size_t size)
{
	struct nsi_container c;

	if (!path || !nsi_container_parse(path, &c))
		return NULL;
	nsi_container_format(&c, full, buf, size);
	return buf;
}

/* The path of @line ("ID:CONTROLLERS:PATH"), or NULL if it has none. */
static const char *line_path(const char *line, size_t len, size_t *plen)
{
	const char *a = memchr(line, ':', len), *b;

	if (!a)
		return NULL;
	b = memchr(a + 1, ':', len - (size_t)(a + 1 - line));
	if (!b || b[1] != '/')
		return NULL;
	*plen = len - (size_t)(b + 1 - line);
	return b + 1;
}

bool nsi_cgroup_pick(const char *text, char *path, size_t size)
{
	const char *line, *best = NULL, *unified = NULL, *first = NULL;
	size_t best_len = 0, unified_len = 0, first_len = 0;
	struct nsi_container c;
	char buf[4096];
	int pass;

	/* Pass 0 looks at the unified hierarchy, pass 1 at the others. */
	for (pass = 0; pass < 2 && !best; pass++)
		for (line = text; *line; ) {
			size_t len = strcspn(line, "\n"), plen;
			const char *p = line_path(line, len, &plen);
			bool is_unified = !strncmp(line, "0::", 3);

			line += len + (line[len] == '\n');
			if (!p || is_unified != !pass || plen >= sizeof(buf))
				continue;
			if (!first) {
				first = p;
				first_len = plen;
			}
			if (is_unified) {
				unified = p;
				unified_len = plen;
			}
			memcpy(buf, p, plen);
			buf[plen] = '\0';
			if (!best && nsi_container_parse(buf, &c)) {
				best = p;
				best_len = plen;
			}
		}
	if (!best) {
		best = unified ? unified : first;
		best_len = unified ? unified_len : first_len;
	}
	if (!best || best_len >= size)
		return false;
	memcpy(path, best, best_len);
	path[best_len] = '\0';
	return true;
}
