"""docs/shootdown.md (`make shootdown`, scripts/shootdown.py) is up to date,
cheaply: its inputs hash covers the script and the firmware it runs, and its
table must hold the figures the simulator gives now for 2 harts (one fast
configuration; a change of the CPU model, the platform or the interconnect
that moves them needs `make shootdown`)."""
import re
import sys

from conftest import BUILD, ROOT, need

sys.path.insert(0, str(ROOT / "scripts"))
import inputs_hash  # noqa: E402
import shootdown  # noqa: E402

DOC = ROOT / "docs" / "shootdown.md"


def test_shootdown_md_inputs_hash():
    got = inputs_hash.recorded(DOC.read_text())
    assert got is not None, "docs/shootdown.md records no inputs hash: run `make shootdown`"
    assert got == inputs_hash.digest(str(ROOT), shootdown.SHOOTDOWN_INPUTS), \
        "docs/shootdown.md is stale (an input changed): run `make shootdown`"


def test_shootdown_md_figures_for_two_harts():
    need(BUILD / "firmware" / "shootdown" / "sdtest-none.elf", "firmware")
    res = shootdown.measure(str(need(BUILD / "ctsim", "build/ctsim")),
                            str(BUILD / "firmware" / "shootdown"), harts=[2])
    want = [r for r in shootdown.table_rows({**{(m, n): res[(m, 2)] for m in shootdown.MECHS
                                               for n in shootdown.HARTS}})
            if r.startswith("| 2 |")]
    doc = [ln for ln in DOC.read_text().splitlines() if ln.startswith("| 2 |")]
    assert doc == want, "docs/shootdown.md's figures differ from the simulator's: " \
        "run `make shootdown`"


def test_shootdown_md_plot_is_referenced():
    assert (ROOT / "docs" / "shootdown" / "shootdown.png").exists()
    assert "(shootdown/shootdown.png)" in DOC.read_text()
    # every row of the table: N in 1, 2, 4, 8, 16, both mechanisms
    rows = re.findall(r"^\| (\d+) \| (sw|hw) \|", DOC.read_text(), re.M)
    assert rows == [(str(n), m) for n in shootdown.HARTS for m in shootdown.MECHS]


def test_missing_simulator_is_one_line(tmp_path):
    import subprocess
    r = subprocess.run([str(ROOT / ".venv" / "bin" / "python"), str(ROOT / "scripts" / "shootdown.py"),
                        "--ctsim", str(tmp_path / "none"), "--out", str(tmp_path / "x.md")],
                       capture_output=True, text=True, timeout=60)
    assert r.returncode == 2
    assert r.stderr.strip() == f"shootdown.py: error: {tmp_path / 'none'} is missing: run " \
        "`make shootdown` (it builds it)"
    assert not (tmp_path / "x.md").exists()
