"""ctsim's hart: traps and CSRs as the privileged spec says, misaligned data
accesses, self-modifying code, wild programs that must not hurt the host, a
riscv-tests style environment, the Spike-style commit log.

Programs check themselves and exit through tohost (status 0 = pass, 1 = a
check failed); the expected values are the spec's, written in the programs.
"""
import re

import pytest

from sim_helpers import assemble, program, run, run_stats, TOHOST_SECTION

# A handler that checks mcause == s1, mtval == s2, mepc == s3, that mstatus
# has MPP = 3, MIE = 0, and then resumes at s4.
CHECK_HANDLER = """
  .align 2
handler:
  csrr t0, mcause
  bne  t0, s1, fail
  csrr t0, mtval
  bne  t0, s2, fail
  csrr t0, mepc
  bne  t0, s3, fail
  csrr t0, mstatus
  li   t1, 0x1808
  and  t0, t0, t1
  li   t1, 0x1800
  bne  t0, t1, fail
  csrw mepc, s4
  mret
"""
SETUP = """
  la   a0, handler
  csrw mtvec, a0
"""


def expect_trap(tmp_path, cause, tval, insn, epc="fault", prep=""):
    body = f"""{SETUP}
  li   s1, {cause}
  {"la" if isinstance(tval, str) else "li"}   s2, {tval}
  la   s3, {epc}
  la   s4, resume
{prep}
fault:
  {insn}
  j    fail
resume:
"""
    r = run(program(tmp_path, body, extra=CHECK_HANDLER))
    assert r.returncode == 0, r.stderr
    assert "traps         1" in r.stderr


def test_ecall(tmp_path):
    expect_trap(tmp_path, 11, 0, "ecall")


def test_ebreak(tmp_path):
    # Spike and QEMU set mtval to the pc for ebreak
    expect_trap(tmp_path, 3, "fault", "ebreak")


def test_illegal_all_ones(tmp_path):
    expect_trap(tmp_path, 2, 0xFFFFFFFF, ".word 0xffffffff")


def test_illegal_custom0_funct3(tmp_path):
    # custom-0 with funct3 = 3 is no call-ID instruction (docs/isa.md)
    expect_trap(tmp_path, 2, 0x0005B50B, ".word 0x0005b50b")


def test_illegal_rv64_shift(tmp_path):
    # slli with shamt[5] set is reserved on RV32
    expect_trap(tmp_path, 2, 0x02051513, ".word 0x02051513")


def test_unimplemented_csr(tmp_path):
    # csrr a0, 0x7c1 (next to ctroot, not a CSR) = csrrs a0, 0x7c1, x0
    expect_trap(tmp_path, 2, 0x7C102573, "csrr a0, 0x7c1")


def test_write_read_only_csr(tmp_path):
    # csrw mhartid, a1 = csrrw x0, 0xf14, a1: 0xf1459073
    expect_trap(tmp_path, 2, 0xF1459073, "csrw mhartid, a1")


def test_write_cycle_user_alias(tmp_path):
    # csrw cycle, a1 = csrrw x0, 0xc00, a1: 0xc0059073 (read-only address)
    expect_trap(tmp_path, 2, 0xC0059073, "csrw cycle, a1")


def test_misaligned_jalr(tmp_path):
    # target not 4-aligned: cause 0, mtval = target, mepc = the jalr
    expect_trap(tmp_path, 0, "resume + 2", "jalr x0, 2(a5)",
                prep="  la a5, resume")


def test_misaligned_branch(tmp_path):
    # beq to pc + 6: cause 0, mtval = pc + 6
    expect_trap(tmp_path, 0, "fault + 6", "beq x0, x0, . + 6")


def test_load_access_fault(tmp_path):
    expect_trap(tmp_path, 5, 0x20000000, "lw a0, 0(a5)", prep="  li a5, 0x20000000")


def test_store_access_fault(tmp_path):
    expect_trap(tmp_path, 7, 0x7FFFFFFE, "sh a0, 0(a5)", prep="  li a5, 0x7ffffffe")


def test_store_past_ram_end(tmp_path):
    # --ram default 256M: 0x90000000 is outside
    expect_trap(tmp_path, 7, 0x90000000, "sw a0, 0(a5)", prep="  li a5, 0x90000000")


def test_fetch_access_fault(tmp_path):
    # jump to a device address: mepc = mtval = the target
    expect_trap(tmp_path, 1, 0x10000000, "jr a5", epc="0x10000000",
                prep="  li a5, 0x10000000")


