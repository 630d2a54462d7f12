#!/usr/bin/env python3
"""report: regenerates docs/report.md and its plots docs/report/*.png.

Steps: (1) scripts/sweep.py on the sweep configuration (default
scripts/sweeps/default.yaml) into build/report/sweep-NAME.csv; (2) the hit-rate
and miss-penalty plots (scripts/plots.py); (3) the call-mechanism comparison:
runs build/ctsim on build/firmware/cmpbench/cmpbench.elf if it exists and parses
its output into build/report/mechanisms.csv (or takes --mechanisms CSV); without
it the report says the plot is omitted; (4) the stack-distance cross-check of
every fully associative LRU point (scripts/stackdist.py); (5) the report.

Everything is produced under build/report/ first; docs/report/*.png and then
docs/report.md are replaced only when every step has succeeded, so a failure
leaves the committed report untouched (one-line error, exit status 2).
"""
import argparse
import csv
import os
import platform
import re
import shlex
import shutil
import subprocess
import sys
import tempfile
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, os.path.join(ROOT, "scripts"))
import ctrace  # noqa: E402
import inputs_hash  # noqa: E402
import plots  # noqa: E402
import sweep  # noqa: E402
import xlatcfg  # noqa: E402

# What determines docs/report.md and its plots, for its inputs hash
# (scripts/inputs_hash.py): the scripts of the pipeline, the Python packages,
# cttrace and the C model it runs (the RTL only has to agree with it, or the
# report fails), plus the sweep configuration and its trace files (added by
# report_inputs); with the comparison benchmark also the CPU simulator and the
# firmware it runs. Host facts (CPU, times) are not in the report: they go to
# stderr.
REPORT_INPUTS = ["scripts/report.py", "scripts/sweep.py", "scripts/plots.py",
                 "scripts/tracegen.py", "scripts/ctrace.py", "scripts/stackdist.py",
                 "scripts/inputs_hash.py", "scripts/report.mk", "requirements.txt",
                 "sim/trace/cttrace.c", "sim/trace/ctrace_read.c", "sim/trace/ctrace_read.h",
                 "model/xlat.c", "model/xlat.h", "model/xlat_c.c", "model/xlat_impl.h",
                 "model/ctable.h", "firmware/common/ctable.h", "scripts/ctable.py"]
CMPBENCH_INPUTS = ["sim/*.c", "sim/*.h", "firmware/cmpbench/*", "firmware/common/*",
                   "firmware/firmware.mk"]

MECH_ORDER = ["direct", "callid-hit", "callid-miss", "sw-table", "sw-two-level",
              "trampoline", "flat-table"]


class ReportError(Exception):
    pass


# ---------------------------------------------------------------- mechanisms
# Mechanism names of firmware/cmpbench (its `CMP mechanism=NAME ...` lines) and
# what each is; callid_miss_lN is one per number of table levels.
MECH_LABELS = {
    "direct": "direct call (jal)",
    "indirect": "indirect call (jalr through a register)",
    "callid_hit": "callid, CTLB hit",
    "callid_miss": "callid, CTLB miss",
    "jumptable": "software jump table (lw + jalr)",
    "flat_zcmt": "flat Zcmt-style table (entry fetched on every call)",
    "swwalk2": "software two-level table walk",
    "trampoline": "trampoline (call to a stub that jumps)",
    "trampoline_ld": "trampoline whose stub loads its target",
}
# (ELF name in the cmpbench directory, ctsim --ctlb-levels): as CMP_RUNS in
# firmware/cmpbench/program.mk; `make report` passes that list.
DEFAULT_CMP_RUNS = [("cmpbench.elf", "12,10,10"), ("cmpbench-l2.elf", "10,10"),
                    ("cmpbench-l1.elf", "10")]


def mech_label(name, levels=""):
    base = re.sub(r"_l[0-9]+$", "", name)
    lab = MECH_LABELS.get(base, name)
    if base == "callid_miss" and levels:
        lab += f", {levels} level{'s' if levels != '1' else ''}"
    return lab


