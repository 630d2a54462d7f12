/* ldst: lb/lbu/lh/lhu/lw, sb/sh/sw, sign and zero extension, offsets,
   misaligned loads and stores (which must be carried out, not trap).
   src holds the bytes 01 7f ff 80 78 56 34 12 (little-endian words
   0x80ff7f01, 0x12345678). */
#include "env.h"
RVTEST_BEGIN(ldst)
  la s0, src
  /* loads, naturally aligned */
  TEST_CASE(1, a0, 0x80ff7f01, lw a0, 0(s0))
  TEST_CASE(2, a0, 0x12345678, lw a0, 4(s0))
  TEST_CASE(3, a0, 0x00000001, lb a0, 0(s0))
  TEST_CASE(4, a0, 0x0000007f, lb a0, 1(s0))
  TEST_CASE(5, a0, 0xffffffff, lb a0, 2(s0))
  TEST_CASE(6, a0, 0xffffff80, lb a0, 3(s0))
  TEST_CASE(7, a0, 0x00000080, lbu a0, 3(s0))
  TEST_CASE(8, a0, 0x000000ff, lbu a0, 2(s0))
  TEST_CASE(9, a0, 0x00007f01, lh a0, 0(s0))
  TEST_CASE(10, a0, 0xffff80ff, lh a0, 2(s0))
  TEST_CASE(11, a0, 0x000080ff, lhu a0, 2(s0))
  TEST_CASE(12, a0, 0x00001234, lhu a0, 6(s0))
  /* negative offset */
  TEST_CASE(13, a0, 0x80ff7f01, addi a1, s0, 4; lw a0, -4(a1))
  TEST_CASE(14, a0, 0xffffff80, addi a1, s0, 8; lb a0, -5(a1))
  /* load-use: the loaded value is used by the next instruction */
  TEST_CASE(15, a0, 0x80ff7f02, lw a1, 0(s0); addi a0, a1, 1)
  /* misaligned loads */
  TEST_CASE(16, a0, 0x7880ff7f, lw a0, 1(s0))
  TEST_CASE(17, a0, 0x567880ff, lw a0, 2(s0))
  TEST_CASE(18, a0, 0x34567880, lw a0, 3(s0))
  TEST_CASE(19, a0, 0xffffff7f, lh a0, 1(s0))
  TEST_CASE(20, a0, 0x00007880, lhu a0, 3(s0))
  TEST_CASE(21, a0, 0x00007880, lh a0, 3(s0))
  TEST_CASE(22, a0, 0xffffff80, lh a0, 2(s0); srai a0, a0, 8)
  /* stores */
  la s1, dst
  TEST_CASE(23, a0, 0x0000ab00, sw zero, 0(s1); li a1, 0xab; sb a1, 1(s1); lw a0, 0(s1))
  TEST_CASE(24, a0, 0xcdefab00, li a1, 0xcdef; sh a1, 2(s1); lw a0, 0(s1))
  TEST_CASE(25, a0, 0xcd78ab00, li a1, 0x12345678; sb a1, 2(s1); lw a0, 0(s1))
  TEST_CASE(26, a0, 0x5678ab00, li a1, 0x12345678; sh a1, 2(s1); lw a0, 0(s1))
  TEST_CASE(27, a0, 0xdeadbeef, li a1, 0xdeadbeef; sw a1, 0(s1); lw a0, 0(s1))
  TEST_CASE(28, a0, 0xffffffde, lb a0, 3(s1))
  TEST_CASE(29, a0, 0x000000de, lbu a0, 3(s1))
  TEST_CASE(30, a0, 0x11223344, addi a2, s1, 8; li a1, 0x11223344; sw a1, -4(a2); lw a0, 4(s1))
  /* misaligned stores */
  TEST_CASE(31, a0, 0x22334400, sw zero, 0(s1); sw zero, 4(s1); li a1, 0x11223344; sw a1, 1(s1); lw a0, 0(s1))
  TEST_CASE(32, a0, 0x00000011, lw a0, 4(s1))
  TEST_CASE(33, a0, 0xbb334400, li a1, 0xaabb; sh a1, 3(s1); lw a0, 0(s1))
  TEST_CASE(34, a0, 0x000000aa, lw a0, 4(s1))
  TEST_CASE(35, a0, 0x00bbaa00, sw zero, 0(s1); li a1, 0xbbaa; sh a1, 1(s1); lw a0, 0(s1))
  /* store then load of another width at once */
  TEST_CASE(36, a0, 0xfffffff0, li a1, 0xf0; sb a1, 5(s1); lb a0, 5(s1))
RVTEST_END
  .data
  .balign 8
src:
  .word 0x80ff7f01, 0x12345678
  .balign 8
dst:
  .word 0, 0, 0, 0
