#!/usr/bin/env python3
"""payoff: does the call-ID hardware pay off in real programs? (docs/payoff.md)

For each real program (build/realprog/MODE/NAME.elf, built by `make realprogs`
in every lowering mode of scripts/ctcc), this

1. runs every mode on ctsim at data-memory latencies 1, 3 and 10 (whole-program
   cycles, instructions, CPI; the outputs of all modes must be identical);
2. records the program's call-ID trace from its callid run (ctsim
   --record-trace) and sweeps CTLB configurations over it with scripts/sweep.py
   (entries x ways x policy, table levels, walk cache);
3. predicts the callid build's whole-program cycles for every configuration
   and latency with the trace-level cost model

       cycles(callid) = cycles(direct, L) + 2 x calls + walk_cycles(config, L)

   (a CTLB hit costs 2 cycles more than the direct `jal`: the `li` of the ID and
   callid's redirect in EX, docs/ctcc.md; a miss stalls EX for the walk, whose
   cycles cttrace counts: mem_reads x (1 + L) + walk-cache hits + misses,
   docs/accelerator.md section 4), checks the prediction against CPU runs of
   the callid build at a set of configurations, and states the error;
4. finds the break-even points against the jump table, the flat table and the
   trampoline (measured), and writes docs/payoff.md with tables and plots.

Results of runs are kept in --work (one JSON file per run, named by its
arguments and by the contents of the ELF and of the simulator binary it ran
on; the sweep's CSV by its configuration, the traces and cttrace), so an
interrupted study resumes where it stopped, and a rebuilt program or
simulator is run again rather than answered from an older run.
"""
import argparse
import concurrent.futures
import hashlib
import json
import os
import subprocess
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import ctrace  # noqa: E402
import xlatcfg  # noqa: E402

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
MODES = ("direct", "callid", "jumptable", "flat", "trampoline")
TABLE_MODES = ("jumptable", "flat", "trampoline")
LATS = (1, 3, 10)
HIT_EXTRA = 2  # cycles a CTLB hit costs more than jal (docs/ctcc.md, "Modes")
ENTRIES = (8, 16, 32, 64, 128, 256)
WAYS = (1, 2, 4, "full")
POLICIES = ("lru", "plru", "fifo", "random")
# the callid builds use IDs 1..N < 1024: one level of 10 bits covers them
LEVELS = {1: "10", 2: "5,5", 3: "12,10,10"}
WALK_CACHE = (0, 8)
DEFAULT_POINT = {"entries": 64, "ways": 4, "policy": "lru", "levels": 3, "wc": 0}
# CPU runs of the callid build that check the model (levels 3: the build's geometry)
CHECK_POINTS = [{"entries": e, "ways": w, "policy": p, "levels": 3, "wc": wc}
                for e, w, p, wc in ((8, 1, "lru", 0), (16, 4, "fifo", 0), (64, 4, "lru", 0),
                                    (32, "full", "random", 8), (256, 4, "plru", 8))]


class PayoffError(Exception):
    pass


def log(args, msg):
    if not args.quiet:
        print(f"payoff: {msg}", file=sys.stderr, flush=True)


_SHA = {}


def file_tag(path):
    """12 hex digits of the sha256 of a file's contents (memoized per run)."""
    if path not in _SHA:
        h = hashlib.sha256()
        with open(path, "rb") as f:
            for block in iter(lambda: f.read(1 << 20), b""):
                h.update(block)
        _SHA[path] = h.hexdigest()[:12]
    return _SHA[path]


def run_json(cmd, key, work, timeout):
    """Runs a tool that writes --stats-json; the result cached under work/key."""
    path = os.path.join(work, key + ".json")
    if os.path.exists(path):
        with open(path) as f:
            return json.load(f)
    tmp = path + ".part"
    p = subprocess.run(cmd + ["--stats-json", tmp], capture_output=True, text=True,
                       timeout=timeout, stdin=subprocess.DEVNULL)
    if p.returncode != 0:
        msg = (p.stderr.strip().splitlines() or ["failed"])[-1]
        raise PayoffError(f"{' '.join(cmd[-1:])}: exit {p.returncode}: {msg}")
    with open(tmp) as f:
        d = json.load(f)
    d["_stdout_sha"] = hashlib.sha256(p.stdout.encode()).hexdigest()
    ctrace.atomic_write(path, json.dumps(d, sort_keys=True).encode())
    os.unlink(tmp)
    return d


