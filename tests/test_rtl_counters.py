"""The performance counters' read port of ctlb_top (docs/accelerator.md section 8)
with a narrow CntWidth, in Icarus (tests/rtl/ctlb_cnt_tb.v): the counters wrap
modulo 2^CntWidth, a read returns the selected counter's value in the read cycle
(before that cycle's count), in the next cycle. Expected values worked by hand."""
import subprocess

import pytest

from conftest import BUILD, ROOT

SRC = [str(ROOT / "rtl" / f) for f in ("ctlb_top.v", "ctlb_tlb.v", "ctlb_walker.v", "ctlb_wcache.v")]


@pytest.mark.parametrize("width,n", [(4, 20), (8, 20), (2, 5)])
def test_counter_read_port_wraps(width, n):
    out = BUILD / "rtl" / ("cnt-%d-%d.vvp" % (width, n))
    out.parent.mkdir(parents=True, exist_ok=True)
    subprocess.run(["iverilog", "-g2005", "-DCTLB_ASSERTS", "-I" + str(ROOT / "rtl"), "-s", "ctlb_cnt_tb",
                    "-Pctlb_cnt_tb.CntWidth=%d" % width, "-Pctlb_cnt_tb.N=%d" % n, "-o", str(out),
                    str(ROOT / "tests" / "rtl" / "ctlb_cnt_tb.v")] + SRC,
                   check=True, capture_output=True, timeout=120)
    p = subprocess.run(["vvp", "-n", str(out)], capture_output=True, text=True, timeout=60)
    assert p.returncode == 0, p.stdout + p.stderr
    reads = [tuple(int(v) for v in line.split()[1:]) for line in p.stdout.splitlines()
             if line.startswith("read ")]
    m = 1 << width
    assert reads == [(6, n % m), (6, n % m), (6, (n + 1) % m), (0, 0)], p.stdout
    assert "done" in p.stdout
