#!/bin/sh
# xlat_build.sh: builds the verilated RTL backend of one accelerator configuration.
#
#   sh model/xlat_build.sh ROOT NAME -GEntries=64 -GWays=4 ... 
#
# writes ROOT/build/xlat-rtl/NAME/libxlat_vl.so (atomically: built under a temporary
# name, then renamed). The Verilator runtime objects, identical for every
# configuration, are compiled once into ROOT/build/xlat-rtl/_runtime under a lock.
# Called by model/xlat.c (which holds a per-configuration lock) and by model/model.mk.
# Tools: $VERILATOR (default verilator), $CXX (default g++).
set -eu
if [ $# -lt 2 ]; then
  echo "usage: xlat_build.sh ROOT NAME [-Gparam=value ...]" >&2
  exit 2
fi
root=$1
name=$2
shift 2
VERILATOR=${VERILATOR:-verilator}
CXX=${CXX:-g++}
VR=$($VERILATOR --getenv VERILATOR_ROOT)
base=$root/build/xlat-rtl
out=$base/$name
obj=$out/obj
rt=$base/_runtime
mkdir -p "$out" "$rt"
rm -rf "$obj"

# C++ optimisation, explicit rather than verilated.mk's defaults (-Os for the model
# and the runtime, none for the "slow" files): the model at -O2, the runtime too.
# (Measured with callgrind and CPU time: -O3, Verilator's own -O3 and
# -mtls-dialect=gnu2 gain nothing here; see docs/accelerator.md section 9.)
OPT="OPT_FAST=-O2 OPT_SLOW=-O2 OPT_GLOBAL=-O2"

# Every object is position independent with hidden symbols, so that several
# configurations (same class names, different parameters) can be loaded at once.
$VERILATOR --cc --trace --x-assign fast --x-initial fast -Wno-fatal \
  -CFLAGS -fPIC -CFLAGS -fvisibility=hidden -CFLAGS -fvisibility-inlines-hidden \
  -Mdir "$obj" --top-module ctlb_top "$@" \
  "$root"/rtl/ctlb_top.v "$root"/rtl/ctlb_tlb.v "$root"/rtl/ctlb_walker.v "$root"/rtl/ctlb_wcache.v
# shellcheck disable=SC2086  # $OPT is three words
make -s -C "$obj" -f Vctlb_top.mk $OPT Vctlb_top__ALL.a

# shared Verilator runtime, rebuilt when the Verilator version or $OPT change
stamp="$($VERILATOR --version) $OPT"
(
  flock 9
  if [ ! -f "$rt/runtime.a" ] || [ "$(cat "$rt/runtime.stamp" 2>/dev/null)" != "$stamp" ]; then
    # shellcheck disable=SC2086
    make -s -C "$obj" -f Vctlb_top.mk $OPT verilated.o verilated_vcd_c.o verilated_threads.o
    rm -f "$rt/runtime.a.tmp"
    ar rcs "$rt/runtime.a.tmp" "$obj"/verilated.o "$obj"/verilated_vcd_c.o "$obj"/verilated_threads.o
    mv "$rt/runtime.a.tmp" "$rt/runtime.a"
    printf '%s\n' "$stamp" > "$rt/runtime.stamp"
  fi
) 9>"$rt.lock"

cat > "$out/exports.map" <<'MAP'
{ global: xlat_vl_*; local: *; };
MAP
$CXX -O2 -fPIC -fvisibility=hidden -fvisibility-inlines-hidden -std=gnu++17 \
  -DVM_TRACE=1 -DVM_TRACE_VCD=1 -DVM_COVERAGE=0 -DVM_SC=0 -DXLAT_VL_NAME="\"$name\"" \
  -I"$obj" -I"$VR/include" -I"$VR/include/vltstd" -I"$root/model" \
  -c "$root/model/xlat_vl.cpp" -o "$out/xlat_vl.o"
$CXX -shared -o "$out/libxlat_vl.so.tmp" "$out/xlat_vl.o" "$obj/Vctlb_top__ALL.a" "$rt/runtime.a" \
  -Wl,--version-script="$out/exports.map" -Wl,-Bsymbolic -pthread -latomic
mv "$out/libxlat_vl.so.tmp" "$out/libxlat_vl.so"
echo "xlat_build: $out/libxlat_vl.so"
