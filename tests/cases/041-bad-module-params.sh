#!/bin/bash
# 041-bad-module-params: a bad parameter value makes the load fail with a
# kernel log line that names the valid values; nothing is left loaded.
# Good values load.
#@ topology: qemu2
#@ timeout: 120
. "$(dirname "$0")/../lib/guest.sh"
. "$(dirname "$0")/../lib/mpath.sh"

try_bad() {
	local param=$1 expect=$2
	dmesg -C
	insmod "$RIG_MODULE" "$param" 2>/dev/null && fail "insmod $param succeeded"
	[ -d /sys/module/nvme_mpath ] && fail "module loaded with $param"
	dmesg | grep -q "$expect" || fail "no log line '$expect' for $param: $(dmesg | tail -3)"
	log "$param refused: $(dmesg | grep nvme_mpath | head -1)"
}
try_bad iopolicy=foo "valid values are numa, round-robin"
try_bad iopolicy= "valid values are numa, round-robin"
try_bad no_path_timeout=abc "no_path_timeout 'abc': must be -1 or an integer from 0 to 86400"
try_bad no_path_timeout=-2 "no_path_timeout '-2'"
try_bad no_path_timeout=86401 "no_path_timeout '86401'"
try_bad path_check_interval=0 "path_check_interval '0': must be an integer from 1 to 3600"
[ -z "$(mp_disks)" ] || fail "multipath disks exist after failed loads"

mpath_load iopolicy=round-robin no_path_timeout=0 path_check_interval=3600
mp_wait_slaves mpnvme0n1 2 20 || fail "no mpnvme0n1 after a good load"
[ "$(cat /sys/module/nvme_mpath/parameters/iopolicy)" = round-robin ] || fail "iopolicy parameter not round-robin"
[ "$(mp_attr mpnvme0n1 iopolicy)" = round-robin ] || fail "disk did not take the iopolicy default"
echo bogus > /sys/module/nvme_mpath/parameters/iopolicy 2>/dev/null && fail "runtime write of bad iopolicy accepted"
[ "$(cat /sys/module/nvme_mpath/parameters/iopolicy)" = round-robin ] || fail "bad runtime write changed iopolicy"
t=/sys/module/nvme_mpath/parameters/no_path_timeout
echo -1 > $t || fail "runtime no_path_timeout=-1 refused"
[ "$(cat $t)" = -1 ] || fail "no_path_timeout reads $(cat $t) after -1"
[ "$(mp_attr mpnvme0n1 no_path_timeout)" = -1 ] || fail "the disk does not follow the module's no_path_timeout"
for bad in -2 abc 86401 ""; do
	echo "$bad" > $t 2>/dev/null && fail "runtime no_path_timeout='$bad' accepted"
	echo "$bad" > /sys/block/mpnvme0n1/mpath/no_path_timeout 2>/dev/null && fail "disk no_path_timeout='$bad' accepted"
done
[ "$(cat $t)" = -1 ] && [ "$(mp_attr mpnvme0n1 no_path_timeout)" = -1 ] || fail "bad writes changed no_path_timeout"
echo 0 > /sys/block/mpnvme0n1/mpath/fail_waiting 2>/dev/null && fail "fail_waiting=0 accepted"
pass "6 bad values refused with a clear message; good values work"
