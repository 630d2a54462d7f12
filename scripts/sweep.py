#!/usr/bin/env python3
"""sweep: runs a grid of CTLB configurations over a set of call traces through
build/cttrace, in parallel, and writes one CSV row per point.

CONFIG is a YAML file, or the name of one in scripts/sweeps/ (e.g. `default`
for scripts/sweeps/default.yaml). docs/sweeps.md describes the format:

  description: free text (optional)
  traces:                          # name -> trace; in this order
    lua-sort: traces/real/lua-sort.ct.gz       # a file (relative: repo root)
    zipf: {gen: zipf, count: 100000, ids: 2000, skew: 1.0, seed: 1}
                                   # a tracegen.py run (options without --),
                                   # checked with tracegen's limits (count at
                                   # most 10000000, see tracegen.py --help)
  grids:                           # each grid is a cross product
    - name: hitrate
      traces: [lua-sort, zipf]     # optional, default: all traces
      ctlb_entries: [8, 16, 32]    # every parameter: one value or a list
      ctlb_ways: [1, 4, full]      # full = entries (fully associative)
      ctlb_policy: [lru, plru, fifo, random]
      ctlb_levels: ["12,10,10"]    # or ctlb_even_levels: [2, 3, 4] (32 bits
                                   # split evenly)
      walk_cache: 0
      dmem_lat: 1                  # cycles per walk read
      lfsr_seed: 0
      xlat: c                      # c or rtl
                                   # (keys: the cttrace options without --, _
                                   # for -; older keys entries, ways, policy,
                                   # level_bits, levels, mem_lat, backend are
                                   # aliases and name the CSV columns)
      rtl_check: [{entries: 16, ways: 4}]   # points matching any of these
                                   # also run on the RTL backend; the results
                                   # must be identical (else: error)

Points are ordered by grid, then trace, then level geometry, mem_lat,
walk_cache, ways, policy, lfsr_seed, backend, entries (the last varies
fastest); the CSV keeps this order whatever the scheduling, so the same
configuration and traces give a byte-identical CSV for any --jobs.

The CSV is written via a temporary file and a rename only when every point has
succeeded: on any error (bad configuration, missing or malformed trace, a
cttrace failure, C/RTL disagreement, interrupt) there is a one-line message on
stderr, exit status 2 (1 for a C/RTL disagreement or a cttrace model error),
and no CSV.
"""
import argparse
import concurrent.futures as cf
import csv
import hashlib
import io
import itertools
import json
import math
import os
import shutil
import subprocess
import sys
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, os.path.join(ROOT, "scripts"))
from ctrace import OneLineParser, atomic_write, run_main  # noqa: E402
import tracegen  # noqa: E402
import xlatcfg  # noqa: E402
SWEEP_DIR = os.path.join(ROOT, "scripts", "sweeps")
POLICIES = xlatcfg.POLICIES
BACKENDS = xlatcfg.BACKENDS
# A grid's keys: the canonical ones (xlatcfg.YAML_KEYS: the cttrace option names
# without "--", "_" for "-") or the older ones, which this file uses inside and
# as CSV columns; canonical key -> inner key.
INNER = {k: (al[0] if al else k) for k, (_, al) in xlatcfg.YAML_KEYS.items()}
KEY_OF = {v: k for k, v in INNER.items()}  # inner key -> canonical, for messages

# Grid parameters in the order they vary (the last fastest) and their defaults
# (those of cttrace). level geometry is 'levels' or 'level_bits'.
PARAM_ORDER = ("geometry", "mem_lat", "walk_cache", "ways", "policy", "lfsr_seed",
               "backend", "entries")
DEFAULTS = {"entries": 64, "ways": 4, "policy": "lru", "geometry": ("bits", (12, 10, 10)),
            "walk_cache": 0, "mem_lat": 1, "lfsr_seed": 0, "backend": "c"}
GRID_KEYS = {"name", "traces", "entries", "ways", "policy", "levels", "level_bits",
             "walk_cache", "mem_lat", "lfsr_seed", "backend", "rtl_check"}
MATCH_KEYS = {"entries", "ways", "policy", "levels", "level_bits", "walk_cache",
              "mem_lat", "lfsr_seed"}
