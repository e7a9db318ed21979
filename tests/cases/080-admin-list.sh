#!/bin/bash
# 080-admin-list: `nvme-mpath list` (text and -o json) against a real
# two-subsystem topology: QEMU's qemu2 subsystem (two PCIe controllers
# sharing nsid 1 and 2) plus an nvmet-tcp subsystem on two ports (nsid 1).
# Three multipath disks, six paths. Must hold:
#  - list -o json is valid JSON with exactly the multipath disks sysfs has,
#    each with the wwid, nsid, subsysnqn, iopolicy of its mpath/ files and
#    size_bytes = 512 x /sys/block/<disk>/size, its paths exactly the
#    entries of mpath/paths/ (and the disk's slaves/), each path with the
#    controller, transport, address, state, admin_state, ana group/state,
#    read/write ios of its sysfs files and the controller's serial;
#  - the two subsystems are told apart (qemu's nqn, the tcp nqn; pcie, tcp);
#  - the text list has a header per disk and one line per path naming its
#    controller, transport, address and state;
#  - list DISK shows that disk alone; an unknown disk is exit status 1.
#@ default-lines: 6.12
#@ topology: qemu2
#@ timeout: 240
. "$(dirname "$0")/../lib/guest.sh"
. "$(dirname "$0")/../lib/mpath.sh"

[ -x "$MPATH_TOOL" ] || fail "no $MPATH_TOOL in the guest (tools/ build failed?)"
tcp_target_setup ports=4420,4421 ns=1 size=64 > /dev/null
mpath_load
wait_for 30 mp_count_ge 3 || fail "expected 3 multipath disks, have: $(mp_disks | xargs)"
for m in $(mp_disks); do
	mp_wait_slaves "$m" 2 20 || fail "$m has paths '$(mp_slaves "$m" | xargs)', expected 2"
done
# some I/O so that the counters are not all 0 (and they stay still below)
for m in $(mp_disks); do
	dd if=/dev/$m of=/dev/null bs=4k count=64 iflag=direct status=none || fail "read of $m failed"
done
sleep 1

J=/tmp/list.json
"$MPATH_TOOL" list -o json > $J || fail "nvme-mpath list -o json: exit status $?"
jq -e . $J > /dev/null || fail "list -o json is not JSON: $(head -c 300 $J)"
log "list -o json: $(jq -c '[.disks[] | {name, subsysnqn, nsid, paths: [.paths[].name]}]' $J)"

# jv FILTER: one value of the JSON (raw)
jv() { jq -r "$1" $J; }
# JV["disk||key"], JV["disk|path|key"]: every scalar of the JSON, read by
# one jq run (a jq start costs ~0.3 s under TCG; ~130 of them did)
declare -A JV
jq -r '
	.disks[] as $d |
	($d | to_entries[] | select(.value | type != "array" and type != "object") |
		"\($d.name)||\(.key)\t\(.value)"),
	($d.paths[] as $p | $p | to_entries[] | "\($d.name)|\($p.name)|\(.key)\t\(.value)")' $J > /tmp/list.flat
