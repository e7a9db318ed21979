# tests/lib/guest.sh - helpers for test cases, sourced inside the guest.
#
# A case runs as root in a chroot of the host's / (read-only, 9p) with
# tmpfs on /tmp /run /mnt, the guest kernel's modules on /lib/modules/$(uname -r)
# and the rig stage on /mnt/rig. Environment: RIG_KVER (uname -r), RIG_LINE
# (6.1 / 6.12), RIG_MODULE (path of nvme_mpath.ko, empty if not built).
#
# Result: exit 0 = pass, 77 = skip, anything else = fail. Use pass/fail/skip
# (they record a one-line reason and exit). Call them from the case's main
# shell, not from inside $(...) or a pipeline (that only exits the subshell).
#
# Helper index (see each function for details):
#   results    pass MSG | fail MSG | skip MSG | log MSG | run CMD... (log + run, fail if it fails)
#   polling    wait_for [TIMEOUT] CMD... [TIMEOUT]      (timeout in seconds, first or last)
#              wait_eq TIMEOUT VALUE CMD...             (until CMD prints VALUE)
#   disks      disk_wwid D | disk_nsid D | disk_ctrl D | disks_of_ctrl nvmeX |
#              disks_with_wwid WWID | nvme_ctrls [transport] | dmesg_has REGEX
#   ctrls      ctrl_state nvmeX | ctrl_wait_state nvmeX STATE [TIMEOUT] |
#              ctrl_reset nvmeX | ctrl_delete nvmeX | nvme_reload [nvme_core params]
#   tcp target tcp_target_setup [key=value...] | tcp_connect PORT | ctrl_of_port PORT |
#              tcp_port_remove PORT | tcp_port_add PORT | ana_set PORT STATE |
#              tcp_target_teardown        (TCP_NQN, TCP_PORTS, TCP_CTRL[PORT], TCP_NS_DEVS)
#   fio        fio_verify_start DEV RUNTIME [fio args] | fio_verify_wait | fio_verify DEV RUNTIME
#   ana        $ANA_HELPER: path of the built nvme-mpath-ana in the guest
#   admin      $MPATH_TOOL: path of the built nvme-mpath (admin command) in the guest
#   module     mpath_load [params] | mpath_unload | mp_disks | mp_wait_disk NAME [TIMEOUT] | mp_wait_any [TIMEOUT] |
#              mp_slaves MP | mp_wait_slaves MP COUNT [TIMEOUT]

RIG_RESULT=/run/rig-result

# ---- results -------------------------------------------------------------
log()  { echo "[$(date +%T)] $*"; }
_result() {
	printf "%s\n" "$2" | tr "\n" " " | sed "s/ *$//" > "$RIG_RESULT"; echo "$1: $2"
	[[ $- == *i* ]] && return "$3"   # interactive shell (tests/demo --shell): stay
	exit "$3"
}
pass() { _result PASS "${*:-ok}" 0; }
fail() { _result FAIL "${*:-failed}" 1; }
skip() { _result SKIP "${*:-skipped}" 77; }
# run CMD...: log the command, run it, fail the case if it fails.
run() { log "+ $*"; "$@" || fail "command failed (status $?): $*"; }
# slow N: N seconds scaled for the kernel line's speed: x5 on 6.12-debug
# (KASAN + lockdep under TCG: the target's configfs writes, the ANA helper
# and the I/O run ~4-7x slower there), N elsewhere
slow() { if [ "${RIG_LINE:-}" = 6.12-debug ]; then echo $(( $1 * 5 )); else echo "$1"; fi; }

# ---- polling -------------------------------------------------------------
# wait_for TIMEOUT CMD...  or  wait_for CMD... TIMEOUT
# Polls CMD every 0.2 s until it succeeds (return 0) or TIMEOUT seconds pass
# (return 1). CMD is a command with arguments, e.g.
#   wait_for 10 test -e /sys/block/nvme2n1 || fail "no nvme2n1"
#   wait_for ctrl_is nvme2 live 30
# Careful: CMD's arguments are expanded once, before polling starts, so
#   wait_for 10 test "$(cat f)" = x      never sees f change. Use a function
# as CMD, or wait_eq:  wait_eq 10 x cat f
wait_for() {
	local t
	if [[ $1 =~ ^[0-9]+$ ]]; then t=$1; shift
	else t=${*: -1}; set -- "${@:1:$#-1}"; fi
	local end=$(( $(date +%s) + t ))
	while :; do
		"$@" && return 0
		[ "$(date +%s)" -ge "$end" ] && return 1
		sleep 0.2
	done
}

