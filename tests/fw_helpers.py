"""Helpers of the firmware tests (test_isa.py, test_firmware.py, test_qemu.py):
where the firmware ELFs are, and how to run one on build/ctsim and on QEMU.

The ELFs are built by `make firmware` (part of `make all`); ctsim by
`make build/ctsim`. A missing artefact fails the test with that command.
"""
import shutil
import subprocess

import pytest

from paths import BIN, ROOT

BUILD = ROOT / "build"
CTSIM = BIN / "ctsim"
FW = BUILD / "firmware"

# The ISA tests are the .S files of firmware/isa (the sources are the list, so a
# test whose ELF was not built fails instead of disappearing).
ISA_TESTS = sorted(p.stem for p in (ROOT / "firmware" / "isa").glob("*.S"))

# QEMU as an independent reference: the virt machine (same device addresses),
# a CPU with exactly RV32IM + Zicsr and M-mode only, so misa matches and
# 2-byte-aligned jump targets trap as they do without the C extension.
QEMU = "qemu-system-riscv32"
QEMU_CPU = "rv32,c=false,f=false,d=false,a=true,s=false,u=false,h=false"
# Deterministic QEMU: with -icount every instruction advances the virtual clock
# by 2^shift ns (shift=0: 1 ns, so mtime at 10 MHz ticks once per 100
# instructions) and sleep=off makes wfi jump to the next timer deadline instead
# of waiting in host time. Without it the timer follows the host clock and a
# loaded machine changes the results (the timer ISA test failed about 1 run in 8).
QEMU_ICOUNT = ["-icount", "shift=0,sleep=off"]
QEMU_TIMEOUT = 60
CTSIM_TIMEOUT = 60
CTSIM_MAX_CYCLES = 2_000_000_000


def elf(*parts):
    """Path of a firmware ELF under build/firmware; fails if it is missing."""
    p = FW.joinpath(*parts)
    if not p.exists():
        pytest.fail(f"{p.relative_to(ROOT)} is missing: run `make firmware`")
    return p


def isa_elf(name):
    return elf("isa", f"{name}.elf")


def run_ctsim(path, *args, timeout=CTSIM_TIMEOUT):
    """Run an ELF on build/ctsim -q; returns the CompletedProcess (text)."""
    if not CTSIM.exists():
        pytest.fail("build/ctsim is missing: run `make build/ctsim`")
    cmd = [str(CTSIM), "-q", "--max-cycles", str(CTSIM_MAX_CYCLES), *args, str(path)]
    return subprocess.run(cmd, stdin=subprocess.DEVNULL, capture_output=True,
                          text=True, timeout=timeout)


def run_qemu(path, timeout=QEMU_TIMEOUT):
    """Run an ELF on qemu-system-riscv32 -machine virt with a virtual clock
    that counts instructions (QEMU_ICOUNT); the test finisher ends it with the
    program's exit code. Killed (SIGKILL) after `timeout` s."""
    if shutil.which(QEMU) is None:
        pytest.fail(f"{QEMU} is missing: run `make setup` (Debian qemu-system-misc)")
    cmd = [QEMU, "-machine", "virt", "-cpu", QEMU_CPU, "-m", "128M", "-bios", "none",
           *QEMU_ICOUNT, "-nographic", "-kernel", str(path)]
    try:
        return subprocess.run(cmd, stdin=subprocess.DEVNULL, capture_output=True,
                              text=True, timeout=timeout)
    except subprocess.TimeoutExpired:
        pytest.fail(f"QEMU did not finish {path.name} within {timeout} s")


def isa_verdict(name, proc):
    """A readable verdict of one ISA test run: the console line and status."""
    return f"{name}: exit status {proc.returncode}, console {proc.stdout!r}"
