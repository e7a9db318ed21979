#!/bin/bash
# 027-persistent-reservations: IOC_PR_* on the multipath disk reach the
# target through a usable path, and hold for the whole host.  NVMe
# registrations and reservations belong to a host (its Host Identifier), so
# host A registers and reserves (Write Exclusive) through /dev/mpnvme0n1
# and its writes then go through either of its paths; a second host
# identity B (its own controller on port 4420, the multipath disk's third
# path, disabled by admin_state so A's I/O never uses it) registers on its
# raw path disk, cannot reserve while A holds the reservation and cannot
# write, reserves once A released it, and A clears everything.  nvme
# resv-report through a path shows the target's view at each step.  With
# a path disabled, A's commands go through the other path.  Last, a
# reservation command that fails on its path (aborted by the host) goes
# down the other path after the TP4129 hold.
# nvmet implements reservations from Linux 6.13 on (namespace resv_enable):
# this runs on the 7.x line and skips elsewhere.
#@ topology: none
#@ timeout: 300
. "$(dirname "$0")/../lib/guest.sh"
. "$(dirname "$0")/../lib/mpath.sh"

tcp_target_setup ports=4420,4421 ns=1 size=64 connect=0 > /dev/null
ns=$NVMET/subsystems/$TCP_NQN/namespaces/1
[ -e $ns/resv_enable ] || skip "nvmet of $(uname -r) has no reservations (namespace resv_enable: 6.13+)"
echo 0 > $ns/enable && echo 1 > $ns/resv_enable && echo 1 > $ns/enable || fail "cannot enable reservations on namespace 1"
tcp_connect 4420; tcp_connect 4421
mpath_load iopolicy=round-robin
wait_for 20 _mp_of_disk_exists "$(disks_of_ctrl ${TCP_CTRL[4420]})" || fail "no multipath disk"
a=$(disks_of_ctrl ${TCP_CTRL[4420]}) b=$(disks_of_ctrl ${TCP_CTRL[4421]})
ca=${TCP_CTRL[4420]}
MP=$(mp_of_disk $a)
mp_wait_slaves $MP 2 20 || fail "$MP paths: $(mp_slaves $MP | xargs)"

# host B: another host NQN and host ID, one controller
TCP_HOSTNQN=nqn.2014-08.org.nvmexpress:uuid:0b0b0b0b-0000-4000-8000-00000000000b \
TCP_HOSTID=0b0b0b0b-0000-4000-8000-00000000000b tcp_connect 4420
cb=${TCP_CTRL[4420]}
c=$(disks_of_ctrl $cb)
mp_wait_slaves $MP 3 20 || fail "host B's $c did not join $MP: $(mp_slaves $MP | xargs)"
echo disabled > /sys/block/$MP/mpath/paths/$c/admin_state || fail "cannot disable host B's path $c"
log "host A: $MP over $a $b; host B: $c ($cb)"

cat > /tmp/pr.py <<'PY'
import fcntl, os, struct, sys
# linux/pr.h: _IOW('p', 200..205, struct pr_registration|pr_reservation|...)
REG, RSV, REL, CLR = 0x401870c8, 0x401070c9, 0x401070ca, 0x401070cd
op, dev = sys.argv[1], sys.argv[2]
args = [int(x, 0) for x in sys.argv[3:]]
fd = os.open(dev, os.O_RDWR)
if op == "register":	# old new
    buf = bytearray(struct.pack("QQII", args[0], args[1], 0, 0)); req = REG
elif op in ("reserve", "release"):	# key type
    buf = bytearray(struct.pack("QII", args[0], args[1], 0)); req = RSV if op == "reserve" else REL
elif op == "clear":	# key
    buf = bytearray(struct.pack("QII", args[0], 0, 0)); req = CLR
try:
    r = fcntl.ioctl(fd, req, buf, True)
except OSError as e:
    print("errno=%d" % e.errno); sys.exit(0)
print("ret=%d" % r)
PY
pr() { python3 /tmp/pr.py "$@"; }
expect() { local want=$1 got; shift; got=$(pr "$@"); [ "$got" = "$want" ] || fail "pr $*: $got, expected $want"; log "pr $*: $got"; }
expect_not() { local bad=$1 got; shift; got=$(pr "$@"); [ "$got" != "$bad" ] || fail "pr $*: $got, expected a refusal"; log "pr $*: $got (refused)"; }
report() {
	nvme resv-report /dev/$a --eds --numd=1023 -o json > /tmp/rr.json 2>/tmp/rr.err ||
		fail "resv-report: $(cat /tmp/rr.err)"
	jq -e . /tmp/rr.json > /dev/null 2>&1 || fail "resv-report gave no JSON: '$(head -c 300 /tmp/rr.json)' $(cat /tmp/rr.err)"
	cat /tmp/rr.json
}
WE=1

expect ret=0 register /dev/$MP 0 0xa
expect ret=0 reserve /dev/$MP 0xa $WE
r=$(report); log "target: $(echo "$r" | jq -c '{rtype, regctl}')"
# nvme-cli's resv-report through the multipath disk itself: the same answer
nvme resv-report /dev/$MP --eds --numd=1023 -o json > /tmp/rrm.json 2>/tmp/rrm.err ||
	fail "resv-report on $MP: $(cat /tmp/rrm.err)"
