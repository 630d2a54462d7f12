#!/usr/bin/env python3
"""plots: PNG plots of a sweep CSV (scripts/sweep.py) and of the mechanism
comparison (cycles per call per call mechanism). "Cycles per call" is
docs/timing.md's definition everywhere: the CPU cycles up to the callee's first
instruction, the return not included.

  hitrate    one PNG per trace, hitrate-TRACE.png: hit rate and, below it,
             misses per 1000 calls (log axis) vs CTLB entries, one line per
             replacement policy, one panel per associativity (rows of the grid
             --grid, default 'hitrate')
  penalty    one PNG per trace, penalty-TRACE.png: walk cycles per miss and
             cycles per call (cttrace's cycles_per_call: the CPU cost of a
             callid) vs memory latency, one line per number of table
             levels, solid without and dashed with a walk cache
             (rows of the grid --grid, default 'penalty'; a row without
             misses has no walk cycles per miss and is in the right panel only)
  mechanisms mechanisms.png: a bar per mechanism from a mechanism CSV with the
             columns mechanism,levels,cycles_per_call (levels empty where it does
             not apply; an optional with_ret column is not plotted), as written
             by scripts/report.py from the comparison benchmark

Colours are fixed across all figures: one per policy (and a marker), one per
number of table levels. The configuration columns that the rows of a figure
hold at one value are written under its title.

A configuration column that varies within a trace's rows but is no axis, panel
or line of the plot (say lfsr_seed, level_bits or mem_lat in the hit-rate plot)
is not dropped: each plotted point is the mean over its values, the plot's title
says so ("mean over ...") and a note on stderr names the column and its values.

Plots use matplotlib's Agg backend and no time stamp or software tag in the PNG,
so the same data gives byte-identical files. Files are written via a temporary
file and a rename.
"""
import argparse
import csv
import io
import os
import sys

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from ctrace import OneLineParser, atomic_write, run_main  # noqa: E402

# Fixed in every figure: a colour and marker per policy, a colour per number of
# table levels (1..4).
POLICY_STYLE = {"lru": ("tab:blue", "o"), "plru": ("tab:orange", "s"),
                "fifo": ("tab:green", "^"), "random": ("tab:red", "v")}
LEVEL_COLORS = {1: "tab:purple", 2: "tab:brown", 3: "tab:cyan", 4: "tab:olive"}


def held_constant(rows, shown):
    """'column value, ...' of the configuration columns that take one value in
    rows and are not shown (what the figure holds constant)."""
    out = []
    for c in CONFIG_COLS:
        if c in shown or not rows or c not in rows[0]:
            continue
        vals = {r[c] for r in rows}
        if len(vals) == 1:
            out.append(f"{c} {vals.pop()}")
    return ", ".join(out)


class PlotError(Exception):
    pass


def _setup():
    plt.rcParams.update({"figure.dpi": 100, "savefig.dpi": 100, "font.size": 9,
                         "axes.grid": True, "grid.alpha": 0.3,
                         "svg.hashsalt": "ctlb", "path.simplify": False})


def save_png(fig, path):
    """Writes fig as PNG atomically, without metadata that would vary."""
    buf = io.BytesIO()
    fig.savefig(buf, format="png", metadata={"Software": None})
    plt.close(fig)
    try:
        atomic_write(path, buf.getvalue())
    except OSError as e:
        raise PlotError(f"plots: {e}") from None


def read_csv(path, required):
    try:
        with open(path, newline="", encoding="utf-8") as f:
            rows = list(csv.DictReader(f))
    except OSError as e:
        raise PlotError(f"plots: cannot read {path}: {e.strerror}")
    except (UnicodeDecodeError, csv.Error) as e:
        raise PlotError(f"plots: {path}: not a CSV file ({e})")
    if rows:
        missing = [c for c in required if c not in rows[0]]
        if missing:
            raise PlotError(f"plots: {path}: missing column '{missing[0]}'")
    return rows


SWEEP_REQUIRED = ("grid", "trace", "entries", "ways", "policy", "levels", "walk_cache",
                  "mem_lat", "hit_rate", "walk_cycles_per_miss", "cycles_per_call")


# The configuration columns of a sweep CSV (scripts/sweep.py CONFIG_COLS, less
# grid and trace, which select the rows and the file).
CONFIG_COLS = ("backend", "entries", "ways", "policy", "levels", "level_bits",
               "walk_cache", "mem_lat", "lfsr_seed")


def hidden_varied(rows, shown):
    """[(column, [values])] of the configuration columns not in shown that take
    more than one value among rows with the same shown columns, i.e. would put
    several rows on one plotted point (values in order of appearance). A column
    that follows from the shown ones (level_bits when levels is shown and each
    level count has one layout) is not reported."""
    groups = {}
    for r in rows:
        groups.setdefault(tuple(r.get(c) for c in shown), []).append(r)
    out = []
    for c in CONFIG_COLS:
        if c in shown or not rows or c not in rows[0]:
            continue
        if any(len({r[c] for r in g}) > 1 for g in groups.values()):
            out.append((c, list(dict.fromkeys(r[c] for r in rows))))
    return out


