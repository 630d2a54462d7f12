"""scripts/plots.py and scripts/report.py: PNGs are produced and byte-identical for
the same data; the report holds the plots, tables and checks; the comparison
benchmark's output is parsed; bad input leaves no report behind; the examples of
docs/sweeps.md run; the committed docs/report.md references existing plots."""
import pathlib
import re
import stat
import subprocess
import sys

import pytest

from conftest import BIN, need

ROOT = pathlib.Path(__file__).resolve().parent.parent
PY = sys.executable
sys.path.insert(0, str(ROOT / "scripts"))
import report  # noqa: E402

PNG_MAGIC = b"\x89PNG\r\n\x1a\n"

CFG = """
description: a tiny report sweep for the tests
traces:
  hand: {hand}
  z: {{gen: zipf, count: 3000, ids: 200, seed: 11}}
grids:
  - name: hitrate
    entries: [4, 8, 16]
    ways: [1, full]
    policy: [lru, fifo]
    rtl_check: [{{entries: 8, ways: 1}}]
  - name: penalty
    traces: [z]
    level_bits: ["16", "8,8"]
    mem_lat: [1, 4]
    walk_cache: [0, 4]
"""
# with_ret is optional in such a CSV: given for some rows, empty for others
MECH = "mechanism,levels,cycles_per_call,with_ret\ndirect,,2,5\ncallid_hit,,3,6\n" \
       "callid_miss_l2,2,9,\ncallid_miss_l3,3,11,14\njumptable,,6,\nswwalk2,,10,\n" \
       "trampoline,,5,8\nflat_zcmt,,4,\n"


@pytest.fixture(scope="module")
def cttrace():
    return need(BIN / "cttrace", "build/cttrace")


@pytest.fixture()
def setup(tmp_path):
    (tmp_path / "hand.ct").write_text("#ctrace 1\n" + "".join(
        f"call {i}\n" for i in (0, 4, 0, 1, 5, 1, 2, 2, 0, 9, 3, 0)))
    (tmp_path / "cfg.yaml").write_text(CFG.format(hand=tmp_path / "hand.ct"))
    (tmp_path / "mech.csv").write_text(MECH)
    (tmp_path / "docs").mkdir()
    return tmp_path


def run_report(tmp, *args):
    return subprocess.run([PY, str(ROOT / "scripts" / "report.py"), "--config",
                           str(tmp / "cfg.yaml"), "--out", str(tmp / "docs" / "report.md"),
                           "--work", str(tmp / "work"), "-q", *args],
                          capture_output=True, text=True, timeout=300)


def test_report_with_mechanisms(cttrace, setup):
    r = run_report(setup, "--mechanisms", str(setup / "mech.csv"))
    assert r.returncode == 0, r.stderr
    md = (setup / "docs" / "report.md").read_text()
    pngs = sorted(p.name for p in (setup / "docs" / "report").iterdir())
    assert pngs == ["hitrate-hand.png", "hitrate-z.png", "mechanisms.png", "penalty-z.png"]
    for p in pngs:
        assert (setup / "docs" / "report" / p).read_bytes().startswith(PNG_MAGIC)
        assert f"(report/{p})" in md
    # the checks and tables
    assert "points were run on both the C model and the verilated RTL" in md
    assert "(all agree)" in md  # the fully associative LRU points vs stackdist.py
    assert "| trampoline (call to a stub that jumps) | `trampoline` | 5.00 | 8.00 |" in md
    assert "| callid, CTLB miss, 3 levels | `callid_miss_l3` | 11.00 | 14.00 |" in md
    assert "| software jump table (lw + jalr) | `jumptable` | 6.00 |  |" in md
    assert "| mechanism | name | cycles per call | with `ret` |" in md
    assert 'docs/timing.md "Cycles per call"' in md  # the definition is named
    assert "scripts/report.py" in md and "Software: Python " in md
    # nothing host- or run-dependent (machine, times: on stderr), and the inputs hash
    assert report.machine().split(",")[0] not in md and "Machine:" not in md
    assert not re.search(r"\b\d+ s\b", md), md
    assert re.search(r"^Inputs: sha256 `[0-9a-f]{64}`", md, re.M)
    # walk cycles per miss without walk cache: levels*(1+L)+1 (docs/accelerator.md)
    row1 = re.search(r"\| 1 \| ([0-9.]+) \| ([0-9.]+) \|", md)
    row2 = re.search(r"\| 2 \| ([0-9.]+) \| ([0-9.]+) \|", md)
    assert [float(x) for x in row1.groups()] == [1 * 2 + 1, 1 * 5 + 1]
    assert [float(x) for x in row2.groups()] == [2 * 2 + 1, 2 * 5 + 1]
    # direct-mapped 4 entries on the hand trace: 0 4 0 1 5 1 2 2 0 9 3 0
    # set 0: 0 4 0 0 0 -> m m m h h = 2 hits; set 1: 1 5 1 9 -> 0;
    # set 2: 2 2 -> 1; set 3: 3 -> 0. 3 hits of 12.
    assert re.search(r"\| hand \| lru \| 0\.250 \|", md), md
    # no staging left behind
    assert [p.name for p in (setup / "work").iterdir() if p.name.startswith("stage-")] == []


