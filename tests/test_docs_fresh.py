"""The committed generated documents are up to date with their inputs, cheaply
(no synthesis, no sweep): docs/synth.md (`make synth`) and docs/report.md
(`make report`) record the sha256 of their inputs (scripts/inputs_hash.py),
which must equal the digest of the sources now. Also: the digest notices a
changed input, and docs that describe code say what the code does."""
import pathlib
import shutil
import sys

import pytest

ROOT = pathlib.Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "scripts"))
sys.path.insert(0, str(ROOT / "rtl"))
import inputs_hash  # noqa: E402
import report  # noqa: E402
import sweep  # noqa: E402
import synth_report  # noqa: E402


def test_synth_md_is_fresh():
    got = inputs_hash.recorded((ROOT / "docs" / "synth.md").read_text())
    assert got is not None, "docs/synth.md records no inputs hash: run `make synth`"
    assert got == synth_report.inputs_digest(), \
        "docs/synth.md is stale (an RTL source or the synthesis flow changed): run `make synth`"


def test_report_md_is_fresh():
    # as `make report` generates it: the default sweep, the comparison benchmark run
    got = inputs_hash.recorded((ROOT / "docs" / "report.md").read_text())
    assert got is not None, "docs/report.md records no inputs hash: run `make report`"
    cfg = sweep.SweepConfig(sweep.resolve_config("default"))
    assert got == report.inputs_digest(cfg, "cmpbench"), \
        "docs/report.md is stale (a sweep input, script or the simulator changed): " \
        "run `make report`"


def test_report_plots_are_the_ones_referenced():
    md = (ROOT / "docs" / "report.md").read_text()
    pngs = sorted(p.name for p in (ROOT / "docs" / "report").glob("*.png"))
    assert pngs and all(f"(report/{p})" in md for p in pngs)


def test_digest_follows_every_input(tmp_path):
    """A copy of the synthesis inputs: same digest; one changed byte in any
    input, or a renamed one, changes it; a pattern matching nothing is an error."""
    names = inputs_hash.files(str(ROOT), synth_report.INPUTS)
    assert "rtl/ctlb_tlb.v" in names and "rtl/rtl.mk" in names
    for n in names:
        (tmp_path / n).parent.mkdir(parents=True, exist_ok=True)
        shutil.copy(ROOT / n, tmp_path / n)
    base = synth_report.inputs_digest(str(tmp_path))
    assert base == synth_report.inputs_digest()
    seen = {base}
    for n in names:
        p = tmp_path / n
        old = p.read_bytes()
        p.write_bytes(old + b" ")
        seen.add(synth_report.inputs_digest(str(tmp_path)))
        p.write_bytes(old)
    assert len(seen) == len(names) + 1
    assert synth_report.inputs_digest(str(tmp_path)) == base
    with pytest.raises(inputs_hash.InputsError):
        inputs_hash.digest(str(tmp_path), ["rtl/none-*.v"])


def test_report_inputs_cover_the_sweep():
    cfg = sweep.SweepConfig(sweep.resolve_config("default"))
    names = inputs_hash.files(str(ROOT), report.report_inputs(cfg, "cmpbench"))
    for n in ("scripts/sweeps/default.yaml", "traces/real/lua-sort.ct.gz",
              "scripts/tracegen.py", "sim/trace/cttrace.c", "model/xlat_c.c", "sim/cpu.c",
              "firmware/cmpbench/cmpbench.c"):
        assert n in names, n
    assert "sim/cpu.c" not in inputs_hash.files(str(ROOT), report.report_inputs(cfg, None))


def test_ctsim_md_on_the_run_loop():
    # sim/cpu.c compiles the run loop three times by including sim/cpu_loop.h
    cpu = (ROOT / "sim" / "cpu.c").read_text()
    assert cpu.count('#include "cpu_loop.h"') == 3
    doc = (ROOT / "docs" / "ctsim.md").read_text()
    assert "includes itself" not in doc and "cpu_loop.h" in doc
    assert "compiled three times" in doc and "compiled twice" not in doc
