#!/bin/bash
# tools/test-admin.sh - host-side tests of nvme-mpath list, set-policy,
# fail-path, reinstate-path and stats (no device, no module).
#
#   tools/test-admin.sh [path/to/nvme-mpath]          (make -C tools check)
#
# Runs the command against fake sysfs trees built by fake-sysfs.sh (two
# multipath disks with 2 and 3 paths, one path disabled) through --sysfs:
# list -o json against the schema (jq) and the tree's values, the text list,
# stats over one interval while the path counters are rewritten, what
# set-policy/fail-path/reinstate-path write, and bad arguments (exit 2 and a
# message, nothing written). The real module is tests/cases/080-082.
set -u

HERE=$(cd "$(dirname "$0")" && pwd)
BIN=$(readlink -f "${1:-$HERE/nvme-mpath}")
[ -x "$BIN" ] || { echo "test-admin: no $BIN (make -C tools first)"; exit 1; }
command -v jq > /dev/null || { echo "test-admin: jq is needed (apt-get install jq)"; exit 1; }
. "$HERE/fake-sysfs.sh"
T=$(mktemp -d /tmp/nvme-mpath-admin-test.XXXXXX)
trap 'rm -rf "$T"' EXIT
S=$T/sys
npass=0 nfail=0

ok() { npass=$((npass + 1)); echo "ok   - $*"; }
bad() { nfail=$((nfail + 1)); echo "FAIL - $*"; }
# check NAME CMD...: ok if CMD succeeds
check() { local n=$1; shift; if "$@"; then ok "$n"; else bad "$n"; fi; }

# nm ARGS...: run nvme-mpath on the fake tree; stdout in $T/out, stderr in
# $T/err, exit status in $RC
nm() {
	"$BIN" --sysfs "$S" "$@" > "$T/out" 2> "$T/err"
	RC=$?
}

# tree_sum: a checksum of every file of the fake tree (to see nothing changed)
tree_sum() { (cd "$S" && find . -type f -print0 | sort -z | xargs -0 md5sum) | md5sum; }

# expect_usage NAME ARGS...: exit status 2, a message on stderr, tree unchanged
expect_usage() {
	local n=$1 before; shift
	before=$(tree_sum)
	nm "$@"
	if [ "$RC" = 2 ] && [ -s "$T/err" ] && [ "$(tree_sum)" = "$before" ]; then
		ok "usage: $n -> 2 ($(head -1 "$T/err"))"
	else
		bad "usage: $n: status $RC (want 2), stderr '$(head -1 "$T/err")'"
	fi
}

# expect_fail NAME ARGS...: exit status 1, a message, tree unchanged
expect_fail() {
	local n=$1 before; shift
	before=$(tree_sum)
	nm "$@"
	if [ "$RC" = 1 ] && [ -s "$T/err" ] && [ "$(tree_sum)" = "$before" ]; then
		ok "fails: $n -> 1 ($(head -1 "$T/err"))"
	else
		bad "fails: $n: status $RC (want 1), stderr '$(head -1 "$T/err")'"
	fi
}

# jqt NAME FILTER: ok if jq -e FILTER on $T/out is true
jqt() { if jq -e "$2" "$T/out" > /dev/null 2>&1; then ok "$1"; else bad "$1 ($2)"; fi; }

fake_tree "$S"

# ---- list -o json: schema ----
nm list -o json
check "list -o json: exit 0" test "$RC" = 0
check "list -o json: valid JSON" jq -e . "$T/out" > /dev/null
jqt "json: top level is {disks: [...]} only" 'keys == ["disks"] and (.disks | type) == "array"'
jqt "json: disk keys and types" '.disks | length == 2 and all(.[];
	(.name | type) == "string" and (.wwid | type) == "string" and
	(.nsid | type) == "number" and (.subsysnqn | type) == "string" and
	(.size_bytes | type) == "number" and (.iopolicy | type) == "string" and
	(.current_paths | type) == "array" and (.failovers | type) == "number" and
	(.paths | type) == "array")'