# wait_eq TIMEOUT VALUE CMD...: poll until CMD's output equals VALUE.
# On timeout returns 1 and leaves the last output in WAIT_LAST.
_wait_eq() { WAIT_LAST=$("${@:2}" 2>/dev/null); [ "$WAIT_LAST" = "$1" ]; }
wait_eq() { local t=$1; shift; wait_for "$t" _wait_eq "$@"; }

# ---- disks and controllers -------------------------------------------------
disk_wwid() { cat "/sys/block/$1/wwid"; }
disk_nsid() { cat "/sys/block/$1/nsid"; }
# controller (nvmeX) a namespace disk belongs to
disk_ctrl() { basename "$(readlink -f "/sys/block/$1/device")"; }
# namespace disks (nvmeXnY) of controller nvmeX
disks_of_ctrl() {
	local d
	for d in /sys/class/nvme/"$1"/"$1"n* /sys/class/nvme/"$1"/nvme*c*n*; do
		[ -e "$d" ] && basename "$d"
	done
}
# all block disks whose wwid is WWID
disks_with_wwid() {
	local d
	for d in /sys/block/*; do
		[ "$(cat "$d/wwid" 2>/dev/null)" = "$1" ] && basename "$d"
	done
	return 0
}
# controllers, optionally only of one transport (pcie, tcp, loop)
nvme_ctrls() {
	local c
	for c in /sys/class/nvme/nvme*; do
		[ -e "$c" ] || continue
		[ -z "$1" ] || [ "$(cat "$c/transport")" = "$1" ] && basename "$c"
	done
	return 0
}
ctrl_state() { cat "/sys/class/nvme/$1/state" 2>/dev/null || echo gone; }
ctrl_is() { [ "$(ctrl_state "$1")" = "$2" ]; }
ctrl_wait_state() { wait_for "${3:-30}" ctrl_is "$1" "$2"; }
ctrl_reset() { log "reset $1"; echo 1 > "/sys/class/nvme/$1/reset_controller"; }
ctrl_delete() { log "delete $1"; echo 1 > "/sys/class/nvme/$1/delete_controller"; }
dmesg_has() { dmesg | grep -Eq "$1"; }
# block device of the configfs null_blk NAME: /dev/NAME where null_blk names
# the disk after its directory (6.x), else /dev/nullb<index> (5.10)
nullb_dev() {
	local idx
	if [ -b "/dev/$1" ]; then echo "/dev/$1"; return 0; fi
	idx=$(cat "/sys/kernel/config/nullb/$1/index" 2>/dev/null) || return 1
	[ -b "/dev/nullb$idx" ] && echo "/dev/nullb$idx"
}

# nvme_reload [nvme_core params]: unload nvme-tcp/nvme/nvme_mpath/nvme_core
# and load nvme_core with the given parameters (e.g. multipath=Y) and nvme.
nvme_reload() {
	local m
	for m in nvme_tcp nvme_loop nvme_fabrics nvme_mpath nvme nvme_core; do
		if [ -d "/sys/module/$m" ]; then rmmod "$m" || fail "rmmod $m failed"; fi
	done
	modprobe nvme_core "$@" || fail "modprobe nvme_core $* failed"
	modprobe nvme || fail "modprobe nvme failed"
	log "nvme_core reloaded, multipath=$(cat /sys/module/nvme_core/parameters/multipath)"
}

# ---- in-guest NVMe-oF TCP target ------------------------------------------
NVMET=/sys/kernel/config/nvmet
TCP_NQN=${TCP_NQN:-nqn.2026-11.io.nvme-mpath:tcp0}
TCP_HOSTID=${TCP_HOSTID:-0c6e9c47-9ae9-4a3d-9c1b-6b3f7a2a2b1e}
TCP_HOSTNQN=${TCP_HOSTNQN:-nqn.2014-08.org.nvmexpress:uuid:$TCP_HOSTID}
declare -A TCP_CTRL=()          # TCP_CTRL[port]=nvmeX after tcp_connect
TCP_PORTS=()
TCP_NS_DEVS=()                  # null_blk devices backing namespaces 1..n
TCP_NS_NAMES=()                 # their configfs names (nullb_tcp1..n)
declare -A TCP_NS_BASE=()       # dm=1: TCP_NS_BASE[i]=null_blk under nvmet_ns<i>
TCP_RECONNECT_DELAY=1
TCP_TRTYPE=tcp
TCP_CTRL_LOSS_TMO=30

# tcp_target_setup [ports=4420,4421] [ns=1] [size=256] [reconnect_delay=1]
#                  [ctrl_loss_tmo=30] [connect=1] [nqn=...] [dm=0]
#                  [trtype=tcp] [mem=1]
# Builds an nvmet subsystem TCP_NQN (allow_any_host) with `ns` namespaces,
# each on its own memory-backed null_blk of `size` MiB, exposes it on one
# nvmet port per TCP port on 127.0.0.1 (each port has ANA group 1, state
# optimized), then (connect=1) connects every port as its own host
# controller. Prints "PORT nvmeX" per port and fills TCP_CTRL[PORT].
# dm=1 puts a dm-linear device (nvmet_ns<i>) between each namespace and its
# null_blk, for the target-side faults of lib/fault.sh.
# trtype=loop (6.12+: nvme-loop) makes one loop port instead and connects one
# loop controller per entry of `ports` (the numbers only name them in
# TCP_CTRL). mem=0: null_blk without memory (reads return no data written:
# for benchmarks only).
tcp_target_setup() {
	local ports=4420,4421 ns=1 size=256 connect=1 dm=0 kv i p pid dev node
	local mem=1
	for kv in "$@"; do
		case $kv in
		ports=*) ports=${kv#*=} ;;
		ns=*) ns=${kv#*=} ;;
		size=*) size=${kv#*=} ;;
		reconnect_delay=*) TCP_RECONNECT_DELAY=${kv#*=} ;;
		ctrl_loss_tmo=*) TCP_CTRL_LOSS_TMO=${kv#*=} ;;
		connect=*) connect=${kv#*=} ;;
		dm=*) dm=${kv#*=} ;;
		nqn=*) TCP_NQN=${kv#*=} ;;
		trtype=*) TCP_TRTYPE=${kv#*=} ;;
		mem=*) mem=${kv#*=} ;;
		*) fail "tcp_target_setup: unknown option $kv" ;;
		esac
	done
	IFS=, read -r -a TCP_PORTS <<< "$ports"
	modprobe null_blk nr_devices=0 || fail "modprobe null_blk"
	modprobe nvmet || fail "modprobe nvmet"
	modprobe nvmet-tcp || fail "modprobe nvmet-tcp"
	modprobe nvme-tcp || fail "modprobe nvme-tcp"
	if [ "$TCP_TRTYPE" = loop ]; then
		modprobe nvme-loop || fail "modprobe nvme-loop (not in this kernel?)"
	fi
	[ -d $NVMET ] || fail "no $NVMET (configfs not mounted?)"

	local sub=$NVMET/subsystems/$TCP_NQN
	mkdir "$sub" || fail "cannot create nvmet subsystem $TCP_NQN"
	echo 1 > "$sub/attr_allow_any_host"
	TCP_NS_DEVS=() TCP_NS_NAMES=()
	for ((i = 1; i <= ns; i++)); do
		dev=nullb_tcp$i
		mkdir /sys/kernel/config/nullb/$dev || fail "cannot create null_blk $dev"
		echo "$size" > /sys/kernel/config/nullb/$dev/size
		echo "$mem" > /sys/kernel/config/nullb/$dev/memory_backed
		echo 1 > /sys/kernel/config/nullb/$dev/power || fail "cannot power on $dev"
		wait_for 10 nullb_dev "$dev" >/dev/null || fail "null_blk $dev: no block device appeared"
		node=$(nullb_dev "$dev")
		if [ "$dm" = 1 ]; then
			# a dm-linear device between nvmet and null_blk, so that a case
			# can make the array fail I/O (tests/lib/fault.sh)
			modprobe dm_mod 2>/dev/null
			dmsetup create "nvmet_ns$i" --table "0 $(blockdev --getsz "$node") linear $node 0" ||
				fail "cannot create dm device nvmet_ns$i over $node"
			TCP_NS_BASE[$i]=$node
			node=/dev/$(dmsetup info -c --noheadings -o blkdevname "nvmet_ns$i")
		fi
		TCP_NS_DEVS+=("$node")
		TCP_NS_NAMES+=("$dev")
		mkdir "$sub/namespaces/$i"
		echo "$node" > "$sub/namespaces/$i/device_path"
		echo 1 > "$sub/namespaces/$i/enable" || fail "cannot enable namespace $i"
	done
	if [ "$TCP_TRTYPE" = loop ]; then
		mkdir "$NVMET/ports/1" || fail "cannot create nvmet port 1"
		echo loop > "$NVMET/ports/1/addr_trtype"
		ln -s "$sub" "$NVMET/ports/1/subsystems/$TCP_NQN" || fail "cannot enable loop port"
		log "nvmet: $TCP_NQN on a loop port, $ns x ${size} MiB null_blk"
		[ "$connect" = 1 ] || return 0
		for p in "${TCP_PORTS[@]}"; do tcp_connect "$p"; done
		for p in "${TCP_PORTS[@]}"; do echo "$p ${TCP_CTRL[$p]}"; done
		return 0
	fi
	pid=0
	for p in "${TCP_PORTS[@]}"; do
		pid=$((pid + 1))
		mkdir "$NVMET/ports/$pid" || fail "cannot create nvmet port $pid"
		echo tcp > "$NVMET/ports/$pid/addr_trtype"
		echo ipv4 > "$NVMET/ports/$pid/addr_adrfam"
		echo 127.0.0.1 > "$NVMET/ports/$pid/addr_traddr"
		echo "$p" > "$NVMET/ports/$pid/addr_trsvcid"
		ln -s "$sub" "$NVMET/ports/$pid/subsystems/$TCP_NQN" || fail "cannot enable port $p"
	done
	log "nvmet: $TCP_NQN on 127.0.0.1 ports ${TCP_PORTS[*]}, $ns x ${size} MiB null_blk"
	[ "$connect" = 1 ] || return 0
	for p in "${TCP_PORTS[@]}"; do tcp_connect "$p"; done
	for p in "${TCP_PORTS[@]}"; do echo "$p ${TCP_CTRL[$p]}"; done
}

# nvmet port directory of TCP port number PORT
_tcp_portdir() {
	local d
	for d in $NVMET/ports/*; do
		[ "$(cat "$d/addr_trsvcid" 2>/dev/null)" = "$1" ] && { echo "$d"; return 0; }
	done
	fail "no nvmet port with trsvcid $1"
}

# tcp_connect PORT [extra,options]: connect a host controller to PORT via
# /dev/nvme-fabrics; sets TCP_CTRL[PORT] and waits for it to be live.
tcp_connect() {
	local p=$1 opts fd reply inst
	if [ "$TCP_TRTYPE" = loop ]; then
		# a loop controller does not reconnect
		opts="transport=loop,nqn=$TCP_NQN,hostnqn=$TCP_HOSTNQN,hostid=$TCP_HOSTID${2:+,$2}"
	else
		opts="transport=tcp,traddr=127.0.0.1,trsvcid=$p,nqn=$TCP_NQN,hostnqn=$TCP_HOSTNQN,hostid=$TCP_HOSTID"
		opts+=",reconnect_delay=$TCP_RECONNECT_DELAY,ctrl_loss_tmo=$TCP_CTRL_LOSS_TMO${2:+,$2}"
	fi
	opts+=${TCP_CONNECT_OPTS:+,$TCP_CONNECT_OPTS}
	exec {fd}<>/dev/nvme-fabrics || fail "cannot open /dev/nvme-fabrics"
	echo "$opts" >&$fd || { exec {fd}>&-; fail "connect to port $p refused ($opts)"; }
	read -r reply <&$fd
	exec {fd}>&-
	inst=$(echo "$reply" | sed -n 's/.*instance=\([0-9]*\).*/\1/p')
	[ -n "$inst" ] || fail "connect to port $p: unexpected reply '$reply'"
	TCP_CTRL[$p]=nvme$inst
	ctrl_wait_state "nvme$inst" live 30 || fail "nvme$inst (port $p) not live: $(ctrl_state "nvme$inst")"
	log "port $p -> nvme$inst"
}

