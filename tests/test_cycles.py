"""Exact cycle counts of small programs, each worked out by hand from the rules
of docs/timing.md (never taken from ctsim's output).

Every program is wrapped by sim_helpers.program(): `la t6, tohost` (2
instructions) before the body and `li t5, 1; sw t5, 0(t6)` (2) after it. With
default latencies, instruction k (0-based, no stalls) enters EX in cycle k + 2
and the run ends after the last instruction's WB = its E + 2, so
cycles = E(last) + 3, i.e. (instructions + trapped slots) + stall cycles + 4.
"""
import json

import pytest

from sim_helpers import program, run_stats


def cycles_of(tmp_path, body, *args, extra="", data=""):
    elf = program(tmp_path, body, extra=extra, data=data)
    r, s = run_stats(tmp_path, elf, *args)
    assert r.returncode == 0, f"program failed: {r.stderr}"
    return s


def test_straight_line(tmp_path):
    # 2 + 5 + 2 = 9 instructions, dependent addi chain fully forwarded:
    # E = 2..10, last W = 12, cycles = 13.
    s = cycles_of(tmp_path, "\n".join(["  addi a0, a0, 1"] * 5))
    assert s["instructions"] == 9
    assert s["cycles"] == 13
    assert s["stalls"]["total"] == 0


def test_load_use_pair(tmp_path):
    # la t6: E 2,3.  lw a0: E 4, M 5, W 6 -> ready(a0) = 6.
    # add a1,a0,a0: D 5, D+1 = 5 but ready(a0) = 6 -> E 6 (one bubble).
    # li t5: E 7; sw: E 8, W 10 -> cycles 11 (6 instructions + 4 + 1 stall).
    s = cycles_of(tmp_path, "  lw a0, 0(t6)\n  add a1, a0, a0")
    assert s["instructions"] == 6
    assert s["cycles"] == 11
    assert s["stalls"]["load_use"] == 1
    assert s["stalls"]["total"] == 1


def test_load_without_use(tmp_path):
    # add does not read a0: no bubble, 6 instructions -> 10 cycles.
    s = cycles_of(tmp_path, "  lw a0, 0(t6)\n  add a1, a2, a2")
    assert s["cycles"] == 10
    assert s["stalls"]["total"] == 0


def test_load_use_distance_two(tmp_path):
    # lw E 4 (W 6); addi E 5; add a1,a0,a0 E 6 = ready(a0): no bubble.
    # 7 instructions -> 11 cycles.
    s = cycles_of(tmp_path, "  lw a0, 0(t6)\n  addi a2, a2, 1\n  add a1, a0, a0")
    assert s["cycles"] == 11
    assert s["stalls"]["total"] == 0


def test_branch_taken(tmp_path):
    # beq E 4 taken: R = 5, target (li t5) F 5, D 6, E 7: 2 bubbles.
    # sw E 8, W 10 -> 11 cycles; 5 instructions retire (the addi is skipped).
    s = cycles_of(tmp_path, "  beq x0, x0, 1f\n  addi a0, a0, 1\n1:")
    assert s["instructions"] == 5
    assert s["cycles"] == 11
    assert s["stalls"]["branch"] == 2
    assert s["classes"]["branch_taken"] == 1


def test_branch_not_taken(tmp_path):
    # bne x0,x0 falls through: no bubble; 6 instructions -> 10 cycles.
    s = cycles_of(tmp_path, "  bne x0, x0, 1f\n  addi a0, a0, 1\n1:")
    assert s["instructions"] == 6
    assert s["cycles"] == 10
    assert s["classes"]["branch_not_taken"] == 1


def test_loop_backward_branch(tmp_path):
    # li a0,3; then (addi; bnez) x3, the bnez taken twice (2 bubbles each).
    # 2 + 1 + 6 + 2 = 11 instructions -> 15 + 4 = 19 cycles.
    s = cycles_of(tmp_path, "  li a0, 3\n1:\n  addi a0, a0, -1\n  bnez a0, 1b")
    assert s["instructions"] == 11
    assert s["cycles"] == 19
    assert s["stalls"]["branch"] == 4


