"""The comparison benchmark (firmware/cmpbench, docs/comparison.md).

Every expected figure is worked out by hand from docs/timing.md and
docs/accelerator.md section 4 (defaults: --imem-lat 1, --dmem-lat Ld = 1).
A figure is the cost of the call sequence plus the callee's `ret` (a jalr:
2 + Li = 3 cycles). Costs per instruction (timing.md, "Cost per instruction
class"): ALU 1; jal 1 + Li = 2; jalr 2 + Li = 3; a load Ld, or 1 + Ld when the
next instruction uses its result; callid on a hit = jalr = 3; on a miss the
walker adds m(1 + Ld) + 1 cycles for a walk reading m levels from memory.

  direct         jal 2 + ret 3                                         = 5
  indirect       jalr 3 + ret 3                                        = 6
  callid_hit     callid 3 + ret 3                                      = 6
  callid_miss_lL callid 3 + walk L(1+Ld)+1 + ret 3 (the ctlb.inv before
                 it is subtracted by the baseline loop)    L=1: 9, 2: 11, 3: 13
  jumptable      slli 1 + add 1 + lw 1+Ld (jalr uses it) + jalr 3 + ret 3 = 10
  flat_zcmt      lw 1+Ld + jalr 3 + ret 3                              = 8
  swwalk2        srli, slli, add 1+1+1; lw (next is andi, independent) Ld;
                 andi, slli, add 1+1+1 (by then the first load is back);
                 lw 1+Ld; jalr 3; ret 3                  = 3+1+3+2+3+3 = 15
  trampoline     jal 2 + (stub) j 2 + ret 3                            = 7
  trampoline_ld  jal 2 + lui 1 + lw 1+Ld + jr 3 + ret 3                = 11

With Ld = 3 (test_slow_memory): a load followed by its user costs 1 + Ld = 4,
followed by an independent instruction Ld = 3 (it holds MEM for Ld cycles;
timing.md's load row). Then direct 5, indirect 6, callid_hit 6 (no loads),
callid_miss_l3 = 3 + 3(1+3)+1 + 3 = 19, jumptable 1+1+4+3+3 = 12, flat 4+3+3 = 10,
swwalk2: srli/slli/add 3, lw + andi: the andi waits in EX until the load leaves
MEM, together Ld + 1 = 4, slli 1; the add needs the first load's value, ready at
its W = E(lw) + 1 + Ld = E(lw) + 4 = E(add) - 1 already: 1; lw 4; jalr 3; ret 3:
3 + 4 + 1 + 1 + 4 + 3 + 3 = 19; trampoline 7; trampoline_ld 2 + 1 + 4 + 3 + 3 = 13.
"""
import re

import pytest

from callid_helpers import ctsim_run, elf

COMMON = {"direct": 5, "indirect": 6, "callid_hit": 6, "jumptable": 10, "flat_zcmt": 8,
          "swwalk2": 15, "trampoline": 7, "trampoline_ld": 11}
GEOMETRIES = [("cmpbench.elf", "12,10,10", 3), ("cmpbench-l2.elf", "10,10", 2),
              ("cmpbench-l1.elf", "10", 1)]


def cmp_lines(out):
    rows = {}
    for m in re.finditer(r"^CMP mechanism=(\w+) cycles_per_call=(\d+\.\d\d) calls=(\d+) "
                         r"levels=(\d)$", out, re.M):
        rows[m.group(1)] = (float(m.group(2)), int(m.group(3)), int(m.group(4)))
    return rows


@pytest.mark.parametrize("name,levels,nlev", GEOMETRIES)
def test_figures(name, levels, nlev):
    r = ctsim_run(elf("cmpbench", name), "--xlat", "c", "--ctlb-levels", levels)
    assert r.rc == 0, r.out + r.err
    rows = cmp_lines(r.out)
    want = dict(COMMON)
    want[f"callid_miss_l{nlev}"] = 3 + nlev * (1 + 1) + 1 + 3
    assert set(rows) == set(want), r.out
    for mech, cycles in want.items():
        got, calls, lv = rows[mech]
        assert (got, lv) == (cycles, nlev), f"{mech}: {got} cycles, want {cycles}"
        assert calls == 1000
        # the human-readable table says the same
        assert re.search(rf"^  {mech} +{cycles}\.00$", r.out, re.M), mech


