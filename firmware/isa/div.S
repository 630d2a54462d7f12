/* div: div/divu/rem/remu, rounding towards zero, division by zero
   (quotient all ones, remainder = dividend) and the signed overflow case
   (-2^31 / -1 = -2^31, remainder 0), as the M spec's table says. */
#include "env.h"

#define TEST_RR(n, inst, v1, v2, expected) \
  TEST_CASE(n, a0, expected, li a1, v1; li a2, v2; inst a0, a1, a2)

RVTEST_BEGIN(div)
  TEST_RR(1, div, 20, 6, 3)
  TEST_RR(2, rem, 20, 6, 2)
  TEST_RR(3, div, -20, 6, -3)
  TEST_RR(4, rem, -20, 6, -2)
  TEST_RR(5, div, 20, -6, -3)
  TEST_RR(6, rem, 20, -6, 2)
  TEST_RR(7, div, -20, -6, 3)
  TEST_RR(8, rem, -20, -6, -2)
  TEST_RR(9, divu, 0xffffffff, 2, 0x7fffffff)
  TEST_RR(10, remu, 0xffffffff, 2, 1)
  TEST_RR(11, divu, -20, 6, 0x2aaaaaa7)     /* 4294967276 / 6 */
  TEST_RR(12, remu, -20, 6, 2)              /* 4294967276 - 6 * 715827879 */
  TEST_RR(13, div, 5, 7, 0)
  TEST_RR(14, rem, 5, 7, 5)
  TEST_RR(15, divu, 0x80000000, 0x80000001, 0)
  /* division by zero */
  TEST_RR(16, div, 20, 0, -1)
  TEST_RR(17, divu, 20, 0, 0xffffffff)
  TEST_RR(18, rem, 20, 0, 20)
  TEST_RR(19, remu, 20, 0, 20)
  TEST_RR(20, rem, -20, 0, -20)
  TEST_RR(21, div, 0, 0, -1)
  TEST_RR(22, remu, 0xffffffff, 0, 0xffffffff)
  /* signed overflow */
  TEST_RR(23, div, 0x80000000, -1, 0x80000000)
  TEST_RR(24, rem, 0x80000000, -1, 0)
  /* unsigned reading of the same operands */
  TEST_RR(25, divu, 0x80000000, -1, 0)
  TEST_RR(26, remu, 0x80000000, -1, 0x80000000)
  TEST_RR(27, div, 0x80000000, 1, 0x80000000)
  /* result used at once */
  TEST_CASE(28, a0, 11, li a1, 100; li a2, 10; div a3, a1, a2; addi a0, a3, 1)
RVTEST_END