@pytest.mark.parametrize("rd", ["x0", "ra"])
def test_jal(tmp_path, rd):
    # jal: D 3, E 4, redirected in ID: R = D + 1 = 4, target F 4, D 5, E 6:
    # one bubble. 5 instructions -> 9 + 1 = 10 cycles.
    s = cycles_of(tmp_path, f"  jal {rd}, 1f\n  addi a0, a0, 1\n1:")
    assert s["instructions"] == 5
    assert s["cycles"] == 10
    assert s["stalls"]["jal"] == 1


def test_jalr(tmp_path):
    # la a0 (auipc E 4, addi E 5), jalr E 6 (a0 forwarded, ready 6):
    # R = 7, target F 7, D 8, E 9: 2 bubbles. 7 instructions -> 11 + 2 = 13.
    s = cycles_of(tmp_path, "  la a0, 1f\n  jalr x0, 0(a0)\n  addi a1, a1, 1\n1:")
    assert s["instructions"] == 7
    assert s["cycles"] == 13
    assert s["stalls"]["jalr"] == 2


@pytest.mark.parametrize("lat,expect", [(None, 12), ("1", 10), ("5", 14)])
def test_mul_independent(tmp_path, lat, expect):
    # mul E 4 occupies EX for Lm cycles (M = 4 + Lm); the addi after it enters
    # EX at 4 + Lm. 6 instructions: 10 + (Lm - 1) cycles; Lm = 3 by default.
    args = ["--mul-lat", lat] if lat else []
    s = cycles_of(tmp_path, "  mul a0, a1, a2\n  addi a3, a3, 1", *args)
    assert s["cycles"] == expect
    assert s["stalls"]["muldiv"] == expect - 10


def test_mul_dependent(tmp_path):
    # the consumer waits for the same cycle: ready(a0) = E + Lm = M(mul).
    s = cycles_of(tmp_path, "  mul a0, a1, a2\n  add a3, a0, a0")
    assert s["cycles"] == 12


@pytest.mark.parametrize("lat,expect", [(None, 41), ("4", 13)])
def test_div(tmp_path, lat, expect):
    # div occupies EX for Lv cycles (32 by default): 10 + (Lv - 1).
    args = ["--div-lat", lat] if lat else []
    s = cycles_of(tmp_path, "  div a0, a1, a2\n  addi a3, a3, 1", *args)
    assert s["cycles"] == expect


def test_trap_and_mret(tmp_path):
    # la t6 E 2,3; la a0 E 4,5; csrw mtvec E 6; ecall E 7: traps, R = 8.
    # handler: csrr E 10 (F 8, D 9), addi 11, csrw mepc 12, mret 13: R = 14.
    # addi a1 (at mepc) F 14, D 15, E 16; li t5 17; sw 18, W 20 -> 21 cycles.
    # Check: 12 retired + 1 trapped slot + 4 stall cycles + 4 = 21.
    body = """
  la   a0, handler
  csrw mtvec, a0
  ecall
  addi a1, a1, 1
"""
    extra = """
  .align 2
handler:
  csrr a2, mepc
  addi a2, a2, 4
  csrw mepc, a2
  mret
"""
    s = cycles_of(tmp_path, body, extra=extra)
    assert s["instructions"] == 12
    assert s["traps"] == 1
    assert s["cycles"] == 21
    assert s["stalls"]["trap"] == 4


