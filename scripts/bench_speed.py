#!/usr/bin/env python3
"""bench_speed: ctsim's speed against QEMU TCG on the same ELFs (make bench-speed).

For each program, pair by pair in one run: ctsim (timing model on, --xlat c)
then qemu-system-riscv32 (plain TCG, no -icount) on the same ELF, the two
alternating, best of --repeat runs each. The time of a run is the CPU time
(user + system) of its process, start-up included, the same measure for both.
Simulated MIPS = instructions / CPU time; both use ctsim's count of retired
instructions, which is QEMU's too: the same program on the same input, and
the script checks that QEMU ends the run the same way (same console output,
same exit status). Prints figures only; asserts nothing (speed is a
benchmark, never a test).

The programs, one per kind of code (docs/realprogs.md):
  compute   mbedtls: digests, AES, bignum (multiplies, shifts, table loads)
  calls     lua: the Lua interpreter on 15 scripts (calls, indirect jumps)
  memory    zlib: deflate/inflate of 12 streams (byte loads and stores)
  kernels   bench: the project's compute kernels (firmware/bench/bench.c)
"""
import os
import re
import resource
import subprocess
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import ctrace  # noqa: E402

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
QEMU = "qemu-system-riscv32"
# the machine test_qemu.py compares against (tests/fw_helpers.py), without -icount
QEMU_ARGS = ["-machine", "virt", "-cpu", "rv32,c=false,f=false,d=false,a=true,s=false,u=false,h=false",
             "-m", "128M", "-bios", "none", "-nographic"]
# name -> (kind, what it is, ELF under build/ with {s}: "" or "-small")
PROGRAMS = {
    "mbedtls": ("compute", "mbedtls self tests: digests, AES, bignum",
                "realprog/direct/mbedtls{s}.elf"),
    "lua": ("calls", "the Lua interpreter on 15 scripts", "realprog/direct/lua{s}.elf"),
    "zlib": ("memory", "zlib deflate/inflate of 12 streams", "realprog/direct/zlib{s}.elf"),
    "bench": ("kernels", "the project's compute kernels", "firmware/bench/bench{s}.elf"),
}
SMALL = {"bench": "-short"}


def run_timed(cmd):
    """Runs cmd; returns (CompletedProcess, CPU seconds of the child)."""
    r0 = resource.getrusage(resource.RUSAGE_CHILDREN)
    p = subprocess.run(cmd, capture_output=True, text=True, stdin=subprocess.DEVNULL)
    r1 = resource.getrusage(resource.RUSAGE_CHILDREN)
    return p, (r1.ru_utime - r0.ru_utime) + (r1.ru_stime - r0.ru_stime)


def fail(msg):
    print(f"bench_speed.py: error: {msg}", file=sys.stderr)
    sys.exit(1)


def main(argv=None):
    p = ctrace.OneLineParser(prog="bench_speed.py", description=__doc__.split("\n\n")[0])
    p.add_argument("--ctsim", default=os.path.join(ROOT, "build", "ctsim"))
    p.add_argument("--qemu", default=QEMU, help=f"the QEMU binary (default {QEMU})")
    p.add_argument("--build", default=os.path.join(ROOT, "build"), help="the build directory")
    p.add_argument("--size", choices=("full", "small"), default="full",
                   help="full programs (default) or their small variants (seconds in all)")
    p.add_argument("--repeat", type=int, default=3, help="runs of each per figure; the best is kept")
    p.add_argument("--only", action="append", choices=sorted(PROGRAMS),
                   help="only this program (repeatable; default: all)")
    a = p.parse_args(argv)
    if a.repeat < 1:
        p.error(f"--repeat must be at least 1, not {a.repeat}")
    names = a.only or list(PROGRAMS)
    elfs = {}
    for n in names:
        s = "" if a.size == "full" else SMALL.get(n, "-small")
        elfs[n] = os.path.join(a.build, PROGRAMS[n][2].format(s=s))
        if not os.path.isfile(elfs[n]):
            fail(f"{elfs[n]} is missing: run `make all`")
    if not os.path.isfile(a.ctsim):
        fail(f"{a.ctsim} is missing: run `make all`")
    print(f"bench-speed: ctsim --xlat c (timing model on) vs {a.qemu} (TCG), CPU time, "
          f"best of {a.repeat}")
    for n in names:
        kind, what, _ = PROGRAMS[n]
        elf = elfs[n]
        best_c = best_q = None
        insns = None
        for _ in range(a.repeat):
            c, tc = run_timed([a.ctsim, "--xlat", "c", elf])
            m = re.search(r"^\s*instructions\s+(\d+)$", c.stderr, re.M)
            if not m:
                fail(f"ctsim on {elf}: exit status {c.returncode}, no instruction count: "
                     f"{c.stderr.strip()[-200:]}")
            if insns is not None and int(m.group(1)) != insns:
                fail(f"ctsim on {elf}: {m.group(1)} instructions, {insns} before")
            insns = int(m.group(1))
            try:
                q, tq = run_timed([a.qemu, *QEMU_ARGS, "-kernel", elf])
            except OSError as e:
                fail(f"cannot run {a.qemu}: {e.strerror}")
            if (q.returncode, q.stdout) != (c.returncode, c.stdout):
                fail(f"{elf}: QEMU ends differently (exit status {q.returncode}, "
                     f"ctsim {c.returncode}, console {'same' if q.stdout == c.stdout else 'differs'})")
            best_c = tc if best_c is None else min(best_c, tc)
            best_q = tq if best_q is None else min(best_q, tq)
        mc = insns / max(best_c, 1e-6) / 1e6
        mq = insns / max(best_q, 1e-6) / 1e6
        print(f"bench-speed: {kind:8s} {os.path.basename(elf)} ({what}): "
              f"{insns / 1e6:.1f} M instructions, ctsim {best_c:.2f} s {mc:.1f} MIPS, "
              f"QEMU {best_q:.2f} s {mq:.1f} MIPS, ctsim/QEMU {mc / mq:.3f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
