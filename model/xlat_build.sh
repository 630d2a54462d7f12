#!/bin/sh
# xlat_build.sh: builds the verilated RTL backend of one accelerator configuration.
#
#   sh model/xlat_build.sh [--fst] ROOT NAME -GEntries=64 -GWays=4 ...
#
# writes ROOT/build/xlat-rtl/NAME/libxlat_vl.so (atomically: built under a temporary
# name, then renamed), with VCD waveform tracing. The library also holds the two
# simulation-only probe models of a waveform, model/wave_dump.v and model/wave_hart.v
# (verilated on their own, traced into the same file as ctlb_top; docs/waves.md). --fst builds the variant with FST
# tracing instead, ROOT/build/xlat-rtl/NAME/fst/libxlat_vl.so: a verilated model
# holds one trace format (Verilator 5.006's generated trace() takes either a
# VerilatedVcdC or a VerilatedFstC), so model/xlat_rtl.c loads this second library
# when a waveform goes to a .fst file. The Verilator runtime objects, identical for
# every configuration, are compiled once per format into
# ROOT/build/xlat-rtl/_runtime (or _runtime-fst) under a lock.
# Called by model/xlat_rtl.c (which holds a per-configuration lock) and by model/model.mk.
# Tools: $VERILATOR (default verilator), $CXX (default g++).
set -eu
fst=0
if [ "${1:-}" = --fst ]; then
  fst=1
  shift
