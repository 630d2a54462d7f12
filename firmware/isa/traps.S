/* traps: ecall/ebreak (mcause, mepc, mtval: 0 for ecall; 0 or the pc for
   ebreak, both allowed by the spec), illegal instructions (mtval =
   the instruction bits, as QEMU does), misaligned jump and branch targets
   via jalr (cause 0, mepc = the jump, mtval = the target, rd not written;
   jal and branches are in jmpalign.S), load,
   store and fetch access faults outside memory (mtval = the address),
   mret restoring MIE from MPIE, trap entry saving MIE to MPIE, MPP = M,
   and vectored mtvec for the timer interrupt. */
#include "env.h"
#define BAD_ADDR 0xF0000000   /* nothing mapped here (docs/memory-map.md) */
#define HOLE_ADDR 0x0E000000  /* nor here, between the CLINT and the UART */
RVTEST_BEGIN(traps)
  csrw mie, zero
  /* ecall */
  TEST_TRAP(1, 11, ec_1: ecall)
  TEST_EQ(2, a0, a1, TRAP_LOAD(a0, REC_EPC); la a1, ec_1)
  TEST_CASE(3, a0, 0, TRAP_LOAD(a0, REC_TVAL))
  /* ebreak */
  TEST_TRAP(4, 3, eb_4: ebreak)
  TEST_EQ(5, a0, a1, TRAP_LOAD(a0, REC_EPC); la a1, eb_4)
  /* mtval: the spec allows 0 (QEMU) or the address of the ebreak (Spike) */
  TEST_CASE(6, a0, 1, TRAP_LOAD(a0, REC_TVAL); beqz a0, 1f; la a1, eb_4; bne a0, a1, fail; 1: li a0, 1)
  /* illegal instructions */
  TEST_TRAP(7, 2, il_7: .word 0xffffffff)
  TEST_CASE(8, a0, 0xffffffff, TRAP_LOAD(a0, REC_TVAL))
  TEST_EQ(9, a0, a1, TRAP_LOAD(a0, REC_EPC); la a1, il_7)
  TEST_TRAP(10, 2, .word 0x00000000)
  TEST_CASE(11, a0, 0, TRAP_LOAD(a0, REC_TVAL))
  TEST_TRAP(12, 2, li a0, 0x55; .word 0x02051513)   /* slli a0, a0, 32: shamt[5] set */
  TEST_CASE(13, a0, 0x02051513, TRAP_LOAD(a0, REC_TVAL))
  TEST_TRAP(14, 2, .word 0x00053503)                /* ld a0, 0(a0): RV64 only */
  TEST_CASE(15, a0, 0x00053503, TRAP_LOAD(a0, REC_TVAL))
  TEST_TRAP(16, 2, .word 0x40001033)                /* OP, funct3 1, funct7 0x20 */
  TEST_CASE(17, a0, 0x40001033, TRAP_LOAD(a0, REC_TVAL))
  /* misaligned jump target via jalr */
  TEST_TRAP(18, 0, li ra, 0x55; la t0, mis_target; addi t0, t0, 2; mj_18: jalr ra, 0(t0))
  TEST_EQ(19, a0, a1, TRAP_LOAD(a0, REC_EPC); la a1, mj_18)
  TEST_EQ(20, a0, a1, TRAP_LOAD(a0, REC_TVAL); la a1, mis_target; addi a1, a1, 2)
  TEST_CASE(21, ra, 0x55, nop)
  /* load / store / fetch access faults */
  TEST_TRAP(22, 5, li a0, 0x55; li a1, BAD_ADDR; lw a0, 0(a1))
  TEST_CASE(23, a0, 0x55, nop)          /* rd not written */
  TEST_CASE(24, a0, BAD_ADDR, TRAP_LOAD(a0, REC_TVAL))
  TEST_TRAP(25, 5, li a1, HOLE_ADDR; lbu a0, 3(a1))
  TEST_CASE(26, a0, HOLE_ADDR + 3, TRAP_LOAD(a0, REC_TVAL))
  TEST_TRAP(27, 7, li a1, BAD_ADDR; li a2, 7; sw a2, 4(a1))
  TEST_CASE(28, a0, BAD_ADDR + 4, TRAP_LOAD(a0, REC_TVAL))
  TEST_TRAP(29, 7, li a1, HOLE_ADDR; sb a2, 0(a1))
  TEST_CASE(30, a0, HOLE_ADDR, TRAP_LOAD(a0, REC_TVAL))
  TEST_TRAP(31, 1, li a1, BAD_ADDR; fj_39: jalr ra, 0(a1))
  TEST_CASE(32, a0, BAD_ADDR, TRAP_LOAD(a0, REC_TVAL))
  TEST_CASE(33, a0, BAD_ADDR, TRAP_LOAD(a0, REC_EPC))
  TEST_EQ(34, ra, a1, la a1, fj_39; addi a1, a1, 4)   /* the jalr itself completed */
  /* mret: MIE <- MPIE, MPIE <- 1. MPP is set to M first: QEMU 7.2 leaves
     MPP = U after an mret even without U-mode and then refuses the next
     mret (the spec makes MPP read-only M on an M-only hart). */
  TEST_CASE(35, a0, 0x88, li a1, 0x1880; csrs mstatus, a1; li a1, 0x08; csrc mstatus, a1; la a1, 1f; csrw mepc, a1; mret; j fail; 1: csrr a0, mstatus; andi a0, a0, 0x88)
  TEST_CASE(36, a0, 0x80, li a1, 0x1800; csrs mstatus, a1; li a1, 0x88; csrc mstatus, a1; la a1, 1f; csrw mepc, a1; mret; j fail; 1: csrr a0, mstatus; andi a0, a0, 0x88)
  /* trap entry: MPIE <- MIE, MIE <- 0, MPP <- M; mret undoes it */
  TEST_TRAP(37, 11, li a1, 0x08; csrs mstatus, a1; ecall)
  TEST_CASE(38, a0, 0x1880, TRAP_LOAD(a0, REC_STATUS); li a1, 0x1888; and a0, a0, a1)
  TEST_CASE(39, a0, 0x08, csrr a0, mstatus; andi a0, a0, 0x08)
  TEST_TRAP(40, 11, li a1, 0x08; csrc mstatus, a1; ecall)
  TEST_CASE(41, a0, 0x1800, TRAP_LOAD(a0, REC_STATUS); li a1, 0x1888; and a0, a0, a1)
  TEST_CASE(42, a0, 0x00, csrr a0, mstatus; andi a0, a0, 0x08)
  /* vectored mtvec: exceptions go to the base ... */
  la t0, vec_table
  ori t0, t0, 1
  csrw mtvec, t0
  TEST_TRAP(43, 11, ecall)
  TEST_CASE(44, a0, 0, la a0, vec_hit; lw a0, 0(a0))
  /* ... the timer interrupt to base + 4 * 7, taken right after the csrs
     that enables it, with mcause = 0x80000007 and mepc = the next insn */
  TEST_CASE(45, a0, 1, li a1, MTIMECMP_ADDR; sw zero, 4(a1); sw zero, 0(a1); li a1, 0x80; csrw mie, a1; li a1, 0x08; csrs mstatus, a1; irq_53: nop; csrc mstatus, a1; la a0, env_trap_rec; lw a0, REC_IRQS(a0))
  TEST_CASE(46, a0, 0x80000007, TRAP_LOAD(a0, REC_CAUSE))
  TEST_EQ(47, a0, a1, TRAP_LOAD(a0, REC_EPC); la a1, irq_53)
  TEST_CASE(48, a0, 1, la a0, vec_hit; lw a0, 0(a0); snez a0, a0)
  /* the handler disarmed the timer: MTIP clear */
  TEST_CASE(49, a0, 0, csrr a0, mip; andi a0, a0, 0x80)
  la t0, env_trap
  csrw mtvec, t0
  csrw mie, zero
RVTEST_END

  .text
  .balign 4
mis_target:
  j fail
  j fail

  /* vector table: entry 0 = exceptions, entry 7 = machine timer */
  .balign 256
vec_table:
  j env_trap        /* 0: exceptions */
  j fail            /* 1 */
  j fail            /* 2 */
  j fail            /* 3: machine software */
  j fail            /* 4 */
  j fail            /* 5 */
  j fail            /* 6 */
  j vec_timer       /* 7: machine timer */
  j fail            /* 8 */
  j fail            /* 9 */
  j fail            /* 10 */
  j fail            /* 11: machine external */
vec_timer:
  la t6, vec_hit
  sw t6, 0(t6)      /* any non-zero value */
  j env_trap

  .bss
  .balign 4
vec_hit:
  .word 0
