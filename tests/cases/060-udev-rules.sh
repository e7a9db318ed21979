#!/bin/bash
# 060-udev-rules: packaging/udev/63-nvme-mpath.rules under the real
# systemd-udevd (the host's, Debian 12's udev 252, with the host's rules:
# 60-persistent-storage, 69-lvm from lvm2, ...) against the guest's disks.
#  - before nvme_mpath loads, /dev/disk/by-id/nvme-<wwid> is a path disk and
#    no path is marked (the rules see nothing to do);
#  - after it loads, for each multipath disk: by-id nvme-<wwid> and
#    nvme-<model>_<serial>_<nsid> point at the multipath disk, not a path,
#    and each path disk has ID_FS_TYPE=mpath_member,
#    DM_MULTIPATH_DEVICE_PATH=1, SYSTEMD_READY=0 in udevadm info (the paths
#    were claimed after their own add events: only the "change" the rules
#    send from the multipath disk's add event can have marked them);
#  - a GPT partition on a multipath disk gets by-id .../nvme-<wwid>-part1,
#    by-partlabel and by-partuuid links;
#  - LVM: a VG made on the multipath disk, seen again through "add" events
#    of the multipath disk and of the paths, is auto-activated by 69-lvm.rules
#    on the multipath disk (the LV's dm table depends on mpnvme's dev_t,
#    pvscan recorded the mpnvme device) and never on a path;
#  - after rmmod the paths are released: unmarked, by-id back on a path.
# The rules call the helper by a relative name (/lib/udev/nvme-mpath-udev);
# here it is the staged copy (/ is the host's, read-only).
#@ default-lines: 6.12
#@ topology: qemu2
#@ timeout: 240
. "$(dirname "$0")/../lib/guest.sh"
. "$(dirname "$0")/../lib/mpath.sh"

PKG=/mnt/rig/packaging
[ -d "$PKG/udev" ] || fail "no $PKG/udev in the stage (tests/lib/rig.sh rig_stage)"
command -v lvm > /dev/null || fail "no lvm on the host (tests/setup installs lvm2)"

mkdir -p /run/udev/rules.d
for r in "$PKG"/udev/*.rules; do
	sed "s|\"nvme-mpath-udev |\"$PKG/udev/nvme-mpath-udev |g" "$r" > "/run/udev/rules.d/${r##*/}"
done
grep -q "$PKG/udev/nvme-mpath-udev id" /run/udev/rules.d/63-nvme-mpath.rules ||
	fail "could not point 63-nvme-mpath.rules at the staged helper"

udevd_start
settle() { udevadm settle -t 60 || log "udevadm settle timed out"; }
run udevadm trigger --action=add --subsystem-match=block
settle

prop() { udevadm info -q property -n "/dev/$1" 2> /dev/null | sed -n "s/^$2=//p"; }
link_of() { readlink -f "/dev/disk/by-id/$1" 2> /dev/null; }
show() {
	local d
	for d in "$@"; do
		log "$d: $(udevadm info -q property -n "/dev/$d" | grep -E '^(ID_FS_TYPE|DM_MULTIPATH_DEVICE_PATH|SYSTEMD_READY|NVME_MPATH_[A-Z_]*|ID_WWN|ID_SERIAL)=' | xargs)"
	done
}

# ---- before nvme_mpath: by-id on a path, nothing marked -------------------
p0=$(disks_with_wwid "$(disk_wwid nvme0n1)" | head -1)
w0=$(disk_wwid nvme0n1)
t=$(link_of "nvme-$w0")
case $t in /dev/nvme*n*) ;; *) fail "before nvme_mpath: by-id/nvme-$w0 -> '$t', expected a path disk (is udev working?)" ;; esac
for d in $(disks_with_wwid "$w0"); do
	[ -z "$(prop "$d" DM_MULTIPATH_DEVICE_PATH)" ] || fail "$d marked as multipath path before nvme_mpath was loaded"
done
log "before nvme_mpath: by-id/nvme-$w0 -> $t ($p0 ...), paths unmarked"

# ---- nvme_mpath: links on the multipath disk, paths marked ---------------
mpath_load
mp_wait_disk mpnvme0n1 20 || fail "no mpnvme0n1"
mp_wait_disk mpnvme0n2 20 || fail "no mpnvme0n2"
mp_wait_slaves mpnvme0n1 2 20 || fail "mpnvme0n1 has paths '$(mp_slaves mpnvme0n1 | xargs)'"
mp_wait_slaves mpnvme0n2 2 20 || fail "mpnvme0n2 has paths '$(mp_slaves mpnvme0n2 | xargs)'"
settle

check_mp() {
	local mp=$1 wwid ser s v
	wwid=$(mp_attr "$mp" wwid)
	show "$mp" $(mp_slaves "$mp")
	[ "$(link_of "nvme-$wwid")" = "/dev/$mp" ] ||
		fail "by-id/nvme-$wwid -> '$(link_of "nvme-$wwid")', expected /dev/$mp"
	ser=$(prop "$mp" ID_SERIAL)
	[ -n "$ser" ] || fail "$mp has no ID_SERIAL"
	[ "$(link_of "nvme-$ser")" = "/dev/$mp" ] ||
		fail "by-id/nvme-$ser -> '$(link_of "nvme-$ser")', expected /dev/$mp"
	for s in $(mp_slaves "$mp"); do
		for v in ID_FS_TYPE=mpath_member DM_MULTIPATH_DEVICE_PATH=1 SYSTEMD_READY=0 NVME_MPATH_DISK="$mp"; do
			[ "$(prop "$s" "${v%%=*}")" = "${v#*=}" ] ||
				fail "path $s: ${v%%=*}='$(prop "$s" "${v%%=*}")', expected '${v#*=}'"
		done
	done
	log "$mp: by-id nvme-$wwid and nvme-$ser -> /dev/$mp; paths $(mp_slaves "$mp" | xargs) marked"
}
check_mp mpnvme0n1
check_mp mpnvme0n2

