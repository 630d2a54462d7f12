#!/usr/bin/env bash
# wave-screenshot.sh: a screenshot of one table walk in GTKWave, taken under
# Xvfb (docs/waves.md).
#
#   bash scripts/wave-screenshot.sh [DUMP [OUT.png [N]]]
#
# DUMP (.vcd or .fst) defaults to build/wave/walks.vcd (written by `make
# wave`, or by `WAVE_NO_GUI=1 bash scripts/wave.sh`, run first if the file is
# missing); OUT defaults to docs/img/walk.png. N picks the walk (default 4: in
# the demo, the walk after the timer interrupt's hot patch of checksum). The
# script writes the save file of that walk with scripts/wavesave.py --walk N
# (the view `make wave` opens: rtl/ctlb.gtkw's signals, the window from 2
# cycles before the request to 5 after the answer, the marker on the answer),
# opens the dump with it in GTKWave on a virtual X display of the save file's
# size (1600x1000) and grabs the screen with ImageMagick's import.
set -euo pipefail
if [ "${1:-}" = "-h" ] || [ "${1:-}" = "--help" ]; then
  sed -n '2,/^set -euo/p' "$0" | sed '$d' | sed 's/^# \{0,1\}//'
  exit 0
fi
ROOT=$(cd "$(dirname "$0")/.." && pwd)
cd "$ROOT"
DUMP=${1:-build/wave/walks.vcd}
OUT=${2:-docs/img/walk.png}
N=${3:-4}
PY=${PYTHON:-$ROOT/.venv/bin/python}

die() { echo "wave-screenshot.sh: error: $*" >&2; exit 2; }
for tool in xvfb-run gtkwave import; do
  command -v "$tool" >/dev/null || die "$tool not found (Debian packages xvfb, gtkwave, imagemagick: make setup)"
done
case "$N" in ''|*[!0-9]*|0) die "walk number '$N' is not a positive number" ;; esac
if [ ! -e "$DUMP" ] && [ "$DUMP" = build/wave/walks.vcd ]; then
  WAVE_NO_GUI=1 bash scripts/wave.sh >/dev/null
fi
[ -r "$DUMP" ] || die "$DUMP: cannot read the dump"

TMP=$(mktemp -d)
trap 'rm -rf "$TMP"' EXIT
if ! "$PY" scripts/wavesave.py "$DUMP" --walk "$N" -o "$TMP/walk.gtkw" > "$TMP/save.log" 2>&1; then
  die "$(sed 's/^wavesave.py: error: //' "$TMP/save.log" | head -1)"
fi
read -r W H < <(sed -n 's/^\[size\] \([0-9]*\) \([0-9]*\)$/\1 \2/p' "$TMP/walk.gtkw")
mkdir -p "$(dirname "$OUT")"
xvfb-run -a -s "-screen 0 ${W}x${H}x24" bash -c '
  gtkwave "$2" "$1/walk.gtkw" >"$1/gtkwave.log" 2>&1 &
  pid=$!
  sleep 4
  import -window root "$1/shot.png"
  kill $pid 2>/dev/null || true
  wait $pid 2>/dev/null || true
' _ "$TMP" "$DUMP"
[ -s "$TMP/shot.png" ] || die "no screenshot taken (see gtkwave's log: $(tail -3 "$TMP/gtkwave.log" 2>/dev/null))"
mv "$TMP/shot.png" "$OUT"
echo "wave-screenshot.sh: $(sed 's/^wavesave.py: [^:]*: //' "$TMP/save.log") -> $OUT"
