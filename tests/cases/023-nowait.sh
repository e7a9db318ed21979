#!/bin/bash
# 023-nowait: REQ_NOWAIT is honoured.  The multipath disk accepts RWF_NOWAIT
# direct reads (it does not refuse them as unsupported) and serves them over
# a path; with no usable path a RWF_NOWAIT read returns EAGAIN at once
# instead of waiting up to no_path_timeout like other I/O.
#@ topology: none
#@ timeout: 180
. "$(dirname "$0")/../lib/guest.sh"
. "$(dirname "$0")/../lib/mpath.sh"

# nowait_read DEV: 20 RWF_NOWAIT O_DIRECT 4 KiB reads; prints "ok N again N other N <errno names>"
nowait_read() {
	python3 - "$1" <<'PY'
import errno, mmap, os, sys
fd = os.open(sys.argv[1], os.O_RDONLY | os.O_DIRECT)
buf = mmap.mmap(-1, 4096)
ok = again = other = 0
names = set()
for i in range(20):
    try:
        os.preadv(fd, [buf], i * 4096, os.RWF_NOWAIT)
        ok += 1
    except OSError as e:
        if e.errno == errno.EAGAIN:
            again += 1
        else:
            other += 1
            names.add(errno.errorcode.get(e.errno, str(e.errno)))
print("ok", ok, "again", again, "other", other, *sorted(names))
PY
}

mp_tcp_setup no_path_timeout=30 path_check_interval=1
r=$(nowait_read /dev/$MP)
log "with paths: $r"
set -- $r
[ "$6" = 0 ] || fail "RWF_NOWAIT reads failed: $r"
[ "$2" -gt 0 ] || fail "no RWF_NOWAIT read succeeded: $r"

tcp_port_remove 4420
tcp_port_remove 4421
wait_for 20 mp_path_state_not $MP ${PATH_OF_PORT[4420]} usable || fail "path still usable"
wait_for 20 mp_path_state_not $MP ${PATH_OF_PORT[4421]} usable || fail "path still usable"
t0=$(date +%s%N)
r=$(nowait_read /dev/$MP)
t1=$(date +%s%N)
ms=$(( (t1 - t0) / 1000000 ))
log "no path: $r in $ms ms"
set -- $r
[ "$4" = 20 ] || fail "with no path, RWF_NOWAIT reads did not all return EAGAIN: $r"
[ $ms -lt 5000 ] || fail "RWF_NOWAIT reads took $ms ms with no path (they must not wait)"
pass "RWF_NOWAIT served with paths; EAGAIN in $ms ms for 20 reads with none"