def test_timer_interrupt_cycle(tmp_path):
    # mtimecmp = 100, mtime = cycle. E: la t6 2,3; la a0 4,5; csrw mtvec 6;
    # lui a1 7; li a2 8; sw 9; sw 10; li a3 11; csrw mie 12; csrsi mstatus 13;
    # nop k enters EX at 14 + k, so nop 86 has E0 = 100 = mtimecmp: it becomes
    # the interrupt bubble (mepc = nops + 86*4 = nops + 344) and the handler's
    # first instruction enters EX at 103, where mcycle reads 103.
    # Handler E: csrr 103, li 104, bne 105, csrr 106, li (lui+addi) 107 108,
    # bne 109, csrr 110, la 111 112, addi 113, bne 114, j pass 115 (D 114,
    # R 115): li t5 F 115 D 116 E 117, sw E 118 W 120 -> cycles 121.
    body = """
  la   a0, handler
  csrw mtvec, a0
  li   a1, 0x02004000
  li   a2, 100
  sw   a2, 0(a1)
  sw   zero, 4(a1)
  li   a3, 0x80
  csrw mie, a3
  csrsi mstatus, 8
nops:
  .rept 200
  nop
  .endr
  j fail
"""
    extra = """
  .align 2
handler:
  csrr a0, mcycle
  li   a4, 103
  bne  a0, a4, fail
  csrr a0, mcause
  li   a4, 0x80000007
  bne  a0, a4, fail
  csrr a0, mepc
  la   a4, nops
  addi a4, a4, 344
  bne  a0, a4, fail
  j    pass
"""
    s = cycles_of(tmp_path, body, extra=extra)
    assert s["interrupts"] == 1
    assert s["cycles"] == 121


def test_msip_interrupt_cycle(tmp_path):
    # The store to msip at E interrupts the next instruction (timing.md,
    # "Interrupts"; memory-map.md): E: la t6 2,3; la a0 4,5; csrw mtvec 6;
    # li a3 7; csrw mie 8; csrsi mstatus 9; lui a1 10; li a2 11; sw 12
    # (msip = 1, M 13, W 14). The nop after it has E0 = 13: it becomes the
    # interrupt bubble (mepc = after), the handler's first instruction enters
    # IF at 14, EX at 16, where mcycle reads 16 (2 trap stall cycles).
    # Handler E: csrr 16, li 17, bne 18, csrr 19, li (lui+addi) 20 21, bne 22,
    # csrr 23, la 24 25, bne 26, lui 27, sw 28 (msip = 0), j pass 29 (D 28,
    # R 29, 1 jal stall): li t5 F 29 D 30 E 31, sw E 32 W 34 -> cycles 35.
    # Retired: 2 + 9 + 14 + 2 = 27.
    body = """
  la   a0, handler
  csrw mtvec, a0
  li   a3, 0x8
  csrw mie, a3
  csrsi mstatus, 8
  li   a1, 0x02000000
  li   a2, 1
  sw   a2, 0(a1)
after:
  nop
  j fail
"""
    extra = """
  .align 2
handler:
  csrr a0, mcycle
  li   a4, 16
  bne  a0, a4, fail
  csrr a0, mcause
  li   a4, 0x80000003
  bne  a0, a4, fail
  csrr a0, mepc
  la   a4, after
  bne  a0, a4, fail
  li   a4, 0x02000000
  sw   zero, 0(a4)
  j    pass
"""
    s = cycles_of(tmp_path, body, extra=extra)
    assert s["interrupts"] == 1 and s["traps"] == 0
    assert s["instructions"] == 27
    assert s["cycles"] == 35
    assert s["stalls"]["trap"] == 2 and s["stalls"]["jal"] == 1
    assert s["stalls"]["total"] == 3


def test_imem_latency(tmp_path):
    # Li = 2: F(i) = D(i-1), D(i) = F(i) + 2 = 2 + 2i, E(i) = 3 + 2i.
    # 9 instructions: last E = 19, W = 21 -> 22 cycles (2n + 4).
    s = cycles_of(tmp_path, "\n".join(["  addi a0, a0, 1"] * 5),
                  "--imem-lat", "2")
    assert s["cycles"] == 22


