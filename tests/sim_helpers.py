"""Helpers of the ctsim tests (test_sim_*.py, test_cycles.py): assemble a small
program with the cross compiler and tests/cycles/link.ld, run build/ctsim on it.

`program(body)` wraps `body` like this (the wrapper's 4 instructions are part of
every hand-derived cycle count):

    _start: la   t6, tohost        # auipc + addi: 2 instructions
            <body>
    pass:   li   t5, 1             # 1 instruction
            sw   t5, 0(t6)         # 1 instruction: tohost = 1, exit status 0
    fail:   li   t5, 3             # (reached only by a failing check)
            sw   t5, 0(t6)         #  tohost = 3: exit status 1
            <extra>                # trap handlers etc.

So a body of n one-cycle instructions without stalls runs n + 4 instructions in
n + 8 cycles (docs/timing.md: n + 4 cycles for n instructions).
"""
import json
import pathlib
import subprocess

from paths import BIN, ROOT
CTSIM = BIN / "ctsim"
LINK = ROOT / "tests" / "cycles" / "link.ld"
CROSS_GCC = "riscv64-unknown-elf-gcc"
FLAGS = ["-march=rv32im", "-mabi=ilp32", "-misa-spec=2.2", "-nostdlib",
         "-nostartfiles", "-T", str(LINK)]

TOHOST_SECTION = """
  .section .tohost, "aw", @progbits
  .align 6
  .globl tohost
tohost: .dword 0
  .size tohost, 8
  .globl fromhost
fromhost: .dword 0
  .size fromhost, 8
"""


def ctsim():
    if not CTSIM.exists():
        raise AssertionError(f"{CTSIM} is missing: run `make build/ctsim` first")
    return CTSIM


def assemble(tmp_path, source, name="prog"):
    src = pathlib.Path(tmp_path) / f"{name}.S"
    elf = pathlib.Path(tmp_path) / f"{name}.elf"
    src.write_text(source)
    r = subprocess.run([CROSS_GCC, *FLAGS, "-o", str(elf), str(src)],
                       capture_output=True, text=True)
    assert r.returncode == 0, f"assembling {src} failed:\n{r.stderr}"
    return elf


def program(tmp_path, body, extra="", data="", name="prog", tohost=True):
    source = f"""
  .section .text.init
  .globl _start
_start:
  la   t6, tohost
{body}
pass:
  li   t5, 1
  sw   t5, 0(t6)
fail:
  li   t5, 3
  sw   t5, 0(t6)
{extra}
  .data
  .align 4
{data}
"""
    if tohost:
        source += TOHOST_SECTION
    return assemble(tmp_path, source, name)


def run(elf, *args, timeout=60):
    return subprocess.run([str(ctsim()), *map(str, args), str(elf)],
                          capture_output=True, text=True, timeout=timeout)


def run_stats(tmp_path, elf, *args):
    """Runs with --stats-json; returns (CompletedProcess, parsed JSON)."""
    out = pathlib.Path(tmp_path) / "stats.json"
    r = run(elf, "--stats-json", out, *args)
    assert out.exists(), f"no stats written: {r.stderr}"
    return r, json.loads(out.read_text())
