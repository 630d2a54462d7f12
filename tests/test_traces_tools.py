"""scripts/tracegen.py and scripts/stackdist.py: reproducibility, statistics against
theory, the stack-distance algorithms against each other and against a direct
simulation of an LRU cache, and bad input."""
import collections
import math
import pathlib
import random
import subprocess
import sys

import pytest

ROOT = pathlib.Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "scripts"))
import ctrace  # noqa: E402
import stackdist  # noqa: E402

PY = sys.executable
TRACEGEN = str(ROOT / "scripts" / "tracegen.py")
STACKDIST = str(ROOT / "scripts" / "stackdist.py")


def gen(tmp_path, name, *args):
    out = tmp_path / name
    r = subprocess.run([PY, TRACEGEN, *args, "-o", str(out)], capture_output=True, text=True)
    assert r.returncode == 0, r.stderr
    return out


def calls(path):
    return [a for k, a, _ in ctrace.read_events(str(path)) if k == ctrace.CALL]


# ---------------------------------------------------------------- tracegen
@pytest.mark.parametrize("pattern", ["uniform", "zipf", "phases", "loop"])
def test_same_seed_same_bytes(tmp_path, pattern):
    extra = ["--patch-rate", "0.01", "--inv-rate", "0.01", "--gap-rate", "0.05", "--flush-rate", "0.001"]
    a = gen(tmp_path, "a.ctb.gz", pattern, "--count", "5000", "--seed", "7", *extra)
    b = gen(tmp_path, "b.ctb.gz", pattern, "--count", "5000", "--seed", "7", *extra)
    c = gen(tmp_path, "c.ctb.gz", pattern, "--count", "5000", "--seed", "8", *extra)
    assert a.read_bytes() == b.read_bytes()
    assert a.read_bytes() != c.read_bytes()
    ev = list(ctrace.read_events(str(a)))
    kinds = collections.Counter(k for k, _, _ in ev)
    assert kinds[ctrace.CALL] == 5000
    assert all(kinds[k] > 0 for k in (ctrace.PATCH, ctrace.INV, ctrace.GAP))


def test_uniform_all_ids_appear_evenly(tmp_path):
    n, ids = 40000, 100
    c = collections.Counter(calls(gen(tmp_path, "u.ct", "uniform", "--count", str(n), "--ids", str(ids))))
    assert sorted(c) == list(range(ids))
    mean = n / ids
    sd = math.sqrt(n * (1 / ids) * (1 - 1 / ids))
    assert all(abs(v - mean) < 5 * sd for v in c.values()), c.most_common(3)


@pytest.mark.parametrize("skew", [0.8, 1.0, 1.5])
def test_zipf_top_frequency_matches_theory(tmp_path, skew):
    n, ids = 30000, 500
    c = collections.Counter(calls(gen(tmp_path, "z.ct", "zipf", "--count", str(n), "--ids", str(ids),
                                      "--skew", str(skew), "--seed", "3")))
    h = sum(1 / k ** skew for k in range(1, ids + 1))
    for rank in (1, 2, 10):
        p = 1 / rank ** skew / h
        sd = math.sqrt(n * p * (1 - p))
        # dense mapping: rank k is ID k-1
        assert abs(c[rank - 1] - n * p) < 5 * sd, (rank, c[rank - 1], n * p)


def test_phases_hot_sets_shift(tmp_path):
    seq = calls(gen(tmp_path, "p.ct", "phases", "--count", "8000", "--ids", "1000",
                    "--phases", "4", "--hot", "10", "--hot-frac", "0.9"))
    hots = []
    for ph in range(4):
        part = seq[ph * 2000:(ph + 1) * 2000]
        top = collections.Counter(part).most_common(10)
        share = sum(v for _, v in top) / len(part)
        assert share > 0.85, (ph, share)  # 0.9 hot + a little of the 0.1 uniform
        hots.append({i for i, _ in top})
    assert len(set.union(*hots)) > 30  # different hot sets per phase


def test_loop_is_a_cycle(tmp_path):
    seq = calls(gen(tmp_path, "l.ct", "loop", "--count", "1000", "--ids", "37"))
    body = seq[:37]
    assert sorted(body) == list(range(37))
    assert all(seq[i] == body[i % 37] for i in range(1000))


def test_spread_mapping_is_injective_and_in_range(tmp_path):
    for bits in (12, 32):
        seq = calls(gen(tmp_path, "s.ct", "loop", "--count", "4000", "--ids", "4000",
                        "--id-map", "spread", "--id-bits", str(bits)))
        assert len(set(seq)) == 4000
        assert max(seq) < 1 << bits
        if bits == 32:
            assert max(seq) > 1 << 28  # really spread


