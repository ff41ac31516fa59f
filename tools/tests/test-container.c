// SPDX-License-Identifier: GPL-2.0
/*
 * Containers by name: cgroup paths as each runtime makes them, and the
 * paths that must name none (container.h).
 */
#include <stdio.h>
#include <string.h>

#include "container.h"
#include "tests.h"

#define ID	"0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef"
#define ID2	"fedcba9876543210fedcba9876543210fedcba9876543210fedcba9876543210"
#define ID_UPPER	"0123456789ABCDEF0123456789abcdef0123456789abcdef0123456789abcdef"
#define ID_NOT_HEX	"0123456789abcdeg0123456789abcdef0123456789abcdef0123456789abcdef"
#define POD	"5e8c7a8e-2c1f-4b7a-9d3e-0a1b2c3d4e5f"
#define POD_	"5e8c7a8e_2c1f_4b7a_9d3e_0a1b2c3d4e5f"
#define STATIC_POD	"6b7a6c1e9f0d4c2b8a7e6d5c4b3a2f10"
#define BESTEFFORT	"/kubepods.slice/kubepods-besteffort.slice/kubepods-besteffort-pod"
#define BURSTABLE	"/kubepods.slice/kubepods-burstable.slice/kubepods-burstable-pod"
#define USER_SERVICE	"/user.slice/user-1000.slice/user@1000.service"

struct naming {
	const char *path;
	const char *full;	/* NULL: names no container */
	const char *brief;	/* as a table shows it */
};

static void test_naming(const void *arg)
{
	const struct naming *n = arg;
	char buf[NSI_CONTAINER_MAX];
	struct nsi_container c;

	if (!n->full) {
		CHECK(!nsi_container_parse(n->path, &c));
		CHECK(!c.runtime && !c.pod[0] && !c.id[0]);
		CHECK(!nsi_container_name(n->path, true, buf, sizeof(buf)));
		return;
	}
	CHECK(nsi_container_parse(n->path, &c));
	CHECK_STR(nsi_container_name(n->path, true, buf, sizeof(buf)), n->full);
	CHECK_STR(nsi_container_name(n->path, false, buf, sizeof(buf)), n->brief);
}

/* "names LABEL": @path names @full, shown as @brief in a table. */
#define NAMES(label, path, full, brief) \
	{ "names " label, test_naming, &(const struct naming){ path, full, brief } }
#define NONE(label, path) \
	{ "no container: " label, test_naming, &(const struct naming){ path, NULL, NULL } }

struct pick {
	const char *text;	/* a /proc/PID/cgroup file */
	const char *path;	/* NULL: none */
};

static void test_pick(const void *arg)
{
	const struct pick *p = arg;
	char path[256];

	if (!p->path) {
		CHECK(!nsi_cgroup_pick(p->text, path, sizeof(path)));
		return;
	}
	CHECK(nsi_cgroup_pick(p->text, path, sizeof(path)));
	CHECK_STR(path, p->path);
}

#define PICK(name, text, path) \
	{ "cgroup file: " name, test_pick, &(const struct pick){ text, path } }

/* A path longer than the buffer it is picked into is none, not a cut one. */
static void test_pick_too_long(const void *arg)
{
	char path[8];

	(void)arg;
	CHECK(!nsi_cgroup_pick("0::/system.slice\n", path, sizeof(path)));
	CHECK(nsi_cgroup_pick("0::/a.sl\n", path, sizeof(path)));
	CHECK_STR(path, "/a.sl");
}

/* Names of 64 characters are taken, of 65 not: machined's and LXC's. */
static void test_long_names(const void *arg)
{
	static const char *const forms[][2] = {
		{ "/machine.slice/machine-%s.scope", "machine:%s" },
		{ "/lxc.payload.%s", "lxc:%s" },
	};
	char name[NSI_CONTAINER_NAME_MAX + 2], path[256], buf[NSI_CONTAINER_MAX];
	char want[NSI_CONTAINER_MAX];
	size_t len, f;

	(void)arg;
	for (f = 0; f < ARRAY_SIZE(forms); f++)
		for (len = NSI_CONTAINER_NAME_MAX; len <= NSI_CONTAINER_NAME_MAX + 1; len++) {
			memset(name, 'n', len);
			name[len] = '\0';
			snprintf(path, sizeof(path), forms[f][0], name);
			snprintf(want, sizeof(want), forms[f][1], name);
			if (len == NSI_CONTAINER_NAME_MAX)
				CHECK_STR(nsi_container_name(path, false, buf, sizeof(buf)), want);
			else
				CHECK(!nsi_container_name(path, false, buf, sizeof(buf)));
		}
}

/* An id a digit short: 63 hex digits. */
static void test_short_id(const void *arg)
{
	char path[128] = "/system.slice/docker-" ID;
	char buf[NSI_CONTAINER_MAX];

	(void)arg;
	strcpy(path + strlen(path) - 1, ".scope");
	CHECK(!nsi_container_name(path, true, buf, sizeof(buf)));
	strcpy(path, "/docker/" ID);
	path[strlen(path) - 1] = '\0';
	CHECK(!nsi_container_name(path, true, buf, sizeof(buf)));
}

