/* alu: register and immediate integer ops, shifts, slt/sltu, lui/auipc, x0.
   Expected values worked out by hand from the RV32I spec. */
#include "env.h"
RVTEST_BEGIN(alu)
  /* add / sub: wrap-around at 32 bits */
  TEST_CASE(1, a0, 2, li a1, 1; li a2, 1; add a0, a1, a2)
  TEST_CASE(2, a0, 0x80000000, li a1, 0x7fffffff; li a2, 1; add a0, a1, a2)
  TEST_CASE(3, a0, 0, li a1, -1; li a2, 1; add a0, a1, a2)
  TEST_CASE(4, a0, 0xfffffffe, li a1, 0xffffffff; li a2, 0xffffffff; add a0, a1, a2)
  TEST_CASE(5, a0, 0xffffffff, li a1, 0; li a2, 1; sub a0, a1, a2)
  TEST_CASE(6, a0, 0x7fffffff, li a1, 0x80000000; li a2, 1; sub a0, a1, a2)
  /* logic */
  TEST_CASE(7, a0, 0x0f000f00, li a1, 0xff00ff00; li a2, 0x0ff00ff0; and a0, a1, a2)
  TEST_CASE(8, a0, 0xfff0fff0, li a1, 0xff00ff00; li a2, 0x0ff00ff0; or a0, a1, a2)
  TEST_CASE(9, a0, 0xf0f0f0f0, li a1, 0xff00ff00; li a2, 0x0ff00ff0; xor a0, a1, a2)
  /* shifts by register: only rs2[4:0] counts */
  TEST_CASE(10, a0, 0x80000000, li a1, 1; li a2, 31; sll a0, a1, a2)
  TEST_CASE(11, a0, 2, li a1, 1; li a2, 33; sll a0, a1, a2)
  TEST_CASE(12, a0, 0x23456780, li a1, 0x12345678; li a2, 4; sll a0, a1, a2)
  TEST_CASE(13, a0, 1, li a1, 0x80000000; li a2, 31; srl a0, a1, a2)
  TEST_CASE(14, a0, 0x40000000, li a1, 0x80000000; li a2, 1; srl a0, a1, a2)
  TEST_CASE(15, a0, 0x80000000, li a1, 0x80000000; li a2, 0xffffffe0; srl a0, a1, a2)
  TEST_CASE(16, a0, 0xc0000000, li a1, 0x80000000; li a2, 1; sra a0, a1, a2)
  TEST_CASE(17, a0, 0xffffffff, li a1, 0x80000000; li a2, 31; sra a0, a1, a2)
  TEST_CASE(18, a0, 1, li a1, 0x7fffffff; li a2, 30; sra a0, a1, a2)
  /* set-less-than, signed and unsigned */
  TEST_CASE(19, a0, 1, li a1, -1; li a2, 1; slt a0, a1, a2)
  TEST_CASE(20, a0, 0, li a1, 1; li a2, -1; slt a0, a1, a2)
  TEST_CASE(21, a0, 0, li a1, 0xffffffff; li a2, 1; sltu a0, a1, a2)
  TEST_CASE(22, a0, 1, li a1, 1; li a2, 0xffffffff; sltu a0, a1, a2)
  TEST_CASE(23, a0, 0, li a1, 5; li a2, 5; slt a0, a1, a2)
  TEST_CASE(24, a0, 0, li a1, 5; li a2, 5; sltu a0, a1, a2)
  TEST_CASE(25, a0, 1, li a1, 0x80000000; li a2, 0x7fffffff; slt a0, a1, a2)
  /* immediates: 12-bit, sign-extended */
  TEST_CASE(26, a0, 0x000007ff, li a1, 0; addi a0, a1, 0x7ff)
  TEST_CASE(27, a0, 0xfffff800, li a1, 0; addi a0, a1, -2048)
  TEST_CASE(28, a0, 1, li a1, -5; slti a0, a1, -4)
  TEST_CASE(29, a0, 0, li a1, -4; slti a0, a1, -4)
  TEST_CASE(30, a0, 1, li a1, 0; sltiu a0, a1, -1)      /* 0 <u 0xffffffff */
  TEST_CASE(31, a0, 0, li a1, 7; sltiu a0, a1, 1)       /* seqz */
  TEST_CASE(32, a0, 1, li a1, 0; sltiu a0, a1, 1)
  TEST_CASE(33, a0, 0x12345670, li a1, 0x12345678; andi a0, a1, -16)
  TEST_CASE(34, a0, 0xfffff800, li a1, 0; ori a0, a1, -2048)
  TEST_CASE(35, a0, 0xff00ff00, li a1, 0x00ff00ff; xori a0, a1, -1)
  TEST_CASE(36, a0, 0x80000000, li a1, 1; slli a0, a1, 31)
  TEST_CASE(37, a0, 1, li a1, 0x80000000; srli a0, a1, 31)
  TEST_CASE(38, a0, 0xf8000000, li a1, 0x80000000; srai a0, a1, 4)
  TEST_CASE(39, a0, 0x08000000, li a1, 0x80000000; srli a0, a1, 4)
  TEST_CASE(40, a0, 0x12345678, li a1, 0x12345678; slli a0, a1, 0)
  /* lui / auipc */
  TEST_CASE(41, a0, 0xfffff000, lui a0, 0xfffff)
  TEST_CASE(42, a0, 0x12345000, lui a0, 0x12345)
  TEST_CASE(43, a0, 0x12345800, lui a0, 0x12346; addi a0, a0, -0x800)
  TEST_EQ(44, a0, a1, la a1, auipc_0; auipc_0: auipc a0, 0)
  TEST_EQ(45, a0, a1, la a1, auipc_1; li a2, 0x1000; add a1, a1, a2; auipc_1: auipc a0, 1)
  TEST_EQ(46, a0, a1, la a1, auipc_2; li a2, 0xfffff000; add a1, a1, a2; auipc_2: auipc a0, 0xfffff)
  /* x0 is hard-wired to zero */
  TEST_CASE(47, a0, 0, addi x0, x0, 5; add a0, x0, x0)
  TEST_CASE(48, a0, 0, lui x0, 0x12345; mv a0, x0)
  /* a chain of dependent instructions (forwarding) */
  TEST_CASE(49, a0, 32, li a0, 1; add a0, a0, a0; add a0, a0, a0; add a0, a0, a0; add a0, a0, a0; add a0, a0, a0)
  TEST_CASE(50, a3, 7, li a1, 3; addi a2, a1, 1; add a3, a2, a1)
  /* rd == rs1 == rs2 */
  TEST_CASE(51, a1, 0xfffffffe, li a1, -1; add a1, a1, a1)
  TEST_CASE(52, a1, 0, li a1, 0x5a5a5a5a; xor a1, a1, a1)
RVTEST_END
