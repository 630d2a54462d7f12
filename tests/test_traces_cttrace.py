"""build/cttrace, the trace-driven driver: cycle counts worked by hand, the
fully-associative-LRU hit count against LRU stack distances computed
independently by scripts/stackdist.py (generated and real traces, several sizes),
the C model against the RTL, and bad input."""
import json
import pathlib
import subprocess
import sys

import pytest

ROOT = pathlib.Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "scripts"))
import ctrace  # noqa: E402
import stackdist  # noqa: E402
from conftest import BIN, need  # noqa: E402

PY = sys.executable
TRACEGEN = str(ROOT / "scripts" / "tracegen.py")
HAND = ROOT / "traces" / "samples" / "hand.ct"
REAL = sorted((ROOT / "traces" / "real").glob("*.ct.gz"))


@pytest.fixture(scope="module")
def cttrace():
    return need(BIN / "cttrace", "build/cttrace")


def run(cttrace, *args):
    return subprocess.run([str(cttrace), *map(str, args)], capture_output=True, text=True)


def stats(cttrace, *args):
    r = run(cttrace, *args)
    assert r.returncode == 0, r.stderr
    out = {}
    for line in r.stdout.splitlines():
        k, v = line.split(" ", 1)
        out[k] = v
    return out


@pytest.fixture(scope="module")
def gen_traces(tmp_path_factory):
    d = tmp_path_factory.mktemp("gen")
    specs = {
        "zipf.ctb": ["zipf", "--count", "20000", "--ids", "700", "--skew", "0.9", "--seed", "11"],
        "phases-mixed.ct.gz": ["phases", "--count", "20000", "--ids", "2000", "--hot", "40",
                               "--phases", "5", "--patch-rate", "0.01", "--inv-rate", "0.02",
                               "--flush-rate", "0.0005", "--gap-rate", "0.05", "--seed", "12"],
        "loop-spread.ct": ["loop", "--count", "6000", "--ids", "100", "--id-map", "spread",
                           "--seed", "13"],
        "uniform.ctb.gz": ["uniform", "--count", "10000", "--ids", "150", "--inv-rate", "0.05",
                           "--seed", "14"],
    }
    out = {}
    for name, args in specs.items():
        p = d / name
        subprocess.run([PY, TRACEGEN, *args, "-o", str(p)], check=True)
        out[name] = p
    return out


# ---------------------------------------------------------------- by hand
def test_hand_trace_cycles(cttrace):
    """traces/samples/hand.ct, worked by hand from docs/accelerator.md's timing:
    a hit answers in its request cycle (1 cycle); a miss: the request cycle, then
    per level one FETCH cycle (read accepted) and mem_lat cycles until the answer,
    then one RESP cycle -> 3 levels: 3*(mem_lat+1)+2 cycles, 3*(mem_lat+1)+1 of
    them walker-busy. Calls: 0x10 miss, 17 miss, 0x10 hit, patch 0x10 (inv), 0x10
    miss, inv 17, 0x11 miss, flush, 0x10 miss: 1 hit, 5 misses, 3 invalidate
    cycles, a 20-cycle gap."""
    for lat in (1, 5):
        s = stats(cttrace, HAND, "--mem-lat", lat)
        miss = 3 * (lat + 1) + 2
        assert int(s["hits"]) == 1 and int(s["misses"]) == 5
        assert int(s["mem_reads"]) == 15
        assert int(s["walk_cycles"]) == 5 * (miss - 1)
        assert int(s["answer_cycles"]) == 5 * miss + 1
        # the CPU cost (docs/timing.md "Cycles per call"): a callid holds EX for
        # its answer cycles, then its redirect costs 1 + Li = 2 bubbles
        assert int(s["call_cycles"]) == 5 * miss + 1 + 6 * 2
        assert float(s["cycles_per_call"]) == pytest.approx((5 * miss + 1 + 12) / 6, abs=1e-6)
        assert int(s["cycles"]) == 5 * miss + 1 + 3 + 20
        assert int(s["invalidations"]) == 3
        assert int(s["events"]) == 10 and int(s["calls"]) == 6 and int(s["gap_cycles"]) == 20


def test_walk_cache_saves_reads(cttrace, tmp_path):
    # IDs 0..3 share the level-0 and level-1 entries: with a walk cache only the
    # first walk reads them; later walks read 1 entry (the leaf) each.
    t = tmp_path / "w.ct"
    t.write_text("#ctrace 1\ncall 0\ncall 1\ncall 2\ncall 3\n")
    s = stats(cttrace, t, "--walk-cache", "4")
    assert int(s["misses"]) == 4 and int(s["mem_reads"]) == 3 + 3 * 1
    assert int(s["walk_cache_hits"]) == 3 * 2


