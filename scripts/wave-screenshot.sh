#!/usr/bin/env bash
# wave-screenshot.sh: a screenshot of one table walk in GTKWave, taken under
# Xvfb (docs/waves.md).
#
#   bash scripts/wave-screenshot.sh [DUMP.vcd [OUT.png [N]]]
#
# DUMP defaults to build/wave/walks.vcd (written by `make wave`, or by
# `WAVE_NO_GUI=1 bash scripts/wave.sh`, run first if the file is missing);
# OUT defaults to docs/img/walk.png. N picks the walk (default 4: in the demo,
# the walk after the timer interrupt's hot patch of checksum). The script finds the walk in the dump (from the cycle its
# request arrives to the cycle it answers), opens the dump with rtl/ctlb.gtkw
# in GTKWave on a virtual X display, zooms to the walk with a Tcl script, puts
# the marker on the answer, and grabs the screen with ImageMagick's import.
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
case "$DUMP" in *.vcd) ;; *) die "$DUMP: give a .vcd dump (the walk is located by reading it)" ;; esac

# The walk's window in dump time units (half cycles): from its request to its answer.
read -r T0 T1 < <("$PY" - "$DUMP" "$N" <<'PYEOF'
import sys
path, want = sys.argv[1], int(sys.argv[2])
codes, names = {}, ("busy_o", "rsp_valid_o", "rsp_hit_o")
t, val, walks, start = 0, {}, 0, None
with open(path) as f:
    for line in f:
        s = line.split()
        if not s:
            continue
        if s[0] == "$var" and s[4] in names and s[3] not in codes:
            codes[s[3]] = s[4]
        elif s[0].startswith("#"):
            t = int(s[0][1:])
        elif len(s) == 1 and s[0][0] in "01" and s[0][1:] in codes:
            name, v = codes[s[0][1:]], s[0][0]
            if name == "busy_o" and v == "1" and val.get("busy_o") != "1" and start is None:
                start = t - 1  # busy rises after the edge of the request cycle
            val[name] = v
            # the walk's answer: rsp_valid without hit, while the walker is busy
            if (start is not None and val.get("rsp_valid_o") == "1"
                    and val.get("rsp_hit_o") == "0"):
                walks += 1
                if walks == want:
                    print(start, t)
                    sys.exit(0)
                start = None
sys.exit(f"wave-screenshot.sh: error: {path}: fewer than {want} walks in the dump")
PYEOF
) || exit 2

A=$(( T0 > 4 ? T0 - 4 : 0 ))
B=$(( T1 + 6 ))
TMP=$(mktemp -d)
trap 'rm -rf "$TMP"' EXIT
cat > "$TMP/zoom.tcl" <<TCL
gtkwave::setZoomRangeTimes $A $B
gtkwave::setMarker $T1
TCL
mkdir -p "$(dirname "$OUT")"
xvfb-run -a -s "-screen 0 1400x900x24" bash -c '
  gtkwave -S "$1/zoom.tcl" "$2" rtl/ctlb.gtkw >"$1/gtkwave.log" 2>&1 &
  pid=$!
  sleep 4
  import -window root "$1/shot.png"
  kill $pid 2>/dev/null || true
  wait $pid 2>/dev/null || true
' _ "$TMP" "$DUMP"
[ -s "$TMP/shot.png" ] || die "no screenshot taken (see gtkwave's log: $(tail -3 "$TMP/gtkwave.log" 2>/dev/null))"
mv "$TMP/shot.png" "$OUT"
echo "wave-screenshot.sh: walk $N of $DUMP (times $T0..$T1) -> $OUT"
