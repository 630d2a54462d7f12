"""Illegal parameters of ctlb_top stop elaboration in Verilator, Icarus and Yosys
alike, with a message naming the parameter (docs/accelerator.md section 1); the
legal corners still elaborate in all three."""
import subprocess

import pytest

from conftest import BUILD, ROOT

SRC = [str(ROOT / "rtl" / f) for f in ("ctlb_top.v", "ctlb_tlb.v", "ctlb_walker.v", "ctlb_wcache.v")]
WAIVER = str(ROOT / "rtl" / "ctlb_waivers.vlt")
INC = "-I" + str(ROOT / "rtl")   # rtl/ctlb_assert.vh, with -DCTLB_ASSERTS

# (parameters, the name the message must hold)
ILLEGAL = [
    ({"Entries": 48}, "Entries"),
    ({"Entries": 2048, "Ways": 4}, "Entries"),
    ({"Ways": 3}, "Ways"),
    ({"Entries": 8, "Ways": 16}, "Ways"),
    ({"Policy": 4}, "Policy"),
    ({"Levels": 0}, "Levels"),
    ({"Levels": 5}, "Levels"),
    ({"LevelBits1": 17}, "LevelBits"),
    ({"LevelBits0": 0}, "LevelBits"),
    ({"Levels": 4, "LevelBits3": 0}, "LevelBits"),
    ({"LevelBits0": 16, "LevelBits1": 16, "LevelBits2": 8}, "LevelBits"),
    ({"WalkCache": 3}, "WalkCache"),
    ({"WalkCache": 128}, "WalkCache"),
    ({"LfsrSeed": 0}, "LfsrSeed"),
    ({"CntWidth": 1}, "CntWidth"),
    ({"CntWidth": 65}, "CntWidth"),
]
LEGAL = [{}, {"Entries": 1, "Ways": 1}, {"Entries": 16, "Ways": 16, "Policy": 1},
         {"Levels": 4, "LevelBits0": 8, "LevelBits1": 8, "LevelBits2": 8, "LevelBits3": 8,
          "WalkCache": 64},
         {"Levels": 1, "LevelBits0": 16}, {"CntWidth": 2}, {"CntWidth": 32}]


def run(tool, params):
    if tool == "verilator":
        cmd = ["verilator", "--lint-only", "-Wall", "-DCTLB_ASSERTS", INC, WAIVER] + SRC + ["--top-module", "ctlb_top"]
        cmd += ["-G%s=%d" % kv for kv in params.items()]
    elif tool == "icarus":
        out = BUILD / "rtl" / "params.vvp"
        out.parent.mkdir(parents=True, exist_ok=True)
        cmd = ["iverilog", "-g2005", "-DCTLB_ASSERTS", INC, "-s", "ctlb_top", "-o", str(out)] + SRC
        cmd += ["-Pctlb_top.%s=%d" % kv for kv in params.items()]
    else:
        chp = " ".join("-chparam %s %d" % kv for kv in params.items())
        cmd = ["yosys", "-q", "-p", "read_verilog -DSYNTHESIS %s %s; hierarchy -check -top ctlb_top %s"
               % (INC, " ".join(SRC), chp)]
    p = subprocess.run(cmd, capture_output=True, text=True, timeout=120)
    return p.returncode, p.stdout + p.stderr


@pytest.mark.parametrize("tool", ["verilator", "icarus", "yosys"])
@pytest.mark.parametrize("params,name", ILLEGAL, ids=[str(c[0]) for c in ILLEGAL])
def test_illegal_parameter_stops(tool, params, name):
    rc, out = run(tool, params)
    assert rc != 0, "%s accepted %s:\n%s" % (tool, params, out)
    assert "ctlb_illegal_parameter_" + name in out, "%s on %s:\n%s" % (tool, params, out)


@pytest.mark.parametrize("tool", ["verilator", "icarus", "yosys"])
@pytest.mark.parametrize("params", LEGAL, ids=[str(c) for c in LEGAL])
def test_legal_parameters_elaborate(tool, params):
    rc, out = run(tool, params)
    assert rc == 0, "%s refused %s:\n%s" % (tool, params, out)
