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
#define POD	"5e8c7a8e-2c1f-4b7a-9d3e-0a1b2c3d4e5f"
#define POD_	"5e8c7a8e_2c1f_4b7a_9d3e_0a1b2c3d4e5f"
#define STATIC_POD	"6b7a6c1e9f0d4c2b8a7e6d5c4b3a2f10"

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

#define NAMES(path, full, brief) \
	{ "names " path, test_naming, &(const struct naming){ path, full, brief } }
#define NONE(path) \
	{ "no container: " path, test_naming, &(const struct naming){ path, NULL, NULL } }

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
	NAMES("/system.slice/docker-" ID ".scope", "docker:" ID, "docker:0123456789ab"),
	NAMES("/docker/" ID, "docker:" ID, "docker:0123456789ab"),
	NAMES("/system.slice/docker-" ID ".scope/init.scope", "docker:" ID,
	      "docker:0123456789ab"),
	/* docker in docker: the innermost */
	NAMES("/docker/" ID "/docker/" ID2, "docker:" ID2, "docker:fedcba987654"),
	/* containerd, CRI-O, podman outside Kubernetes */
	NAMES("/system.slice/cri-containerd-" ID ".scope", "containerd:" ID,
	      "containerd:0123456789ab"),
	NAMES("/machine.slice/crio-" ID ".scope", "crio:" ID, "crio:0123456789ab"),
	NAMES("/machine.slice/libpod-" ID ".scope", "podman:" ID, "podman:0123456789ab"),
	NAMES("/machine.slice/libpod-" ID ".scope/container", "podman:" ID,
	      "podman:0123456789ab"),
	NAMES("/libpod_parent/libpod-" ID, "podman:" ID, "podman:0123456789ab"),
	NAMES("/user.slice/user-1000.slice/user@1000.service/user.slice/libpod-" ID ".scope",
	      "podman:" ID, "podman:0123456789ab"),
	/* Kubernetes, systemd driver: every QoS class; UIDs with '_' */
	NAMES("/kubepods.slice/kubepods-besteffort.slice/kubepods-besteffort-pod" POD_
	      ".slice/cri-containerd-" ID ".scope", "k8s:" POD "/" ID,
	      "k8s:" POD "/0123456789ab"),
	NAMES("/kubepods.slice/kubepods-burstable.slice/kubepods-burstable-pod" POD_
	      ".slice/crio-" ID ".scope", "k8s:" POD "/" ID, "k8s:" POD "/0123456789ab"),
	NAMES("/kubepods.slice/kubepods-pod" POD_ ".slice/docker-" ID ".scope",
	      "k8s:" POD "/" ID, "k8s:" POD "/0123456789ab"),
	NAMES("/kubepods.slice/kubepods-burstable.slice/kubepods-burstable-pod" STATIC_POD
	      ".slice/cri-containerd-" ID ".scope", "k8s:" STATIC_POD "/" ID,
	      "k8s:" STATIC_POD "/0123456789ab"),
	/* Kubernetes, cgroupfs driver */
	NAMES("/kubepods/besteffort/pod" POD "/" ID, "k8s:" POD "/" ID,
	      "k8s:" POD "/0123456789ab"),
	NAMES("/kubepods/pod" POD "/" ID, "k8s:" POD "/" ID, "k8s:" POD "/0123456789ab"),
	NAMES("/kubepods/burstable/pod" POD "/crio-" ID, "k8s:" POD "/" ID,
	      "k8s:" POD "/0123456789ab"),
	/* docker inside a pod: the innermost, docker's */
	NAMES("/kubepods/pod" POD "/" ID "/docker/" ID2, "docker:" ID2, "docker:fedcba987654"),
	/* systemd-machined: nspawn's payload, libvirt's escaped names */
	NAMES("/machine.slice/machine-web.scope", "machine:web", "machine:web"),
	NAMES("/machine.slice/machine-web.scope/payload/system.slice/cron.service",
	      "machine:web", "machine:web"),
	NAMES("/machine.slice/machine-qemu\\x2d1\\x2dvm1.scope", "machine:qemu-1-vm1",
	      "machine:qemu-1-vm1"),
	/* docker inside an nspawn container */
	NAMES("/machine.slice/machine-web.scope/payload/system.slice/docker-" ID ".scope",
	      "docker:" ID, "docker:0123456789ab"),
	/* LXC 4.0 and later, and before */
	NAMES("/lxc.payload.c1", "lxc:c1", "lxc:c1"),
	NAMES("/lxc.payload.c1/init.scope", "lxc:c1", "lxc:c1"),
	NAMES("/lxc.payload/c1", "lxc:c1", "lxc:c1"),
	/* runc: systemd scope with any id; cgroupfs with an engine's id */
	NAMES("/system.slice/runc-mybox.scope", "runc:mybox", "runc:mybox"),
	NAMES("/system.slice/runc-" ID ".scope", "runc:" ID, "runc:0123456789ab"),
	NAMES("/" ID, "runc:" ID, "runc:0123456789ab"),
	NAMES("/user.slice/" ID, "runc:" ID, "runc:0123456789ab"),
	NAMES("//docker//" ID "/", "docker:" ID, "docker:0123456789ab"),

	/* the host's own cgroups */
	NONE("/"),
	NONE(""),
	NONE("/init.scope"),
	NONE("/user.slice/user-1000.slice/session-3.scope"),
	NONE("/user.slice/user-1000.slice/user@1000.service/app.slice/dbus.service"),
	NONE("/system.slice/docker.service"),
	NONE("/system.slice/containerd.service"),
	NONE("/system.slice/sshd.service"),
	NONE("/machine.slice"),
	NONE("/kubepods.slice/kubepods-besteffort.slice"),
	/* a pod's cgroup with no container in it */
	NONE("/kubepods/besteffort/pod" POD),
	NONE("/kubepods.slice/kubepods-pod" POD_ ".slice"),
	/* the runtimes' own processes, beside the container */
	NONE("/machine.slice/libpod-conmon-" ID ".scope"),
	NONE("/kubepods.slice/kubepods-pod" POD_ ".slice/crio-conmon-" ID ".scope"),
	NONE("/lxc.monitor.c1"),
	NONE("/machine.slice/machine-web.scope/supervisor"),
	/* ids one digit short or long, upper case, not hex; a plain name */
	NONE("/system.slice/docker-" ID "0.scope"),
	NONE("/docker/" ID "0"),
	NONE("/system.slice/docker-0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcde"
	     ".scope"),
	NONE("/docker/0123456789ABCDEF0123456789ABCDEF0123456789ABCDEF0123456789ABCDEF"),
	NONE("/docker/0123456789abcdefg123456789abcdef0123456789abcdef0123456789abcdef"),
	NONE("/docker/web"),
	NONE("/web"),
	NONE("/process_api/ae42be92549c11f013c4d8978ec2b517"),
	/* docker's scope without ".scope" is a directory someone made */
	NONE("/system.slice/docker-" ID),
	/* names: too long, bad escapes, characters no runtime allows */
	NONE("/machine.slice/machine-"
	     "a123456789b123456789c123456789d123456789e123456789f123456789g1234.scope"),
	NONE("/lxc.payload.a123456789b123456789c123456789d123456789e123456789f123456789g1234"),
	NONE("/machine.slice/machine-bad\\x2.scope"),
	NONE("/machine.slice/machine-bad\\x00x.scope"),
	NONE("/machine.slice/machine-a\\x2fb.scope"),
	NONE("/machine.slice/machine-.scope"),
	NONE("/lxc.payload."),
	NONE("/lxc.payload/c 1"),
	/* pod UIDs that are not */
	NONE("/kubepods/pod1234/" ID "x"),
	NONE("/kubepods.slice/kubepods-pod5e8c7a8e-2c1f-4b7a-9d3e-0a1b2c3d4e5.slice/x"),
	NONE("garbage"),
	NONE("::::"),
	{ "no container: control characters", test_naming,
	  &(const struct naming){ "/lxc.payload.\x01\xff", NULL, NULL } },

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