def test_csr_basics(tmp_path):
    body = """
  csrr a0, misa
  li   a1, 0x40001101      # MXL=1 (RV32), I, M, A
  bne  a0, a1, fail
  csrr a0, mhartid
  bnez a0, fail
  csrr a0, mvendorid
  bnez a0, fail
  li   a1, 0x12345678
  csrw mscratch, a1
  csrr a0, mscratch
  bne  a0, a1, fail
  csrrw a2, mscratch, zero  # old value back, mscratch = 0
  bne  a2, a1, fail
  csrr a0, mscratch
  bnez a0, fail
  li   a1, 0x80000103      # mtvec: base | mode 3 -> mode bit 1 is dropped
  csrw mtvec, a1
  csrr a0, mtvec
  li   a1, 0x80000101
  bne  a0, a1, fail
  li   a1, 0x80000007      # mepc: the low two bits read as zero
  csrw mepc, a1
  csrr a0, mepc
  li   a1, 0x80000004
  bne  a0, a1, fail
  csrsi mstatus, 8         # MIE on; MPP reads 3
  csrr a0, mstatus
  li   a1, 0x1808
  bne  a0, a1, fail
  csrci mstatus, 8
  li   a1, 1000            # minstret write: the next instruction reads it
  csrw minstret, a1
  csrr a0, minstret
  bne  a0, a1, fail
  csrr a0, mip             # MTIP: mtime (~50) >= mtimecmp (0)
  li   a1, 0x80
  bne  a0, a1, fail
"""
    r = run(program(tmp_path, body))
    assert r.returncode == 0, r.stderr


def test_vectored_interrupt_and_exception(tmp_path):
    # mtvec mode 1: exceptions go to base, interrupts to base + 4 * cause
    body = """
  la   a0, vec
  ori  a0, a0, 1
  csrw mtvec, a0
  li   s5, 0
  ecall                    # -> vec + 0, counts s5 += 1
  li   a1, 0x02004000      # mtimecmp = 0: pending as soon as enabled
  sw   zero, 0(a1)
  sw   zero, 4(a1)
  li   a1, 0x80
  csrw mie, a1
  csrsi mstatus, 8         # -> vec + 28
  j    fail
after_irq:
  li   a1, 2
  bne  s5, a1, fail
"""
    extra = """
  .align 6
vec:
  j    exc
  .rept 6
  j    fail
  .endr
  j    timer                # vec + 4 * 7
exc:
  addi s5, s5, 1
  csrr t0, mepc
  addi t0, t0, 4
  csrw mepc, t0
  mret
timer:
  csrr t0, mcause
  li   t1, 0x80000007
  bne  t0, t1, fail
  csrr t0, mstatus         # MIE cleared, MPIE set
  andi t0, t0, 0x88
  li   t1, 0x80
  bne  t0, t1, fail
  csrw mie, zero
  addi s5, s5, 1
  la   t0, after_irq
  csrw mepc, t0
  mret
"""
    r = run(program(tmp_path, body, extra=extra))
    assert r.returncode == 0, r.stderr
    assert "interrupts 1" in r.stderr


def test_timer_interrupt_asynchronous(tmp_path):
    # a busy loop is interrupted by the timer; the handler ends the run
    body = """
  la   a0, handler
  csrw mtvec, a0
  li   a1, 0x0200BFF8
  lw   a2, 0(a1)           # mtime now
  addi a2, a2, 500
  li   a1, 0x02004000
  sw   a2, 0(a1)
  sw   zero, 4(a1)
  li   a1, 0x80
  csrw mie, a1
  csrsi mstatus, 8
1: addi s6, s6, 1
  j    1b
"""
    extra = """
  .align 2
handler:
  li   t0, 100              # the loop ran for a while (~250 iterations)
  blt  s6, t0, fail
  j    pass
"""
    r = run(program(tmp_path, body, extra=extra), "--max-cycles", "100000")
    assert r.returncode == 0, r.stderr


def test_wfi_and_fences_are_nops(tmp_path):
    # docs/timing.md: with mie = 0 wfi is a 1-cycle nop; fence and fence.i are
    # 1-cycle nops. docs/ctsim.md: wfi is in class `system`, fence/fence.i in
    # `fence`. n instructions without stalls take n + 4 cycles (sim_helpers.py).
    body = "  li a0, 5\n  wfi\n  fence\n  fence.i\n  li a1, 5\n  bne a0, a1, fail\n"
    r, s = run_stats(tmp_path, program(tmp_path, body))
    assert r.returncode == 0, r.stderr
    # li, wfi, fence, fence.i, li, bne (not taken) + 4 = 10 instructions, 14 cycles
    assert s["instructions"] == 10 and s["cycles"] == 14
    assert s["classes"]["fence"] == 2 and s["classes"]["system"] == 1
    assert s["stalls"]["total"] == 0