def test_bad_paths_refused_before_the_sweep(cttrace, setup):
    """--out a directory, --work a file, the plots' folder a file: one line
    before anything runs (these failed with a traceback, --out only after the
    whole sweep)."""
    (setup / "afile").write_text("x")
    for extra, frag in ((["--out", str(setup / "docs")], "option --out"),
                        (["--work", str(setup / "afile")], "option --work"),
                        (["--work", str(setup / "afile" / "sub")], "option --work")):
        r = subprocess.run([PY, str(ROOT / "scripts" / "report.py"), "--config",
                            str(setup / "cfg.yaml"), "--out", str(setup / "docs" / "report.md"),
                            "--work", str(setup / "work"), "-q", *extra],
                           capture_output=True, text=True, timeout=60)
        lines = r.stderr.strip().splitlines()
        assert r.returncode == 2 and len(lines) == 1 and frag in lines[0], (extra, r.stderr)
        assert not (setup / "work").exists(), extra
    (setup / "docs" / "report").write_text("x")
    r = run_report(setup, "--mechanisms", str(setup / "mech.csv"))
    assert r.returncode == 2 and "not a directory" in r.stderr and "Traceback" not in r.stderr
    assert not (setup / "work").exists()


def test_report_refuses_a_column_its_tables_drop(cttrace, setup):
    """A grid varying a column the tables do not show (two LFSR seeds): the
    report would keep one of the rows per cell, so it refuses, naming the column,
    and writes nothing."""
    cfg = setup / "cfg.yaml"
    cfg.write_text(cfg.read_text().replace("    policy: [lru, fifo]\n",
                                           "    policy: [lru, fifo]\n    lfsr_seed: [1, 2]\n"))
    r = run_report(setup, "--mechanisms", str(setup / "mech.csv"))
    assert r.returncode == 2, r.stderr
    lines = r.stderr.strip().splitlines()
    assert len(lines) == 1 and "grid 'hitrate'" in lines[0] and \
        "column 'lfsr_seed' varies (1, 2)" in lines[0], r.stderr
    assert not (setup / "docs" / "report.md").exists()


def test_penalty_tables_keep_points_without_misses():
    # mem_lat 1 without misses: '-' in the walk-cycles table, its cycles per call kept
    def r(lat, wpm, cpc):
        return {"grid": "penalty", "trace": "t", "levels": "2", "walk_cache": "0",
                "mem_lat": str(lat), "walk_cycles_per_miss": wpm, "cycles_per_call": cpc,
                "hit_rate": "1.000000" if not wpm else "0.5"}
    md = "\n".join(report.penalty_tables([r(1, "", "1.0"), r(4, "11.0", "6.0")]))
    assert "| 2 | - | 11.00 |" in md, md
    assert "| t | 2 | 0 | 1.000 | 1.00 | 6.00 |" in md, md


def test_report_without_benchmark_says_omitted(cttrace, setup):
    r = run_report(setup, "--cmpbench-run", str(setup / "none.elf") + ":10")
    assert r.returncode == 0, r.stderr
    md = (setup / "docs" / "report.md").read_text()
    assert "Omitted: the comparison benchmark" in md
    assert not (setup / "docs" / "report" / "mechanisms.png").exists()


