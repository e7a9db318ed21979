#!/bin/bash
# tools/fake-sysfs.sh ROOT - build a fake nvme_mpath sysfs tree under ROOT
# for host-side tests of nvme-mpath (nvme-mpath --sysfs ROOT ...).
#
#   mpnvme0n1  nsid 1, 64 MiB, round-robin, nqn.2026-11.io.test:sub0
#              paths nvme0n1 (nvme0, pcie, optimized), nvme1n1 (nvme1, pcie,
#              non-optimized)
#   mpnvme1n1  nsid 2, 1 GiB, numa, nqn.2026-11.io.test:sub1
#              paths nvme2n1 (nvme2, tcp :4420), nvme3n1 (nvme3, tcp :4421),
#              nvme4n1 (nvme4, tcp :4422, disabled by the admin)
#   plus a plain disk (vda) that is not a multipath disk, the module's
#   parameters and the controllers' class/nvme/ entries.
#
# Values are chosen per path so that a test can tell them apart: path number
# N (0..4) has read_ios 1000*(N+1), write_ios 100*(N+1), errors N, ...
# Sourced: fake_path_stat ROOT PATH RD_IOS WR_IOS RD_TICKS WR_TICKS rewrites
# a path's counters (mpath/ files and block/<path>/stat) as I/O would.
set -u

# put FILE VALUE: write VALUE (and a newline) into FILE, making its directory
put() { mkdir -p "$(dirname "$1")" && printf '%s\n' "$2" > "$1"; }

fake_disk() {
	local root=$1 disk=$2 nsid=$3 sectors=$4 policy=$5 nqn=$6 d
	d=$root/block/$disk/mpath
	put "$root/block/$disk/size" "$sectors"
	put "$d/wwid" "uuid.00000000-0000-0000-0000-00000000000$nsid"
	put "$d/nsid" "$nsid"
	put "$d/subsysnqn" "$nqn"
	put "$d/iopolicy" "$policy"
	put "$d/failovers" 7
	put "$d/queued_ios" 0
	put "$d/no_path_ms" 0
	put "$d/io_fail_no_available_path_count" 0
	put "$d/command_error_count" 0
	put "$d/resend_hold" tp4129
	put "$d/writes_held" 0
	put "$d/hold_ms" 0
	put "$d/current_paths" ""
	mkdir -p "$d/paths"
}

# fake_path_stat ROOT DISK PATH RD_IOS WR_IOS RD_TICKS WR_TICKS
fake_path_stat() {
	local root=$1 disk=$2 path=$3 r=$4 w=$5 rt=$6 wt=$7 p
	p=$root/block/$disk/mpath/paths/$path
	put "$p/read_ios" "$r"
	put "$p/write_ios" "$w"
	put "$p/read_bytes" $((r * 4096))
	put "$p/write_bytes" $((w * 8192))
	put "$p/ios" $((r + w))
	# Documentation/block/stat.rst: 17 fields (ticks in ms)
	put "$root/block/$path/stat" \
		"$r 0 $((r * 8)) $rt $w 0 $((w * 16)) $wt 0 $((rt + wt)) $((rt + wt)) 0 0 0 0 0 0"
}

# fake_path ROOT DISK PATH N CTRL TRANSPORT ADDRESS ANA_STATE [disabled]
fake_path() {
	local root=$1 disk=$2 path=$3 n=$4 ctrl=$5 tr=$6 addr=$7 ana=$8 adm=${9:-enabled} p
	p=$root/block/$disk/mpath/paths/$path
	put "$p/disk" "$path"
	put "$p/controller" "$ctrl"
	put "$p/cntlid" $((n + 1))
	put "$p/transport" "$tr"
	put "$p/address" "$addr"
	put "$p/numa_node" -1
	if [ "$adm" = disabled ]; then put "$p/state" disabled; else put "$p/state" usable; fi
	put "$p/admin_state" "$adm"
	put "$p/ctrl_state" live
	put "$p/ana_group" $((n / 2 + 1))
	put "$p/ana_state" "$ana"
	put "$p/ana_changes" "$n"
	put "$p/ana_last_change_ms" $((n * 1000))
	put "$p/anatt" 10
	put "$p/cqt" 0
	put "$p/tbkas" unknown
	put "$p/resend_hold_ms" 0
	put "$p/latency_us" 0
	put "$p/inflight" "$n"
	put "$p/errors" "$n"
	put "$p/failovers" $((n * 2))
	put "$p/multipath_failover_count" $((n * 2))
	put "$p/command_error_count" 0
	put "$p/command_retry_count" 0
	put "$root/block/$path/size" 131072
	fake_path_stat "$root" "$disk" "$path" $((1000 * (n + 1))) $((100 * (n + 1))) 500 300
	put "$root/class/nvme/$ctrl/model" "QEMU NVMe Ctrl"
	put "$root/class/nvme/$ctrl/serial" "serial$n"
	put "$root/class/nvme/$ctrl/firmware_rev" "1.0"
}

fake_tree() {
	local root=$1 tcp
	rm -rf "$root"
	fake_disk "$root" mpnvme0n1 1 131072 round-robin nqn.2026-11.io.test:sub0
	fake_path "$root" mpnvme0n1 nvme0n1 0 nvme0 pcie 0000:00:04.0 optimized
	fake_path "$root" mpnvme0n1 nvme1n1 1 nvme1 pcie 0000:00:05.0 non-optimized
	put "$root/block/mpnvme0n1/mpath/current_paths" "nvme0n1"
	fake_disk "$root" mpnvme1n1 2 2097152 numa nqn.2026-11.io.test:sub1
	tcp=traddr=127.0.0.1,trsvcid
	fake_path "$root" mpnvme1n1 nvme2n1 2 nvme2 tcp "$tcp=4420" optimized
	fake_path "$root" mpnvme1n1 nvme3n1 3 nvme3 tcp "$tcp=4421" optimized
	fake_path "$root" mpnvme1n1 nvme4n1 4 nvme4 tcp "$tcp=4422" optimized disabled
	put "$root/block/mpnvme1n1/mpath/current_paths" "nvme2n1 nvme3n1"
	put "$root/block/vda/size" 1024
	put "$root/module/nvme_mpath/parameters/iopolicy" numa
}

if [ "${BASH_SOURCE[0]}" = "$0" ]; then
	[ $# = 1 ] || { echo "usage: $0 ROOT" >&2; exit 2; }
	fake_tree "$1"
fi