def parse_cmpbench(text, where="cmpbench"):
    """The `CMP key=value ...` lines of the comparison benchmark's output
    (firmware/cmpbench/cmpbench.c) as [(mechanism, levels, cycles_per_call,
    with_ret)]: cycles per call as docs/timing.md defines it (the callee's ret
    not included) and with the ret; levels is kept only for the callid miss (it
    does not change the others). Other lines are ignored; a CMP line without
    mechanism or a numeric cycles_per_call or with_ret (an older benchmark,
    whose cycles_per_call included the ret) is a ReportError."""
    out = []
    for n, line in enumerate(text.splitlines(), 1):
        if not line.startswith("CMP "):
            continue
        kv = dict(t.split("=", 1) for t in line.split()[1:] if "=" in t)
        name = kv.get("mechanism")
        try:
            cyc = float(kv.get("cycles_per_call", ""))
            with_ret = float(kv.get("with_ret", ""))
        except ValueError:
            cyc = with_ret = None
        if not name or cyc is None:
            raise ReportError(f"report: {where}: output line {n}: malformed CMP line: {line}")
        levels = kv.get("levels", "") if name.startswith("callid_miss") else ""
        out.append((name, levels, cyc, with_ret))
    return out


def write_mech_csv(path, rows):
    with open(path, "w", newline="", encoding="utf-8") as f:
        w = csv.writer(f, lineterminator="\n")
        w.writerow(["mechanism", "levels", "cycles_per_call", "with_ret"])
        for m, lv, c, wr in rows:
            w.writerow([m, lv, f"{c:g}", "" if wr is None else f"{wr:g}"])


def run_cmpbench(ctsim, elf, levels, extra=("-q",)):
    """Runs one comparison-benchmark ELF; returns (rows, command)."""
    cmd = [ctsim] + list(extra) + ["--ctlb-levels", levels, elf]
    try:
        r = subprocess.run(cmd, capture_output=True, text=True, timeout=600)
    except (OSError, subprocess.TimeoutExpired) as e:
        raise ReportError(f"report: running {' '.join(cmd)} failed: {e}")
    if r.returncode != 0:
        last = (r.stderr.strip().splitlines() or [""])[-1]
        raise ReportError(f"report: {' '.join(cmd)} exited with status {r.returncode}: {last}")
    rows = parse_cmpbench(r.stdout, os.path.basename(elf))
    if not rows:
        raise ReportError(f"report: no 'CMP mechanism=...' lines in the output of "
                          f"{' '.join(cmd)}")
    return rows, cmd


def run_cmpbench_all(ctsim, runs, extra):
    """The first run gives every mechanism; later runs (other table geometries)
    add their callid miss rows. Returns (rows, commands)."""
    rows, cmds = [], []
    for i, (elf, levels) in enumerate(runs):
        if i and not os.path.exists(elf):
            continue
        got, cmd = run_cmpbench(ctsim, elf, levels, extra)
        cmds.append(cmd)
        rows += got if i == 0 else [r for r in got if r[0].startswith("callid_miss")]
    # callid misses sorted by levels, right after the hit
    miss = sorted((r for r in rows if r[0].startswith("callid_miss")),
                  key=lambda r: int(r[1]) if r[1].isdigit() else 99)
    rest = [r for r in rows if not r[0].startswith("callid_miss")]
    k = next((i + 1 for i, r in enumerate(rest) if r[0] == "callid_hit"), len(rest))
    return rest[:k] + miss + rest[k:], cmds


# ---------------------------------------------------------------- checks
def stackdist_check(csv_rows, files):
    """Fully associative LRU points (no walk-cache dependence) vs stackdist.py."""
    import stackdist
    want = {}
    for r in csv_rows:
        if r["policy"] == "lru" and r["ways"] == r["entries"] and r["backend"] == "c":
            want.setdefault(r["trace"], []).append(r)
    checked, bad = 0, []
    for tr, rs in want.items():
        _, _, h = stackdist.analyse(files[tr])
        sizes = sorted({int(r["entries"]) for r in rs})
        hits = stackdist.hits_for_sizes(h, sizes)
        for r in rs:
            checked += 1
            if hits[int(r["entries"])] != int(r["hits"]):
                bad.append(f"{tr} entries {r['entries']}: cttrace {r['hits']} vs "
                           f"stackdist {hits[int(r['entries'])]}")
    return checked, bad


