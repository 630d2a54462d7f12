#!/usr/bin/env python3
"""sweep: runs a grid of CTLB configurations over a set of call traces through
build/cttrace (or over firmware ELFs through build/ctsim), in parallel on this
machine or a Dask cluster, and writes one CSV row per point.

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

LRU points without a walk cache come from one build/ctlru pass per number of
sets, other memory latencies (and geometries without a walk cache) are derived
from one cttrace run per CTLB: the same bytes as --per-point (docs/sweeps.md).
An `elfs:` mapping (name -> ELF) beside or instead of `traces:` makes ctsim
points (a grid says `elfs: [...]` or `traces: [...]`). Every finished point goes
to OUTPUT.journal at once, so an interrupted sweep resumes; a rerun over an
existing CSV runs only new points (--fresh: none reused).

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
import warnings

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, os.path.join(ROOT, "scripts"))
import ctable  # noqa: E402
from ctrace import OneLineParser, atomic_write, run_main  # noqa: E402
import sweep_worker  # noqa: E402
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
GRID_KEYS = {"name", "traces", "elfs", "entries", "ways", "policy", "levels", "level_bits",
             "walk_cache", "mem_lat", "lfsr_seed", "backend", "rtl_check"}
MATCH_KEYS = {"entries", "ways", "policy", "levels", "level_bits", "walk_cache",
              "mem_lat", "lfsr_seed"}
ALL_GRID_KEYS = GRID_KEYS | set(INNER)
ALL_MATCH_KEYS = MATCH_KEYS | {k for k, v in INNER.items() if v in MATCH_KEYS}
TOP_KEYS = {"description", "traces", "elfs", "grids"}
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
        if data.get("traces") is None and data.get("elfs") is None:
            self._fail("give 'traces' (name -> trace) or 'elfs' (name -> ELF), or both")
        self.traces = self._check_traces(data["traces"]) if data.get("traces") is not None \
            else {}
        self.elfs = self._check_elfs(data["elfs"]) if data.get("elfs") is not None else {}
        for n in self.traces:
            if n in self.elfs:
                self._fail(f"'{n}' names a trace and an ELF: give them different names")
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

    def _check_elfs(self, elfs):
        if not isinstance(elfs, dict) or not elfs:
            self._fail("'elfs' must be a non-empty mapping name -> ELF file")
        out = {}
        for name, spec in elfs.items():
            if not isinstance(name, str) or not name or any(c in name for c in ",/ \t"):
                self._fail(f"ELF name {name!r}: use a non-empty name without , / or spaces")
            if not isinstance(spec, str) or not spec:
                self._fail(f"ELF '{name}': must be the file name of a firmware ELF")
            path = spec if os.path.isabs(spec) else os.path.join(ROOT, spec)
            try:
                geo = elf_geometry(path)
            except OSError as e:
                self._fail(f"ELF '{name}': cannot read {spec}: {e.strerror}")
            except ValueError as e:
                self._fail(f"ELF '{name}': {spec}: {e}")
            out[name] = {"file": path, "shown": spec, "geometry": geo}
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
        if "traces" in g and "elfs" in g:
            self._fail(f"{where}: give 'traces' or 'elfs', not both (one grid runs traces "
                       "through cttrace or ELFs on ctsim)")
        if "elfs" in g or ("traces" not in g and not self.traces):
            kind, pool, key = "elf", self.elfs, "elfs"
        elif "traces" in g or not self.elfs:
            kind, pool, key = "trace", self.traces, "traces"
        else:
            self._fail(f"{where}: the configuration has traces and ELFs: say which this "
                       "grid runs with 'traces: [...]' or 'elfs: [...]'")
        other = self.elfs if kind == "trace" else self.traces
        tr = g.get(key, "all")
        if tr == "all":
            tr = list(pool)
        if not isinstance(tr, list) or not tr:
            self._fail(f"{where}: '{key}' must be 'all' or a non-empty list of names")
        for t in tr:
            if t not in pool:
                if t in other:
                    self._fail(f"{where}: '{t}' is {'an ELF' if kind == 'trace' else 'a trace'}"
                               f", not {'a trace' if kind == 'trace' else 'an ELF'}: list it "
                               f"under '{'elfs' if kind == 'trace' else 'traces'}'")
                self._fail(f"{where}: unknown {'trace' if kind == 'trace' else 'ELF'} '{t}'")
        out["source"] = kind
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
                if b is None or not 1 <= len(b) <= ctable.MAX_LEVELS:
                    return "must be 1..4 widths like \"12,10,10\" or \"12.10.10\""
                if ctable.check(b):
                    return "widths must be 1..16 each and sum to at most 32"
                return None
            lb = self._values(where, "level_bits", g["level_bits"], chk)
            out["geometry"] = [("bits", self._level_bits(v)) for v in lb]
        else:
            out["geometry"] = [DEFAULTS["geometry"]]
            if kind == "elf":  # the geometry the ELFs were built for
                geos = {self.elfs[t]["geometry"] for t in tr}
                if len(geos) > 1:
                    self._fail(f"{where}: the ELFs were built for different table geometries "
                               "(.ct_geometry): give each its own grid")
                if geos != {None}:
                    out["geometry"] = [("bits", geos.pop())]
        if kind == "elf":
            for t in tr:
                built = self.elfs[t]["geometry"]
                for gk, gv in out["geometry"]:
                    bits = xlatcfg.even_levels(gv) if gk == "levels" else gv
                    if built is not None and bits != built:
                        self._fail(f"{where}: ELF '{t}' was built for the table geometry "
                                   f"{','.join(map(str, built))} (its .ct_geometry section): "
                                   f"it cannot run with {','.join(map(str, bits))} (build "
                                   "another ELF for that geometry)")
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
                    p["source"] = g["source"]
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


def elf_geometry(path):
    """The table geometry an ELF was built for (its .ct_geometry section, written
    by ctcc: "CTGE", version 1, the number of levels, the widths), or None
    without one; ValueError if the file is not a 32-bit RISC-V ELF or the
    section is malformed; OSError if unreadable."""
    import struct
    with open(path, "rb") as f:
        data = f.read()
    if data[:4] != b"\x7fELF" or len(data) < 52 or data[4] != 1 or data[5] != 1:
        raise ValueError("not a 32-bit little-endian ELF file")
    shoff, = struct.unpack_from("<I", data, 32)
    shentsize, shnum, shstrndx = struct.unpack_from("<HHH", data, 46)
    if shoff == 0 or shnum == 0:
        return None
    try:
        secs = [struct.unpack_from("<IIIIII", data, shoff + i * shentsize)
                for i in range(shnum)]
        stroff = secs[shstrndx][4]
        for name_off, _, _, _, off, size in secs:
            end = data.index(b"\0", stroff + name_off)
            if data[stroff + name_off:end] == b".ct_geometry":
                body = data[off:off + size]
                if body[:4] != b"CTGE" or len(body) < 6 or body[4] != 1 or \
                        not 1 <= body[5] <= 4 or len(body) < 6 + body[5]:
                    raise ValueError("malformed .ct_geometry section")
                return tuple(body[6:6 + body[5]])
    except (struct.error, IndexError) as e:
        raise ValueError(f"malformed section headers ({e})")
    return None


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


def describe(p):
    kind, val = p["geometry"]
    geo = f"levels {val}" if kind == "levels" else "level_bits " + ",".join(map(str, val))
    what = "ELF" if p["source"] == "elf" else "trace"
    return (f"grid {p['grid']}, {what} {p['trace']}, backend {p['backend']}, entries "
            f"{p['entries']}, ways {p['ways']}, {p['policy']}, {geo}, walk_cache "
            f"{p['walk_cache']}, mem_lat {p['mem_lat']}")


def level_bits_of(p):
    kind, val = p["geometry"]
    return xlatcfg.even_levels(val) if kind == "levels" else tuple(val)


def fmt(v):
    if isinstance(v, float):
        return f"{v:.6f}"
    if isinstance(v, (list, tuple)):
        return ".".join(map(str, v))
    return str(v)


# ---------------------------------------------------------------- results
# A result is one run of a point on one backend: the CSV's statistics columns
# (RESULT_COLS) as the strings the CSV holds, so a result read back from a
# journal or an earlier CSV writes the same bytes.
ELF_COLS = ["instructions", "cpi"]
RESULT_COLS = ["levels", "level_bits"] + STAT_COLS + ELF_COLS
HASH_COLS = ["source", "source_hash", "build_hash"]
COLUMNS = CONFIG_COLS + STAT_COLS + DERIVED_COLS + ELF_COLS + HASH_COLS
# the largest function table cttrace builds (its --max-table-mb default, in
# 32-bit words): a derived point whose table would not fit runs on its own
MAX_TABLE_WORDS = (1024 << 20) // 4


def trace_result(st, bits):
    """A result from cttrace's JSON (or the same numbers derived)."""
    r = {k: fmt(st[k]) for k in STAT_COLS}
    r["levels"] = str(len(bits))
    r["level_bits"] = fmt(bits)
    r["instructions"] = r["cpi"] = ""
    return r


