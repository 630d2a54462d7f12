/* fencei: fence and fence.i execute; code written by stores runs after a
   fence.i (self-modifying code, as the Zifencei spec requires), also when
   the old instruction ran before (so was fetched/decoded already). */
#include "env.h"
#define ADDI_A0_1 0x00100513   /* addi a0, x0, 1 */
#define ADDI_A0_2 0x00200513   /* addi a0, x0, 2 */
#define ADDI_A0_A0_5 0x00550513 /* addi a0, a0, 5 */
RVTEST_BEGIN(fencei)
  TEST_CASE(1, a0, 7, li a0, 7; fence; fence rw, rw; fence r, w; fence.i)
  /* the slot as assembled */
  TEST_CASE(2, a0, 1, li a0, 0; call slot)
  /* overwrite it, fence.i, run it again */
  TEST_CASE(3, a0, 2, la a1, slot; li a2, ADDI_A0_2; sw a2, 0(a1); fence.i; li a0, 0; call slot)
  /* and again, a different instruction; in a loop so the slot runs many times */
  TEST_CASE(4, a0, 30, la a1, slot; li a2, ADDI_A0_A0_5; sw a2, 0(a1); fence.i; li a0, 0; li a3, 6; 1: call slot; addi a3, a3, -1; bnez a3, 1b)
  /* halfword stores building the instruction also count */
  TEST_CASE(5, a0, 1, la a1, slot; li a2, 0x0513; sh a2, 0(a1); li a2, 0x0010; sh a2, 2(a1); fence.i; li a0, 0; call slot)
  j 2f
  .balign 4
slot:
  addi a0, x0, 1
  ret
2:
RVTEST_END