def _events(path):
    return ctrace.read_events(path)


def report_inputs(cfg, mechanisms):
    """The input files of a report over the checked configuration cfg;
    mechanisms: 'cmpbench' (the benchmark was run), a CSV path (--mechanisms) or
    None (the plot omitted)."""
    files = list(REPORT_INPUTS) + [cfg.path]
    files += [spec["file"] for spec in cfg.traces.values() if "file" in spec]
    if mechanisms == "cmpbench":
        files += CMPBENCH_INPUTS
    elif mechanisms:
        files.append(mechanisms)
    return files


def inputs_digest(cfg, mechanisms, root=ROOT):
    return inputs_hash.digest(root, report_inputs(cfg, mechanisms))


# ---------------------------------------------------------------- report text
def software():
    import matplotlib
    return f"Python {platform.python_version()}, matplotlib {matplotlib.__version__}"


def machine():
    cpu = ""
    try:
        with open("/proc/cpuinfo", encoding="utf-8") as f:
            for line in f:
                if line.startswith("model name"):
                    cpu = line.split(":", 1)[1].strip()
                    break
    except OSError:
        pass
    osname = platform.platform()
    try:
        with open("/etc/os-release", encoding="utf-8") as f:
            for line in f:
                if line.startswith("PRETTY_NAME="):
                    osname = line.split("=", 1)[1].strip().strip('"') + \
                        f" (Linux {platform.release()})"
    except OSError:
        pass
    return (f"{cpu or platform.processor() or 'unknown CPU'}, {os.cpu_count()} cores; "
            f"{osname}; {software()}")


def _f(x, nd=3):
    return f"{float(x):.{nd}f}"


def hitrate_tables(rows, grid="hitrate"):
    rows = [r for r in rows if r["grid"] == grid]
    if not rows:
        return []
    entries = sorted({int(r["entries"]) for r in rows})
    out = []
    assocs = []
    for r in rows:
        a = "full" if r["ways"] == r["entries"] else int(r["ways"])
        if a not in assocs:
            assocs.append(a)
    nums = [a for a in assocs if a != "full"]
    pick = ([4] if 4 in nums else nums[:1]) + [a for a in assocs if a == "full"]
    for a in pick:
        title = "fully associative" if a == "full" else f"{a}-way"
        out.append(f"**Hit rate, {title}** (rows: trace and policy; columns: CTLB entries)\n")
        out.append("| trace | policy | " + " | ".join(map(str, entries)) + " |")
        out.append("|---|---|" + "---:|" * len(entries))
        table = {}
        for r in rows:
            ra = "full" if r["ways"] == r["entries"] else int(r["ways"])
            if ra == a:
                table.setdefault((r["trace"], r["policy"]), {})[int(r["entries"])] = \
                    r["hit_rate"]
        for (tr, pol), vals in table.items():
            out.append(f"| {tr} | {pol} | " +
                       " | ".join(_f(vals[e]) if e in vals else "" for e in entries) + " |")
        out.append("")
    return out


