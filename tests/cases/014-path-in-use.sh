#!/bin/bash
# 014-path-in-use: a path disk that someone already holds exclusively (as a
# mounted filesystem or LVM would) is left alone and logged: nvme_mpath
# builds no multipath disk out of the other path alone, does not take the
# held one, and the holder keeps it.
#@ topology: qemu2
#@ timeout: 120
. "$(dirname "$0")/../lib/guest.sh"
. "$(dirname "$0")/../lib/mpath.sh"

held=$(for d in /sys/block/nvme*; do b=$(basename $d); [ "$(disk_nsid $b)" = 1 ] && echo $b; done | head -1)
python3 -c 'import os,sys,time; fd=os.open(sys.argv[1], os.O_RDONLY | os.O_EXCL); open("/tmp/held","w").close(); time.sleep(600)' /dev/$held &
holder=$!
# python3 starts in seconds, but in tens of them on the KASAN + lockdep line
t=10; [ "${RIG_LINE:-}" = 6.12-debug ] && t=60
wait_for $t test -e /tmp/held || fail "could not hold $held exclusively"
mpath_load
mp_wait_slaves mpnvme0n2 2 20 || fail "nsid 2 (not held) got no multipath disk"
sleep 2
dmesg | grep -q "nvme_mpath: $held: cannot claim it as a path of NSID 1 .*in use.*left alone" || fail "no log line for $held: $(dmesg | grep nvme_mpath | tail -3)"
for m in $(mp_disks); do
	mp_slaves $m | grep -qx $held && fail "$held became a path of $m"
done
[ "$(mp_attr mpnvme0n2 nsid)" = 2 ] || fail "mpnvme0n2 is not nsid 2"
[ -z "$(mp_by_id nqn.2019-08.org.qemu:mp0 1)" ] || fail "a one-path multipath disk was made for nsid 1"
kill $holder
pass "$held held elsewhere: left alone and logged; nsid 2 grouped normally"
