# tests/lib/debugkernel.sh - the 6.12-debug kernel line (host side).
#
# Sourced by tests/lib/rig.sh.  Not a default line: tests/run -k 6.12-debug.
#
# The kernel is Debian's own linux-source-6.12, of the version the 6.12 line
# resolves to (linux-image-<ver> and linux-source-6.12 come from the same
# source package), configured as:
#   Debian's config (the 6.12 line's /boot/config-<ver>)
#   -> make localmodconfig LSMOD=tests/lib/6.12-debug.modules (only the
#      modules the rig's initramfs holds are built)
#   -> tests/lib/6.12-debug.config merged in (KASAN, lockdep, kmemleak, ...)
#   -> make olddefconfig; every option of the fragment is checked to have
#      stuck (a Kconfig dependency silently dropping one fails the build).
# Built (nice -n 19, ionice -c3, make -j$RIG_DEBUG_JOBS, default 2) out of
# tree under tests/.cache/6.12-debug/<hash>/obj, where <hash> covers the
# source version, Debian's config, the fragment, the module list and
# DEBUGKERNEL_RECIPE; so it is rebuilt only when one of those changes.
# The kernel release is 6.12.NNN-mpdebug-<hash8>; bzImage, System.map, config
# and the installed modules go to tests/.cache/<release>/root like the other
# lines' (boot/, lib/modules/<release>/, its "build" link -> obj, the KDIR
# the module is built against: kernel_make_args 6.12-debug).
#
#   debugkernel_prepare     builds (or reuses) the kernel; sets KVER, KROOT,
#                           KIMAGE, KMODTREE like rig_kernel_prepare
#   debugkernel_stage DIR CASEFILE   (rig_stage, debug line only) wraps the
#                           case so that the guest scans kmemleak after it
#                           (lib/debugkernel-guest.sh)

DEBUGKERNEL_FRAGMENT=$RIG_TESTS/lib/6.12-debug.config
DEBUGKERNEL_MODULES=$RIG_TESTS/lib/6.12-debug.modules
# bump when the build steps below change in a way that changes the kernel
DEBUGKERNEL_RECIPE=1

debugkernel_prepare() {
	local base_ver base_config srcver hash dir
	# the 6.12 line's kernel (cached): its version and Debian's config
	rig_kernel_prepare 6.12 || return 1
	base_ver=$KVER
	base_config=$KROOT/boot/config-$base_ver
	[ -r "$base_config" ] || { rig_log "no $base_config"; return 1; }
	srcver=$(apt-cache show "linux-image-$base_ver" 2>/dev/null |
		awk '$1 == "Version:" { print $2; exit }')
	[ -n "$srcver" ] || { rig_log "cannot find the version of linux-image-$base_ver (apt-get update?)"; return 1; }
	hash=$( { echo "recipe $DEBUGKERNEL_RECIPE source $srcver"; sha256sum < "$base_config";
		  cat "$DEBUGKERNEL_FRAGMENT" "$DEBUGKERNEL_MODULES"; } | sha256sum | cut -c1-16)
	dir=$RIG_CACHE/6.12-debug/$hash
	if [ ! -e "$dir/.installed" ]; then
		# its own lock: a build takes tens of minutes, the "cache" lock
		# must not be held that long
		rig_locked debug-kernel _debugkernel_build "$srcver" "$base_config" "$hash" || return 1
	fi
	KVER=$(cat "$dir/release") || return 1
	KROOT=$RIG_CACHE/$KVER/root
	KIMAGE=$KROOT/boot/vmlinuz-$KVER
	KMODTREE=$KROOT/lib/modules/$KVER
	[ -r "$KIMAGE" ] || { rig_log "no $KIMAGE"; return 1; }
}

# the pristine source tree of linux-source-6.12 version $1 (shared by all
# configurations), from apt-get download (or a .deb already in the cache dir)
_debugkernel_source() {
	local srcver=$1 top=$RIG_CACHE/6.12-debug src deb
	src=$top/src-$srcver
	DEBUGKERNEL_SRC=$src/linux-source-6.12
	[ -e "$src/.extracted" ] && return 0
	mkdir -p "$top" || return 1
	deb=$top/linux-source-6.12_${srcver}_all.deb
	if [ ! -s "$deb" ]; then
		rig_log "fetching linux-source-6.12=$srcver"
		(cd "$top" && apt-get download -q "linux-source-6.12=$srcver" 2>&1 |
			grep -v 'Download is performed unsandboxed') || true
		[ -s "$deb" ] || { rig_log "apt-get download linux-source-6.12=$srcver failed"; return 1; }
	fi
	rig_log "unpacking linux-source-6.12 $srcver"
	rm -rf "$src" && mkdir -p "$src" || return 1
	dpkg-deb --fsys-tarfile "$deb" | tar -xO ./usr/src/linux-source-6.12.tar.xz |
		xz -dc | tar -x -C "$src" || return 1
	[ -e "$DEBUGKERNEL_SRC/Makefile" ] || { rig_log "no Makefile in $DEBUGKERNEL_SRC"; return 1; }
	touch "$src/.extracted"
}