def elf_result(js, bits):
    """A result from ctsim's --stats-json: the CTLB's counters, cycles and
    instructions (cttrace's trace-only columns stay empty)."""
    c = js["ctlb"]
    cyc, ins = js["cycles"], js["instructions"]
    r = {k: "" for k in RESULT_COLS}
    r.update(levels=str(len(bits)), level_bits=fmt(bits), calls=str(c["callids"]),
             patches=str(c["patches"]), hits=str(c["hits"]), misses=str(c["misses"]),
             hit_rate=fmt(c["hits"] / c["lookups"] if c["lookups"] else 0.0),
             walk_cycles=str(c["walk_cycles"]), mem_reads=str(c["mem_reads"]),
             walk_cache_hits=str(c["walk_cache_hits"]), faults=str(c["faults"]),
             invalidations=str(c["invalidations"]), cycles=str(cyc),
             call_cycles=str(c["callid_cycles"]),
             cycles_per_call=fmt(c["callid_cycles"] / c["callids"] if c["callids"] else 0.0),
             instructions=str(ins), cpi=fmt(cyc / ins if ins else 0.0))
    return r


CPU_CALL_EXTRA = 2  # sim/trace/cttrace.c's: call_cycles = answer cycles + 2 per call


def derive(base, bits, mem_lat, walk_cache):
    """The result of the same CTLB over the same trace at another memory latency
    (and, without a walk cache, another table geometry), from a base result:
    which calls hit does not depend on either, and a walk that reads m table
    levels from memory with latency L and k from the walk cache takes
    m(1+L)+k+1 walker cycles (docs/accelerator.md section 4), a missing call
    one cycle more, a hit 1 cycle, an invalidation 1 cycle, and a gap its
    length. Without a walk cache m is the number of levels for every miss."""
    calls, hits, misses = int(base["calls"]), int(base["hits"]), int(base["misses"])
    reads = misses * len(bits) if walk_cache == 0 else int(base["mem_reads"])
    wch = 0 if walk_cache == 0 else int(base["walk_cache_hits"])
    walk = reads * (1 + mem_lat) + wch + misses
    answer = calls + walk  # the accelerator's cycles, request to answer
    # cttrace's call_cycles: the CPU's (docs/timing.md "Cycles per call"), a
    # callid's EX cycles + the redirect (1 + imem latency 1) per call
    call_cycles = answer + CPU_CALL_EXTRA * calls
    st = {k: int(base[k]) for k in ("events", "calls", "patches", "inv_events", "flushes",
                                     "gaps", "gap_cycles", "hits", "misses", "faults",
                                     "range_faults", "invalidations")}
    st.update(hit_rate=hits / calls if calls else 0.0, walk_cycles=walk, mem_reads=reads,
              walk_cache_hits=wch, call_cycles=call_cycles,
              cycles=answer + st["invalidations"] + st["gap_cycles"],
              cycles_per_call=call_cycles / calls if calls else 0.0)
    return trace_result(st, bits)


