#!/usr/bin/env bash
# Fetches the Debian source packages of the real programs (docs/realprogs.md)
# with `apt-get source` at pinned versions and unpacks their upstream sources
# (dpkg-source -x --skip-patches) into build/realsrc/NAME/. Idempotent: a
# package already unpacked at its pinned version is not fetched again (about
# 10 ms when everything is present). Each package is unpacked beside its final
# folder and renamed into place, so a failure leaves no half-unpacked tree.
#
# usage: scripts/fetch-real-sources.sh [--dest DIR] [NAME...]   (default: all)
#        scripts/fetch-real-sources.sh --list      (NAME VERSION... per line)
#        scripts/fetch-real-sources.sh --print-deb-src (the entries it would add)
#        scripts/fetch-real-sources.sh --help
# --dest DIR unpacks into DIR/NAME/ instead (relative to the repository).
# NAME is a source package: lua5.4, zlib or mbedtls. The pinned versions are in
# PINS below. Needs dpkg-dev (dpkg-source), network access to the Debian
# archive, and deb-src entries; when apt has none for a package, the script
# adds them to /etc/apt/sources.list.d/debian-src.sources (the same archives,
# suites and components as the machine's own deb entries) and runs
# apt-get update, if it runs as root, and stops with an error otherwise.
# Each folder holds .ct-version (the Debian version it was unpacked from),
# written last.
# scripts/record-real-traces.sh uses this script for its Lua source too.
set -euo pipefail

# ---------------------------------------------------------------- pins
# source package, the SHA-256 of its upstream tarball (.orig.tar.*, what is
# unpacked and built: Debian's own patches are skipped), and the Debian
# versions that carry that tarball, the preferred one first; the first that
# can be downloaded is used. zlib's 1:1.2.13.dfsg-1+deb12u1 (a security
# update: a Debian patch to minizip, which is not built) is in the
# debian-security archive; 1:1.2.13.dfsg-1 (bookworm) has the same tarball.
PINS=(
  "lua5.4 164c7849653b80ae67bec4b7473b884bf5cc8d2dca05653475ec2ed27b9ebf61 5.4.4-3+deb12u1"
  "zlib 71feb7947e3c00ef125f83b79a4e529bde31171e5babe48b391f06758d1ab0a1 1:1.2.13.dfsg-1+deb12u1 1:1.2.13.dfsg-1"
  "mbedtls 3b4953aa55a681e084d31892d9904cc5328d6b4958ea57b90ae4b4f94ae69a8d 2.28.3-1"
)
SRC_LIST=/etc/apt/sources.list.d/debian-src.sources

die() {
  echo "fetch-real-sources.sh: error: $*" >&2
  exit 2
}

DEST=build/realsrc
names=()
while [ $# -gt 0 ]; do
  case "$1" in
    -h|--help) sed -n '2,/^set -euo/p' "$0" | sed '$d' | sed 's/^# \{0,1\}//'; exit 0 ;;
    --list) for p in "${PINS[@]}"; do set -- $p; n=$1; shift 2; echo "$n $*"; done; exit 0 ;;
    --print-deb-src) PRINT_DEB_SRC=1 ;;
    --dest) [ $# -ge 2 ] && [ -n "$2" ] || die "--dest needs a folder"; DEST=$2; shift ;;
    -*) die "unknown option '$1' (see --help)" ;;
    *) names+=("$1") ;;
  esac
  shift
done
cd "$(dirname "$0")/.."

pin_of() { # NAME -> "NAME VERSION SHA" or nothing
  local p
  for p in "${PINS[@]}"; do
    [ "${p%% *}" = "$1" ] && { echo "$p"; return 0; }
  done
  return 0
}

# ---------------------------------------------------------------- deb-src entries
# The one place that derives deb-src entries from the machine's apt sources:
# each deb822 stanza of type deb in sources.list.d/*.sources, retyped, and
# each one-line `deb [options] URI SUITE COMPONENT...` of sources.list,
# written as a deb822 stanza. Printed on stdout (--print-deb-src).
print_deb_src_entries() {
  local f
  for f in /etc/apt/sources.list.d/*.sources; do
    [ -e "$f" ] || continue
    [ "$f" = "$SRC_LIST" ] && continue
    awk 'BEGIN { RS = ""; ORS = "\n\n" }
         /(^|\n)Types:[ \t]*deb[ \t]*(\n|$)/ {
           gsub(/(^|\n)#[^\n]*/, ""); sub(/^\n/, "")
           sub(/Types:[ \t]*deb/, "Types: deb-src"); print }' "$f"
  done
  [ -f /etc/apt/sources.list ] || return 0
  awk '$1 == "deb" {
         opts = ""; i = 2
         if ($2 ~ /^\[/) {
           while (i <= NF) { o = $i; gsub(/[][]/, "", o)
             if (o ~ /^signed-by=/) opts = opts "Signed-By: " substr(o, 11) "\n"
             else if (o ~ /^arch=/) opts = opts "Architectures: " substr(o, 6) "\n"
             if ($i ~ /\]$/) { i++; break }
             i++ }
         }
         comps = ""; for (j = i + 2; j <= NF; j++) comps = comps (comps == "" ? "" : " ") $j
         printf "Types: deb-src\nURIs: %s\nSuites: %s\nComponents: %s\n%s\n", $i, $(i + 1), comps, opts
       }' /etc/apt/sources.list
}