ALL_GRID_KEYS = GRID_KEYS | set(INNER)
ALL_MATCH_KEYS = MATCH_KEYS | {k for k, v in INNER.items() if v in MATCH_KEYS}
TOP_KEYS = {"description", "traces", "grids"}
# tracegen.py options a generator spec may set (value types).
GEN_OPTS = {"count": int, "ids": int, "seed": int, "id_map": str, "id_base": int,
            "id_bits": int, "skew": float, "phases": int, "hot": int, "hot_frac": float,
            "patch_rate": float, "patch_base": int, "inv_rate": float, "flush_rate": float,
            "gap_rate": float, "gap_max": int}
GEN_PATTERNS = ("uniform", "zipf", "phases", "loop")

# CSV columns, in this order.
CONFIG_COLS = ["grid", "trace", "backend", "entries", "ways", "policy", "levels",
               "level_bits", "walk_cache", "mem_lat", "lfsr_seed"]
STAT_COLS = ["events", "calls", "patches", "inv_events", "flushes", "gaps", "gap_cycles",
             "hits", "misses", "hit_rate", "walk_cycles", "mem_reads", "walk_cache_hits",
             "faults", "range_faults", "invalidations", "cycles", "call_cycles",
             "cycles_per_call"]
DERIVED_COLS = ["walk_cycles_per_miss", "rtl_checked"]
COLUMNS = CONFIG_COLS + STAT_COLS + DERIVED_COLS


class SweepError(Exception):
    """A one-line user-facing error; status is the exit code."""

    def __init__(self, msg, status=2):
        super().__init__(msg)
        self.status = status


def _pow2(n):
    return n >= 1 and n & (n - 1) == 0


def _is_int(v):
    return isinstance(v, int) and not isinstance(v, bool)


