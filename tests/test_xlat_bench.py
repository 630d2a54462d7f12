"""build/xlat-bench runs and reports both backends and streams; bad options are refused."""
import re
import subprocess

import pytest

from conftest import BUILD, need


def bench(*args):
    return subprocess.run([str(need(BUILD / "xlat-bench", "build/xlat-bench")), *args],
                          capture_output=True, text=True, timeout=300)


def test_bench_reports_four_figures():
    p = bench("--lookups", "200000")
    assert p.returncode == 0, p.stderr
    lines = p.stdout.splitlines()
    assert len(lines) == 4
    for line, (backend, stream) in zip(lines, [("C", "hit-heavy"), ("C", "miss-heavy"),
                                               ("RTL", "hit-heavy"), ("RTL", "miss-heavy")]):
        m = re.match(rf"xlat-bench: {backend}\s+{stream}\s+\S+: (\d+) lookups, ([\d.]+) cycles/lookup, "
                     r"([\d.]+) M lookups/s", line)
        assert m, line
        # hits answer in the request cycle (16 first misses of 8 cycles amortized); a
        # default-geometry miss with 1-cycle memory takes 8 cycles including the request
        # cycle (docs/accelerator.md section 4)
        cpl = float(m.group(2))
        if stream == "hit-heavy":
            assert 1.0 <= cpl <= 1.01, line
        else:
            assert 7.9 <= cpl <= 8.0, line
        assert float(m.group(3)) > 0


@pytest.mark.parametrize("args,word", [
    (["--backend", "verilog"], "--backend"),
    (["--lookups", "5"], "--lookups"),
    (["--lookups", "x"], "--lookups"),
    (["--ways", "5"], "ways"),
    (["--frobnicate"], "--frobnicate"),
])
def test_bench_bad_options(args, word):
    p = bench(*args)
    assert p.returncode == 2 and word in p.stderr and len(p.stderr.strip().splitlines()) == 1
    assert p.stdout == ""
