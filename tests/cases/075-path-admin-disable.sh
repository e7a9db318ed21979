#!/bin/bash
# 075-path-admin-disable: an administrator takes a path out of use through
# mpath/paths/<path>/admin_state and returns it, under fio verify, with the
# round-robin policy (which would otherwise use both paths).  A disabled path
# gets no new I/O within a second and shows state "disabled"; the checker
# does not bring it back; disabling the last usable path is refused (EBUSY)
# and bad values are refused (EINVAL), both changing nothing; enabled again,
# it carries I/O again.  fio sees no error.
#@ topology: none
#@ timeout: 240
. "$(dirname "$0")/../lib/guest.sh"
. "$(dirname "$0")/../lib/mpath.sh"

mp_tcp_setup iopolicy=round-robin path_check_interval=1
a=$(mp_slaves $MP | sed -n 1p) b=$(mp_slaves $MP | sed -n 2p)
fa=/sys/block/$MP/mpath/paths/$a/admin_state
fb=/sys/block/$MP/mpath/paths/$b/admin_state
[ "$(cat $fa)" = enabled ] || fail "admin_state of $a is '$(cat $fa)', expected enabled"
for bad in foo "" disable "enabled x" 1; do
	if ( echo "$bad" > $fa ) 2>/tmp/w.err; then fail "write of '$bad' accepted"; fi
	grep -q "Invalid argument" /tmp/w.err || fail "write of '$bad': $(cat /tmp/w.err)"
	[ "$(cat $fa)" = enabled ] || fail "bad write '$bad' changed admin_state to $(cat $fa)"
done

ios_of() { cat /sys/block/$1/stat | awk '{print $1}'; }
fio_verify_start /dev/$MP $(slow 25)
a0=$(ios_of $a)
wait_for $(slow 20) eval '[ "$(ios_of $a)" -gt "$a0" ]' || fail "fio did no I/O on $a in $(slow 20) s"

echo disabled > $fa || fail "cannot disable $a"
[ "$(cat $fa)" = disabled ] || fail "admin_state of $a reads '$(cat $fa)' after disabling"
wait_for $(slow 5) eval '[ "$(mp_path_attr $MP $a state)" = disabled ]' ||
	fail "state of $a is $(mp_path_attr $MP $a state), expected disabled"
sleep 1
a1=$(ios_of $a) b1=$(ios_of $b)
sleep $(slow 4)	# the checker runs every second: it must not enable $a
da=$(( $(ios_of $a) - a1 )) db=$(( $(ios_of $b) - b1 ))
log "disabled $a: $a +$da, $b +$db"
[ $da -eq 0 ] || fail "disabled $a still got $da I/Os"
[ $db -gt 0 ] || fail "no I/O on $b while $a is disabled"
[ "$(cat $fa)" = disabled ] || fail "$a was enabled again by itself"
mp_attr $MP current_paths | grep -qw "$a" && fail "current_paths lists disabled $a"

if ( echo disabled > $fb ) 2>/tmp/w.err; then fail "disabling the last usable path $b was accepted"; fi
grep -q "busy" /tmp/w.err || fail "disabling the last path: $(cat /tmp/w.err), expected EBUSY"
[ "$(cat $fb)" = enabled ] || fail "refused write changed $b to $(cat $fb)"

echo enabled > $fa || fail "cannot enable $a"
wait_for $(slow 5) eval '[ "$(mp_path_attr $MP $a state)" = usable ]' ||
	fail "state of $a is $(mp_path_attr $MP $a state) after enabling"
a2=$(ios_of $a)
wait_for $(slow 5) eval '[ "$(ios_of $a)" -gt "$a2" ]' || fail "no I/O on $a within $(slow 5) s of enabling it"
dmesg | grep -q "path $a .* disabled by the administrator" || fail "no log line for the disable"
fio_verify_wait || fail "fio saw errors"
pass "$a disabled under fio: no I/O on it for 4 s ($b +$db), last-path disable refused (EBUSY), bad values EINVAL, enabled: I/O back"
