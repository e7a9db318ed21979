#!/bin/bash
# 028-iostats-switch: the multipath disk's queue/iostats is honoured, as by
# any other disk (native's head, dm, md).  With it on, /sys/block/<disk>/stat
# counts the reads done on the multipath disk; written 0, the disk stops
# accounting (its I/O still works, and each path disk still counts its own);
# written 1, it counts again.
#@ topology: none
#@ timeout: 180
. "$(dirname "$0")/../lib/guest.sh"
. "$(dirname "$0")/../lib/mpath.sh"

# reads_of DISK: completed reads in /sys/block/DISK/stat
reads_of() { awk '{ print $1 }' "/sys/block/$1/stat"; }
# paths_reads: completed reads of every path disk of $MP, summed
paths_reads() {
	local d n=0
	for d in /sys/block/$MP/slaves/*; do n=$((n + $(reads_of "$(basename "$d")"))); done
	echo $n
}
# read100: 100 direct 4 KiB reads from the multipath disk
read100() {
	dd if=/dev/$MP of=/dev/null bs=4k count=100 iflag=direct status=none ||
		fail "reads from /dev/$MP failed"
}

mp_tcp_setup
q=/sys/block/$MP/queue/iostats
[ "$(cat $q)" = 1 ] || fail "$q is $(cat $q), not 1, on a new multipath disk"

a=$(reads_of $MP); read100; b=$(reads_of $MP)
log "iostats 1: $MP reads $a -> $b"
[ $((b - a)) -ge 100 ] || fail "with iostats on, $MP counted $((b - a)) of 100 reads"

echo 0 > $q || fail "cannot write 0 to $q"
[ "$(cat $q)" = 0 ] || fail "$q reads $(cat $q) after writing 0"
a=$(reads_of $MP); pa=$(paths_reads); read100; b=$(reads_of $MP); pb=$(paths_reads)
log "iostats 0: $MP reads $a -> $b, its paths $pa -> $pb"
[ "$b" = "$a" ] || fail "with iostats off, $MP still counted $((b - a)) reads"
[ $((pb - pa)) -ge 100 ] || fail "with iostats off on $MP its paths counted $((pb - pa)) of 100 reads"
# nothing in flight is left counted by the switch
inflight=$(awk '{ print $9 }' "/sys/block/$MP/stat")
[ "$inflight" = 0 ] || fail "$MP shows $inflight I/Os in flight while idle"

echo 1 > $q || fail "cannot write 1 to $q"
a=$(reads_of $MP); read100; b=$(reads_of $MP)
log "iostats 1 again: $MP reads $a -> $b"
[ $((b - a)) -ge 100 ] || fail "with iostats on again, $MP counted $((b - a)) of 100 reads"
pass "queue/iostats honoured: 100 reads counted with it on, none off (the paths still counted $((pb - pa))), counted again on"