jqt "json: path keys and types" '[.disks[].paths[]] | length == 5 and all(.[];
	(.name | type) == "string" and (.controller | type) == "string" and
	(.transport | type) == "string" and (.address | type) == "string" and
	(.state | type) == "string" and (.admin_state | type) == "string" and
	(.ana_group | type) == "number" and (.ana_state | type) == "string" and
	(.inflight | type) == "number" and (.read_ios | type) == "number" and
	(.write_ios | type) == "number" and (.errors | type) == "number" and
	(.failovers | type) == "number" and (.numa_node | type) == "number" and
	(.model | type) == "string" and (.serial | type) == "string" and
	(.firmware_rev | type) == "string")'
jqt "json: tbkas 'unknown' is null, not a string" '[.disks[].paths[].tbkas] | all(. == null)'

# ---- list -o json: values ----
jqt "json: disks sorted, names" '[.disks[].name] == ["mpnvme0n1", "mpnvme1n1"]'
jqt "json: mpnvme0n1 identity" '.disks[0] | .nsid == 1 and .size_bytes == 67108864 and
	.iopolicy == "round-robin" and .subsysnqn == "nqn.2026-11.io.test:sub0" and
	.wwid == "uuid.00000000-0000-0000-0000-000000000001" and .current_paths == ["nvme0n1"]'
jqt "json: mpnvme1n1 identity" '.disks[1] | .nsid == 2 and .size_bytes == 1073741824 and
	.iopolicy == "numa" and .current_paths == ["nvme2n1", "nvme3n1"]'
jqt "json: paths of each disk" '[.disks[] | [.paths[].name]] == [["nvme0n1","nvme1n1"],["nvme2n1","nvme3n1","nvme4n1"]]'
jqt "json: path values (nvme1n1)" '.disks[0].paths[1] | .controller == "nvme1" and
	.transport == "pcie" and .address == "0000:00:05.0" and .ana_group == 1 and
	.ana_state == "non-optimized" and .read_ios == 2000 and .write_ios == 200 and
	.errors == 1 and .inflight == 1 and .cntlid == 2 and .serial == "serial1"'
jqt "json: path values (nvme3n1, tcp)" '.disks[1].paths[1] | .address == "traddr=127.0.0.1,trsvcid=4421" and
	.transport == "tcp" and .state == "usable" and .admin_state == "enabled" and .failovers == 6'
jqt "json: the disabled path" '.disks[1].paths[2] | .name == "nvme4n1" and .state == "disabled" and .admin_state == "disabled"'

nm list mpnvme1n1 -o json
jqt "list DISK -o json: that disk only" '[.disks[].name] == ["mpnvme1n1"] and (.disks[0].paths | length) == 3'
nm list /dev/mpnvme0n1 -o json
jqt "list /dev/DISK: the same" '[.disks[].name] == ["mpnvme0n1"]'

# an attribute the module does not have (older module): null, not an error
rm "$S/block/mpnvme0n1/mpath/paths/nvme0n1/admin_state"
nm list -o json
check "list: a missing file is no error" test "$RC" = 0
jqt "json: a missing file is null" '.disks[0].paths[0].admin_state == null and .disks[0].paths[0].state == "usable"'
fake_tree "$S"

# ---- list: text ----
nm list
check "list: exit 0" test "$RC" = 0
check "list: a header line per disk" grep -q '^mpnvme0n1 uuid.00000000-0000-0000-0000-000000000001$' "$T/out"
check "list: nsid, size, policy" grep -q '^  nsid 2, size 1.0 GiB (1073741824 bytes), iopolicy numa$' "$T/out"
check "list: subsysnqn" grep -q '^  subsysnqn nqn.2026-11.io.test:sub0$' "$T/out"
check "list: column heads" grep -q '^  PATH .*CTRL .*TRANSPORT .*ADDRESS .*STATE .*ANA(GRP/STATE) .*INFLIGHT .*IOS .*ERRORS$' "$T/out"
check "list: a path line" grep -Eq '^  nvme1n1 +nvme1 +pcie +0000:00:05.0 +usable +1/non-optimized +1 +2200 +1$' "$T/out"
check "list: the disabled path shows it" grep -Eq '^  nvme4n1 +nvme4 +tcp +traddr=127.0.0.1,trsvcid=4422 +disabled\(admin\) ' "$T/out"
check "list: 5 path lines" test "$(grep -c '^  nvme[0-9]n1 ' "$T/out")" = 5
nm list -v mpnvme0n1
check "list -v: controller identity" grep -q 'model=QEMU NVMe Ctrl  serial=serial0  firmware_rev=1.0' "$T/out"
check "list -v: more counters" grep -q 'ana_changes=1' "$T/out"
check "list -v: no trailing blanks" test -z "$(grep ' $' "$T/out")"
# disabled by the admin while the module sees another state first
echo failed > "$S/block/mpnvme1n1/mpath/paths/nvme4n1/state"
nm list mpnvme1n1
check "list: failed and admin-disabled" grep -Eq '^  nvme4n1 .* failed,admin-disabled ' "$T/out"
fake_tree "$S"

