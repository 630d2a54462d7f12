"""The comparison benchmark (firmware/cmpbench, docs/comparison.md).

Every expected figure is worked out by hand from docs/timing.md and
docs/accelerator.md section 4 (defaults: --imem-lat 1, --dmem-lat Ld = 1).
A figure is cycles per call as timing.md "Cycles per call" defines it: the call
sequence, from its first instruction entering EX to the callee's first
instruction entering EX, without the callee's `ret`. The benchmark measures the
ret too (direct loop - jump loop); a ret is a jalr: 2 + Li = 3 cycles, and the
`with_ret` field is the figure + 3. Costs per instruction (timing.md, "Cost per
instruction class"): ALU 1; jal 1 + Li = 2; jalr 2 + Li = 3; a load Ld, or
1 + Ld when the next instruction uses its result; callid on a hit = jalr = 3;
on a miss the walker adds m(1 + Ld) + 1 cycles for a walk reading m levels
from memory.

  direct         jal 2                                                 = 2
  indirect       jalr 3                                                = 3
  callid_hit     callid 3                                              = 3
  callid_miss_lL callid 3 + walk L(1+Ld)+1 (the ctlb.inv before it is
                 subtracted by the baseline loop)           L=1: 6, 2: 8, 3: 10
  jumptable      slli 1 + add 1 + lw 1+Ld (jalr uses it) + jalr 3      = 7
  flat_zcmt      lw 1+Ld + jalr 3                                      = 5
  swwalk2        srli, slli, add 1+1+1; lw (next is andi, independent) Ld;
                 andi, slli, add 1+1+1 (by then the first load is back);
                 lw 1+Ld; jalr 3                           = 3+1+3+2+3 = 12
  trampoline     jal 2 + (stub) j 2                                    = 4
  trampoline_ld  jal 2 + lui 1 + lw 1+Ld + jr 3                        = 8
  (the jump loop's body `j 2f; 2:` is a jal alone: 2; direct with ret 5)

With Ld = 3 (test_slow_memory): a load followed by its user costs 1 + Ld = 4,
followed by an independent instruction Ld = 3 (it holds MEM for Ld cycles;
timing.md's load row). Then direct 2, indirect 3, callid_hit 3 (no loads),
callid_miss_l3 = 3 + 3(1+3)+1 = 16, jumptable 1+1+4+3 = 9, flat 4+3 = 7,
swwalk2: srli/slli/add 3, lw + andi: the andi waits in EX until the load leaves
MEM, together Ld + 1 = 4, slli 1; the add needs the first load's value, ready at
its W = E(lw) + 1 + Ld = E(lw) + 4 = E(add) - 1 already: 1; lw 4; jalr 3:
3 + 4 + 1 + 1 + 4 + 3 = 16; trampoline 4; trampoline_ld 2 + 1 + 4 + 3 = 10;
the ret still 3 (it loads nothing).
"""
import re

import pytest

from callid_helpers import ctsim_run, elf

RET = 3  # the callee's ret: a jalr, 2 + Li
COMMON = {"direct": 2, "indirect": 3, "callid_hit": 3, "jumptable": 7, "flat_zcmt": 5,
          "swwalk2": 12, "trampoline": 4, "trampoline_ld": 8}
SLOW = {"direct": 2, "indirect": 3, "callid_hit": 3, "jumptable": 9, "flat_zcmt": 7,
        "swwalk2": 16, "trampoline": 4, "trampoline_ld": 10}
GEOMETRIES = [("cmpbench.elf", "12,10,10", 3), ("cmpbench-l2.elf", "10,10", 2),
              ("cmpbench-l1.elf", "10", 1)]


def miss(levels, ld):
    """callid 3 + a walk reading every level from memory: L(1 + Ld) + 1."""
    return 3 + levels * (1 + ld) + 1


