"""The run loop's copies (sim/cpu_loop.h, compiled three times by sim/cpu.c:
run_fast1 for 1-cycle memories, run_fast for any latency, run_logged with
--log-commits or the observer) give the same results: the statistics of a
program are the same whichever copy ran it. The logged copy is the reference:
it reads every latency from the configuration, as the general copy does.
"""
import pytest

from conftest import BUILD, need
from sim_helpers import run_stats

PROGRAMS = ["firmware/hello/hello.elf", "firmware/trapdemo/trapdemo.elf",
            "firmware/isa/timer.elf", "firmware/isa/msip.elf", "firmware/isa/fencei.elf",
            "firmware/isa/lrsc.elf", "cycles/callid_mix.elf", "cycles/roi_regions.elf", "cycles/signature.elf"]


@pytest.mark.parametrize("lat", [[], ["--imem-lat", "2", "--dmem-lat", "3"]],
                         ids=["lat1", "lat2-3"])
@pytest.mark.parametrize("prog", PROGRAMS)
def test_fast_copy_same_as_logged(tmp_path, prog, lat):
    elf = need(BUILD / prog, "all")
    (tmp_path / "f").mkdir()
    (tmp_path / "l").mkdir()
    fast, sf = run_stats(tmp_path / "f", elf, "--xlat", "c", *lat)
    logged, sl = run_stats(tmp_path / "l", elf, "--xlat", "c", "--log-commits",
                           tmp_path / "commits.log", *lat)
    assert (tmp_path / "commits.log").stat().st_size > 0
    assert fast.returncode == logged.returncode, (fast.stderr, logged.stderr)
    assert fast.stdout == logged.stdout
    assert sf == sl
