#!/bin/sh
# bcast_build.sh: builds bcast-diff (model/bcast_diff.cpp: the verilated
# rtl/ctlb_bcast.v against its C model) for one configuration.
#
#   sh model/bcast_build.sh ROOT HARTS LATENCY
#
# writes ROOT/build/bcast-diff/hHARTS-lLATENCY/bcast-diff (atomically: built
# under a temporary name, then renamed). Tools: $VERILATOR (default
# verilator), $CC (default cc), $CXX (default g++). Called by tests/test_bcast.py under a lock.
set -eu
if [ $# -ne 3 ]; then
  echo "usage: bcast_build.sh ROOT HARTS LATENCY" >&2
  exit 2
fi
root=$1
h=$2
l=$3
VERILATOR=${VERILATOR:-verilator}
out=$root/build/bcast-diff/h$h-l$l
obj=$out/obj
mkdir -p "$out"
rm -rf "$obj"
mkdir -p "$obj"
${CC:-cc} -std=c11 -O1 -Wall -Wextra -Werror -c "$root/model/ctlb_bcast.c" -o "$obj/ctlb_bcast_c.o"
$VERILATOR --cc --exe --build -j 1 -Wall -Mdir "$obj" --top-module ctlb_bcast \
  -GHarts=$h -GLatency=$l \
  -CFLAGS "-O1 -DHARTS=$h -DLATENCY=$l -I$root/model" \
  "$root/rtl/ctlb_bcast.v" "$root/model/bcast_diff.cpp" \
  -LDFLAGS "$obj/ctlb_bcast_c.o" -o bcast-diff.tmp >/dev/null
mv "$obj/bcast-diff.tmp" "$out/bcast-diff"