def penalty_tables(rows, grid="penalty"):
    """Walk cycles per miss ('-' for a point without misses) and cycles per call
    (cttrace's CPU figure, docs/timing.md "Cycles per call"; every point)."""
    rows = [r for r in rows if r["grid"] == grid]
    if not rows:
        return []
    lats = sorted({int(r["mem_lat"]) for r in rows})
    out = []
    first = rows[0]["trace"]
    for wc in sorted({int(r["walk_cache"]) for r in rows}):
        out.append(f"**Walk cycles per miss, walk cache {wc or 'off'}** (trace {first}; "
                   "rows: table levels; columns: memory latency in cycles)\n")
        out.append("| levels | " + " | ".join(map(str, lats)) + " |")
        out.append("|---|" + "---:|" * len(lats))
        table = {}
        for r in rows:
            if r["trace"] == first and int(r["walk_cache"]) == wc:
                table.setdefault(int(r["levels"]), {})[int(r["mem_lat"])] = \
                    r["walk_cycles_per_miss"]
        for lv in sorted(table):
            cells = [table[lv].get(m) for m in lats]
            out.append(f"| {lv} | " + " | ".join("" if c is None else _f(c, 2) if c else "-"
                                                for c in cells) + " |")
        out.append("")
    out.append("**Cycles per call, 64 entries 4-way LRU** (the CPU cost of a callid, "
               "docs/timing.md; rows: trace, levels, walk cache; columns: memory latency)\n")
    out.append("| trace | levels | walk cache | hit rate | " + " | ".join(map(str, lats)) + " |")
    out.append("|---|---:|---:|---:|" + "---:|" * len(lats))
    table = {}
    for r in rows:
        table.setdefault((r["trace"], int(r["levels"]), int(r["walk_cache"])), {})[
            int(r["mem_lat"])] = r
    for (tr, lv, wc), vals in table.items():
        hr = next(iter(vals.values()))["hit_rate"]
        out.append(f"| {tr} | {lv} | {wc} | {_f(hr)} | " +
                   " | ".join(_f(vals[m]["cycles_per_call"], 2) if m in vals else ""
                              for m in lats) + " |")
    out.append("")
    return out


def walkcache_tables(rows, grid="walkcache"):
    rows = [r for r in rows if r["grid"] == grid]
    if not rows:
        return []
    wcs = sorted({int(r["walk_cache"]) for r in rows})
    table = {}
    for r in rows:
        table.setdefault((r["trace"], int(r["levels"]), int(r["mem_lat"])), {})[
            int(r["walk_cache"])] = r
    out = ["**Walk cycles per miss by walk-cache entries** (cells: walk cycles per miss, "
           "and in brackets the share of table reads served by the walk cache)\n",
           "| trace | levels | mem_lat | hit rate | " + " | ".join(map(str, wcs)) + " |",
           "|---|---:|---:|---:|" + "---:|" * len(wcs)]
    for (tr, lv, ml), vals in table.items():
        cells = []
        for w in wcs:
            r = vals.get(w)
            if r is None:
                cells.append("")
                continue
            reads = int(r["mem_reads"]) + int(r["walk_cache_hits"])
            share = int(r["walk_cache_hits"]) / reads if reads else 0.0
            wpm = r["walk_cycles_per_miss"]
            cells.append(f"{_f(wpm, 2) if wpm else '-'} ({share:.0%})")
        hr = next(iter(vals.values()))["hit_rate"]
        out.append(f"| {tr} | {lv} | {ml} | {_f(hr)} | " + " | ".join(cells) + " |")
    out.append("")
    return out


# The configuration columns each grid's tables (and plots) show, per trace.
TABLE_SHOWN = {"hitrate": ("entries", "ways", "policy"),
               "penalty": ("levels", "walk_cache", "mem_lat"),
               "walkcache": ("levels", "walk_cache", "mem_lat")}


def check_tables_show_all(rows):
    """The report's tables keep one row per cell: a grid that varies a column
    they do not show would lose rows, so it is refused, naming the column (the
    plots alone would average over it: scripts/plots.py)."""
    for grid, shown in TABLE_SHOWN.items():
        grows = [r for r in rows if r["grid"] == grid]
        for tr in dict.fromkeys(r["trace"] for r in grows):
            hidden = plots.hidden_varied([r for r in grows if r["trace"] == tr], shown)
            if hidden:
                c, vals = hidden[0]
                raise ReportError(
                    f"report: grid '{grid}', trace {tr}: column '{c}' varies "
                    f"({', '.join(vals)}) but the report's tables show only "
                    f"{', '.join(shown)}: give it one value in this grid (or plot the CSV "
                    "with scripts/plots.py, which averages over it)")