[ "$(jq -S . /tmp/rrm.json)" = "$(echo "$r" | jq -S .)" ] ||
	fail "resv-report on $MP differs from the path's: $(head -c 300 /tmp/rrm.json)"
[ "$(echo "$r" | jq .rtype)" = $WE ] || fail "target shows reservation type $(echo "$r" | jq .rtype), expected Write Exclusive"
echo "$r" | jq -e '[.regctlext[] | select(.rkey == 10 and .rcsts == 1)] | length == 1' > /dev/null ||
	fail "target does not show key 0xa holding the reservation: $r"

expect ret=0 register /dev/$c 0 0xb
expect_not ret=0 reserve /dev/$c 0xb $WE
dd if=/dev/zero of=/dev/$c bs=4k count=1 oflag=direct status=none 2>/dev/null &&
	fail "host B wrote while host A holds Write Exclusive"
for i in 1 2 3 4; do
	dd if=/dev/urandom of=/dev/$MP bs=4k count=1 seek=$i oflag=direct status=none ||
		fail "host A's write $i through $MP refused"
done
for p in $a $b; do
	[ "$(cat /sys/block/$p/stat | awk '{print $5}')" -gt 0 ] || fail "no write of host A went through $p"
done

echo disabled > /sys/block/$MP/mpath/paths/$a/admin_state || fail "cannot disable $a"
expect ret=0 release /dev/$MP 0xa $WE
echo enabled > /sys/block/$MP/mpath/paths/$a/admin_state
expect ret=0 reserve /dev/$c 0xb $WE
[ "$(report | jq '[.regctlext[] | select(.rkey == 11 and .rcsts == 1)] | length')" = 1 ] ||
	fail "target does not show host B holding: $(report)"
expect ret=0 release /dev/$c 0xb $WE
expect ret=0 clear /dev/$MP 0xa
r=$(report)
[ "$(echo "$r" | jq .regctl)" = 0 ] || fail "registrations left after clear: $r"

# A path error during a reservation command: the command fails on path $a
# and is sent down $b once the TP4129 hold is over (the old controller can
# no longer execute it).  $a is the optimized path (the ANA states written
# as the helper would), host-to-target traffic of port 4420 is delayed
# 4.5 s (below the 5 s KATO: the target keeps the controller), and
# nvme_core's io_timeout is 1 s: the host aborts the command after 1 s and
# resets that controller.  A controller's I/O timeout is taken when it
# connects (7.x), so host A's controller on port 4420 is connected again.
old_tmo=$(cat /sys/module/nvme_core/parameters/io_timeout)
echo 1 > /sys/module/nvme_core/parameters/io_timeout || fail "cannot set nvme_core io_timeout"
ctrl_delete $ca > /dev/null
mp_wait_slaves $MP 2 20 || fail "$a did not leave $MP: $(mp_slaves $MP | xargs)"
tcp_connect 4420
ca=${TCP_CTRL[4420]} a=$(disks_of_ctrl ${TCP_CTRL[4420]})
mp_wait_slaves $MP 3 20 || fail "host A's new $a did not join $MP: $(mp_slaves $MP | xargs)"
log "host A's port 4420 path again: $a ($ca), I/O timeout 1 s"
echo optimized > /sys/block/$MP/mpath/paths/$a/ana_state &&
echo non-optimized > /sys/block/$MP/mpath/paths/$b/ana_state || fail "cannot write the paths' ana_state"
for m in sch_prio cls_u32 sch_netem; do modprobe $m || fail "no $m"; done
run tc qdisc add dev lo root handle 1: prio bands 4
run tc qdisc add dev lo parent 1:4 handle 40: netem delay 4500ms
run tc filter add dev lo parent 1: protocol ip prio 1 u32 match ip dport 4420 0xffff flowid 1:4
t0=$(date +%s%N)
got=$(pr register /dev/$MP 0 0xc)
ms=$(( ($(date +%s%N) - t0) / 1000000 ))
tc qdisc del dev lo root
echo "$old_tmo" > /sys/module/nvme_core/parameters/io_timeout
log "pr register /dev/$MP 0 0xc with $a's traffic delayed: $got after $ms ms"
[ "$got" = ret=0 ] || fail "register with a path error on $a: $got, expected it to go through $b"
dmesg_has "reservation command failed on path $a .*trying another path after the TP4129 hold" ||
	fail "no log line of the reservation command's path error on $a: $(dmesg | grep -i reservation | tail -3)"
_ca_live() { [ "$(cat /sys/class/nvme/$ca/state)" = live ]; }
wait_for 60 _ca_live || fail "$ca did not come back: $(cat /sys/class/nvme/$ca/state)"
r=$(report)
echo "$r" | jq -e '[.regctlext[] | select(.rkey == 12)] | length >= 1' > /dev/null ||
	fail "the target does not show key 0xc registered after the retry: $r"
expect ret=0 clear /dev/$MP 0xc
pass "path error during a reservation command: failed on $a, sent down $b after the TP4129 hold, registered after $ms ms; register/reserve through $MP (holder for both paths: writes via $a and $b), host B refused then holder after release (via $b alone), clear: target agrees at each step (resv-report on $MP = on $a)"