@pytest.mark.parametrize("args,frag", [
    (["zipf", "--count", "0"], "--count"),
    (["zipf", "--ids", "x"], "--ids"),
    (["zipf", "--skew", "-1"], "--skew"),
    (["uniform", "--patch-rate", "1.5"], "--patch-rate"),
    (["phases", "--hot", "100", "--ids", "10"], "--hot"),
    (["uniform", "--id-map", "spread", "--id-bits", "4", "--ids", "17"], "--ids"),
    (["uniform", "--id-base", "0xFFFFFFFF", "--ids", "2"], "--id-base"),
    (["bogus"], "invalid choice"),
    # limits (docs/traces.md): these used to run out of memory, overflow or crash
    (["uniform", "--count", "10000001"], "--count: at most 10000000"),
    (["zipf", "--ids", "10000001", "--count", "5"], "--ids: zipf keeps a table"),
    (["loop", "--ids", "20000000", "--count", "5"], "--ids: loop keeps a table"),
    (["phases", "--ids", "4294967295", "--hot", "10000001", "--count", "20"], "--hot: at most"),
    (["zipf", "--skew", "1e300", "--count", "5"], "--skew"),
    (["zipf", "--skew", "nan", "--count", "5"], "--skew"),
    (["zipf", "--skew", "inf", "--count", "5"], "--skew"),
    (["uniform", "--hot-frac", "nan"], "--hot-frac"),
    (["uniform", "--gap-rate", "1", "--gap-max", "4294967296", "--count", "5"], "--gap-max"),
])
def test_tracegen_bad_options(tmp_path, args, frag):
    out = tmp_path / "x.ct"
    r = subprocess.run([PY, TRACEGEN, *args, "-o", str(out)], capture_output=True, text=True)
    assert r.returncode == 2 and frag in r.stderr and "Traceback" not in r.stderr, r.stderr
    assert len(r.stderr.splitlines()) == 1, r.stderr
    assert not out.exists() and not list(tmp_path.iterdir())


def test_tracegen_missing_folder_and_help(tmp_path):
    r = subprocess.run([PY, TRACEGEN, "zipf", "-o", str(tmp_path / "no" / "x.ct")],
                       capture_output=True, text=True)
    assert r.returncode == 2 and "does not exist" in r.stderr
    r = subprocess.run([PY, TRACEGEN, "--help"], capture_output=True, text=True)
    for opt in ("--count", "--ids", "--seed", "--id-map", "--skew", "--phases", "--hot",
                "--patch-rate", "--inv-rate", "--flush-rate", "--gap-rate", "--format"):
        assert opt in r.stdout, opt


# ---------------------------------------------------------------- stack distances
def lru_cache_hits(events, entries):
    """A direct simulation of a fully associative LRU cache that fills invalid
    ways first: an independent reference for stackdist."""
    ways = [None] * entries
    last = [0] * entries
    t = hits = 0
    for k, a, _ in events:
        if k == ctrace.CALL:
            t += 1
            if a in ways:
                hits += 1
                last[ways.index(a)] = t
            else:
                w = ways.index(None) if None in ways else min(range(entries), key=last.__getitem__)
                ways[w] = a
                last[w] = t
        elif k in (ctrace.INV, ctrace.PATCH):
            if a in ways:
                ways[ways.index(a)] = None
        elif k == ctrace.FLUSH:
            ways = [None] * entries
    return hits


def random_trace(seed, n=3000, ids=60):
    rng = random.Random(seed)
    ev = []
    for _ in range(n):
        r = rng.random()
        if r < 0.85:
            ev.append((ctrace.CALL, int(rng.random() ** 2 * ids), 0))
        elif r < 0.92:
            ev.append((ctrace.INV, rng.randrange(ids), 0))
        elif r < 0.97:
            ev.append((ctrace.PATCH, rng.randrange(ids), 4 * rng.randrange(1000)))
        elif r < 0.985:
            ev.append((ctrace.GAP, rng.randrange(1, 50), 0))
        else:
            ev.append((ctrace.FLUSH, 0, 0))
    return ev