@pytest.mark.parametrize("name,levels,nlev", GEOMETRIES)
def test_slow_memory(name, levels, nlev):
    r = ctsim_run(elf("cmpbench", name), "--xlat", "c", "--dmem-lat", "3", "--ctlb-levels",
                  levels)
    assert r.rc == 0, r.out + r.err
    want = {"direct": 5, "indirect": 6, "callid_hit": 6,
            f"callid_miss_l{nlev}": 3 + nlev * (1 + 3) + 1 + 3,
            "jumptable": 12, "flat_zcmt": 10, "swwalk2": 19, "trampoline": 7,
            "trampoline_ld": 13}
    got = {k: v[0] for k, v in cmp_lines(r.out).items()}
    assert got == want


def test_geometry_mismatch_is_reported():
    """cmpbench-l1.elf builds a 1-level table; ctsim walking it as 12,10,10
    finds an invalid entry: the program must say so and exit 1."""
    r = ctsim_run(elf("cmpbench", "cmpbench-l1.elf"), "--xlat", "c")
    assert r.rc == 1
    assert "does not match ctsim's --ctlb-levels" in r.out


def test_lockstep_identical():
    """The default (C model, idle-skip) against the verilated RTL in lock-step
    (the RTL was ctsim's default once: docs/comparison.md's figures hold for
    both)."""
    skip = ctsim_run(elf("cmpbench", "cmpbench.elf"))
    lock = ctsim_run(elf("cmpbench", "cmpbench.elf"), "--xlat", "rtl", "--lockstep")
    assert skip.rc == 0 and lock.stats["ctlb"]["lockstep"] is True
    assert skip.stats["ctlb"]["backend"] == "c" and lock.stats["ctlb"]["backend"] == "rtl"
    assert skip.comparable() == lock.comparable()


def test_docs_quote_the_hand_worked_figures():
    """docs/comparison.md's results table (defaults and --dmem-lat 3 columns)
    and README.md's summary sentence quote the figures derived above."""
    from conftest import ROOT
    slow = {"direct": 5, "indirect": 6, "callid_hit": 6, "jumptable": 12, "flat_zcmt": 10,
            "swwalk2": 19, "trampoline": 7, "trampoline_ld": 13}
    fast = dict(COMMON)
    for n in (1, 2, 3):
        fast[f"callid_miss_l{n}"] = 3 + n * (1 + 1) + 1 + 3
        slow[f"callid_miss_l{n}"] = 3 + n * (1 + 3) + 1 + 3
    text = (ROOT / "docs" / "comparison.md").read_text()
    rows = re.findall(r"^\| `(\w+)` \|.*\| ([\d.]+) \| [^|]+ \| (\d+) \|$", text, re.M)
    assert {m: (float(a), int(b)) for m, a, b in rows} == \
        {m: (float(fast[m]), slow[m]) for m in fast}
    readme = (ROOT / "README.md").read_text()
    m = re.search(r"direct (\d+), indirect `jalr` (\d+), \*\*`callid` hit (\d+)\*\*, `callid` "
                  r"miss (\d+) / (\d+)\s+/ (\d+) with 1 / 2 / 3 table levels, jump table (\d+), "
                  r"Zcmt-style flat table (\d+), software\s+two-level walk (\d+), trampoline (\d+)",
                  readme)
    assert m, "README.md's cmpbench sentence changed: update this test"
    assert [int(x) for x in m.groups()] == [
        fast[k] for k in ("direct", "indirect", "callid_hit", "callid_miss_l1", "callid_miss_l2",
                          "callid_miss_l3", "jumptable", "flat_zcmt", "swwalk2", "trampoline")]