def test_plots_are_deterministic(cttrace, setup):
    r = run_report(setup, "--mechanisms", str(setup / "mech.csv"))
    assert r.returncode == 0, r.stderr
    first = {p.name: p.read_bytes() for p in (setup / "docs" / "report").iterdir()}
    csvp = setup / "work" / "cfg.csv"
    if not csvp.exists():
        csvp = next((setup / "work").glob("sweep-*.csv"))
    out = setup / "again"
    out.mkdir()
    for kind, src in (("hitrate", csvp), ("penalty", csvp),
                      ("mechanisms", setup / "work" / "mechanisms.csv")):
        p = subprocess.run([PY, str(ROOT / "scripts" / "plots.py"), kind, str(src), "-o",
                            str(out)], capture_output=True, text=True)
        assert p.returncode == 0, p.stderr
    again = {p.name: p.read_bytes() for p in out.iterdir()}
    assert again == first


def test_bad_inputs_leave_report_untouched(cttrace, setup):
    old = setup / "docs" / "report.md"
    old.write_text("old report\n")
    cases = [
        ("bad-config", lambda: (setup / "cfg.yaml").write_text("grids: [\n"), "invalid YAML"),
        ("missing-trace", lambda: (setup / "hand.ct").unlink(), "cannot read"),
        ("malformed-trace", lambda: (setup / "hand.ct").write_text("#ctrace 1\ncall x\n"),
         "hand.ct:2"),
    ]
    saved = (setup / "cfg.yaml").read_text(), (setup / "hand.ct").read_text()
    for name, breakit, frag in cases:
        (setup / "cfg.yaml").write_text(saved[0])
        (setup / "hand.ct").write_text(saved[1])
        breakit()
        r = run_report(setup)
        assert r.returncode != 0, name
        assert frag in r.stderr and "Traceback" not in r.stderr, (name, r.stderr)
        assert old.read_text() == "old report\n", name
        assert not (setup / "docs" / "report").exists(), name
    # a broken mechanism CSV, and a benchmark that fails
    (setup / "cfg.yaml").write_text(saved[0])
    (setup / "hand.ct").write_text(saved[1])
    (setup / "m.csv").write_text("mechanism,levels,cycles_per_call\ndirect,,fast\n")
    r = run_report(setup, "--mechanisms", str(setup / "m.csv"))
    assert r.returncode == 2 and "cycles_per_call" in r.stderr and "Traceback" not in r.stderr
    fake = setup / "fake-ctsim"
    fake.write_text("#!/bin/sh\necho 'ctsim: boom' >&2\nexit 4\n")
    fake.chmod(fake.stat().st_mode | stat.S_IXUSR)
    (setup / "fake.elf").write_text("")
    r = run_report(setup, "--ctsim", str(fake), "--cmpbench-run", str(setup / "fake.elf:8,8"))
    assert r.returncode == 2 and "status 4" in r.stderr
    fake.write_text("#!/bin/sh\necho 'CMP mechanism=direct cycles_per_call=fast'\n")
    r = run_report(setup, "--ctsim", str(fake), "--cmpbench-run", str(setup / "fake.elf:8,8"))
    assert r.returncode == 2 and "malformed CMP line" in r.stderr
    # an older benchmark's line (no with_ret: its cycles_per_call included the ret)
    fake.write_text("#!/bin/sh\necho 'CMP mechanism=direct cycles_per_call=5.00 calls=1000 "
                    "levels=3'\n")
    r = run_report(setup, "--ctsim", str(fake), "--cmpbench-run", str(setup / "fake.elf:8,8"))
    assert r.returncode == 2 and "malformed CMP line" in r.stderr
    fake.write_text("#!/bin/sh\necho 'no results'\n")
    r = run_report(setup, "--ctsim", str(fake), "--cmpbench-run", str(setup / "fake.elf:8,8"))
    assert r.returncode == 2 and "no 'CMP mechanism=...' lines" in r.stderr
    r = run_report(setup, "--cmpbench-run", str(setup / "fake.elf"))
    assert r.returncode == 2 and "--cmpbench-run" in r.stderr
    assert old.read_text() == "old report\n"
    assert not (setup / "docs" / "report").exists()