@pytest.mark.parametrize("kind,body,expect,stalls", [
    # Li = 2, straight line: F(i) = D(i-1), D(i) = F(i) + 2, E(i) = D(i) + 1
    # (test_imem_latency): la t6 E 3, 5.
    # beq: F 4, D 6, E 7, taken: R = E + 1 = 8. target li t5: F = max(D 6, R 8) = 8,
    # D 10, E 11 (cost 2 + Li = 4). sw: F 10, D 12, E 13, W 15 -> 16 cycles.
    # Stall gaps: 1 per straight-line instruction (imem: la's addi, beq, sw) and
    # 11 - 7 - 1 = 3 for the target (set by R: branch).
    ("branch", "  beq x0, x0, 1f\n  addi a0, a0, 1\n1:", 16, {"branch": 3, "imem": 3}),
    # jal: F 4, D 6, R = D + 1 = 7; target F 7, D 9, E 10 (cost 1 + Li = 3); sw F 9,
    # D 11, E 12, W 14 -> 15 cycles. Gaps: imem 3, jal 10 - 7 - 1 = 2.
    ("jal", "  jal x0, 1f\n  addi a0, a0, 1\n1:", 15, {"jal": 2, "imem": 3}),
    # la a0: E 7, 9; jalr: F 8, D 10, E 11, R 12; target F 12, D 14, E 15 (cost
    # 2 + Li = 4); sw F 14, D 16, E 17, W 19 -> 20 cycles. Gaps: imem 5 (la t6's
    # addi, la a0 x2, jalr, sw), jalr 15 - 11 - 1 = 3.
    ("jalr", "  la a0, 1f\n  jalr x0, 0(a0)\n  addi a1, a1, 1\n1:", 20,
     {"jalr": 3, "imem": 5}),
])
def test_redirects_with_imem_latency(tmp_path, kind, body, expect, stalls):
    # docs/timing.md's general column: taken branch and jalr 2 + Li, jal 1 + Li.
    s = cycles_of(tmp_path, body, "--imem-lat", "2")
    assert s["cycles"] == expect
    for k, v in stalls.items():
        assert s["stalls"][k] == v, (k, s["stalls"])
    assert s["stalls"]["total"] == sum(stalls.values())


def test_dmem_latency(tmp_path):
    # Ld = 3. la t6 E 2,3. lw E 4, M 5, W 8. addi a1 E 5, M max(6, 8) = 8, W 9.
    # addi a2 E max(6, prev.M 8) = 8, M 9, W 10. li t5 E 9, M 10, W 11.
    # sw E 10, M 11, W 14 -> 15 cycles; the addi a2 gap (2) is a dmem stall.
    s = cycles_of(tmp_path, "  lw a0, 0(t6)\n  addi a1, a1, 1\n  addi a2, a2, 1",
                  "--dmem-lat", "3")
    assert s["cycles"] == 15
    assert s["stalls"]["dmem"] == 2


def test_mtime_div(tmp_path):
    # --mtime-div 4: loads of mtime sample at E: lw at E 6 reads 6 // 4 = 1.
    # la t6 E 2,3; lui a1 E 4; addi a1 E 5 (0x0200BFF8 needs lui+addi);
    # lw a0 E 6 -> 1; li a4 E 7... the check exits with status 0 when a0 == 1.
    body = """
  li   a1, 0x0200BFF8
  lw   a0, 0(a1)
  li   a4, 1
  bne  a0, a4, fail
"""
    cycles_of(tmp_path, body, "--mtime-div", "4")


def test_cycle_csr_reads_ex_cycle(tmp_path):
    # csrr a0, cycle as the third instruction enters EX at 4: reads 4;
    # instret there reads 3 (la t6 + csrr cycle retired before it).
    body = """
  csrr a0, cycle
  csrr a1, instret
  li   a4, 4
  bne  a0, a4, fail
  li   a4, 3
  bne  a1, a4, fail
"""
    cycles_of(tmp_path, body)


def test_wfi_without_enabled_interrupt_is_a_nop(tmp_path):
    # mie = 0: no interrupt can wake the hart, wfi costs 1 cycle.
    # 5 instructions -> 9 cycles.
    s = cycles_of(tmp_path, "  wfi")
    assert s["cycles"] == 9


