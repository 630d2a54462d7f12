/*
 * loops.S: the measured loops of cmpbench (docs/comparison.md).
 *
 * Every function cmp_<name>(n, a1, a2) runs
 *         csrr t3, mcycle
 *     1:  <body>
 *         addi t4, t4, -1
 *         bnez t4, 1b
 *         csrr t5, mcycle
 * n times and returns t5 - t3 (the mcycle reads are the EX-entry cycles of
 * the two csrr). s1 = a1 and s2 = a2 inside the body. Bodies call the empty
 * function cmp_leaf (a lone `ret`) by the mechanism named; cmp_empty and
 * cmp_inv are the baselines (nothing, and a lone ctlb.inv). cmp_jump's body is
 * a jump to the next instruction (a jal's cost alone), so direct - jump is the
 * measured cost of the callee's `ret`. In ctsim's timing model every cost is
 * additive, so (loop with body) - (baseline loop) is exactly n times the
 * body's own cost.
 */
#include "ctisa.h"               /* callid, ctlb.inv (docs/isa.md) */

.macro BENCH name, body
  .text
  .balign 4
  .globl cmp_\name
  .type cmp_\name, @function
cmp_\name:
  addi sp, sp, -16
  sw ra, 12(sp)
  sw s1, 8(sp)
  sw s2, 4(sp)
  mv s1, a1
  mv s2, a2
  mv t4, a0
  csrr t3, mcycle
1:
  \body
  addi t4, t4, -1
  bnez t4, 1b
  csrr t5, mcycle
  sub a0, t5, t3
  lw ra, 12(sp)
  lw s1, 8(sp)
  lw s2, 4(sp)
  addi sp, sp, 16
  ret
  .size cmp_\name, . - cmp_\name
.endm

  .text
  .balign 4
  .globl cmp_leaf
  .type cmp_leaf, @function
cmp_leaf:                        /* the callee: returns at once */
  ret
  .size cmp_leaf, . - cmp_leaf

  .balign 4
  .globl cmp_tramp
cmp_tramp:                       /* patched entry: a direct jump to the new code */
  j cmp_leaf

  .balign 4
  .globl cmp_tramp_ld
cmp_tramp_ld:                    /* stub that loads the current target and jumps */
  lui t0, %hi(cmp_tramp_slot)
  lw t0, %lo(cmp_tramp_slot)(t0)
  jr t0

  .data
  .balign 4
  .globl cmp_tramp_slot
cmp_tramp_slot:
  .word cmp_leaf

/* baselines */
BENCH empty, ""
BENCH inv, "ctlb.inv s1"
BENCH jump, "j 2f; 2:"           /* a jal without the call: for the ret's cost */

/* call mechanisms (s1 = ID or index, s2 = table or function address) */
BENCH direct, "jal ra, cmp_leaf"
BENCH indirect, "jalr ra, 0(s2)"
BENCH callid, "callid ra, s1"
BENCH callid_miss, "ctlb.inv s1; callid ra, s1"
BENCH jumptable, "slli t0, s1, 2; add t0, t0, s2; lw t0, 0(t0); jalr ra, 0(t0)"
BENCH flat, "lw t0, 20(s2); jalr ra, 0(t0)"
BENCH swwalk2, "srli t0, s1, 10; slli t0, t0, 2; add t0, s2, t0; lw t0, 0(t0); andi t1, s1, 1023; slli t1, t1, 2; add t0, t0, t1; lw t0, 0(t0); jalr ra, 0(t0)"
BENCH trampoline, "jal ra, cmp_tramp"
BENCH trampoline_ld, "jal ra, cmp_tramp_ld"