# ---------------------------------------------------------------- stack distances
SIZES = [1, 4, 16, 64, 256]


def check_against_stackdist(cttrace, path, sizes=SIZES):
    calls, cold, h = stackdist.analyse(str(path), "fast")
    want = stackdist.hits_for_sizes(h, sizes)
    for e in sizes:
        s = stats(cttrace, path, "--entries", e, "--ways", e, "--policy", "lru")
        assert int(s["calls"]) == calls
        assert int(s["hits"]) == want[e], f"{path.name}: {e} entries: cttrace {s['hits']} != stack distance {want[e]}"
        assert int(s["hits"]) + int(s["misses"]) == calls


@pytest.mark.parametrize("name", ["zipf.ctb", "phases-mixed.ct.gz", "loop-spread.ct", "uniform.ctb.gz"])
def test_lru_hits_equal_stack_distance_generated(cttrace, gen_traces, name):
    check_against_stackdist(cttrace, gen_traces[name])


@pytest.mark.parametrize("path", REAL, ids=lambda p: p.name)
def test_lru_hits_equal_stack_distance_real(cttrace, path):
    check_against_stackdist(cttrace, path, [2, 8, 32, 128, 512])


def test_set_associative_is_not_above_fully_associative_bound_for_loops(cttrace, gen_traces):
    # a loop over 100 IDs: any LRU cache below 100 entries never hits after warm-up
    # in the fully associative case (distance 99); the C model must agree
    s = stats(cttrace, gen_traces["loop-spread.ct"], "--entries", 64, "--ways", 64)
    assert int(s["hits"]) == 0


# ---------------------------------------------------------------- cycle accounting
SAMPLES = sorted((ROOT / "traces" / "samples").glob("*.ct*"))


@pytest.mark.parametrize("cfg", [
    [],
    ["--entries", "16", "--ways", "2", "--policy", "fifo", "--mem-lat", "3", "--walk-cache", "4"],
    ["--entries", "8", "--ways", "8", "--policy", "random", "--level-bits", "8,8,8,8"],
], ids=["default", "fifo-wc", "random-4lv"])
def test_cycle_accounting_identities(cttrace, cfg):
    """docs/traces.md "Events" and accelerator.md section 4, for any trace: a call
    costs the accelerator its request cycle plus its walk (a hit: 1), so
    answer_cycles = calls + walk_cycles, and the CPU (timing.md "Cycles per
    call": a callid's EX cycles + 1 + Li with Li = 1) call_cycles =
    answer_cycles + 2 calls; patch, inv and flush are one invalidate-port cycle each, gaps add
    their length, so cycles = call_cycles + invalidations + gap_cycles; each walk
    takes every level from memory or the walk cache (the driver builds full-depth
    tables, so no walk ends early and none faults): mem_reads + walk_cache_hits =
    misses * levels; and walk_cycles is m(1+L)+k+1 summed over the misses."""
    for path in SAMPLES + REAL:
        r = run(cttrace, path, "--stats-json", "-", *cfg)
        assert r.returncode == 0, (path.name, r.stderr)
        d = json.loads(r.stdout)
        assert d["answer_cycles"] == d["calls"] + d["walk_cycles"], path.name
        assert d["call_cycles"] == d["answer_cycles"] + 2 * d["calls"], path.name
        assert d["cycles"] == d["answer_cycles"] + d["invalidations"] + d["gap_cycles"], \
            path.name
        assert d["invalidations"] == d["patches"] + d["inv_events"] + d["flushes"], path.name
        assert d["hits"] + d["misses"] == d["calls"] and d["faults"] == 0, path.name
        assert d["mem_reads"] + d["walk_cache_hits"] == d["misses"] * d["levels"], path.name
        # and the walk cost formula m(1+L)+k+1 summed over the misses
        assert d["walk_cycles"] == d["mem_reads"] * (1 + d["mem_lat"]) + \
            d["walk_cache_hits"] + d["misses"], path.name


# ---------------------------------------------------------------- consistency
def test_forms_and_gaps_give_same_counts(cttrace, gen_traces, tmp_path):
    src = gen_traces["phases-mixed.ct.gz"]
    ev = list(ctrace.read_events(str(src)))
    nogap = [e for e in ev if e[0] != ctrace.GAP]
    gap_total = sum(e[1] for e in ev if e[0] == ctrace.GAP)
    assert gap_total > 0
    ctrace.write_trace(str(tmp_path / "a.ctb"), ev)
    ctrace.write_trace(str(tmp_path / "n.ct"), nogap)
    a = stats(cttrace, src)
    b = stats(cttrace, tmp_path / "a.ctb")
    n = stats(cttrace, tmp_path / "n.ct")
    for k in a:
        if k != "trace":
            assert a[k] == b[k], k
    for k in ("hits", "misses", "walk_cycles", "mem_reads", "answer_cycles", "call_cycles",
              "invalidations"):
        assert a[k] == n[k], k
    # idle cycles are skipped exactly: the gaps add exactly their length
    assert int(a["cycles"]) == int(n["cycles"]) + gap_total