# ---- list: no disks, errors ----
E=$T/empty
mkdir -p "$E/block/vda"
"$BIN" --sysfs "$E" list -o json > "$T/out" 2> "$T/err"
check "list, no disks: exit 0 and {\"disks\":[]}" jq -e '.disks == []' "$T/out" > /dev/null
"$BIN" --sysfs "$E" list > "$T/out" 2> "$T/err"
check "list, no module: exit 0, says it is not loaded" grep -q 'no multipath disks (nvme_mpath is not loaded)' "$T/err"
expect_fail "list of an unknown disk" list mpnvme9n9
expect_fail "list of a disk that is not multipath" list vda
expect_usage "list -o xml" list -o xml
expect_usage "list --bogus" list --bogus
expect_usage "list two disks" list mpnvme0n1 mpnvme1n1
expect_usage "list ../x" list ../x
nm list --help
check "list --help: exit 0 and usage" grep -q '^Usage: nvme-mpath list' "$T/out"

# ---- set-policy ----
nm set-policy mpnvme0n1 queue-depth
check "set-policy DISK: exit 0" test "$RC" = 0
check "set-policy DISK: written" test "$(cat "$S/block/mpnvme0n1/mpath/iopolicy")" = queue-depth
check "set-policy DISK: other disk untouched" test "$(cat "$S/block/mpnvme1n1/mpath/iopolicy")" = numa
check "set-policy DISK: says old -> new" grep -q '^mpnvme0n1: iopolicy round-robin -> queue-depth$' "$T/out"
nm set-policy --all service-time
check "set-policy --all: every disk" test "$(grep -h . "$S"/block/mpnvme*/mpath/iopolicy | sort -u)" = service-time
check "set-policy --all: module default untouched" test "$(cat "$S/module/nvme_mpath/parameters/iopolicy")" = numa
nm set-policy --default round-robin
check "set-policy --default: the module parameter" test "$(cat "$S/module/nvme_mpath/parameters/iopolicy")" = round-robin
check "set-policy --default: disks untouched" test "$(grep -h . "$S"/block/mpnvme*/mpath/iopolicy | sort -u)" = service-time
nm set-policy --all numa --default
check "set-policy --all --default: both" test "$(grep -h . "$S"/block/mpnvme*/mpath/iopolicy "$S/module/nvme_mpath/parameters/iopolicy" | sort -u)" = numa
expect_usage "set-policy unknown policy" set-policy mpnvme0n1 fastest
check "set-policy unknown policy: lists the valid ones" grep -q 'valid: numa, round-robin, queue-depth, service-time' "$T/err"
expect_usage "set-policy --all unknown policy" set-policy --all rr
expect_usage "set-policy no arguments" set-policy
expect_usage "set-policy DISK only" set-policy mpnvme0n1
expect_usage "set-policy --all with a disk" set-policy --all mpnvme0n1 numa
expect_usage "set-policy three arguments" set-policy mpnvme0n1 numa numa
expect_usage "set-policy --bogus" set-policy --bogus mpnvme0n1 numa
expect_fail "set-policy unknown disk" set-policy mpnvme9n9 numa
rm -r "$S/module"
expect_fail "set-policy --default, module not loaded" set-policy --default numa
fake_tree "$S"

