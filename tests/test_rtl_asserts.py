"""The RTL's invariant assertions (rtl/ctlb_assert.vh) are active in simulation:
a mutated copy of the RTL that breaks one invariant stops the simulation with
that assertion's message and a failing exit, in Icarus and in Verilator
(--binary --assert), driven by tests/rtl/ctlb_assert_tb.v; the unmutated RTL
runs the same traffic to the end. And the RTL backend as the simulator builds it
(model/xlat_build.sh, with --assert) stops a program that drives a mutant.

Which assertion each mutant must trip follows from the mutation (docs/formal.md
lists the invariants); the mutants are one-line substitutions, like formal/'s."""
import os
import shutil
import subprocess

import pytest

from conftest import BUILD, ROOT
from paths import BIN

RTL = ["ctlb_top.v", "ctlb_tlb.v", "ctlb_walker.v", "ctlb_wcache.v"]
TB = str(ROOT / "tests" / "rtl" / "ctlb_assert_tb.v")
WORK = BUILD / "rtl-asserts"

# (name, file, text, replacement, the assertion message that must stop it)
MUTANTS = [
    # a hit in the last way is missed: the walk refills an ID that is there
    ("lookup-skips-last-way", "ctlb_tlb.v",
     "for (lw = 0; lw < Ways; lw = lw + 1) begin", "for (lw = 0; lw < Ways - 1; lw = lw + 1) begin",
     "ctlb_tlb: a refill of an ID that is already in the CTLB"),
    # the walker keeps requesting while it waits for the answer
    ("second-read", "ctlb_walker.v",
     "assign mem_req_valid_o = (state_q == StFetch) && !wc_use && !kill_q;",
     "assign mem_req_valid_o = (state_q == StFetch || state_q == StWait) && !wc_use && !kill_q;",
     "ctlb_walker: a memory read requested while one is outstanding"),
    # the walker waits for a read the memory did not accept
    ("fetch-ignores-ready", "ctlb_walker.v",
     "end else if (mem_req_ready_i) begin", "end else begin",
     "ctlb_walker: WAIT without an outstanding read, or a read outstanding outside WAIT"),
    # requests accepted while the walker is busy: a hit in its RESP cycle
    ("accept-while-busy", "ctlb_top.v",
     "wire accept = req_valid_i && walker_idle;", "wire accept = req_valid_i;",
     "ctlb_top: a CTLB hit and a walker answer in the same cycle"),
]
MESSAGES = [m[4] for m in MUTANTS]


def rtl_copy(name, mutant=None):
    """rtl/ with one substitution applied, in build/rtl-asserts/NAME/rtl."""
    d = WORK / name / "rtl"
    if d.exists():
        shutil.rmtree(d)
    d.mkdir(parents=True)
    for f in RTL + ["ctlb_assert.vh"]:
        shutil.copy(ROOT / "rtl" / f, d)
    if mutant:
        _, fname, old, new, _ = mutant
        text = (d / fname).read_text()
        assert text.count(old) == 1, "mutant text found %d times in rtl/%s" % (text.count(old), fname)
        (d / fname).write_text(text.replace(old, new))
    return d


def simulate(sim, name, mutant=None):
    """Runs the testbench on the (mutated) RTL; returns (exit status, output)."""
    d = rtl_copy(name, mutant)
    srcs = [str(d / f) for f in RTL]
    if sim == "icarus":
        vvp = d.parent / "tb.vvp"
        subprocess.run(["iverilog", "-g2005", "-DCTLB_ASSERTS", "-I" + str(d), "-s", "ctlb_assert_tb", "-o", str(vvp),
                        TB] + srcs, check=True, capture_output=True, timeout=120)
        cmd = ["vvp", "-n", str(vvp)]
    else:
        obj = d.parent / "vobj"
        subprocess.run(["verilator", "--binary", "--assert", "-Wno-fatal", "-DCTLB_ASSERTS", "-I" + str(d),
                        "-Mdir", str(obj), "--top-module", "ctlb_assert_tb", TB] + srcs,
                       check=True, capture_output=True, timeout=300)
        cmd = [str(obj / "Vctlb_assert_tb")]
    p = subprocess.run(cmd, capture_output=True, text=True, timeout=120)
    return p.returncode, p.stdout + p.stderr


@pytest.mark.parametrize("sim", ["icarus", "verilator"])
def test_unmutated_runs_to_the_end(sim):
    rc, out = simulate(sim, "clean-" + sim)
    assert rc == 0 and "ctlb_assert_tb: done 4000 cycles" in out, out
    assert not any(m in out for m in MESSAGES), out


@pytest.mark.parametrize("sim", ["icarus", "verilator"])
@pytest.mark.parametrize("mutant", MUTANTS, ids=[m[0] for m in MUTANTS])
def test_mutant_stops_the_simulation(sim, mutant):
    rc, out = simulate(sim, "%s-%s" % (mutant[0], sim), mutant)
    assert rc != 0, "%s: %s ran with exit status 0:\n%s" % (sim, mutant[0], out[-2000:])
    assert mutant[4] in out, "%s: %s did not stop on its assertion:\n%s" % (sim, mutant[0], out[-2000:])
    assert "ctlb_assert_tb: done" not in out


def test_rtl_backend_stops_on_assertion():
    """xlat-bench on a project root whose RTL is a mutant: the on-demand build
    of the RTL backend (with --assert) aborts the program at the violation.
    16 entries, fully associative: the 16 IDs of the hit-heavy stream fill every
    way, so a hit in the last way is missed and refilled."""
    root = WORK / "backend-root"
    if root.exists():
        shutil.rmtree(root)
    root.mkdir(parents=True)
    shutil.copytree(rtl_copy("backend", MUTANTS[0]), root / "rtl")
    os.symlink(ROOT / "model", root / "model")
    env = dict(os.environ, CTSIM_ROOT=str(root))
    p = subprocess.run([str(BIN / "xlat-bench"), "--xlat", "rtl", "--lookups", "20000",
                        "--ctlb-entries", "16", "--ctlb-ways", "16"],
                       capture_output=True, text=True, timeout=600, env=env)
    out = p.stdout + p.stderr
    assert p.returncode != 0, out[-2000:]
    assert MUTANTS[0][4] in out, out[-2000:]
    assert "Assertion failed" in out, out[-2000:]