# ---- partitions: links of the multipath disk's partitions ------------------
w2=$(mp_attr mpnvme0n2 wwid)
echo 'label: gpt
size=16MiB, name=rigpart' | sfdisk -q /dev/mpnvme0n2 || fail "sfdisk on mpnvme0n2"
settle
wait_for 10 test -e /sys/block/mpnvme0n2/mpnvme0n2p1 || fail "no mpnvme0n2p1"
settle
show mpnvme0n2p1
for l in "nvme-$w2-part1" "../by-partlabel/rigpart"; do
	[ "$(link_of "$l")" = /dev/mpnvme0n2p1 ] || fail "by-id/$l -> '$(link_of "$l")', expected /dev/mpnvme0n2p1"
done
pu=$(prop mpnvme0n2p1 ID_PART_ENTRY_UUID)
[ -n "$pu" ] && [ "$(readlink -f "/dev/disk/by-partuuid/$pu")" = /dev/mpnvme0n2p1 ] ||
	fail "by-partuuid/$pu -> '$(readlink -f "/dev/disk/by-partuuid/$pu")', expected /dev/mpnvme0n2p1"
log "mpnvme0n2p1: by-id nvme-$w2-part1, by-partlabel/rigpart, by-partuuid/$pu"

# ---- LVM: auto-activation on the multipath disk only ----------------------
# LVM sees the PV on the multipath disk and on each path: with
# external_device_info_source="udev" (what nvme_mpath(4) tells users to set)
# it skips devices udev marked as multipath paths, else vgcreate refuses the
# duplicates.  / is read-only: no metadata backups; no dmeventd.
export LVM_SUPPRESS_FD_WARNINGS=1
LVMCONF='devices { external_device_info_source = "udev" } backup { backup = 0 archive = 0 } activation { monitoring = 0 }'
lvm_() { local c=$1; shift; lvm "$c" --config "$LVMCONF" "$@"; }
modprobe dm_mod || fail "modprobe dm_mod"
mpdev=$(cat /sys/block/mpnvme0n1/dev)
run lvm_ pvcreate -q -y /dev/mpnvme0n1
run lvm_ vgcreate -q rigvg /dev/mpnvme0n1
run lvm_ lvcreate -q -y -Zn -Wn -n riglv -L 8M --activate n rigvg
rm -rf /run/lvm/pvs_online /run/lvm/vgs_online
# add events as at boot: the paths (with the PV signature) first, then the
# multipath disk; 69-lvm.rules runs pvscan and vgchange -aay on "add" only
for s in $(mp_slaves mpnvme0n1); do udevadm trigger --action=add "/sys/block/$s"; done
settle
udevadm trigger --action=add /sys/block/mpnvme0n1
settle
show mpnvme0n1 $(mp_slaves mpnvme0n1)
[ "$(prop mpnvme0n1 ID_FS_TYPE)" = LVM2_member ] || fail "mpnvme0n1 ID_FS_TYPE='$(prop mpnvme0n1 ID_FS_TYPE)', expected LVM2_member"
for s in $(mp_slaves mpnvme0n1); do
	[ "$(prop "$s" ID_FS_TYPE)" = mpath_member ] || fail "path $s with a PV: ID_FS_TYPE='$(prop "$s" ID_FS_TYPE)'"
done
online=$(cat /run/lvm/pvs_online/* 2> /dev/null | tr '\n' ' ')
log "pvs_online: $online"
case " $online " in *" $mpdev "*|*"dev:$mpdev "*) ;; *) fail "pvscan did not record mpnvme0n1 ($mpdev): pvs_online '$online'" ;; esac
for s in $(mp_slaves mpnvme0n1); do
	case " $online " in *" $(cat /sys/block/$s/dev) "*|*"dev:$(cat /sys/block/$s/dev) "*)
		fail "pvscan recorded path $s: pvs_online '$online'" ;; esac
done
wait_for 20 test -e /dev/mapper/rigvg-riglv || fail "rigvg/riglv not auto-activated ($(lvm lvs --noheadings -o lv_attr rigvg/riglv 2>&1))"
deps=$(dmsetup deps rigvg-riglv)
log "rigvg-riglv: $deps"
want="(${mpdev%%:*}, ${mpdev##*:})"
case $deps in *"$want"*) ;; *) fail "rigvg-riglv is not on mpnvme0n1 $want: $deps" ;; esac
run lvm_ vgchange -q -an rigvg
run lvm_ vgremove -q -y rigvg
run lvm_ pvremove -q -y /dev/mpnvme0n1

# ---- rmmod: paths released and unmarked ------------------------------------
slaves=$(mp_slaves mpnvme0n1)
mpath_unload
settle
for s in $slaves; do
	[ -z "$(prop "$s" DM_MULTIPATH_DEVICE_PATH)" ] || { show "$s"; fail "$s still marked after rmmod"; }
done
t=$(link_of "nvme-$w0")
case $t in /dev/nvme*n*) ;; *) fail "after rmmod: by-id/nvme-$w0 -> '$t', expected a path disk" ;; esac
udevadm control --exit
pass "by-id -> mpnvme0n1/0n2, paths marked mpath_member/SYSTEMD_READY=0, VG activated on mpnvme0n1 only, unmarked after rmmod"
