"""scripts/sweep.py: CSV contents against independent expectations (stack
distances, a direct-mapped and a 2-way cache worked by hand, the walk-cost
formula of docs/accelerator.md section 4), determinism across --jobs, RTL-checked
points, and every bad input leaving no CSV behind."""
import csv
import gzip
import pathlib
import stat
import subprocess
import sys

import pytest

from conftest import BIN, need

ROOT = pathlib.Path(__file__).resolve().parent.parent
PY = sys.executable
SWEEP = ROOT / "scripts" / "sweep.py"
sys.path.insert(0, str(ROOT / "scripts"))
import stackdist  # noqa: E402


@pytest.fixture(scope="module")
def cttrace():
    return need(BIN / "cttrace", "build/cttrace")


def run_sweep(cfg_text, tmp, *args, name="cfg.yaml", out="out.csv"):
    cfg = tmp / name
    cfg.write_text(cfg_text)
    outp = tmp / out
    r = subprocess.run([PY, str(SWEEP), str(cfg), "-o", str(outp), "--trace-dir",
                        str(tmp / "gen"), *args], capture_output=True, text=True, timeout=300)
    return r, outp


def read_rows(path):
    with open(path, newline="") as f:
        return list(csv.DictReader(f))


HAND = "#ctrace 1\n" + "".join(f"call {i}\n" for i in (0, 4, 0, 1, 5, 1, 2, 2, 0))


def test_hand_worked_direct_mapped_and_two_way(cttrace, tmp_path):
    # Calls 0 4 0 1 5 1 2 2 0; set = id & (sets-1).
    # 4 entries, 1 way (4 sets): set 0 sees 0 4 0 ... 0: only the final 0 (after
    #   0 was refilled) and the second 2 hit -> 2 hits, 7 misses.
    # 4 entries, 2 ways (2 sets): set 0 sees 0 4 0 2 2 0, set 1 sees 1 5 1.
    #   LRU: set 0 m m h m(evicts 4) h h = 3 hits, set 1 m m h = 1 -> 4 hits.
    #   FIFO: set 0 m m h m(evicts 0, the oldest) h m = 2 hits, set 1 1 -> 3 hits.
    # Cost (default levels 12,10,10, mem_lat 1): a hit 1 cycle, a miss
    # 1 + 3*(1+1) + 1 = 8 cycles (request, 3 x FETCH+WAIT, RESP).
    (tmp_path / "hand.ct").write_text(HAND)
    cfg = f"""
traces:
  hand: {tmp_path / 'hand.ct'}
grids:
  - name: dm
    entries: 4
    ways: 1
  - name: tw
    entries: 4
    ways: 2
    policy: [lru, fifo]
"""
    r, out = run_sweep(cfg, tmp_path, "-q")
    assert r.returncode == 0, r.stderr
    rows = read_rows(out)
    got = [(x["grid"], x["policy"], int(x["hits"]), int(x["misses"]), int(x["call_cycles"]))
           for x in rows]
    # call_cycles: the CPU cost (docs/timing.md "Cycles per call"), the answer
    # cycles (a hit 1, a miss 8) + 2 per call
    assert got == [("dm", "lru", 2, 7, 2 * 3 + 7 * 10),
                   ("tw", "lru", 4, 5, 4 * 3 + 5 * 10),
                   ("tw", "fifo", 3, 6, 3 * 3 + 6 * 10)]
    assert all(float(x["walk_cycles_per_miss"]) == 7.0 for x in rows)


def test_fully_associative_lru_hits_equal_stack_distances(cttrace, tmp_path):
    sizes = [1, 2, 4, 8, 16, 32, 64, 128, 256]
    cfg = f"""
traces:
  objects: {ROOT / 'traces/real/lua-objects.ct.gz'}
  zipf: {{gen: zipf, count: 20000, ids: 500, skew: 0.8, seed: 7}}
  phases: {{gen: phases, count: 20000, ids: 800, hot: 40, phases: 4, inv_rate: 0.01,
           patch_rate: 0.005, flush_rate: 0.0005, seed: 9}}
grids:
  - name: fa
    entries: {sizes}
    ways: full
    policy: lru
"""
    r, out = run_sweep(cfg, tmp_path, "-q")
    assert r.returncode == 0, r.stderr
    rows = read_rows(out)
    assert len(rows) == 3 * len(sizes)
    gen = {p.name.split("-")[0]: p for p in (tmp_path / "gen").iterdir()}
    files = {"objects": ROOT / "traces/real/lua-objects.ct.gz",
             "zipf": gen["zipf"], "phases": gen["phases"]}
    for name, path in files.items():
        _, _, h = stackdist.analyse(str(path))
        want = stackdist.hits_for_sizes(h, sizes)
        for x in rows:
            if x["trace"] == name:
                e = int(x["entries"])
                assert int(x["ways"]) == e
                assert int(x["hits"]) == want[e], f"{name} entries {e}"


