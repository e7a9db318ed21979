#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# scripts/matrix.sh [-n] [TARGET...]  (also: make matrix)
#
# Builds nvme_mpath.ko with W=1 against the headers of every Debian kernel
# line reachable from this machine, without installing anything into the
# host: the headers (and kbuild) .debs are fetched with apt through a private
# apt configuration per distribution and unpacked with dpkg-deb -x under
# build/matrix-cache/.  Versions are never hardcoded: each target is the
# newest version its meta package (linux-headers-<flavour>) depends on.
#
#   line  distribution (suites)                          meta package
#   5.10  bullseye (bullseye, bullseye-security)         linux-headers-<flavour>
#   6.1   bookworm (bookworm, -updates, -security)       linux-headers-<flavour>
#   6.12  bookworm (bookworm, -updates, -security)       linux-headers-6.12-<flavour>
#   7.x   sid                                            linux-headers-<flavour>
#   flavours: amd64 cloud-amd64 rt-amd64
#
# A target is LINE/FLAVOUR (e.g. 5.10/rt-amd64), a LINE (all flavours) or
# nothing (all).  -n: resolve and fetch only, do not build.
#   scripts/matrix.sh -n 5.10/amd64 prints nothing but leaves the headers in
#   build/matrix-cache/root/5.10/usr/src/ (tests/lib/kernels.sh uses that).
#
# Where a kbuild package's host tools cannot run here (sid's are linked
# against a newer glibc than Debian 12's), they are rebuilt from that
# kernel's own source (linux-source-<x> of the same version, from the same
# distribution) into the private copy of the headers; see rebuild_kbuild.
#
# Output: one line per target, "OK"/"FAIL", with the warning count; the log of
# each build is build/matrix-logs/<kernel release>.log.  Exit status 1 if any
# target failed to resolve, to fetch, to build, or built with a warning.
#
# Cached: apt lists are refreshed when older than MATRIX_LISTS_MAXAGE minutes
# (default 360), .debs are kept, unpacked trees are reused, and make
# rebuilds nothing that is up to date.  MATRIX_CACHE moves the cache,
# MATRIX_JOBS sets how many builds run at once (default: number of CPUs).
set -euo pipefail

top=$(cd "$(dirname "$0")/.." && pwd)
CACHE=${MATRIX_CACHE:-$top/build/matrix-cache}
LOGS=$top/build/matrix-logs
JOBS=${MATRIX_JOBS:-$(nproc)}
MAXAGE=${MATRIX_LISTS_MAXAGE:-360}
KEYRING=/usr/share/keyrings/debian-archive-keyring.gpg
MIRROR=${MATRIX_MIRROR:-http://deb.debian.org/debian}
SECMIRROR=${MATRIX_SECURITY_MIRROR:-http://deb.debian.org/debian-security}

LINES="5.10 6.1 6.12 7.x"
FLAVOURS="amd64 cloud-amd64 rt-amd64"

line_dist() {
	case $1 in
	5.10) echo bullseye ;;
	6.1|6.12) echo bookworm ;;
	7.x) echo sid ;;
	*) return 1 ;;
	esac
}

line_meta() {	# line flavour
	case $1 in
	6.12) echo "linux-headers-6.12-$2" ;;
	*) echo "linux-headers-$2" ;;
	esac
}

dist_sources() {
	local o="[arch=amd64 signed-by=$KEYRING]"
	case $1 in
	bullseye)
		echo "deb $o $MIRROR bullseye main"
		echo "deb $o $SECMIRROR bullseye-security main" ;;
	bookworm)
		echo "deb $o $MIRROR bookworm main"
		echo "deb $o $MIRROR bookworm-updates main"
		echo "deb $o $SECMIRROR bookworm-security main" ;;
	sid)
		echo "deb $o $MIRROR sid main" ;;
	esac
}

log() { echo "matrix: $*" >&2; }

# ---- private apt, one state per distribution ----