# ---- fail-path / reinstate-path ----
nm fail-path nvme2n1
check "fail-path: exit 0" test "$RC" = 0
check "fail-path: admin_state disabled" test "$(cat "$S/block/mpnvme1n1/mpath/paths/nvme2n1/admin_state")" = disabled
check "fail-path: names the disk" grep -q '^nvme2n1 of mpnvme1n1: disabled$' "$T/out"
nm reinstate-path /dev/nvme4n1
check "reinstate-path: admin_state enabled" test "$(cat "$S/block/mpnvme1n1/mpath/paths/nvme4n1/admin_state")" = enabled
nm reinstate-path nvme4n1
check "reinstate-path twice: exit 0, already" grep -q 'already enabled' "$T/out"
# -w: waits for the path's inflight to read 0 (nvme0n1: 0; nvme1n1: 1)
nm fail-path -w 2 nvme0n1
check "fail-path -w, nothing in flight: exit 0" test "$RC" = 0
check "fail-path -w: says it drained" grep -q '^nvme0n1 of mpnvme0n1: no I/O in flight' "$T/out"
( sleep 0.3; echo 0 > "$S/block/mpnvme0n1/mpath/paths/nvme1n1/inflight" ) &
nm fail-path --wait 5 nvme1n1
wait
check "fail-path -w: waits until inflight is 0" test "$RC" = 0
echo 3 > "$S/block/mpnvme1n1/mpath/paths/nvme3n1/inflight"
nm fail-path -w 0.3 nvme3n1
check "fail-path -w, I/O still in flight: exit 1" test "$RC" = 1
check "fail-path -w, I/O still in flight: says so" grep -q 'nvme3n1 still has 3 I/Os in flight after 0.3 s' "$T/err"
check "fail-path -w, I/O still in flight: the path stays disabled" test "$(cat "$S/block/mpnvme1n1/mpath/paths/nvme3n1/admin_state")" = disabled
fake_tree "$S"
expect_usage "fail-path -w x" fail-path -w x nvme0n1
expect_usage "fail-path -w 0" fail-path -w 0 nvme0n1
expect_usage "reinstate-path -w (fail-path only)" reinstate-path -w 1 nvme4n1
expect_fail "fail-path of no multipath disk's path" fail-path nvme7n1
rm "$S/block/mpnvme0n1/mpath/paths/nvme0n1/admin_state"
expect_fail "fail-path without admin_state (old module)" fail-path nvme0n1
check "fail-path without admin_state: says so" grep -q 'no paths/nvme0n1/admin_state' "$T/err"
fake_tree "$S"
expect_usage "fail-path no argument" fail-path
expect_usage "fail-path two paths" fail-path nvme0n1 nvme1n1
expect_usage "reinstate-path --bogus" reinstate-path --bogus nvme0n1
expect_usage "fail-path ../x" fail-path ../x

# ---- stats: one interval while the counters move ----
# nvme0n1 does 600 reads, 300 writes in the interval, with 900 + 600 ms of
# ticks (1.67 ms a request); the other paths do nothing
"$BIN" --sysfs "$S" stats -i 1 -c 1 -o json > "$T/out" 2> "$T/err" &
spid=$!
sleep 0.4
fake_path_stat "$S" mpnvme0n1 nvme0n1 1600 400 1400 900
echo 1 > "$S/block/mpnvme0n1/mpath/paths/nvme0n1/errors"
echo 3 > "$S/block/mpnvme0n1/mpath/paths/nvme0n1/failovers"
wait "$spid"
check "stats -o json: exit 0" test $? = 0
jqt "stats json: schema" '(.time | type) == "string" and (.interval_s | type) == "number" and
	(.disks | length) == 2 and all(.disks[].paths[];
	(.name | type) == "string" and (.read_iops | type) == "number" and
	(.write_iops | type) == "number" and (.read_mbps | type) == "number" and
	(.write_mbps | type) == "number" and (.inflight | type) == "number" and
	(.errors | type) == "number" and (.failovers | type) == "number")'