def ctsim_cmd(args, elf, *extra):
    return [args.ctsim, "-q", "--max-cycles", str(args.max_cycles), *extra, elf]


def run_key(args, name, elf):
    """The cache name of a ctsim run: what it is, then the ELF and ctsim it used."""
    return f"{name}-{file_tag(elf)}-{file_tag(args.ctsim)}"


def cpu_runs(args, progs):
    """{(prog, mode, lat): stats} and {(prog, check point index): stats}."""
    jobs = {}
    for prog in progs:
        for mode in MODES:
            for lat in LATS:
                elf = elf_path(args, prog, mode)
                jobs[(prog, mode, lat)] = (ctsim_cmd(args, elf, "--dmem-lat", str(lat)),
                                           run_key(args, f"cpu-{prog}-{mode}-l{lat}", elf))
        for i, pt in enumerate(CHECK_POINTS):
            for lat in (1, 10):
                opts = point_options(pt, lat)
                elf = elf_path(args, prog, "callid")
                jobs[(prog, "check", i, lat)] = (
                    ctsim_cmd(args, elf, *opts), run_key(args, f"check-{prog}-{i}-l{lat}", elf))
        for mode in MODES:  # the fingerprint (docs/payoff.md) of the small builds
            elf = elf_path(args, prog, mode, "-small")
            jobs[(prog, "small", mode)] = (ctsim_cmd(args, elf),
                                           run_key(args, f"small-{prog}-{mode}", elf))
        elf = elf_path(args, prog, "callid")
        jobs[(prog, "trace")] = (ctsim_cmd(args, elf, "--record-trace", trace_path(args, prog)),
                                 run_key(args, f"trace-{prog}", elf))
    out = {}
    done = 0
    with concurrent.futures.ThreadPoolExecutor(max_workers=args.jobs) as ex:
        futs = {ex.submit(run_json, cmd, key, args.work, args.timeout): k
                for k, (cmd, key) in jobs.items()}
        for f in concurrent.futures.as_completed(futs):
            out[futs[f]] = f.result()
            done += 1
            if done % 10 == 0 or done == len(jobs):
                log(args, f"CPU runs {done}/{len(jobs)}")
    for prog in progs:
        shas = {out[(prog, m, lat)]["_stdout_sha"] for m in MODES for lat in LATS}
        if len(shas) != 1:
            raise PayoffError(f"{prog}: the modes do not print the same output")
        for m in MODES:
            for lat in LATS:
                st = out[(prog, m, lat)]["exit"]
                if st.get("status") != 0:
                    raise PayoffError(f"{prog} ({m}, --dmem-lat {lat}): exit status {st}")
    return out


def trace_path(args, prog):
    """The call-ID trace of prog's callid run (named like its run)."""
    elf = elf_path(args, prog, "callid")
    return os.path.join(args.work, f"{prog}-{file_tag(elf)}-{file_tag(args.ctsim)}.ctb")


def elf_path(args, prog, mode, suffix=None):
    p = os.path.join(args.elf_dir, mode, prog + (args.suffix if suffix is None else suffix) + ".elf")
    if not os.path.exists(p):
        raise PayoffError(f"{p} is missing: run `make realprogs` first")
    return p


def point_options(pt, lat):
    ways = pt["entries"] if pt["ways"] == "full" else pt["ways"]
    return ["--ctlb-entries", str(pt["entries"]), "--ctlb-ways", str(ways),
            "--ctlb-policy", pt["policy"], "--ctlb-levels", LEVELS[pt["levels"]],
            "--walk-cache", str(pt["wc"]), "--dmem-lat", str(lat)]


