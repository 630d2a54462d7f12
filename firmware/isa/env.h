/*
 * env.h: tiny environment for the self-checking ISA tests (firmware/isa/*.S),
 * in the spirit of picorv32's tests/riscv_test.h but written for this project.
 *
 * A test file looks like:
 *
 *   #include "env.h"
 *   RVTEST_BEGIN(alu)
 *     TEST_CASE(1, a0, 2, li a1, 1; add a0, a1, a1)
 *     ...
 *   RVTEST_END
 *
 * Register conventions (test code must not use these otherwise):
 *   gp  (TESTNUM)  number of the running test case; the exit code on failure
 *   s11 (RESUME)   address to resume at after an expected exception (0: none)
 *   t6             expected value / scratch of the macros and the trap handler
 * Everything else is free. There is no stack.
 *
 * Pass: prints "isa <name>: PASS", writes 1 to tohost, 0x5555 to the finisher.
 * Fail: prints "isa <name>: FAIL test <n>", writes (n << 1) | 1 to tohost and
 * (n << 16) | 0x3333 to the finisher, so the exit status is the test number
 * (255 if the failure happened before the first test case).
 *
 * Traps: mtvec points at env_trap (direct mode). For an exception it records
 * mcause, mepc, mtval and mstatus (env_trap_cause/epc/tval/status), counts it in
 * env_trap_count, and resumes at RESUME (which it then clears); with RESUME = 0
 * the exception was unexpected and the test fails. For an interrupt it records
 * the same, counts it in env_irq_count, disarms the machine timer
 * (mtimecmp = all ones), clears the software interrupt (msip = 0) and
 * returns to mepc.
 */
#ifndef FW_ISA_ENV_H
#define FW_ISA_ENV_H

#define TESTNUM gp
#define RESUME s11

#define UART_THR_ADDR 0x10000000
#define FINISHER_ADDR 0x00100000
#define MSIP_ADDR 0x02000000
#define MTIME_ADDR 0x0200BFF8
#define MTIMECMP_ADDR 0x02004000

/* Offsets in env_trap_rec. */
#define REC_CAUSE 0
#define REC_EPC 4
#define REC_TVAL 8
#define REC_STATUS 12
#define REC_COUNT 16
#define REC_IRQS 20
#define REC_SAVE 24

/* ------------------------------------------------------------ start/end */

#define RVTEST_BEGIN(name)                     \
  .section .rodata;                            \
  env_name:                                    \
  .asciz #name;                                \
  .section .start, "ax", @progbits;            \
  .globl _start;                               \
  _start:                                      \
  la t0, env_trap;                             \
  csrw mtvec, t0;                              \
  li TESTNUM, 0;                               \
  li RESUME, 0;                                \
  j env_tests;                                 \
  ENV_HANDLER_AND_EXIT;                        \
  env_tests:

#define RVTEST_END \
  j pass;          \
  ENV_DATA

/* ------------------------------------------------------------ test macros */

/* Run code, then require register reg == expected (an immediate). */
#define TEST_CASE(n, reg, expected, code...) \
  test_##n:                                  \
  li TESTNUM, n;                             \
  code;                                      \
  li t6, expected;                           \
  bne reg, t6, fail

/* Run code, then require register r1 == register r2. */
#define TEST_EQ(n, r1, r2, code...) \
  test_##n:                         \
  li TESTNUM, n;                    \
  code;                             \
  bne r1, r2, fail

/* Run code, which must raise exactly one exception with mcause == cause;
   execution resumes after the macro. The record stays readable with
   TRAP_LOAD(reg, REC_EPC) etc. until the next trap. */
#define TEST_TRAP(n, cause, code...)   \
  test_##n:                            \
  li TESTNUM, n;                       \
  la t6, env_trap_rec;                 \
  sw zero, REC_COUNT(t6);              \
  la RESUME, test_##n##_resume;        \
  code;                                \
  j fail;                              \
  test_##n##_resume:                   \
  la t6, env_trap_rec;                 \
  lw t6, REC_COUNT(t6);                \
  addi t6, t6, -1;                     \
  bnez t6, fail;                       \
  la t6, env_trap_rec;                 \
  lw t6, REC_CAUSE(t6);                \
  addi t6, t6, -(cause);               \
  bnez t6, fail

/* Load a field of the last trap record into reg. */
#define TRAP_LOAD(reg, field) \
  la reg, env_trap_rec;       \
  lw reg, field(reg)

/* ------------------------------------------------------------ handler, exit */