def write_report(path, ctx):
    L = []
    a = L.append
    a("# Report: CTLB hit rates, miss penalties, call mechanisms")
    a("")
    a("Generated by `make report` (`scripts/report.py`); do not edit by hand. "
      "How to run sweeps of your own: [sweeps.md](sweeps.md).")
    a("")
    a(inputs_hash.line(ctx["inputs"], "scripts/report.py (REPORT_INPUTS, report_inputs: "
                       "also the sweep configuration, its trace files and, for the mechanism "
                       "plot, the CPU simulator and the benchmark firmware)", "make report"))
    a("")
    a("## How to regenerate")
    a("")
    a("```sh")
    a("make report        # builds build/cttrace (and build/ctsim and the benchmark), then:")
    a(f"{ctx['report_cmd']}")
    a("```")
    a("")
    a("which runs, in this order:")
    a("")
    a("```sh")
    for c in ctx["commands"]:
        a(c)
    a("```")
    a("")
    a(f"Sweep: {ctx['n_points']} points ({ctx['n_rtl']} also run on the RTL backend). "
      f"Software: {ctx['software']}. (The machine and the run times are printed on "
      "stderr by `make report`, not kept here, so that regenerating from the same "
      "inputs gives the same file.)")
    a("")
    a("## Setup")
    a("")
    a(f"Sweep configuration `{ctx['config_rel']}`: {ctx['description']}")
    a("")
    a("| trace | source | calls | distinct IDs |")
    a("|---|---|---:|---:|")
    for name, src, calls, ids in ctx["traces"]:
        a(f"| {name} | `{src}` | {calls} | {ids} |")
    a("")
    a("Every point is one `build/cttrace` run (trace-driven, no CPU): a call that hits "
      "costs 1 cycle, a miss walks the radix table (docs/accelerator.md section 4) with "
      "walk reads of `mem_lat` cycles. The full results are in the CSV "
      f"(`{ctx['csv_rel']}`, columns in docs/sweeps.md).")
    a("")
    a("**Checks made while generating this report.** "
      f"{ctx['n_rtl']} points were run on both the C model and the verilated RTL, and "
      "all their statistics agree (the sweep fails otherwise). "
      f"For the {ctx['sd_checked']} fully associative LRU points, the hit count equals "
      "the number of calls with an LRU stack distance below the number of entries, "
      "computed independently by `scripts/stackdist.py`"
      + (" (all agree)." if not ctx["sd_bad"] else
         f" — **{len(ctx['sd_bad'])} DISAGREE**: " + "; ".join(ctx["sd_bad"][:5])))
    a("")
    a("## Hit rate vs CTLB entries")
    a("")
    a("One plot per trace: a panel per associativity, a line per replacement policy.")
    a("")
    if not ctx["hit_pngs"]:
        a("(This sweep has no grid named `hitrate`.)")
        a("")
    for tr, png in ctx["hit_pngs"]:
        a(f"![hit rate, {tr}](report/{os.path.basename(png)})")
        a("")
    L.extend(hitrate_tables(ctx["rows"]))
    a("## Miss penalty vs table levels and memory latency")
    a("")
    a("Left: walker cycles per miss; right: mean cycles per call (hits and misses) as "
      "docs/timing.md \"Cycles per call\" defines it: the CPU cost of a callid up to the "
      "callee's first instruction, the return not included (cttrace's `cycles_per_call`: "
      "the accelerator's cycles from request to answer, + 2 for the redirect). "
      "A walk that reads `m` table levels from memory with latency `L` and takes `k` "
      "levels from the walk cache costs `m(1+L)+k+1` walker cycles (docs/accelerator.md "
      "section 4); without a walk cache `m` is the number of levels and `k` = 0, so the "
      "first table below is that formula exactly. A walk cache of 8 entries serves the "
      "upper levels of most walks in 1 cycle each (with one level there is nothing to "
      "cache).")
    a("")
    if not ctx["pen_pngs"]:
        a("(This sweep has no grid named `penalty`.)")
        a("")
    for tr, png in ctx["pen_pngs"]:
        a(f"![miss penalty, {tr}](report/{os.path.basename(png)})")
        a("")
    L.extend(penalty_tables(ctx["rows"]))
    wc = walkcache_tables(ctx["rows"])
    if wc:
        a("### Walk-cache size")
        a("")
        a("The walk cache keeps non-leaf table entries. For the dense IDs of the "
          "penalty grid above, all IDs share their upper-level entries and 8 entries "
          "remove nearly all upper-level reads. Below, the IDs are spread over the whole "
          "32-bit space (`tracegen.py --id-map spread`): different IDs almost never share "
          "a root-table entry, so walks of different IDs have little to reuse and a walk "
          "cache of this size serves few reads (the share in brackets).")
        a("")
        L.extend(wc)
    a("## Cycles per call by mechanism")
    a("")
    if ctx["mech"] is None:
        a(f"Omitted: the comparison benchmark `{ctx['mech_elf_rel']}` was not built when "
          "this report was generated (it is built by the firmware part; `make report` "
          "includes it automatically once it exists).")
    else:
        a(f"Source: {ctx['mech_source']}. Each figure is cycles per call as "
          "docs/timing.md \"Cycles per call\" defines it: the cost of one call sequence up "
          "to the callee's first instruction, the return not included; the last column "
          "adds the empty callee's `ret`. Measured with `mcycle` on the CPU simulator over "
          "1000 calls against a loop without the call (`firmware/cmpbench/cmpbench.c`), "
          "the `ret` measured as a direct call minus a jump; a "
          "callid miss is forced with `ctlb.inv` before each call, one firmware build per "
          "table geometry.")
        a("")
        a(f"![cycles per call by mechanism](report/{os.path.basename(ctx['mech_png'])})")
        a("")
        a("| mechanism | name | cycles per call | with `ret` |")
        a("|---|---|---:|---:|")
        for m, lv, c, wr in ctx["mech"]:
            a(f"| {mech_label(m, lv)} | `{m}` | {c:.2f} | "
              f"{'' if wr is None else f'{wr:.2f}'} |")
    a("")
    with open(path, "w", encoding="utf-8") as f:
        f.write("\n".join(L))


