"""scripts/sweep.py at scale (issue 14): the grouped evaluation (one-pass LRU
by build/ctlru, derived latencies and geometries) gives the bytes of one
cttrace run per point; ctlru's hits against stack distances and a CTLB worked
by hand; the journal (a sweep killed on the way resumes and runs only what is
missing; a rerun with new points runs only those; a changed trace reruns with a
message); whole-program (ELF) points against ctsim itself and the .ct_geometry
rule."""
import csv
import json
import os
import pathlib
import signal
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


def sweep(cfg, out, *args, timeout=600):
    return subprocess.run([PY, str(SWEEP), str(cfg), "-o", str(out), "-q",
                           "--trace-dir", str(out.parent / "gen"), *args],
                          capture_output=True, text=True, timeout=timeout)


def rows(path):
    with open(path, newline="") as f:
        return list(csv.DictReader(f))


GROUPED = """
traces:
  objects: {objects}
  ph: {{gen: phases, count: 20000, ids: 900, hot: 40, phases: 4, inv_rate: 0.01,
        patch_rate: 0.005, flush_rate: 0.0005, gap_rate: 0.01, seed: 9}}
  wide: {{gen: zipf, count: 5000, ids: 3000, id_map: spread, seed: 2}}
grids:
  - name: g
    traces: [objects, ph]
    ctlb_entries: [8, 64, 512]
    ctlb_ways: [1, 8, full]
    ctlb_policy: [lru, plru, fifo, random]
    dmem_lat: [1, 3]
  - name: p
    traces: [ph, wide]
    ctlb_entries: [16, 32]
    ctlb_ways: [2, full]
    ctlb_policy: [lru, fifo]
    ctlb_levels: ["16", "16,16", "12,10,10", "8,8,8,8"]
    dmem_lat: [1, 7]
    walk_cache: [0, 4]
    lfsr_seed: 0
"""


def test_grouped_equals_one_run_per_point(tmp_path):
    """Every point of the grouped sweep (LRU from ctlru, the rest derived from one
    cttrace run per CTLB) is byte-identical to its own cttrace run, on a real
    trace and on generated ones with invalidations, patches, flushes and gaps;
    the 'wide' trace's 32-bit IDs do not fit one level of 16 bits, so those
    points fall back to their own run, which fails with cttrace's message."""
    cfg = tmp_path / "c.yaml"
    cfg.write_text(GROUPED.format(objects=ROOT / "traces/real/lua-objects.ct.gz"))
    r1 = sweep(cfg, tmp_path / "a.csv")
    assert r1.returncode == 2 and "does not fit the 16-bit table" in r1.stderr, r1.stderr
    ok = cfg.read_text().replace('"16", "16,16"', '"16,16"')
    cfg.write_text(ok)
    r1 = sweep(cfg, tmp_path / "a.csv")
    r2 = sweep(cfg, tmp_path / "b.csv", "--per-point")
    assert r1.returncode == 0 and r2.returncode == 0, r1.stderr + r2.stderr
    a, b = (tmp_path / "a.csv").read_bytes(), (tmp_path / "b.csv").read_bytes()
    assert a == b
    got = rows(tmp_path / "a.csv")
    assert len(got) == 2 * 3 * 3 * 4 * 2 + 2 * 2 * 2 * 2 * 3 * 2 * 2
    # and the grouped run used ctlru (its facts task is what says 'does not fit'
    # early): fewer than a tenth of the points ran cttrace (checked by timing-free
    # counting in test_resume_runs_only_what_is_missing)