add_deb_src_entries() {
  echo "fetch-real-sources.sh: adding deb-src entries mirroring the configured deb ones ($SRC_LIST)"
  print_deb_src_entries > "$SRC_LIST.tmp"
  [ -s "$SRC_LIST.tmp" ] || { rm -f "$SRC_LIST.tmp"; die "no deb entries in /etc/apt/sources.list{,.d} to mirror as deb-src"; }
  mv "$SRC_LIST.tmp" "$SRC_LIST"
  apt-get update -qq || die "apt-get update failed (no network access to the Debian archive?)"
}

# Makes sure apt knows the source package NAME (any version).
ensure_deb_src() {
  apt-get source --print-uris "$1" >/dev/null 2>&1 && return 0
  if [ "$(id -u)" -ne 0 ]; then
    die "apt knows no source package $1: add deb-src entries (run this script as root once, or see docs/realprogs.md)"
  fi
  add_deb_src_entries
  apt-get source --print-uris "$1" >/dev/null 2>&1 ||
    die "no source package $1 in the configured Debian archives, even with deb-src entries"
}

# ---------------------------------------------------------------- fetch one
# Downloads NAME=VERSION into the folder WORK; prints apt's first error line
# and fails when it cannot.
download() { # NAME VERSION WORK
  rm -rf "$3" && mkdir -p "$3"
  if ! apt-get source --print-uris "$1=$2" >/dev/null 2>&1; then
    echo "version $2 is not in the configured archives (apt-cache showsrc $1 lists what is)"
    return 1
  fi
  if ! (cd "$3" && apt-get source --download-only "$1=$2" > apt.log 2>&1); then
    echo "could not download it (network access to the Debian archive?): $(grep -m1 '^E:' "$3/apt.log" || tail -n1 "$3/apt.log")"
    return 1
  fi
}

fetch() { # NAME ORIG_SHA256 VERSION...
  local name=$1 sha=$2 out=$DEST/$1 v
  shift 2
  local have
  have=$(cat "$out/.ct-version" 2>/dev/null || true)
  for v in "$@"; do [ "$have" = "$v" ] && return 0; done
  command -v dpkg-source >/dev/null || die "dpkg-source is missing: install dpkg-dev (make setup)"
  ensure_deb_src "$name"
  local work=$DEST/.dl-$name version="" why=""
  for v in "$@"; do
    echo "fetch-real-sources.sh: fetching $name $v"
    if why=$(download "$name" "$v" "$work"); then version=$v; break; fi
    echo "fetch-real-sources.sh: $name $v: $why"
  done
  [ -n "$version" ] || die "$name: none of the pinned versions ($*) could be fetched: $why"
  local dsc orig
  dsc=$(ls "$work"/*.dsc 2>/dev/null | head -n1)
  [ -n "$dsc" ] || die "apt-get source $name=$version gave no .dsc file"
  [ "$(sed -n 's/^Version: //p' "$dsc")" = "$version" ] ||
    die "$dsc is version $(sed -n 's/^Version: //p' "$dsc"), not the pinned $version"
  orig=$(ls "$work"/*.orig.tar.* 2>/dev/null | grep -v '\.asc$' | head -n1)
  [ -n "$orig" ] || die "apt-get source $name=$version gave no upstream tarball"
  [ "$(sha256sum "$orig" | cut -d' ' -f1)" = "$sha" ] ||
    die "$orig does not have the pinned SHA-256 $sha"
  # dpkg-source checks the tarballs against the checksums in the .dsc
  if ! (cd "$work" && dpkg-source -x --skip-patches "$(basename "$dsc")" src > dpkg-source.log 2>&1); then
    die "dpkg-source could not unpack $dsc (see $work/dpkg-source.log)"
  fi
  echo "$version" > "$work/src/.ct-version"
  rm -rf "$out" && mv "$work/src" "$out"
  rm -rf "$work"
}

if [ -n "${PRINT_DEB_SRC:-}" ]; then print_deb_src_entries; exit 0; fi

if [ ${#names[@]} -eq 0 ]; then
  for p in "${PINS[@]}"; do names+=("${p%% *}"); done
fi
# one run at a time (make -j runs one per package): apt-get update and the
# deb-src entries are shared
mkdir -p "$DEST"
exec 9> "$DEST/.lock"
flock 9
for n in "${names[@]}"; do
  pin=$(pin_of "$n")
  [ -n "$pin" ] || die "unknown source package '$n' (known: $(for p in "${PINS[@]}"; do printf '%s ' "${p%% *}"; done | sed 's/ $//'))"
  mkdir -p "$DEST"
  fetch $pin
done