def _averaged(hidden, path, what):
    """The title suffix for averaged columns ('' if none); notes them on stderr."""
    if not hidden:
        return ""
    desc = "; ".join(f"{c} {', '.join(v)}" for c, v in hidden)
    for c, v in hidden:
        print(f"plots: {path}: {what}: column '{c}' varies ({', '.join(v)}) and is not "
              "shown: each point is the mean over it", file=sys.stderr)
    return f"\n(mean over {desc})"


def _mean(xs):
    return sum(xs) / len(xs)


def _num(row, key, path, conv=float):
    try:
        return conv(row[key])
    except (TypeError, ValueError):
        raise PlotError(f"plots: {path}: bad value {row[key]!r} in column '{key}'")


def _safe(name):
    return "".join(c if c.isalnum() or c in "-_." else "_" for c in name)


def _traces(rows):
    return list(dict.fromkeys(r["trace"] for r in rows))


def plot_hitrate(csv_path, outdir, grid="hitrate"):
    """Writes hitrate-TRACE.png per trace; returns [(trace, path)]."""
    _setup()
    rows = [r for r in read_csv(csv_path, SWEEP_REQUIRED) if r["grid"] == grid]
    if not rows:
        raise PlotError(f"plots: {csv_path}: no rows of grid '{grid}'")
    out = []
    for tr in _traces(rows):
        data = {}  # (assoc label, policy) -> {entries: [hit_rate, ...]}
        trows = [r for r in rows if r["trace"] == tr]
        for r in trows:
            e, w = _num(r, "entries", csv_path, int), _num(r, "ways", csv_path, int)
            assoc = "fully associative" if w == e else f"{w}-way"
            data.setdefault((assoc, r["policy"]), {}).setdefault(e, []).append(
                _num(r, "hit_rate", csv_path))
        note = _averaged(hidden_varied(trows, ("entries", "ways", "policy")), csv_path,
                         f"hit rate, trace {tr}")
        assocs = list(dict.fromkeys(a for a, _ in data))
        assocs.sort(key=lambda a: (a == "fully associative", int(a.split("-")[0])
                                   if a != "fully associative" else 0))
        fig, axes = plt.subplots(2, len(assocs), figsize=(3.2 * len(assocs), 5.8),
                                 sharey="row", squeeze=False)
        for col, assoc in enumerate(assocs):
            ax, mx = axes[0][col], axes[1][col]
            for pol in POLICY_STYLE:
                pts = data.get((assoc, pol))
                if not pts:
                    continue
                xs = sorted(pts)
                color, marker = POLICY_STYLE[pol]
                hr = [_mean(pts[x]) for x in xs]
                ax.plot(xs, hr, marker=marker, color=color, label=pol, markersize=4,
                        linewidth=1.2)
                # misses per 1000 calls on a log axis (a point without misses is
                # not drawn there)
                mk = [(x, 1000 * (1 - h)) for x, h in zip(xs, hr) if h < 1]
                mx.plot([x for x, _ in mk], [m for _, m in mk], marker=marker, color=color,
                        label=pol, markersize=4, linewidth=1.2)
            for a in (ax, mx):
                a.set_xscale("log", base=2)
            ax.set_title(assoc)
            mx.set_xlabel("CTLB entries")
            mx.set_yscale("log")
            ax.set_ylim(0, 1.02)
        axes[0][0].set_ylabel("hit rate")
        axes[1][0].set_ylabel("misses per 1000 calls (log)")
        axes[0][-1].legend(loc="best", fontsize=8)
        const = held_constant(trows, ("entries", "ways", "policy"))
        fig.suptitle(f"CTLB hit rate: {tr}{note}" + (f"\n{const}" if const else ""),
                     fontsize=9)
        fig.tight_layout()
        path = os.path.join(outdir, f"hitrate-{_safe(tr)}.png")
        save_png(fig, path)
        out.append((tr, path))
    return out


