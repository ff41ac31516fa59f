/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Containers by name: the container a task runs in, read from its cgroup
 * path with the naming patterns of the runtimes (docker, containerd and
 * Kubernetes, CRI-O, podman, systemd-machined, LXC, runc). A path that
 * matches none names no container: the name is empty, never a guess.
 */
#ifndef NSI_CONTAINER_H
#define NSI_CONTAINER_H

#include <stdbool.h>
#include <stddef.h>

/* A container id the engines generate: 64 lowercase hex digits (sha256). */
#define NSI_CONTAINER_ID_LEN	64
/* Shown in tables, like "docker ps". */
#define NSI_CONTAINER_SHORT_LEN	12
/* Longest machine or LXC name taken (a host name's). */
#define NSI_CONTAINER_NAME_MAX	64
/* Longest "RUNTIME:POD/ID" written. */
#define NSI_CONTAINER_MAX	(16 + 36 + 1 + NSI_CONTAINER_NAME_MAX + 1)

/* The CONTAINER column, for the --help of each command that has it. */
#define NSI_CONTAINER_HELP \
	"CONTAINER names a task's container from its cgroup path: docker:ID,\n" \
	"containerd:ID, crio:ID, podman:ID, runc:ID, k8s:POD/ID (the pod's UID),\n" \
	"machine:NAME (systemd-machined) or lxc:NAME; ids cut to 12 digits, whole\n" \
	"in JSON. Empty when the path names none, or was not recorded.\n"

struct nsi_container {
	const char *runtime;	/* "docker", "k8s", ...: a static string */
	char pod[40];		/* k8s: the pod's UID, with dashes; "" otherwise */
	char id[NSI_CONTAINER_NAME_MAX + 1];	/* container id, or machine or LXC name */
};

/*
 * Name the container of the cgroup @path (as /proc/PID/cgroup shows it);
 * false, with @c cleared, if no pattern matches. The innermost match wins.
 */
bool nsi_container_parse(const char *path, struct nsi_container *c);

/*
 * "RUNTIME:ID", or "k8s:POD/ID": whole ids if @full, else cut to
 * NSI_CONTAINER_SHORT_LEN digits. @size must be at least NSI_CONTAINER_MAX.
 */
void nsi_container_format(const struct nsi_container *c, bool full, char *buf, size_t size);

/*
 * The path to name from the contents of a /proc/PID/cgroup file: the first
 * hierarchy's path that names a container, the unified one ("0::") first,
 * else the unified one, else the first. False if @text has none or it
 * does not fit @size.
 */
bool nsi_cgroup_pick(const char *text, char *path, size_t size);

/* nsi_container_parse() and _format() in one: @buf, or NULL if none. */
const char *nsi_container_name(const char *path, bool full, char *buf, size_t size);

#endif /* NSI_CONTAINER_H */
