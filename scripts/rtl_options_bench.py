#!/usr/bin/env python3
"""rtl_options_bench: what Verilator and C++ options do to the verilated RTL
backend's speed (make bench-rtl-options; docs/accelerator.md section 9).

Builds the default configuration once per variant with model/xlat_build.sh
(XLAT_VL_VFLAGS: extra Verilator options, XLAT_VL_CXXOPT: the model's C++
optimisation) under build/rtl-options/VARIANT, a project root of its own
(symbolic links to model/ and rtl/), and runs ctsim --xlat rtl on
tests/cycles/bench_callid.S's program there (CTSIM_ROOT). Prints per variant
the best simulated MIPS of --repeat runs (host CPU time, --host-stats), its
ratio to the C model's, and with --callgrind the host instructions per
accelerator cycle (callgrind: xlat_vl_step inclusive over its calls, on the
first --callgrind-cycles CPU cycles). The C model's runs alternate with the
variant's, so that a change of the machine's load falls on both alike.
Figures only; asserts nothing.
"""
import os
import re
import shutil
import subprocess
import sys
import tempfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import ctrace  # noqa: E402

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
NAME = "e64w4-lru-l12.10.10-wc0"
GEN = ["-GEntries=64", "-GWays=4", "-GPolicy=0", "-GLevels=3", "-GLevelBits0=12",
       "-GLevelBits1=10", "-GLevelBits2=10", "-GLevelBits3=0", "-GWalkCache=0",
       "-GLfsrSeed=44257"]

# name: (Verilator options, C++ optimisation or None for the default, environment)
VARIANTS = {
    "default": ("", None, {}),
    "plain-eval": ("", None, {"XLAT_VL_PLAIN": "1"}),
    "verilator-O3": ("-O3", None, {}),
    "x-assign-0": ("--x-assign 0 --x-initial 0", None, {}),
    "no-x-fast": ("--x-assign unique --x-initial unique", None, {}),
    "threads-1": ("--threads 1", None, {}),
    "output-split-0": ("--output-split 0 --output-split-cfuncs 0", None, {}),
    "no-inline": ("-fno-inline", None, {}),
    "no-dfg": ("-fno-dfg", None, {}),
    "no-assert": ("--no-assert", None, {}),
    "cxx-O3": ("", "-O3 -flto", {}),
    "cxx-O2-no-lto": ("", "-O2", {}),
}


def build(variant, vflags, cxxopt, log):
    """The variant's project root with its library built; None on failure."""
    vroot = os.path.join(ROOT, "build", "rtl-options", variant)
    os.makedirs(os.path.join(vroot, "build", "xlat-rtl"), exist_ok=True)
    for d in ("model", "rtl"):
        link = os.path.join(vroot, d)
        if not os.path.islink(link):
            os.symlink(os.path.join(ROOT, d), link)
    env = dict(os.environ, XLAT_VL_VFLAGS=vflags)
    if cxxopt:
        env["XLAT_VL_CXXOPT"] = cxxopt
    with open(log, "w") as f:
        r = subprocess.run(["sh", os.path.join(ROOT, "model", "xlat_build.sh"), vroot, NAME] + GEN,
                           env=env, stdout=f, stderr=subprocess.STDOUT)
    return vroot if r.returncode == 0 else None


def mips(ctsim, elf, xlat, env):
    p = subprocess.run([ctsim, "-q", "--host-stats", "--xlat", xlat, elf], capture_output=True,
                       text=True, stdin=subprocess.DEVNULL, env=env)
    m = re.search(r"([0-9.]+) MIPS", p.stderr)
    if p.returncode != 0 or not m:
        raise SystemExit(f"rtl_options_bench: error: --xlat {xlat}: {p.stderr.strip()[-200:]}")
    return float(m.group(1))


def per_cycle(ctsim, elf, env, cycles):
    """Host instructions per accelerator cycle (callgrind): xlat_vl_step's and
    xlat_vl_hit's (xlat_hit's shortcut, most of this program's cycles)
    inclusive counts over their calls, or None."""
    if not shutil.which("valgrind") or not shutil.which("callgrind_annotate"):
        return None
    with tempfile.TemporaryDirectory() as d:
        out = os.path.join(d, "cg.out")
        subprocess.run(["valgrind", "--tool=callgrind", f"--callgrind-out-file={out}", ctsim, "-q",
                        "--xlat", "rtl", "--max-cycles", str(cycles), elf],
                       capture_output=True, env=env, stdin=subprocess.DEVNULL)
        a = subprocess.run(["callgrind_annotate", "--tree=caller", "--inclusive=yes",
                            "--threshold=100", out], capture_output=True, text=True).stdout
    ins = calls = 0
    for fn in ("xlat_vl_step", "xlat_vl_hit"):
        # the callers' lines ("< caller (Nx)"), then the function's own ("*")
        m = re.search(r"((?:^ *[0-9,]+ \([ 0-9.]+%\) +< .*\n)+)^ *([0-9,]+) \([ 0-9.]+%\) +\* +"
                      r"\?\?\?:" + fn + " ", a, re.M)
        if m:
            ins += int(m.group(2).replace(",", ""))
            calls += sum(int(n.replace(",", "")) for n in re.findall(r"\(([0-9,]+)x\)", m.group(1)))
    return ins / calls if calls else None


def main(argv=None):
    p = ctrace.OneLineParser(prog="rtl_options_bench.py", description=__doc__.split("\n\n")[0])
    p.add_argument("--ctsim", default=os.path.join(ROOT, "build", "ctsim"))
    p.add_argument("--elf", default=os.path.join(ROOT, "build", "cycles", "bench_callid.elf"))
    p.add_argument("--repeat", type=int, default=3, help="runs per figure; the best is kept")
    p.add_argument("--callgrind", action="store_true", help="also count host instructions per cycle")
    p.add_argument("--callgrind-cycles", type=int, default=2000000)
    p.add_argument("variants", nargs="*", help=f"of: {', '.join(VARIANTS)} (default all)")
    a = p.parse_args(argv)
    for v in a.variants:
        if v not in VARIANTS:
            p.error(f"unknown variant {v!r}")
    for f in (a.ctsim, a.elf):
        if not os.path.exists(f):
            p.error(f"{f} does not exist (make all)")
    print(f"rtl-options: {os.path.relpath(a.elf, ROOT)}, configuration {NAME}")
    for v in a.variants or VARIANTS:
        vflags, cxxopt, extra = VARIANTS[v]
        log = os.path.join(ROOT, "build", "rtl-options", v + ".log")
        os.makedirs(os.path.dirname(log), exist_ok=True)
        vroot = build(v, vflags, cxxopt, log)
        if not vroot:
            print(f"rtl-options: {v:15s} build failed, see {os.path.relpath(log, ROOT)}")
            continue
        env = dict(os.environ, CTSIM_ROOT=vroot, **extra)
        c = r = 0.0
        for _ in range(a.repeat):
            c = max(c, mips(a.ctsim, a.elf, "c", dict(os.environ)))
            r = max(r, mips(a.ctsim, a.elf, "rtl", env))
        ipc = per_cycle(a.ctsim, a.elf, env, a.callgrind_cycles) if a.callgrind else None
        ins = f", {ipc:.0f} host instructions per accelerator cycle" if ipc else ""
        print(f"rtl-options: {v:15s} RTL {r:6.1f} MIPS, C {c:6.1f} MIPS, RTL/C {r / c:.3f}{ins}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
