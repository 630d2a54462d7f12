"""RTL unit tests with cocotb 2.0 on Icarus: ctlb_tlb and ctlb_walker on their own
(tests/rtl/*_tb.py), expected values from Python models written there."""
import pytest
from cocotb_tools.runner import get_runner

from conftest import BUILD, ROOT

UNITS = {
    "ctlb_tlb-lru": ({"Entries": 4, "Ways": 2, "Policy": 0}, "ctlb_tlb_tb", {"CTLB_POLICY": "lru"}),
    "ctlb_tlb-fifo": ({"Entries": 4, "Ways": 2, "Policy": 2}, "ctlb_tlb_tb", {"CTLB_POLICY": "fifo"}),
    "ctlb_walker": ({"Levels": 2, "LevelBits0": 4, "LevelBits1": 4, "WalkCache": 0},
                    "ctlb_walker_tb", {}),
}


@pytest.mark.parametrize("unit", sorted(UNITS))
def test_unit(unit):
    params, module, env = UNITS[unit]
    top = unit.split("-")[0]
    runner = get_runner("icarus")
    build = BUILD / "cocotb" / unit
    runner.build(sources=[ROOT / "rtl" / f"{top}.v"], includes=[ROOT / "rtl"], hdl_toplevel=top, parameters=params,
                 build_dir=build, always=True, timescale=("1ns", "1ps"))
    results = runner.test(hdl_toplevel=top, test_module=module, build_dir=build,
                          test_dir=ROOT / "tests" / "rtl", results_xml=str(build / "results.xml"),
                          extra_env={"PYTHONPATH": str(ROOT / "tests" / "rtl"), **env})
    import xml.etree.ElementTree as ET
    tree = ET.parse(results)
    cases = tree.findall(".//testcase")
    # every @cocotb.test of the testbench ran (none skipped, none missing) and passed
    src = (ROOT / "tests" / "rtl" / f"{module}.py").read_text()
    import re
    want = re.findall(r"@cocotb\.test\(\)\s*\nasync def (\w+)", src)
    assert want and sorted(c.get("name") for c in cases) == sorted(want), \
        f"{top}: cocotb ran {[c.get('name') for c in cases]}, the testbench has {want}"
    failed = [c.get("name") for c in cases if c.find("failure") is not None
              or c.find("error") is not None or c.find("skipped") is not None]
    assert not failed, f"{top}: {failed} failed or skipped (see {build})"
