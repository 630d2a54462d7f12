"""Region-of-interest markers (docs/ctsim.md, "Regions of interest"): the
HINTs slti x0, rs1, 0x5c1 (reset), 0x5c2 (dump), 0x5c3 (stop).

Every expected count is worked out by hand from docs/timing.md's rules (the
derivations are in the comments): a region holds the instructions strictly
between its reset and its dump, and its cycles run from the one after the
reset's EX cycle to the dump's EX cycle (exclusive), so cycles = instructions
+ stall cycles when nothing traps.
"""
import json
import os
import re
import shutil
import subprocess

import pytest

from conftest import BUILD, need
from fw_helpers import run_qemu
from sim_helpers import assemble, program, run, run_stats
from test_callid import ENABLE, TABLE

CROSS_OBJCOPY = "riscv64-unknown-elf-objcopy"
ZERO_STALLS = {"load_use": 0, "muldiv": 0, "dmem": 0, "imem": 0, "branch": 0, "jal": 0,
               "jalr": 0, "trap": 0, "wfi": 0, "ctlb": 0, "total": 0}
ZERO_CLASSES = {c: 0 for c in ["alu", "mul", "div", "load", "store", "branch", "jal", "jalr",
                               "csr", "system", "fence", "callid", "branch_taken",
                               "branch_not_taken"]}


def roi_elf():
    return need(BUILD / "cycles" / "roi_regions.elf", "build/cycles/roi_regions.elf")


def stalls(**kw):
    d = dict(ZERO_STALLS, **kw)
    d["total"] = sum(v for k, v in kw.items())
    return d


def classes(**kw):
    return dict(ZERO_CLASSES, **kw)


def test_two_regions_counted_by_hand(tmp_path):
    """tests/cycles/roi_regions.S. Before the first reset: 3 `la` = 6 ALU
    instructions, EX cycles 2..7 (no stall: the first instruction enters EX in
    cycle 2), the reset in EX cycle 8, so region "alu" starts at 9: li, addi,
    addi, add in 9..12, the dump in 13. Region "mixed": its reset is the 20th
    instruction (csrr, csrr, la = 2, sw, sw after the dump), EX cycle 20, so it
    starts at 21: lw 21; add waits for the load's W (21 + 1 + 1 = 23): one
    load-use bubble (22); mul 24 occupies EX 3 cycles, the addi after it enters
    at 27: two muldiv bubbles; beq 28, taken: R = 29, the sw enters IF at 29,
    EX at 31: two branch bubbles; the dump at 32. Instructions 6 (lw add mul
    addi beq sw), stalls 1 + 2 + 2 = 5, cycles 32 - 21 = 11."""
    r, js = run_stats(tmp_path, roi_elf(), "--signature", tmp_path / "sig")
    assert r.returncode == 0, r.stderr
    assert r.stdout == "roi ok\n"
    regs = js["regions"]
    assert [g["name"] for g in regs] == ["alu", "mixed"]
    alu, mixed = regs
    assert (alu["start_cycle"], alu["end_cycle"], alu["cycles"]) == (9, 13, 4)
    assert alu["instructions"] == 4 and alu["cpi"] == 1.0
    assert alu["classes"] == classes(alu=4)
    assert alu["stalls"] == ZERO_STALLS
    assert alu["ops"] == {"addi": 3, "add": 1}
    assert alu["note"] is None
    assert (mixed["start_cycle"], mixed["end_cycle"], mixed["cycles"]) == (21, 32, 11)
    assert mixed["instructions"] == 6
    assert mixed["classes"] == classes(alu=2, mul=1, load=1, store=1, branch=1,
                                       branch_taken=1)
    assert mixed["stalls"] == stalls(load_use=1, muldiv=2, branch=2)
    assert mixed["ops"] == {"lw": 1, "add": 1, "mul": 1, "addi": 1, "beq": 1, "sw": 1}
    assert mixed["traps"] == 0 and mixed["interrupts"] == 0
    assert mixed["ctlb"]["lookups"] == 0 and mixed["ctlb"]["callids"] == 0
    # the whole-run counters are not reset: minstret right after the first dump
    # reads the 12 instructions before it (6 + reset + 4 + dump) and mcycle (the
    # next instruction, the 14th) its EX cycle 2 + 13 = 15
    assert (tmp_path / "sig").read_text().split() == ["0000000c", "0000000f"]
    # the summary shows the same regions
    assert 'region "alu": cycles 9..13' in r.stderr
    assert "    stall cycles  5: load_use 1 muldiv 2 dmem 0 imem 0 branch 2 " in r.stderr


