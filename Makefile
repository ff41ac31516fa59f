# SPDX-License-Identifier: GPL-2.0
#
# Front door. Kbuild (beside this file) builds the module; this file wraps it
# and builds the tool, the selftests and the VM runs.
#
#   make [KDIR=... | KERNELRELEASE=...]   nsinspect.ko and tools/nsinspect-tool
#   make check                            every test: static checks, unit tests, VM
#   make check-matrix                     module and VM suite on Debian 6.1, 6.12, 7.2
#   make check-debug                      module and VM suite on a KASAN/lockdep/kmemleak kernel
#   make reliability                      check-debug, then Documentation/reliability.txt
#   make demo                             boot the VM and show the tool's view
#   make bench                            nsinspect against lsns and findmnt
#   make install / modules_install / dkms-install
#   make deb                              Debian packages nsinspect-dkms and nsinspect-tool in build/deb/

KDIR ?= $(shell scripts/kernel.sh kdir $(KERNELRELEASE) 2>/dev/null)
include module/version.mk
VERSION := $(NSI_VERSION)
PREFIX ?= /usr/local
BUILD := $(CURDIR)/build

all: module tool

# Kernel side ---------------------------------------------------------------
have-kdir:
	@test -n "$(KDIR)" || scripts/kernel.sh kdir $(KERNELRELEASE)

# The BTF that private mount layouts are read from (see module/gen-layout.sh).
BTF = $${NSI_BTF:-$$(scripts/kernel.sh btf $$(scripts/kernel.sh release $(KDIR)) 2>/dev/null)}

module: have-kdir
	$(MAKE) -C $(KDIR) M=$(CURDIR) NSI_BTF="$(BTF)" modules

modules_install: have-kdir
	$(MAKE) -C $(KDIR) M=$(CURDIR) modules_install

# Copy the sources where dkms expects them and let dkms build for each kernel.
dkms-install:
	mkdir -p $(DESTDIR)/usr/src/nsinspect-$(VERSION)
	cp -r Kbuild dkms.conf module $(DESTDIR)/usr/src/nsinspect-$(VERSION)/
	dkms add -m nsinspect -v $(VERSION)

# The same two as Debian packages, built with debhelper (debian/) in a copy
# of the tree; the .debs land in build/deb/.
deb:
	@scripts/deb.sh

# Userspace -----------------------------------------------------------------
tool:
	$(MAKE) -C tools NSI_VERSION=$(VERSION)

install:
	$(MAKE) -C tools install NSI_VERSION=$(VERSION) PREFIX=$(PREFIX) DESTDIR=$(DESTDIR)

selftests: tool
	$(MAKE) -C selftests NSI_VERSION=$(VERSION)

# The version, from dkms.conf through module/version.mk, for the scripts.
version:
	@echo $(VERSION)

# Tests ---------------------------------------------------------------------
setup:
	@scripts/setup.sh

check: setup
	@scripts/check.sh

# The same module and VM suite on bookworm's, trixie's and sid's kernels.
check-matrix: setup tool
	@scripts/check-matrix.sh

# The suite on a debug kernel built from linux-source-6.1 (KASAN, lockdep,
# kmemleak, failslab; selftests/debug.config), cached after the first build.
check-debug: setup tool
	@scripts/check-debug.sh

# The stress, fault and security figures of a check-debug run, as a table.
reliability: setup tool
	@scripts/check-debug.sh; rc=$$?; scripts/reliability.sh && exit $$rc

# Timings against lsns and findmnt in one VM run; writes Documentation/benchmarks.txt.
bench: setup module tool
	@scripts/bench.sh

demo: setup module tool
	@rm -rf $(BUILD)/demo && mkdir -p $(BUILD)/demo
	@cp nsinspect.ko tools/nsinspect-tool $(BUILD)/demo/
	@cp selftests/vm/demo.sh $(BUILD)/demo/run
	@selftests/vm/run.sh -o $(BUILD)/vm/demo $(BUILD)/demo

clean:
	-test -z "$(KDIR)" || $(MAKE) -C $(KDIR) M=$(CURDIR) clean
	$(MAKE) -C tools clean
	$(MAKE) -C selftests clean
	rm -rf $(BUILD)

.PHONY: all version have-kdir module modules_install dkms-install deb tool install selftests \
	setup check check-matrix check-debug reliability bench demo clean