def test_walk_cycles_follow_the_formula(cttrace, tmp_path):
    # docs/accelerator.md section 4: m levels read from memory with latency L and
    # k walk-cache levels answer at m(1+L)+k+1; without a walk cache m = levels.
    # A call takes the accelerator 1 cycle on a hit and walk + 1 (the request
    # cycle) on a miss; the CPU pays 2 more per call (call_cycles).
    bits = {1: "16", 2: "8,8", 3: "6,6,4", 4: "4,4,4,4"}
    lats = [1, 3, 10, 100]
    cfg = f"""
traces:
  u: {{gen: uniform, count: 3000, ids: 300, seed: 4}}
grids:
  - name: pen
    entries: 16
    ways: 4
    level_bits: {[bits[k] for k in sorted(bits)]}
    mem_lat: {lats}
"""
    r, out = run_sweep(cfg, tmp_path, "-q")
    assert r.returncode == 0, r.stderr
    rows = read_rows(out)
    assert len(rows) == len(bits) * len(lats)
    seen = set()
    for x in rows:
        n, m = int(x["levels"]), int(x["mem_lat"])
        seen.add((n, m))
        per_miss = n * (1 + m) + 0 + 1
        hits, misses = int(x["hits"]), int(x["misses"])
        assert hits + misses == 3000
        assert misses > 0
        assert int(x["walk_cycles"]) == misses * per_miss, (n, m)
        assert float(x["walk_cycles_per_miss"]) == per_miss, (n, m)
        assert int(x["mem_reads"]) == misses * n
        # the CPU cost: answer cycles (a hit 1, a miss per_miss + 1) + 2 per call
        assert int(x["call_cycles"]) == hits * 3 + misses * (per_miss + 3), (n, m)
        assert x["level_bits"] == bits[n].replace(",", ".")
    assert seen == {(n, m) for n in bits for m in lats}


DET_CFG = """
traces:
  z: {gen: zipf, count: 4000, ids: 300, seed: 2}
  l: {gen: loop, count: 3000, ids: 40, seed: 3}
grids:
  - name: g
    entries: [8, 32, 64]
    ways: [1, 2, full]
    policy: [lru, plru, fifo, random]
  - name: p
    traces: [z]
    levels: [2, 4]
    mem_lat: [1, 5]
    walk_cache: [0, 4]
"""


def test_deterministic_for_any_jobs(cttrace, tmp_path):
    r1, o1 = run_sweep(DET_CFG, tmp_path, "--jobs", "1", "-q", out="a.csv")
    r2, o2 = run_sweep(DET_CFG, tmp_path, "--jobs", "2", "-q", out="b.csv")
    r3, o3 = run_sweep(DET_CFG, tmp_path, "--jobs", "7", "-q", out="c.csv")
    assert r1.returncode == r2.returncode == r3.returncode == 0, r1.stderr + r2.stderr
    assert o1.read_bytes() == o2.read_bytes() == o3.read_bytes()
    rows = read_rows(o1)
    assert len(rows) == 2 * 3 * 3 * 4 + 2 * 2 * 2
    # canonical order: grid, trace, ..., entries varies fastest
    assert [x["entries"] for x in rows[:3]] == ["8", "32", "64"]
    assert [(x["grid"], x["trace"]) for x in rows[:1] + rows[-1:]] == [("g", "z"), ("p", "z")]
    # the dry run lists the same number of points and writes nothing
    cfg = tmp_path / "cfg.yaml"
    d = subprocess.run([PY, str(SWEEP), str(cfg), "--dry-run", "-o", str(tmp_path / "d.csv")],
                       capture_output=True, text=True)
    assert d.returncode == 0 and f"{len(rows)} points" in d.stdout
    assert not (tmp_path / "d.csv").exists()


def test_progress_bar_on_stderr(cttrace, tmp_path):
    r, out = run_sweep(DET_CFG, tmp_path)
    assert r.returncode == 0
    n = len(read_rows(out))
    # tqdm's meter, a line every 10 % off a terminal: done/total [elapsed<ETA, rate]
    lines = [l for l in r.stderr.splitlines() if l.startswith("sweep: ") and "|" in l]
    assert len(lines) == 11, r.stderr
    assert f"| {n}/{n} [" in lines[-1] and "pt/s]" in lines[-1] and "100%" in lines[-1]
    assert f"| 0/{n} [00:00<?, ?pt/s]" in lines[0]