def lru_result(info, hits, bits, mem_lat):
    """An LRU point without a walk cache from ctlru's hits and trace facts."""
    inv = info["patches"] + info["inv_events"] + info["flushes"]
    base = {k: info[k] for k in ("events", "calls", "patches", "inv_events", "flushes",
                                 "gaps", "gap_cycles")}
    base.update(hits=hits, misses=info["calls"] - hits, faults=0, range_faults=0,
                invalidations=inv, mem_reads=0, walk_cache_hits=0)
    return derive(base, bits, mem_lat, 0)


def run_key(p, backend, src_hash, build):
    """What a result depends on: the point's configuration (not its grid or
    name), the trace's or ELF's contents and the simulator build."""
    seed = p["lfsr_seed"]
    return json.dumps([p["source"], src_hash, build, backend, p["entries"], p["ways"],
                       p["policy"], list(level_bits_of(p)), p["walk_cache"], p["mem_lat"],
                       seed])


# ---------------------------------------------------------------- the plan
class Task:
    """One program run; `then` turns its JSON output into results (a list of
    (run index, result)) and may return more tasks to run."""

    def __init__(self, kind, src, args, what, then):
        self.kind, self.src, self.args, self.what, self.then = kind, src, args, what, then


def plan(points, runs, files, per_point):
    """The tasks that give the results of `runs` (a list of (point index,
    backend) still to compute). Without per_point, C-model points of a trace
    are grouped (docs/sweeps.md, "One-pass evaluation"): LRU without a walk
    cache from one ctlru pass per number of sets; every other C-model point
    from one cttrace run per CTLB (and walk-cache geometry), the other memory
    latencies (and geometries) derived. Points whose derivation the trace's
    facts do not allow (an ID that does not fit the geometry, a table over
    cttrace's limit) run on their own."""
    tasks = []

    def single(i, b):
        p = points[i]
        kind = "ctsim" if p["source"] == "elf" else "cttrace"
        args = cttrace_args(p, b)
        if kind == "ctsim":
            r_bits = level_bits_of(p)
            return Task(kind, p["trace"], args, describe(p),
                        lambda out: ([((i, b), elf_result(out, r_bits))], []))
        return Task(kind, p["trace"], args, describe(p) + ("" if b == p["backend"] else
                                                           f" (RTL check)"),
                    lambda out: ([((i, b), trace_result(out, level_bits_of(p)))], []))

    grouped = {}  # trace -> [(i, b)]
    for i, b in runs:
        p = points[i]
        if per_point or p["source"] == "elf" or b != "c":
            tasks.append(single(i, b))
        else:
            grouped.setdefault(p["trace"], []).append((i, b))
    for tr, rs in grouped.items():
        geos = sorted({level_bits_of(points[i]) for i, _ in rs})
        info_args = [a for g in geos for a in ("--geometry", ",".join(map(str, g)))]

        def after_info(info, rs=rs, tr=tr):
            fits = {tuple(g["level_bits"]): g["table_words"] <= MAX_TABLE_WORDS
                    and info["max_id"] < ctable.id_count(g["level_bits"])
                    for g in info["geometries"]}
            return [], plan_trace(points, rs, info, fits, single)
        tasks.append(Task("ctlru", tr, info_args, f"trace {tr} (its facts, ctlru)", after_info))
    return tasks