# ---------------------------------------------------------------- main
def build_parser():
    p = ctrace.OneLineParser(prog="report.py", description=__doc__,
                                formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--config", default="default",
                   help="sweep configuration: YAML file or name in scripts/sweeps/ "
                   "(default: default)")
    p.add_argument("--out", default=os.path.join(ROOT, "docs", "report.md"),
                   help="report file; the PNGs go into the directory 'report' next to "
                   "it (default docs/report.md)")
    p.add_argument("--work", default=os.path.join(ROOT, "build", "report"),
                   help="work directory for the CSV and staged files (default build/report)")
    p.add_argument("-j", "--jobs", type=xlatcfg.int_arg(0), default=os.cpu_count() or 1,
                   help="parallel cttrace runs (default: all cores)")
    p.add_argument("--cttrace", default=os.path.join(ROOT, "build", "cttrace"),
                   help="the cttrace binary (default build/cttrace)")
    p.add_argument("--ctsim", default=os.path.join(ROOT, "build", "ctsim"),
                   help="the CPU simulator used for the comparison benchmark "
                   "(default build/ctsim)")
    p.add_argument("--cmpbench-run", action="append", metavar="ELF:LEVELS",
                   help="a comparison-benchmark ELF and the ctsim --ctlb-levels it was "
                   "built for; repeatable. The first gives every mechanism, the others "
                   "add callid misses with other level counts. If the first ELF is "
                   "missing the mechanism plot is omitted (default: "
                   + ", ".join(f"build/firmware/cmpbench/{e}:{lv}"
                               for e, lv in DEFAULT_CMP_RUNS) + ")")
    p.add_argument("--ctsim-args", default="-q",
                   help="options for ctsim before the ELF, one shell-quoted string "
                   "(default: -q)")
    p.add_argument("--mechanisms",
                   help="take the mechanism results from this CSV "
                   "(mechanism,levels,cycles_per_call and optionally with_ret) instead of "
                   "running the benchmark")
    p.add_argument("-q", "--quiet", action="store_true", help="no progress output")
    return p


def _rel(path):
    ap = os.path.abspath(path)
    return os.path.relpath(ap, ROOT) if ap.startswith(ROOT + os.sep) else ap