def test_markers_are_noops_on_qemu():
    """The same ELF on QEMU virt: the markers are HINTs (no illegal
    instruction), the program's self-check passes and it ends through the
    finisher with status 0, as on ctsim."""
    if shutil.which("qemu-system-riscv32") is None:
        pytest.fail("qemu-system-riscv32 is missing: run `make setup`")
    q = run_qemu(roi_elf())
    assert q.returncode == 0, q.stdout + q.stderr
    assert q.stdout == "roi ok\n"


def test_markers_cost_what_slti_costs(tmp_path):
    """The same program with the markers' immediates moved out of ctsim's
    window (0x5c. -> 0x5b.: ordinary slti x0 HINTs) gives the same whole-run
    JSON except for the regions: a marker is timed and counted as an slti."""
    src = (BUILD.parent / "tests" / "cycles" / "roi_regions.S").read_text()
    plain = assemble(tmp_path, src.replace(", 0x5c", ", 0x5b"), name="plain")
    _, js_roi = run_stats(tmp_path, roi_elf())
    _, js_plain = run_stats(tmp_path, plain)
    assert len(js_roi.pop("regions")) == 2
    assert js_plain.pop("regions") == []
    assert js_roi == js_plain
    assert js_roi["ops"]["slti"] == 4


# a callid miss then a hit to a one-instruction function; the table as
# test_callid.py builds it (default geometry 12/10/10, ID 1 -> fn_a)
CTLB_SETUP = TABLE + """
  map   1, fn_a
""" + ENABLE + """
  li    s4, 1
  la    s5, name
"""
CTLB_EXTRA = """
fn_a:
  ret
"""
CTLB_DATA = """
name: .asciz "calls"
  .align 12
ct_root: .space 16384
  .align 12
ct_l1: .space 4096
  .align 12
ct_l2: .space 4096
"""


def ctlb_program(tmp_path):
    body = CTLB_SETUP + """
  slti  x0, x0, 0x5c1
  .insn r CUSTOM_0, 0, 0, ra, s4, x0
  .insn r CUSTOM_0, 0, 0, ra, s4, x0
  slti  x0, s5, 0x5c2
"""
    return program(tmp_path, body, extra=CTLB_EXTRA, data=CTLB_DATA)


@pytest.mark.parametrize("lockstep", [False, True])
def test_ctlb_region_counted_by_hand(tmp_path, lockstep):
    """Region "calls": callid (miss), ret, callid (hit), ret. The miss reads 3
    levels with Ld = 1: answer at A = E + 3 * 2 + 1 = E + 7 (timing.md), so
    X = 8, the redirect R = E + 8 and fn_a's ret enters EX at E + 10: a gap of
    9 = 7 ctlb + 2 jalr. ret: R = E + 1, 2 jalr bubbles before the second
    callid, which hits (X = 1, as jalr: 2 bubbles before the second ret), and 2
    before the dump. Instructions 4, stalls 7 ctlb + 8 jalr, cycles 19. The
    accelerator (accelerator.md section 4): lookups 2, hits 1, misses 1, 7 walk
    cycles, 3 memory reads; callid cost (X + 1 + Li): 10 + 3 = 13."""
    args = ["--xlat", "c"] + (["--lockstep"] if lockstep else [])
    r, js = run_stats(tmp_path, ctlb_program(tmp_path), *args)
    assert r.returncode == 0, r.stderr
    (g,) = js["regions"]
    assert g["name"] == "calls"
    assert g["cycles"] == 19 and g["instructions"] == 4
    assert g["classes"] == classes(callid=2, jalr=2)
    assert g["stalls"] == stalls(ctlb=7, jalr=8)
    c = g["ctlb"]
    assert (c["lookups"], c["hits"], c["misses"], c["faults"]) == (1 + 1, 1, 1, 0)
    assert (c["walk_cycles"], c["mem_reads"], c["walk_cache_hits"]) == (7, 3, 0)
    assert (c["invalidations"], c["patches"]) == (0, 0)
    assert (c["callids"], c["callid_cycles"], c["cycles_per_callid"]) == (2, 13, 6.5)
    # clocked: idle-skip clocks the request and walk cycles only (A - E + 1 =
    # 8 for the miss, 1 for the hit); lock-step every cycle up to the last use,
    # the hit's EX cycle: the region's first callid is at its start cycle s,
    # the hit at s + 13 (E + 10 for the ret, + 3), so s .. s + 13 is 14 cycles,
    # and the s cycles 0 .. s - 1, which lock-step clocks lazily at the first
    # use (inside the region), count too: the region's figure is the
    # difference of the whole-run one, which was 0 at the reset.
    assert c["clocked"] == (14 + g["start_cycle"] if lockstep else 9)
    assert "    ctlb lookups  2: hits 1, misses 1, hit rate 0.5000, faults 0" in r.stderr
    assert "    ctlb other    invalidations 0, patches 0, callids 2 at 6.5000 cycles each" \
        in r.stderr