def test_json_and_reproducible(cttrace, gen_traces, tmp_path):
    j1, j2 = tmp_path / "1.json", tmp_path / "2.json"
    for j in (j1, j2):
        r = run(cttrace, gen_traces["zipf.ctb"], "--stats-json", j, "--quiet")
        assert r.returncode == 0 and r.stdout == ""
    assert j1.read_bytes() == j2.read_bytes()
    d = json.loads(j1.read_text())
    s = stats(cttrace, gen_traces["zipf.ctb"])
    for k in ("events", "calls", "hits", "misses", "walk_cycles", "mem_reads", "faults",
              "invalidations", "cycles"):
        assert d[k] == int(s[k]), k
    assert d["calls"] == 20000 and d["hits"] + d["misses"] == 20000
    assert abs(d["hit_rate"] - d["hits"] / d["calls"]) < 1e-6
    assert abs(d["cycles_per_call"] - d["call_cycles"] / d["calls"]) < 1e-6
    assert abs(d["answer_cycles_per_call"] - d["answer_cycles"] / d["calls"]) < 1e-6
    assert d["call_cycles"] == d["answer_cycles"] + 2 * d["calls"]
    assert d["entries"] == 64 and d["ways"] == 4 and d["level_bits"] == [12, 10, 10]


def test_json_to_stdout(cttrace):
    r = run(cttrace, HAND, "--stats-json", "-")
    assert r.returncode == 0
    d = json.loads(r.stdout)
    # as in test_hand_trace_cycles with mem_lat 1: 5 misses of 3*(1+1)+2 = 8 cycles,
    # 1 hit of 1, 3 invalidate cycles, a 20-cycle gap: 40 + 1 + 3 + 20 = 64
    assert d["hits"] == 1 and d["misses"] == 5 and d["cycles"] == 64


@pytest.mark.parametrize("cfg", [
    ["--entries", "16", "--ways", "16"],
    ["--entries", "32", "--ways", "4", "--policy", "random", "--walk-cache", "4", "--mem-lat", "3"],
])
def test_rtl_backend_agrees_with_c(cttrace, gen_traces, tmp_path, cfg):
    src = tmp_path / "small.ct"
    ev = list(ctrace.read_events(str(gen_traces["phases-mixed.ct.gz"])))[:4000]
    ctrace.write_trace(str(src), ev)
    docs = {}
    for b in ("c", "rtl"):
        j = tmp_path / f"{b}.json"
        r = run(cttrace, src, "--backend", b, *cfg, "--stats-json", j, "--quiet")
        assert r.returncode == 0, r.stderr
        docs[b] = json.loads(j.read_text())
        docs[b].pop("backend")
    assert docs["c"] == docs["rtl"]


# ---------------------------------------------------------------- range faults
def test_range_error_and_count(cttrace, tmp_path):
    t = tmp_path / "r.ct"
    t.write_text("#ctrace 1\ncall 5\ncall 0x100000\ncall 5\n")
    j = tmp_path / "r.json"
    r = run(cttrace, t, "--level-bits", "10,10", "--stats-json", j)
    assert r.returncode == 2 and f"{t}:3:" in r.stderr and "0x100000" in r.stderr
    assert r.stderr.count("\n") == 1 and not j.exists()
    s = stats(cttrace, t, "--level-bits", "10,10", "--range-faults", "count")
    assert int(s["faults"]) == 1 and int(s["range_faults"]) == 1
    assert int(s["hits"]) == 1 and int(s["misses"]) == 2
    # 32 covered bits: nothing is out of range
    s = stats(cttrace, t, "--ctlb-even-levels", "2")
    assert int(s["faults"]) == 0


def test_range_patch_error_and_inv_passed(cttrace, tmp_path):
    # docs/traces.md: "A patch of such an ID is always an error; an inv of one is
    # passed to the accelerator" (levels 10,10 cover 20 bits)
    t = tmp_path / "p.ct"
    t.write_text("#ctrace 1\ncall 5\npatch 0x100000 0x80001000\n")
    j = tmp_path / "p.json"
    r = run(cttrace, t, "--level-bits", "10,10", "--range-faults", "count", "--stats-json", j)
    assert r.returncode == 2 and f"{t}:3:" in r.stderr and "0x100000" in r.stderr
    assert r.stderr.count("\n") == 1 and not j.exists()
    t.write_text("#ctrace 1\ncall 5\ninv 0x100000\ncall 5\n")
    s = stats(cttrace, t, "--level-bits", "10,10")
    # the inv is one invalidate-port cycle for another ID: ID 5 stays cached
    assert (s["hits"], s["misses"], s["invalidations"], s["faults"]) == ("1", "1", "1", "0")