def test_misaligned_data(tmp_path):
    body = """
  la   a0, buf
  li   a1, 0x11223344
  sw   a1, 1(a0)           # bytes 1..4
  lw   a2, 1(a0)
  bne  a2, a1, fail
  lhu  a2, 3(a0)           # bytes 3, 4 = 0x22, 0x11
  li   a3, 0x1122
  bne  a2, a3, fail
  lbu  a2, 1(a0)
  li   a3, 0x44
  bne  a2, a3, fail
  li   a1, 0xfedc
  sh   a1, 7(a0)
  lh   a2, 7(a0)
  li   a3, 0xfffffedc
  bne  a2, a3, fail
"""
    r = run(program(tmp_path, body, data="buf: .space 16"))
    assert r.returncode == 0, r.stderr


def test_mul_div_corner_cases(tmp_path):
    body = """
  li   a1, 7
  li   a2, 0
  div  a0, a1, a2          # / 0 -> -1
  li   a3, -1
  bne  a0, a3, fail
  rem  a0, a1, a2          # % 0 -> dividend
  bne  a0, a1, fail
  divu a0, a1, a2
  bne  a0, a3, fail
  li   a1, 0x80000000
  li   a2, -1
  div  a0, a1, a2          # overflow -> dividend
  bne  a0, a1, fail
  rem  a0, a1, a2          # overflow -> 0
  bnez a0, fail
  li   a1, -7
  li   a2, 2
  div  a0, a1, a2          # rounds toward zero
  li   a3, -3
  bne  a0, a3, fail
  rem  a0, a1, a2
  li   a3, -1
  bne  a0, a3, fail
  li   a1, -1
  li   a2, -1
  mulh a0, a1, a2          # (-1 * -1) >> 32 = 0
  bnez a0, fail
  mulhu a0, a1, a2         # (2^32-1)^2 >> 32 = 0xfffffffe
  li   a3, 0xfffffffe
  bne  a0, a3, fail
  mulhsu a0, a1, a2        # -1 * (2^32-1) >> 32 = -1
  li   a3, -1
  bne  a0, a3, fail
"""
    assert run(program(tmp_path, body)).returncode == 0


def test_self_modifying_code(tmp_path):
    # f returns 1; overwrite its first word with `li a0, 2` (addi a0, x0, 2 =
    # 0x00200513) and call again: the decoded copy must be invalidated.
    body = """
  call f
  li   a1, 1
  bne  a0, a1, fail
  la   a2, f
  li   a3, 0x00200513
  sw   a3, 0(a2)
  fence.i
  call f
  li   a1, 2
  bne  a0, a1, fail
  li   a3, 0x00300513      # li a0, 3, written byte by byte
  sb   a3, 0(a2)
  srli a3, a3, 8
  sb   a3, 1(a2)
  srli a3, a3, 8
  sb   a3, 2(a2)
  call f
  li   a1, 3
  bne  a0, a1, fail
"""
    extra = """
f:
  li   a0, 1
  ret
"""
    assert run(program(tmp_path, body, extra=extra)).returncode == 0


def test_misaligned_store_into_two_decoded_words(tmp_path):
    # g: addi a0, x0, 1 (0x00100513); addi a0, a0, 16 (0x01050513);
    # addi a0, a0, 256 (0x10050513); ret: 273, every word decoded by the call.
    # A sw at g + 3 writes the first word's byte 3 (0x01: addi a0, x0, 17) and
    # the second's bytes 0..2 (13 05 25: addi a0, a0, 18): 17 + 18 + 256 = 291
    # (275 or 289 if one decoded word were kept). A sh at g + 7 writes the
    # second word's byte 3 (0x05: addi a0, a0, 82) and the third's byte 0
    # (0x93: rd = a1, addi a1, a0, 256): 17 + 82 = 99 (35 or 355 if one were
    # kept).
    body = """
  call g
  li   a1, 273
  bne  a0, a1, fail
  la   a2, g
  li   a3, 0x25051301
  sw   a3, 3(a2)
  fence.i
  call g
  li   a1, 291
  bne  a0, a1, fail
  li   a3, 0x9305
  sh   a3, 7(a2)
  fence.i
  call g
  li   a1, 99
  bne  a0, a1, fail
"""
    extra = """
  .balign 4
g:
  addi a0, x0, 1
  addi a0, a0, 16
  addi a0, a0, 256
  ret
"""
    assert run(program(tmp_path, body, extra=extra)).returncode == 0


