/* msip: the CLINT's software-interrupt register of hart 0 (0x02000000).
   It reads 0 after reset; only bit 0 is writable; mip.MSIP (bit 3) follows
   it and is not writable through mip; mie.MSIE (bit 3) is writable; no
   interrupt while mstatus.MIE or mie.MSIE is clear; with both set the
   interrupt is taken before the next instruction (mcause 0x80000003, mepc
   that instruction), in vectored mode at mtvec + 12; it has priority over a
   pending timer interrupt; wfi returns at once while it pends with MSIE set.
   The env's handler clears msip (and disarms the timer). mhartid is 0. */
#include "env.h"

RVTEST_BEGIN(msip)
  csrw mie, zero
  li a1, 0x08
  csrc mstatus, a1
  li s0, MSIP_ADDR
  li s1, MTIMECMP_ADDR
  li a1, -1
  sw a1, 4(s1)
  sw a1, 0(s1)
  /* reset value, and mip.MSIP clear */
  TEST_CASE(1, a0, 0, lw a0, 0(s0))
  TEST_CASE(2, a0, 0, csrr a0, mip; andi a0, a0, 0x08)
  /* only bit 0 is writable */
  TEST_CASE(3, a0, 1, li a1, -1; sw a1, 0(s0); lw a0, 0(s0))
  TEST_CASE(4, a0, 0x08, csrr a0, mip; andi a0, a0, 0x08)
  TEST_CASE(5, a0, 0, li a1, 2; sw a1, 0(s0); lw a0, 0(s0))
  TEST_CASE(6, a0, 0, csrr a0, mip; andi a0, a0, 0x08)
  /* mip.MSIP is read-only in mip */
  TEST_CASE(7, a0, 0, li a1, 0x08; csrs mip, a1; csrr a0, mip; andi a0, a0, 0x08)
  /* mie.MSIE is writable */
  TEST_CASE(8, a0, 0x08, li a1, 0x08; csrw mie, a1; csrr a0, mie; csrw mie, zero)
  /* pending, mie.MSIE = 0: no interrupt even with mstatus.MIE = 1 */
  TEST_CASE(9, a0, 0, li a1, 1; sw a1, 0(s0); li a1, 0x08; csrs mstatus, a1; nop; nop; csrc mstatus, a1; la a0, env_trap_rec; lw a0, REC_IRQS(a0))
  /* ... nor with mie.MSIE = 1 and mstatus.MIE = 0 */
  TEST_CASE(10, a0, 0, li a1, 0x08; csrw mie, a1; nop; nop; la a0, env_trap_rec; lw a0, REC_IRQS(a0))
  /* both set: taken before the next instruction */
  TEST_CASE(11, a0, 1, li a1, 0x08; csrs mstatus, a1; irq_11: nop; la a0, env_trap_rec; lw a0, REC_IRQS(a0))
  TEST_CASE(12, a0, 0x80000003, TRAP_LOAD(a0, REC_CAUSE))
  TEST_EQ(13, a0, a1, TRAP_LOAD(a0, REC_EPC); la a1, irq_11)
  TEST_CASE(14, a0, 0x80, TRAP_LOAD(a0, REC_STATUS); andi a0, a0, 0x88)
  /* the handler cleared msip: no further interrupt */
  TEST_CASE(15, a0, 0, lw a0, 0(s0))
  TEST_CASE(16, a0, 1, nop; nop; la a0, env_trap_rec; lw a0, REC_IRQS(a0))
  /* the store to msip interrupts before the instruction after it */
  TEST_CASE(17, a0, 2, li a1, 1; sw a1, 0(s0); irq_17: nop; la a0, env_trap_rec; lw a0, REC_IRQS(a0))
  TEST_EQ(18, a0, a1, TRAP_LOAD(a0, REC_EPC); la a1, irq_17)
  /* software before timer: both pending, the software interrupt is taken */
  TEST_CASE(19, a0, 3, li a1, 0x08; csrc mstatus, a1; li a1, 0x88; csrw mie, a1; sw zero, 0(s1); sw zero, 4(s1); li a1, 1; sw a1, 0(s0); li a1, 0x08; csrs mstatus, a1; nop; la a0, env_trap_rec; lw a0, REC_IRQS(a0))
  TEST_CASE(20, a0, 0x80000003, TRAP_LOAD(a0, REC_CAUSE))
  /* the handler disarmed the timer as well: nothing pending any more */
  TEST_CASE(21, a0, 0, csrr a0, mip; andi a0, a0, 0x88)
  /* vectored mtvec: the software interrupt goes to mtvec + 4 * 3 */
  TEST_CASE(22, a0, 4, li a1, 0x08; csrc mstatus, a1; la a1, vec_table; ori a1, a1, 1; csrw mtvec, a1; li a1, 1; sw a1, 0(s0); li a1, 0x08; csrs mstatus, a1; nop; la a1, env_trap; csrw mtvec, a1; la a0, env_trap_rec; lw a0, REC_IRQS(a0))
  TEST_CASE(23, a0, 1, la a0, vec_hits; lw a0, 0(a0))
  /* wfi with mstatus.MIE = 0 and a pending enabled msip returns at once and
     takes no interrupt */
  TEST_CASE(24, a0, 4, li a1, 0x08; csrc mstatus, a1; li a1, 0x08; csrw mie, a1; li a1, 1; sw a1, 0(s0); wfi; la a0, env_trap_rec; lw a0, REC_IRQS(a0))
  TEST_CASE(25, a0, 1, lw a0, 0(s0); sw zero, 0(s0))
  /* mhartid: this hart is hart 0 (its msip is the one at 0x02000000) */
  TEST_CASE(26, a0, 0, csrr a0, mhartid)
  csrw mie, zero
  j pass

  /* vectored table: the entry of cause 3 counts the hit, then jumps to the
     env's handler (which records and counts the interrupt; t0 is free
     here) */
  .balign 64
vec_table:
  j fail
  j fail
  j fail
  j vec_msi
  j fail
  j fail
  j fail
  j fail
vec_msi:
  la t6, vec_hits
  lw t0, 0(t6)
  addi t0, t0, 1
  sw t0, 0(t6)
  j env_trap

  .data
  .balign 4
vec_hits:
  .word 0
  .section .start, "ax", @progbits
RVTEST_END
