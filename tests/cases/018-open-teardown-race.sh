#!/bin/bash
# 018-open-teardown-race: a process opens and closes the multipath disk as
# fast as it can while every path goes away and comes back, 15 times, so
# that the disk's teardown races with ->open.  Kernels without ->free_disk
# (5.10 to 5.17) used to free the head under an open that had got past its
# disk lookup; now an opener holds a reference on the head.  The kernel log
# must stay clean (slub_debug poisons freed heads: a late write shows as a
# BUG kmalloc-... report) and the disk must be back and readable at the end.
# no_path_timeout=0: a pathless head goes at once (the default keeps it 60 s
# waiting for a path, and the reconnect would join it again: no teardown);
# the kernel log must show the teardowns really happened.
#@ default-lines: 6.12
#@ topology: none
#@ start: early
#@ timeout: 300
. "$(dirname "$0")/../lib/guest.sh"
. "$(dirname "$0")/../lib/mpath.sh"

mp_tcp_setup no_path_timeout=0
python3 - "/dev/$MP" > /tmp/opens.log 2>&1 <<'PY' &
import os, sys, time
ok = fail = 0
end = time.time() + 120
while time.time() < end:
    try:
        fd = os.open(sys.argv[1], os.O_RDONLY)
        os.close(fd)
        ok += 1
    except OSError:
        fail += 1
    if os.path.exists("/tmp/opens.stop"):
        break
print("opens", ok, "failed", fail)
PY
opener=$!
for i in $(seq 15); do
	for p in 4420 4421; do ctrl_delete "$(ctrl_of_port $p)" > /dev/null; done
	_mp_gone() { [ -z "$(mp_disks)" ]; }
	wait_for 10 _mp_gone || log "cycle $i: $(mp_disks | xargs) still there (held open)"
	for p in 4420 4421; do tcp_connect $p > /dev/null; done
	wait_for 20 mp_count_ge 1 || fail "cycle $i: no multipath disk after reconnecting"
done
touch /tmp/opens.stop
wait $opener
log "opener: $(cat /tmp/opens.log)"
grep -q "^opens [1-9]" /tmp/opens.log || fail "the opener never opened the disk: $(cat /tmp/opens.log)"
MP=$(mp_disks | head -1)
mp_wait_slaves $MP 2 20 || fail "$MP has paths '$(mp_slaves $MP | xargs)' at the end"
blkdev_read_ok /dev/$MP || fail "$MP not readable at the end"
n=$(dmesg | grep -c "mpnvme[0-9]*n[0-9]*: removing multipath disk")
[ "$n" -ge 10 ] || fail "only $n of 15 cycles tore the disk down"
pass "$n teardowns under a racing opener ($(cat /tmp/opens.log)); $MP back"