#define ENV_HANDLER_AND_EXIT                            \
  .balign 4;                                            \
  env_trap:                                             \
  la t6, env_trap_rec;                                  \
  sw t0, REC_SAVE(t6);                                  \
  csrr t0, mcause;                                      \
  sw t0, REC_CAUSE(t6);                                 \
  csrr t0, mepc;                                        \
  sw t0, REC_EPC(t6);                                   \
  csrr t0, mtval;                                       \
  sw t0, REC_TVAL(t6);                                  \
  csrr t0, mstatus;                                     \
  sw t0, REC_STATUS(t6);                                \
  csrr t0, mcause;                                      \
  bltz t0, env_irq;                                     \
  lw t0, REC_COUNT(t6);                                 \
  addi t0, t0, 1;                                       \
  sw t0, REC_COUNT(t6);                                 \
  beqz RESUME, env_unexpected;                          \
  csrw mepc, RESUME;                                    \
  li RESUME, 0;                                         \
  lw t0, REC_SAVE(t6);                                  \
  mret;                                                 \
  env_irq:                                              \
  lw t0, REC_IRQS(t6);                                  \
  addi t0, t0, 1;                                       \
  sw t0, REC_IRQS(t6);                                  \
  li t0, MTIMECMP_ADDR;                                 \
  li t6, -1;                                            \
  sw t6, 4(t0);                                         \
  sw t6, 0(t0);                                         \
  li t0, MSIP_ADDR;                                     \
  sw zero, 0(t0);                                       \
  la t6, env_trap_rec;                                  \
  lw t0, REC_SAVE(t6);                                  \
  mret;                                                 \
  env_unexpected:                                       \
  la a0, env_msg_trap;                                  \
  jal ra, env_print;                                    \
  j fail;                                               \
  /* env_print: print the string at a0 (uses a0, a1) */ \
  env_print:                                            \
  li a1, UART_THR_ADDR;                                 \
  1 : lbu t6, 0(a0);                                    \
  beqz t6, 2f;                                          \
  sb t6, 0(a1);                                         \
  addi a0, a0, 1;                                       \
  j 1b;                                                 \
  2 : ret;                                              \
  pass:                                                 \
  la a0, env_msg_isa;                                   \
  jal ra, env_print;                                    \
  la a0, env_name;                                      \
  jal ra, env_print;                                    \
  la a0, env_msg_pass;                                  \
  jal ra, env_print;                                    \
  li a0, 0;                                             \
  j env_exit;                                           \
  fail:                                                 \
  bnez TESTNUM, 3f;                                     \
  li TESTNUM, 255;                                      \
  3 : la a0, env_msg_isa;                               \
  jal ra, env_print;                                    \
  la a0, env_name;                                      \
  jal ra, env_print;                                    \
  la a0, env_msg_fail;                                  \
  jal ra, env_print;                                    \
  /* the test number in decimal, by subtraction */      \
  li a1, UART_THR_ADDR;                                 \
  mv a0, TESTNUM;                                       \
  li a2, 100;                                           \
  jal ra, env_digit;                                    \
  li a2, 10;                                            \
  jal ra, env_digit;                                    \
  li a2, 1;                                             \
  jal ra, env_digit;                                    \
  li t6, '\n';                                          \
  sb t6, 0(a1);                                         \
  mv a0, TESTNUM;                                       \
  j env_exit;                                           \
  /* env_digit: print a0 / a2 as one digit, a0 %= a2 */ \
  env_digit:                                            \
  li t6, '0';                                           \
  4 : bltu a0, a2, 5f;                                  \
  sub a0, a0, a2;                                       \
  addi t6, t6, 1;                                       \
  j 4b;                                                 \
  5 : sb t6, 0(a1);                                     \
  ret;                                                  \
  /* env_exit: a0 = exit code */                        \
  env_exit:                                             \
  slli t6, a0, 1;                                       \
  ori t6, t6, 1;                                        \
  la t0, tohost;                                        \
  sw zero, 4(t0);                                       \
  sw t6, 0(t0);                                         \
  li t0, FINISHER_ADDR;                                 \
  li t6, 0x5555;                                        \
  beqz a0, 6f;                                          \
  slli t6, a0, 16;                                      \
  li a1, 0x3333;                                        \
  or t6, t6, a1;                                        \
  6 : sw t6, 0(t0);                                     \
  7 : j 7b

#define ENV_DATA                           \
  .section .rodata;                        \
  env_msg_isa:                             \
  .asciz "isa ";                           \
  env_msg_pass:                            \
  .asciz ": PASS\n";                       \
  env_msg_fail:                            \
  .asciz ": FAIL test ";                   \
  env_msg_trap:                            \
  .asciz "unexpected trap\n";              \
  .section .bss;                           \
  .balign 8;                               \
  .globl env_trap_rec;                     \
  env_trap_rec:                            \
  .skip 32;                                \
  .section .tohost, "aw", @progbits;       \
  .balign 8;                               \
  .globl tohost;                           \
  .type tohost, @object;                   \
  tohost:                                  \
  .dword 0;                                \
  .size tohost, 8;                         \
  .globl fromhost;                         \
  .type fromhost, @object;                 \
  fromhost:                                \
  .dword 0;                                \
  .size fromhost, 8;                       \
  .text

#endif /* FW_ISA_ENV_H */
