"""Trace replay on the CPU (firmware/replay, scripts/ctrace2s.py): the CTLB
hits, misses, walk cycles and invalidations of the firmware run equal
build/cttrace's on the same trace with the same CTLB configuration
(cttrace --mem-lat = ctsim --dmem-lat). cttrace is the independent side: it
drives the accelerator straight from the trace, with its own table.
The firmware's REPLAY line leaves out ct_init's start-up flush."""
import json
import re
import subprocess

import pytest

from callid_helpers import ROOT, ctsim_run, elf
from paths import BIN

CTTRACE = BIN / "cttrace"
PY = str(ROOT / ".venv" / "bin" / "python")
TRACES = {"phases": "traces/samples/phases-mixed-2k.ct",
          "spread": "traces/samples/loop-spread-2k.ctb.gz",
          "hand": "traces/samples/hand.ct",
          "lua-objects": "traces/real/lua-objects.ct.gz"}
# (ctsim options, the same configuration in cttrace's options)
CONFIGS = [
    ([], []),
    (["--ctlb-entries", "16", "--ctlb-ways", "2", "--ctlb-policy", "fifo", "--dmem-lat", "2"],
     ["--entries", "16", "--ways", "2", "--policy", "fifo", "--mem-lat", "2"]),
    (["--ctlb-entries", "32", "--ctlb-ways", "8", "--ctlb-policy", "random", "--lfsr-seed", "7",
      "--walk-cache", "4"],
     ["--entries", "32", "--ways", "8", "--policy", "random", "--lfsr-seed", "7",
      "--walk-cache", "4"]),
    (["--ctlb-entries", "8", "--ctlb-ways", "8", "--ctlb-policy", "plru", "--dmem-lat", "3"],
     ["--entries", "8", "--ways", "8", "--policy", "plru", "--mem-lat", "3"]),
]


def cttrace(trace, args):
    p = subprocess.run([str(CTTRACE), "--stats-json", "-", "--quiet", *args, str(ROOT / trace)],
                       capture_output=True, text=True, timeout=120)
    assert p.returncode == 0, p.stderr
    return json.loads(p.stdout)


def replay_counts(out):
    m = re.search(r"^REPLAY hits=(\d+) misses=(\d+) lookups=(\d+) walk_cycles=(\d+) "
                  r"invalidations=(\d+) faults=(\d+) wrong=(\d+)$", out, re.M)
    assert m, out
    return dict(zip(["hits", "misses", "lookups", "walk_cycles", "invalidations", "faults",
                     "wrong"], map(int, m.groups())))


@pytest.mark.parametrize("name", sorted(TRACES))
@pytest.mark.parametrize("cfg", range(len(CONFIGS)))
def test_cpu_replay_matches_cttrace(name, cfg):
    sim_args, tr_args = CONFIGS[cfg]
    r = ctsim_run(elf("replay", f"replay-{name}.elf"), "--xlat", "c", *sim_args)
    assert r.rc == 0, r.out + r.err
    fw = replay_counts(r.out)
    want = cttrace(TRACES[name], tr_args)
    assert fw["wrong"] == 0 and fw["faults"] == 0
    assert fw["lookups"] == want["calls"]
    for k in ("hits", "misses", "walk_cycles", "invalidations"):
        assert fw[k] == want[k], f"{name} config {cfg}: {k} {fw[k]} vs cttrace {want[k]}"


def test_replay_rtl_matches_cttrace_rtl():
    r = ctsim_run(elf("replay", "replay-phases.elf"), "--xlat", "rtl")
    want = cttrace(TRACES["phases"], ["--backend", "rtl"])
    fw = replay_counts(r.out)
    assert (fw["hits"], fw["misses"]) == (want["hits"], want["misses"])


def ctrace2s(tmp_path, *args):
    out = tmp_path / "out.S"
    p = subprocess.run([PY, str(ROOT / "scripts" / "ctrace2s.py"), *map(str, args), "-o",
                        str(out)], capture_output=True, text=True, timeout=60)
    return p, out


def test_ctrace2s_output(tmp_path):
    """hand.ct: 10 events, one a gap (dropped); IDs 0x10 and 0x11. Table bytes
    for 12,10,10: root 4 * 2^12 plus one level-1 and one level-2 table of
    4 * 2^10 (both IDs share their prefixes) = 16384 + 4096 + 4096 = 24576."""
    p, out = ctrace2s(tmp_path, ROOT / TRACES["hand"])
    assert p.returncode == 0, p.stderr
    s = out.read_text()
    assert "replay_nevents: .word 9" in s
    assert "replay_pool_bytes: .word 24576" in s
    assert s.count("  .word 0x10, replay_h_0") == 1 and "  .word 0x11, replay_h_1" in s


@pytest.mark.parametrize("args,msg", [
    (["missing.ct"], "cannot open"),
    (["traces/samples/hand.ct", "--level-bits", "12,10,x"], "--level-bits"),
    (["traces/samples/hand.ct", "--level-bits", "17"], "--level-bits"),
    (["traces/samples/loop-spread-2k.ctb.gz", "--level-bits", "10,10"], "does not fit the 20-bit"),
    (["traces/samples/hand.ct", "--max-events", "0"], "--max-events"),
])
def test_ctrace2s_bad_input(tmp_path, args, msg):
    p, out = ctrace2s(tmp_path, *[ROOT / a if a.startswith(("traces", "missing")) else a
                                  for a in args])
    assert p.returncode == 2
    assert msg in p.stderr and len(p.stderr.strip().splitlines()) == 1, p.stderr
    assert not out.exists()
    assert list(tmp_path.iterdir()) == []