class SweepConfig:
    """A checked sweep configuration (see the module docstring).

    Checks every key and value with the limits of model/xlat.h and cttrace, so a
    bad configuration is refused before anything runs, with a message naming the
    file and the key."""

    def __init__(self, path):
        self.path = path
        self.name = os.path.splitext(os.path.basename(path))[0]
        if self.name.endswith(".yaml"):
            self.name = self.name[:-5]
        try:
            import yaml
        except ImportError:  # pragma: no cover
            raise SweepError("sweep: PyYAML is missing (run bash scripts/setup.sh)")
        try:
            with open(path, encoding="utf-8") as f:
                data = yaml.load(f, Loader=xlatcfg.yaml_loader())
        except OSError as e:
            raise SweepError(f"sweep: cannot read config {path}: {e.strerror}")
        except UnicodeDecodeError:
            raise SweepError(f"sweep: {path}: not UTF-8 text")
        except yaml.YAMLError as e:
            mark = getattr(e, "problem_mark", None)
            where = f":{mark.line + 1}" if mark is not None else ""
            problem = getattr(e, "problem", None) or str(e).splitlines()[0]
            raise SweepError(f"sweep: {path}{where}: invalid YAML: {problem}")
        if not isinstance(data, dict):
            self._fail("the file must hold a mapping with 'traces' and 'grids'")
        unknown = sorted(set(map(str, data)) - TOP_KEYS)
        if unknown:
            self._fail(f"unknown key '{unknown[0]}' (allowed: {', '.join(sorted(TOP_KEYS))})")
        self.description = data.get("description", "")
        if not isinstance(self.description, str):
            self._fail("'description' must be a string")
        self.traces = self._check_traces(data.get("traces"))
        grids = data.get("grids")
        if not isinstance(grids, list) or not grids:
            self._fail("'grids' must be a non-empty list")
        self.grids = [self._check_grid(i, g) for i, g in enumerate(grids)]
        names = [g["name"] for g in self.grids]
        for n in names:
            if names.count(n) > 1:
                self._fail(f"grid name '{n}' is used twice")

    def _fail(self, msg):
        raise SweepError(f"sweep: {self.path}: {msg}")

    # ------------------------------------------------------------ traces
    def _check_traces(self, traces):
        if not isinstance(traces, dict) or not traces:
            self._fail("'traces' must be a non-empty mapping name -> file or generator")
        out = {}
        for name, spec in traces.items():
            if not isinstance(name, str) or not name or any(c in name for c in ",/ \t"):
                self._fail(f"trace name {name!r}: use a non-empty name without , / or spaces")
            where = f"trace '{name}'"
            if isinstance(spec, str):
                path = spec if os.path.isabs(spec) else os.path.join(ROOT, spec)
                out[name] = {"file": path, "shown": spec}
            elif isinstance(spec, dict):
                spec = dict(spec)
                pattern = spec.pop("gen", None)
                if pattern not in GEN_PATTERNS:
                    self._fail(f"{where}: 'gen' must be one of {', '.join(GEN_PATTERNS)}"
                               f" (got {pattern!r})")
                args = [pattern]
                for k in sorted(spec):
                    if k not in GEN_OPTS:
                        self._fail(f"{where}: unknown tracegen option '{k}' (allowed: "
                                   f"gen, {', '.join(sorted(GEN_OPTS))})")
                    v, typ = spec[k], GEN_OPTS[k]
                    ok = (_is_int(v) if typ is int else
                          isinstance(v, str) if typ is str else
                          (isinstance(v, (int, float)) and not isinstance(v, bool)))
                    if not ok:
                        self._fail(f"{where}: option '{k}' must be {typ.__name__} (got {v!r})")
                    args += ["--" + k.replace("_", "-"), str(v)]
                refused = tracegen.refusal(args)  # its limits, e.g. count <= MAX_COUNT
                if refused:
                    self._fail(f"{where}: tracegen: {refused}")
                out[name] = {"gen": args, "shown": "tracegen.py " + " ".join(args)}
            else:
                self._fail(f"{where}: must be a file name or a mapping with 'gen'")
        return out

    # ------------------------------------------------------------ grids
    def _values(self, where, key, raw, check):
        vals = raw if isinstance(raw, list) else [raw]
        if not vals:
            self._fail(f"{where}: '{key}' is an empty list")
        out = []
        for v in vals:
            msg = check(v)
            if msg:
                self._fail(f"{where}: '{key}' {msg} (got {v!r})")
            out.append(v)
        return out

    @staticmethod
    def _level_bits(v):
        return xlatcfg.level_bits(v)

    def _inner_keys(self, where, m):
        """m with canonical keys renamed to the inner ones; a key given twice
        (canonical and alias) is an error."""
        out = {}
        for k, v in m.items():
            ik = INNER.get(k, k)
            if ik in out:
                self._fail(f"{where}: '{k}' and '{ik}' are the same parameter: give one")
            out[ik] = v
        return out

    def _check_grid(self, i, g):
        if not isinstance(g, dict):
            self._fail(f"grids[{i}]: must be a mapping")
        name = g.get("name")
        if not isinstance(name, str) or not name or "," in name:
            self._fail(f"grids[{i}]: 'name' must be a non-empty string without commas")
        where = f"grid '{name}'"
        unknown = sorted(set(map(str, g)) - ALL_GRID_KEYS)
        if unknown:
            self._fail(f"{where}: unknown key '{unknown[0]}' (allowed: "
                       f"{', '.join(sorted(ALL_GRID_KEYS))})")
        g = self._inner_keys(where, g)
        if "levels" in g and "level_bits" in g:
            self._fail(f"{where}: give 'ctlb_even_levels' (levels) or 'ctlb_levels' "
                       "(level_bits), not both")
        out = {"name": name}
        tr = g.get("traces", "all")
        if tr == "all":
            tr = list(self.traces)
        if not isinstance(tr, list) or not tr:
            self._fail(f"{where}: 'traces' must be 'all' or a non-empty list of trace names")
        for t in tr:
            if t not in self.traces:
                self._fail(f"{where}: unknown trace '{t}'")
        out["traces"] = tr
        out["entries"] = self._values(where, "entries", g.get("entries", DEFAULTS["entries"]),
                                      lambda v: None if _is_int(v) and _pow2(v) and v <= 1024
                                      else "must be a power of two in 1..1024")
        out["ways"] = self._values(where, "ways", g.get("ways", DEFAULTS["ways"]),
                                   lambda v: None if v == "full" or (_is_int(v) and _pow2(v)
                                                                     and v <= 1024)
                                   else "must be a power of two in 1..1024 or 'full'")
        out["policy"] = self._values(where, "policy", g.get("policy", DEFAULTS["policy"]),
                                     lambda v: None if v in POLICIES
                                     else "must be one of lru, plru, fifo, random")
        if "levels" in g:
            lv = self._values(where, "levels", g["levels"],
                              lambda v: None if _is_int(v) and 2 <= v <= 4 else
                              "must be 2..4 (32 bits split evenly; use level_bits for 1 level)")
            out["geometry"] = [("levels", v) for v in lv]
        elif "level_bits" in g:
            def chk(v):
                b = self._level_bits(v)
                if b is None or not 1 <= len(b) <= 4:
                    return "must be 1..4 widths like \"12,10,10\" or \"12.10.10\""
                if not all(1 <= x <= 16 for x in b) or sum(b) > 32:
                    return "widths must be 1..16 each and sum to at most 32"
                return None
            lb = self._values(where, "level_bits", g["level_bits"], chk)
            out["geometry"] = [("bits", self._level_bits(v)) for v in lb]
        else:
            out["geometry"] = [DEFAULTS["geometry"]]
        out["walk_cache"] = self._values(
            where, "walk_cache", g.get("walk_cache", 0),
            lambda v: None if _is_int(v) and (v == 0 or (_pow2(v) and v <= 64))
            else "must be 0 or a power of two up to 64")
        out["mem_lat"] = self._values(where, "mem_lat", g.get("mem_lat", 1),
                                      lambda v: None if _is_int(v) and 1 <= v <= 1000000
                                      else "must be an integer in 1..1000000")
        out["lfsr_seed"] = self._values(where, "lfsr_seed", g.get("lfsr_seed", 0),
                                        lambda v: None if _is_int(v) and 0 <= v <= 65535
                                        else "must be an integer in 0..65535")
        out["backend"] = self._values(where, "backend", g.get("backend", "c"),
                                      lambda v: None if v in BACKENDS else "must be c or rtl")
        for e in out["entries"]:
            for w in out["ways"]:
                if w != "full" and w > e:
                    self._fail(f"{where}: ways {w} is larger than entries {e}")
        rc = g.get("rtl_check", [])
        if not isinstance(rc, list) or not all(isinstance(m, dict) for m in rc):
            self._fail(f"{where}: 'rtl_check' must be a list of mappings (parameter: value)")
        for m in rc:
            for k, v in m.items():
                if k not in ALL_MATCH_KEYS:
                    self._fail(f"{where}: rtl_check: unknown key '{k}' (allowed: "
                               f"{', '.join(sorted(ALL_MATCH_KEYS))})")
        out["rtl_check"] = [self._inner_keys(where + ": rtl_check", m) for m in rc]
        return out

    # ------------------------------------------------------------ points
    def points(self):
        """All points in their canonical order: dicts of parameters."""
        pts = []
        for g in self.grids:
            used = [False] * len(g["rtl_check"])
            for tr in g["traces"]:
                for combo in itertools.product(*(g[k] for k in PARAM_ORDER)):
                    p = dict(zip(PARAM_ORDER, combo))
                    if p["ways"] == "full":
                        p["ways"] = p["entries"]
                    p["grid"] = g["name"]
                    p["trace"] = tr
                    hit = [p["backend"] == "c" and _matches(p, m) for m in g["rtl_check"]]
                    used = [u or h for u, h in zip(used, hit)]
                    p["rtl_check"] = any(hit)
                    pts.append(p)
            for m, u in zip(g["rtl_check"], used):
                if not u:
                    self._fail(f"grid '{g['name']}': rtl_check entry {m} matches no point "
                               "of the grid (with backend c)")
        return pts


