"""The A extension on one hart (docs/isa.md, docs/timing.md): the cycles of
lr.w, sc.w and the AMOs worked out by hand from timing.md's rules, the traps
ctsim takes where QEMU 7.2 differs (misaligned AMO and sc.w), accesses outside
RAM, and the commit log. The semantics against QEMU: firmware/isa/amo.S and
lrsc.S (test_qemu.py). Several harts: test_harts.py.

Every program is wrapped by sim_helpers.program() (la t6, tohost before the
body, li t5, 1; sw t5, 0(t6) after it); `la a1, word` adds 2 instructions, so
the first instruction after it enters EX in cycle 6 with default latencies.
"""
from sim_helpers import program, run, run_stats

A = "  .option arch, +a\n"
DATA = "word: .word 5, 0\n"


def stats(tmp_path, body, *args):
    elf = program(tmp_path, A + "  la a1, word\n" + body, data=DATA)
    r, s = run_stats(tmp_path, elf, *args)
    assert r.returncode == 0, f"program failed: {r.stderr}"
    return s


def test_amo_holds_mem_one_cycle_longer_than_a_load(tmp_path):
    # amoadd E 6, M 7, W = M + Ld + 1 = 9; li t5 E 7, M = max(8, 9) = 9,
    # W 10; sw E = max(D + 1 = 8, prev.M = 9) = 9, M 10, W 11 -> 12 cycles,
    # 7 instructions + 4 + the 1 cycle sw waited for MEM (dmem).
    s = stats(tmp_path, "  amoadd.w a0, x0, (a1)")
    assert s["instructions"] == 7
    assert s["cycles"] == 12
    assert s["stalls"]["dmem"] == 1 and s["stalls"]["total"] == 1
    assert s["classes"]["load"] == 1


def test_amo_result_ready_at_wb(tmp_path):
    # amoswap E 6, W 9 = ready(a0); addi E 9 (2 load-use cycles), M 10, W 11;
    # li t5 E 10; sw E 11, W 13 -> 14 cycles (8 instructions + 4 + 2).
    s = stats(tmp_path, "  amoswap.w a0, x0, (a1)\n  addi a2, a0, 1")
    assert s["cycles"] == 14
    assert s["stalls"]["load_use"] == 2 and s["stalls"]["total"] == 2


def test_amo_general_latency(tmp_path):
    # --dmem-lat 2: amoor E 6, M 7, W = 7 + 2 + 1 = 10; li t5 E 7, M 10,
    # W 11; sw E 10, M 11, W 13 -> 14 cycles. (A lw there: W 9, li M 9,
    # sw E 9, W 12 -> 13: the AMO's extra cycle.)
    s = stats(tmp_path, "  amoor.w a0, x0, (a1)", "--dmem-lat", "2")
    assert s["cycles"] == 14


def test_lr_is_timed_as_a_load(tmp_path):
    # lr.w E 6, M 7, W 8 = ready(a0); add E 8 (1 load-use cycle) -> 8
    # instructions + 4 + 1 = 13 cycles.
    s = stats(tmp_path, "  lr.w a0, (a1)\n  add a2, a0, a0")
    assert s["cycles"] == 13
    assert s["stalls"]["load_use"] == 1 and s["stalls"]["total"] == 1


def test_sc_is_timed_as_a_store_with_rd_at_wb(tmp_path):
    # li a3 E 6; lr.w E 7, M 8, W 9; sc.w (reads a3, a1: ready) E 8,
    # M = max(9, prev.W 9) = 9, W 10 = ready(a2); bnez a2 E 10 (1 load-use
    # cycle), not taken (the sc.w succeeded; failing, it would go to fail,
    # exit 1); li t5 E 11; sw E 12, W 14 -> 15 cycles (10 instructions + 4 + 1).
    s = stats(tmp_path, "  li a3, 7\n  lr.w a0, (a1)\n  sc.w a2, a3, (a1)\n  bnez a2, fail")
    assert s["cycles"] == 15
    assert s["stalls"]["load_use"] == 1
    assert s["classes"]["store"] == 2  # sc.w and the wrapper's sw


def test_sc_without_reservation_fails(tmp_path):
    # no lr.w: sc.w gives 1 and the word keeps 5
    elf = program(tmp_path, A + """  la a1, word
  li a0, 9
  sc.w a2, a0, (a1)
  li a3, 1
  bne a2, a3, fail
  lw a0, 0(a1)
  li a3, 5
  bne a0, a3, fail""", data=DATA)
    assert run(elf, "-q").returncode == 0


def trap_of(tmp_path, body):
    """Runs body with mtvec = 0: the fatal-trap report names the cause."""
    elf = program(tmp_path, A + body, data=DATA)
    return run(elf)


def test_misaligned_amo_and_sc_trap(tmp_path):
    # the A extension: misaligned AMOs and sc.w raise store/AMO address
    # misaligned (cause 6), lr.w load address misaligned (4); mtval the address
    for insn, cause in [("amoadd.w a0, a0, (a1)", "store address misaligned"),
                        ("sc.w a0, a0, (a1)", "store address misaligned"),
                        ("lr.w a0, (a1)", "load address misaligned")]:
        r = trap_of(tmp_path, f"  la a1, word\n  addi a1, a1, 2\n  {insn}")
        assert r.returncode == 4, (insn, r.stderr)
        assert cause in r.stderr, (insn, r.stderr)


def test_amo_outside_ram_is_an_access_fault(tmp_path):
    # the CLINT's msip: devices take no AMOs (store/AMO access fault, 7;
    # lr.w: load access fault, 5)
    for insn, cause in [("amoswap.w a0, a0, (a1)", "store access fault"),
                        ("lr.w a0, (a1)", "load access fault")]:
        r = trap_of(tmp_path, f"  li a1, 0x02000000\n  {insn}")
        assert r.returncode == 4, (insn, r.stderr)
        assert cause in r.stderr, (insn, r.stderr)


def test_commit_log_of_amo_and_sc(tmp_path):
    elf = program(tmp_path, A + """  la a1, word
  li a0, 3
  amoadd.w a2, a0, (a1)
  lr.w a3, (a1)
  sc.w a4, a0, (a1)""", data=DATA)
    log = tmp_path / "log"
    r = run(elf, "-q", "--log-commits", log, "--log-disasm")
    assert r.returncode == 0
    lines = log.read_text().splitlines()
    amo = next(ln for ln in lines if "amoadd.w" in ln)
    sc = next(ln for ln in lines if "sc.w" in ln)
    # the old word (5) into a2, the new one (5 + 3 = 8) stored
    assert "x12 0x00000005" in amo and "0x00000008" in amo, amo
    assert "amoadd.w a2, a0, (a1)" in amo, amo
    # sc.w succeeded: rd = 0, the store of 3 shown
    assert "x14 0x00000000" in sc and "0x00000003" in sc, sc
