/* lrsc: lr.w and sc.w on one hart. lr.w loads the word and reserves it;
   sc.w writes and returns 0 only with the reservation of that word, else
   returns 1 and writes nothing; either way the reservation is gone (a
   second sc.w fails); an sc.w to another word than the reserved one fails;
   a store of another value into the reserved word makes sc.w fail (in ctsim
   any store to the word does, docs/isa.md; QEMU compares the value); rd = x0
   and aq/rl are accepted; lr.w on a misaligned address raises load address
   misaligned (cause 4), and sc.w after a new lr.w succeeds. */
#include "env.h"
  .option arch, +a
RVTEST_BEGIN(lrsc)
  la s0, word
  li a1, 11
  sw a1, 0(s0)
  TEST_CASE(1, a0, 11, lr.w a0, (s0))
  TEST_CASE(2, a0, 0, li a2, 22; sc.w a0, a2, (s0))
  TEST_CASE(3, a0, 22, lw a0, 0(s0))
  /* the reservation is gone: the second sc.w fails and writes nothing */
  TEST_CASE(4, a0, 1, li a2, 33; sc.w a0, a2, (s0))
  TEST_CASE(5, a0, 22, lw a0, 0(s0))
  /* sc.w to another word than the reserved one fails */
  TEST_CASE(6, a0, 1, lr.w a1, (s0); li a2, 44; addi a3, s0, 4; sc.w a0, a2, (a3))
  TEST_CASE(7, a0, 0x5a5a5a5a, lw a0, 4(s0))
  /* ... and that cleared the reservation of the first word too */
  TEST_CASE(8, a0, 1, li a2, 44; sc.w a0, a2, (s0))
  TEST_CASE(9, a0, 22, lw a0, 0(s0))
  /* a store of another value in between: sc.w fails */
  TEST_CASE(10, a0, 1, lr.w a1, (s0); li a2, 55; sw a2, 0(s0); li a2, 66; sc.w a0, a2, (s0))
  TEST_CASE(11, a0, 55, lw a0, 0(s0))
  /* a new lr.w after a failure: success; aq/rl accepted */
  TEST_CASE(12, a0, 0, lr.w.aq a1, (s0); addi a1, a1, 1; sc.w.rl a0, a1, (s0))
  TEST_CASE(13, a0, 56, lw a0, 0(s0))
  TEST_CASE(14, a0, 0, lr.w.aqrl a1, (s0); addi a1, a1, 1; sc.w.aqrl a0, a1, (s0))
  TEST_CASE(15, a0, 57, lw a0, 0(s0))
  /* rd = x0 for sc.w: the write happens */
  TEST_CASE(16, a0, 77, lr.w a1, (s0); li a2, 77; sc.w x0, a2, (s0); lw a0, 0(s0))
  /* an lr/sc increment loop (the spinlock's shape) */
  TEST_CASE(17, a0, 80, li a3, 3; 1: lr.w a1, (s0); addi a1, a1, 1; sc.w a2, a1, (s0); bnez a2, 1b; addi a3, a3, -1; bnez a3, 1b; lw a0, 0(s0))
  /* lr.w misaligned: cause 4, mtval the address */
  TEST_TRAP(18, 4, addi a3, s0, 2; lr.w a0, (a3))
  TEST_EQ(19, a0, a3, TRAP_LOAD(a0, REC_TVAL))
RVTEST_END
  .data
  .balign 8
word:
  .word 0, 0x5a5a5a5a