def test_ctlru_hits_against_stack_distances_and_by_hand(tmp_path):
    ctlru = need(BIN / "ctlru", "build/ctlru")
    # by hand: calls 0 4 0 1 5 1 2 2 0 (tests/test_sweep.py's worked example): 4
    # sets of 1 way: 2 hits; 2 sets of 2 ways: LRU 4 hits (and 1 way: set 0 sees
    # 0 4 0 2 2 0 -> the second 2 hits, set 1 sees 1 5 1 -> none: 1 hit)
    t = tmp_path / "hand.ct"
    t.write_text("#ctrace 1\n" + "".join(f"call {i}\n" for i in (0, 4, 0, 1, 5, 1, 2, 2, 0)))
    out = json.loads(subprocess.run([str(ctlru), "--sets", "4:1", "--sets", "2:2", str(t)],
                                    capture_output=True, text=True, check=True).stdout)
    assert [s["hits"] for s in out["sets"]] == [[2], [1, 4]]
    assert out["calls"] == 9 and out["max_id"] == 5 and out["ids"] == 5
    # one set = fully associative LRU: stack distances (scripts/stackdist.py's
    # simple list algorithm), with invalidations, patches and flushes
    gen = tmp_path / "ph.ct"
    subprocess.run([PY, str(ROOT / "scripts" / "tracegen.py"), "phases", "--count", "6000",
                    "--ids", "300", "--hot", "20", "--phases", "3", "--inv-rate", "0.02",
                    "--patch-rate", "0.01", "--flush-rate", "0.001", "--seed", "4", "-o",
                    str(gen)], check=True)
    out = json.loads(subprocess.run([str(ctlru), "--sets", "1:512", "--geometry", "8,8",
                                     str(gen)], capture_output=True, text=True,
                                    check=True).stdout)
    _, _, h = stackdist.analyse(str(gen), "simple")
    sizes = [1 << k for k in range(10)]
    want = stackdist.hits_for_sizes(h, sizes)
    assert out["sets"][0]["hits"] == [want[s] for s in sizes]
    # the table cttrace builds for 8,8: the root and a 256-entry table per
    # distinct upper byte of the IDs called or patched
    import ctrace
    ids = {e[1] for e in ctrace.read_events(str(gen)) if e[0] in (ctrace.CALL, ctrace.PATCH)}
    assert out["geometries"][0]["table_words"] == 256 + 256 * len({i >> 8 for i in ids})
    assert out["max_id"] == max(ids)
    bad = subprocess.run([str(ctlru), "--sets", "64:32", str(gen)], capture_output=True,
                         text=True)
    assert bad.returncode == 2 and "S x W <= 1024" in bad.stderr


def _counting_cttrace(tmp):
    """A cttrace that logs each run and, while the file kill-at holds N, kills the
    sweep (its parent) with SIGKILL at its run number N (one program for both
    runs: the build hash covers the cttrace file)."""
    log = tmp / "runs.log"
    kill = tmp / "kill-at"
    fake = tmp / "cttrace"
    fake.write_text(f"""#!{PY}
import os, signal, sys
with open({str(log)!r}, "a") as f:
    f.write(" ".join(sys.argv[1:]) + "\\n")
n = sum(1 for _ in open({str(log)!r}))
if os.path.exists({str(kill)!r}) and n == int(open({str(kill)!r}).read()):
    os.kill(os.getppid(), signal.SIGKILL)
    sys.exit(3)
os.execv({str(BIN / 'cttrace')!r}, [{str(BIN / 'cttrace')!r}] + sys.argv[1:])
""")
    fake.chmod(fake.stat().st_mode | stat.S_IXUSR)
    return fake, log, kill


RESUME = """
traces:
  z: {{gen: zipf, count: 3000, ids: 300, seed: 2}}
grids:
  - name: g
    ctlb_entries: {entries}
    ctlb_ways: [1, 4]
    ctlb_policy: [fifo, random]
    dmem_lat: [1, 2]
"""


def _nruns(log):
    return sum(1 for _ in open(log)) if log.exists() else 0


def test_resume_runs_only_what_is_missing(tmp_path):
    need(BIN / "cttrace", "build/cttrace")
    cfg = tmp_path / "c.yaml"
    cfg.write_text(RESUME.format(entries=[8, 16, 32]))
    fake, log, kill = _counting_cttrace(tmp_path)
    ref = tmp_path / "ref.csv"
    assert sweep(cfg, ref, "-j", "1", "--cttrace", str(fake)).returncode == 0
    log.unlink()
    # killed at its 7th cttrace run (of 12: one per CTLB, the second latency
    # derived): the journal keeps the finished points, the CSV is not written
    kill.write_text("7")
    out = tmp_path / "out.csv"
    r = sweep(cfg, out, "-j", "1", "--cttrace", str(fake))
    assert r.returncode == -signal.SIGKILL and not out.exists()
    journal = tmp_path / "out.csv.journal"
    done = len(journal.read_text().splitlines())
    assert done % 2 == 0 and 2 * 5 <= done <= 2 * 6  # both latencies of a CTLB at once
    kill.unlink()
    log.unlink()
    r = sweep(cfg, out, "-j", "1", "--cttrace", str(fake))
    assert r.returncode == 0, r.stderr
    assert _nruns(log) == 12 - done // 2
    assert out.read_bytes() == ref.read_bytes() and not journal.exists()
    # a rerun with new points (entries 64) runs only those: 4 CTLBs
    cfg.write_text(RESUME.format(entries=[8, 16, 32, 64]))
    log.unlink()
    r = sweep(cfg, out, "-j", "2", "--cttrace", str(fake))
    assert r.returncode == 0 and _nruns(log) == 4, r.stderr
    ref2 = tmp_path / "ref2.csv"
    assert sweep(cfg, ref2, "--cttrace", str(fake)).returncode == 0
    assert out.read_bytes() == ref2.read_bytes()
    # nothing new: nothing runs, the same bytes
    log.unlink()
    r = sweep(cfg, out, "--cttrace", str(fake))
    assert r.returncode == 0 and _nruns(log) == 0, r.stderr
    assert out.read_bytes() == ref2.read_bytes()