fi
if [ $# -lt 2 ]; then
  echo "usage: xlat_build.sh [--fst] ROOT NAME [-Gparam=value ...]" >&2
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
rt=$base/_runtime
# the trace format: Verilator option, runtime object, defines, libraries
trace_opt=--trace
trace_obj=verilated_vcd_c.o
trace_defs="-DVM_TRACE=1 -DVM_TRACE_VCD=1 -DVM_TRACE_FST=0"
trace_libs=
if [ $fst = 1 ]; then
  out=$out/fst
  rt=$base/_runtime-fst
  trace_opt=--trace-fst
  trace_obj=verilated_fst_c.o
  trace_defs="-DVM_TRACE=1 -DVM_TRACE_VCD=0 -DVM_TRACE_FST=1"
  trace_libs=-lz
fi
obj=$out/obj
probes="wave_dump wave_hart"
mkdir -p "$out" "$rt"
rm -rf "$obj"
for m in $probes; do rm -rf "$out/obj_$m"; done

# C++ optimisation, explicit rather than verilated.mk's defaults (-Os for the model
# and the runtime, none for the "slow" files): the model and the shim at -O2 with
# link-time optimisation (the version script lets it treat every model function as
# local and inline the evaluation into one function: about 8 % fewer instructions and
# less time per cycle), the shared runtime at -O2 without it (so each configuration's
# link does not recompile the runtime). -O3 and Verilator's own -O3 gained nothing;
# see docs/accelerator.md section 9.
opt_model=${XLAT_VL_CXXOPT:-"-O2 -flto"}
opt_rt="-O2"
# (XLAT_VL_CXXOPT and XLAT_VL_VFLAGS, extra Verilator options, are for
# scripts/rtl_options_bench.py, which builds variants under another root)
vflags=${XLAT_VL_VFLAGS:-}

# Every object is position independent with hidden symbols, so that several
# configurations (same class names, different parameters) can be loaded at once.
$VERILATOR --cc $trace_opt --assert --x-assign fast --x-initial fast -Wno-fatal -DCTLB_ASSERTS -I"$root/rtl" \
  -CFLAGS -fPIC -CFLAGS -fvisibility=hidden -CFLAGS -fvisibility-inlines-hidden \
  -Mdir "$obj" --top-module ctlb_top $vflags "$@" \
  "$root"/rtl/ctlb_top.v "$root"/rtl/ctlb_tlb.v "$root"/rtl/ctlb_walker.v "$root"/rtl/ctlb_wcache.v
# With Verilator 5.006 the shim schedules the evaluation itself (model/xlat_vl.cpp):
# the NBA region's functions without and with the combinational logic after the
# edge, written by model/xlat_vl_nba.awk into the file that defines eval_nba().
if grep -q 'VERILATOR_VERSION_INTEGER 5006000$' "$VR/include/verilated_config.h"; then
  nba_src=$(grep -l '^void Vctlb_top___024root___eval_nba(.*) {$' "$obj"/Vctlb_top___024root__DepSet_*.cpp |
    head -n 1)
  # shellcheck disable=SC2046  # the generated file names have no spaces
  awk -f "$root/model/xlat_vl_nba.awk" $(ls "$obj"/Vctlb_top___024root__DepSet_*.cpp | grep -v __Slow) \
    > "$obj/nba.inc"
  cat "$obj/nba.inc" >> "$nba_src"
fi
# The generated evaluation functions (VL_INLINE_OPT) always inlined, as the ones
# model/xlat_vl_nba.awk writes: with link-time optimisation the shim's hit path is
# one function (model/xlat_vl.cpp, xlat_vl_hit), about 70 fewer host instructions a
# lookup. (GCC notes that an always_inline function not declared inline "might not
# be inlinable": -Wno-attributes.)
make -s -C "$obj" -f Vctlb_top.mk OPT_FAST="$opt_model" OPT_SLOW="$opt_model" \
  USER_CPPFLAGS="'-DVL_INLINE_OPT=__attribute__((always_inline))' -Wno-attributes" \
  OPT_GLOBAL="$opt_rt" Vctlb_top__ALL.a
# the probe models: ports only, driven by the shim in the cycles it dumps
for m in $probes; do
  $VERILATOR --cc $trace_opt -Wno-fatal \
    -CFLAGS -fPIC -CFLAGS -fvisibility=hidden -CFLAGS -fvisibility-inlines-hidden \
    -Mdir "$out/obj_$m" --top-module $m "$root/model/$m.v"
  make -s -C "$out/obj_$m" -f V$m.mk OPT_FAST="$opt_model" OPT_SLOW="$opt_model" \
    OPT_GLOBAL="$opt_rt" V${m}__ALL.a
done

# shared Verilator runtime, rebuilt when the Verilator version or $opt_rt change
stamp="$($VERILATOR --version) $opt_rt"
(
  flock 9
  if [ ! -f "$rt/runtime.a" ] || [ "$(cat "$rt/runtime.stamp" 2>/dev/null)" != "$stamp" ]; then
    make -s -C "$obj" -f Vctlb_top.mk OPT_GLOBAL="$opt_rt" verilated.o $trace_obj \
      verilated_threads.o
    rm -f "$rt/runtime.a.tmp"
    ar rcs "$rt/runtime.a.tmp" "$obj"/verilated.o "$obj"/$trace_obj "$obj"/verilated_threads.o
    mv "$rt/runtime.a.tmp" "$rt/runtime.a"
    printf '%s\n' "$stamp" > "$rt/runtime.stamp"
  fi
) 9>"$rt.lock"

cat > "$out/exports.map" <<'MAP'
{ global: xlat_vl_*; local: *; };
MAP
# shellcheck disable=SC2086  # $opt_model and $trace_defs are several words
$CXX $opt_model -fPIC -fvisibility=hidden -fvisibility-inlines-hidden -std=gnu++17 \
  $trace_defs -DVM_COVERAGE=0 -DVM_SC=0 -DXLAT_VL_NAME="\"$name\"" \
  -I"$obj" -I"$out/obj_wave_dump" -I"$out/obj_wave_hart" \
  -I"$VR/include" -I"$VR/include/vltstd" -I"$root/model" \
  -c "$root/model/xlat_vl.cpp" -o "$out/xlat_vl.o"
# (the whole model archive: its members hold LTO bytecode, which an archive index
# written without the LTO plugin would not list)
link_opt=$opt_model  # (the code of LTO bytecode is generated at the link)
case $opt_model in *-flto*) link_opt="$opt_model -flto=auto" ;; esac
# shellcheck disable=SC2086  # $link_opt is several words
$CXX -shared $link_opt -o "$out/libxlat_vl.so.tmp" "$out/xlat_vl.o" \
  -Wl,--whole-archive "$obj/Vctlb_top__ALL.a" \
  "$out/obj_wave_dump/Vwave_dump__ALL.a" "$out/obj_wave_hart/Vwave_hart__ALL.a" \
  -Wl,--no-whole-archive "$rt/runtime.a" \
  -Wl,--version-script="$out/exports.map" -Wl,-Bsymbolic -pthread -latomic $trace_libs
mv "$out/libxlat_vl.so.tmp" "$out/libxlat_vl.so"
# the environment's flags it was built with, beside it: model/xlat_rtl.c and
# model/model.mk rebuild a library whose build.flags differ from the present
# ones (this one line, byte for byte; empty and unset are the same)
printf 'XLAT_VL_CXXOPT=%s|XLAT_VL_VFLAGS=%s\n' "${XLAT_VL_CXXOPT:-}" "${XLAT_VL_VFLAGS:-}" \
  > "$out/build.flags.tmp"
mv "$out/build.flags.tmp" "$out/build.flags"
echo "xlat_build: $out/libxlat_vl.so"
