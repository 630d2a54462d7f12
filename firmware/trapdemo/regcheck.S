/*
 * int regcheck_spin(volatile uint32_t *flag, uint32_t spins)
 *
 * Fills every register except sp, gp, tp and a0 (the flag pointer) with a
 * distinct pattern, spins until *flag != 0 (or spins run out), then checks the
 * patterns. Returns 0 when all registers are intact and the flag was seen,
 * 1 if the flag never came, 2 if a register changed. Used to check that the
 * trap entry saves and restores every register around an interrupt.
 */
  .text
  .globl regcheck_spin
  .type regcheck_spin, @function
  .balign 4
regcheck_spin:
  addi sp, sp, -64
  sw ra, 0(sp)
  sw s0, 4(sp)
  sw s1, 8(sp)
  sw s2, 12(sp)
  sw s3, 16(sp)
  sw s4, 20(sp)
  sw s5, 24(sp)
  sw s6, 28(sp)
  sw s7, 32(sp)
  sw s8, 36(sp)
  sw s9, 40(sp)
  sw s10, 44(sp)
  sw s11, 48(sp)
  sw a1, 52(sp)               /* spin budget */

#define PAT(n) (0x11110000 + (n) * 0x01010101)
  li ra, PAT(1)
  li t0, PAT(5)
  li t1, PAT(6)
  li t2, PAT(7)
  li s0, PAT(8)
  li s1, PAT(9)
  li a2, PAT(12)
  li a3, PAT(13)
  li a4, PAT(14)
  li a5, PAT(15)
  li a6, PAT(16)
  li a7, PAT(17)
  li s2, PAT(18)
  li s3, PAT(19)
  li s4, PAT(20)
  li s5, PAT(21)
  li s6, PAT(22)
  li s7, PAT(23)
  li s8, PAT(24)
  li s9, PAT(25)
  li s10, PAT(26)
  li s11, PAT(27)
  li t3, PAT(28)
  li t4, PAT(29)
  li t5, PAT(30)
  lw a1, 52(sp)               /* a1 counts down */
1:
  lw t6, 0(a0)
  bnez t6, 2f
  addi a1, a1, -1
  bnez a1, 1b
  li a0, 1
  j 9f
2:
  li a0, 2
#define CHECK(reg, n) li t6, PAT(n); bne reg, t6, 9f
  CHECK(ra, 1)
  CHECK(t0, 5)
  CHECK(t1, 6)
  CHECK(t2, 7)
  CHECK(s0, 8)
  CHECK(s1, 9)
  CHECK(a2, 12)
  CHECK(a3, 13)
  CHECK(a4, 14)
  CHECK(a5, 15)
  CHECK(a6, 16)
  CHECK(a7, 17)
  CHECK(s2, 18)
  CHECK(s3, 19)
  CHECK(s4, 20)
  CHECK(s5, 21)
  CHECK(s6, 22)
  CHECK(s7, 23)
  CHECK(s8, 24)
  CHECK(s9, 25)
  CHECK(s10, 26)
  CHECK(s11, 27)
  CHECK(t3, 28)
  CHECK(t4, 29)
  CHECK(t5, 30)
  li a0, 0
9:
  lw ra, 0(sp)
  lw s0, 4(sp)
  lw s1, 8(sp)
  lw s2, 12(sp)
  lw s3, 16(sp)
  lw s4, 20(sp)
  lw s5, 24(sp)
  lw s6, 28(sp)
  lw s7, 32(sp)
  lw s8, 36(sp)
  lw s9, 40(sp)
  lw s10, 44(sp)
  lw s11, 48(sp)
  addi sp, sp, 64
  ret
  .size regcheck_spin, . - regcheck_spin