# ------------------------------------------------------------------ bad input

def test_unknown_code_warns_once_per_code(tmp_path):
    """Codes 0 and 4..15 are no-ops with one warning per code."""
    elf = program(tmp_path, """
  slti  x0, x0, 0x5c7
  slti  x0, x0, 0x5c7
  slti  x0, a0, 0x5c0
  slti  x0, x0, 0x5cf
""")
    r, js = run_stats(tmp_path, elf, "-q")
    assert r.returncode == 0, r.stderr
    warn = [l for l in r.stderr.splitlines() if "unknown code" in l]
    assert warn == [
        "ctsim: warning: pc 0x80000008: ROI marker with unknown code 7 "
        "(slti x0, rs1, 0x5c7) ignored: a no-op",
        "ctsim: warning: pc 0x80000010: ROI marker with unknown code 0 "
        "(slti x0, rs1, 0x5c0) ignored: a no-op",
        "ctsim: warning: pc 0x80000014: ROI marker with unknown code 15 "
        "(slti x0, rs1, 0x5cf) ignored: a no-op"]
    assert js["regions"] == []
    # la (2) + 4 markers + li + sw: 8 instructions in 8 + 4 cycles
    assert (js["instructions"], js["cycles"]) == (8, 12)


def test_dump_before_any_reset_counts_from_the_start(tmp_path):
    """la (2 instructions, EX 2 and 3), nop (4), the dump in EX 5: the region
    runs from cycle 0 to 5 with 3 instructions (the 2 fill cycles before the
    first EX are in it), named region1 (rs1 = x0), with a note, no warning."""
    elf = program(tmp_path, """
  nop
  slti  x0, x0, 0x5c2
""")
    r, js = run_stats(tmp_path, elf)
    assert r.returncode == 0, r.stderr
    assert "warning" not in r.stderr
    (g,) = js["regions"]
    assert g["name"] == "region1"
    assert g["note"] == "no reset before this dump: counts from the start of the run"
    assert (g["start_cycle"], g["end_cycle"], g["cycles"], g["instructions"]) == (0, 5, 5, 3)
    assert "    note          no reset before this dump: counts from the start of the run" \
        in r.stderr


def test_region_open_at_exit(tmp_path):
    """A reset (EX 4: after la) and no dump: the region runs from 5 to the end
    of the run. 3 addi (EX 5..7), li t5 (8), the tohost sw (9, MEM 10, WB 11):
    the run's cycles are 12, so 7 cycles and 5 instructions, with a warning."""
    elf = program(tmp_path, """
  slti  x0, x0, 0x5c1
  addi  a0, a0, 1
  addi  a0, a0, 1
  addi  a0, a0, 1
""")
    r, js = run_stats(tmp_path, elf, "-q")
    assert r.returncode == 0, r.stderr
    assert r.stderr.splitlines() == [
        "ctsim: warning: the ROI region started at pc 0x80000008 was still open at "
        "the end of the run: recorded as \"(open at exit)\""]
    (g,) = js["regions"]
    assert g["name"] == "(open at exit)"
    assert g["note"] == "no dump before the end of the run: counts up to its end"
    assert (g["start_cycle"], g["end_cycle"], g["cycles"]) == (5, 12, 7)
    assert g["instructions"] == 5 and g["classes"] == classes(alu=4, store=1)
    assert js["cycles"] == 12


