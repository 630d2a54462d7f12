"""cttrace's shortcuts (xlat_hit for hits, xlat_walk for a walk's reads, the
binary reader's fast records) against its reference path, CTTRACE_REFERENCE=1,
which steps every cycle through xlat_step: the text statistics and the
--stats-json file must be the same bytes on generated traces of every kind and
form, the committed samples and real traces, for many geometries, policies,
walk caches, table levels and memory latencies. (The reference path itself is
checked against the RTL and hand-worked counts in test_traces_cttrace.py.)"""
import os
import pathlib
import subprocess
import sys

import pytest

ROOT = pathlib.Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests"))
from conftest import BIN, need  # noqa: E402

PY = sys.executable
TRACEGEN = str(ROOT / "scripts" / "tracegen.py")

# (name, tracegen arguments): every pattern, every event kind, every form
GEN = [
    ("uniform.ctb", ["uniform", "--count", "20000", "--ids", "200", "--inv-rate", "0.02",
                     "--seed", "21"]),
    ("zipf.ct", ["zipf", "--count", "20000", "--ids", "3000", "--skew", "0.8", "--seed", "22"]),
    ("phases-all.ctb.gz", ["phases", "--count", "30000", "--ids", "4000", "--hot", "48",
                           "--phases", "6", "--patch-rate", "0.01", "--inv-rate", "0.01",
                           "--flush-rate", "0.001", "--gap-rate", "0.05", "--gap-max", "30",
                           "--seed", "23"]),
    ("phases-spread.ct.gz", ["phases", "--count", "20000", "--ids", "5000", "--hot", "100",
                             "--id-map", "spread", "--patch-rate", "0.005",
                             "--gap-rate", "0.02", "--seed", "24"]),
    ("loop.ctb", ["loop", "--count", "15000", "--ids", "90", "--flush-rate", "0.002",
                  "--seed", "25"]),
    ("loop-spread20.ctb", ["loop", "--count", "10000", "--ids", "300", "--id-map", "spread",
                           "--id-bits", "20", "--gap-rate", "0.1", "--seed", "26"]),
]

COMMITTED = sorted((ROOT / "traces" / "samples").glob("*.ct*")) + \
    sorted((ROOT / "traces" / "real").glob("*.ct.gz"))

# configurations: the default and each parameter away from it
CONFIGS = [
    [],
    ["--ctlb-ways", "1"],
    ["--ctlb-ways", "2"],
    ["--ctlb-ways", "8"],
    ["--ctlb-ways", "16", "--ctlb-policy", "fifo"],
    ["--ctlb-entries", "64", "--ctlb-ways", "64"],
    ["--ctlb-entries", "256", "--ctlb-ways", "256", "--dmem-lat", "4"],
    ["--ctlb-policy", "fifo"],
    ["--ctlb-policy", "plru", "--ctlb-ways", "8"],
    ["--ctlb-policy", "random", "--lfsr-seed", "77"],
    ["--ctlb-policy", "random", "--ctlb-ways", "16", "--lfsr-seed", "0x1234"],
    ["--walk-cache", "4"],
    ["--walk-cache", "16", "--ctlb-ways", "2", "--dmem-lat", "3"],
    ["--ctlb-levels", "16,16"],
    ["--ctlb-levels", "8,8,8,8", "--dmem-lat", "2"],
    ["--ctlb-levels", "10,10", "--range-faults", "count"],
    ["--ctlb-even-levels", "4"],
    ["--ctlb-entries", "16", "--ctlb-ways", "4", "--dmem-lat", "7"],
]


@pytest.fixture(scope="module")
def cttrace():
    return need(BIN / "cttrace", "build/cttrace")


@pytest.fixture(scope="module")
def traces(tmp_path_factory):
    d = tmp_path_factory.mktemp("fast")
    out = []
    for name, args in GEN:
        p = d / name
        subprocess.run([PY, TRACEGEN, *args, "-o", str(p)], check=True)
        out.append(p)
    return out + COMMITTED


def run(cttrace, trace, cfg, json_path, reference):
    env = dict(os.environ)
    env.pop("CTTRACE_REFERENCE", None)
    if reference:
        env["CTTRACE_REFERENCE"] = "1"
    # (the trace by its name only: the JSON names it)
    r = subprocess.run([str(cttrace), *cfg, "--stats-json", str(json_path), trace.name],
                       cwd=trace.parent, capture_output=True, env=env)
    return r.returncode, r.stdout, r.stderr, json_path.read_bytes() if r.returncode == 0 else b""


@pytest.mark.parametrize("cfg", CONFIGS, ids=lambda c: " ".join(c) or "default")
def test_fast_equals_reference(cttrace, traces, cfg, tmp_path):
    ran = 0
    for t in traces:
        fast = run(cttrace, t, cfg, tmp_path / "fast.json", False)
        ref = run(cttrace, t, cfg, tmp_path / "ref.json", True)
        assert fast == ref, f"{t.name} {cfg}: fast path differs from CTTRACE_REFERENCE=1"
        ran += fast[0] == 0
    # most traces fit every configuration (a 10,10 table refuses none with
    # --range-faults count; 32-bit spread IDs need a big table for 16,16)
    assert ran >= len(traces) - 2, f"{cfg}: only {ran} of {len(traces)} traces ran"



@pytest.mark.parametrize("reference", [False, True])
def test_errors_inside_a_run(cttrace, tmp_path, reference):
    """The fast path reads binary calls in runs: an error in the middle of one
    names the record's own offset (8-byte header, 5 bytes per call record,
    traces/FORMAT.md), whichever path runs."""
    sys.path.insert(0, str(ROOT / "scripts"))
    import ctrace
    env = dict(os.environ, CTTRACE_REFERENCE="1" if reference else "0")
    # call 300 (offset 8 + 5 * 300) does not fit a 20-bit table
    evs = [(ctrace.CALL, i % 50, 0) for i in range(300)] + [(ctrace.CALL, 1 << 20, 0)]
    evs += [(ctrace.CALL, 3, 0)] * 10
    p = tmp_path / "range.ctb"
    ctrace.write_trace(str(p), evs)
    r = subprocess.run([str(cttrace), "--ctlb-levels", "10,10", str(p)],
                       capture_output=True, text=True, env=env)
    assert r.returncode == 2 and r.stdout == ""
    assert r.stderr == (f"cttrace: {p}: offset {8 + 5 * 300}: ID 0x100000 does not fit the "
                        "20-bit table (use --range-faults count to count it as a fault)\n")
    # the table limit reached at call 40: 32-bit IDs spread over 16,16 levels
    # need a 256 KiB table per distinct top half, 4 of them fit in 1 MB
    evs = [(ctrace.CALL, (i << 16) | 5, 0) for i in range(40)]
    p = tmp_path / "big.ctb"
    ctrace.write_trace(str(p), evs)
    r = subprocess.run([str(cttrace), "--ctlb-levels", "16,16", "--max-table-mb", "1",
                        str(p)], capture_output=True, text=True, env=env)
    assert r.returncode == 2 and r.stdout == ""
    assert r.stderr == "cttrace: the function table needs more than --max-table-mb 1 MB\n"
