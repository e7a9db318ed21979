# SPDX-License-Identifier: GPL-2.0
#
# Build nvme_mpath.ko against installed kernel headers.
#
#   make                      running kernel (/lib/modules/$(uname -r)/build)
#   make KVER=6.12.117+deb12-amd64
#   make KDIR=/usr/src/linux-headers-6.1.0-56-amd64
#
# Each kernel gets its own build directory, build/<kernel release>/, so one
# checkout builds for several kernels side by side.  Kernel API differences
# are found by compile probes (probes/*.c, run by scripts/probe.sh) whose
# results land in build/<release>/compat_probed.h.

# The release as uname -r shows it: UTS_RELEASE (Debian's kernel.release
# file holds the upstream version, 6.1.192, the same for every flavour).
ifneq ($(KDIR),)
KVER ?= $(shell sed -n 's/^\#define UTS_RELEASE "\(.*\)"/\1/p' \
	$(KDIR)/include/generated/utsrelease.h 2>/dev/null)
ifeq ($(KVER),)
KVER := $(shell cat $(KDIR)/include/config/kernel.release 2>/dev/null)
endif
endif
KVER ?= $(shell uname -r)
KDIR ?= /lib/modules/$(KVER)/build

TOP   := $(CURDIR)
BUILD := $(TOP)/build/$(KVER)
SRCS  := Kbuild $(wildcard src/*.c src/*.h include/*.h)
PROBES := $(wildcard probes/*.c)

.PHONY: all modules clean probe check checkpatch sparse install matrix floor \
	tools install-tools install-files install-dkms-src dist rpm deb

all modules: $(BUILD)/nvme_mpath.ko

$(BUILD)/compat_probed.h: $(PROBES) scripts/probe.sh
	@test -f $(KDIR)/Makefile || { echo "no kernel headers in $(KDIR) (set KVER= or KDIR=)"; exit 1; }
	scripts/probe.sh $(KDIR) $(BUILD)

$(BUILD)/nvme_mpath.ko: $(SRCS) $(BUILD)/compat_probed.h
	@mkdir -p $(BUILD)
	cp -a Kbuild src include $(BUILD)/
	$(MAKE) -C $(KDIR) M=$(BUILD) $(if $(W),W=$(W)) $(if $(C),C=$(C)) modules

probe: $(BUILD)/compat_probed.h

# tests/bench's floor (tests/bench.d/floor): a bare bio remap, not shipped.
FLOOR := $(BUILD)/floor
floor: $(FLOOR)/nvme_mpath_floor.ko
$(FLOOR)/nvme_mpath_floor.ko: tests/bench.d/floor/floor.c include/compat.h $(BUILD)/compat_probed.h
	@mkdir -p $(FLOOR)
	cp tests/bench.d/floor/floor.c include/compat.h $(BUILD)/compat_probed.h $(FLOOR)/
	printf 'obj-m := nvme_mpath_floor.o\nnvme_mpath_floor-y := floor.o\nccflags-y := -I$$(src) -include $$(src)/compat_probed.h\n' > $(FLOOR)/Kbuild
	$(MAKE) -C $(KDIR) M=$(FLOOR) modules

# Static checks: sparse through kbuild (C=2 re-checks every file).
sparse:
	$(MAKE) KVER=$(KVER) KDIR=$(KDIR) C=2 W=1 -B $(BUILD)/nvme_mpath.ko

# checkpatch.pl --strict over every source file; CHECKPATCH= points at the
# script from a kernel source tree (linux-source-* package).
CHECKPATCH ?= $(firstword $(wildcard /usr/src/linux-source-*/scripts/checkpatch.pl /tmp/ksrc/linux-source-*/scripts/checkpatch.pl))
checkpatch:
	@test -n "$(CHECKPATCH)" || { echo "set CHECKPATCH=/path/to/checkpatch.pl"; exit 1; }
	$(CHECKPATCH) --strict --no-tree --terse --show-types \
		--ignore FILE_PATH_CHANGES,SPDX_LICENSE_TAG -f src/*.c include/*.h

install: $(BUILD)/nvme_mpath.ko
	$(MAKE) -C $(KDIR) M=$(BUILD) modules_install

check:
	tests/run

# ---- packaging (debian/, rpm/; see README "Packages") ----------------------
# Directories follow Debian 12; rpm/nvme-mpath.spec passes the Fedora/RHEL/SUSE
# ones (UDEVDIR=/usr/lib/udev, SYSTEMDUNITDIR=/usr/lib/systemd/system).
VERSION        := $(shell sed -n 's/^PACKAGE_VERSION="\(.*\)"/\1/p' dkms.conf)
PREFIX         ?= /usr
SBINDIR        ?= $(PREFIX)/sbin
MANDIR         ?= $(PREFIX)/share/man
UDEVDIR        ?= /lib/udev
SYSTEMDUNITDIR ?= /lib/systemd/system
MODPROBEDIR    ?= /lib/modprobe.d
INITRAMFSDIR   ?= /usr/share/initramfs-tools
DRACUTDIR      ?= /usr/lib/dracut/modules.d
DKMSSRCDIR     ?= /usr/src/nvme-mpath-$(VERSION)
INSTALL        ?= install
P              := packaging

# What DKMS needs to build the module (goes to /usr/src/nvme-mpath-<version>).
DKMS_SRC := dkms.conf Makefile Kbuild $(wildcard src/*.c src/*.h include/*.h probes/*.c) scripts/probe.sh

# Userspace ANA helper: tools/ (make -C tools builds tools/nvme-mpath-ana).
# Without tools/Makefile (branches before the helper) nothing is built.
tools:
	@if [ -f tools/Makefile ]; then $(MAKE) -C tools; \
	else echo "tools/Makefile missing: nvme-mpath-ana not built"; fi

# The helper (and its man page) plus the files that run it: udev rule and
# systemd units.  Both are inert without /usr/sbin/nvme-mpath-ana.
install-tools: tools
	@if [ -f tools/Makefile ]; then $(MAKE) -C tools install DESTDIR=$(DESTDIR) \
		PREFIX=$(PREFIX) SBINDIR=$(SBINDIR) MANDIR=$(MANDIR); fi
	$(INSTALL) -d $(DESTDIR)$(UDEVDIR)/rules.d $(DESTDIR)$(SYSTEMDUNITDIR)
	$(INSTALL) -m 0644 $(P)/udev/71-nvme-mpath-ana.rules $(DESTDIR)$(UDEVDIR)/rules.d/
	$(INSTALL) -m 0644 $(P)/systemd/nvme-mpath-ana.service $(P)/systemd/nvme-mpath-ana@.service \
		$(P)/systemd/nvme-mpath-ana.timer $(P)/systemd/nvme-mpath-ana-watch.service \
		$(DESTDIR)$(SYSTEMDUNITDIR)/

# Files that go with the module: modprobe.d, udev storage rules and their
# helper, initramfs-tools hook, dracut module, nvme_mpath(4).
install-files:
	$(INSTALL) -d $(DESTDIR)$(MODPROBEDIR) $(DESTDIR)$(UDEVDIR)/rules.d \
		$(DESTDIR)$(INITRAMFSDIR)/hooks $(DESTDIR)$(DRACUTDIR)/90nvme-mpath \
		$(DESTDIR)$(MANDIR)/man4
	$(INSTALL) -m 0644 $(P)/modprobe.d/nvme-mpath.conf $(DESTDIR)$(MODPROBEDIR)/
	$(INSTALL) -m 0644 $(P)/udev/63-nvme-mpath.rules $(DESTDIR)$(UDEVDIR)/rules.d/
	$(INSTALL) -m 0755 $(P)/udev/nvme-mpath-udev $(DESTDIR)$(UDEVDIR)/
	$(INSTALL) -m 0755 $(P)/initramfs-tools/nvme-mpath $(DESTDIR)$(INITRAMFSDIR)/hooks/
	$(INSTALL) -m 0755 $(P)/dracut/90nvme-mpath/module-setup.sh $(DESTDIR)$(DRACUTDIR)/90nvme-mpath/
	$(INSTALL) -m 0644 man/nvme_mpath.4 $(DESTDIR)$(MANDIR)/man4/

# Module source for DKMS.
install-dkms-src:
	$(INSTALL) -d $(DESTDIR)$(DKMSSRCDIR)
	tar -cf - $(DKMS_SRC) | tar -xf - -C $(DESTDIR)$(DKMSSRCDIR)

# Source tarball for rpmbuild: nvme-mpath-<version>.tar.gz of the tracked
# files as they are in the working tree (rpmbuild -bb rpm/nvme-mpath.spec
# wants it in its SOURCES directory: make dist DISTDIR=~/rpmbuild/SOURCES).
DISTDIR ?= .
dist:
	@test -n "$(VERSION)" || { echo "no PACKAGE_VERSION in dkms.conf"; exit 1; }
	{ { git ls-files -z 2> /dev/null | grep -qz . && git ls-files -z; } || \
		find . \( -path ./build -o -path ./.git -o -path ./tests/.cache -o -path ./tests/out \
		-o -path ./debian/.debhelper -o -path './debian/nvme-mpath-*' -o -path ./debian/files \
		-o -path ./debian/debhelper-build-stamp -o -name '*.substvars' \) -prune \
		-o -type f ! -name '*.tar.gz' -printf '%P\0'; } | \
		tar --null -T - --transform 's,^,nvme-mpath-$(VERSION)/,' \
		--owner=0 --group=0 -czf $(DISTDIR)/nvme-mpath-$(VERSION).tar.gz
	@echo "$(DISTDIR)/nvme-mpath-$(VERSION).tar.gz"

# Binary RPMs (noarch nvme-mpath-dkms, nvme-mpath-tools) under RPMTOPDIR.
# --nodeps on hosts whose RPM database does not know gcc/make (Debian).
RPMTOPDIR ?= $(TOP)/build/rpm
rpm:
	mkdir -p $(RPMTOPDIR)/SOURCES
	$(MAKE) dist DISTDIR=$(RPMTOPDIR)/SOURCES
	rpmbuild -bb --define '_topdir $(RPMTOPDIR)' \
		$$(rpm -q gcc > /dev/null 2>&1 || echo --nodeps) rpm/nvme-mpath.spec

# Debian packages (nvme-mpath-dkms, nvme-mpath-tools) in the parent directory.
deb:
	dpkg-buildpackage -us -uc -b

# W=1 builds against the headers of every Debian kernel line reachable here
# (5.10, 6.1, 6.12, 7.x; amd64, cloud-amd64, rt-amd64), fetched into
# build/matrix-cache/ without installing anything: see scripts/matrix.sh.
# MATRIX="6.12 7.x/rt-amd64" builds some of them.
matrix:
	scripts/matrix.sh $(MATRIX)

clean:
	rm -rf build
	@if [ -f tools/Makefile ]; then $(MAKE) -C tools clean; fi