def test_wild_program_cannot_hurt_host(tmp_path):
    # stores and loads all over the address space and jumps to odd places;
    # every fault resumes at the next instruction (or at `back` for jumps).
    body = """
  la   a0, handler
  csrw mtvec, a0
  li   s1, 0
  li   s2, 0x0000fff0      # address, stepped by a large odd stride
  li   s3, 0x3b9aca07
  li   s4, 300
1:
  sw   s2, 0(s2)
  lw   a1, 0(s2)
  sh   s2, 1(s2)
  lb   a1, 3(s2)
  add  s2, s2, s3
  addi s4, s4, -1
  bnez s4, 1b
  la   s7, back
  li   a5, 0xfffffffc
  jr   a5
back:
  li   a5, 0x02004000
  jr   a5
"""
    extra = """
  .align 2
handler:
  addi s1, s1, 1
  csrr t0, mcause
  li   t1, 1
  beq  t0, t1, 2f          # instruction fault: go back
  csrr t0, mepc
  addi t0, t0, 4
  csrw mepc, t0
  mret
2:
  li   t1, 0x02004000      # second jump faults too: done
  csrr t0, mepc
  beq  t0, t1, pass
  csrw mepc, s7
  mret
"""
    # the program's own text can be overwritten by the wild stores; whatever
    # happens, ctsim must end with a status of its own, not crash
    r = run(program(tmp_path, body, extra=extra), "--max-cycles", "2000000")
    assert r.returncode in (0, 1, 3, 4), r.stderr
    assert "ctsim: exit" in r.stderr


def test_riscv_tests_style_env(tmp_path):
    # The shape of riscv-tests' env/p: probe CSRs this hart lacks with mtvec
    # pointing just past the probe, then run a test, then RVTEST_PASS via
    # ecall, whose handler writes TESTNUM (gp) to tohost.
    def src(fail):
        check = "  li a1, 3\n  bne a0, a1, fail_t" if not fail else \
                "  li a1, 4\n  bne a0, a1, fail_t"
        return f"""
  .section .text.init
  .globl _start
_start:
  j reset_vector
  .align 2
trap_vector:
  csrr t5, mcause
  li   t6, 11
  beq  t5, t6, write_tohost
  j    write_tohost
write_tohost:
  sw   gp, tohost, t5
  sw   zero, tohost + 4, t5
  j    write_tohost
reset_vector:
  li   x1, 0
  csrr a0, mhartid
  la   t0, 1f
  csrw mtvec, t0
  csrwi satp, 0
  .align 2
1:
  la   t0, 1f
  csrw mtvec, t0
  li   t0, -1
  csrw pmpaddr0, t0
  li   t0, 0x1f
  csrw pmpcfg0, t0
  .align 2
1:
  csrwi mie, 0
  la   t0, 1f
  csrw mtvec, t0
  csrwi medeleg, 0
  csrwi mideleg, 0
  .align 2
1:
  li   gp, 0
  la   t0, trap_vector
  csrw mtvec, t0
  csrwi mstatus, 0
  la   t0, 1f
  csrw mepc, t0
  mret
1:
  li   gp, 2
  li   a0, 1
  addi a0, a0, 2
{check}
  fence
  li   gp, 1
  li   a7, 93
  li   a0, 0
  ecall
fail_t:
  fence
1: beqz gp, 1b
  sll  gp, gp, 1
  or   gp, gp, 1
  li   a7, 93
  mv   a0, gp
  ecall
{TOHOST_SECTION}
"""
    ok = run(assemble(tmp_path, src(False), "env_ok"))
    assert ok.returncode == 0, ok.stderr
    bad = run(assemble(tmp_path, src(True), "env_bad"))
    assert bad.returncode == 2 and "exit tohost, status 2" in bad.stderr


# ------------------------------------------------------------ commit log

def enc_i(opcode, rd, f3, rs1, imm):
    return ((imm & 0xfff) << 20) | (rs1 << 15) | (f3 << 12) | (rd << 7) | opcode


def enc_s(opcode, f3, rs1, rs2, imm):
    return (((imm >> 5) & 0x7f) << 25) | (rs2 << 20) | (rs1 << 15) | \
        (f3 << 12) | ((imm & 31) << 7) | opcode


