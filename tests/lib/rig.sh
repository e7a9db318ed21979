# tests/lib/rig.sh - host-side helpers of the QEMU test rig.
#
# Sourced by tests/run and tests/demo (needs tests/lib/kernels.sh first).
#   rig_kernel_prepare LINE   fetch + unpack the kernel .deb into tests/.cache
#                             (cached), sets KVER, KROOT, KIMAGE, KMODTREE
#   rig_initramfs             builds (or reuses) the initramfs for $KVER,
#                             sets KINITRD
#   rig_module_build          make -C $RIG_SRC KVER=$KVER, sets KMODULE
#                             (path of nvme_mpath.ko, empty if not built)
#   rig_tools_build           make -C $RIG_TOOLS_SRC/tools (nvme-mpath-ana,
#                             nvme-mpath), sets RIG_ANA_TOOL and RIG_MPATH_TOOL
#                             (empty if not built)
#   rig_case_header FILE KEY  prints the values of "#@ KEY: value" lines
#   rig_qemu_args CASEFILE IMGDIR  expands the case's topology/qemu header
#                             into QEMU device arguments (array QARGS)
#   rig_cmdline CASEFILE      prints the guest kernel command line
#   rig_stage DIR CASEFILE TOKEN  fills the per-guest stage folder (9p "rig"):
#                             case, lib/*.sh, nvme_mpath.ko, nvme-mpath-ana,
#                             nvme-mpath

RIG_TESTS=${RIG_TESTS:-$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)}
RIG_REPO=${RIG_REPO:-$(cd "$RIG_TESTS/.." && pwd)}
RIG_SRC=${RIG_SRC:-$RIG_REPO}            # where the module's Makefile is
RIG_TOOLS_SRC=${RIG_TOOLS_SRC:-$RIG_SRC}  # where tools/ is built from
RIG_CACHE=${RIG_CACHE:-$RIG_TESTS/.cache}
RIG_MEM=${RIG_MEM:-1536}
RIG_SMP=${RIG_SMP:-2}

# Modules put into the initramfs (with their dependency closure, decompressed).
# Missing/built-in ones are skipped. RIG_BOOT_MODULES are loaded by /init.
RIG_INITRD_MODULES="virtio_pci netfs 9pnet 9pnet_virtio 9p configfs nvme-core nvme
	nvme-fabrics nvme-tcp nvmet nvmet-tcp nvme-loop null_blk sch_netem sch_prio cls_u32
	dm-multipath dm-round-robin dm-flakey virtio_console"
RIG_BOOT_MODULES="virtio_pci 9pnet_virtio 9p configfs nvme_core nvme"

rig_log() { echo "rig: $*" >&2; }

# the 6.12-debug line: debugkernel_prepare, debugkernel_stage
. "$RIG_TESTS/lib/debugkernel.sh"

# rig_locked NAME CMD...: run CMD holding lock $RIG_CACHE/NAME.lock, so that
# concurrent runs (two developers, CI) don't unpack or build on top of each other.
rig_locked() {
	local name=$1 fd rc; shift
	mkdir -p "$RIG_CACHE"
	exec {fd}> "$RIG_CACHE/$name.lock"
	flock "$fd"
	"$@"; rc=$?
	exec {fd}>&-
	return $rc
}

