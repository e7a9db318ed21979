#!/bin/bash
# 033-failover-ctrl-deleted: fio verify on the multipath disk (round-robin)
# while one host controller is deleted: its namespace disk goes away under
# running I/O.  In-flight bios fail over, the path leaves slaves/ and
# mpath/paths/, fio sees no error, and the disk goes on over the other path.
#@ topology: none
#@ timeout: 240
. "$(dirname "$0")/../lib/guest.sh"
. "$(dirname "$0")/../lib/mpath.sh"

mp_tcp_setup iopolicy=round-robin path_check_interval=1
gone=${PATH_OF_PORT[4420]} keep=${PATH_OF_PORT[4421]}
fio_verify_start /dev/$MP 20
sleep 6
ctrl_delete ${TCP_CTRL[4420]}
mp_wait_slaves $MP 1 20 || fail "$MP still has paths '$(mp_slaves $MP | xargs)'"
[ "$(mp_slaves $MP)" = "$keep" ] || fail "$MP kept '$(mp_slaves $MP)', expected $keep"
[ ! -e /sys/block/$MP/mpath/paths/$gone ] || fail "mpath/paths/$gone still there"
fio_verify_wait || fail "fio saw errors when ${TCP_CTRL[4420]} was deleted"
blkdev_read_ok /dev/$MP || fail "$MP unreadable over the remaining path"
pass "controller deleted under fio: clean, $MP over $keep; writes held $(mp_attr $MP writes_held 2>/dev/null || echo -), worst write ${FIO_WMAX_MS:-?} ms, read ${FIO_RMAX_MS:-?} ms"