def plan_trace(points, rs, info, fits, single):
    """The tasks of one trace's grouped C-model runs, given its facts."""
    tasks = []
    lru, groups = {}, {}
    for i, b in rs:
        p = points[i]
        bits = level_bits_of(p)
        if not fits[bits]:
            tasks.append(single(i, b))  # cttrace gives the error (or the result)
        elif p["policy"] == "lru" and p["walk_cache"] == 0:
            lru.setdefault(p["entries"] // p["ways"], []).append(i)
        else:
            seed = p["lfsr_seed"] if p["policy"] == "random" else 0
            key = (p["entries"], p["ways"], p["policy"], seed, p["walk_cache"]) + \
                ((bits,) if p["walk_cache"] else ())
            groups.setdefault(key, []).append(i)
    for sets, idx in sorted(lru.items()):
        maxw = max(points[i]["ways"] for i in idx)
        tr = points[idx[0]]["trace"]

        def after_lru(out, idx=idx):
            hits = out["sets"][0]["hits"]
            res = []
            for i in idx:
                p = points[i]
                h = hits[p["ways"].bit_length() - 1]
                res.append(((i, "c"), lru_result(out, h, level_bits_of(p), p["mem_lat"])))
            return res, []
        tasks.append(Task("ctlru", tr, ["--sets", f"{sets}:{maxw}"],
                          f"trace {tr}, LRU with {sets} sets (one pass, ctlru)", after_lru))
    for key, idx in groups.items():
        first = points[idx[0]]

        def after_base(out, idx=idx, first=first):
            base = trace_result(out, level_bits_of(first))
            res = []
            for i in idx:
                p = points[i]
                res.append(((i, "c"), base if i == idx[0] else
                            derive(base, level_bits_of(p), p["mem_lat"], p["walk_cache"])))
            return res, []
        tasks.append(Task("cttrace", first["trace"], cttrace_args(first, "c"),
                          describe(first), after_base))
    return tasks


# ---------------------------------------------------------------- engines
class LocalEngine:
    """Tasks on threads of this process (each waits for its program)."""

    def __init__(self, jobs):
        self.ex = cf.ThreadPoolExecutor(max_workers=jobs)

    def ship(self, data):
        return data

    def submit(self, fn, arg):
        return self.ex.submit(fn, arg)

    def wait(self, pending, timeout):
        done, _ = cf.wait(pending, timeout=timeout, return_when=cf.FIRST_COMPLETED)
        return done

    def workers(self):
        return 1

    def close(self, cancel=False):
        self.ex.shutdown(wait=True, cancel_futures=cancel)


class DaskEngine:
    """Tasks on a Dask cluster: an existing one (scheduler ADDRESS) or a local
    one started here with `jobs` worker processes. Dask reruns the tasks of a
    worker that dies."""

    def __init__(self, address, jobs, timeout):
        import logging
        try:
            import distributed
        except ImportError:
            raise SweepError("sweep: the Dask engine needs dask and distributed "
                             "(run bash scripts/setup.sh)")
        import sweep_worker
        for name in ("distributed", "distributed.worker", "distributed.nanny",
                     "distributed.scheduler", "distributed.core", "distributed.comm"):
            logging.getLogger(name).setLevel(logging.CRITICAL)
        self.cluster = None
        self.timeout = timeout
        self.address = address
        try:
            if address is None:
                self.cluster = distributed.LocalCluster(
                    n_workers=jobs, threads_per_worker=1, processes=True,
                    dashboard_address=None, silence_logs=logging.CRITICAL)
                self.client = distributed.Client(self.cluster, timeout=f"{timeout}s")
            else:
                self.client = distributed.Client(address, timeout=f"{timeout}s")
        except (OSError, TimeoutError) as e:
            self.close()
            raise SweepError(f"sweep: option --scheduler: no Dask scheduler answered at "
                             f"{address} within {timeout:g} s "
                             f"({str(e).splitlines()[0] if str(e) else type(e).__name__})")
        except ValueError as e:
            self.close()
            raise SweepError(f"sweep: option --scheduler: '{address}': {e}")
        try:
            self.client.wait_for_workers(1, timeout=timeout)
        except (TimeoutError, OSError):
            self.close()
            raise SweepError(f"sweep: the Dask scheduler {address} has no workers (waited "
                             f"{timeout:g} s)")
        # the workers import scripts/sweep_worker.py sent from here (also those
        # that join later): they need no checkout of the project
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            self.client.upload_file(sweep_worker.__file__)
        self.run_task = sweep_worker.run_task
        self.no_workers_since = None

    def ship(self, data):
        return self.client.scatter(data, broadcast=True)

    def submit(self, fn, arg):
        return self.client.submit(fn, arg, pure=False)

    def wait(self, pending, timeout):
        import distributed
        try:
            done, _ = distributed.wait(list(pending), timeout=timeout,
                                       return_when="FIRST_COMPLETED")
        except (TimeoutError, distributed.TimeoutError):
            done = set()
        if not done:  # no progress: are there still workers?
            n = len(self.client.scheduler_info().get("workers", {}))
            now = time.monotonic()
            if n:
                self.no_workers_since = None
            elif self.no_workers_since is None:
                self.no_workers_since = now
            elif now - self.no_workers_since > self.timeout:
                raise SweepError(f"sweep: the Dask cluster has had no workers for "
                                 f"{self.timeout:g} s: the sweep cannot finish")
        return set(done)

    def workers(self):
        return len(self.client.scheduler_info().get("workers", {}))

    def close(self, cancel=False):
        for obj in ("client", "cluster"):
            o = getattr(self, obj, None)
            if o is not None:
                try:
                    o.close()
                except Exception:  # noqa: BLE001 (shutting down anyway)
                    pass
                setattr(self, obj, None)


# ---------------------------------------------------------------- journal
class Journal:
    """The results of an unfinished sweep, one JSON line per result, appended as
    each completes (OUTPUT.journal): a sweep interrupted or failed on the way
    resumes from it; it is removed when the CSV is written."""

    def __init__(self, path):
        self.path = path
        self.f = None

    def load(self):
        recs = {}
        if self.path is None:
            return recs
        try:
            with open(self.path, encoding="utf-8") as f:
                for line in f:
                    try:
                        d = json.loads(line)
                        recs[d["key"]] = d
                    except (ValueError, KeyError, TypeError):
                        continue  # a line cut short by a kill
        except OSError:
            pass
        return recs

    def add(self, key, name, src_hash, result):
        if self.path is None:
            return
        try:
            if self.f is None:
                self.f = open(self.path, "a", encoding="utf-8")
            self.f.write(json.dumps({"key": key, "name": name, "source_hash": src_hash,
                                     "result": result}, sort_keys=True) + "\n")
            self.f.flush()
        except OSError as e:  # a full disk, a file size limit: no half journal
            f, self.f = self.f, None
            try:
                if f is not None:
                    f.close()
            except OSError:
                pass
            self.remove()
            raise SweepError(f"sweep: cannot write {self.path}: {e.strerror}") from None

    def close(self):
        if self.f is not None:
            self.f.close()
            self.f = None

    def remove(self):
        self.close()
        if self.path is None:
            return
        try:
            os.unlink(self.path)
        except OSError:
            pass

    def has_records(self):
        if self.path is None:
            return False
        try:
            return os.path.getsize(self.path) > 0
        except OSError:
            return False


def earlier_results(path, sources, builds):
    """Results held by an existing sweep CSV at the output path (its hash
    columns name the trace contents and the build): {key: record}."""
    recs = {}
    if not os.path.isfile(path):  # a FIFO or a device holds no earlier sweep
        return recs
    try:
        with open(path, newline="", encoding="utf-8") as f:
            rows = list(csv.DictReader(f))
    except (OSError, UnicodeDecodeError, csv.Error):
        return recs
    for r in rows:
        if not all(c in r for c in COLUMNS):
            return {}  # not a CSV of this version: nothing reused
        try:
            p = {"source": r["source"], "entries": int(r["entries"]), "ways": int(r["ways"]),
                 "policy": r["policy"], "walk_cache": int(r["walk_cache"]),
                 "mem_lat": int(r["mem_lat"]), "lfsr_seed": int(r["lfsr_seed"]),
                 "geometry": ("bits", tuple(int(x) for x in r["level_bits"].split(".")))}
        except ValueError:
            return {}
        res = {k: r[k] for k in RESULT_COLS}
        for b in [r["backend"]] + (["rtl"] if r["rtl_checked"] == "yes" else []):
            key = run_key(p, b, r["source_hash"], r["build_hash"])
            recs[key] = {"key": key, "name": r["trace"], "source_hash": r["source_hash"],
                         "result": res}
    return recs


# ---------------------------------------------------------------- hashes
def sha256_file(path, n=16):
    h = hashlib.sha256()
    with open(path, "rb") as f:
        for chunk in iter(lambda: f.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()[:n]


RTL_SOURCES = ["rtl/ctlb_*.v", "model/xlat_vl.cpp", "model/xlat_build.sh", "model/xlat.h",
               "model/xlat_impl.h"]


def build_hashes(args):
    """The simulator build behind the results of each source kind: a hash of the
    programs that compute them, of this script (which derives results) and of
    the RTL sources (the RTL backend is built from them on demand), the same for
    both backends, so that a row checked against the RTL names one build."""
    import glob
    h_self = sha256_file(os.path.abspath(__file__), 64)
    rtl = hashlib.sha256()
    for pat in RTL_SOURCES:
        for f in sorted(glob.glob(os.path.join(ROOT, pat))):
            rtl.update(os.path.relpath(f, ROOT).encode() + b"\0" + sha256_file(f, 64).encode())
    out = {}
    progs = {"trace": [args.cttrace, args.ctlru], "elf": [args.ctsim]}
    for kind, ps in progs.items():
        h = hashlib.sha256((h_self + rtl.hexdigest()).encode())
        for p in ps:
            h.update(sha256_file(p, 64).encode() if os.path.isfile(p) else b"-")
        out[(kind, "c")] = out[(kind, "rtl")] = h.hexdigest()[:16]
    return out


# ---------------------------------------------------------------- progress
class Progress:
    """done/total, rate and ETA on stderr (tqdm): redrawn in place on a
    terminal, otherwise a line every 10 %."""

    def __init__(self, total, enabled, reused=0):
        self.total, self.done, self.enabled = total, 0, enabled
        self.tty = sys.stderr.isatty()
        self.t0 = time.monotonic()
        self.last_decile = -1
        self.bar = None
        if not enabled:
            return
        if reused:
            print(f"sweep: {reused} points from earlier runs (journal or CSV), "
                  f"{total} to run", file=sys.stderr)
        try:
            import tqdm
            self.tqdm = tqdm
        except ImportError:  # pragma: no cover
            raise SweepError("sweep: tqdm is missing (run bash scripts/setup.sh)")
        if self.tty:
            self.bar = tqdm.tqdm(total=total, desc="sweep", unit="pt", file=sys.stderr,
                                 dynamic_ncols=True)
        else:
            self._line()

    def _line(self):
        dec = 10 * self.done // max(self.total, 1)
        if dec != self.last_decile:
            self.last_decile = dec
            meter = self.tqdm.tqdm.format_meter(self.done, self.total,
                                                time.monotonic() - self.t0, unit="pt")
            sys.stderr.write(f"sweep: {meter}\n")

    def step(self, n=1):
        self.done += n
        if not self.enabled:
            return
        if self.bar is not None:
            self.bar.update(n)
        else:
            self._line()

    def close(self):
        if self.bar is not None:
            self.bar.close()
            self.bar = None


# ---------------------------------------------------------------- running
class Runner:
    """Runs a sweep's tasks on an engine, records each result in the journal as
    it comes, and follows tasks that plan more (the grouped trace facts)."""

    def __init__(self, args, engine, files, hashes, builds, ship):
        self.args, self.engine, self.files = args, engine, files
        self.hashes, self.builds = hashes, builds
        self.shipped = {}
        if ship:
            for name, path in files.items():
                with open(path, "rb") as f:
                    self.shipped[name] = engine.ship(f.read())
        self.exe = {"cttrace": args.cttrace, "ctlru": args.ctlru, "ctsim": args.ctsim}
        self.exe_hash = {k: sweep_worker.file_hash(v) for k, v in self.exe.items()
                         if os.path.isfile(v)}

    def task_dict(self, t, kinds):
        src = self.files[t.src]
        return {"kind": t.kind, "exe": self.exe[t.kind], "exe_hash": self.exe_hash.get(t.kind),
                "args": t.args, "src_name": t.src, "src_kind": kinds[t.src], "src_path": src,
                "src_hash": self.hashes[t.src],
                "src_suffix": ".gz" if src.endswith(".gz") else
                (".ctb" if ".ctb" in os.path.basename(src) else
                 ".elf" if kinds[t.src] == "ELF" else ".ct"),
                "src_data": self.shipped.get(t.src), "timeout": self.args.timeout}

    def run(self, tasks, kinds, on_result, bar_total, progress, reused):
        bar = Progress(bar_total, progress, reused)
        fn = getattr(self.engine, "run_task", sweep_worker.run_task)
        pending = {}
        try:
            for t in tasks:
                pending[self.engine.submit(fn, self.task_dict(t, kinds))] = t
            while pending:
                for fut in self.engine.wait(set(pending), 1.0):
                    t = pending.pop(fut)
                    try:
                        r = fut.result()
                    except SweepError:
                        raise
                    except Exception as e:  # noqa: BLE001 (a task lost for good)
                        if os.environ.get("CTSWEEP_DEBUG"):
                            import traceback
                            traceback.print_exc()
                        raise SweepError(f"sweep: {t.what}: the task failed on the Dask "
                                         f"cluster: {type(e).__name__}: "
                                         f"{str(e).splitlines()[0] if str(e) else ''}")
                    if not r["ok"]:
                        raise SweepError(f"sweep: {t.what}: {r['msg']}", r["status"])
                    try:
                        results, more = t.then(r["out"])
                    except (KeyError, TypeError, ValueError, IndexError) as e:
                        raise SweepError(f"sweep: {t.what}: unexpected output ({e})")
                    for run, res in results:
                        bar.step(on_result(run, res))
                    for m in more:
                        pending[self.engine.submit(fn, self.task_dict(m, kinds))] = m
        except BaseException:
            bar.close()
            for f in pending:
                try:
                    f.cancel()
                except Exception:  # noqa: BLE001
                    pass
            raise
        bar.close()


def run_sweep(args, cfg, points, out, files):
    """Computes every point's results (reusing earlier ones); returns the CSV
    rows' results {(point index, backend): result}."""
    kinds = {n: "trace" for n in cfg.traces}
    kinds.update({n: "ELF" for n in cfg.elfs})
    used = list(dict.fromkeys(p["trace"] for p in points))
    hashes = {n: sha256_file(files[n]) for n in used}
    builds = build_hashes(args)
    keys = {}
    for i, p in enumerate(points):
        for b in [p["backend"]] + (["rtl"] if p["rtl_check"] else []):
            keys[(i, b)] = run_key(p, b, hashes[p["trace"]], builds[(p["source"], b)])
    # a journal beside a regular (or new) output file only: not beside a FIFO
    # or a device such as /dev/stdout
    journal = Journal(out + ".journal" if not os.path.exists(out) or os.path.isfile(out)
                      else None)
    recs = {} if args.fresh else earlier_results(out, hashes, builds)
    jrecs = {} if args.fresh else journal.load()
    recs.update(jrecs)
    # a trace that changed since the records were made: its points run again
    wanted = set(keys.values())
    changed = {}
    for d in recs.values():
        n = d.get("name")
        if n in hashes and d.get("source_hash") != hashes[n] and d["key"] not in wanted:
            changed[n] = d.get("source_hash")
    for n in sorted(changed):
        print(f"sweep: {kinds[n]} '{n}' changed since the recorded results (sha256 "
              f"{changed[n]}..., now {hashes[n]}...): its points run again", file=sys.stderr)
    results = {}
    for run, k in keys.items():
        if k in recs:
            results[run] = recs[k]["result"]
    todo = [run for run in keys if run not in results]
    if todo:
        if args.scheduler or args.engine == "dask":
            engine = DaskEngine(args.scheduler, args.jobs, args.connect_timeout)
        else:
            engine = LocalEngine(args.jobs)
        try:
            runner = Runner(args, engine, {n: files[n] for n in used}, hashes, builds,
                            args.ship_traces)
            tasks = plan(points, todo, files, args.per_point)
            got = {}

            def on_result(run, res):
                if run in results or run in got:
                    return 0
                got[run] = res
                i = run[0]
                journal.add(keys[run], points[i]["trace"], hashes[points[i]["trace"]], res)
                return 1
            runner.run(tasks, kinds, on_result, len(todo), not args.quiet,
                       len(keys) - len(todo))
            results.update(got)
        except BaseException:
            journal.close()
            if not journal.has_records():
                journal.remove()
            raise
        finally:
            engine.close(cancel=True)
    journal.close()
    missing = [run for run in keys if run not in results]
    if missing:  # (every task gives its results or fails)
        raise SweepError(f"sweep: internal: no result for {describe(points[missing[0][0]])}")
    return results, journal, hashes, builds


def rows(points, results, hashes, builds):
    for i, p in enumerate(points):
        st = results[(i, p["backend"])]
        if p["rtl_check"]:
            rt = results[(i, "rtl")]
            for k in STAT_COLS:
                if st.get(k) != rt.get(k):
                    raise SweepError(f"sweep: C model and RTL disagree at {describe(p)}: "
                                     f"{k} {st.get(k)} (C) vs {rt.get(k)} (RTL)", 1)
        row = {"grid": p["grid"], "trace": p["trace"], "backend": p["backend"],
               "entries": p["entries"], "ways": p["ways"], "policy": p["policy"],
               "walk_cache": p["walk_cache"], "mem_lat": p["mem_lat"],
               "lfsr_seed": p["lfsr_seed"]}
        row.update(st)
        misses = int(st["misses"])
        row["walk_cycles_per_miss"] = fmt(int(st["walk_cycles"]) / misses) if misses else ""
        row["rtl_checked"] = "yes" if p["rtl_check"] else ""
        row["source"] = p["source"]
        row["source_hash"] = hashes[p["trace"]]
        row["build_hash"] = builds[(p["source"], p["backend"])]
        yield [fmt(row[c]) for c in COLUMNS]


def write_csv_atomic(path, points, results, hashes, builds):
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\n")
    w.writerow(COLUMNS)
    for r in rows(points, results, hashes, builds):
        w.writerow(r)
    try:
        atomic_write(path, buf.getvalue().encode("utf-8"))
    except OSError as e:
        raise SweepError(f"sweep: {e}") from None


# ---------------------------------------------------------------- main
def _exe_ok(path):
    return os.path.isfile(path) and os.access(path, os.X_OK)


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
    kinds = {p["source"] for p in points}
    if "trace" in kinds:
        if not _exe_ok(args.cttrace):
            raise SweepError(f"sweep: {args.cttrace} not found or not executable "
                             "(run make build/cttrace)")
        if not args.per_point and not _exe_ok(args.ctlru):
            raise SweepError(f"sweep: option --ctlru: {args.ctlru} not found or not "
                             "executable (run make build/ctlru, or give --per-point)")
    if "elf" in kinds and not _exe_ok(args.ctsim):
        raise SweepError(f"sweep: option --ctsim: {args.ctsim} not found or not executable "
                         "(run make build/ctsim)")
    if any("gen" in cfg.traces.get(t, {}) for t in {p["trace"] for p in points}):
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
                   help="parallel runs: threads, or the worker processes of the local Dask "
                   "cluster (default: all cores, %(default)s here)")
    p.add_argument("--dry-run", action="store_true",
                   help="check the configuration and list the points and their cttrace "
                   "options on stdout; run nothing, write nothing")
    p.add_argument("--cttrace", default=os.path.join(ROOT, "build", "cttrace"),
                   help="the cttrace binary (default build/cttrace)")
    p.add_argument("--ctlru", default=os.path.join(ROOT, "build", "ctlru"),
                   help="the one-pass LRU program (default build/ctlru)")
    p.add_argument("--ctsim", default=os.path.join(ROOT, "build", "ctsim"),
                   help="the CPU simulator for ELF points (default build/ctsim)")
    p.add_argument("--per-point", action="store_true",
                   help="one cttrace run per point: no one-pass LRU evaluation, no derived "
                   "latencies or geometries (the same CSV, slower)")
    p.add_argument("--fresh", action="store_true",
                   help="reuse no earlier result (the journal of an interrupted run, or the "
                   "rows of an existing CSV at --output)")
    p.add_argument("--engine", choices=("local", "dask"), default="local",
                   help="local: threads of this process (default); dask: a Dask cluster, "
                   "a local one with --jobs worker processes unless --scheduler is given")
    p.add_argument("--scheduler", metavar="ADDRESS",
                   help="run on the Dask cluster whose scheduler is at ADDRESS (e.g. "
                   "tcp://host:8786); implies --engine dask")
    p.add_argument("--connect-timeout", type=float, default=30.0, metavar="S",
                   help="seconds to wait for the scheduler and its first worker, and the "
                   "longest a cluster may be without workers (default 30)")
    p.add_argument("--ship-traces", action="store_true",
                   help="send the traces and ELFs to the workers with the tasks instead of "
                   "reading them from the same paths there (a shared file system)")
    p.add_argument("--trace-dir", default=os.path.join(ROOT, "build", "sweep-traces"),
                   help="where generated traces are kept, named by a hash of their "
                   "tracegen arguments and tracegen.py, and reused (default "
                   "build/sweep-traces)")
    p.add_argument("--python", default=sys.executable,
                   help="Python interpreter for tracegen.py (default: this one)")
    p.add_argument("--timeout", type=float, default=600.0,
                   help="seconds one program run may take before the sweep fails, a "
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
        if not (math.isfinite(args.connect_timeout) and args.connect_timeout > 0):
            raise SweepError(f"sweep: option --connect-timeout: must be a positive number of "
                             f"seconds (got {args.connect_timeout})")
        cfg = SweepConfig(resolve_config(args.config))
        points = cfg.points()
        if not args.dry_run:
            out = args.output if args.output is not None else \
                os.path.join(ROOT, "build", f"sweep-{cfg.name}.csv")
            check_paths(args, cfg, out, points)
        else:
            for i, p in enumerate(points):
                rtl = "  +rtl-check" if p["rtl_check"] else ""
                prog = "ctsim" if p["source"] == "elf" else "cttrace"
                print(f"{i:5d} {p['grid']:<12} {p['trace']:<18} {prog} "
                      f"{' '.join(cttrace_args(p))}{rtl}")
            n_rtl = sum(p["rtl_check"] for p in points)
            print(f"{len(points)} points ({n_rtl} also on the RTL backend), "
                  f"{len({p['trace'] for p in points})} traces and ELFs")
            return 0
        t0 = time.monotonic()
        used = list(dict.fromkeys(p["trace"] for p in points if p["source"] == "trace"))
        files = prepare_traces(cfg, args.trace_dir, used, args.python, args.jobs)
        files.update({n: e["file"] for n, e in cfg.elfs.items()})
        results, journal, hashes, builds = run_sweep(args, cfg, points, out, files)
        try:
            write_csv_atomic(out, points, results, hashes, builds)
        except OSError as e:
            raise SweepError(f"sweep: cannot write {out}: {e.strerror}")
        journal.remove()
        if not args.quiet:
            n_rtl = sum(p["rtl_check"] for p in points)
            print(f"sweep: {len(points)} points ({n_rtl} checked against the RTL) in "
                  f"{time.monotonic() - t0:.1f} s -> {out}", file=sys.stderr)
        return 0
    except SweepError as e:
        print(str(e), file=sys.stderr)
        return e.status
    except KeyboardInterrupt:
        print("sweep: interrupted; no CSV written (the finished points are kept in "
              "OUTPUT.journal: run the same command again to resume)", file=sys.stderr)
        return 130


if __name__ == "__main__":
    sys.exit(run_main("sweep.py", main))