APT_OPTS=()
apt_opts() {
	local d=$CACHE/apt/$1
	APT_OPTS=(-o "Dir::Etc::SourceList=$d/sources.list"
		-o "Dir::Etc::SourceParts=$d/sources.list.d"
		-o "Dir::Etc::Preferences=$d/preferences"
		-o "Dir::Etc::PreferencesParts=$d/preferences.d"
		-o "Dir::State=$d/state" -o "Dir::State::status=$d/status"
		-o "Dir::Cache=$d/cache" -o "Dir::Cache::pkgcache=pkgcache.bin"
		-o "Dir::Cache::srcpkgcache=srcpkgcache.bin" -o "Acquire::Languages=none"
		-o "APT::Architectures=amd64" -o "APT::Sandbox::User=root"
		-o "Debug::NoLocking=1" -o "Acquire::IndexTargets::deb::Contents-deb::DefaultEnabled=false")
}

apt_setup() {
	local dist=$1 d=$CACHE/apt/$1 fresh
	apt_opts "$dist"
	mkdir -p "$d/sources.list.d" "$d/preferences.d" "$d/state/lists/partial" \
		"$d/cache/archives/partial"
	touch "$d/status" "$d/preferences"
	dist_sources "$dist" > "$d/sources.list.new"
	if ! cmp -s "$d/sources.list.new" "$d/sources.list"; then
		mv "$d/sources.list.new" "$d/sources.list"
		rm -f "$d/updated"
	else
		rm -f "$d/sources.list.new"
	fi
	fresh=$(find "$d/updated" -mmin "-$MAXAGE" 2>/dev/null || true)
	[ -n "$fresh" ] && return 0
	log "apt-get update ($dist)"
	if ! apt-get "${APT_OPTS[@]}" -qq update >"$d/update.log" 2>&1; then
		cat "$d/update.log" >&2
		return 1
	fi
	touch "$d/updated"
}

# Depends of packages, one name a line, alternatives and versions dropped.
apt_deps() {
	apt-cache "${APT_OPTS[@]}" depends "$@" 2>/dev/null |
		awk '$1 == "Depends:" { print $2 }' | sed 's/^<\(.*\)>$/\1/'
}

apt_version() {
	apt-cache "${APT_OPTS[@]}" show --no-all-versions "$1" 2>/dev/null |
		awk '$1 == "Version:" { print $2; exit }'
}