def sweep(args, progs):
    """The CTLB grid over each program's trace (scripts/sweep.py; it derives
    other latencies and geometries from one run where theory allows);
    {(prog, entries, ways, policy, levels, wc): row}."""
    cfg = {"description": "payoff.py: CTLB grid over the real programs' call-ID traces",
           "traces": {p: trace_path(args, p) for p in progs},
           "grids": [{"name": "payoff",
                      "ctlb_entries": list(ENTRIES), "ctlb_ways": list(WAYS),
                      "ctlb_policy": list(POLICIES),
                      "ctlb_levels": [LEVELS[k] for k in sorted(LEVELS)],
                      "walk_cache": list(WALK_CACHE), "dmem_lat": list(LATS)}]}
    text = json.dumps(cfg, indent=1).encode()  # JSON is YAML
    tag = hashlib.sha256(text + file_tag(args.cttrace).encode()).hexdigest()[:12]
    ycfg = os.path.join(args.work, f"sweep-{tag}.yaml")
    ctrace.atomic_write(ycfg, text)
    csv_path = os.path.join(args.work, f"sweep-{tag}.csv")
    if not os.path.exists(csv_path):
        cmd = [sys.executable, os.path.join(ROOT, "scripts", "sweep.py"), ycfg, "-o", csv_path,
               "-j", str(args.jobs), "--cttrace", args.cttrace]
        if args.quiet:
            cmd.append("-q")
        p = subprocess.run(cmd, timeout=args.timeout * 20)
        if p.returncode != 0:
            raise PayoffError("sweep.py failed")
    import csv
    levels_of = {v: k for k, v in LEVELS.items()}
    out = {}
    with open(csv_path) as f:
        for r in csv.DictReader(f):
            ways = int(r["ways"])
            e = int(r["entries"])
            lv = levels_of[r["level_bits"].replace(".", ",")]
            key = (r["trace"], e, "full" if ways == e and e > 4 else ways, r["policy"], lv,
                   int(r["walk_cache"]), int(r["mem_lat"]))
            out[key] = r
    return out


# ------------------------------------------------------------------ the model

def walk_cycles(row):
    return int(row["walk_cycles"])


def grid_row(grid, prog, pt, lat):
    ways = pt["ways"]
    if ways != "full" and ways >= pt["entries"] and pt["entries"] > 4:
        ways = "full"
    return grid.get((prog, pt["entries"], ways, pt["policy"], pt["levels"], pt["wc"], lat))


def predict(cpu, grid, prog, pt, lat, calls):
    """The model's whole-program cycles of the callid build."""
    row = grid_row(grid, prog, pt, lat)
    if row is None:
        return None
    return cpu[(prog, "direct", lat)]["cycles"] + HIT_EXTRA * calls + walk_cycles(row)


TABLE_EXTRA = {"jumptable": lambda L: 3 + L, "flat": lambda L: 2 + L,
               "trampoline": lambda L: 5 + L}  # docs/ctcc.md, "Modes"


def analyse(progs, cpu, grid):
    study = {}
    for prog in progs:
        s = study[prog] = {}
        calls = cpu[(prog, "callid", 1)]["ctlb"]["callids"]
        s["calls"] = calls
        s["fingerprint"] = {m: cpu[(prog, "small", m)]["cycles"] for m in MODES}
        s["modes"] = {(m, lat): cpu[(prog, m, lat)] for m in MODES for lat in LATS}
        # the model against CPU runs of the callid build
        checks = []
        for i, pt in enumerate(CHECK_POINTS):
            for lat in (1, 10):
                meas = cpu[(prog, "check", i, lat)]["cycles"]
                pred = predict(cpu, grid, prog, pt, lat, calls)
                checks.append((pt, lat, pred, meas))
        for lat in LATS:
            meas = cpu[(prog, "callid", lat)]["cycles"]
            checks.append((DEFAULT_POINT, lat, predict(cpu, grid, prog, DEFAULT_POINT, lat, calls),
                           meas))
        for m in TABLE_MODES:
            for lat in LATS:
                pred = cpu[(prog, "direct", lat)]["cycles"] + TABLE_EXTRA[m](lat) * calls
                checks.append(({"mode": m}, lat, pred, cpu[(prog, m, lat)]["cycles"]))
        s["checks"] = checks
        s["max_err"] = max(abs(p - m) / m for _, _, p, m in checks)
        # the callid build's predicted cycles over the grid
        s["grid"] = {k[1:]: grid[k] for k in grid if k[0] == prog}
        # break-even: the smallest CTLB (4-way LRU, 3 levels, no walk cache) at
        # which callid costs no more than each table mechanism, per latency
        be = {}
        for lat in LATS:
            for m in TABLE_MODES:
                other = cpu[(prog, m, lat)]["cycles"]
                hit = None
                for e in ENTRIES:
                    pt = dict(DEFAULT_POINT, entries=e)
                    pr = predict(cpu, grid, prog, pt, lat, calls)
                    if pr is not None and pr <= other:
                        hit = (e, pr, other)
                        break
                be[(lat, m)] = hit
        s["breakeven"] = be
    return study


def pct(a, b):
    return 100.0 * (a - b) / b


def f2(x):
    return f"{x:.2f}"