/* A component too long for any unit or id, under a container's: none, the whole path. */
static void test_long_component(const void *arg)
{
	char path[600] = "/system.slice/docker-" ID ".scope/";
	struct nsi_container c;

	(void)arg;
	memset(path + strlen(path), 'a', 300);
	CHECK(!nsi_container_parse(path, &c));
}

static const struct tap_test tests[] = {
	/* docker: systemd and cgroupfs drivers, and what runs inside */
	NAMES("docker, systemd", "/system.slice/docker-" ID ".scope", "docker:" ID,
	      "docker:0123456789ab"),
	NAMES("docker, cgroupfs", "/docker/" ID, "docker:" ID, "docker:0123456789ab"),
	NAMES("docker, a cgroup inside", "/system.slice/docker-" ID ".scope/init.scope",
	      "docker:" ID, "docker:0123456789ab"),
	NAMES("docker in docker: the inner", "/docker/" ID "/docker/" ID2, "docker:" ID2,
	      "docker:fedcba987654"),
	/* containerd, CRI-O, podman outside Kubernetes */
	NAMES("containerd", "/system.slice/cri-containerd-" ID ".scope", "containerd:" ID,
	      "containerd:0123456789ab"),
	NAMES("crio", "/machine.slice/crio-" ID ".scope", "crio:" ID, "crio:0123456789ab"),
	NAMES("podman", "/machine.slice/libpod-" ID ".scope", "podman:" ID,
	      "podman:0123456789ab"),
	NAMES("podman, its payload", "/machine.slice/libpod-" ID ".scope/container",
	      "podman:" ID, "podman:0123456789ab"),
	NAMES("podman, cgroupfs", "/libpod_parent/libpod-" ID, "podman:" ID,
	      "podman:0123456789ab"),
	NAMES("podman, rootless", USER_SERVICE "/user.slice/libpod-" ID ".scope", "podman:" ID,
	      "podman:0123456789ab"),
	/* Kubernetes, systemd driver: every QoS class; UIDs with '_' */
	NAMES("k8s, besteffort", BESTEFFORT POD_ ".slice/cri-containerd-" ID ".scope",
	      "k8s:" POD "/" ID, "k8s:" POD "/0123456789ab"),
	NAMES("k8s, burstable, crio", BURSTABLE POD_ ".slice/crio-" ID ".scope",
	      "k8s:" POD "/" ID, "k8s:" POD "/0123456789ab"),
	NAMES("k8s, guaranteed, docker", "/kubepods.slice/kubepods-pod" POD_ ".slice/docker-" ID
	      ".scope", "k8s:" POD "/" ID, "k8s:" POD "/0123456789ab"),
	NAMES("k8s, a static pod", BURSTABLE STATIC_POD ".slice/cri-containerd-" ID ".scope",
	      "k8s:" STATIC_POD "/" ID, "k8s:" STATIC_POD "/0123456789ab"),
	/* Kubernetes, cgroupfs driver */
	NAMES("k8s, cgroupfs", "/kubepods/besteffort/pod" POD "/" ID, "k8s:" POD "/" ID,
	      "k8s:" POD "/0123456789ab"),
	NAMES("k8s, cgroupfs, guaranteed", "/kubepods/pod" POD "/" ID, "k8s:" POD "/" ID,
	      "k8s:" POD "/0123456789ab"),
	NAMES("k8s, cgroupfs, crio", "/kubepods/burstable/pod" POD "/crio-" ID,
	      "k8s:" POD "/" ID, "k8s:" POD "/0123456789ab"),
	NAMES("docker in a pod: docker's", "/kubepods/pod" POD "/" ID "/docker/" ID2,
	      "docker:" ID2, "docker:fedcba987654"),
	/* systemd-machined: nspawn's payload, libvirt's escaped names */
	NAMES("machine", "/machine.slice/machine-web.scope", "machine:web", "machine:web"),
	NAMES("machine, its payload",
	      "/machine.slice/machine-web.scope/payload/system.slice/cron.service",
	      "machine:web", "machine:web"),
	NAMES("machine, escaped", "/machine.slice/machine-qemu\\x2d1\\x2dvm1.scope",
	      "machine:qemu-1-vm1", "machine:qemu-1-vm1"),
	NAMES("docker in nspawn: docker's",
	      "/machine.slice/machine-web.scope/payload/system.slice/docker-" ID ".scope",
	      "docker:" ID, "docker:0123456789ab"),
	/* LXC 4.0 and later, and before */
	NAMES("lxc", "/lxc.payload.c1", "lxc:c1", "lxc:c1"),
	NAMES("lxc, a cgroup inside", "/lxc.payload.c1/init.scope", "lxc:c1", "lxc:c1"),
	NAMES("lxc, before 4.0", "/lxc.payload/c1", "lxc:c1", "lxc:c1"),
	/* runc: systemd scope with any id; cgroupfs with an engine's id */
	NAMES("runc, systemd, a name", "/system.slice/runc-mybox.scope", "runc:mybox",
	      "runc:mybox"),
	NAMES("runc, systemd, an id", "/system.slice/runc-" ID ".scope", "runc:" ID,
	      "runc:0123456789ab"),
	NAMES("runc, cgroupfs, from the root", "/" ID, "runc:" ID, "runc:0123456789ab"),
	NAMES("runc, cgroupfs, from a slice", "/user.slice/" ID, "runc:" ID,
	      "runc:0123456789ab"),
	NAMES("empty components", "//docker//" ID "/", "docker:" ID, "docker:0123456789ab"),

	/* the host's own cgroups */
	NONE("the root", "/"),
	NONE("empty", ""),
	NONE("init.scope", "/init.scope"),
	NONE("a session", "/user.slice/user-1000.slice/session-3.scope"),
	NONE("a user service", "/user.slice/user-1000.slice/user@1000.service/app.slice/x.service"),
	NONE("docker.service", "/system.slice/docker.service"),
	NONE("containerd.service", "/system.slice/containerd.service"),
	NONE("a service", "/system.slice/sshd.service"),
	NONE("machine.slice", "/machine.slice"),
	NONE("a QoS slice", "/kubepods.slice/kubepods-besteffort.slice"),
	/* a pod's cgroup with no container in it */
	NONE("a pod, cgroupfs", "/kubepods/besteffort/pod" POD),
	NONE("a pod, systemd", "/kubepods.slice/kubepods-pod" POD_ ".slice"),
	/* the runtimes' own processes, beside the container */
	NONE("podman's conmon", "/machine.slice/libpod-conmon-" ID ".scope"),
	NONE("crio's conmon", BURSTABLE POD_ ".slice/crio-conmon-" ID ".scope"),
	NONE("an lxc monitor", "/lxc.monitor.c1"),
	NONE("nspawn's supervisor", "/machine.slice/machine-web.scope/supervisor"),
	/* ids one digit short or long, upper case, not hex; a plain name */
	NONE("an id too long", "/system.slice/docker-" ID "0.scope"),
	NONE("an id too long, cgroupfs", "/docker/" ID "0"),
	NONE("upper case", "/docker/" ID_UPPER),
	NONE("not hex", "/docker/" ID_NOT_HEX),
	NONE("a name under docker", "/docker/web"),
	NONE("a name", "/web"),
	NONE("32 hex digits", "/process_api/ae42be92549c11f013c4d8978ec2b517"),
	/* docker's scope without ".scope" is a directory someone made */
	NONE("docker's prefix, no scope", "/system.slice/docker-" ID),
	/* names: bad escapes, characters no runtime allows */
	NONE("a short escape", "/machine.slice/machine-bad\\x2.scope"),
	NONE("an escaped NUL", "/machine.slice/machine-bad\\x00x.scope"),
	NONE("an escaped slash", "/machine.slice/machine-a\\x2fb.scope"),
	NONE("an empty machine", "/machine.slice/machine-.scope"),
	NONE("an empty lxc name", "/lxc.payload."),
	NONE("a space in a name", "/lxc.payload/c 1"),
	NONE("control characters", "/lxc.payload.\x01\xff"),
	/* pod UIDs that are not */
	NONE("a pod UID too short", "/kubepods/pod1234/" ID "x"),
	NONE("a pod UID a digit short",
	     "/kubepods.slice/kubepods-pod5e8c7a8e-2c1f-4b7a-9d3e-0a1b2c3d4e5.slice/x"),
	NONE("garbage", "garbage"),
	NONE("colons", "::::"),
	{ "no container: over-long names", test_long_names, NULL },
	{ "no container: an id one digit short", test_short_id, NULL },

	PICK("unified only", "0::/system.slice/docker-" ID ".scope\n",
	     "/system.slice/docker-" ID ".scope"),
	PICK("v1, the hierarchy that names one",
	     "12:pids:/\n11:memory:/docker/" ID "\n1:name=systemd:/\n0::/\n",
	     "/docker/" ID),
	PICK("unified first", "1:name=systemd:/docker/" ID2 "\n0::/docker/" ID "\n",
	     "/docker/" ID),
	PICK("none named: the unified path", "12:pids:/user.slice\n0::/user.slice/x.scope\n",
	     "/user.slice/x.scope"),
	PICK("none named, v1 only: the first", "12:pids:/a\n11:memory:/b", "/a"),
	PICK("no newline at the end", "0::/init.scope", "/init.scope"),
	PICK("empty", "", NULL),
	PICK("garbage", "no colons here\n1:x\n", NULL),
	PICK("a path must be absolute", "0::relative\n", NULL),
	{ "cgroup file: too long a path", test_pick_too_long, NULL },
	{ "over-long component", test_long_component, NULL },
};

const struct tap_suite container_suite = { tests, ARRAY_SIZE(tests) };