# _debugkernel_check_config FRAGMENT CONFIG: every "CONFIG_X=v" and
# "# CONFIG_X is not set" of FRAGMENT holds in CONFIG (prints the others)
_debugkernel_check_config() {
	awk '
	FNR == NR {
		if ($0 ~ /^CONFIG_[A-Za-z0-9_]+=/) { k = $0; sub(/=.*/, "", k); v = $0; sub(/^[^=]*=/, "", v); want[k] = v }
		else if ($0 ~ /^# CONFIG_[A-Za-z0-9_]+ is not set/) want[$2] = "n"
		next
	}
	/^CONFIG_[A-Za-z0-9_]+=/ { k = $0; sub(/=.*/, "", k); v = $0; sub(/^[^=]*=/, "", v); have[k] = v }
	END {
		bad = 0
		for (k in want) {
			h = (k in have) ? have[k] : "n"
			if (h != want[k]) { printf "  %s: wanted %s, got %s\n", k, want[k], h; bad = 1 }
		}
		exit bad
	}' "$1" "$2"
}

_debugkernel_build() {
	local srcver=$1 base_config=$2 hash=$3 dir obj log rel root start secs nice
	dir=$RIG_CACHE/6.12-debug/$hash
	[ -e "$dir/.installed" ] && return 0     # built by a concurrent run meanwhile
	_debugkernel_source "$srcver" || return 1
	obj=$dir/obj log=$dir/build.log
	rm -rf "${dir:?}" && mkdir -p "$obj" || return 1
	nice=(nice -n 19 ionice -c3)
	rig_log "building the 6.12-debug kernel ($srcver, config $hash; log: $log; tens of minutes)"
	start=$(date +%s)
	(
		set -x
		cp "$base_config" "$obj/.config" &&
		# lsmod's format for localmodconfig: "name size used-by"
		{ echo "Module Size Used by"; sed -e 's/#.*//' -e '/^[[:space:]]*$/d' \
			-e 's/[[:space:]]*$/ 0 0/' "$DEBUGKERNEL_MODULES"; } > "$dir/lsmod" &&
		{ yes '' || :; } | make -s -C "$DEBUGKERNEL_SRC" O="$obj" LSMOD="$dir/lsmod" localmodconfig &&
		"$DEBUGKERNEL_SRC/scripts/kconfig/merge_config.sh" -m -O "$obj" "$obj/.config" "$DEBUGKERNEL_FRAGMENT" &&
		make -s -C "$DEBUGKERNEL_SRC" O="$obj" olddefconfig &&
		_debugkernel_check_config "$DEBUGKERNEL_FRAGMENT" "$obj/.config" &&
		"${nice[@]}" make -C "$obj" -j"${RIG_DEBUG_JOBS:-2}" LOCALVERSION="-mpdebug-${hash:0:8}" \
			bzImage modules &&
		rel=$(cat "$obj/include/config/kernel.release") &&
		root=$RIG_CACHE/$rel/root &&
		rm -rf "${RIG_CACHE:?}/${rel:?}" && mkdir -p "$root/boot" &&
		"${nice[@]}" make -C "$obj" -s INSTALL_MOD_PATH="$root" LOCALVERSION="-mpdebug-${hash:0:8}" \
			modules_install &&
		cp "$obj/arch/x86/boot/bzImage" "$root/boot/vmlinuz-$rel" &&
		cp "$obj/System.map" "$root/boot/System.map-$rel" &&
		cp "$obj/.config" "$root/boot/config-$rel" &&
		ln -sfn "$obj" "$root/lib/modules/$rel/build" &&
		depmod -b "$root" "$rel" &&
		echo "$rel" > "$dir/release"
	) > "$log" 2>&1
	local rc=$?
	secs=$(( $(date +%s) - start ))
	if [ $rc != 0 ]; then
		rig_log "6.12-debug kernel build failed after ${secs}s, see $log:"
		tail -n 20 "$log" | sed 's/^/    /' >&2
		return 1
	fi
	# rel was set inside the build's subshell: read it back
	rel=$(cat "$dir/release")
	echo "$secs" > "$dir/build-seconds"
	touch "$dir/.installed"
	rig_log "6.12-debug kernel $rel built in ${secs}s"
	# older configurations' trees (they are big): drop those not used for a day
	find "$RIG_CACHE/6.12-debug" -mindepth 1 -maxdepth 1 -name '????????????????' \
		! -name "$hash" -mtime +1 -exec rm -rf {} + 2>/dev/null
	return 0
}

# debugkernel_stage DIR CASEFILE: on the debug line, /init runs a wrapper in
# place of the case (cases/<name>): the real case is dbgcase/<name> (same
# depth, so its "$(dirname "$0")/../lib" still finds lib/), then the kmemleak
# check of lib/debugkernel-guest.sh runs.
debugkernel_stage() {
	local dir=$1 casefile=$2 name
	name=$(basename "$casefile")
	mkdir -p "$dir/dbgcase"
	cp "$casefile" "$dir/dbgcase/$name"
	cat > "$dir/cases/$name" <<-EOT
	#!/bin/bash
	# 6.12-debug line: $name, then a kmemleak scan (tests/lib/debugkernel-guest.sh)
	. /mnt/rig/lib/debugkernel-guest.sh
	dbg_case_run /mnt/rig/dbgcase/$name
	EOT
}
