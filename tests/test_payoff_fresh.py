"""docs/payoff.md (`make payoff`, scripts/payoff.py) is up to date, cheaply:
its inputs hash covers the pay-off scripts, ctcc and the real programs; its
fingerprint lists the cycles of the small builds in every mode, which the
simulator must still give (a change of the CPU model, the accelerator or a
program that moves any of them needs `make payoff`). The full study takes
minutes and is not run here."""
import json
import pathlib
import re
import sys

import pytest

from fw_helpers import BUILD, ROOT, run_ctsim

sys.path.insert(0, str(ROOT / "scripts"))
import inputs_hash  # noqa: E402
import payoff  # noqa: E402

DOC = ROOT / "docs" / "payoff.md"


def fingerprint():
    fp = {}
    for m in re.finditer(r"^- (\w+): (.*)$", DOC.read_text(), re.M):
        fp[m.group(1)] = {k: int(v) for k, v in (x.split() for x in m.group(2).split(", "))}
    return fp


def test_payoff_md_inputs_hash():
    got = inputs_hash.recorded(DOC.read_text())
    assert got is not None, "docs/payoff.md records no inputs hash: run `make payoff`"
    assert got == inputs_hash.digest(str(ROOT), payoff.PAYOFF_INPUTS), \
        "docs/payoff.md is stale (a pay-off input changed): run `make payoff`"


def test_fingerprint_lists_every_program_and_mode():
    fp = fingerprint()
    assert set(fp) == {"lua", "zlib", "mbedtls"}
    for prog, modes in fp.items():
        assert list(modes) == list(payoff.MODES), prog


@pytest.mark.parametrize("prog", ["lua", "zlib", "mbedtls"])
def test_fingerprint_cycles_are_todays(tmp_path, prog):
    want = fingerprint()[prog]
    for mode, cycles in want.items():
        elf = BUILD / "realprog" / mode / f"{prog}-small.elf"
        js = tmp_path / f"{mode}.json"
        r = run_ctsim(elf, "--stats-json", str(js))
        assert r.returncode == 0, r.stderr
        got = json.loads(js.read_text())["cycles"]
        assert got == cycles, (f"{prog} {mode}: {got} cycles now, {cycles} in docs/payoff.md: "
                               "run `make payoff`")


def test_plots_are_the_ones_referenced():
    md = DOC.read_text()
    pngs = sorted(p.name for p in (ROOT / "docs" / "payoff").glob("*.png"))
    assert pngs and all(f"payoff/{p}" in md for p in pngs)
    for ref in re.findall(r"\]\(payoff/([^)]+)\)", md):
        assert ref in pngs