def _matches(p, m):
    for k, v in m.items():
        if k == "levels":
            kind, val = p["geometry"]
            n = val if kind == "levels" else len(val)
            if n != v:
                return False
        elif k == "level_bits":
            kind, val = p["geometry"]
            if kind != "bits" or val != SweepConfig._level_bits(v):
                return False
        elif k == "ways" and v == "full":
            if p["ways"] != p["entries"]:
                return False
        elif p[k] != v:
            return False
    return True


def cttrace_args(p, backend=None):
    """cttrace's options of a point, in the canonical spellings."""
    kind, val = p["geometry"]
    geo = ["--ctlb-even-levels", str(val)] if kind == "levels" else \
        ["--ctlb-levels", ",".join(map(str, val))]
    args = ["--xlat", backend or p["backend"], "--ctlb-entries", str(p["entries"]),
            "--ctlb-ways", str(p["ways"]), "--ctlb-policy", p["policy"]] + geo + \
        ["--walk-cache", str(p["walk_cache"]), "--dmem-lat", str(p["mem_lat"])]
    if p["lfsr_seed"]:
        args += ["--lfsr-seed", str(p["lfsr_seed"])]
    return args


def resolve_config(arg):
    """A path, or the name of a configuration in scripts/sweeps/."""
    if os.path.exists(arg) or os.sep in arg or arg.endswith((".yaml", ".yml")):
        return arg
    return os.path.join(SWEEP_DIR, arg + ".yaml")