PAYOFF_INPUTS = ["scripts/payoff.py", "scripts/ctcc", "scripts/sweep.py", "scripts/plots.py",
                 "firmware/common/ctcc_rt.c", "firmware/common/callid.c",
                 "scripts/ctable.py", "model/ctable.h", "firmware/common/ctable.h",
                 "firmware/realprog/*/*", "firmware/realprog/*/*/*", "firmware/realprog/*.mk", "scripts/fetch-real-sources.sh",
                 "scripts/report.mk"]


def plot(args, progs, study, outdir):
    import plots
    import matplotlib.pyplot as plt
    plots._setup()
    pngs = {}
    colors = {1: "tab:blue", 3: "tab:orange", 10: "tab:red"}
    for prog in progs:
        s = study[prog]
        fig, ax = plt.subplots(figsize=(6.4, 3.6))
        for lat in LATS:
            d = s["modes"][("direct", lat)]["cycles"]
            ys = []
            for e in ENTRIES:
                r = s["grid"].get((e, 4, "lru", 3, 0, lat))
                ys.append(pct(d + HIT_EXTRA * s["calls"] + walk_cycles(r), d) if r else float("nan"))
            ax.plot(ENTRIES, ys, marker="o", color=colors[lat], label=f"callid, latency {lat}")
            for m, ls in zip(TABLE_MODES, (":", "--", "-.")):
                ax.axhline(pct(s["modes"][(m, lat)]["cycles"], d), color=colors[lat],
                           linestyle=ls, linewidth=1,
                           label=f"{m}, latency {lat}" if lat == LATS[0] else None)
        ax.set_xscale("log", base=2)
        ax.set_xticks(ENTRIES)
        ax.set_xticklabels([str(e) for e in ENTRIES])
        ax.set_xlabel("CTLB entries (4-way LRU, 3 levels, no walk cache)")
        ax.set_ylabel("cycles over direct calls (%)")
        ax.set_title(f"{prog}: whole-program overhead by mechanism")
        ax.legend(fontsize=7, ncol=2)
        path = os.path.join(outdir, f"{prog}-overhead.png")
        plots.save_png(fig, path)
        pngs[prog] = path
    fig, ax = plt.subplots(figsize=(6.4, 3.6))
    for prog, mk in zip(progs, "os^v"):
        for ways, ls in ((1, ":"), (4, "-"), ("full", "--")):
            ys = []
            for e in ENTRIES:
                r = study[prog]["grid"].get((e, ways, "lru", 3, 0, 1))
                ys.append(float(r["hit_rate"]) if r else float("nan"))
            ax.plot(ENTRIES, ys, marker=mk, linestyle=ls, label=f"{prog}, {ways}-way" if ways != "full"
                    else f"{prog}, fully assoc.")
    ax.set_xscale("log", base=2)
    ax.set_xticks(ENTRIES)
    ax.set_xticklabels([str(e) for e in ENTRIES])
    ax.set_xlabel("CTLB entries (LRU)")
    ax.set_ylabel("hit rate")
    ax.set_title("CTLB hit rate of the real programs' calls")
    ax.legend(fontsize=7, ncol=2)
    pngs["hitrate"] = os.path.join(outdir, "hitrate.png")
    plots.save_png(fig, pngs["hitrate"])
    return pngs


def verdict(prog, s):
    """One plain sentence: does callid pay off for this program?"""
    d1 = s["modes"][("direct", 1)]["cycles"]
    r = s["grid"].get((64, 4, "lru", 3, 0, 1))
    cid = pct(d1 + HIT_EXTRA * s["calls"] + walk_cycles(r), d1)
    others = {m: pct(s["modes"][(m, 1)]["cycles"], d1) for m in TABLE_MODES}
    best = min(others, key=others.get)
    be10 = s["breakeven"][(10, best)]
    if cid <= others[best]:
        head = (f"yes: with a 64-entry 4-way CTLB, calling every function by ID costs {cid:.1f} % "
                f"more cycles than direct calls at memory latency 1, less than the cheapest "
                f"software mechanism that can be patched ({best}, {others[best]:.1f} %)")
    else:
        head = (f"not at 64 entries: callid costs {cid:.1f} % over direct calls at memory "
                f"latency 1, more than {best} ({others[best]:.1f} %)")
    tail = (f"; at latency 10 it beats {best} from {be10[0]} entries on" if be10 else
            f"; at latency 10 no CTLB up to 256 entries beats {best}")
    return f"**{prog}**: {head}{tail}."