# fetch_debs PKG...: the candidate versions into $CACHE/debs (one apt-cache
# and at most one apt-get call); prints the .deb paths, one a line.
fetch_debs() {
	local p v deb missing=() all=()
	mkdir -p "$CACHE/debs"
	while read -r p v; do
		deb=$(ls "$CACHE/debs/${p}_${v//:/%3a}_"*.deb 2>/dev/null | head -1 || true)
		[ -n "$deb" ] || missing+=("$p=$v")
		all+=("$p ${v//:/%3a}")
	done < <(apt-cache "${APT_OPTS[@]}" show --no-all-versions "$@" 2>/dev/null |
		 awk '$1 == "Package:" { p = $2 } $1 == "Version:" { print p, $2 }')
	[ ${#all[@]} -eq $# ] || { log "not all of $* are in the archive"; return 1; }
	if [ ${#missing[@]} -gt 0 ]; then
		# a mirror may fail a large download once (seen: linux-source-7.2
		# in a CI run): three tries
		local try
		for try in 1 2 3; do
			(cd "$CACHE/debs" && apt-get "${APT_OPTS[@]}" -qq download "${missing[@]}") >&2 && break
			log "apt-get download ${missing[*]} failed (try $try of 3)"
			[ $try = 3 ] && return 1
			sleep 10
		done
	fi
	for p in "${all[@]}"; do
		deb=$(ls "$CACHE/debs/${p% *}_${p#* }_"*.deb 2>/dev/null | head -1 || true)
		[ -n "$deb" ] || { log "no .deb for ${p% *}"; return 1; }
		echo "$deb"
	done
}

fetch_deb() { fetch_debs "$1"; }

# ---- targets ----

# resolve LINE FLAVOUR: sets HDR (headers package) and PKGS (it and the
# linux-headers-*/linux-kbuild-*/linux-base-<abi>-* packages it depends on).
resolve() {
	local meta d seen
	apt_opts "$(line_dist "$1")"
	meta=$(line_meta "$1" "$2")
	HDR=$(apt_deps "$meta" | grep '^linux-headers-[0-9]' | head -1 || true)
	[ -n "$HDR" ] || { log "$1/$2: $meta depends on no linux-headers-<version> package"; return 1; }
	PKGS=("$HDR")
	seen=" $HDR "
	local level=("$HDR") next
	while [ ${#level[@]} -gt 0 ]; do
		next=()
		for d in $(apt_deps "${level[@]}" | grep -E '^linux-(headers|kbuild|base)-[0-9]' | sort -u || true); do
			case $seen in *" $d "*) continue ;; esac
			seen+="$d "
			PKGS+=("$d")
			next+=("$d")
		done
		level=("${next[@]}")
	done
}

# unpack LINE DEB...: dpkg-deb -x into the line's private root (once per .deb).
unpack() {
	local root=$CACHE/root/$1 deb stamp; shift
	mkdir -p "$root/.unpacked"
	for deb in "$@"; do
		stamp=$root/.unpacked/$(basename "$deb")
		[ -e "$stamp" ] && continue
		dpkg-deb -x "$deb" "$root" || return 1
		touch "$stamp"
	done
}

# fixup ROOT KDIR: point what the packages expect under / into ROOT.
fixup() {
	local root=$1 kdir=$2 kver l
	kver=$(basename "$kdir")
	kver=${kver#linux-headers-}
	# "include /usr/src/linux-headers-<abi>-common/Makefile" (and any other
	# absolute /usr/src path in the flavour's Makefile)
	if grep -q '^[^#]*[ =]/usr/src/' "$kdir/Makefile"; then
		sed -i "s#\([ =]\)/usr/src/#\1$root/usr/src/#g" "$kdir/Makefile"
	fi
	# lib/modules/<kver>/{build,source}: relative, inside ROOT
	for l in "$root"/lib/modules/"$kver"/build "$root"/usr/lib/modules/"$kver"/build \
		 "$root"/lib/modules/"$kver"/source "$root"/usr/lib/modules/"$kver"/source; do
		[ -L "$l" ] || continue
		case $(readlink "$l") in
		/*) ln -sfn "$root$(readlink "$l")" "$l" ;;
		esac
	done
}

# The kbuild programs a module build runs (fixdep, modpost, genksyms,
# objtool, resolve_btfids; wrappers and the programs they exec) that cannot
# run here (missing library or symbol version), one a line.  sign-file and
# extract-cert (5.10's need libcrypto 1.1) are not run by a module build.
broken_tools() {
	local f
	for f in "$1"/scripts/basic/fixdep "$1"/scripts/mod/modpost \
		 "$1"/scripts/mod/modpost.real-lsb-64 "$1"/scripts/genksyms/genksyms \
		 "$1"/tools/objtool/objtool "$1"/tools/objtool/objtool.real-x86 \
		 "$1"/tools/bpf/resolve_btfids/resolve_btfids; do
		[ -f "$f" ] || continue
		if ldd "$f" 2>&1 | grep -q 'not found'; then echo "$f"; fi
	done
}

# ksrc LINE KBUILD_DIR: extract the linux-source-<x.y> of the same version as
# the kbuild package (same distribution) into $CACHE/ksrc/<kbuild>, set SRC.
ksrc() {
	local line=$1 kb=$2 kbpkg ver x tarball
	kbpkg=$(basename "$kb")
	SRC=$CACHE/ksrc/$kbpkg
	[ -e "$SRC/.extracted" ] && return 0
	apt_opts "$(line_dist "$line")"
	ver=$(apt_version "$kbpkg")
	x=$(echo "${kbpkg#linux-kbuild-}" | cut -d. -f1-2)
	[ "$(apt_version "linux-source-$x")" = "$ver" ] ||
		{ log "$kbpkg $ver: no linux-source-$x of the same version"; return 1; }
	log "extracting linux-source-$x $ver"
	rm -rf "$SRC" && mkdir -p "$SRC"
	tarball=$(fetch_deb "linux-source-$x") || return 1
	dpkg-deb --fsys-tarfile "$tarball" |
		tar -xO "./usr/src/linux-source-$x.tar.xz" |
		tar -xJ -C "$SRC" --strip-components=1 || return 1
	touch "$SRC/.extracted"
}

# rebuild_kbuild LINE KBUILD_DIR CONFIG: rebuild the host tools of the
# line's kbuild package from the same version's linux-source-<x.y>, and put
# them in place of the packaged ones (in the private copy only).
rebuild_kbuild() {
	local line=$1 kb=$2 config=$3 src s t log
	[ -e "$kb/.rebuilt" ] && return 0
	ksrc "$line" "$kb" || return 1
	src=$SRC
	log "$(basename "$kb"): host tools do not run here (newer libc); rebuilding them from source"
	log=$CACHE/ksrc/$(basename "$kb").log
	cp "$config" "$src/.config"
	# The kernel's own config, re-evaluated for this machine's compiler; only
	# host programs come out of this tree, and they do not depend on it.
	if ! { make -C "$src" -s olddefconfig &&
	       make -C "$src" -s -j"$JOBS" modules_prepare; } >"$log" 2>&1; then
		log "building $(basename "$kb") host tools failed, see $log"
		tail -20 "$log" >&2
		return 1
	fi
	for s in scripts/basic/fixdep:scripts/basic/fixdep \
		 scripts/mod/modpost:scripts/mod/modpost.real-lsb-64 \
		 scripts/genksyms/genksyms:scripts/genksyms/genksyms \
		 scripts/kconfig/conf:scripts/kconfig/conf \
		 tools/objtool/objtool:tools/objtool/objtool.real-x86 \
		 tools/bpf/resolve_btfids/resolve_btfids:tools/bpf/resolve_btfids/resolve_btfids; do
		t=${s#*:} s=${s%%:*}
		[ -e "$kb/$t" ] || continue
		if [ -x "$src/$s" ]; then
			cp "$src/$s" "$kb/$t"
		fi
	done
	touch "$kb/.rebuilt"
}
# ---- end-lib

# build TARGET KDIR: make W=1 into build/<kver>/; writes $LOGS/<kver>.result
# ("OK|FAIL <warnings> <note>").  An up-to-date module is not rebuilt: its
# previous matrix log is counted again.
build_one() {
	local target=$1 kdir=$2 kver log res warn rc=0 note=""
	kver=$(kdir_release "$kdir")
	log=$LOGS/$kver.log
	res=$LOGS/$kver.result
	# The compiler the kernel was built with (gcc-10 for 5.10, gcc-16 for
	# 7.x) is not on Debian 12: then the build uses this machine's gcc.
	local cc=() kcc
	kcc=$(make -s -C "$kdir" -f - print-cc <<-'EOT' 2>/dev/null || true
		include .kernelvariables
		print-cc: ; @echo $(CC)
	EOT
	)
	if [ -n "$kcc" ] && ! command -v "${kcc##* }" >/dev/null; then
		cc=(CC=gcc)
		note="[kernel's ${kcc##* } absent: built with gcc $(gcc -dumpfullversion)]"
	fi
	if [ -s "$log" ] && make -C "$top" -q KDIR="$kdir" KVER="$kver" "${cc[@]}" W=1 >/dev/null 2>&1; then
		note="(up to date) $note"
	else
		# from scratch: a module built earlier without W=1 is rebuilt with it
		rm -rf "${top:?}/build/$kver"
		make -C "$top" KDIR="$kdir" KVER="$kver" "${cc[@]}" W=1 >"$log" 2>&1 || rc=$?
	fi
	# Compiler and modpost warnings.  kbuild's notices about this machine's
	# tools differing from the kernel's (compiler, pahole) are not about
	# the module: counted apart, shown as notes.
	warn=$(grep -E '(warning|WARNING|error):' "$log" |
		grep -Evc 'the compiler differs|pahole version differs' || true)
	[ -e "$kdir/.retargeted" ] &&
		note="$note [config re-evaluated for gcc $(host_gcc): $(grep -c '^[<>]' "$kdir/.config.retarget.diff") lines differ]"
	grep -q 'pahole version differs' "$log" &&
		note="$note [pahole $(pahole --version 2>/dev/null), kernel's $(sed -n 's/^CONFIG_PAHOLE_VERSION=//p' "$kdir/.config")]"
	if [ $rc -ne 0 ] || [ ! -e "$top/build/$kver/nvme_mpath.ko" ] || grep -q 'error:' "$log"; then
		echo "FAIL $warn $note" > "$res"
	elif [ "$warn" -ne 0 ]; then
		echo "WARN $warn $note" > "$res"
	else
		echo "OK 0 $note" > "$res"
	fi
}

# retarget LINE KDIR: the kernel was built by a newer gcc than this
# machine's, and its configuration holds that compiler's capabilities
# (CONFIG_CC_HAS_*, e.g. -fmin-function-alignment, which gcc 12 lacks).  Let
# Kconfig re-evaluate the kernel's own .config for this machine's toolchain
# (olddefconfig in the kernel's source: only toolchain-dependent symbols
# change, and what depends on them, such as Rust) and use the result in the
# private headers copy.  The original is kept as .config.debian.
retarget() {
	local line=$1 kdir=$2 kb log
	[ -e "$kdir/.retargeted" ] && return 0
	kb=$(readlink -f "$kdir/scripts/..")
	ksrc "$line" "$kb" || return 1
	log=$CACHE/ksrc/retarget-$(basename "$kdir").log
	[ -e "$kdir/.config.debian" ] || cp "$kdir/.config" "$kdir/.config.debian"
	cp "$kdir/.config.debian" "$SRC/.config"
	if ! { make -C "$SRC" -s olddefconfig && make -C "$SRC" -s syncconfig; } >"$log" 2>&1; then
		log "re-evaluating the config of $(basename "$kdir") failed, see $log"
		return 1
	fi
	cp "$SRC/.config" "$kdir/.config"
	cp "$SRC/include/config/auto.conf" "$kdir/include/config/auto.conf"
	cp "$SRC/include/generated/autoconf.h" "$kdir/include/generated/autoconf.h"
	diff <(grep '^CONFIG' "$kdir/.config.debian") <(grep '^CONFIG' "$kdir/.config") \
		> "$kdir/.config.retarget.diff" || true
	touch "$kdir/.retargeted"
}

# gcc major version a kernel's config was made with, and this machine's
kernel_gcc() { sed -n 's/^CONFIG_GCC_VERSION=\([0-9]*\)..../\1/p' "$1/.config.debian" "$1/.config" 2>/dev/null | head -1; }
host_gcc() { gcc -dumpversion | cut -d. -f1; }

# uname -r of the kernel whose headers are in KDIR
kdir_release() {
	sed -n 's/^#define UTS_RELEASE "\(.*\)"/\1/p' "$1/include/generated/utsrelease.h"
}

usage() { sed -n '4,22p' "$0" | sed 's/^# \{0,1\}//'; exit 2; }

main() {
	local fetch_only=0 t line flav targets=() dists="" d deb kdir root kb
	local -A kdir_of=()
	local failed=0 start=$SECONDS
	while getopts nh opt; do
		case $opt in n) fetch_only=1 ;; *) usage ;; esac
	done
	shift $((OPTIND - 1))
	[ $# -gt 0 ] || set -- $LINES
	for t in "$@"; do
		line=${t%%/*}
		line_dist "$line" >/dev/null || { log "unknown line '$line' (known: $LINES)"; exit 2; }
		if [ "$t" = "$line" ]; then
			for flav in $FLAVOURS; do targets+=("$line/$flav"); done
		else
			targets+=("$t")
		fi
		d=$(line_dist "$line")
		case " $dists " in *" $d "*) ;; *) dists+=" $d" ;; esac
	done
	mkdir -p "$CACHE" "$LOGS"

	# apt lists of every distribution, in parallel
	local pids=()
	for d in $dists; do apt_setup "$d" & pids+=($!); done
	for t in "${pids[@]}"; do wait "$t" || exit 1; done

	# resolve, fetch, unpack, fix up (serial: small and mostly cached)
	for t in "${targets[@]}"; do
		line=${t%%/*} flav=${t#*/}
		if ! resolve "$line" "$flav"; then
			printf '%-18s %-34s FAIL (cannot resolve)\n' "$t" "-"; failed=1; continue
		fi
		root=$CACHE/root/$line
		local debs=()
		mapfile -t debs < <(fetch_debs "${PKGS[@]}" || true)
		if [ ${#debs[@]} -ne ${#PKGS[@]} ] || ! unpack "$line" "${debs[@]}"; then
			printf '%-18s %-34s FAIL (cannot fetch/unpack %s)\n' "$t" "${HDR#linux-headers-}" "${PKGS[*]}"
			failed=1; continue
		fi
		kdir=$root/usr/src/$HDR
		fixup "$root" "$kdir"
		kb=$(readlink -f "$kdir/scripts/..")
		if [ -n "$(broken_tools "$kb")" ] && ! rebuild_kbuild "$line" "$kb" "$kdir/.config"; then
			printf '%-18s %-34s FAIL (host tools)\n' "$t" "${HDR#linux-headers-}"
			failed=1; continue
		fi
		if [ "$(kernel_gcc "$kdir")" -gt "$(host_gcc)" ] && ! retarget "$line" "$kdir"; then
			printf '%-18s %-34s FAIL (config for gcc %s)\n' "$t" "${HDR#linux-headers-}" "$(host_gcc)"
			failed=1; continue
		fi
		kdir_of[$t]=$kdir
	done
	[ $fetch_only = 1 ] && { log "fetched in $((SECONDS - start)) s"; exit $failed; }

	# builds, MATRIX_JOBS at a time
	local running=0
	for t in "${targets[@]}"; do
		[ -n "${kdir_of[$t]:-}" ] || continue
		build_one "$t" "${kdir_of[$t]}" &
		running=$((running + 1))
		if [ $running -ge "$JOBS" ]; then wait -n || true; running=$((running - 1)); fi
	done
	wait
	local kver r
	for t in "${targets[@]}"; do
		[ -n "${kdir_of[$t]:-}" ] || continue
		kver=$(kdir_release "${kdir_of[$t]}")
		r=$(cat "$LOGS/$kver.result" 2>/dev/null || echo "FAIL ? (no result)")
		set -- $r
		printf '%-18s %-34s %-4s warnings=%s %s\n' "$t" "$kver" "$1" "$2" "${*:3}"
		[ "$1" = OK ] || failed=1
	done
	log "${#targets[@]} targets in $((SECONDS - start)) s; logs in ${LOGS#"$top"/}/"
	exit $failed
}

# --apt DIST apt-get|apt-cache ARGS...: run apt with the private configuration
# of DIST (lists refreshed as above); the test rig fetches 5.10 with it.
if [ "${1:-}" = --apt ]; then
	[ $# -ge 3 ] && line_dist_ok=$(dist_sources "$2") && [ -n "$line_dist_ok" ] || usage
	mkdir -p "$CACHE"
	apt_setup "$2" || exit 1
	tool=$3; shift 3
	case $tool in apt-get|apt-cache) ;; *) usage ;; esac
	exec "$tool" "${APT_OPTS[@]}" "$@"
fi

main "$@"
