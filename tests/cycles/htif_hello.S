# htif_hello.S: a program in the style of Spike's bare-metal programs: it
# prints through the HTIF system-call proxy (SYS_write on magic_mem, then it
# waits for fromhost) and the HTIF console (putchar), and ends with SYS_exit
# (docs/memory-map.md, "Host interface").
  .section .text.init
  .globl _start
_start:
  la    s0, magic_mem
  la    s1, tohost
  la    s2, fromhost
  li    a0, 64             # SYS_write(1, msg, len)
  li    a1, 1
  la    a2, msg
  li    a3, 15             # strlen(msg)
  jal   syscall
  li    t1, 0x01010000     # console putchar: tohost = 1 << 56 | 1 << 48 | ch
  li    t0, '!'
  sw    t0, 0(s1)          # low word first, as a compiler writes it
  sw    t1, 4(s1)
  li    t0, '\n'
  sw    t0, 0(s1)
  sw    t1, 4(s1)
  li    a0, 93             # SYS_exit(0)
  li    a1, 0
  jal   syscall
1: j 1b

# syscall(a0 = number, a1..a3 = arguments): magic_mem = {a0, a1, a2, a3} as
# 64-bit words; tohost = &magic_mem; wait for fromhost; return magic_mem[0]
syscall:
  sw    a0, 0(s0)
  sw    zero, 4(s0)
  sw    a1, 8(s0)
  sw    zero, 12(s0)
  sw    a2, 16(s0)
  sw    zero, 20(s0)
  sw    a3, 24(s0)
  sw    zero, 28(s0)
  fence
  sw    s0, 0(s1)
  sw    zero, 4(s1)
2:
  lw    t0, 0(s2)
  beqz  t0, 2b
  sw    zero, 0(s2)
  fence
  lw    a0, 0(s0)
  ret

  .section .rodata
msg: .ascii "hello from HTIF"

  .data
  .align 6
magic_mem: .skip 64

  .section .tohost, "aw", @progbits
  .align 6
  .globl tohost
tohost: .dword 0
  .size tohost, 8
  .align 6
  .globl fromhost
fromhost: .dword 0
  .size fromhost, 8