WFI_SETUP = """
  li   a1, 0x02004000
  li   a2, 100
  sw   a2, 0(a1)
  sw   zero, 4(a1)
  li   a3, 0x80
  csrw mie, a3
"""


def test_wfi_waits_for_timer(tmp_path):
    # mtimecmp = 100, mie.MTIE = 1, mstatus.MIE = 0 (no trap, just the wait).
    # E: la t6 2,3; lui a1 4; li a2 5; sw 6; sw 7; li a3 8; csrw mie 9;
    # wfi 10: stays in EX until mtime >= 100: X = 90, M = 100.
    # csrr a0, mcycle: F 9, D 10, E = prev.M = 100 -> reads 100.
    # li a4 101; bne 102; li t5 103; sw 104, W 106 -> 107 cycles.
    # stall: 100 - 10 - 1 = 89 cycles, cause wfi.
    body = WFI_SETUP + """
  wfi
  csrr a0, mcycle
  li   a4, 100
  bne  a0, a4, fail
"""
    s = cycles_of(tmp_path, body)
    assert s["instructions"] == 14
    assert s["cycles"] == 107
    assert s["stalls"]["wfi"] == 89


def test_wfi_then_interrupt(tmp_path):
    # as above, plus mtvec set up (E: la a0 4,5; csrw 6; then the set-up 7..12)
    # and mstatus.MIE = 1 (csrsi at E 13); wfi at E 14 waits X = 86 cycles:
    # the instruction after wfi has E0 = 100: it becomes the interrupt bubble
    # (mepc = its address, wfi + 4); the handler's csrr enters EX at 103.
    body = """
  la   a0, handler
  csrw mtvec, a0
""" + WFI_SETUP + """
  csrsi mstatus, 8
  wfi
after:
  j    fail
"""
    extra = """
  .align 2
handler:
  csrr a0, mcycle
  li   a4, 103
  bne  a0, a4, fail
  csrr a0, mepc
  la   a4, after
  bne  a0, a4, fail
  j    pass
"""
    s = cycles_of(tmp_path, body, extra=extra)
    assert s["interrupts"] == 1
    # The wait is wfi's, not the interrupt's: wfi (E 14) held EX until the
    # bubble entered at 100: 100 - 14 - 1 = 85 cycles of wfi stall; the
    # handler's first instruction (E 103) adds 2 cycles of trap redirect.
    assert s["stalls"]["wfi"] == 85
    assert s["stalls"]["trap"] == 2


def all_program_elfs():
    from sim_helpers import ROOT
    elfs = sorted((ROOT / "build" / "cycles").glob("*.elf")) + \
        sorted((ROOT / "build" / "firmware").glob("*/*.elf"))
    assert len(elfs) > 20, "build/cycles and build/firmware are not built: run `make all`"
    return elfs


def test_cycle_identity_on_every_program(tmp_path):
    """docs/timing.md, "Stall statistics": with default latencies, a run that ends
    by a store (tohost) takes 2 + (instructions + traps + interrupts - 1) + stall
    cycles + 3 cycles. Every gap in EX is a stall of exactly one cause, so the
    identity holds for any program: checked on all the project's ELFs (the
    demo's interrupts, ctrt-lazy's call-ID faults, bench's mul/div, ...)."""
    from sim_helpers import run
    checked = 0
    for elf in all_program_elfs():
        out = tmp_path / "s.json"
        r = run(elf, "-q", "--xlat", "c", "--stats-json", out, "--max-cycles", "1000000000",
                timeout=120)
        s = json.loads(out.read_text())
        if s["exit"]["reason"] not in ("tohost", "finisher"):
            continue        # a fatal trap or the cycle limit ends the run elsewhere
        want = 2 + (s["instructions"] + s["traps"] + s["interrupts"] - 1) + \
            s["stalls"]["total"] + 3
        assert s["cycles"] == want, (elf.name, s["cycles"], want, r.stderr[-300:])
        assert s["stalls"]["total"] == sum(v for k, v in s["stalls"].items() if k != "total")
        checked += 1
    assert checked > 20
