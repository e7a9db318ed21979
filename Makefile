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

.PHONY: all modules clean probe check checkpatch sparse install matrix

all modules: $(BUILD)/nvme_mpath.ko

$(BUILD)/compat_probed.h: $(PROBES) scripts/probe.sh
	@test -f $(KDIR)/Makefile || { echo "no kernel headers in $(KDIR) (set KVER= or KDIR=)"; exit 1; }
	scripts/probe.sh $(KDIR) $(BUILD)

$(BUILD)/nvme_mpath.ko: $(SRCS) $(BUILD)/compat_probed.h
	@mkdir -p $(BUILD)
	cp -a Kbuild src include $(BUILD)/
	$(MAKE) -C $(KDIR) M=$(BUILD) $(if $(W),W=$(W)) $(if $(C),C=$(C)) modules

probe: $(BUILD)/compat_probed.h

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

# W=1 builds against the headers of every Debian kernel line reachable here
# (5.10, 6.1, 6.12, 7.x; amd64, cloud-amd64, rt-amd64), fetched into
# build/matrix-cache/ without installing anything: see scripts/matrix.sh.
# MATRIX="6.12 7.x/rt-amd64" builds some of them.
matrix:
	scripts/matrix.sh $(MATRIX)

clean:
	rm -rf build
