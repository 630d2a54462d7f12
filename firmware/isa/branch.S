/* branch: beq/bne/blt/bge/bltu/bgeu, taken and not taken, signed vs
   unsigned boundaries, backward branches. */
#include "env.h"

#define TEST_BR_TAKEN(n, inst, v1, v2) \
  TEST_CASE(n, a3, 0, li a1, v1; li a2, v2; li a3, 0; inst a1, a2, 1f; li a3, 1; 1: nop)

#define TEST_BR_NOT_TAKEN(n, inst, v1, v2) \
  TEST_CASE(n, a3, 1, li a1, v1; li a2, v2; li a3, 0; inst a1, a2, 1f; li a3, 1; 1: nop)

RVTEST_BEGIN(branch)
  TEST_BR_TAKEN(1, beq, 5, 5)
  TEST_BR_NOT_TAKEN(2, beq, 5, 6)
  TEST_BR_TAKEN(3, bne, 0, 0x80000000)
  TEST_BR_NOT_TAKEN(4, bne, -1, -1)
  TEST_BR_TAKEN(5, blt, -1, 0)
  TEST_BR_NOT_TAKEN(6, blt, 0, -1)
  TEST_BR_NOT_TAKEN(7, blt, 7, 7)
  TEST_BR_TAKEN(8, blt, 0x80000000, 0x7fffffff)
  TEST_BR_TAKEN(9, bge, 7, 7)
  TEST_BR_TAKEN(10, bge, 0, -1)
  TEST_BR_NOT_TAKEN(11, bge, -1, 0)
  TEST_BR_NOT_TAKEN(12, bltu, -1, 0)
  TEST_BR_TAKEN(13, bltu, 0, -1)
  TEST_BR_NOT_TAKEN(14, bltu, 9, 9)
  TEST_BR_TAKEN(15, bgeu, 0xffffffff, 1)
  TEST_BR_TAKEN(16, bgeu, 9, 9)
  TEST_BR_NOT_TAKEN(17, bgeu, 0x7fffffff, 0x80000000)
  /* backward branch: a counted loop runs 10 times */
  TEST_CASE(18, a1, 10, li a1, 0; li a2, 10; 1: addi a1, a1, 1; bne a1, a2, 1b)
  TEST_CASE(19, a3, 55, li a1, 10; li a3, 0; 1: add a3, a3, a1; addi a1, a1, -1; bgtz a1, 1b)
  /* the instructions after a taken branch do not execute */
  TEST_CASE(20, a3, 0, li a3, 0; beq x0, x0, 1f; addi a3, a3, 1; addi a3, a3, 2; addi a3, a3, 4; 1: nop)
  /* a branch depending on the result just computed */
  TEST_CASE(21, a3, 2, li a1, 1; li a3, 1; addi a1, a1, -1; beqz a1, 1f; li a3, 3; 1: addi a3, a3, 1)
RVTEST_END