def test_parse_cmpbench_and_merge_runs(tmp_path):
    # the format of firmware/cmpbench/cmpbench.c: a table, then CMP lines
    def line(m, c, w, lv):
        return f"CMP mechanism={m} cycles_per_call={c} with_ret={w} calls=1000 levels={lv}\n"
    out = {"12,10,10": "cmpbench: cycles per call\n  direct   2.00   5.00\n" +
                       line("direct", "2.00", "5.00", 3) + line("callid_hit", "3.00", "6.00", 3) +
                       line("callid_miss_l3", "10.00", "13.00", 3) +
                       line("jumptable", "7.00", "10.00", 3),
           "10,10": line("direct", "2.00", "5.00", 2) + line("callid_miss_l2", "8.00", "11.00", 2),
           "10": line("callid_miss_l1", "6.50", "9.50", 1)}
    assert report.parse_cmpbench(out["12,10,10"]) == [
        ("direct", "", 2.0, 5.0), ("callid_hit", "", 3.0, 6.0), ("callid_miss_l3", "3", 10.0, 13.0),
        ("jumptable", "", 7.0, 10.0)]
    fake = tmp_path / "ctsim"
    fake.write_text(f"""#!{PY}
import sys
out = {out!r}
print(out[sys.argv[sys.argv.index("--ctlb-levels") + 1]], end="")
""")
    fake.chmod(fake.stat().st_mode | stat.S_IXUSR)
    for e in ("a.elf", "b.elf", "c.elf"):
        (tmp_path / e).write_text("")
    rows, cmds = report.run_cmpbench_all(str(fake), [(str(tmp_path / "a.elf"), "12,10,10"),
                                                     (str(tmp_path / "b.elf"), "10,10"),
                                                     (str(tmp_path / "c.elf"), "10")], ["-q"])
    assert rows == [("direct", "", 2.0, 5.0), ("callid_hit", "", 3.0, 6.0),
                    ("callid_miss_l1", "1", 6.5, 9.5), ("callid_miss_l2", "2", 8.0, 11.0),
                    ("callid_miss_l3", "3", 10.0, 13.0), ("jumptable", "", 7.0, 10.0)]
    assert len(cmds) == 3 and cmds[1][-3:] == ["--ctlb-levels", "10,10", str(tmp_path / "b.elf")]
    assert report.mech_label("callid_miss_l1", "1") == "callid, CTLB miss, 1 level"


def test_cmpbench_runs_the_real_benchmark(cttrace):
    """report.py's own runs of the three cmpbench ELFs (the ones `make report`
    uses) give the figures worked out by hand in test_cmpbench.py's docstring
    (docs/timing.md, docs/accelerator.md section 4), each once, with the
    miss rows tagged by their level count."""
    from test_cmpbench import COMMON, RET, miss
    d = ROOT / "build" / "firmware" / "cmpbench"
    runs = [(str(need(d / e, "firmware")), lv) for e, lv in report.DEFAULT_CMP_RUNS]
    rows, cmds = report.run_cmpbench_all(str(need(BIN / "ctsim", "build/ctsim")),
                                         runs, ["-q"])
    assert len(cmds) == 3
    want = {(m, "", float(c), float(c + RET)) for m, c in COMMON.items()}
    # a miss with L levels: callid 3 + walk L(1+1)+1 (1-cycle memory), + ret 3
    want |= {(f"callid_miss_l{n}", str(n), float(miss(n, 1)), float(miss(n, 1) + RET))
             for n in (1, 2, 3)}
    assert len(rows) == len(want) and set(rows) == want, rows


def test_docs_sweeps_examples_run(cttrace):
    text = (ROOT / "docs" / "sweeps.md").read_text()
    blocks = re.findall(r"```sh\n(.*?)```", text, re.S)
    assert len(blocks) >= 3
    for b in blocks:
        if "make report" in b:
            continue  # regenerates the committed report; too slow for the suite
        r = subprocess.run(["bash", "-e", "-c", b], cwd=ROOT, capture_output=True, text=True,
                           timeout=300)
        assert r.returncode == 0, f"example failed:\n{b}\nstderr: {r.stderr[-2000:]}"


