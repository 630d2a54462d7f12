"""scripts/plots.py: a configuration column that varies but is not shown by a
plot is averaged over and said so (title and stderr), never dropped; a column
that follows from the shown ones is not reported. CSVs written by the tests,
expected means worked by hand."""
import pathlib
import subprocess
import sys

import pytest

ROOT = pathlib.Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "scripts"))
import plots  # noqa: E402

HEAD = ("grid,trace,backend,entries,ways,policy,levels,level_bits,walk_cache,mem_lat,"
        "lfsr_seed,hit_rate,walk_cycles_per_miss,cycles_per_call\n")


def row(grid="hitrate", trace="t", entries=4, ways=1, policy="lru", levels=3,
        level_bits="12.10.10", walk_cache=0, mem_lat=1, seed=0, hit=0.5, wpm=7.0, cpc=2.0):
    return (f"{grid},{trace},c,{entries},{ways},{policy},{levels},{level_bits},{walk_cache},"
            f"{mem_lat},{seed},{hit},{wpm},{cpc}\n")


@pytest.fixture()
def figs(monkeypatch):
    """The figures plots.py would save, by file name (nothing written)."""
    got = {}

    def keep(fig, path):
        got[pathlib.Path(path).name] = fig
    monkeypatch.setattr(plots, "save_png", keep)
    return got


def ys(fig, ax=0, line=0):
    return [float(y) for y in fig.axes[ax].lines[line].get_ydata()]


def test_hitrate_averages_a_hidden_seed(tmp_path, figs, capsys):
    # two LFSR seeds per point: 4 entries 0.2 and 0.4 -> 0.3; 8 entries 0.6 and 0.8 -> 0.7
    csv = tmp_path / "s.csv"
    csv.write_text(HEAD + row(entries=4, seed=0, hit=0.2) + row(entries=4, seed=1, hit=0.4)
                   + row(entries=8, seed=0, hit=0.6) + row(entries=8, seed=1, hit=0.8))
    plots.plot_hitrate(str(csv), str(tmp_path))
    fig = figs["hitrate-t.png"]
    assert ys(fig) == pytest.approx([0.3, 0.7])
    assert "mean over lfsr_seed 0, 1" in fig._suptitle.get_text()
    err = capsys.readouterr().err
    assert "column 'lfsr_seed' varies (0, 1)" in err and err.count("\n") == 1, err


def test_hitrate_names_every_hidden_column(tmp_path, figs, capsys):
    # mem_lat and level_bits vary too: 4 rows on the one point, mean 0.25
    csv = tmp_path / "s.csv"
    csv.write_text(HEAD + row(mem_lat=1, hit=0.1) + row(mem_lat=4, hit=0.2)
                   + row(level_bits="16.16", levels=2, hit=0.3) + row(mem_lat=4, seed=3, hit=0.4))
    plots.plot_hitrate(str(csv), str(tmp_path))
    assert ys(figs["hitrate-t.png"]) == pytest.approx([0.25])
    title = figs["hitrate-t.png"]._suptitle.get_text()
    err = capsys.readouterr().err
    for c, vals in (("levels", "3, 2"), ("level_bits", "12.10.10, 16.16"),
                    ("mem_lat", "1, 4"), ("lfsr_seed", "0, 3")):
        assert f"column '{c}' varies ({vals})" in err, (c, err)
        assert f"{c} {vals}" in title, (c, title)
    assert err.count("\n") == 4, err


def test_penalty_averages_hidden_entries_but_not_derived_level_bits(tmp_path, figs, capsys):
    # levels 1 (level_bits 16) and 2 (8.8): level_bits follows from levels -> not
    # reported; entries 8 and 16 on the same point -> averaged:
    # levels 1, mem_lat 1: wpm (3+5)/2 = 4, cpc (1.5+2.5)/2 = 2
    csv = tmp_path / "s.csv"
    csv.write_text(HEAD
                   + row(grid="penalty", levels=1, level_bits="16", entries=8, wpm=3, cpc=1.5)
                   + row(grid="penalty", levels=1, level_bits="16", entries=16, wpm=5, cpc=2.5)
                   + row(grid="penalty", levels=2, level_bits="8.8", entries=8, wpm=5, cpc=3)
                   + row(grid="penalty", levels=2, level_bits="8.8", entries=16, wpm=7, cpc=4))
    plots.plot_penalty(str(csv), str(tmp_path))
    fig = figs["penalty-t.png"]
    assert ys(fig, 0, 0) == [4.0] and ys(fig, 1, 0) == [2.0]
    assert ys(fig, 0, 1) == [6.0] and ys(fig, 1, 1) == [3.5]
    assert "mean over entries 8, 16" in fig._suptitle.get_text()
    err = capsys.readouterr().err
    assert "column 'entries' varies (8, 16)" in err and "level_bits" not in err, err


def test_nothing_hidden_no_note(tmp_path, figs, capsys):
    csv = tmp_path / "s.csv"
    csv.write_text(HEAD + row(entries=4, hit=0.2) + row(entries=8, hit=0.6)
                   + row(entries=4, policy="fifo", hit=0.1))
    plots.plot_hitrate(str(csv), str(tmp_path))
    assert "mean" not in figs["hitrate-t.png"]._suptitle.get_text()
    assert capsys.readouterr().err == ""


def test_cli_note_on_stderr(tmp_path):
    csv = tmp_path / "s.csv"
    csv.write_text(HEAD + row(seed=0, hit=0.2) + row(seed=1, hit=0.4))
    r = subprocess.run([sys.executable, str(ROOT / "scripts" / "plots.py"), "hitrate", str(csv),
                        "-o", str(tmp_path)], capture_output=True, text=True)
    assert r.returncode == 0 and (tmp_path / "hitrate-t.png").exists()
    assert r.stderr.startswith(f"plots: {csv}: hit rate, trace t: column 'lfsr_seed' varies")


def test_penalty_keeps_rows_without_misses(tmp_path, figs, capsys):
    # mem_lat 1 has no misses (walk_cycles_per_miss empty, cycles per call 3.0:
    # a callid hit, docs/timing.md): the cycles-per-call panel shows it, the
    # walk-cycles panel cannot
    csv = tmp_path / "s.csv"
    csv.write_text(HEAD + row(grid="penalty", mem_lat=1, wpm="", cpc=3.0)
                   + row(grid="penalty", mem_lat=4, wpm=16, cpc=5.0))
    plots.plot_penalty(str(csv), str(tmp_path))
    fig = figs["penalty-t.png"]
    assert ys(fig, 0, 0) == [16.0] and ys(fig, 1, 0) == [3.0, 5.0]
    assert "1 rows without misses" in fig.axes[0].get_title()
    assert "1 of 2 rows have no misses" in capsys.readouterr().err
    # a trace without a single miss still gets its plot
    csv.write_text(HEAD + row(grid="penalty", mem_lat=1, wpm="", cpc=1.0))
    plots.plot_penalty(str(csv), str(tmp_path))
    assert ys(figs["penalty-t.png"], 1, 0) == [1.0]
