/* amo: the A extension's read-modify-write instructions amoswap/amoadd/
   amoxor/amoand/amoor/amomin/amomax/amominu/amomaxu.w: rd gets the old word,
   the word becomes old <op> rs2 (signed and unsigned min/max); rd = rs2 and
   rd = x0; aq/rl accepted. (A misaligned AMO traps in ctsim, cause 6, but
   QEMU 7.2 carries it out: tests/test_harts.py checks ctsim's trap.) */
#include "env.h"
  .option arch, +a
#define W(v) li a1, v; sw a1, 0(s0)
RVTEST_BEGIN(amo)
  la s0, word
  TEST_CASE(1, a0, 0x12345678, W(0x12345678); li a2, 0x0f0f0f0f; amoswap.w a0, a2, (s0))
  TEST_CASE(2, a0, 0x0f0f0f0f, lw a0, 0(s0))
  TEST_CASE(3, a0, 0x0f0f0f0f, li a2, 0x01010101; amoadd.w a0, a2, (s0))
  TEST_CASE(4, a0, 0x10101010, lw a0, 0(s0))
  TEST_CASE(5, a0, 0xfffffffe, W(-2); li a2, 3; amoadd.w a0, a2, (s0))
  TEST_CASE(6, a0, 1, lw a0, 0(s0))
  TEST_CASE(7, a0, 0xff00ff00, W(0xff00ff00); li a2, 0x0ff00ff0; amoxor.w a0, a2, (s0))
  TEST_CASE(8, a0, 0xf0f0f0f0, lw a0, 0(s0))
  TEST_CASE(9, a0, 0xf0f0f0f0, li a2, 0x3c3c3c3c; amoand.w a0, a2, (s0))
  TEST_CASE(10, a0, 0x30303030, lw a0, 0(s0))
  TEST_CASE(11, a0, 0x30303030, li a2, 0x01000001; amoor.w a0, a2, (s0))
  TEST_CASE(12, a0, 0x31303031, lw a0, 0(s0))
  /* min/max: -1 vs 1, signed and unsigned */
  TEST_CASE(13, a0, 0xffffffff, W(-1); li a2, 1; amomin.w a0, a2, (s0))
  TEST_CASE(14, a0, 0xffffffff, lw a0, 0(s0))
  TEST_CASE(15, a0, 0xffffffff, li a2, 1; amomax.w a0, a2, (s0))
  TEST_CASE(16, a0, 1, lw a0, 0(s0))
  TEST_CASE(17, a0, 1, W(-1); li a2, 1; amominu.w a0, a2, (s0); lw a0, 0(s0))
  TEST_CASE(18, a0, 0xffffffff, li a2, -1; amomaxu.w a0, a2, (s0); lw a0, 0(s0))
  TEST_CASE(19, a0, 0x80000000, W(0x80000000); li a2, 0x7fffffff; amomin.w a0, a2, (s0); lw a0, 0(s0))
  TEST_CASE(20, a0, 0x7fffffff, W(0x80000000); li a2, 0x7fffffff; amominu.w a0, a2, (s0); lw a0, 0(s0))
  TEST_CASE(21, a0, 0x7fffffff, W(0x80000000); li a2, 0x7fffffff; amomax.w a0, a2, (s0); lw a0, 0(s0))
  TEST_CASE(22, a0, 0x80000000, W(0x80000000); li a2, 0x7fffffff; amomaxu.w a0, a2, (s0); lw a0, 0(s0))
  /* equal operands */
  TEST_CASE(23, a0, 5, W(5); li a2, 5; amomin.w a1, a2, (s0); lw a0, 0(s0))
  /* rd = rs2: the old word wins, the new one is old + rs2 */
  TEST_CASE(24, a0, 7, W(7); li a0, 3; amoadd.w a0, a0, (s0))
  TEST_CASE(25, a0, 10, lw a0, 0(s0))
  /* rd = x0: the write still happens */
  TEST_CASE(26, a0, 42, li a2, 42; amoswap.w x0, a2, (s0); lw a0, 0(s0))
  /* the loaded value is used by the next instruction */
  TEST_CASE(27, a0, 43, li a2, 1; amoadd.w a1, a2, (s0); addi a0, a1, 1)
  /* aq, rl, aqrl */
  TEST_CASE(28, a0, 43, li a2, 100; amoswap.w.aq a0, a2, (s0))
  TEST_CASE(29, a0, 100, li a2, 1; amoadd.w.rl a0, a2, (s0))
  TEST_CASE(30, a0, 101, li a2, 0; amoor.w.aqrl a0, a2, (s0))
  /* the other word is untouched */
  TEST_CASE(31, a0, 0x5a5a5a5a, lw a0, 4(s0))
RVTEST_END
  .data
  .balign 8
word:
  .word 0, 0x5a5a5a5a