rig_kernel_prepare() {
	# the 6.12-debug line is built from source (lib/debugkernel.sh)
	case $1 in 6.12-debug) debugkernel_prepare; return ;; esac
	rig_locked cache _rig_kernel_prepare "$@"
}
_rig_kernel_prepare() {
	local line=$1 dir deb p
	KVER=$(kernel_version "$line") || return 1
	dir=$RIG_CACHE/$KVER
	KROOT=$dir/root
	KIMAGE=$KROOT/boot/vmlinuz-$KVER
	KMODTREE=$KROOT/lib/modules/$KVER
	if [ ! -e "$dir/.extracted" ]; then
		rig_log "fetching linux-image-$KVER"
		rm -rf "$dir" && mkdir -p "$dir/deb" || return 1
		# apt's _apt user must be able to write there; it isn't worth a warning
		(cd "$dir/deb" && kernel_apt_get "$line" download -q "linux-image-$KVER" 2>&1 |
			grep -v 'Download is performed unsandboxed') || true
		deb=$(ls "$dir"/deb/linux-image-*.deb 2>/dev/null | head -1)
		[ -n "$deb" ] || { rig_log "apt-get download linux-image-$KVER failed"; return 1; }
		# sid (7.x) splits the kernel: linux-image-<ver> is then a small
		# package, vmlinuz is in linux-binary-<ver>, the modules in
		# linux-modules-<ver>, System.map/modules.* in linux-base-<ver>
		for p in binary modules base; do
			(cd "$dir/deb" && kernel_apt_get "$line" download -q "linux-$p-$KVER" 2>&1 |
				grep -v -e 'Download is performed unsandboxed' -e 'Unable to locate' \
					-e "Couldn't find any package") || true
		done
		for deb in "$dir"/deb/*.deb; do
			dpkg-deb -x "$deb" "$KROOT" || return 1
		done
		# merged-/usr layout (usr/lib/modules): depmod/modprobe -b look in lib/
		if [ -d "$KROOT/usr/lib/modules/$KVER" ] && [ ! -e "$KROOT/lib/modules" ]; then
			mkdir -p "$KROOT/lib" && ln -s ../usr/lib/modules "$KROOT/lib/modules" || return 1
		fi
		depmod -b "$KROOT" "$KVER" || return 1
		rm -f "$dir"/deb/*.deb
		touch "$dir/.extracted"
	fi
	if [ ! -e "$KIMAGE" ] && [ -e "$KROOT/usr/lib/modules/$KVER/vmlinuz" ]; then
		KIMAGE=$KROOT/usr/lib/modules/$KVER/vmlinuz
	fi
	[ -r "$KIMAGE" ] || { rig_log "no $KIMAGE"; return 1; }
}

# Initramfs: busybox, /init, boot module list, decompressed modules + depmod.
# Cached under a hash of everything that goes in, so edits rebuild it.
rig_initramfs() { rig_locked cache _rig_initramfs "$@"; }
_rig_initramfs() {
	local hash stage m f dst list
	hash=$( { echo "$KVER $RIG_INITRD_MODULES $RIG_BOOT_MODULES"; cat "$RIG_TESTS/lib/init";
		  sha256sum /bin/busybox; } | sha256sum | cut -c1-16)
	KINITRD=$RIG_CACHE/$KVER/initramfs-$hash.cpio
	[ -s "$KINITRD" ] && return 0
	rig_log "building initramfs for $KVER"
	# drop stale images (not ones a concurrent run may still be booting)
	find "$RIG_CACHE/$KVER" -maxdepth 1 -name 'initramfs-*.cpio' -mmin +120 -delete
	stage=$(mktemp -d) || return 1
	mkdir -p "$stage"/{bin,sbin,dev,proc,sys,etc,newroot,lib/modules/$KVER}
	cp /bin/busybox "$stage/bin/busybox"
	cp "$RIG_TESTS/lib/init" "$stage/init"
	chmod 755 "$stage/init"
	echo "$RIG_BOOT_MODULES" > "$stage/etc/rig-boot-modules"
	list=$(for m in $RIG_INITRD_MODULES; do
		modprobe --show-depends -d "$KROOT" -S "$KVER" "$m" 2>/dev/null
	done | awk '$1 == "insmod" { print $2 }' | sort -u)
	for f in $list; do
		dst=$stage/lib/modules/$KVER/${f#$KMODTREE/}
		mkdir -p "$(dirname "$dst")"
		case $f in
		*.ko.xz) xz -dc "$f" > "${dst%.xz}" ;;
		*.ko.zst) zstd -qdc "$f" > "${dst%.zst}" ;;
		*.ko.gz) gzip -dc "$f" > "${dst%.gz}" ;;
		*) cp "$f" "$dst" ;;
		esac
	done
	cp "$KMODTREE"/modules.{order,builtin,builtin.modinfo} "$stage/lib/modules/$KVER/" 2>/dev/null
	depmod -b "$stage" "$KVER" || { rm -rf "$stage"; return 1; }
	(cd "$stage" && find . | cpio -o -H newc --quiet > "$KINITRD.tmp") &&
		mv "$KINITRD.tmp" "$KINITRD"
	rm -rf "$stage"
	[ -s "$KINITRD" ]
}

# Build nvme_mpath.ko for $KVER. Returns 1 if the build failed; 0 with empty
# KMODULE when the source tree has no Makefile yet. Build output -> $1 (log).
rig_module_build() {
	local log=${1:-/dev/null}
	KMODULE=
	: > "$log"
	if [ ! -e "$RIG_SRC/Makefile" ]; then
		echo "no $RIG_SRC/Makefile: nvme_mpath.ko not built" > "$log"
		return 0
	fi
	local args
	args=$(kernel_make_args "$RIG_LINE" 2>>"$log") || return 1
	# shellcheck disable=SC2086 # KDIR=... CC=... words
	if ! rig_locked module-build make -C "$RIG_SRC" KVER="$KVER" $args >> "$log" 2>&1; then
		return 1
	fi
	KMODULE=$RIG_SRC/build/$KVER/nvme_mpath.ko
	[ -e "$KMODULE" ] || { echo "make succeeded but $KMODULE is missing" >> "$log"; KMODULE=; return 1; }
}

# Build the userspace tools (tools/nvme-mpath-ana, tools/nvme-mpath;
# kernel-independent, once per run). Returns 1 if the build failed; 0 with
# empty RIG_ANA_TOOL and RIG_MPATH_TOOL when the
# source tree has no tools/. Build output -> $1 (log).
rig_tools_build() {
	local log=${1:-/dev/null}
	RIG_ANA_TOOL= RIG_MPATH_TOOL=
	if [ ! -e "$RIG_TOOLS_SRC/tools/Makefile" ]; then
		echo "no $RIG_TOOLS_SRC/tools/Makefile: nvme-mpath-ana not built" > "$log"
		return 0
	fi
	rig_locked tools-build make -C "$RIG_TOOLS_SRC/tools" > "$log" 2>&1 || return 1
	RIG_ANA_TOOL=$RIG_TOOLS_SRC/tools/nvme-mpath-ana
	RIG_MPATH_TOOL=$RIG_TOOLS_SRC/tools/nvme-mpath
	[ -x "$RIG_ANA_TOOL" ] || { echo "make succeeded but $RIG_ANA_TOOL is missing" >> "$log"; RIG_ANA_TOOL=; return 1; }
	[ -x "$RIG_MPATH_TOOL" ] || { echo "make succeeded but $RIG_MPATH_TOOL is missing" >> "$log"; RIG_MPATH_TOOL=; return 1; }
}

# "#@ key: value" header lines of a case (all of them, one per line).
rig_case_header() {
	sed -n "s/^#@[[:space:]]*$2:[[:space:]]*//p" "$1" | sed 's/[[:space:]]*$//'
}

