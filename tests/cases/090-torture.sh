#!/bin/bash
# 090-torture: the randomized fault torture (tests/lib/torture.sh) for
# TORTURE_MINUTES (3 here, in CI; tests/torture --minutes N runs it longer)
# with seed TORTURE_SEED (random unless set; printed, with the schedule it
# gives).  Paths of both kinds: QEMU's PCIe subsystem mp0 with three
# controllers, the third behind a hot-pluggable root port (QMP device_del /
# device_add from the guest, through the virtio-serial port rig.qmp that
# QEMU's own monitor is connected to), and nvmet-tcp ports 4420/4421; four
# multipath disks under fio verify all along; overlapping faults of every
# kind drawn from the seed.  Fails on any verify error, any I/O error the
# application sees, any kernel problem, a read in a failed range that does
# not get EIO, or a fault the rig could not inject or undo.
# In tests/run (CI) it runs on 6.12 only (its ~8 min of a core on both lines
# would not fit CI's time; tests/torture runs it on any line, 6.1 included)
# and starts first, beside the other cases.
#@ timeout: 900
#@ kernels: 6.12
#@ start: early
#@ qemu: -device nvme-subsys,id=mp0,nqn=mp0
#@ qemu: -device nvme,serial=mpath0,subsys=mp0,id=ctrl0 -device nvme,serial=mpath0,subsys=mp0,id=ctrl1
#@ qemu: -device pcie-root-port,id=rp1,chassis=1,slot=1 -device nvme,serial=mpath0,subsys=mp0,id=ctrl2,bus=rp1
#@ qemu: -drive file=@IMG:ns1:64M@,if=none,format=raw,id=ns1,cache=unsafe -device nvme-ns,drive=ns1,nsid=1,shared=on
#@ qemu: -drive file=@IMG:ns2:64M@,if=none,format=raw,id=ns2,cache=unsafe -device nvme-ns,drive=ns2,nsid=2,shared=on
#@ qemu: -device virtio-serial-pci,id=vser0
#@ qemu: -chardev socket,id=rigqmp,path=@SOCK:qmp@,server=on,wait=off -device virtserialport,chardev=rigqmp,name=rig.qmp
#@ qemu: -chardev socket,id=rigmon,path=@SOCK:qmp@,reconnect=1 -mon chardev=rigmon,mode=control
. "$(dirname "$0")/../lib/guest.sh"
. "$(dirname "$0")/../lib/mpath.sh"
. "$(dirname "$0")/../lib/fault.sh"
. "$(dirname "$0")/../lib/torture.sh"

: "${TORTURE_MINUTES:=3}"
: "${TORTURE_SEED:=$(od -An -N2 -tu2 /dev/urandom | tr -d ' ')}"
torture_main "$TORTURE_MINUTES" "$TORTURE_SEED"
