#!/usr/bin/env bash
# Re-records the real-program traces in traces/real/ (traces/real/README.md says
# what each is). Needs uftrace, gcc, dpkg-source, sqlite3 and imagemagick (Debian
# packages), and the Lua source package, which scripts/fetch-real-sources.sh
# fetches (network access to the Debian archive and deb-src entries: see its
# --help).
#
# usage: scripts/record-real-traces.sh [OUTDIR]   (default traces/real)
#        scripts/record-real-traces.sh --help
# Work files go to build/real-traces/. Each trace is written via uftrace2ct.py
# (temporary file + rename), so a failure leaves no half-written trace.
set -euo pipefail
case "${1:-}" in
  -h|--help) sed -n '2,/^set -euo/p' "$0" | sed '$d' | sed 's/^# \{0,1\}//'; exit 0 ;;
  -*) echo "record-real-traces.sh: error: unknown option '$1' (see --help)" >&2; exit 2 ;;
esac
cd "$(dirname "$0")/.."
ROOT=$PWD
OUT=${1:-traces/real}
PY=${PYTHON:-$ROOT/.venv/bin/python}
WORK=$ROOT/build/real-traces
WL=$ROOT/traces/real/workloads
mkdir -p "$WORK" "$OUT"
# no address-space randomisation: recordings do not depend on where things land
NORAND="setarch $(uname -m) -R"

# ---------------------------------------------------------------- Lua 5.4 from Debian source
# the pinned source package, fetched once into build/realsrc/lua5.4
bash scripts/fetch-real-sources.sh lua5.4
LUA_SRC=$ROOT/build/realsrc/lua5.4
# Upstream sources only (Debian's patches change the build system, not the code we
# trace); the fixed hash seed makes runs repeatable (Lua otherwise mixes time and
# addresses into its string-hash seed).
gcc -std=gnu99 -O2 -pg -DLUA_USE_POSIX '-Dluai_makeseed(L)=0x5eedu' \
  -o "$WORK/lua-pg" $(ls "$LUA_SRC"/src/*.c | grep -v '/luac\.c$') -lm

record() { # name, uftrace options, --, the command
  local name=$1; shift
  rm -rf "$WORK/$name.uftrace"
  # run in the work folder: a -pg program writes gmon.out into its current folder
  (cd "$WORK" && $NORAND uftrace record -d "$WORK/$name.uftrace" "$@" > "$WORK/$name.stdout")
  "$PY" scripts/uftrace2ct.py "$WORK/$name.uftrace" -o "$OUT/$name.ct.gz"
}

record lua-sort -- "$WORK/lua-pg" "$WL/sort.lua"
record lua-objects -- "$WORK/lua-pg" "$WL/objects.lua"

# ---------------------------------------------------------------- Debian binaries, library calls
# --force: trace a program not built with -pg (only library calls through the PLT);
# --nest-libcall: also calls from one library into another.
record sqlite3-libcalls --force --nest-libcall -- /usr/bin/sqlite3 :memory: ".read $WL/sqlite.sql"
MAGICK_THREAD_LIMIT=1 OMP_NUM_THREADS=1 \
  record convert-libcalls --force --nest-libcall -- /usr/bin/convert -limit thread 1 -size 48x48 xc:red -blur 0x2 \
  -rotate 30 "$WORK/out.png"

# ---------------------------------------------------------------- the importer's test sample
# A tiny program with a call sequence known by hand; its `uftrace dump` text is
# committed as traces/samples/tiny.uftrace-dump.txt (tests/test_traces_import.py).
if [ "$OUT" = traces/real ]; then
  gcc -O0 -pg -o "$WORK/tiny" traces/samples/tiny.c
  rm -rf "$WORK/tiny.uftrace"
  $NORAND uftrace record --no-libcall -d "$WORK/tiny.uftrace" "$WORK/tiny"
  uftrace dump -d "$WORK/tiny.uftrace" > "$WORK/tiny.dump.tmp"
  mv "$WORK/tiny.dump.tmp" traces/samples/tiny.uftrace-dump.txt
fi

ls -l "$OUT"/*.ct.gz
