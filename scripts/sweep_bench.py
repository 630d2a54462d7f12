#!/usr/bin/env python3
"""sweep_bench: the sweep benchmark of `make bench` (docs/sweeps.md): a
1056-point sweep (CTLB entries 1..1024, every number of ways up to the entries,
4 policies, 4 memory latencies) over a 1.5 M-call trace made of real programs'
calls, once grouped (one-pass LRU, derived latencies: the default) and once
with one cttrace run per point (--per-point); prints both times and the
speed-up, and fails if the two CSVs differ.

The trace, build/bench/real-1.5M.ctb, is the four traces of traces/real/ one
after the other, four times over, each program's IDs moved to a range of its own
(program k's ID i becomes k * 4096 + i, as four programs in one ID space):
1,549,224 calls of 1665 functions.
"""
import argparse
import os
import subprocess
import sys
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, os.path.join(ROOT, "scripts"))
import ctrace  # noqa: E402

REAL = ["lua-sort", "lua-objects", "sqlite3-libcalls", "convert-libcalls"]
LATS = [1, 2, 5, 10]


def make_trace(path):
    parts = [list(ctrace.read_events(os.path.join(ROOT, "traces", "real", f"{n}.ct.gz")))
             for n in REAL]
    events = []
    for _ in range(4):
        for k, evs in enumerate(parts):
            events += [(kind, k * 4096 + a, b) for kind, a, b in evs]
    ctrace.write_trace(path, events, fmt="binary", compress=False)
    return len(events)


def config(trace):
    lines = ["description: make bench (scripts/sweep_bench.py)", "traces:",
             f"  real: {trace}", "grids:"]
    for k in range(11):
        e = 1 << k
        lines += [f"  - name: e{e}", f"    ctlb_entries: {e}",
                  f"    ctlb_ways: {[1 << j for j in range(k + 1)]}",
                  "    ctlb_policy: [lru, plru, fifo, random]", f"    dmem_lat: {LATS}"]
    return "\n".join(lines) + "\n"


def main(argv=None):
    p = ctrace.OneLineParser(prog="sweep_bench.py", description=__doc__,
                             formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("-j", "--jobs", type=int, required=True, help="parallel runs (make bench: 2)")
    p.add_argument("--work", default=os.path.join(ROOT, "build", "bench"),
                   help="work directory (default build/bench)")
    a = p.parse_args(argv)
    os.makedirs(a.work, exist_ok=True)
    trace = os.path.join(a.work, "real-1.5M.ctb")
    if not os.path.exists(trace):
        make_trace(trace)
    cfg = os.path.join(a.work, "sweep-bench.yaml")
    with open(cfg, "w", encoding="utf-8") as f:
        f.write(config(trace))
    times = {}
    for mode, extra in (("grouped", []), ("per-point", ["--per-point"])):
        out = os.path.join(a.work, f"sweep-bench-{mode}.csv")
        t0 = time.monotonic()
        r = subprocess.run([sys.executable, os.path.join(ROOT, "scripts", "sweep.py"), cfg,
                            "-o", out, "-j", str(a.jobs), "-q", "--fresh"] + extra)
        times[mode] = time.monotonic() - t0
        if r.returncode:
            print(f"bench-sweep: the {mode} sweep failed", file=sys.stderr)
            return 1
    with open(os.path.join(a.work, "sweep-bench-grouped.csv"), "rb") as f:
        g = f.read()
    with open(os.path.join(a.work, "sweep-bench-per-point.csv"), "rb") as f:
        pp = f.read()
    npts = g.count(b"\n") - 1
    if g != pp:
        print("bench-sweep: the grouped and the per-point CSVs differ", file=sys.stderr)
        return 1
    print(f"bench-sweep: {npts} points over {trace} ({a.jobs} jobs): grouped "
          f"{times['grouped']:.1f} s, one cttrace run per point {times['per-point']:.1f} s, "
          f"speed-up {times['per-point'] / times['grouped']:.1f}x; identical CSVs")
    return 0


if __name__ == "__main__":
    sys.exit(ctrace.run_main("sweep_bench.py", main))
