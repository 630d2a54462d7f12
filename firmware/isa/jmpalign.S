/* jmpalign: misaligned targets of jal and of taken branches raise
   instruction-address-misaligned (cause 0) on the jump itself: mepc = the
   jal/branch, mtval = the target, rd not written. A branch not taken to a
   misaligned target does not trap. (Without the C extension a target is
   misaligned unless it is a multiple of 4.)
   Not compared with QEMU: QEMU 7.2 reports a wrong mtval (the start of the
   translation block) for these two cases; it gets jalr right (traps.S). */
#include "env.h"
RVTEST_BEGIN(jmpalign)
  /* the targets sit in this section, close by: a branch to another section
     would be relaxed by the assembler into an inverted branch over a jal */
  j 1f
  .balign 4
mis_target:
  j fail
  j fail
  j fail
1:
  TEST_TRAP(1, 0, li ra, 0x66; mj_1: jal ra, mis_target + 2)
  TEST_EQ(2, a0, a1, TRAP_LOAD(a0, REC_EPC); la a1, mj_1)
  TEST_EQ(3, a0, a1, TRAP_LOAD(a0, REC_TVAL); la a1, mis_target; addi a1, a1, 2)
  TEST_CASE(4, ra, 0x66, nop)
  TEST_TRAP(5, 0, mj_5: beq x0, x0, mis_target + 2)
  TEST_EQ(6, a0, a1, TRAP_LOAD(a0, REC_EPC); la a1, mj_5)
  TEST_EQ(7, a0, a1, TRAP_LOAD(a0, REC_TVAL); la a1, mis_target; addi a1, a1, 2)
  TEST_TRAP(8, 0, li a1, 1; li a2, 2; mj_8: bltu a1, a2, mis_target + 6)
  TEST_EQ(9, a0, a1, TRAP_LOAD(a0, REC_EPC); la a1, mj_8)
  TEST_EQ(10, a0, a1, TRAP_LOAD(a0, REC_TVAL); la a1, mis_target; addi a1, a1, 6)
  TEST_CASE(11, a0, 1, li a0, 0; bne x0, x0, mis_target + 2; li a0, 1)
  TEST_CASE(12, a0, 1, li a0, 0; li a1, 5; bge x0, a1, mis_target + 2; li a0, 1)
RVTEST_END