while IFS=$'\t' read -r k v; do JV[$k]=$v; done < /tmp/list.flat
[ ${#JV[@]} -gt 20 ] || fail "could not flatten the JSON: ${#JV[@]} values"
# same WHAT GOT WANT: fail unless equal
same() { [ "$2" = "$3" ] || fail "$1: list says '$2', sysfs '$3'"; }

[ "$(jv '[.disks[].name] | join(" ")')" = "$(mp_disks | xargs)" ] ||
	fail "disks in JSON ($(jv '[.disks[].name] | join(" ")')) are not sysfs's ($(mp_disks | xargs))"
npaths=0
for m in $(mp_disks); do
	d=".disks[] | select(.name == \"$m\")"
	for a in wwid nsid subsysnqn iopolicy; do
		same "$m $a" "${JV[$m||$a]-null}" "$(mp_attr "$m" "$a")"
	done
	same "$m size_bytes" "${JV[$m||size_bytes]-null}" "$(( $(cat /sys/block/$m/size) * 512 ))"
	same "$m paths" "$(jv "[$d.paths[].name] | join(\" \")")" "$(mp_paths "$m" | sort -V | xargs)"
	same "$m paths vs slaves" "$(jv "[$d.paths[].name] | sort | join(\" \")")" "$(mp_slaves "$m" | sort | xargs)"
	for p in $(mp_paths "$m"); do
		for a in controller transport address state admin_state ana_group ana_state read_ios write_ios errors; do
			if [ ! -e "/sys/block/$m/mpath/paths/$p/$a" ]; then
				same "$m/$p $a (no such file)" "${JV[$m|$p|$a]-null}" null
				continue
			fi
			same "$m/$p $a" "${JV[$m|$p|$a]-null}" "$(mp_path_attr "$m" "$p" "$a")"
		done
		c=$(mp_path_attr "$m" "$p" controller)
		same "$m/$p controller vs the disk's" "$c" "$(disk_ctrl "$p")"
		same "$m/$p serial" "${JV[$m|$p|serial]-null}" "$(cat /sys/class/nvme/$c/serial | xargs)"
		npaths=$((npaths + 1))
	done
done
[ $npaths = 6 ] || fail "expected 6 paths in all, JSON has $npaths"

# the two subsystems
tcp_mp=$(jv ".disks[] | select(.subsysnqn == \"$TCP_NQN\") | .name")
[ -n "$tcp_mp" ] || fail "no disk of $TCP_NQN in the JSON"
[ "$(jv "[.disks[] | select(.subsysnqn == \"$TCP_NQN\") | .paths[].transport] | unique | join(\" \")")" = tcp ] ||
	fail "paths of $tcp_mp are not all tcp"
[ "$(jv '[.disks[] | select(.subsysnqn == "nqn.2019-08.org.qemu:mp0")] | length')" = 2 ] ||
	fail "expected 2 disks of nqn.2019-08.org.qemu:mp0"
[ "$(jv '[.disks[] | select(.subsysnqn == "nqn.2019-08.org.qemu:mp0") | .paths[].transport] | unique | join(" ")')" = pcie ] ||
	fail "qemu subsystem's paths are not all pcie"
[ "$(jv "[.disks[] | select(.subsysnqn == \"$TCP_NQN\") | .paths[].address] | unique | length")" = 2 ] ||
	fail "the tcp disk's two paths do not have two addresses"

# text
T=/tmp/list.txt
"$MPATH_TOOL" list > $T || fail "nvme-mpath list: exit status $?"
log "nvme-mpath list:"; sed 's/^/  /' $T
for m in $(mp_disks); do
	grep -qx "$m $(mp_attr "$m" wwid)" $T || fail "text: no header line '$m <wwid>'"
	grep -q "^  nsid $(mp_attr "$m" nsid), size .* ($(( $(cat /sys/block/$m/size) * 512 )) bytes), iopolicy $(mp_attr "$m" iopolicy)$" $T ||
		fail "text: no nsid/size/policy line of $m"
	grep -qx "  subsysnqn $(mp_attr "$m" subsysnqn)" $T || fail "text: no subsysnqn line of $m"
	for p in $(mp_paths "$m"); do
		line=$(grep -E "^  $p " $T) || fail "text: no line of path $p"
		for a in controller transport address state; do
			v=$(mp_path_attr "$m" "$p" "$a")
			case " $line " in *" $v "*) ;; *) fail "text: path $p line lacks its $a '$v': $line" ;; esac
		done
		ana="$(mp_path_attr "$m" "$p" ana_group)/$(mp_path_attr "$m" "$p" ana_state)"
		case " $line " in *" $ana "*) ;; *) fail "text: path $p line lacks '$ana': $line" ;; esac
	done
done

# one disk; an unknown one
"$MPATH_TOOL" list -o json "$tcp_mp" > /tmp/one.json || fail "list $tcp_mp failed"
[ "$(jq -r '[.disks[].name] | join(" ")' /tmp/one.json)" = "$tcp_mp" ] || fail "list $tcp_mp shows $(jq -c '[.disks[].name]' /tmp/one.json)"
"$MPATH_TOOL" list mpnvme99n9 > /dev/null 2> /tmp/err
rc=$?
[ $rc = 1 ] || fail "list of an unknown disk: exit status $rc, want 1"
log "unknown disk: $(cat /tmp/err)"
"$MPATH_TOOL" list -o yaml > /dev/null 2>&1
rc=$?
[ $rc = 2 ] || fail "list -o yaml: exit status $rc, want 2"
pass "list: 3 disks, $npaths paths (two subsystems: qemu pcie, $TCP_NQN tcp) match sysfs in JSON and text"