def test_rtl_marked_points_agree(cttrace, tmp_path):
    cfg = """
traces:
  z: {gen: zipf, count: 3000, ids: 200, seed: 5}
grids:
  - name: g
    entries: [16, 32]
    ways: [2, full]
    policy: [lru, random]
    rtl_check: [{entries: 16, ways: 2}, {ways: full, policy: lru}]
"""
    r, out = run_sweep(cfg, tmp_path, "-q")
    assert r.returncode == 0, r.stderr
    marked = [(x["entries"], x["ways"], x["policy"]) for x in read_rows(out)
              if x["rtl_checked"] == "yes"]
    assert marked == [("16", "2", "lru"), ("16", "2", "random"), ("16", "16", "lru"),
                      ("32", "32", "lru")]


def test_rtl_backend_grid_equals_c(cttrace, tmp_path):
    cfg = """
traces:
  p: {gen: phases, count: 3000, ids: 300, hot: 20, phases: 3, inv_rate: 0.01, seed: 6}
grids:
  - name: g
    entries: 32
    ways: 8
    policy: plru
    walk_cache: 4
    mem_lat: 3
    backend: [c, rtl]
"""
    r, out = run_sweep(cfg, tmp_path, "-q")
    assert r.returncode == 0, r.stderr
    rows = read_rows(out)
    assert [x["backend"] for x in rows] == ["c", "rtl"]
    c, rtl = ({k: v for k, v in x.items() if k != "backend"} for x in rows)
    assert c == rtl and int(c["hits"]) > 0 and int(c["walk_cache_hits"]) > 0


def test_rtl_disagreement_is_an_error(cttrace, tmp_path):
    # a cttrace wrapper whose RTL backend reports one hit more
    fake = tmp_path / "fake-cttrace"
    fake.write_text(f"""#!{PY}
import json, subprocess, sys
r = subprocess.run([{str(cttrace)!r}] + sys.argv[1:], capture_output=True, text=True)
if r.returncode:
    sys.stderr.write(r.stderr); sys.exit(r.returncode)
d = json.loads(r.stdout)
if d["backend"] == "rtl":
    d["hits"] += 1
print(json.dumps(d))
""")
    fake.chmod(fake.stat().st_mode | stat.S_IXUSR)
    cfg = """
traces:
  z: {gen: zipf, count: 1000, ids: 100, seed: 5}
grids:
  - name: g
    entries: [8, 16]
    rtl_check: [{entries: 16}]
"""
    r, out = run_sweep(cfg, tmp_path, "-q", "--cttrace", str(fake))
    assert r.returncode == 1
    assert "disagree" in r.stderr and "entries 16" in r.stderr and "hits" in r.stderr
    assert len(r.stderr.strip().splitlines()) == 1
    assert not out.exists()


GOOD_TRACE = "#ctrace 1\ncall 1\ncall 2\ncall 1\n"