def write_report(args, progs, study):
    import inputs_hash
    outdir = os.path.join(os.path.dirname(os.path.abspath(args.output)), "payoff")
    os.makedirs(outdir, exist_ok=True)
    pngs = plot(args, progs, study, outdir)
    L = []
    a = L.append
    a("# Does the call-ID hardware pay off? Real programs, every call by ID")
    a("")
    cmd = "make payoff" + (" PAYOFF_SIZE=small" if args.size == "small" else "")
    a(f"Generated by `{cmd}` (scripts/payoff.py; do not edit). Each program is a real "
      "code base built from its Debian source package without changes to its sources "
      "([realprogs.md](realprogs.md)), compiled by [ctcc](ctcc.md) once per call mechanism, "
      f"and run whole on ctsim at size `{args.size}`. All modes print the same output "
      "(payoff.py checks it).")
    a("")
    a("Cycles per call, in every document of the project, are the cycles the call sequence "
      "costs the CPU, from its first instruction entering EX to the callee's first "
      "instruction entering EX; the callee's return is not included "
      "([timing.md](timing.md), \"Cycles per call\").")
    a("")
    a("## The answer")
    a("")
    for prog in progs:
        a(verdict(prog, study[prog]))
        a("")
    a("## Whole-program cost of each mechanism")
    a("")
    for prog in progs:
        s = study[prog]
        a(f"**{prog}**: {s['calls']} calls by ID in the callid run.")
        a("")
        a("| mode | cycles (lat 1) | instructions | CPI | over direct, lat 1 | lat 3 | lat 10 |")
        a("|---|---|---|---|---|---|---|")
        for m in MODES:
            r1 = s["modes"][(m, 1)]
            cells = [m, str(r1["cycles"]), str(r1["instructions"]), f"{r1['cpi']:.4f}"]
            for lat in LATS:
                cells.append(f"{pct(s['modes'][(m, lat)]['cycles'], s['modes'][('direct', lat)]['cycles']):+.2f} %")
            a("| " + " | ".join(cells) + " |")
        a("")
        a(f"![{prog} overhead](payoff/{os.path.basename(pngs[prog])})")
        a("")
    a("callid's row is the default CTLB (64 entries, 4 ways, LRU, 3 levels, no walk cache); "
      "the plots show the model's callid overhead for other CTLB sizes (lines) against the "
      "measured software mechanisms (horizontal lines).")
    a("")
    a("## The trace-level cost model and its check")
    a("")
    a("cycles(callid, config, L) = cycles(direct, L) + 2 x calls + walk cycles(config, L), "
      "the walk cycles from cttrace over the callid run's recorded call-ID trace; "
      "cycles(table mode, L) = cycles(direct, L) + k(L) x calls with k = 3 + L (jump table), "
      "2 + L (flat), 5 + L (trampoline). Predicted against CPU runs:")
    a("")
    a("| program | configuration | latency | predicted | measured | error |")
    a("|---|---|---|---|---|---|")
    worst = 0.0
    for prog in progs:
        for pt, lat, pr, me in study[prog]["checks"]:
            ways = "fully assoc." if pt.get("ways") == "full" else f"{pt.get('ways')}-way"
            name = pt.get("mode") or (f"callid e{pt['entries']} {ways} {pt['policy']} "
                                      f"{pt['levels']} levels wc{pt['wc']}")
            err = pct(pr, me)
            worst = max(worst, abs(err))
            a(f"| {prog} | {name} | {lat} | {pr} | {me} | {err:+.3f} % |")
    a("")
    a(f"The model is within {worst:.3f} % of every CPU run above.")
    a("")
    a("## The CTLB sweep (callid)")
    a("")
    for prog in progs:
        g = study[prog]["grid"]
        a(f"**{prog}**: hit rate (LRU) by entries and ways; policies at 4 ways")
        a("")
        a("| entries | " + " | ".join(f"{w}-way" if w != "full" else "full" for w in WAYS) +
          " | " + " | ".join(f"4-way {p}" for p in POLICIES[1:]) + " |")
        a("|---|" + "---|" * (len(WAYS) + len(POLICIES) - 1))
        for e in ENTRIES:
            cells = [str(e)]
            for w in WAYS:
                r = g.get((e, w, "lru", 3, 0, 1))
                cells.append(f"{float(r['hit_rate']):.4f}" if r else "-")
            for pol in POLICIES[1:]:
                r = g.get((e, 4, pol, 3, 0, 1))
                cells.append(f"{float(r['hit_rate']):.4f}" if r else "-")
            a("| " + " | ".join(cells) + " |")
        a("")
        a(f"**{prog}**: cycles lost to misses (walk cycles; 64 entries, 4-way LRU) and their "
          "share of the direct build's cycles")
        a("")
        a("| levels | walk cache | walks | lat 1 | lat 3 | lat 10 |")
        a("|---|---|---|---|---|---|")
        for lv in sorted(LEVELS):
            for wc in WALK_CACHE:
                cells = [str(lv), str(wc)]
                r1 = g.get((64, 4, "lru", lv, wc, 1))
                cells.append(r1["misses"] if r1 else "-")
                for lat in LATS:
                    r = g.get((64, 4, "lru", lv, wc, lat))
                    d = study[prog]["modes"][("direct", lat)]["cycles"]
                    cells.append(f"{walk_cycles(r)} ({100.0 * walk_cycles(r) / d:.2f} %)" if r else "-")
                a("| " + " | ".join(cells) + " |")
        a("")
    a(f"![hit rate](payoff/{os.path.basename(pngs['hitrate'])})")
    a("")
    a("## Break-even")
    a("")
    a("The smallest CTLB (4-way LRU, 3 levels, no walk cache) at which the callid build "
      "needs no more cycles than each software mechanism, and the margin there:")
    a("")
    a("| program | latency | vs jumptable | vs flat | vs trampoline |")
    a("|---|---|---|---|---|")
    for prog in progs:
        for lat in LATS:
            cells = [prog, str(lat)]
            for m in TABLE_MODES:
                b = study[prog]["breakeven"][(lat, m)]
                cells.append(f"{b[0]} entries ({pct(b[1], b[2]):+.2f} %)" if b else "none up to 256")
            a("| " + " | ".join(cells) + " |")
    a("")
    a("## Fingerprint")
    a("")
    a("tests/test_payoff_fresh.py runs the small builds and compares their cycles with these "
      "(a change of the simulator or the programs that changes them needs `make payoff`):")
    a("")
    for prog in progs:
        fp = study[prog].get("fingerprint")
        if fp:
            a(f"- {prog}: " + ", ".join(f"{m} {fp[m]}" for m in MODES))
    a("")
    a(inputs_hash.line(inputs_hash.digest(ROOT, PAYOFF_INPUTS),
                       "scripts/payoff.py (PAYOFF_INPUTS)", "make payoff")
      .replace("tests/test_docs_fresh.py", "tests/test_payoff_fresh.py"))
    ctrace.atomic_write(args.output, ("\n".join(L) + "\n").encode())
    log(args, f"wrote {args.output} and {len(pngs)} plots in {outdir}")


