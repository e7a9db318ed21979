# tests/lib/kernels.sh - which Debian kernels the rig tests against.
#
# Sourced by tests/setup, tests/run and tests/demo. Versions are not
# hardcoded: each kernel "line" is resolved from the apt meta package that
# tracks it, so a Debian point release moves the rig along by itself.
#
#   6.1   -> whatever linux-image-amd64      depends on (linux-image-6.1.0-NN-amd64)
#   6.12  -> whatever linux-image-6.12-amd64 depends on (linux-image-6.12.NNN+deb12-amd64)
#   5.10  -> whatever bullseye's linux-image-amd64 depends on (linux-image-5.10.0-NN-amd64,
#            bullseye-security), through the private apt of scripts/matrix.sh
#            (this machine's apt has no bullseye); its headers are not installed
#            but unpacked into build/matrix-cache/, and the module is built with
#            this machine's gcc (Debian 11's gcc-10 is not on Debian 12).
#            Not a default line: tests/run -k 5.10.
#   7.x   -> whatever sid's linux-image-amd64 depends on (linux-image-7.N...-amd64),
#            the same way as 5.10; its headers' kbuild tools are rebuilt from
#            linux-source and its config re-evaluated for this machine's gcc
#            by scripts/matrix.sh (sid's gcc is newer).  Not a default line:
#            tests/run -k 7.x.
#   6.12-debug -> built here from Debian's linux-source-6.12 of the version the
#            6.12 line resolves to, with Debian's config trimmed to the rig's
#            modules plus KASAN, lockdep, kmemleak, fault injection
#            (tests/lib/debugkernel.sh, tests/lib/6.12-debug.config); its
#            release is 6.12.NNN-mpdebug-<config hash>. kernel_version prints
#            the 6.12 version it is built from.  Not a default line:
#            tests/run -k 6.12-debug.
#
# kernel_lines            prints the default line names ("6.1 6.12")
# kernel_meta LINE        prints the meta package of a line
# kernel_version LINE     prints the resolved version string, e.g. 6.1.0-56-amd64
#                         (headers package = linux-headers-<version>,
#                          image package   = linux-image-<version>)
# kernel_apt_get LINE ARGS...   apt-get with the line's apt configuration
# kernel_make_args LINE   extra make arguments to build the module for the line
#                         (none for 6.1/6.12: their headers are installed;
#                          6.12-debug: its build tree, with W=1)

KERNEL_LINES="6.1 6.12"
KERNEL_EXTRA_LINES="5.10 7.x 6.12-debug"
KERNELS_REPO=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)

kernel_lines() { echo "$KERNEL_LINES"; }

kernel_meta() {
	case "$1" in
	6.1) echo linux-image-amd64 ;;
	6.12|6.12-debug) echo linux-image-6.12-amd64 ;;
	5.10|7.x) echo linux-image-amd64 ;;
	*) echo "kernels.sh: unknown kernel line '$1' (known: $KERNEL_LINES $KERNEL_EXTRA_LINES)" >&2; return 1 ;;
	esac
}

kernel_version() {
	local meta dep
	meta=$(kernel_meta "$1") || return 1
	# "Depends: linux-image-6.1.0-56-amd64" (first linux-image-* dependency)
	dep=$(kernel_apt_cache "$1" depends "$meta" 2>/dev/null |
		awk '$1 == "Depends:" && $2 ~ /^linux-image-[0-9]/ { print $2; exit }')
	if [ -z "$dep" ]; then
		echo "kernels.sh: cannot resolve $meta via apt-cache (run apt-get update?)" >&2
		return 1
	fi
	echo "${dep#linux-image-}"
}

kernel_apt_cache() {
	local line=$1; shift
	case $line in
	5.10) "$KERNELS_REPO/scripts/matrix.sh" --apt bullseye apt-cache "$@" ;;
	7.x) "$KERNELS_REPO/scripts/matrix.sh" --apt sid apt-cache "$@" ;;
	*) apt-cache "$@" ;;
	esac
}

kernel_apt_get() {
	local line=$1; shift
	case $line in
	5.10) "$KERNELS_REPO/scripts/matrix.sh" --apt bullseye apt-get "$@" ;;
	7.x) "$KERNELS_REPO/scripts/matrix.sh" --apt sid apt-get "$@" ;;
	*) apt-get "$@" ;;
	esac
}

kernel_make_args() {
	local ver kdir
	case $1 in
	5.10|7.x)
		ver=$(kernel_version "$1") || return 1
		kdir=$KERNELS_REPO/build/matrix-cache/root/$1/usr/src/linux-headers-$ver
		# fetches, unpacks, fixes up (7.x: host tools, config for gcc 12)
		"$KERNELS_REPO/scripts/matrix.sh" -n "$1/amd64" >&2 || return 1
		echo "KDIR=$kdir CC=gcc"
		;;
	6.12-debug)
		# the built tree (lib/debugkernel.sh links it as the modules' build/);
		# KMODTREE is set by rig_kernel_prepare
		echo "KDIR=${KMODTREE:?}/build W=1"
		;;
	esac
}