jqt "stats json: interval about 1 s" '.interval_s >= 0.95 and .interval_s < 1.5'
# rates over the measured interval: 600 reads / ~1 s
jqt "stats json: read_iops of the busy path" '.disks[0].paths[0] | .read_iops > 400 and .read_iops <= 631'
jqt "stats json: write_iops of the busy path" '.disks[0].paths[0] | .write_iops > 200 and .write_iops <= 316'
jqt "stats json: MB/s (4 KiB reads, 8 KiB writes)" '.disks[0].paths[0] | (.read_mbps / .read_iops - 0.004096 | fabs) < 0.0001 and (.write_mbps / .write_iops - 0.008192 | fabs) < 0.0001'
jqt "stats json: latency from the path's stat" '.disks[0].paths[0] | .latency_source == "stat" and (.latency_us - 1666.667 | fabs) < 1'
jqt "stats json: errors and failovers in the interval" '.disks[0].paths[0] | .errors == 1 and .failovers == 3'
jqt "stats json: idle paths at 0, no latency" '[.disks[].paths[1:][]] + [.disks[1].paths[0]] | all(.read_iops == 0 and .write_iops == 0 and .latency_us == null)'

# service-time: the module's latency_us instead
fake_tree "$S"
echo service-time > "$S/block/mpnvme0n1/mpath/iopolicy"
echo 250 > "$S/block/mpnvme0n1/mpath/paths/nvme0n1/latency_us"
nm stats -i 0.2 -c 1 -o json mpnvme0n1
jqt "stats json, service-time: the module's latency_us" '.disks[0].paths[0] | .latency_us == 250 and .latency_source == "service-time"'
jqt "stats DISK: that disk only" '[.disks[].name] == ["mpnvme0n1"]'

# text and prometheus
nm stats -i 0.2 -c 2
check "stats text: two reports" test "$(grep -c '^DISK ' "$T/out")" = 2
check "stats text: a line per path" test "$(grep -c '^mpnvme' "$T/out")" = 10
nm stats -i 0.2 -c 1 -o prometheus
check "stats prometheus: exit 0" test "$RC" = 0
check "stats prometheus: HELP and TYPE per metric" test "$(grep -c '^# HELP nvme_mpath_path_' "$T/out")" = "$(grep -c '^# TYPE nvme_mpath_path_[a-z_]* \(gauge\|counter\)$' "$T/out")"
check "stats prometheus: every other line is a sample" test -z "$(grep -v '^#' "$T/out" | grep -Ev '^nvme_mpath_path_[a-z_]+\{disk="mpnvme[0-9]n1",path="nvme[0-9]n1"\} [0-9.e+-]+$')"
check "stats prometheus: a counter's value" grep -qx 'nvme_mpath_path_read_ios_total{disk="mpnvme1n1",path="nvme3n1"} 4000' "$T/out"
check "stats prometheus: the disabled path is not usable" grep -qx 'nvme_mpath_path_usable{disk="mpnvme1n1",path="nvme4n1"} 0' "$T/out"
check "stats prometheus: service-time latency in seconds" grep -qx 'nvme_mpath_path_latency_seconds{disk="mpnvme0n1",path="nvme0n1"} 0.00025' "$T/out"

expect_usage "stats -i 0" stats -i 0
expect_usage "stats -i x" stats -i x
expect_usage "stats -c 0" stats -c 0
expect_usage "stats -c -1" stats -c -1
expect_usage "stats -o csv" stats -o csv
expect_usage "stats two disks" stats mpnvme0n1 mpnvme1n1
expect_usage "stats --bogus" stats --bogus
expect_fail "stats unknown disk" stats -c 1 mpnvme9n9

# ---- main ----
expect_usage "no command" ""
nm
check "no command at all: exit 2" test "$RC" = 2
expect_usage "unknown command" frobnicate
expect_usage "unknown global option" --bogus list
nm --help
check "--help: lists the commands" grep -q 'reinstate-path' "$T/out"
nm --version
check "--version" grep -q '^nvme-mpath ' "$T/out"
nm help stats
check "help COMMAND = COMMAND --help" grep -q '^Usage: nvme-mpath stats' "$T/out"
for c in list set-policy fail-path reinstate-path stats; do
	nm "$c" --help
	check "$c --help: exit 0, Usage" test "$RC" = 0 -a "$(head -c 6 "$T/out")" = Usage:
done
expect_usage "help of an unknown command" help frobnicate

echo "test-admin: $npass passed, $nfail failed"
[ "$nfail" = 0 ]
