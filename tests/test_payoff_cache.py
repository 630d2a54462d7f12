"""scripts/payoff.py keeps the results of its runs in --work so that a study
resumes; a result may be reused only for the same program and the same
simulator: its cache name carries both files' contents, not just the run's
arguments (a rebuilt ELF or ctsim runs again)."""
import argparse
import sys

from fw_helpers import ROOT

sys.path.insert(0, str(ROOT / "scripts"))
import payoff  # noqa: E402


def test_run_key_follows_the_contents_of_elf_and_simulator(tmp_path):
    elf, sim = tmp_path / "p.elf", tmp_path / "ctsim"
    elf.write_bytes(b"\x7fELF one")
    sim.write_bytes(b"sim one")
    args = argparse.Namespace(ctsim=str(sim))
    payoff._SHA.clear()
    k1 = payoff.run_key(args, "cpu-lua-callid-l1", str(elf))
    assert k1.startswith("cpu-lua-callid-l1-")
    payoff._SHA.clear()
    assert payoff.run_key(args, "cpu-lua-callid-l1", str(elf)) == k1   # same files: reused
    elf.write_bytes(b"\x7fELF two")
    payoff._SHA.clear()
    k2 = payoff.run_key(args, "cpu-lua-callid-l1", str(elf))
    assert k2 != k1                                                     # rebuilt program
    sim.write_bytes(b"sim two")
    payoff._SHA.clear()
    k3 = payoff.run_key(args, "cpu-lua-callid-l1", str(elf))
    assert k3 not in (k1, k2)                                           # rebuilt simulator