def test_committed_report_is_consistent():
    md = ROOT / "docs" / "report.md"
    assert md.exists(), "docs/report.md is committed (README links it): run `make report`"
    text = md.read_text()
    refs = re.findall(r"\(report/([^)]+\.png)\)", text)
    assert refs, "the report has no plots"
    for ref in refs:
        p = ROOT / "docs" / "report" / ref
        assert p.exists() and p.read_bytes().startswith(PNG_MAGIC), ref
    assert "make report" in text


def md_table_after(text, heading):
    """The rows of the first Markdown table after the line starting with `heading`,
    as lists of cell strings (header and separator left out)."""
    rest = text[text.index(heading):]
    rows = []
    for line in rest.splitlines():
        if line.startswith("|"):
            rows.append([c.strip() for c in line.strip("|").split("|")])
        elif rows:
            break
    return rows[2:]


def test_committed_report_figures_match_theory():
    """The committed docs/report.md's figures that theory fixes: the walk cycles
    per miss without a walk cache are m(1+L)+1 exactly (docs/accelerator.md
    section 4), and the call-mechanism table is the figures worked out by hand in
    test_cmpbench.py. A stale report (or a changed model) fails here."""
    from test_cmpbench import COMMON, RET, miss
    text = (ROOT / "docs" / "report.md").read_text()
    rows = md_table_after(text, "**Walk cycles per miss, walk cache off**")
    lats = [1, 2, 4, 8, 16, 32]
    assert [int(r[0]) for r in rows] == [1, 2, 3, 4]
    for r in rows:
        m = int(r[0])
        assert [float(c) for c in r[1:]] == [m * (1 + lat) + 1 for lat in lats], r
    rows = md_table_after(text, "| mechanism | name | cycles per call | with `ret` |")
    got = {r[1].strip("`"): (float(r[2]), float(r[3])) for r in rows}
    want = dict(COMMON)
    want.update({f"callid_miss_l{n}": miss(n, 1) for n in (1, 2, 3)})
    assert got == {k: (float(v), float(v + RET)) for k, v in want.items()}


def test_make_targets_defined():
    r = subprocess.run(["make", "-n", "report", "sweep"], cwd=ROOT, capture_output=True,
                       text=True)
    assert r.returncode == 0, r.stderr
    assert "scripts/report.py" in r.stdout and "scripts/sweep.py default" in r.stdout


def test_plots_bad_input_and_help(tmp_path):
    plots = [PY, str(ROOT / "scripts" / "plots.py")]
    (tmp_path / "nocol.csv").write_text("grid,trace\nhitrate,x\n")
    (tmp_path / "badval.csv").write_text("mechanism,levels,cycles_per_call\ndirect,,x\n")
    for args, frag in ((["hitrate", str(tmp_path / "none.csv")], "cannot read"),
                       (["hitrate", str(tmp_path / "nocol.csv")], "missing column"),
                       (["mechanisms", str(tmp_path / "badval.csv")], "bad value 'x'"),
                       (["penalty", str(tmp_path / "nocol.csv"), "-o", str(tmp_path / "no")],
                        "not a directory")):
        r = subprocess.run(plots + args + (["-o", str(tmp_path)] if "-o" not in args else []),
                           capture_output=True, text=True)
        assert r.returncode == 2 and frag in r.stderr, (args, r.stderr)
        assert len(r.stderr.strip().splitlines()) == 1, r.stderr
    assert not list(tmp_path.glob("*.png")) and not list(tmp_path.glob(".*"))
    r = subprocess.run(plots + ["--help"], capture_output=True, text=True)
    for w in ("hitrate", "penalty", "mechanisms", "--outdir", "--grid"):
        assert w in r.stdout, w
    r = subprocess.run([PY, str(ROOT / "scripts" / "report.py"), "--help"], capture_output=True,
                       text=True)
    for w in ("--config", "--out", "--work", "--jobs", "--cttrace", "--ctsim", "--ctsim-args",
              "--cmpbench-run", "--mechanisms", "--quiet"):
        assert w in r.stdout, w
