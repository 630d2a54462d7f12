/* jump: jal/jalr link values, offsets, jalr clearing bit 0, rd == rs1. */
#include "env.h"
RVTEST_BEGIN(jump)
  /* jal writes pc + 4 to rd */
  TEST_EQ(1, ra, a1, la a1, jal_1; addi a1, a1, 4; jal_1: jal ra, 1f; j fail; 1: nop)
  /* jal x0 jumps without linking */
  TEST_CASE(2, a3, 0, li a3, 0; j 1f; li a3, 1; 1: nop)
  /* jal backwards */
  TEST_CASE(3, a3, 2, li a3, 0; j 2f; 1: addi a3, a3, 1; j 3f; 2: addi a3, a3, 1; j 1b; 3: nop)
  /* jalr: target = rs1 + imm, link = pc + 4 */
  TEST_EQ(4, a0, a1, la a1, jalr_4; addi a1, a1, 4; la t0, 1f; jalr_4: jalr a0, 0(t0); j fail; 1: nop)
  TEST_CASE(5, a3, 0, li a3, 0; la t0, 1f; addi t0, t0, -8; jalr ra, 8(t0); li a3, 1; 1: nop)
  TEST_CASE(6, a3, 0, li a3, 0; la t0, 1f; addi t0, t0, 12; jalr ra, -12(t0); li a3, 1; 1: nop)
  /* jalr clears bit 0 of the target: no exception, lands on the label */
  TEST_CASE(7, a3, 0, li a3, 0; la t0, 1f; addi t0, t0, 1; jalr ra, 0(t0); li a3, 1; 1: nop)
  TEST_CASE(8, a3, 0, li a3, 0; la t0, 1f; jalr ra, 1(t0); li a3, 1; 1: nop)
  /* rd == rs1: the target uses the old value */
  TEST_EQ(9, t0, a1, la a1, jalr_9; addi a1, a1, 4; la t0, 1f; jalr_9: jalr t0, 0(t0); j fail; 1: nop)
  /* a call and a return */
  TEST_CASE(10, a0, 12, li a0, 5; call add7; j 1f; add7: addi a0, a0, 7; ret; 1: nop)
  /* link value of jalr with x0 destination is discarded */
  TEST_CASE(11, a0, 0, la t0, 1f; jalr x0, 0(t0); 1: mv a0, x0)
RVTEST_END