# ctrl_of_port PORT: the host controller currently connected to TCP port PORT
ctrl_of_port() {
	local c
	for c in $(nvme_ctrls tcp); do
		[ "$(cat /sys/class/nvme/$c/subsysnqn)" = "$TCP_NQN" ] || continue
		case ",$(cat /sys/class/nvme/$c/address)," in
		*",trsvcid=$1,"*) echo "$c"; return 0 ;;
		esac
	done
	return 1
}

# tcp_port_remove PORT: unlink the subsystem from the port (the host
# controller loses its connection and goes to "connecting").
tcp_port_remove() {
	local d; d=$(_tcp_portdir "$1")
	log "target: remove port $1"
	rm "$d/subsystems/$TCP_NQN" || fail "cannot unlink port $1"
}
# tcp_port_add PORT: link the subsystem to the port again (host reconnects).
tcp_port_add() {
	local d; d=$(_tcp_portdir "$1")
	log "target: add port $1"
	ln -s "$NVMET/subsystems/$TCP_NQN" "$d/subsystems/$TCP_NQN" || fail "cannot link port $1"
}
# ana_set PORT STATE: optimized|non-optimized|inaccessible|persistent-loss|change
ana_set() {
	local d; d=$(_tcp_portdir "$1")
	log "target: port $1 ANA group 1 -> $2"
	echo "$2" > "$d/ana_groups/1/ana_state" || fail "cannot set ANA state $2 on port $1"
}

