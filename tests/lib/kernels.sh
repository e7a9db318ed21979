# tests/lib/kernels.sh - which Debian kernels the rig tests against.
#
# Sourced by tests/setup, tests/run and tests/demo. Versions are not
# hardcoded: each kernel "line" is resolved from the apt meta package that
# tracks it, so a Debian point release moves the rig along by itself.
#
#   6.1   -> whatever linux-image-amd64      depends on (linux-image-6.1.0-NN-amd64)
#   6.12  -> whatever linux-image-6.12-amd64 depends on (linux-image-6.12.NNN+deb12-amd64)
#
# kernel_lines            prints the known line names ("6.1 6.12")
# kernel_meta LINE        prints the meta package of a line
# kernel_version LINE     prints the resolved version string, e.g. 6.1.0-56-amd64
#                         (headers package = linux-headers-<version>,
#                          image package   = linux-image-<version>)

KERNEL_LINES="6.1 6.12"

kernel_lines() { echo "$KERNEL_LINES"; }

kernel_meta() {
	case "$1" in
	6.1) echo linux-image-amd64 ;;
	6.12) echo linux-image-6.12-amd64 ;;
	*) echo "kernels.sh: unknown kernel line '$1' (known: $KERNEL_LINES)" >&2; return 1 ;;
	esac
}

kernel_version() {
	local meta dep
	meta=$(kernel_meta "$1") || return 1
	# "Depends: linux-image-6.1.0-56-amd64" (first linux-image-* dependency)
	dep=$(apt-cache depends "$meta" 2>/dev/null |
		awk '$1 == "Depends:" && $2 ~ /^linux-image-[0-9]/ { print $2; exit }')
	if [ -z "$dep" ]; then
		echo "kernels.sh: cannot resolve $meta via apt-cache (run apt-get update?)" >&2
		return 1
	fi
	echo "${dep#linux-image-}"
}