def run(args):
    t0 = time.monotonic()
    cfg_path = sweep.resolve_config(args.config)
    cfg = sweep.SweepConfig(cfg_path)  # checked before anything runs
    runs = []
    for spec in args.cmpbench_run or [os.path.join(ROOT, "build", "firmware", "cmpbench", e) +
                                      ":" + lv for e, lv in DEFAULT_CMP_RUNS]:
        elf, sep, levels = spec.rpartition(":")
        if not sep or not elf or not re.fullmatch(r"[0-9]+(,[0-9]+)*", levels):
            raise ReportError(f"report: option --cmpbench-run: expected ELF:LEVELS like "
                              f"cmpbench.elf:12,10,10 (got {spec!r})")
        runs.append((elf, levels))
    out = os.path.abspath(args.out)
    outdir = os.path.dirname(out)
    if not os.path.isdir(outdir):
        raise ReportError(f"report: option --out: directory {outdir} does not exist")
    if os.path.isdir(out):
        raise ReportError(f"report: option --out: {args.out} is a directory (give the "
                          "report's file name)")
    png_dir = os.path.join(outdir, "report")
    if os.path.exists(png_dir) and not os.path.isdir(png_dir):
        raise ReportError(f"report: {png_dir} (the plots' folder) is not a directory")
    if os.path.exists(args.work) and not os.path.isdir(args.work):
        raise ReportError(f"report: option --work: {args.work} is not a directory")
    try:
        os.makedirs(args.work, exist_ok=True)
    except OSError as e:
        raise ReportError(f"report: option --work: cannot create {args.work}: {e.strerror}")
    stage = tempfile.mkdtemp(prefix="stage-", dir=args.work)
    try:
        csv_path = os.path.join(args.work, f"sweep-{cfg.name}.csv")
        sweep_argv = [cfg_path, "-o", csv_path, "--jobs", str(args.jobs),
                      "--cttrace", args.cttrace] + (["--quiet"] if args.quiet else [])
        ts = time.monotonic()
        st = sweep.main(sweep_argv)
        if st != 0:
            raise ReportError("report: the sweep failed (message above); report not written")
        sweep_s = time.monotonic() - ts
        rows = plots.read_csv(csv_path, plots.SWEEP_REQUIRED)
        check_tables_show_all(rows)
        grids = {r["grid"] for r in rows}
        hit_pngs = plots.plot_hitrate(csv_path, stage) if "hitrate" in grids else []
        pen_pngs = plots.plot_penalty(csv_path, stage) if "penalty" in grids else []
        # mechanisms
        mech = mech_png = None
        mech_source = ""
        mech_cmd = None
        if args.mechanisms:
            mrows = plots.read_csv(args.mechanisms, plots.MECH_REQUIRED)
            mech = [(r["mechanism"], r["levels"],
                     plots._num(r, "cycles_per_call", args.mechanisms),
                     plots._num(r, "with_ret", args.mechanisms) if r.get("with_ret")
                     else None) for r in mrows]
            if not mech:
                raise ReportError(f"report: {args.mechanisms}: no rows")
            mech_source = f"`{_rel(args.mechanisms)}`"
        elif os.path.exists(runs[0][0]):
            mech, cmds = run_cmpbench_all(args.ctsim, runs, shlex.split(args.ctsim_args))
            mech_cmd = [" ".join(_rel(c) if os.path.isabs(c) else c for c in cmd)
                        for cmd in cmds]
            mech_source = ", ".join(f"`{c}`" for c in mech_cmd)
        if mech is not None:
            mcsv = os.path.join(args.work, "mechanisms.csv")
            write_mech_csv(mcsv, mech)
            mech_png = plots.plot_mechanisms(mcsv, stage)
        # stack-distance cross-check
        used = list(dict.fromkeys(r["trace"] for r in rows))
        files = sweep.prepare_traces(cfg, os.path.join(ROOT, "build", "sweep-traces"), used,
                                     sys.executable, args.jobs)
        sd_checked, sd_bad = stackdist_check(rows, files)
        traces = []
        for name in cfg.traces:
            if name not in used:
                continue
            calls = next(r["calls"] for r in rows if r["trace"] == name)
            ids = len({e[1] for e in _events(files[name]) if e[0] == _call_kind()})
            traces.append((name, cfg.traces[name]["shown"], calls, ids))
        py = _rel(sys.executable)
        commands = [f"{py} scripts/sweep.py {_rel(cfg_path)} -o {_rel(csv_path)}",
                    f"{py} scripts/plots.py hitrate {_rel(csv_path)} -o docs/report",
                    f"{py} scripts/plots.py penalty {_rel(csv_path)} -o docs/report"]
        for c in mech_cmd or []:
            commands.append(f"{c}   # CMP lines -> "
                            f"{_rel(os.path.join(args.work, 'mechanisms.csv'))}")
        if mech is not None:
            commands.append(f"{py} scripts/plots.py mechanisms "
                            f"{_rel(os.path.join(args.work, 'mechanisms.csv'))} -o docs/report")
        # the stack-distance cross-check, shown for the first trace it covers
        fa = [r for r in rows
              if r["policy"] == "lru" and r["ways"] == r["entries"] and r["backend"] == "c"]
        if fa:
            tr = fa[0]["trace"]
            sizes = ",".join(str(n) for n in sorted({int(r["entries"]) for r in fa
                                                     if r["trace"] == tr}))
            commands.append(f"{py} scripts/stackdist.py {_rel(files[tr])} --sizes {sizes}   "
                            "# and so on for each trace: the fully associative LRU check")
        mech_inputs = args.mechanisms if args.mechanisms else \
            ("cmpbench" if mech is not None else None)
        ctx = {"report_cmd": f"{py} scripts/report.py" +
               (f" --config {args.config}" if args.config != "default" else ""),
               "commands": commands, "software": software(),
               "inputs": inputs_digest(cfg, mech_inputs),
               "n_points": len(rows), "n_rtl": sum(r["rtl_checked"] == "yes" for r in rows),
               "sweep_s": sweep_s, "jobs": args.jobs, "config_rel": _rel(cfg_path),
               "description": cfg.description.strip(), "traces": traces,
               "csv_rel": _rel(csv_path), "sd_checked": sd_checked, "sd_bad": sd_bad,
               "rows": rows, "hit_pngs": hit_pngs, "pen_pngs": pen_pngs, "mech": mech,
               "mech_png": mech_png, "mech_source": mech_source,
               "mech_elf_rel": _rel(runs[0][0])}
        ctx["total_s"] = time.monotonic() - t0
        staged_md = os.path.join(stage, "report.md")
        write_report(staged_md, ctx)
        if sd_bad:
            raise ReportError(f"report: stack-distance check failed: {sd_bad[0]}")
        # install: PNGs first (replacing the old set), then the report
        os.makedirs(png_dir, exist_ok=True)
        new = {os.path.basename(p) for p in os.listdir(stage) if p.endswith(".png")}
        for name in sorted(new):
            os.replace(os.path.join(stage, name), os.path.join(png_dir, name))
        for name in os.listdir(png_dir):
            if name.endswith(".png") and name not in new:
                os.unlink(os.path.join(png_dir, name))
        with open(staged_md, "rb") as f:  # (a FIFO or device --out stays one)
            ctrace.atomic_write(out, f.read())
        if not args.quiet:
            print(f"report: wrote {_rel(out)} and {len(new)} plots in {_rel(png_dir)}/; "
                  f"sweep {sweep_s:.0f} s with {args.jobs} parallel jobs, the whole report "
                  f"{ctx['total_s']:.0f} s; machine: {machine()}", file=sys.stderr)
    finally:
        shutil.rmtree(stage, ignore_errors=True)


def _call_kind():
    return ctrace.CALL


def main(argv=None):
    args = build_parser().parse_args(argv)
    try:
        if args.jobs < 1:
            raise ReportError(f"report: option --jobs: must be at least 1 (got {args.jobs})")
        run(args)
        return 0
    except (ReportError, sweep.SweepError, plots.PlotError) as e:
        print(str(e), file=sys.stderr)
        return 2
    except OSError as e:
        print(f"report: error: {e}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print("report: interrupted; report not written", file=sys.stderr)
        return 130


if __name__ == "__main__":
    sys.exit(ctrace.run_main("report.py", main))