# tcp_target_teardown: delete host controllers of TCP_NQN, then the target.
tcp_target_teardown() {
	local c d
	for c in $(nvme_ctrls "$TCP_TRTYPE"); do
		[ "$(cat /sys/class/nvme/$c/subsysnqn 2>/dev/null)" = "$TCP_NQN" ] && ctrl_delete "$c"
	done
	for d in $NVMET/ports/*; do
		[ -e "$d/subsystems/$TCP_NQN" ] && rm "$d/subsystems/$TCP_NQN"
		rmdir "$d" 2>/dev/null
	done
	for d in $NVMET/subsystems/$TCP_NQN/namespaces/*; do
		[ -d "$d" ] && { echo 0 > "$d/enable"; rmdir "$d"; }
	done
	rmdir "$NVMET/subsystems/$TCP_NQN" 2>/dev/null
	for d in "${!TCP_NS_BASE[@]}"; do dmsetup remove "nvmet_ns$d"; done
	TCP_NS_BASE=()
	for d in "${TCP_NS_NAMES[@]}"; do
		d=/sys/kernel/config/nullb/$d
		echo 0 > "$d/power"; rmdir "$d"
	done
	TCP_NS_DEVS=(); TCP_NS_NAMES=(); TCP_CTRL=()
	return 0
}

# ---- fio verify ------------------------------------------------------------
# fio_verify_start DEV RUNTIME [extra fio args...]
# Background fio: random writes (4k/8k/16k/64k mix, iodepth 8, libaio,
# direct) over the first 32 MiB of DEV for RUNTIME seconds, each block
# read back and checked with crc32c shortly after it is written
# (verify_backlog=64). Sets FIO_PID and
# FIO_OUT (JSON); extra args override defaults (e.g. --size=16M --rw=randrw).
FIO_N=0
fio_verify_start() {
	local dev=$1 rt=$2; shift 2
	FIO_N=$((FIO_N + 1))
	FIO_OUT=/tmp/fio-$FIO_N.json
	FIO_ERR=/tmp/fio-$FIO_N.err
	FIO_DEV=$dev
	log "fio verify on $dev for ${rt}s"
	# SIGPIPE ignored: nvme-tcp (6.1 and 6.12) may send a request from the
	# submitting process's context without MSG_NOSIGNAL, so when the target
	# drops the connection the kernel sends SIGPIPE to fio itself (seen: fio
	# killed by signal 13 during a path failure). FIO_SIGPIPE=default keeps it.
	(
		[ "${FIO_SIGPIPE:-ignore}" = ignore ] && trap '' PIPE
		exec fio --name=verify --filename="$dev" --ioengine=libaio --direct=1 \
			--rw=randwrite --bssplit=4k/40:8k/20:16k/20:64k/20 --iodepth=8 \
			--size=32M --runtime="$rt" --time_based \
			--verify=crc32c --verify_backlog=64 --verify_fatal=1 --do_verify=1 \
			--eta=never --output-format=json --output="$FIO_OUT" "$@" 2> "$FIO_ERR"
	) &
	FIO_PID=$!
}

# fio_verify_wait: wait for the fio started last; return 0 if it exited 0
# and its JSON shows no error and some I/O done, else print why and return 1.
fio_verify_wait() {
	local rc=0 err tot wr rd
	wait "$FIO_PID" || rc=$?
	if [ ! -s "$FIO_OUT" ] || ! jq -e . "$FIO_OUT" >/dev/null 2>&1; then
		echo "fio on $FIO_DEV: exit status $rc, no JSON output"; sed 's/^/fio: /' "$FIO_ERR" | tail -20
		return 1
	fi
	err=$(jq '[.jobs[].error] | add' "$FIO_OUT")
	tot=$(jq '[.jobs[] | (.read.total_err // 0) + (.write.total_err // 0) + (.total_err // 0)] | add' "$FIO_OUT")
	wr=$(jq '[.jobs[].write.io_bytes] | add' "$FIO_OUT")
	rd=$(jq '[.jobs[].read.io_bytes] | add' "$FIO_OUT")
	FIO_WMAX_MS=$(jq '[.jobs[].write.clat_ns.max] | max / 1000000 | floor' "$FIO_OUT")
	FIO_RMAX_MS=$(jq '[.jobs[].read.clat_ns.max] | max / 1000000 | floor' "$FIO_OUT")
	log "fio on $FIO_DEV: exit $rc, error=$err total_err=$tot written=$((wr >> 20))MiB verified/read=$((rd >> 20))MiB worst write ${FIO_WMAX_MS} ms read ${FIO_RMAX_MS} ms"
	if [ "$rc" != 0 ] || [ "$err" != 0 ] || [ "$tot" != 0 ] || [ "$wr" = 0 ] || [ "$rd" = 0 ]; then
		sed 's/^/fio: /' "$FIO_ERR" | tail -20
		return 1
	fi
	return 0
}

# fio_verify DEV RUNTIME [args]: run in foreground, fail the case on error.
fio_verify() {
	fio_verify_start "$@"
	fio_verify_wait || fail "fio verify on $1 failed"
}

# ---- nvme-mpath-ana (userspace ANA helper, built by tests/run) ---------------
ANA_HELPER=/mnt/rig/nvme-mpath-ana
# the admin command (tools/nvme-mpath: list, fail-path, stats, ...)
MPATH_TOOL=/mnt/rig/nvme-mpath

# ---- nvme_mpath module ------------------------------------------------------
# mpath_load [params]: insmod the nvme_mpath.ko built for this kernel
mpath_load() {
	[ -n "$RIG_MODULE" ] && [ -e "$RIG_MODULE" ] || fail "nvme_mpath.ko was not built for $RIG_KVER"
	log "insmod nvme_mpath $*"
	insmod "$RIG_MODULE" "$@" || fail "insmod nvme_mpath $* failed"
}
mpath_unload() { log "rmmod nvme_mpath"; rmmod nvme_mpath || fail "rmmod nvme_mpath failed"; }
# mp_disks: names of the multipath disks (mpnvme*), one per line
mp_disks() {
	local d
	for d in /sys/block/mpnvme*; do [ -e "$d" ] && basename "$d"; done
	return 0
}
mp_wait_disk() { wait_for "${2:-30}" test -e "/sys/block/$1"; }
# mp_wait_any [TIMEOUT]: wait until at least one multipath disk exists
_mp_any() { [ -n "$(mp_disks)" ]; }
mp_wait_any() { wait_for "${1:-30}" _mp_any; }
# mp_slaves MP: path disks under MP (from /sys/block/MP/slaves), one per line
mp_slaves() { ls "/sys/block/$1/slaves" 2>/dev/null; }
_mp_nslaves() { [ "$(mp_slaves "$1" | wc -l)" -eq "$2" ]; }
# mp_wait_slaves MP COUNT [TIMEOUT]: wait until MP has exactly COUNT paths
mp_wait_slaves() { wait_for "${3:-30}" _mp_nslaves "$1" "$2"; }

# udevd_start: run the host's systemd-udevd in the guest (rules from
# /lib/udev/rules.d and whatever the case put in /run/udev/rules.d) and wait
# until it answers.  The case runs in a chroot of the host's /, where udevadm
# ignores requests unless SYSTEMD_IGNORE_CHROOT is set (exported for the case).
UDEVD=/lib/systemd/systemd-udevd
udevd_start() {
	[ -x "$UDEVD" ] || fail "no $UDEVD on the host (tests/setup installs udev)"
	export SYSTEMD_IGNORE_CHROOT=1
	log "starting systemd-udevd ($($UDEVD --version))"
	$UDEVD --daemon --resolve-names=never || fail "systemd-udevd did not start"
	wait_for 10 udevadm control --ping || fail "systemd-udevd does not answer"
}
