#!/bin/bash
# test-admin.sh NVME_MPATH - host tests of nvme-mpath (being written)
set -u
"$1" --help > /dev/null || { echo "FAIL: --help"; exit 1; }
"$1" bogus 2> /dev/null; [ $? = 2 ] || { echo "FAIL: unknown command not exit 2"; exit 1; }
echo "test-admin: ok"