# ---------------------------------------------------------------- running
def _tracegen_digest():
    """Generated traces are named by tracegen.py's contents and arguments, so a
    changed generator never reuses an old file."""
    with open(os.path.join(ROOT, "scripts", "tracegen.py"), "rb") as f:
        return hashlib.sha256(f.read()).digest()


def prepare_traces(cfg, trace_dir, used, python, jobs):
    """Returns name -> file path for the traces used; generates missing ones."""
    files, todo = {}, []
    for name in used:
        spec = cfg.traces[name]
        if "file" in spec:
            path = spec["file"]
            try:
                with open(path, "rb") as f:
                    f.read(1)
            except OSError as e:
                raise SweepError(f"sweep: trace '{name}': cannot read {spec['shown']}: "
                                 f"{e.strerror}")
            files[name] = path
        else:
            h = hashlib.sha256(_tracegen_digest() + " ".join(spec["gen"]).encode()
                               ).hexdigest()[:12]
            path = os.path.join(trace_dir, f"{name}-{h}.ctb")
            files[name] = path
            if not os.path.exists(path):
                todo.append((name, spec, path))
    if todo:
        os.makedirs(trace_dir, exist_ok=True)

        def gen(item):
            name, spec, path = item
            cmd = [python, os.path.join(ROOT, "scripts", "tracegen.py")] + spec["gen"] + \
                ["--format", "binary", "-o", path]
            try:
                r = subprocess.run(cmd, capture_output=True, text=True)
            except OSError as e:
                return f"sweep: trace '{name}': cannot run {python}: {e.strerror}"
            if r.returncode:
                last = (r.stderr.strip().splitlines() or ["failed"])[-1]
                return f"sweep: trace '{name}': tracegen: {last}"
            return None
        with cf.ThreadPoolExecutor(max_workers=jobs) as ex:
            for err in ex.map(gen, todo):
                if err:
                    raise SweepError(err)
    return files


class Progress:
    """A one-line text progress bar on stderr (a new line every 10% if stderr is
    not a terminal)."""

    def __init__(self, total, enabled):
        self.total, self.done, self.enabled = total, 0, enabled
        self.tty = sys.stderr.isatty()
        self.t0 = time.monotonic()
        self.last_decile = -1
        if enabled:
            self._show()

    def _show(self):
        width = 30
        fill = width * self.done // max(self.total, 1)
        line = (f"sweep: [{'#' * fill}{'.' * (width - fill)}] {self.done}/{self.total} runs "
                f"{time.monotonic() - self.t0:.1f} s")
        if self.tty:
            sys.stderr.write("\r" + line + ("\n" if self.done == self.total else ""))
            sys.stderr.flush()
        else:
            dec = 10 * self.done // max(self.total, 1)
            if dec != self.last_decile:
                self.last_decile = dec
                sys.stderr.write(line + "\n")

    def step(self):
        self.done += 1
        if self.enabled:
            self._show()

    def abort(self):
        if self.enabled and self.tty and self.done != self.total:
            sys.stderr.write("\n")


def run_cttrace(cttrace, args, trace, timeout):
    cmd = [cttrace] + args + ["--stats-json", "-", trace]
    try:
        r = subprocess.run(cmd, capture_output=True, text=True, timeout=timeout)
    except subprocess.TimeoutExpired:
        return None, 2, f"timed out after {timeout} s"
    except OSError as e:
        return None, 2, f"cannot run {cttrace}: {e.strerror}"
    if r.returncode != 0:
        msg = (r.stderr.strip().splitlines() or [f"exit status {r.returncode}"])[-1]
        return None, (1 if r.returncode == 1 else 2), msg
    try:
        return json.loads(r.stdout), 0, ""
    except ValueError:
        return None, 2, "unreadable JSON output"


