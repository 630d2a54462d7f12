/* csr: csrrw/csrrs/csrrc and the immediate forms (old value returned, bits
   written), mscratch, misa, mhartid, mstatus/mie/mtvec fields, the counters
   cycle/instret/time, and the illegal-instruction trap for writes to
   read-only CSRs and for unimplemented CSRs (mtval = the instruction bits,
   as QEMU does; the spec also allows 0). */
#include "env.h"
RVTEST_BEGIN(csr)
  /* read/modify/write forms on mscratch */
  TEST_CASE(1, a0, 0x12345678, li a1, 0x12345678; csrw mscratch, a1; csrr a0, mscratch)
  TEST_CASE(2, a0, 0x12345678, li a1, 0xcafef00d; csrrw a0, mscratch, a1)
  TEST_CASE(3, a0, 0xcafef00d, csrr a0, mscratch)
  TEST_CASE(4, a0, 0xcafef00d, li a1, 0xf2; csrrs a0, mscratch, a1)
  TEST_CASE(5, a0, 0xcafef0ff, csrr a0, mscratch)
  TEST_CASE(6, a0, 0xcafef0ff, li a1, 0xcafe0000; csrrc a0, mscratch, a1)
  TEST_CASE(7, a0, 0x0000f0ff, csrr a0, mscratch)
  TEST_CASE(8, a0, 0x0000f0ff, csrrwi a0, mscratch, 0x1f)
  TEST_CASE(9, a0, 0x0000001f, csrrsi a0, mscratch, 0)
  TEST_CASE(10, a0, 0x0000001f, csrrci a0, mscratch, 5)
  TEST_CASE(11, a0, 0x0000001a, csrr a0, mscratch)
  TEST_CASE(12, a0, 0x0000001a, csrrsi a0, mscratch, 4)
  TEST_CASE(13, a0, 0x0000001e, csrr a0, mscratch)
  TEST_CASE(14, a0, 0x00000055, li a1, 0x55; csrrw x0, mscratch, a1; csrr a0, mscratch)
  /* rd == rs1: the old value goes to rd, the old rs1 to the CSR */
  TEST_CASE(15, a1, 0x00000055, li a1, 0x66; csrrw a1, mscratch, a1)
  TEST_CASE(16, a0, 0x00000066, csrr a0, mscratch)
  /* identification */
  TEST_CASE(17, a0, 0x40001101, csrr a0, misa)          /* MXL=1, I, M, A */
  TEST_CASE(18, a0, 0, csrr a0, mhartid)
  TEST_CASE(19, a0, 0, li a0, 7; csrrsi a0, mhartid, 0)  /* uimm 0: read only, no trap */
  /* mstatus.MIE/MPIE are writable; mie.MTIE is writable */
  TEST_CASE(20, a0, 0x80, csrw mie, zero; li a1, 0x88; csrc mstatus, a1; li a1, 0x80; csrs mstatus, a1; csrr a0, mstatus; andi a0, a0, 0x88)
  TEST_CASE(21, a0, 0, li a1, 0x80; csrc mstatus, a1; csrr a0, mstatus; andi a0, a0, 0x88)
  TEST_CASE(22, a0, 0x80, li a1, 0x80; csrw mie, a1; csrr a0, mie; csrw mie, zero)
  /* mtvec holds an aligned base and the mode (1 = vectored) */
  TEST_EQ(23, a0, a1, la a1, mtvec_probe; addi a1, a1, 1; csrw mtvec, a1; csrr a0, mtvec; la a2, env_trap; csrw mtvec, a2)
  TEST_EQ(24, a0, a1, la a1, env_trap; csrr a0, mtvec)
  /* counters: cycle and instret increase; mcycle/minstret alias them;
     reading the high halves does not trap */
  TEST_CASE(25, a0, 1, rdcycle a1; nop; nop; nop; rdcycle a2; sltu a0, a1, a2)
  TEST_CASE(26, a0, 1, rdinstret a1; nop; nop; nop; rdinstret a2; sltu a0, a1, a2)
  TEST_CASE(27, a0, 0, rdcycle a1; csrr a2, mcycle; sltu a0, a2, a1)
  TEST_CASE(28, a0, 0, rdinstret a1; csrr a2, minstret; sltu a0, a2, a1)
  TEST_CASE(29, a0, 0, csrr a1, cycleh; csrr a1, instreth; csrr a1, mcycleh; csrr a1, minstreth; csrr a1, timeh; li a0, 0)
  /* time reads mtime: rdtime <= mtime <= rdtime (low words) */
  TEST_CASE(30, a0, 0, li a3, MTIME_ADDR; rdtime a1; lw a2, 0(a3); sltu a0, a2, a1)
  TEST_CASE(31, a0, 0, li a3, MTIME_ADDR; lw a1, 0(a3); rdtime a2; sltu a0, a2, a1)
  /* writes to read-only CSRs (csr[11:10] = 3) raise illegal instruction,
     mtval = the instruction, rd is not written */
  TEST_TRAP(32, 2, li a0, 0x55; li a1, 1; ro_32: csrw mhartid, a1)
  TEST_CASE(33, a0, 0x55, nop)
  TEST_EQ(34, a0, a1, TRAP_LOAD(a0, REC_TVAL); la a1, ro_32; lw a1, 0(a1))
  TEST_EQ(35, a0, a1, TRAP_LOAD(a0, REC_EPC); la a1, ro_32)
  TEST_TRAP(36, 2, li a1, 1; csrrs a0, mhartid, a1)
  TEST_TRAP(37, 2, li a1, 1; csrrc a0, time, a1)
  TEST_TRAP(38, 2, csrw cycle, zero)
  TEST_TRAP(39, 2, csrrwi a0, instret, 0)
  TEST_TRAP(40, 2, li a1, 5; csrw mvendorid, a1)
  /* an unimplemented CSR (custom read/write range) */
  TEST_TRAP(41, 2, li a0, 0x55; ui_41: csrr a0, 0x8ff)
  TEST_CASE(42, a0, 0x55, nop)
  TEST_EQ(43, a0, a1, TRAP_LOAD(a0, REC_TVAL); la a1, ui_41; lw a1, 0(a1))
RVTEST_END
  .text
  .balign 64
mtvec_probe:
  j fail