def enc_u(opcode, rd, imm20):
    return (imm20 << 12) | (rd << 7) | opcode


def test_log_commits_format(tmp_path):
    # text at 0x80000000 (tests/cycles/link.ld); 8 instructions = 32 bytes,
    # then .tohost aligned to 64: tohost = 0x80000040.
    src = """
  .section .text.init
  .globl _start
_start:
  auipc t6, 0              # 0x80000000: x31 = 0x80000000
  addi  t6, t6, 64         # 0x80000004: x31 = 0x80000040 (tohost)
  li    a0, -2             # 0x80000008: addi x10, x0, -2
  sb    a0, 9(t6)          # 0x8000000c: mem 0x80000049 0xfe
  lw    a1, 8(t6)          # 0x80000010: x11 = 0x0000fe00, mem 0x80000048
  addi  x0, x0, 0          # 0x80000014: nop, no register
  li    t5, 1              # 0x80000018: x30 = 1
  sw    t5, 0(t6)          # 0x8000001c: mem 0x80000040 0x00000001
""" + TOHOST_SECTION
    elf = assemble(tmp_path, src)
    log = tmp_path / "commits.log"
    r = run(elf, "--log-commits", log)
    assert r.returncode == 0, r.stderr
    expect = [
        (0x80000000, enc_u(0x17, 31, 0), " x31 0x80000000"),
        (0x80000004, enc_i(0x13, 31, 0, 31, 64), " x31 0x80000040"),
        (0x80000008, enc_i(0x13, 10, 0, 0, -2), " x10 0xfffffffe"),
        (0x8000000c, enc_s(0x23, 0, 31, 10, 9), " mem 0x80000049 0xfe"),
        (0x80000010, enc_i(0x03, 11, 2, 31, 8), " x11 0x0000fe00 mem 0x80000048"),
        (0x80000014, enc_i(0x13, 0, 0, 0, 0), ""),
        (0x80000018, enc_i(0x13, 30, 0, 0, 1), " x30 0x00000001"),
        (0x8000001c, enc_s(0x23, 2, 31, 30, 0), " mem 0x80000040 0x00000001"),
    ]
    lines = log.read_text().splitlines()
    assert len(lines) == len(expect)
    for line, (pc, insn, rest) in zip(lines, expect):
        assert line == f"core   0: 3 0x{pc:08x} (0x{insn:08x}){rest}"
    # Spike pads the register name to two characters: "x5  0x..."
    r2 = run(assemble(tmp_path, ".globl _start\n_start: li t0, 5\n  .word 0\n", "t2"),
             "--log-commits", "-")
    assert re.search(r"^core   0: 3 0x80000000 \(0x00500293\) x5  0x00000005$",
                     r2.stderr, re.M)


def test_log_skips_trapping_instruction(tmp_path):
    # the ecall traps and is not logged (it does not retire); mret is
    body = SETUP + """
  ecall
"""
    extra = """
  .align 2
handler:
  csrr t0, mepc
  addi t0, t0, 4
  csrw mepc, t0
  mret
"""
    log = tmp_path / "l.log"
    r = run(program(tmp_path, body, extra=extra), "--log-commits", log)
    assert r.returncode == 0
    text = log.read_text()
    assert "(0x00000073)" not in text
    assert "(0x30200073)" in text


@pytest.mark.parametrize("ram,last,after", [
    ("4K", 0x80000FFC, 0x80001000),
    ("1M", 0x800FFFFC, 0x80100000),
    ("2G", 0xFFFFFFFC, 0x00000000),   # pc + 4 wraps around to address 0
])
def test_run_off_the_end_of_ram(tmp_path, ram, last, after):
    # A nop stored into RAM's last word and jumped to: it retires, then the
    # fetch of the next word (outside RAM) is an instruction access fault
    # (cause 1) with mepc = mtval = that address (privileged spec; docs/ctsim.md).
    body = f"""{SETUP}
  li   s1, 1
  li   s2, {after}
  li   s3, {after}
  la   s4, resume
  li   a5, {last}
  li   a6, 0x00000013          # nop (addi x0, x0, 0)
  sw   a6, 0(a5)
  jr   a5
  j    fail
resume:
"""
    r = run(program(tmp_path, body, extra=CHECK_HANDLER), "--ram", ram)
    assert r.returncode == 0, r.stderr
    assert "traps         1" in r.stderr