def test_stack_distance_by_hand():
    C, I = ctrace.CALL, ctrace.INV
    ev = [(C, 1, 0), (C, 2, 0), (C, 1, 0), (C, 3, 0), (C, 2, 0), (I, 1, 0), (C, 2, 0), (C, 4, 0), (C, 3, 0)]
    # stack after each step (top first), '.' a hole:
    # 1 | 2 1 | 1 2 (d=1) | 3 1 2 | 2 3 1 (d=2) | inv1: 2 3 . | 2 3 . (d=0)
    # | call 4 takes the hole: 4 2 3 | 3 (d=2)
    want = [-1, -1, 1, -1, 2, 0, -1, 2]
    assert list(stackdist.distances_simple(ev)) == want
    assert list(stackdist.distances_fast(ev)) == want


@pytest.mark.parametrize("seed", range(6))
def test_fast_equals_simple_equals_cache(seed):
    ev = random_trace(seed)
    simple = list(stackdist.distances_simple(ev))
    fast = list(stackdist.distances_fast(ev))
    assert simple == fast
    _, _, h = stackdist.histogram(simple)
    for e in (1, 2, 3, 8, 16, 64):
        assert stackdist.hits_for_sizes(h, [e])[e] == lru_cache_hits(ev, e), (seed, e)


def test_fast_handles_growth_and_many_flushes():
    rng = random.Random(9)
    ev = [(ctrace.CALL, rng.randrange(3000), 0) for _ in range(5000)]
    ev[2500:2500] = [(ctrace.FLUSH, 0, 0)]
    assert list(stackdist.distances_simple(ev)) == list(stackdist.distances_fast(ev))


def test_stackdist_cli(tmp_path):
    t = gen(tmp_path, "l.ct", "loop", "--count", "1000", "--ids", "10")
    js = tmp_path / "s.json"
    r = subprocess.run([PY, STACKDIST, str(t), "--sizes", "4,10,16", "--algo", "both",
                        "--json", str(js)], capture_output=True, text=True)
    assert r.returncode == 0, r.stderr
    import json
    doc = json.loads(js.read_text())
    # a loop over 10 IDs: every reuse has distance 9 -> hits only with >= 10 entries
    assert doc["calls"] == 1000 and doc["infinite"] == 10
    assert [s["hits"] for s in doc["sizes"]] == [0, 990, 990]


@pytest.mark.parametrize("args,frag", [
    (["--sizes", "0"], "--sizes"),
    (["--sizes", "a,b"], "--sizes"),
    (["--algo", "x"], "--algo"),
])
def test_stackdist_bad_options(tmp_path, args, frag):
    t = tmp_path / "t.ct"
    t.write_text("#ctrace 1\ncall 1\n")
    r = subprocess.run([PY, STACKDIST, str(t), *args], capture_output=True, text=True)
    assert r.returncode == 2 and frag in r.stderr


def test_stackdist_bad_trace_no_json(tmp_path):
    t = tmp_path / "t.ct"
    t.write_text("#ctrace 1\ncall 1\nbogus\n")
    js = tmp_path / "out.json"
    r = subprocess.run([PY, STACKDIST, str(t), "--json", str(js)], capture_output=True, text=True)
    assert r.returncode == 2 and f"{t}:3:" in r.stderr and r.stderr.count("\n") == 1
    assert not js.exists() and sorted(p.name for p in tmp_path.iterdir()) == ["t.ct"]


def test_sampling_helpers():
    import tracegen
    rng = random.Random(5)
    for n, k in ((10, 10), (1000, 50), (7, 1)):
        s = tracegen.sample(rng, n, k)
        assert len(s) == k and len(set(s)) == k and all(0 <= v < n for v in s)
    assert sorted(tracegen.shuffled(rng, range(100))) == list(range(100))
    # each position of a 3-element shuffle takes each value about 1/3 of the time
    firsts = collections.Counter(tracegen.shuffled(rng, range(3))[0] for _ in range(6000))
    assert all(abs(firsts[v] - 2000) < 5 * math.sqrt(6000 * (1 / 3) * (2 / 3)) for v in range(3))


def test_count_bound_documented_where_used():
    """tracegen's upper bound on --count (tracegen.MAX_COUNT) is the number the
    docs and both --help texts give."""
    import tracegen
    n = str(tracegen.MAX_COUNT)
    for doc in ("docs/traces.md", "docs/sweeps.md"):
        assert f"at most\n{n}" in (ROOT / doc).read_text() or \
            f"at most {n}" in (ROOT / doc).read_text(), doc
    for script in ("tracegen.py", "sweep.py"):
        r = subprocess.run([PY, str(ROOT / "scripts" / script), "--help"], capture_output=True,
                           text=True)
        assert r.returncode == 0 and n in r.stdout, script
