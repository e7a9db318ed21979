#!/bin/bash
# dracut module of nvme-mpath (/usr/lib/dracut/modules.d/90nvme-mpath).
# Included whenever the nvme-core module goes into the initramfs: adds
# nvme_mpath.ko, the modprobe.d file that turns native NVMe multipath off and
# loads nvme_mpath after nvme_core, the udev rules that mark path disks and
# the list of known multipath wwids.

check() {
	require_binaries sh || return 1
	# hostonly: only when this machine has NVMe; otherwise (generic) always
	if [[ $hostonly ]]; then
		[[ -d /sys/module/nvme_core ]] || return 255
	fi
	return 0
}

depends() {
	echo udev-rules
	return 0
}

installkernel() {
	hostonly='' instmods nvme_core nvme_mpath
}

install() {
	local f
	for f in /usr/lib/modprobe.d/nvme-mpath.conf /lib/modprobe.d/nvme-mpath.conf \
		 /etc/modprobe.d/nvme-mpath.conf; do
		[[ -e $f ]] && inst_simple "$f"
	done
	[[ -e /etc/nvme-mpath/wwids ]] && inst_simple /etc/nvme-mpath/wwids
	inst_rules 63-nvme-mpath.rules
	inst_script "${udevdir}/nvme-mpath-udev" "${udevdir}/nvme-mpath-udev"
	inst_multiple -o cat grep mkdir
}