# Named topologies. qemu2: one NVMe subsystem (nqn mp0) with two controllers
# of the same serial sharing namespaces 1 and 2 (64 MiB each). qemu2pi: the
# same with one namespace formatted with PI type 1 (ms=8).
rig_topology() {
	case "$1" in
	none|"") ;;
	qemu2)
		echo "-device nvme-subsys,id=mp0,nqn=mp0"
		echo "-device nvme,serial=mpath0,subsys=mp0,id=ctrl0"
		echo "-device nvme,serial=mpath0,subsys=mp0,id=ctrl1"
		echo "-drive file=@IMG:ns1:64M@,if=none,format=raw,id=ns1,cache=unsafe"
		echo "-device nvme-ns,drive=ns1,nsid=1,shared=on"
		echo "-drive file=@IMG:ns2:64M@,if=none,format=raw,id=ns2,cache=unsafe"
		echo "-device nvme-ns,drive=ns2,nsid=2,shared=on"
		;;
	qemu2pi)
		# the same two controllers; namespace 1 formatted with 8 bytes of
		# separate metadata per block and PI type 1 (T10-DIF)
		echo "-device nvme-subsys,id=mp0,nqn=mp0"
		echo "-device nvme,serial=mpath0,subsys=mp0,id=ctrl0"
		echo "-device nvme,serial=mpath0,subsys=mp0,id=ctrl1"
		echo "-drive file=@IMG:ns1:64M@,if=none,format=raw,id=ns1,cache=unsafe"
		echo "-device nvme-ns,drive=ns1,nsid=1,shared=on,ms=8,mset=0,pi=1"
		;;
	*) rig_log "unknown topology '$1'"; return 1 ;;
	esac
}

# Fill QARGS with the case's devices and "#@ qemu:" arguments, then those of
# "#@ qemu-<line>:" for the kernel line being run (later ones win in QEMU,
# e.g. -smp); @IMG:name:size@ becomes a sparse raw
# image IMGDIR/name.img (created once per guest, same name = same image);
# @SOCK:name@ becomes the path IMGDIR/name.sock (a UNIX socket QEMU makes).
rig_qemu_args() {
	local casefile=$1 imgdir=$2 topo lines word name size img
	QARGS=()
	topo=$(rig_case_header "$casefile" topology)
	lines=$( { rig_topology "$topo" && rig_case_header "$casefile" qemu &&
		rig_case_header "$casefile" "qemu-${RIG_LINE:-}"; } ) || return 1
	for word in $lines; do
		while [[ $word =~ @IMG:([A-Za-z0-9_.-]+):([0-9]+[KMG]?)@ ]]; do
			name=${BASH_REMATCH[1]} size=${BASH_REMATCH[2]}
			img=$imgdir/$name.img
			[ -e "$img" ] || truncate -s "$size" "$img" || return 1
			word=${word/"${BASH_REMATCH[0]}"/$img}
		done
		while [[ $word =~ @SOCK:([A-Za-z0-9_.-]+)@ ]]; do
			word=${word/"${BASH_REMATCH[0]}"/$imgdir/${BASH_REMATCH[1]}.sock}
		done
		QARGS+=("$word")
	done
}