def describe(p):
    kind, val = p["geometry"]
    geo = f"levels {val}" if kind == "levels" else "level_bits " + ",".join(map(str, val))
    return (f"grid {p['grid']}, trace {p['trace']}, backend {p['backend']}, entries "
            f"{p['entries']}, ways {p['ways']}, {p['policy']}, {geo}, walk_cache "
            f"{p['walk_cache']}, mem_lat {p['mem_lat']}")


COMPARED = [c for c in STAT_COLS]


def run_points(points, files, cttrace, jobs, timeout, progress):
    """Runs every point (and its RTL check); returns the result dicts in order."""
    tasks = []  # (point index, backend)
    for i, p in enumerate(points):
        tasks.append((i, p["backend"]))
        if p["rtl_check"]:
            tasks.append((i, "rtl"))
    bar = Progress(len(tasks), progress)
    results = {}
    ex = cf.ThreadPoolExecutor(max_workers=jobs)
    try:
        futs = {ex.submit(run_cttrace, cttrace, cttrace_args(points[i], b), files[points[i]["trace"]],
                          timeout): (i, b) for i, b in tasks}
        for fut in cf.as_completed(futs):
            i, b = futs[fut]
            stats, status, msg = fut.result()
            if stats is None:
                raise SweepError(f"sweep: {describe(points[i])}: {msg}", status)
            results[(i, b)] = stats
            bar.step()
    except BaseException:
        bar.abort()
        ex.shutdown(wait=True, cancel_futures=True)
        raise
    ex.shutdown(wait=True)
    out = []
    for i, p in enumerate(points):
        st = results[(i, p["backend"])]
        if p["rtl_check"]:
            rt = results[(i, "rtl")]
            for k in COMPARED:
                if st.get(k) != rt.get(k):
                    raise SweepError(f"sweep: C model and RTL disagree at {describe(p)}: "
                                     f"{k} {st.get(k)} (C) vs {rt.get(k)} (RTL)", 1)
        out.append(st)
    return out


def fmt(v):
    if isinstance(v, float):
        return f"{v:.6f}"
    if isinstance(v, list):
        return ".".join(map(str, v))
    return str(v)


def rows(points, results):
    for p, st in zip(points, results):
        row = {"grid": p["grid"], "trace": p["trace"], "backend": p["backend"],
               "entries": p["entries"], "ways": p["ways"], "policy": p["policy"],
               "levels": st["levels"], "level_bits": st["level_bits"],
               "walk_cache": p["walk_cache"], "mem_lat": p["mem_lat"],
               "lfsr_seed": p["lfsr_seed"]}
        for k in STAT_COLS:
            row[k] = st[k]
        row["walk_cycles_per_miss"] = (st["walk_cycles"] / st["misses"]) if st["misses"] else ""
        row["rtl_checked"] = "yes" if p["rtl_check"] else ""
        yield [fmt(row[c]) for c in COLUMNS]


def write_csv_atomic(path, points, results):
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\n")
    w.writerow(COLUMNS)
    for r in rows(points, results):
        w.writerow(r)
    try:
        atomic_write(path, buf.getvalue().encode("utf-8"))
    except OSError as e:
        raise SweepError(f"sweep: {e}") from None


# ---------------------------------------------------------------- main
def check_paths(args, cfg, out, points):
    """The files and programs a run needs, checked before anything runs (so a
    bad option never fails after the sweep)."""
    if not out:
        raise SweepError("sweep: option --output: empty file name")
    if os.path.isdir(out):
        raise SweepError(f"sweep: option --output: {out} is a directory (give a CSV file name)")
    outdir = os.path.dirname(os.path.abspath(out))
    if not os.path.isdir(outdir):
        raise SweepError(f"sweep: option --output: directory {outdir} does not exist")
    if not os.access(outdir, os.W_OK | os.X_OK):
        raise SweepError(f"sweep: option --output: directory {outdir} is not writable")
    if not os.path.isfile(args.cttrace) or not os.access(args.cttrace, os.X_OK):
        raise SweepError(f"sweep: {args.cttrace} not found or not executable "
                         "(run make build/cttrace)")
    if any("gen" in cfg.traces[t] for t in {p["trace"] for p in points}):
        d = os.path.abspath(args.trace_dir)
        if os.path.exists(d) and not os.path.isdir(d):
            raise SweepError(f"sweep: option --trace-dir: {args.trace_dir} is not a directory")
        parent = d
        while not os.path.exists(parent):
            parent = os.path.dirname(parent)
        if not os.path.isdir(parent):
            raise SweepError(f"sweep: option --trace-dir: cannot create {args.trace_dir}: "
                             f"{parent} is not a directory")
        if not os.access(parent, os.W_OK | os.X_OK):
            raise SweepError(f"sweep: option --trace-dir: {parent} is not writable")
        py = shutil.which(args.python)
        if not py:
            raise SweepError(f"sweep: option --python: {args.python} not found or not "
                             "executable")


