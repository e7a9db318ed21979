#!/usr/bin/env python3
# uevents.py FILE: append every kernel uevent (NETLINK_KOBJECT_UEVENT, group
# 1) to FILE, one line per event: "ACTION@DEVPATH KEY=VALUE KEY=VALUE ...".
# The rig's guest has no udevd; cases start this in the background to see
# what the kernel announces.
import socket
import sys

NETLINK_KOBJECT_UEVENT = 15

s = socket.socket(socket.AF_NETLINK, socket.SOCK_DGRAM, NETLINK_KOBJECT_UEVENT)
s.bind((0, 1))
with open(sys.argv[1], "a", buffering=1) as out:
    print("listening", file=out)
    while True:
        data = s.recv(65536)
        fields = [f.decode(errors="replace") for f in data.split(b"\0") if f]
        out.write(" ".join(fields) + "\n")
