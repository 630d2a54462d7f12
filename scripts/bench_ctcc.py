#!/usr/bin/env python3
"""bench_ctcc: issue 10's speed figures (make bench-ctcc, part of make bench).

* simulated MIPS of each real program's callid build against its direct build
  (host CPU time of ctsim, --host-stats), with the C model and with the
  verilated RTL (targets: 0.9x and 0.5x of the direct build);
* the build time of Lua's 32 upstream files with scripts/ctcc (callid mode)
  against plain riscv64-unknown-elf-gcc, the same flags, one file at a time
  (target: at most 2x), as CPU time of the compiler processes, the two
  compilers taking turns file by file.

Prints figures only; asserts nothing (speed is a benchmark, never a test).
"""
import os
import re
import resource
import subprocess
import sys
import tempfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import ctrace  # noqa: E402

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
PROGS = ("lua", "zlib", "mbedtls")


def mips(ctsim, elf, xlat):
    p = subprocess.run([ctsim, "-q", "--host-stats", "--xlat", xlat, elf], capture_output=True,
                       text=True, stdin=subprocess.DEVNULL)
    m = re.search(r"([0-9.]+) MIPS", p.stderr)
    if p.returncode != 0 or not m:
        raise SystemExit(f"bench_ctcc: error: {elf} (--xlat {xlat}): {p.stderr.strip()[-200:]}")
    return float(m.group(1))


def children_cpu():
    r = resource.getrusage(resource.RUSAGE_CHILDREN)
    return r.ru_utime + r.ru_stime


def build_times(ccs, srcdir, files, flags, out):
    """CPU time of compiling every file with each compiler of ccs. The
    compilers take turns file by file, so a change of the machine's load
    during the run falls on all of them alike."""
    t = [0.0] * len(ccs)
    for f in files:
        for i, cc in enumerate(ccs):
            t0 = children_cpu()
            subprocess.run(cc + flags + ["-c", os.path.join(srcdir, f + ".c"), "-o",
                                         os.path.join(out, f"{f}.{i}.o")], check=True,
                           capture_output=True)
            t[i] += children_cpu() - t0
    return t


def main(argv=None):
    p = ctrace.OneLineParser(prog="bench_ctcc.py", description=__doc__.split("\n\n")[0])
    p.add_argument("--ctsim", default=os.path.join(ROOT, "build", "ctsim"))
    p.add_argument("--elf-dir", default=os.path.join(ROOT, "build", "realprog"))
    p.add_argument("--size", choices=("full", "small"), default="small")
    p.add_argument("--repeat", type=int, default=3, help="runs per figure; the best is kept")
    a = p.parse_args(argv)
    suf = "" if a.size == "full" else "-small"
    for xlat in ("c", "rtl"):
        for prog in PROGS:
            r = {}
            for mode in ("direct", "callid"):
                elf = os.path.join(a.elf_dir, mode, prog + suf + ".elf")
                r[mode] = max(mips(a.ctsim, elf, xlat) for _ in range(a.repeat))
            print(f"bench-ctcc: {prog}{suf} --xlat {xlat}: direct {r['direct']:.1f} MIPS, "
                  f"callid {r['callid']:.1f} MIPS, ratio {r['callid'] / r['direct']:.3f}")
    src = os.path.join(ROOT, "build", "realsrc", "lua5.4", "src")
    files = sorted(f[:-2] for f in os.listdir(src) if f.endswith(".c") and f not in ("lua.c", "luac.c"))
    flags = ["-march=rv32im", "-mabi=ilp32", "-misa-spec=2.2", "-O2", "-g", "-ffunction-sections",
             "-fdata-sections", "--specs=picolibc.specs", "-std=gnu99", "-DLUA_COMPAT_5_3"]
    gcc = ["riscv64-unknown-elf-gcc"]
    ctcc = [os.path.join(ROOT, "scripts", "ctcc"), "--ct-mode=callid"]
    with tempfile.TemporaryDirectory() as d:
        runs = [build_times([gcc, ctcc], src, files, flags, d) for _ in range(a.repeat)]
        tg = min(r[0] for r in runs)
        tc = min(r[1] for r in runs)
    print(f"bench-ctcc: Lua's {len(files)} files compiled: gcc {tg:.2f} s, ctcc {tc:.2f} s "
          f"(CPU time), ratio {tc / tg:.2f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