def build_parser():
    p = OneLineParser(
        prog="sweep.py", formatter_class=argparse.RawDescriptionHelpFormatter,
        description=__doc__.split("\n\n")[0] + "\n\nConfiguration format: docs/sweeps.md "
        "(summary below).\n\n" + "\n\n".join(__doc__.split("\n\n")[1:]))
    p.add_argument("config", help="YAML file, or a name in scripts/sweeps/ (e.g. default)")
    p.add_argument("-o", "--output", help="CSV file to write (default build/sweep-NAME.csv)")
    p.add_argument("-j", "--jobs", type=xlatcfg.int_arg(0), default=os.cpu_count() or 1,
                   help="parallel cttrace runs (default: all cores, %(default)s here)")
    p.add_argument("--dry-run", action="store_true",
                   help="check the configuration and list the points and their cttrace "
                   "options on stdout; run nothing, write nothing")
    p.add_argument("--cttrace", default=os.path.join(ROOT, "build", "cttrace"),
                   help="the cttrace binary (default build/cttrace)")
    p.add_argument("--trace-dir", default=os.path.join(ROOT, "build", "sweep-traces"),
                   help="where generated traces are kept, named by a hash of their "
                   "tracegen arguments and tracegen.py, and reused (default "
                   "build/sweep-traces)")
    p.add_argument("--python", default=sys.executable,
                   help="Python interpreter for tracegen.py (default: this one)")
    p.add_argument("--timeout", type=float, default=600.0,
                   help="seconds one cttrace run may take before the sweep fails, a "
                   "positive finite number (default 600)")
    p.add_argument("-q", "--quiet", action="store_true",
                   help="no progress bar and no summary line")
    return p


def main(argv=None):
    args = build_parser().parse_args(argv)
    try:
        if args.jobs < 1:
            raise SweepError(f"sweep: option --jobs: must be at least 1 (got {args.jobs})")
        if not (math.isfinite(args.timeout) and args.timeout > 0):
            raise SweepError(f"sweep: option --timeout: must be a positive number of "
                             f"seconds (got {args.timeout})")
        cfg = SweepConfig(resolve_config(args.config))
        points = cfg.points()
        if not args.dry_run:
            out = args.output if args.output is not None else \
                os.path.join(ROOT, "build", f"sweep-{cfg.name}.csv")
            check_paths(args, cfg, out, points)
        else:
            for i, p in enumerate(points):
                rtl = "  +rtl-check" if p["rtl_check"] else ""
                print(f"{i:5d} {p['grid']:<12} {p['trace']:<18} "
                      f"{' '.join(cttrace_args(p))}{rtl}")
            n_rtl = sum(p["rtl_check"] for p in points)
            print(f"{len(points)} points ({n_rtl} also on the RTL backend), "
                  f"{len({p['trace'] for p in points})} traces")
            return 0
        t0 = time.monotonic()
        used = list(dict.fromkeys(p["trace"] for p in points))
        files = prepare_traces(cfg, args.trace_dir, used, args.python, args.jobs)
        results = run_points(points, files, args.cttrace, args.jobs, args.timeout,
                             not args.quiet)
        try:
            write_csv_atomic(out, points, results)
        except OSError as e:
            raise SweepError(f"sweep: cannot write {out}: {e.strerror}")
        if not args.quiet:
            n_rtl = sum(p["rtl_check"] for p in points)
            print(f"sweep: {len(points)} points ({n_rtl} checked against the RTL) in "
                  f"{time.monotonic() - t0:.1f} s -> {out}", file=sys.stderr)
        return 0
    except SweepError as e:
        print(str(e), file=sys.stderr)
        return e.status
    except KeyboardInterrupt:
        print("sweep: interrupted; no CSV written", file=sys.stderr)
        return 130


if __name__ == "__main__":
    sys.exit(run_main("sweep.py", main))
