#!/bin/bash
# 048-iopolicy-numa: a guest with two NUMA nodes (one CPU and 768 MiB each)
# and the two controllers of one NVMe subsystem behind PCIe expander bridges
# on different nodes (controller A on node 0, B on node 1); one socket per
# node, so the CPU topology is sane.  Under the numa
# policy a bio goes to the path nearest the submitting CPU's node: fio
# pinned to CPU 0 must put (nearly) all its I/O on A's path, pinned to CPU 1
# on B's path.  current_paths names both (each is some node's choice).
#@ topology: none
#@ qemu: -smp 2,sockets=2,cores=1,threads=1
#@ qemu: -object memory-backend-ram,id=m0,size=768M -object memory-backend-ram,id=m1,size=768M
#@ qemu: -numa node,nodeid=0,cpus=0,memdev=m0 -numa node,nodeid=1,cpus=1,memdev=m1
#@ qemu: -device pxb-pcie,id=pxb0,bus_nr=64,numa_node=0,bus=pcie.0 -device pcie-root-port,id=rp0,bus=pxb0,chassis=10,slot=0
#@ qemu: -device pxb-pcie,id=pxb1,bus_nr=128,numa_node=1,bus=pcie.0 -device pcie-root-port,id=rp1,bus=pxb1,chassis=11,slot=0
#@ qemu: -device nvme-subsys,id=mp0,nqn=mp0 -device nvme,serial=numa0,subsys=mp0,id=ca,bus=rp0 -device nvme,serial=numa0,subsys=mp0,id=cb,bus=rp1
#@ qemu: -drive file=@IMG:ns1:64M@,if=none,format=raw,id=ns1,cache=unsafe -device nvme-ns,drive=ns1,nsid=1,shared=on
#@ timeout: 240
. "$(dirname "$0")/../lib/guest.sh"
. "$(dirname "$0")/../lib/mpath.sh"

nodes=$(ls -d /sys/devices/system/node/node[0-9]* | wc -l)
[ "$nodes" = 2 ] || fail "guest has $nodes NUMA nodes, want 2"
for c in /sys/class/nvme/nvme*; do log "$(basename $c): numa_node $(cat $c/numa_node) $(readlink -f $c/device)"; done
mpath_load iopolicy=numa
mp_wait_any 30 || fail "no multipath disk"
MP=$(mp_disks | head -1)
mp_wait_slaves $MP 2 || fail "$MP does not have 2 paths"
declare -A on_node
for p in $(mp_paths $MP); do
	n=$(mp_path_attr $MP $p numa_node)
	log "path $p: controller $(mp_path_attr $MP $p controller), numa_node $n"
	on_node[$n]=$p
done
[ -n "${on_node[0]:-}" ] && [ -n "${on_node[1]:-}" ] || fail "paths are not one per node: ${!on_node[*]}"
cur=$(mp_attr $MP current_paths)
[ "$(echo $cur | tr ' ' '\n' | sort | xargs)" = "$(printf '%s\n' ${on_node[0]} ${on_node[1]} | sort | xargs)" ] ||
	fail "current_paths '$cur' should name both paths"

pinned() {	# pinned CPU: fio on that CPU; prints the share (%) of the node's path
	local cpu=$1 mine=${on_node[$1]} other=${on_node[$((1 - $1))]} m0 o0 dm do
	m0=$(mp_path_attr $MP $mine ios) o0=$(mp_path_attr $MP $other ios)
	fio --name=n --filename=/dev/$MP --ioengine=libaio --direct=1 --rw=randrw \
		--bs=4k --iodepth=8 --size=32M --runtime=5 --time_based --eta=never \
		--cpus_allowed=$cpu > /dev/null 2>&1 || fail "fio on CPU $cpu failed"
	dm=$(( $(mp_path_attr $MP $mine ios) - m0 )) do=$(( $(mp_path_attr $MP $other ios) - o0 ))
	[ $((dm + do)) -gt 0 ] || fail "no I/O counted for fio on CPU $cpu"
	log "CPU $cpu (node $cpu): local path $mine +$dm, remote path $other +$do" >&2
	echo $((dm * 100 / (dm + do)))
}
s0=$(pinned 0)
s1=$(pinned 1)
# completions and the odd bio submitted from another CPU's context may
# stray; the policy's choice is what must dominate
[ "$s0" -ge 95 ] || fail "fio on CPU 0: only $s0% of I/O on node 0's path"
[ "$s1" -ge 95 ] || fail "fio on CPU 1: only $s1% of I/O on node 1's path"
pass "numa: CPU 0 -> ${on_node[0]} ($s0%), CPU 1 -> ${on_node[1]} ($s1%)"