# ---------------------------------------------------------------- bad input
BAD_TRACES = [
    (b"#ctrace 1\ncall 1\ncall x\n", ":3: malformed number"),
    (b"#ctrace 1\ncall 1\njump 2\n", ":3: unknown event type 'jump'"),
    (b"#ctrace 1\n", "empty trace"),
    (b"", "empty file"),
    (b"CTRB\x01\x00\x00\x00\x01\x00", "record cut short"),
]


@pytest.mark.parametrize("data,frag", BAD_TRACES)
def test_bad_traces(cttrace, tmp_path, data, frag):
    t = tmp_path / "bad.ct"
    t.write_bytes(data)
    j = tmp_path / "out.json"
    r = run(cttrace, t, "--stats-json", j)
    assert r.returncode == 2 and frag in r.stderr and r.stderr.count("\n") == 1, r.stderr
    assert r.stdout == "" and not j.exists()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["bad.ct"]


def test_truncated_gzip(cttrace, gen_traces, tmp_path):
    full = ctrace.gzip_bytes(ctrace.encode_text(ctrace.read_events(str(gen_traces["zipf.ctb"]))))
    t = tmp_path / "t.ct.gz"
    t.write_bytes(full[: len(full) * 2 // 3])
    j = tmp_path / "t.json"
    r = run(cttrace, t, "--stats-json", j)
    assert r.returncode == 2 and "truncated gzip" in r.stderr and not j.exists()


@pytest.mark.parametrize("args,frag", [
    (["--entries", "3"], "entries"),
    (["--ways", "3"], "ways"),
    (["--entries", "8", "--ways", "16"], "ways"),
    (["--policy", "mru"], "--policy"),
    (["--level-bits", "20,12"], "level"),
    (["--level-bits", "12,x"], "--level-bits"),
    (["--ctlb-even-levels", "5"], "--ctlb-even-levels"),
    (["--levels", "2"], "--levels is ambiguous"),
    (["--config", "e64w4-lru-l12.10.10"], "--config"),
    (["--dmem-lat", "08x"], "--dmem-lat"),
    (["--walk-cache", "3"], "walk"),
    (["--mem-lat", "0"], "--mem-lat"),
    (["--mem-lat", "-1"], "--mem-lat"),
    (["--backend", "verilog"], "--backend"),
    (["--range-faults", "ignore"], "--range-faults"),
    (["--bogus"], "unknown option"),
    (["--entries"], "needs a value"),
    (["--speed=1"], "takes no value"),
])
def test_bad_options(cttrace, tmp_path, args, frag):
    j = tmp_path / "o.json"
    r = run(cttrace, HAND, *args, "--stats-json", j) if args != ["--entries"] else \
        run(cttrace, HAND, "--stats-json", j, *args)
    assert r.returncode == 2 and frag in r.stderr and r.stderr.count("\n") == 1, r.stderr
    assert not j.exists()


def test_missing_trace_and_files(cttrace, tmp_path):
    for args in ([], [HAND, HAND], [tmp_path / "missing.ct"]):
        r = run(cttrace, *args)
        assert r.returncode == 2 and r.stderr.count("\n") == 1, args
    r = run(cttrace, HAND, "--stats-json", tmp_path / "no" / "x.json")
    assert r.returncode == 2 and "x.json" in r.stderr


def test_help_lists_every_option(cttrace):
    r = run(cttrace, "--help")
    assert r.returncode == 0
    for opt in ("--xlat", "--ctlb-entries", "--ctlb-ways", "--ctlb-policy", "--ctlb-levels",
                "--ctlb-even-levels", "--walk-cache", "--lfsr-seed", "--dmem-lat", "--config",
                "--backend", "--entries", "--ways", "--policy", "--level-bits", "--mem-lat",
                "--range-faults", "--stats-json",
                "--max-table-mb", "--speed", "--quiet", "--help"):
        assert opt in r.stdout, opt


def test_table_memory_limit(cttrace, tmp_path):
    # 600 IDs spread over 32 bits with 16/8/8 bits: a 256 KiB root, then almost
    # every ID needs its own 1 KiB level-1 and level-2 tables: about 1.4 MB
    t = tmp_path / "m.ct"
    subprocess.run([PY, TRACEGEN, "uniform", "--count", "600", "--ids", "600", "--id-map", "spread",
                    "-o", str(t)], check=True)
    r = run(cttrace, t, "--level-bits", "16,8,8", "--max-table-mb", "1")
    assert r.returncode == 2 and "--max-table-mb" in r.stderr