def test_stop_marker_ends_the_run(tmp_path):
    """li a0, 7; stop with rs1 = a0: status 7, reason roi-stop, nothing after
    it runs. la (2) + li + the marker = 4 instructions, 4 + 4 cycles."""
    elf = program(tmp_path, """
  li    a0, 7
  slti  x0, a0, 0x5c3
  j     fail
""")
    r, js = run_stats(tmp_path, elf)
    assert r.returncode == 7, r.stderr
    assert js["exit"] == {"reason": "roi-stop", "status": 7}
    assert (js["instructions"], js["cycles"]) == (4, 8)
    assert r.stderr.startswith("ctsim: exit roi-stop, status 7\n")


def test_dump_names(tmp_path):
    """A name outside RAM, one longer than 63 bytes, one with characters JSON
    must escape and a control character."""
    long = "x" * 70
    elf = program(tmp_path, """
  li    a1, 0x1000
  slti  x0, a1, 0x5c2
  la    a1, long_name
  slti  x0, a1, 0x5c2
  la    a1, odd_name
  slti  x0, a1, 0x5c2
""", data=f"""
long_name: .asciz "{long}"
odd_name: .asciz "a\\"b\\\\c\\td"
""")
    r, js = run_stats(tmp_path, elf, "-q")
    assert r.returncode == 0, r.stderr
    assert [g["name"] for g in js["regions"]] == ["region1", "x" * 63, 'a"b\\c?d']
    warn = r.stderr.splitlines()
    assert len(warn) == 2
    assert re.fullmatch(r"ctsim: warning: pc 0x[0-9a-f]{8}: ROI dump: the name address "
                        r"0x00001000 is not in RAM: named \"region1\"", warn[0]), warn[0]
    assert "has no NUL within 63 bytes: cut to" in warn[1]


# ------------------------------------------------------------------ ctsim-sc

def test_ctsim_sc_same_regions(tmp_path):
    """ctsim-sc shares the hart and the report: the same JSON, regions too
    (the CTLB region's walk reads go through the platform's TLM memory)."""
    sc = need(BUILD / "ctsim-sc", "build/ctsim-sc")
    for elf in [roi_elf(), ctlb_program(tmp_path)]:
        _, js = run_stats(tmp_path, elf, "--xlat", "c")
        out = tmp_path / "sc.json"
        # a small quantum: the run goes in many pieces (cpu_run_until)
        env = dict(os.environ, CTSIM_SC_QUANTUM="3")
        r = subprocess.run([str(sc), "--xlat", "c", "--stats-json", str(out), str(elf)],
                           capture_output=True, text=True, timeout=120, env=env)
        assert r.returncode == 0, r.stderr
        sc_js = json.loads(out.read_text())
        assert sc_js["regions"] and sc_js == js


# ------------------------------------------------------------------ Spike exit path

def test_exit_after_tohost_spins_instead_of_trapping(tmp_path):
    """runtime.c _exit on a host that sees tohost late and has no finisher
    (Spike): here ctsim with the tohost symbol renamed (so the store is plain
    RAM) and --no-finisher (the finisher store faults). The fault must spin
    (until --max-cycles: status 3), not report a trap and exit again."""
    hello = need(BUILD / "firmware" / "hello" / "hello.elf", "firmware")
    elf = tmp_path / "hello-notohost.elf"
    subprocess.run([CROSS_OBJCOPY, "--redefine-sym", "tohost=ct_hidden_tohost",
                    "--redefine-sym", "fromhost=ct_hidden_fromhost", str(hello), str(elf)],
                   check=True)
    r = run(elf, "-q", "--no-finisher", "--max-cycles", "100000")
    assert r.returncode == 3, r.stderr
    assert r.stdout.endswith("bye\n") and "trap" not in r.stdout, r.stdout[-300:]
    assert "ctsim: cycle limit reached" in r.stderr


def test_no_finisher_makes_the_finisher_fault(tmp_path):
    """roi_regions.elf ends through the finisher; without it that store is a
    store access fault, and with mtvec = 0 a fatal trap (status 4)."""
    r = run(roi_elf(), "-q", "--no-finisher")
    assert r.returncode == 4, r.stderr
    assert re.search(r"fatal trap: store access fault \(mcause 0x7\) at pc 0x[0-9a-f]+, "
                     r"mtval 0x00100000", r.stderr), r.stderr
