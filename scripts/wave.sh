#!/usr/bin/env bash
# wave.sh: `make wave`. Runs the hot-patching demo on the RTL backend with a
# waveform of the accelerator windowed around its table walks (with the CPU's
# side, scope hart0), writes a GTKWave save file that opens on a walk, then
# opens both in GTKWave (docs/waves.md).
#
#   bash scripts/wave.sh            (after `make build/ctsim firmware`)
#
# Environment:
#   WAVE_OUT     the dump (default build/wave/walks.vcd; .fst gives FST); the
#                save file is the same name with .gtkw
#   WAVE_AT      the save file opens on the first walk at or after this cycle
#                (default 0: the first walk)
#   DEMO_ARGS    ctsim options of the demo run (default: the --patch-at of
#                `make demo`, see firmware/demo/program.mk)
#   WAVE_NO_GUI  set: do not start GTKWave, only print how to open the dump
# Without a display (no $DISPLAY) or without gtkwave it prints the command.
#
# The dump comes from the run itself: ctsim --wave FILE --wave-walks-only
# (which clocks the accelerator in lock-step, so dump time = CPU cycle, 1 ns
# per cycle); the save file from scripts/wavesave.py (rtl/ctlb.gtkw's signals).
set -euo pipefail
if [ "${1:-}" = "-h" ] || [ "${1:-}" = "--help" ]; then
  sed -n '2,/^set -euo/p' "$0" | sed '$d' | sed 's/^# \{0,1\}//'
  exit 0
fi
ROOT=$(cd "$(dirname "$0")/.." && pwd)
cd "$ROOT"
OUT=${WAVE_OUT:-build/wave/walks.vcd}
AT=${WAVE_AT:-0}
ARGS=${DEMO_ARGS:---patch-at 410000:0x10003:respond_v2}
ELF=build/firmware/demo/demo.elf
PY=${PYTHON:-$ROOT/.venv/bin/python}
SAVE=${OUT%.*}.gtkw

die() { echo "wave.sh: error: $*" >&2; exit 2; }
[ -x build/ctsim ] || die "build/ctsim is missing: run make build/ctsim"
[ -r "$ELF" ] || die "$ELF is missing: run make firmware"
mkdir -p "$(dirname "$OUT")"

# shellcheck disable=SC2086
build/ctsim --xlat rtl --wave "$OUT" --wave-walks-only $ARGS "$ELF"
echo "wave.sh: walks of the demo run dumped to $OUT"
"$PY" scripts/wavesave.py "$OUT" --after "$AT" -o "$SAVE"

CMD="gtkwave $OUT $SAVE"
if [ -z "${WAVE_NO_GUI:-}" ] && [ -n "${DISPLAY:-}" ] && command -v gtkwave >/dev/null; then
  echo "wave.sh: $CMD"
  exec gtkwave "$OUT" "$SAVE"
fi
echo "wave.sh: no display (or WAVE_NO_GUI set): open the dump with"
echo "  $CMD"
