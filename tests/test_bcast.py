"""The broadcast-invalidate interconnect (rtl/ctlb_bcast.v) against its C model
(model/ctlb_bcast.h) and against cases worked by hand from the rules at the top
of rtl/ctlb_bcast.v (docs/platform.md "Shootdowns"): a broadcast of hart h
in cycle E drives h's own CTLB port in E and the others' in E + L, done comes
back in E + 2L; two or more requests at one port in one cycle flush it.
"""
import fcntl
import subprocess

import pytest

from conftest import BUILD, ROOT


def tool(harts, latency):
    """build/bcast-diff/hH-lL/bcast-diff, built once under a lock."""
    out = BUILD / "bcast-diff" / f"h{harts}-l{latency}" / "bcast-diff"
    (BUILD / "bcast-diff").mkdir(parents=True, exist_ok=True)
    with open(BUILD / "bcast-diff" / f"h{harts}-l{latency}.lock", "w") as lk:
        fcntl.flock(lk, fcntl.LOCK_EX)
        srcs = [ROOT / "rtl/ctlb_bcast.v", ROOT / "model/ctlb_bcast.c",
                ROOT / "model/ctlb_bcast.h", ROOT / "model/bcast_diff.cpp",
                ROOT / "model/bcast_build.sh"]
        if not out.exists() or any(s.stat().st_mtime > out.stat().st_mtime for s in srcs):
            r = subprocess.run(["sh", str(ROOT / "model/bcast_build.sh"), str(ROOT),
                                str(harts), str(latency)],
                               capture_output=True, text=True, timeout=600)
            assert r.returncode == 0, r.stdout + r.stderr
    return out


@pytest.mark.parametrize("harts,latency", [(1, 1), (2, 4), (3, 1), (5, 2), (16, 3)])
def test_rtl_matches_c_model_on_random_traffic(harts, latency):
    for seed in (1, 2):
        r = subprocess.run([str(tool(harts, latency)), "random", str(seed), "20000"],
                           capture_output=True, text=True, timeout=300)
        assert r.returncode == 0, r.stdout + r.stderr
        last = r.stdout.strip().splitlines()[-1]
        assert last.endswith("0 mismatches"), last
        # the traffic has collisions: some ports flushed
        flushes = int(last.split("(")[1].split()[0])
        assert flushes > 0, last


def script(harts, latency, text):
    r = subprocess.run([str(tool(harts, latency)), "script"], input=text,
                       capture_output=True, text=True, timeout=60)
    assert r.returncode == 0, r.stdout + r.stderr
    lines = r.stdout.strip().splitlines()
    assert lines[-1].endswith("0 mismatches"), lines[-1]
    return lines[:-1]


def test_hand_one_broadcast_and_a_local_inv():
    # 2 harts, L = 2: hart 0's broadcast of ID 5 in cycle 10 is at its own CTLB
    # in 10, at hart 1's in 12, done in 14 (busy 11, 12, 13); hart 1's own
    # ctlb.inv of 7 in 10 reaches only its CTLB, in 10
    got = script(2, 2, "10 0 bcast 5\n10 1 inv 7\n")
    assert sorted(got) == sorted(["10 ctlb 0 5", "10 ctlb 1 7", "12 ctlb 1 5",
                                  "11 hart 0 busy", "12 hart 0 busy", "13 hart 0 busy"])


def test_hand_collisions_flush():
    # 3 harts, L = 1: harts 0 and 1 broadcast 5 and 6 in cycle 4, hart 2 runs
    # ctlb.inv 9 in 5. Cycle 4: own ports 0 <- 5, 1 <- 6. Cycle 5: port 0 <- 6,
    # port 1 <- 5, port 2 gets 5, 6 and 9: a flush. Both done in 6 (busy in 5).
    got = script(3, 1, "4 0 bcast 5\n4 1 bcast 6\n5 2 inv 9\n")
    assert sorted(got) == sorted(["4 ctlb 0 5", "4 ctlb 1 6", "5 ctlb 0 6", "5 ctlb 1 5",
                                  "5 ctlb 2 flush", "5 hart 0 busy", "5 hart 1 busy"])


def test_hand_one_hart_flush_broadcast():
    # 1 hart, L = 4: a broadcast flush in 0 flushes its own CTLB in 0 and is
    # done in 8 (busy 1..7); a local inv and a broadcast in one cycle: a flush
    got = script(1, 4, "0 0 bcast all\n20 0 bcast 3\n20 0 inv 4\n")
    want = ["0 ctlb 0 flush"] + [f"{t} hart 0 busy" for t in range(1, 8)] + \
           ["20 ctlb 0 flush"] + [f"{t} hart 0 busy" for t in range(21, 28)]
    assert sorted(got) == sorted(want)


def test_bad_script_line():
    r = subprocess.run([str(tool(2, 2)), "script"], input="10 2 bcast 5\n",
                       capture_output=True, text=True, timeout=60)
    assert r.returncode == 2
    assert r.stderr.strip() == "bcast-diff: line 1: not CYCLE HART bcast|inv ID|all with HART < 2"


@pytest.mark.parametrize("params,name", [("-GHarts=0", "Harts_must_be_1_to_16"),
                                         ("-GHarts=17", "Harts_must_be_1_to_16"),
                                         ("-GLatency=0", "Latency_must_be_1_to_64")])
def test_illegal_parameters_stop(params, name):
    r = subprocess.run(["verilator", "--lint-only", "-Wall", params,
                        str(ROOT / "rtl/ctlb_bcast.v")], capture_output=True, text=True,
                       timeout=60)
    assert r.returncode != 0 and name in r.stderr, r.stderr


def test_lints_compiles_and_synthesizes(tmp_path):
    for p in ([], ["-GHarts=1", "-GLatency=1"], ["-GHarts=16", "-GLatency=64"]):
        r = subprocess.run(["verilator", "--lint-only", "-Wall", *p,
                            str(ROOT / "rtl/ctlb_bcast.v")], capture_output=True, text=True,
                           timeout=60)
        assert r.returncode == 0 and not r.stderr, (p, r.stderr)
    r = subprocess.run(["iverilog", "-g2005", "-o", str(tmp_path / "b.vvp"),
                        str(ROOT / "rtl/ctlb_bcast.v")], capture_output=True, text=True)
    assert r.returncode == 0 and not r.stderr, r.stderr
    r = subprocess.run(["yosys", "-q", "-p", "synth -top ctlb_bcast; stat",
                        str(ROOT / "rtl/ctlb_bcast.v")], capture_output=True, text=True,
                       timeout=300)
    assert r.returncode == 0, r.stderr
