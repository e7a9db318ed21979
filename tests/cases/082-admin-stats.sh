#!/bin/bash
# 082-admin-stats: `nvme-mpath stats` during fio verify (round-robin over two
# nvmet-tcp paths, both carrying I/O). Must hold:
#  - stats -i 1 -c 3 prints three reports, each with a line per path whose
#    r/s + w/s is > 0;
#  - -o json -i 1 -c 3: three lines, each a JSON object that parses, with
#    read_iops + write_iops > 0 and a latency (from the path disk's stat:
#    latency_source "stat") on both paths;
#  - after set-policy DISK service-time the latency is the module's sampled
#    one (latency_source "service-time");
#  - -o prometheus -c 1 parses as the Prometheus text format (HELP/TYPE per
#    family, then samples nvme_mpath_path_*{disk=,path=} VALUE), and
#    nvme_mpath_path_read_iops + write_iops > 0 for both paths;
#  - stats of an unknown disk is exit status 1; -c 0 is exit status 2.
# Userspace and module sysfs only, nothing kernel-line specific: in CI on
# 6.12 alone, to keep CI under 45 minutes (-k 6.1 runs it there).
#@ default-lines: 6.12
#@ topology: none
#@ timeout: 240
. "$(dirname "$0")/../lib/guest.sh"
. "$(dirname "$0")/../lib/mpath.sh"

[ -x "$MPATH_TOOL" ] || fail "no $MPATH_TOOL in the guest (tools/ build failed?)"
mp_tcp_setup iopolicy=round-robin
a=${PATH_OF_PORT[4420]} b=${PATH_OF_PORT[4421]}
ios_of() { echo $(( $(mp_path_attr $MP $1 read_ios) + $(mp_path_attr $MP $1 write_ios) )); }
a0=$(ios_of $a) b0=$(ios_of $b)
fio_verify_start /dev/$MP $(slow 50)
# fio takes seconds to start on a loaded host: from its first I/O on both
_both_busy() { [ "$(ios_of $a)" -gt "$a0" ] && [ "$(ios_of $b)" -gt "$b0" ]; }
wait_for $(slow 20) _both_busy || fail "fio did no I/O on both paths within $(slow 20) s"
sleep 1

# text: 3 reports, both paths busy in each
"$MPATH_TOOL" stats $MP -i 1 -c 3 > /tmp/stats.txt || fail "stats -i 1 -c 3: exit status $?"
log "stats $MP -i 1 -c 3:"; sed 's/^/  /' /tmp/stats.txt
[ "$(grep -c '^DISK ' /tmp/stats.txt)" = 3 ] || fail "stats -c 3 printed $(grep -c '^DISK ' /tmp/stats.txt) reports"
for p in $a $b; do
	n=$(awk -v p=$p '$2 == p && $4 + $5 > 0' /tmp/stats.txt | wc -l)
	[ "$n" = 3 ] || fail "text: $p has IOPS > 0 in $n of 3 reports"
done

# json: one object per interval
"$MPATH_TOOL" stats $MP -i 1 -c 3 -o json > /tmp/stats.json || fail "stats -o json: exit status $?"
[ "$(wc -l < /tmp/stats.json)" = 3 ] || fail "stats -o json -c 3: $(wc -l < /tmp/stats.json) lines"
while read -r line; do
	echo "$line" | jq -e . > /dev/null || fail "not JSON: $line"
	for p in $a $b; do
		echo "$line" | jq -e --arg p $p '.disks[0].paths[] | select(.name == $p) |
			(.read_iops + .write_iops) > 0 and .latency_us > 0 and .latency_source == "stat"' > /dev/null ||
			fail "json: $p idle or without latency: $line"
	done
done < /tmp/stats.json
log "json, last interval: $(tail -1 /tmp/stats.json | jq -c '.disks[0].paths[] | {name, read_iops, write_iops, latency_us}')"

# service-time: the module's sampled latency
"$MPATH_TOOL" set-policy $MP service-time || fail "set-policy $MP service-time: exit status $?"
[ "$(mp_attr $MP iopolicy)" = service-time ] || fail "iopolicy is $(mp_attr $MP iopolicy) after set-policy"
sleep 1
"$MPATH_TOOL" stats $MP -i 1 -c 1 -o json > /tmp/st.json || fail "stats under service-time failed"
log "json under service-time: $(jq -c '.disks[0].paths[] | {name, read_iops, write_iops, latency_us, latency_source}' /tmp/st.json)"
jq -e '[.disks[0].paths[] | select(.latency_source == "service-time" and .latency_us > 0)] | length >= 1' /tmp/st.json > /dev/null ||
	fail "no path with the service-time latency: $(cat /tmp/st.json)"

# prometheus
"$MPATH_TOOL" set-policy $MP round-robin > /dev/null || fail "set-policy $MP round-robin failed"
sleep 1
"$MPATH_TOOL" stats $MP -c 1 -o prometheus > /tmp/stats.prom || fail "stats -o prometheus: exit status $?"
python3 - /tmp/stats.prom "$MP" "$a" "$b" <<'EOF' || fail "prometheus output does not parse: $(head -20 /tmp/stats.prom)"
import re, sys
f, mp, a, b = sys.argv[1:]
typ, val = {}, {}
sample = re.compile(r'^(nvme_mpath_path_[a-z_]+)\{disk="([^"\\]*)",path="([^"\\]*)"\} (\S+)$')
for n, line in enumerate(open(f), 1):
    line = line.rstrip('\n')
    if line.startswith('# HELP '):
        continue
    m = re.match(r'^# TYPE (nvme_mpath_path_[a-z_]+) (gauge|counter)$', line)
    if m:
        assert m.group(1) not in typ, "family %s typed twice" % m.group(1)
        typ[m.group(1)] = m.group(2)
        continue
    m = sample.match(line)
    assert m, "line %d is neither HELP, TYPE nor a sample: %r" % (n, line)
    assert m.group(1) in typ, "line %d: sample before its TYPE" % n
    assert m.group(2) == mp, "line %d: disk %s" % (n, m.group(2))
    val[(m.group(1), m.group(3))] = float(m.group(4))
for p in (a, b):
    iops = val[('nvme_mpath_path_read_iops', p)] + val[('nvme_mpath_path_write_iops', p)]
    assert iops > 0, "%s: iops %s" % (p, iops)
    assert val[('nvme_mpath_path_usable', p)] == 1
    assert val[('nvme_mpath_path_write_ios_total', p)] > 0
    assert typ['nvme_mpath_path_write_ios_total'] == 'counter'
print("prometheus: %d families, %d samples" % (len(typ), len(val)))
EOF
log "prometheus: $(grep -E '_(read|write)_iops\{' /tmp/stats.prom | xargs)"

"$MPATH_TOOL" stats -c 1 mpnvme99n9 > /dev/null 2>&1
rc=$?
[ $rc = 1 ] || fail "stats of an unknown disk: exit status $rc, want 1"
"$MPATH_TOOL" stats -c 0 > /dev/null 2>&1
rc=$?
[ $rc = 2 ] || fail "stats -c 0: exit status $rc, want 2"
fio_verify_wait || fail "fio saw errors"
pass "stats during fio: text 3 reports, json 3 objects, both paths busy with a latency (stat; service-time's after set-policy), prometheus parses"
