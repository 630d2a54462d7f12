# hello.S: prints a line on the console (0x10000000) and exits through tohost.
  .section .text.init
  .globl _start
_start:
  li    a0, 0x10000000     # console data register
  la    a1, msg
1:
  lbu   a2, 0(a1)
  beqz  a2, 2f
  lbu   a3, 5(a0)          # LSR: transmitter empty (0x20) is always set
  andi  a3, a3, 0x20
  beqz  a3, 1b
  sb    a2, 0(a0)
  addi  a1, a1, 1
  j     1b
2:
  li    t0, 1              # tohost = 1: exit status 0
  la    t1, tohost
  sw    t0, 0(t1)
  sw    zero, 4(t1)
3: j 3b

  .section .rodata
msg: .asciz "hello from ctsim\n"

  .section .tohost, "aw", @progbits
  .align 6
  .globl tohost
tohost: .dword 0
  .size tohost, 8
  .globl fromhost
fromhost: .dword 0
  .size fromhost, 8
