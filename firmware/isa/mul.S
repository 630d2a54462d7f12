/* mul: mul/mulh/mulhsu/mulhu. Each expected value is the low or high
   32 bits of the exact 64-bit product, with the operands read as signed
   or unsigned as the M spec says. */
#include "env.h"

#define TEST_RR(n, inst, v1, v2, expected) \
  TEST_CASE(n, a0, expected, li a1, v1; li a2, v2; inst a0, a1, a2)

RVTEST_BEGIN(mul)
  TEST_RR(1, mul, 7, 6, 42)
  TEST_RR(2, mul, -7, 6, -42)
  TEST_RR(3, mul, 0xffffffff, 0xffffffff, 1)
  TEST_RR(4, mul, 0x80000000, 0x80000000, 0)
  TEST_RR(5, mul, 0x12345678, 0x9abcdef0, 0x242d2080)
  TEST_RR(6, mul, 0xfffffffe, 3, 0xfffffffa)
  /* mulh: signed x signed, high word */
  TEST_RR(7, mulh, 0xffffffff, 0xffffffff, 0)           /* -1 * -1 = 1 */
  TEST_RR(8, mulh, 0x80000000, 0x80000000, 0x40000000)  /* 2^62 */
  TEST_RR(9, mulh, 0x80000000, 1, 0xffffffff)           /* -2^31 */
  TEST_RR(10, mulh, 0x7fffffff, 0x7fffffff, 0x3fffffff)
  TEST_RR(11, mulh, 0x12345678, 0x9abcdef0, 0xf8cc93d6)
  TEST_RR(12, mulh, 0x80000000, 0xffffffff, 0)          /* 2^31 */
  /* mulhu: unsigned x unsigned */
  TEST_RR(13, mulhu, 0xffffffff, 0xffffffff, 0xfffffffe)
  TEST_RR(14, mulhu, 0x80000000, 0x80000000, 0x40000000)
  TEST_RR(15, mulhu, 0x80000000, 0xffffffff, 0x7fffffff)
  TEST_RR(16, mulhu, 0x12345678, 0x9abcdef0, 0x0b00ea4e)
  TEST_RR(17, mulhu, 0xfffffffe, 3, 2)
  /* mulhsu: signed rs1 x unsigned rs2 */
  TEST_RR(18, mulhsu, 0xffffffff, 0xffffffff, 0xffffffff) /* -(2^32-1) */
  TEST_RR(19, mulhsu, 0x80000000, 0xffffffff, 0x80000000)
  TEST_RR(20, mulhsu, 0x80000000, 0x80000000, 0xc0000000)
  TEST_RR(21, mulhsu, 0x7fffffff, 0x7fffffff, 0x3fffffff)
  TEST_RR(22, mulhsu, 0x12345678, 0x9abcdef0, 0x0b00ea4e)
  TEST_RR(23, mulhsu, 0xfffffffe, 3, 0xffffffff)
  /* result used at once; rd == rs1 */
  TEST_CASE(24, a1, 0x00000090, li a1, 12; mul a1, a1, a1)
  TEST_CASE(25, a0, 0x000000a0, li a1, 12; li a2, 13; mul a3, a1, a2; addi a0, a3, 4)
RVTEST_END
