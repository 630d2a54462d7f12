/* timer: mtime advances; mip.MTIP follows mtime >= mtimecmp; no interrupt
   while mstatus.MIE or mie.MTIE is clear; the interrupt is taken at once
   when both are set (direct mtvec, mcause 0x80000007), and a future
   mtimecmp interrupts a spinning loop after mtime reaches it; wfi waits for
   a pending timer. The rate of mtime is not assumed (QEMU: 10 MHz; ctsim:
   --mtime-div). */
#include "env.h"
#define SPIN_LIMIT 10000000

RVTEST_BEGIN(timer)
  csrw mie, zero
  li a1, 0x08
  csrc mstatus, a1
  li s0, MTIME_ADDR
  li s1, MTIMECMP_ADDR
  /* mtime advances (within a bounded spin) */
  TEST_CASE(1, a0, 1, lw a1, 0(s0); li a2, SPIN_LIMIT; 1: lw a3, 0(s0); bne a3, a1, 2f; addi a2, a2, -1; bnez a2, 1b; li a0, 0; j 3f; 2: li a0, 1; 3: nop)
  /* mtimecmp = all ones: MTIP clear */
  TEST_CASE(2, a0, 0, li a1, -1; sw a1, 4(s1); sw a1, 0(s1); csrr a0, mip; andi a0, a0, 0x80)
  /* mtimecmp = 0: MTIP set, but no interrupt with mie.MTIE = 0 ... */
  TEST_CASE(3, a0, 0x80, sw zero, 0(s1); sw zero, 4(s1); csrr a0, mip; andi a0, a0, 0x80)
  TEST_CASE(4, a0, 0, li a1, 0x08; csrs mstatus, a1; nop; nop; csrc mstatus, a1; la a0, env_trap_rec; lw a0, REC_IRQS(a0))
  /* ... nor with mstatus.MIE = 0 */
  TEST_CASE(5, a0, 0, li a1, 0x80; csrw mie, a1; nop; nop; la a0, env_trap_rec; lw a0, REC_IRQS(a0))
  /* mtimecmp read back */
  TEST_CASE(6, a0, 0x00001234, li a1, 0x1234; sw a1, 0(s1); lw a0, 0(s1); sw zero, 0(s1))
  /* both enabled: taken before the next instruction */
  TEST_CASE(7, a0, 1, li a1, 0x08; csrs mstatus, a1; irq_7: nop; la a0, env_trap_rec; lw a0, REC_IRQS(a0))
  TEST_CASE(8, a0, 0x80000007, TRAP_LOAD(a0, REC_CAUSE))
  TEST_EQ(9, a0, a1, TRAP_LOAD(a0, REC_EPC); la a1, irq_7)
  /* in the handler MIE was 0 and MPIE 1; mret set MIE again */
  TEST_CASE(10, a0, 0x80, TRAP_LOAD(a0, REC_STATUS); andi a0, a0, 0x88)
  TEST_CASE(11, a0, 0x08, csrr a0, mstatus; andi a0, a0, 0x08)
  /* the handler disarmed the timer: MTIP clear, no further interrupt */
  TEST_CASE(12, a0, 0, csrr a0, mip; andi a0, a0, 0x80)
  TEST_CASE(13, a0, 1, nop; nop; la a0, env_trap_rec; lw a0, REC_IRQS(a0))
  /* a future deadline: no interrupt yet right after arming it ... */
  TEST_CASE(14, a0, 1, lw a1, 0(s0); addi s2, a1, 200; li a2, -1; sw a2, 4(s1); sw s2, 0(s1); lw a3, 4(s0); sw a3, 4(s1); la a0, env_trap_rec; lw a0, REC_IRQS(a0))
  /* ... then it interrupts the spin loop below */
  TEST_CASE(15, a0, 2, la a3, env_trap_rec; li a2, SPIN_LIMIT; spin_15: lw a0, REC_IRQS(a3); li a1, 2; beq a0, a1, 1f; addi a2, a2, -1; bnez a2, spin_15; spin_15_end: j fail; 1: nop)
  TEST_CASE(16, a0, 0x80000007, TRAP_LOAD(a0, REC_CAUSE))
  /* mepc is an instruction of the spin loop */
  TEST_CASE(17, a0, 1, TRAP_LOAD(a0, REC_EPC); la a1, spin_15; la a2, spin_15_end; sltu a3, a0, a1; bnez a3, fail; sltu a0, a0, a2)
  /* mtime has reached the deadline (low words; no wrap this early) */
  TEST_CASE(18, a0, 0, lw a1, 0(s0); sltu a0, a1, s2)
  /* MTIE cleared, MIE set, pending: still no interrupt */
  TEST_CASE(19, a0, 2, csrw mie, zero; sw zero, 0(s1); sw zero, 4(s1); nop; nop; la a0, env_trap_rec; lw a0, REC_IRQS(a0))
  TEST_CASE(20, a0, 0x80, csrr a0, mip; andi a0, a0, 0x80)
  /* wfi with mstatus.MIE = 0 and mie.MTIE = 1 waits until the timer is
     pending, then continues without taking the interrupt (ctsim and QEMU
     both wait; the spec would also allow wfi to return at once) */
  li a1, 0x08
  csrc mstatus, a1
  li a1, -1
  sw a1, 4(s1)
  sw a1, 0(s1)
  TEST_CASE(21, a0, 0, csrr a0, mip; andi a0, a0, 0x80)
  TEST_CASE(22, a0, 0x80, li a1, 0x80; csrw mie, a1; lw a1, 0(s0); addi a1, a1, 100; sw a1, 0(s1); lw a2, 4(s0); sw a2, 4(s1); wfi; csrr a0, mip; andi a0, a0, 0x80)
  TEST_CASE(23, a0, 2, la a0, env_trap_rec; lw a0, REC_IRQS(a0))
  csrw mie, zero
  li a1, -1
  sw a1, 4(s1)
  sw a1, 0(s1)
RVTEST_END