# Guest kernel command line: defaults plus the case's "#@ cmdline:" and, for
# the kernel line being run, "#@ cmdline-<line>:" (e.g. cmdline-5.10); a case
# setting nvme_core.multipath replaces the default multipath=N.
rig_cmdline() {
	local extra base
	extra=$( { rig_case_header "$1" cmdline; rig_case_header "$1" "cmdline-${RIG_LINE:-}"; } | tr '\n' ' ')
	# slub_debug on the kmalloc caches (where the module's objects live):
	# red zones and poisoning turn a stray write into a "BUG kmalloc-..." line
	# hung tasks: 20 s, scaled like the case timeouts on the debug line (a
	# QEMU PCIe controller's reset took 28 s there under the torture)
	local hung=20
	[ "${RIG_LINE:-}" = 6.12-debug ] && hung=$(( hung * ${RIG_DEBUG_TIMEOUT_FACTOR:-3} ))
	base="console=ttyS0,115200 panic=-1 loglevel=7 printk.time=1 no_timer_check sysctl.kernel.hung_task_timeout_secs=$hung slub_debug=FZP,kmalloc-*"
	case " $extra" in
	*" nvme_core.multipath="*) ;;
	*) base+=" nvme_core.multipath=N" ;;
	esac
	echo "$base $extra" | sed 's/[[:space:]]*$//'
}

# Stage folder shared to the guest as 9p tag "rig" (mounted on /mnt/rig):
# the case, tests/lib, nvme_mpath.ko, rig.env and packaging/.
rig_stage() {
	local dir=$1 casefile=$2 token=$3 name
	name=$(basename "$casefile")
	mkdir -p "$dir/cases" "$dir/lib"
	cp "$casefile" "$dir/cases/$name"
	cp "$RIG_TESTS"/lib/*.sh "$RIG_TESTS"/lib/*.py "$dir/lib/"
	# 6.12-debug: the case runs in a wrapper that checks kmemleak after it
	if [ "${RIG_LINE:-}" = 6.12-debug ]; then debugkernel_stage "$dir" "$casefile"; fi
	if [ -n "$KMODULE" ]; then cp "$KMODULE" "$dir/nvme_mpath.ko"; fi
	# the guest finds it at /mnt/rig/nvme-mpath-ana (ANA_HELPER in guest.sh)
	if [ -n "${RIG_ANA_TOOL:-}" ]; then cp "$RIG_ANA_TOOL" "$dir/nvme-mpath-ana"; fi
	# and the admin command at /mnt/rig/nvme-mpath (MPATH_TOOL in guest.sh)
	if [ -n "${RIG_MPATH_TOOL:-}" ]; then cp "$RIG_MPATH_TOOL" "$dir/nvme-mpath"; fi
	# udev rules, helpers, units of the packages (060-udev-rules)
	if [ -d "$RIG_REPO/packaging" ]; then cp -a "$RIG_REPO/packaging" "$dir/"; fi
	cat > "$dir/rig.env" <<-EOT
	RIG_TOKEN=$token
	RIG_KVER=$KVER
	RIG_LINE=$RIG_LINE
	RIG_CASE=$name
	RIG_MODTREE=$KMODTREE
	RIG_MODULE=${KMODULE:+/mnt/rig/nvme_mpath.ko}
	RIG_SHELL=${RIG_SHELL:-0}
	EOT
}

# Print the qemu command (array RIG_QEMU) for the current kernel and stage.
rig_qemu_cmd() {
	local stage=$1 casefile=$2
	RIG_QEMU=(qemu-system-x86_64 -M q35 -accel "tcg,thread=${RIG_TCG_THREAD:-single}" -m "$RIG_MEM" -smp "$RIG_SMP"
		-nographic -no-reboot
		-kernel "$KIMAGE" -initrd "$KINITRD" -append "$(rig_cmdline "$casefile")"
		-virtfs local,path=/,mount_tag=host,security_model=none,readonly=on,multidevs=remap
		-virtfs "local,path=$stage,mount_tag=rig,security_model=none,readonly=on,multidevs=remap"
		"${QARGS[@]}")
}