def main(argv=None):
    p = ctrace.OneLineParser(prog="payoff.py", description=__doc__.split("\n\n")[0])
    p.add_argument("--programs", default="lua,zlib,mbedtls",
                   help="comma-separated program names (default lua,zlib,mbedtls)")
    p.add_argument("--size", choices=("full", "small"), default="full",
                   help="the programs' work size (default full; small: the test size)")
    p.add_argument("--elf-dir", default=os.path.join(ROOT, "build", "realprog"))
    p.add_argument("--work", default=os.path.join(ROOT, "build", "payoff"),
                   help="folder for the runs' results (kept: a rerun resumes)")
    p.add_argument("-o", "--output", default=os.path.join(ROOT, "docs", "payoff.md"))
    p.add_argument("-j", "--jobs", type=xlatcfg.int_arg(1), default=os.cpu_count() or 1)
    p.add_argument("--ctsim", default=os.path.join(ROOT, "build", "ctsim"))
    p.add_argument("--cttrace", default=os.path.join(ROOT, "build", "cttrace"))
    p.add_argument("--max-cycles", type=xlatcfg.int_arg(1), default=20_000_000_000)
    p.add_argument("--timeout", type=float, default=3600.0)
    p.add_argument("-q", "--quiet", action="store_true")
    args = p.parse_args(argv)
    args.suffix = "" if args.size == "full" else "-small"
    progs = [x for x in args.programs.split(",") if x]
    if not progs:
        p.error("--programs: no program named")
    os.makedirs(args.work, exist_ok=True)
    try:
        runs = cpu_runs(args, progs)
        grid = sweep(args, progs)
        study = analyse(progs, runs, grid)
        write_report(args, progs, study)
    except (PayoffError, OSError) as e:
        print(f"payoff.py: error: {e}", file=sys.stderr)
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(ctrace.run_main("payoff.py", main))