def test_changed_trace_reruns_with_a_message(tmp_path):
    t = tmp_path / "t.ct"
    t.write_text("#ctrace 1\n" + "call 1\ncall 2\n" * 50)
    cfg = tmp_path / "c.yaml"
    cfg.write_text(f"traces:\n  t: {t}\ngrids:\n  - {{name: g, ctlb_policy: [lru, fifo]}}\n")
    out = tmp_path / "o.csv"
    assert sweep(cfg, out).returncode == 0
    t.write_text("#ctrace 1\n" + "call 1\ncall 2\ncall 3\n" * 50)
    r = sweep(cfg, out)
    assert r.returncode == 0
    assert "trace 't' changed since the recorded results" in r.stderr
    assert {x["calls"] for x in rows(out)} == {"150"}


ELF_CFG = """
elfs:
  loop: {elf}
grids:
  - name: e
    ctlb_entries: [1, 4]
    ctlb_ways: 1
    ctlb_policy: [lru, fifo]
    dmem_lat: [1, 3]
"""


def test_elf_points_are_ctsim_runs(tmp_path):
    from test_ctcc import SRC, build
    ctsim = need(BIN / "ctsim", "build/ctsim")
    elf = build(tmp_path, "callid", [SRC / "loop.c", SRC / "leaf.c"], "--ctlb-levels=10,10")
    cfg = tmp_path / "c.yaml"
    cfg.write_text(ELF_CFG.format(elf=elf))
    out = tmp_path / "o.csv"
    r = sweep(cfg, out, "-j", "2")
    assert r.returncode == 0, r.stderr
    got = rows(out)
    assert len(got) == 8 and {x["source"] for x in got} == {"elf"}
    for x in got:
        # the default geometry of an ELF grid is the one the ELF was built for
        assert x["level_bits"] == "10.10"
        js = tmp_path / "s.json"
        subprocess.run([str(ctsim), "-q", "--stats-json", str(js), "--ctlb-entries",
                        x["entries"], "--ctlb-ways", "1", "--ctlb-policy", x["policy"],
                        "--ctlb-levels", "10,10", "--dmem-lat", x["mem_lat"], str(elf)],
                       check=True, capture_output=True)
        d = json.loads(js.read_text())
        assert int(x["cycles"]) == d["cycles"] and int(x["instructions"]) == d["instructions"]
        assert int(x["hits"]) == d["ctlb"]["hits"] and int(x["misses"]) == d["ctlb"]["misses"]
        assert x["cpi"] == f"{d['cycles'] / d['instructions']:.6f}"
        assert int(x["calls"]) >= 100  # the loop's 100 calls of leaf
    # another geometry than the ELF's: refused before anything runs
    cfg.write_text(ELF_CFG.format(elf=elf) + '    ctlb_levels: ["12,10,10"]\n')
    r = sweep(cfg, tmp_path / "x.csv")
    assert r.returncode == 2 and "was built for the table geometry 10,10" in r.stderr
    assert len(r.stderr.strip().splitlines()) == 1 and not (tmp_path / "x.csv").exists()


def test_traces_and_elfs_named_wrongly(tmp_path):
    t = tmp_path / "t.ct"
    t.write_text("#ctrace 1\ncall 1\n")
    elf = need(BIN / "firmware" / "hello" / "hello.elf", "all")
    both = f"traces:\n  t: {t}\nelfs:\n  e: {elf}\n"
    cases = [
        (both + "grids:\n  - {name: g}\n", "say which this grid runs"),
        (both + "grids:\n  - {name: g, traces: [e]}\n", "'e' is an ELF, not a trace"),
        (both + "grids:\n  - {name: g, elfs: [t]}\n", "'t' is a trace, not an ELF"),
        (both + "grids:\n  - {name: g, elfs: [e], traces: [t]}\n", "not both"),
        (f"traces:\n  e: {t}\nelfs:\n  e: {elf}\ngrids:\n  - {{name: g}}\n",
         "names a trace and an ELF"),
        (f"elfs:\n  e: {t}\ngrids:\n  - {{name: g}}\n", "not a 32-bit little-endian ELF"),
        ("grids:\n  - {name: g}\n", "give 'traces'"),
    ]
    for text, frag in cases:
        cfg = tmp_path / "c.yaml"
        cfg.write_text(text)
        r = sweep(cfg, tmp_path / "o.csv")
        lines = r.stderr.strip().splitlines()
        assert r.returncode == 2 and len(lines) == 1 and frag in lines[0], (frag, r.stderr)
        assert not (tmp_path / "o.csv").exists()