def plot_penalty(csv_path, outdir, grid="penalty"):
    """Writes penalty-TRACE.png per trace; returns [(trace, path)]."""
    _setup()
    rows = [r for r in read_csv(csv_path, SWEEP_REQUIRED) if r["grid"] == grid]
    if not rows:
        raise PlotError(f"plots: {csv_path}: no rows of grid '{grid}'")
    out = []
    for tr in _traces(rows):
        # (levels, walk_cache) -> {mem_lat: [(wpm or None without misses, cpc), ...]}
        series = {}
        trows = [r for r in rows if r["trace"] == tr]
        for r in trows:
            key = (_num(r, "levels", csv_path, int), _num(r, "walk_cache", csv_path, int))
            wpm = None if r["walk_cycles_per_miss"] == "" else \
                _num(r, "walk_cycles_per_miss", csv_path)
            series.setdefault(key, {}).setdefault(_num(r, "mem_lat", csv_path, int), []).append(
                (wpm, _num(r, "cycles_per_call", csv_path)))
        note = _averaged(hidden_varied(trows, ("levels", "walk_cache", "mem_lat")), csv_path,
                         f"miss penalty, trace {tr}")
        no_miss = sum(r["walk_cycles_per_miss"] == "" for r in trows)
        if no_miss:
            print(f"plots: {csv_path}: miss penalty, trace {tr}: {no_miss} of {len(trows)} "
                  "rows have no misses (no walk cycles per miss): they are in the cycles "
                  "per call panel only", file=sys.stderr)
        levels = sorted({k[0] for k in series})
        wcs = sorted({k[1] for k in series})
        fig, axes = plt.subplots(1, 2, figsize=(9, 3.6))
        for (lv, wc), pts in sorted(series.items()):
            xs = sorted(pts)
            color = LEVEL_COLORS.get(lv, "tab:gray")
            style = "-" if wc == wcs[0] else "--"
            label = f"{lv} level{'s' if lv > 1 else ''}" + \
                (f", walk cache {wc}" if wc else "")
            wx = [x for x in xs if any(v[0] is not None for v in pts[x])]
            axes[0].plot(wx, [_mean([v[0] for v in pts[x] if v[0] is not None]) for x in wx],
                         style, marker="o", markersize=3, color=color, label=label,
                         linewidth=1.2)
            axes[1].plot(xs, [_mean([v[1] for v in pts[x]]) for x in xs], style, marker="o",
                         markersize=3, color=color, label=label, linewidth=1.2)
        for ax, ylab in zip(axes, ("walk cycles per miss",
                                   "CPU cycles per call (callid, no return)")):
            ax.set_xscale("log", base=2)
            ax.set_xlabel("memory latency (cycles per table read)")
            ax.set_ylabel(ylab)
        if no_miss < len(trows):
            axes[0].set_yscale("log", base=2)
        if no_miss:
            axes[0].set_title(f"({no_miss} rows without misses: right panel only)", fontsize=8)
        axes[0].legend(fontsize=7)
        const = held_constant(trows, ("levels", "level_bits", "walk_cache", "mem_lat"))
        fig.suptitle(f"Miss penalty: {tr}{note}" + (f"\n{const}" if const else ""),
                     fontsize=9)
        fig.tight_layout()
        path = os.path.join(outdir, f"penalty-{_safe(tr)}.png")
        save_png(fig, path)
        out.append((tr, path))
    return out


MECH_REQUIRED = ("mechanism", "levels", "cycles_per_call")


def _mech_label(name, levels):
    try:
        import report
        return report.mech_label(name, levels)
    except ImportError:  # pragma: no cover
        return name + (f" ({levels} levels)" if levels else "")


def plot_mechanisms(csv_path, outdir):
    """Writes mechanisms.png; returns its path."""
    _setup()
    rows = read_csv(csv_path, MECH_REQUIRED)
    if not rows:
        raise PlotError(f"plots: {csv_path}: no rows")
    labels, vals = [], []
    for r in rows:
        lab = _mech_label(r["mechanism"], r["levels"])
        labels.append(lab)
        vals.append(_num(r, "cycles_per_call", csv_path))
    fig, ax = plt.subplots(figsize=(8, 0.35 * len(labels) + 1.2))
    ys = list(range(len(labels)))[::-1]
    ax.barh(ys, vals, color="tab:blue")
    ax.set_yticks(ys)
    ax.set_yticklabels(labels)
    for y, v in zip(ys, vals):
        ax.text(v, y, f" {v:.2f}", va="center", fontsize=8)
    ax.set_xlabel("CPU cycles per call (the callee's return not included)")
    ax.set_xlim(0, max(vals) * 1.15 if max(vals) > 0 else 1)
    ax.set_title("Cycles per call by call mechanism")
    fig.tight_layout()
    path = os.path.join(outdir, "mechanisms.png")
    save_png(fig, path)
    return path


def build_parser():
    p = OneLineParser(prog="plots.py", description=__doc__,
                                formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("kind", choices=("hitrate", "penalty", "mechanisms"), help="which plots")
    p.add_argument("csv", help="sweep CSV (hitrate, penalty) or mechanism CSV (mechanisms)")
    p.add_argument("-o", "--outdir", default=".", help="directory for the PNGs (default .)")
    p.add_argument("--grid", help="grid of the sweep CSV to plot (default: the kind's name)")
    return p


def main(argv=None):
    args = build_parser().parse_args(argv)
    try:
        if not os.path.isdir(args.outdir):
            raise PlotError(f"plots: option --outdir: {args.outdir} is not a directory")
        if args.kind == "hitrate":
            paths = [p for _, p in plot_hitrate(args.csv, args.outdir, args.grid or "hitrate")]
        elif args.kind == "penalty":
            paths = [p for _, p in plot_penalty(args.csv, args.outdir, args.grid or "penalty")]
        else:
            paths = [plot_mechanisms(args.csv, args.outdir)]
    except PlotError as e:
        print(str(e), file=sys.stderr)
        return 2
    for p in paths:
        print(p)
    return 0


if __name__ == "__main__":
    sys.exit(run_main("plots.py", main))