def _bad_cases(tmp):
    (tmp / "good.ct").write_text(GOOD_TRACE)
    (tmp / "bad.ct").write_text("#ctrace 1\ncall 1\ncall\n")
    (tmp / "unk.ct").write_text("#ctrace 1\ncall 1\njump 3\n")
    (tmp / "empty.ct").write_text("")
    (tmp / "wide.ct").write_text("#ctrace 1\ncall 0x12345\n")
    data = gzip.compress(("#ctrace 1\n" + "call 7\n" * 5000).encode())
    (tmp / "trunc.ct.gz").write_bytes(data[: len(data) // 2])
    g = tmp / "good.ct"

    def c(grid, trace=g, extra=""):
        return f"traces:\n  t: {trace}\n{extra}grids:\n  - {grid}\n"
    return [
        ("unknown-key", c("{name: g, entrys: 8}"), "unknown key 'entrys'"),
        ("unknown-top", c("{name: g}", extra="sweeps: 1\n"), "unknown key 'sweeps'"),
        ("wrong-type", c("{name: g, entries: eight}"), "'entries' must be a power of two"),
        ("not-pow2", c("{name: g, entries: 3}"), "'entries' must be a power of two"),
        ("too-big", c("{name: g, entries: 2048}"), "'entries'"),
        ("ways>entries", c("{name: g, entries: 4, ways: 8}"), "ways 8 is larger than entries 4"),
        ("policy", c("{name: g, policy: mru}"), "'policy' must be one of"),
        ("mem-lat", c("{name: g, mem_lat: 0}"), "'mem_lat'"),
        ("walk-cache", c("{name: g, walk_cache: 3}"), "'walk_cache'"),
        ("level-bits", c("{name: g, level_bits: ['17']}"), "'level_bits'"),
        ("level-sum", c("{name: g, level_bits: ['16,16,16']}"), "sum to at most 32"),
        ("levels-both", c("{name: g, levels: 2, level_bits: ['8']}"), "not both"),
        ("bool", c("{name: g, entries: true}"), "'entries'"),
        ("no-grids", f"traces:\n  t: {g}\n", "'grids' must be a non-empty list"),
        ("gen-opt", "traces:\n  t: {gen: zipf, skw: 1}\ngrids:\n  - {name: g}\n",
         "unknown tracegen option 'skw'"),
        ("gen-bad-value", "traces:\n  t: {gen: zipf, ids: 0}\ngrids:\n  - {name: g}\n",
         "tracegen"),
        ("gen-pattern", "traces:\n  t: {gen: gauss}\ngrids:\n  - {name: g}\n", "'gen' must be"),
        # tracegen's limits are checked with the configuration, before any run
        ("gen-count", "traces:\n  t: {gen: zipf, count: 10000001}\ngrids:\n  - {name: g}\n",
         "trace 't': tracegen: argument --count: at most 10000000"),
        ("gen-skew-nan", "traces:\n  t: {gen: zipf, skew: .nan}\ngrids:\n  - {name: g}\n",
         "trace 't': tracegen: argument --skew"),
        ("gen-gap-max", "traces:\n  t: {gen: zipf, gap_rate: 0.5, gap_max: 4294967296}\n"
         "grids:\n  - {name: g}\n", "argument --gap-max"),
        ("unknown-trace", c("{name: g, traces: [u]}"), "unknown trace 'u'"),
        ("rtl-key", c("{name: g, rtl_check: [{size: 4}]}"), "rtl_check: unknown key 'size'"),
        ("rtl-nomatch", c("{name: g, entries: 8, rtl_check: [{entries: 16}]}"),
         "matches no point"),
        ("yaml-syntax", "traces: [a, b\ngrids: {\n", "invalid YAML"),
        ("yaml-scalar", "just text\n", "must hold a mapping"),
        ("missing-trace", c("{name: g}", trace=tmp / "nope.ct"), "cannot read"),
        ("malformed-trace", c("{name: g}", trace=tmp / "bad.ct"), "bad.ct:3"),
        ("unknown-event", c("{name: g}", trace=tmp / "unk.ct"), "unk.ct:3"),
        ("empty-trace", c("{name: g}", trace=tmp / "empty.ct"), "empty"),
        ("truncated-gzip", c("{name: g}", trace=tmp / "trunc.ct.gz"), "trunc.ct.gz"),
        ("id-out-of-range", c("{name: g, level_bits: ['8']}", trace=tmp / "wide.ct"),
         "does not fit"),
    ]


def test_bad_inputs_leave_no_csv(cttrace, tmp_path):
    cases = _bad_cases(tmp_path)
    failures = []
    for name, text, frag in cases:
        d = tmp_path / name
        d.mkdir()
        r, out = run_sweep(text, d, "-q")
        left = sorted(p.name for p in d.iterdir() if p.name not in ("cfg.yaml", "gen"))
        lines = r.stderr.strip().splitlines()
        if r.returncode != 2 or len(lines) != 1 or frag not in lines[0] or left \
                or "Traceback" in r.stderr:
            failures.append(f"{name}: rc={r.returncode} left={left} stderr={r.stderr!r}")
    assert not failures, "\n".join(failures)


def test_bad_command_line(cttrace, tmp_path):
    (tmp_path / "good.ct").write_text(GOOD_TRACE)
    ok = f"traces:\n  t: {tmp_path / 'good.ct'}\ngrids:\n  - {{name: g}}\n"
    r, out = run_sweep(ok, tmp_path, "--jobs", "0")
    assert r.returncode == 2 and "--jobs" in r.stderr and not out.exists()
    r, out = run_sweep(ok, tmp_path, "--cttrace", str(tmp_path / "none"))
    assert r.returncode == 2 and "not found" in r.stderr and not out.exists()
    r = subprocess.run([PY, str(SWEEP), str(tmp_path / "missing.yaml")], capture_output=True,
                       text=True)
    assert r.returncode == 2 and "cannot read config" in r.stderr
    r = subprocess.run([PY, str(SWEEP), str(tmp_path / "cfg.yaml"), "-o",
                        str(tmp_path / "no" / "dir.csv")], capture_output=True, text=True)
    assert r.returncode == 2 and "does not exist" in r.stderr
    slow = tmp_path / "slow-cttrace"
    slow.write_text("#!/bin/sh\nexec sleep 5\n")
    slow.chmod(slow.stat().st_mode | stat.S_IXUSR)
    r, out = run_sweep(ok, tmp_path, "--cttrace", str(slow), "--timeout", "0.5", "-q",
                       "--per-point")
    assert r.returncode == 2 and "timed out after 0.5 s" in r.stderr and not out.exists()
    # the named configurations all load
    for y in sorted((ROOT / "scripts" / "sweeps").glob("*.yaml")):
        r = subprocess.run([PY, str(SWEEP), y.stem, "--dry-run"], capture_output=True, text=True)
        assert r.returncode == 0 and " points (" in r.stdout, (y, r.stderr)


def test_bad_options_refused_before_the_sweep(tmp_path):
    """Options that used to fail after every point had run (or ran for ever):
    refused with one line before the first cttrace run (a fake cttrace that
    records its runs) and before any trace is generated."""
    log = tmp_path / "runs.log"
    fake = tmp_path / "fake-cttrace"
    fake.write_text(f"#!/bin/sh\necho run >> {log}\nexit 2\n")
    fake.chmod(fake.stat().st_mode | stat.S_IXUSR)
    (tmp_path / "good.ct").write_text(GOOD_TRACE)
    (tmp_path / "afile").write_text("x")
    (tmp_path / "adir").mkdir()
    ok = (f"traces:\n  t: {tmp_path / 'good.ct'}\n  z: {{gen: zipf, count: 100, ids: 10}}\n"
          "grids:\n  - {name: g}\n")
    cases = [
        (["-o", str(tmp_path / "adir")], "is a directory"),
        (["-o", ""], "empty file name"),
        (["--timeout", "nan"], "option --timeout: must be a positive number"),
        (["--timeout", "inf"], "option --timeout"),
        (["--timeout", "-1"], "option --timeout"),
        (["--trace-dir", str(tmp_path / "afile")], "option --trace-dir"),
        (["--trace-dir", str(tmp_path / "afile" / "sub")], "option --trace-dir"),
        (["--python", str(tmp_path / "no-python")], "option --python"),
        (["--cttrace", str(tmp_path / "adir")], "not found or not executable"),
    ]
    for extra, frag in cases:
        (tmp_path / "cfg.yaml").write_text(ok)
        args = ["-o", str(tmp_path / "out.csv"), "--trace-dir", str(tmp_path / "gen"),
                "--cttrace", str(fake), "-q"]
        r = subprocess.run([PY, str(SWEEP), str(tmp_path / "cfg.yaml"), *args, *extra],
                           capture_output=True, text=True, timeout=60)
        lines = r.stderr.strip().splitlines()
        assert r.returncode == 2 and len(lines) == 1 and frag in lines[0], (extra, r.stderr)
        assert not log.exists() and not (tmp_path / "gen").exists(), extra
        assert not (tmp_path / "out.csv").exists(), extra


def test_failed_run_keeps_previous_csv(cttrace, tmp_path):
    (tmp_path / "good.ct").write_text(GOOD_TRACE)
    (tmp_path / "bad.ct").write_text("#ctrace 1\nfoo\n")
    ok = f"traces:\n  t: {tmp_path / 'good.ct'}\ngrids:\n  - {{name: g}}\n"
    r, out = run_sweep(ok, tmp_path, "-q")
    assert r.returncode == 0
    before = out.read_bytes()
    bad = ok.replace("good.ct", "bad.ct")
    r, out = run_sweep(bad, tmp_path, "-q")
    assert r.returncode == 2 and out.read_bytes() == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["bad.ct", "cfg.yaml", "good.ct",
                                                          "out.csv"]


def test_help_covers_every_option():
    r = subprocess.run([PY, str(SWEEP), "--help"], capture_output=True, text=True)
    assert r.returncode == 0
    for opt in ("--output", "--jobs", "--dry-run", "--cttrace", "--trace-dir", "--python",
                "--timeout", "--quiet", "rtl_check", "level_bits", "docs/sweeps.md"):
        assert opt in r.stdout, opt