def cmp_lines(out):
    rows = {}
    for m in re.finditer(r"^CMP mechanism=(\w+) cycles_per_call=(\d+\.\d\d) "
                         r"with_ret=(\d+\.\d\d) calls=(\d+) levels=(\d)$", out, re.M):
        rows[m.group(1)] = (float(m.group(2)), float(m.group(3)), int(m.group(4)),
                            int(m.group(5)))
    return rows


def measured_ret(out):
    """The benchmark's measured ret, direct and jump figures."""
    m = re.search(r"^cmpbench: the callee's ret costs (\d+\.\d\d) \(direct (\d+\.\d\d) "
                  r"- jump (\d+\.\d\d)\)$", out, re.M)
    assert m, out
    return tuple(float(x) for x in m.groups())


@pytest.mark.parametrize("name,levels,nlev", GEOMETRIES)
def test_figures(name, levels, nlev):
    r = ctsim_run(elf("cmpbench", name), "--xlat", "c", "--ctlb-levels", levels)
    assert r.rc == 0, r.out + r.err
    rows = cmp_lines(r.out)
    want = dict(COMMON)
    want[f"callid_miss_l{nlev}"] = miss(nlev, 1)
    assert set(rows) == set(want), r.out
    # the ret measured as direct (jal + ret) - jump (jal alone): 2 + 3 - 2
    assert measured_ret(r.out) == (RET, 2 + RET, 2)
    for mech, cycles in want.items():
        got, with_ret, calls, lv = rows[mech]
        assert (got, with_ret, lv) == (cycles, cycles + RET, nlev), \
            f"{mech}: {got} / {with_ret} cycles, want {cycles} / {cycles + RET}"
        assert calls == 1000
        # the human-readable table says the same
        assert re.search(rf"^  {mech} +{cycles}\.00 +{cycles + RET}\.00$", r.out, re.M), mech


@pytest.mark.parametrize("name,levels,nlev", GEOMETRIES)
def test_slow_memory(name, levels, nlev):
    r = ctsim_run(elf("cmpbench", name), "--xlat", "c", "--dmem-lat", "3", "--ctlb-levels",
                  levels)
    assert r.rc == 0, r.out + r.err
    want = dict(SLOW)
    want[f"callid_miss_l{nlev}"] = miss(nlev, 3)
    assert measured_ret(r.out) == (RET, 2 + RET, 2)
    got = {k: v[:2] for k, v in cmp_lines(r.out).items()}
    assert got == {k: (v, v + RET) for k, v in want.items()}


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
    """docs/comparison.md's results table (cycles per call, with ret and
    --dmem-lat 3 columns) and README.md's summary sentence quote the figures
    derived above."""
    from conftest import ROOT
    slow, fast = dict(SLOW), dict(COMMON)
    for n in (1, 2, 3):
        fast[f"callid_miss_l{n}"] = miss(n, 1)
        slow[f"callid_miss_l{n}"] = miss(n, 3)
    text = (ROOT / "docs" / "comparison.md").read_text()
    rows = re.findall(r"^\| `(\w+)` \|.*\| ([\d.]+) \| [^|]+ \| ([\d.]+) \| (\d+) \|$", text,
                      re.M)
    assert {m: (float(a), float(b), int(c)) for m, a, b, c in rows} == \
        {m: (float(fast[m]), float(fast[m] + RET), slow[m]) for m in fast}
    readme = (ROOT / "README.md").read_text()
    m = re.search(r"direct (\d+), indirect `jalr` (\d+), \*\*`callid` hit (\d+)\*\*, `callid` "
                  r"miss (\d+) / (\d+)\s+/ (\d+) with 1 / 2 / 3 table levels, jump table (\d+), "
                  r"Zcmt-style flat table (\d+), software\s+two-level walk (\d+), trampoline (\d+)",
                  readme)
    assert m, "README.md's cmpbench sentence changed: update this test"
    assert [int(x) for x in m.groups()] == [
        fast[k] for k in ("direct", "indirect", "callid_hit", "callid_miss_l1", "callid_miss_l2",
                          "callid_miss_l3", "jumptable", "flat_zcmt", "swwalk2", "trampoline")]
