"""The self-checking ISA tests (firmware/isa/*.S) on build/ctsim.

Each test ELF checks its own results against values worked out by hand from the
RISC-V specs and ends with exit status 0 and "isa NAME: PASS", or with the
number of the failing test case as the exit status ("isa NAME: FAIL test N").
The env's own pass/fail path is checked too, with a test that must fail.
"""
import subprocess

import pytest

from fw_helpers import ISA_TESTS, ROOT, isa_elf, isa_verdict, run_ctsim

REQUIRED_GROUPS = {"alu", "branch", "jump", "jmpalign", "ldst", "mul", "div", "csr",
                   "traps", "timer", "fencei"}  # docs/firmware.md lists these


def test_isa_groups_present():
    missing = REQUIRED_GROUPS - set(ISA_TESTS)
    assert not missing, f"ISA test sources missing from firmware/isa: {sorted(missing)}"


@pytest.mark.parametrize("name", ISA_TESTS)
def test_isa_on_ctsim(name):
    proc = run_ctsim(isa_elf(name))
    assert proc.returncode == 0, (
        f"ISA test {name} failed at test case {proc.returncode} "
        f"(exit status = failing test number): {isa_verdict(name, proc)} {proc.stderr.strip()}")
    assert proc.stdout == f"isa {name}: PASS\n", isa_verdict(name, proc)


@pytest.mark.parametrize("div", [3, 64])
def test_timer_independent_of_mtime_rate(div):
    # The timer test assumes no rate for mtime: it must pass at any --mtime-div.
    proc = run_ctsim(isa_elf("timer"), "--mtime-div", str(div))
    assert proc.returncode == 0, isa_verdict("timer", proc)


FAILING_TEST = """
#include "env.h"
RVTEST_BEGIN(selfcheck)
  TEST_CASE(1, a0, 3, li a1, 1; li a2, 2; add a0, a1, a2)
  TEST_CASE(2, a0, 0x10, li a0, 0x10)
  TEST_CASE(7, a0, 5, li a1, 2; li a2, 2; add a0, a1, a2)
  TEST_CASE(8, a0, 0, li a0, 0)
RVTEST_END
"""


def build_failing_test(tmp_path):
    """An ISA test whose case 7 is wrong (2 + 2 != 5): it must exit with 7."""
    src = tmp_path / "selfcheck.S"
    src.write_text(FAILING_TEST)
    out = tmp_path / "selfcheck.elf"
    cmd = ["riscv64-unknown-elf-gcc", "-march=rv32im", "-mabi=ilp32", "-misa-spec=2.2",
           "-mno-relax", "-Wl,--no-relax", "-nostdlib", "-nostartfiles",
           "-T", str(ROOT / "firmware/common/link.ld"), "-Wl,--no-warn-rwx-segments",
           "-I", str(ROOT / "firmware/isa"), "-o", str(out), str(src)]
    subprocess.run(cmd, check=True, capture_output=True)
    return out


def test_env_reports_failing_case(tmp_path):
    proc = run_ctsim(build_failing_test(tmp_path))
    assert proc.returncode == 7, isa_verdict("selfcheck", proc)
    assert proc.stdout == "isa selfcheck: FAIL test 007\n", isa_verdict("selfcheck", proc)


def test_docs_table_lists_every_isa_test():
    # docs/firmware.md's "| test | covers |" table names exactly the ISA tests there are
    import re
    text = (ROOT / "docs" / "firmware.md").read_text()
    table = text[text.index("| test | covers |"):]
    table = table[:table.index("\n\n")]
    names = set(re.findall(r"^\| `(\w+)` \|", table, re.M))
    assert names == set(ISA_TESTS), (sorted(names ^ set(ISA_TESTS)))
