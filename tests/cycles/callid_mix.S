# callid_mix.S: a small function table (default geometry 12/10/10) and a mix of
# calls by ID with misses and hits, a flush, a hot patch (store + ctlb.inv) and
# an xlat probe of an unmapped ID. Used by tests/test_callid.py (hand-counted
# hits and misses, --record-trace replay, RTL vs C, lock-step vs idle-skip).
#
# IDs 1..4 -> fn_a (+1), fn_b (+10), fn_c (+100), fn_d (+1000).
# 5 rounds of callid 1, 2, 1, 3, 4, 1 (each round adds 1113), then flush,
# callid 1, patch ID 2 -> fn_d, callid 2, xlat 5 (unmapped: INVALID -> 5).
# Exit status 0 if a0 == 6566 and the xlat result is 5, else 1.
# The call-ID mnemonics come from firmware/common/ctisa.h (GAS macros giving
# the .insn words of docs/isa.md; tests/test_ctisa.py checks the words).
#include "ctisa.h"
  .section .text.init
  .globl _start
_start:
  la    t6, tohost
  la    s0, ct_root
  la    s1, ct_l1
  la    s2, ct_l2
  ori   t0, s1, 1             # root[0] -> L1 (valid, non-leaf)
  sw    t0, 0(s0)
  ori   t0, s2, 1             # L1[0] -> L2
  sw    t0, 0(s1)
  la    t0, fn_a
  ori   t0, t0, 3             # valid | leaf
  sw    t0, 4(s2)             # ID 1
  la    t0, fn_b
  ori   t0, t0, 3
  sw    t0, 8(s2)             # ID 2
  la    t0, fn_c
  ori   t0, t0, 3
  sw    t0, 12(s2)            # ID 3
  la    t0, fn_d
  ori   t0, t0, 3
  sw    t0, 16(s2)            # ID 4
  ori   t0, s0, 1
  csrw  0x7c0, t0             # ctroot = root | enable
  li    a0, 0
  li    s3, 5                 # rounds
  li    s4, 1
  li    s5, 2
  li    s6, 3
  li    s7, 4
round:
  callid ra, s4                 # ID 1
  callid ra, s5                 # ID 2
  callid ra, s4                 # ID 1
  callid ra, s6                 # ID 3
  callid ra, s7                 # ID 4
  callid ra, s4                 # ID 1
  addi  s3, s3, -1
  bnez  s3, round
  ctlb.inv x0                   # flush
  callid ra, s4                 # ID 1: miss
  la    t0, fn_d                       # hot patch: ID 2 -> fn_d
  ori   t0, t0, 3
  sw    t0, 8(s2)
  ctlb.inv s5                   # ID 2
  callid ra, s5                 # ID 2: miss, now fn_d
  li    t1, 5
  xlat  a1, t1                  # ID 5: INVALID
  li    t2, 6566
  bne   a0, t2, fail
  li    t2, 5
  bne   a1, t2, fail
  li    t5, 1
  sw    t5, 0(t6)
1: j 1b
fail:
  li    t5, 3
  sw    t5, 0(t6)
1: j 1b

  .globl fn_a, fn_b, fn_c, fn_d
fn_a:
  addi  a0, a0, 1
  ret
fn_b:
  addi  a0, a0, 10
  ret
fn_c:
  addi  a0, a0, 100
  ret
fn_d:
  addi  a0, a0, 1000
  ret

  .bss
  .align 12
ct_root: .space 16384
ct_l1:   .space 4096
ct_l2:   .space 4096

  .section .tohost, "aw", @progbits
  .align 6
  .globl tohost
tohost: .dword 0
  .size tohost, 8
  .globl fromhost
fromhost: .dword 0
  .size fromhost, 8
