# bench_callid.S: the call-ID benchmark loop of `make bench-callid`: one callid
# in every 20 instructions, 16 IDs round-robin (all CTLB hits after the first
# 16 calls with the default 64-entry CTLB). Exit status 0 if the callee ran
# once per iteration.
#include "ctisa.h"
  .equ ITERS, 1000000
  .section .text.init
  .globl _start
_start:
  la    t6, tohost
  la    s0, ct_root
  la    s1, ct_l1
  la    s2, ct_l2
  ori   t0, s1, 1
  sw    t0, 0(s0)             # root[0] -> L1
  ori   t0, s2, 1
  sw    t0, 0(s1)             # L1[0] -> L2
  la    t0, fn
  ori   t0, t0, 3
  li    t1, 16
1:                            # L2[0..15] = fn | leaf | valid
  sw    t0, 0(s2)
  addi  s2, s2, 4
  addi  t1, t1, -1
  bnez  t1, 1b
  ori   t0, s0, 1
  csrw  0x7c0, t0             # ctroot
  li    a0, 0
  li    s3, 0
  li    s4, ITERS
loop:
  andi  t1, s3, 15
  callid ra, t1                 # (+ addi, ret in fn)
  add   a1, a1, s3
  xor   a2, a2, a1
  slli  a3, a2, 3
  srli  a4, a2, 5
  or    a5, a3, a4
  sub   a6, a5, s3
  and   a7, a6, a1
  add   a1, a1, a7
  xori  a2, a2, 0x55
  addi  a3, a3, 7
  sltu  a4, a3, a5
  add   a5, a5, a4
  or    a6, a6, a2
  add   a7, a7, a6
  addi  s3, s3, 1
  bne   s3, s4, loop
  bne   a0, s4, fail
  li    t5, 1
  sw    t5, 0(t6)
1: j 1b
fail:
  li    t5, 3
  sw    t5, 0(t6)
1: j 1b

fn:
  addi  a0, a0, 1
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
