#!/bin/bash
# 081-admin-fail-path: planned maintenance with `nvme-mpath fail-path` and
# `reinstate-path` under fio verify (round-robin over two nvmet-tcp paths,
# so both carry I/O). Must hold:
#  - fail-path -w 10 PATH exits 0 (its I/O in flight drained within 10 s)
#    and I/O leaves PATH within a second: from then
#    on its read_ios and write_ios stop growing (for 4 s, the checker running
#    every second does not put it back) while the other path carries it;
#  - list shows it: "disabled(admin)" in text, admin_state "disabled" in JSON;
#  - fail-path of the other (now last usable) path is refused: exit status 1,
#    "refused: ... last usable path of ...", and nothing changes;
#  - reinstate-path PATH exits 0 and I/O returns to PATH;
#  - fio sees no error.
#@ default-lines: 6.12
#@ topology: none
#@ timeout: 240
. "$(dirname "$0")/../lib/guest.sh"
. "$(dirname "$0")/../lib/mpath.sh"

[ -x "$MPATH_TOOL" ] || fail "no $MPATH_TOOL in the guest (tools/ build failed?)"
mp_tcp_setup iopolicy=round-robin path_check_interval=1
a=${PATH_OF_PORT[4420]} b=${PATH_OF_PORT[4421]}
[ -e /sys/block/$MP/mpath/paths/$a/admin_state ] || fail "the module has no paths/$a/admin_state"

# path_ios P: read_ios + write_ios of path P as the module counts them
path_ios() { echo $(( $(mp_path_attr $MP $1 read_ios) + $(mp_path_attr $MP $1 write_ios) )); }
_grows() { [ "$(path_ios $1)" -gt "$2" ]; }

fio_verify_start /dev/$MP $(slow 28)
wait_for $(slow 20) _grows $a 0 || fail "fio did no I/O on $a in $(slow 20) s"
wait_for $(slow 20) _grows $b 0 || fail "fio did no I/O on $b in $(slow 20) s"

log "+ nvme-mpath fail-path -w 10 $a"
t0=$(date +%s%N)
"$MPATH_TOOL" fail-path -w 10 $a || fail "fail-path -w 10 $a: exit status $? (I/O still in flight?)"
log "fail-path -w: $a drained in $(( ($(date +%s%N) - t0) / 1000000 )) ms, inflight $(mp_path_attr $MP $a inflight)"
sleep 1
a1=$(path_ios $a) b1=$(path_ios $b) r1=$(mp_path_attr $MP $a read_ios)
sleep 4
da=$(( $(path_ios $a) - a1 )) db=$(( $(path_ios $b) - b1 ))
dr=$(( $(mp_path_attr $MP $a read_ios) - r1 ))
log "1 s after fail-path, for 4 s: $a +$da I/Os (+$dr reads), $b +$db"
[ $da -eq 0 ] || fail "$a still got $da I/Os from 1 s to 5 s after fail-path"
[ $db -gt 0 ] || fail "no I/O on $b while $a is failed"
[ "$(mp_path_attr $MP $a admin_state)" = disabled ] || fail "admin_state of $a is $(mp_path_attr $MP $a admin_state)"

"$MPATH_TOOL" list $MP > /tmp/list.txt || fail "list $MP failed"
log "nvme-mpath list $MP:"; sed 's/^/  /' /tmp/list.txt
grep -Eq "^  $a .* disabled\(admin\) " /tmp/list.txt || fail "list does not show $a disabled(admin)"
grep -Eq "^  $b .* usable " /tmp/list.txt || fail "list does not show $b usable"
"$MPATH_TOOL" list -o json $MP > /tmp/list.json || fail "list -o json $MP failed"
[ "$(jq -r ".disks[0].paths[] | select(.name == \"$a\") | .admin_state" /tmp/list.json)" = disabled ] ||
	fail "list -o json: admin_state of $a is not disabled"

# the last usable path: refused, nothing changes
log "+ nvme-mpath fail-path $b (the last usable path)"
"$MPATH_TOOL" fail-path $b > /tmp/out 2> /tmp/err
rc=$?
log "exit status $rc: $(cat /tmp/err)"
[ $rc = 1 ] || fail "fail-path of the last usable path: exit status $rc, want 1"
grep -q "refused: $b is the last usable path of $MP" /tmp/err || fail "fail-path $b said: $(cat /tmp/err)"
[ "$(mp_path_attr $MP $b admin_state)" = enabled ] || fail "refused fail-path changed $b to $(mp_path_attr $MP $b admin_state)"
[ "$(mp_path_attr $MP $b state)" = usable ] || fail "$b is $(mp_path_attr $MP $b state) after the refusal"
[ "$(mp_path_attr $MP $a admin_state)" = disabled ] || fail "refused fail-path changed $a"
b2=$(path_ios $b)
wait_for $(slow 5) _grows $b "$b2" || fail "no I/O on $b after the refused fail-path"

log "+ nvme-mpath reinstate-path $a"
"$MPATH_TOOL" reinstate-path $a || fail "reinstate-path $a: exit status $?"
wait_for $(slow 5) mp_path_state_is $MP $a usable || fail "$a is $(mp_path_attr $MP $a state) after reinstate-path"
a2=$(path_ios $a)
wait_for $(slow 5) _grows $a "$a2" || fail "no I/O on $a within $(slow 5) s of reinstate-path"
"$MPATH_TOOL" list $MP | grep -Eq "^  $a .* usable " || fail "list does not show $a usable again"
fio_verify_wait || fail "fio saw errors"
pass "fail-path $a under fio: +0 I/Os on it for 4 s ($b +$db), list shows it disabled, last-path fail-path refused (exit 1, unchanged), reinstate-path: I/O back; fio clean"
