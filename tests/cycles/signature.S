# signature.S: writes results into the memory between begin_signature and
# end_signature, as the architecture test suites do, for ctsim --signature
# (docs/ctsim.md): 3 * 7 = 21, 100 / 7 = 14, 100 % 7 = 2, -1 >> 4 (arith.).
  .section .text.init
  .globl _start
_start:
  la    a0, begin_signature
  li    a1, 3
  li    a2, 7
  mul   a3, a1, a2
  sw    a3, 0(a0)
  li    a1, 100
  div   a3, a1, a2
  sw    a3, 4(a0)
  rem   a3, a1, a2
  sw    a3, 8(a0)
  li    a1, -1
  srai  a3, a1, 4
  sw    a3, 12(a0)
  li    t0, 1              # tohost = 1: exit status 0
  la    t1, tohost
  sw    t0, 0(t1)
  sw    zero, 4(t1)
1: j 1b

  .data
  .align 4
  .globl begin_signature
begin_signature:
  .fill 4, 4, 0xdeadbeef
  .globl end_signature
end_signature:

  .section .tohost, "aw", @progbits
  .align 6
  .globl tohost
tohost: .dword 0
  .size tohost, 8
