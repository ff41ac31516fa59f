# SPDX-License-Identifier: GPL-2.0
#
# NSI_VERSION, the one reading of the version number. The number itself is
# written once, as PACKAGE_VERSION in dkms.conf, because dkms reads it there.
# Kbuild (which dkms runs with only Kbuild, dkms.conf and module/ copied) and
# the top Makefile include this file; the scripts ask `make -s version`,
# selftests/Makefile and tools/ get it passed as NSI_VERSION.
NSI_VERSION := $(shell sed -n 's/^PACKAGE_VERSION="\(.*\)"$$/\1/p' \
	$(dir $(lastword $(MAKEFILE_LIST)))../dkms.conf)
