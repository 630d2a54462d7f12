# bench_loop.S: a compute loop for `make bench-sim` until the firmware's
# benchmark exists: array fill, a multiply-accumulate checksum pass, a copy
# and a call through a register, repeated. Exits through tohost (status 0 if
# the checksum matches the value it computed on the first round).
  .section .text.init
  .globl _start
_start:
  la    s0, buf            # s0: array of 1024 words
  li    s1, 1024
  li    s2, 4000           # rounds
  li    s5, 0              # checksum of round 1
round:
  # fill: buf[i] = i * 2654435761
  li    t0, 0
  li    t3, -1640531535
  mv    t1, s0
fill:
  mul   t2, t0, t3
  sw    t2, 0(t1)
  addi  t0, t0, 1
  addi  t1, t1, 4
  bne   t0, s1, fill
  # checksum: h = (h ^ buf[i]) * 16777619, with a call every 16 words
  li    t0, 0
  li    a0, -2128831035
  li    t4, 16777619
  mv    t1, s0
sum:
  lw    t2, 0(t1)
  xor   a0, a0, t2
  mul   a0, a0, t4
  andi  t5, t0, 15
  bnez  t5, 1f
  la    t6, mix
  jalr  ra, t6, 0
1:
  addi  t0, t0, 1
  addi  t1, t1, 4
  bltu  t0, s1, sum
  # copy buf to buf2 with halfword and byte accesses mixed in
  mv    t1, s0
  la    t2, buf2
  li    t0, 0
copy:
  lw    a1, 0(t1)
  lhu   a2, 2(t1)
  lbu   a3, 1(t1)
  add   a1, a1, a2
  sub   a1, a1, a3
  sw    a1, 0(t2)
  addi  t1, t1, 4
  addi  t2, t2, 4
  addi  t0, t0, 1
  blt   t0, s1, copy
  bnez  s5, check
  mv    s5, a0
check:
  bne   a0, s5, fail
  addi  s2, s2, -1
  bnez  s2, round
  li    t0, 1              # pass: tohost = 1
  j     done
fail:
  li    t0, 3              # fail: exit code 1
done:
  la    t1, tohost
  sw    t0, 0(t1)
  sw    zero, 4(t1)
1: j 1b

mix:                       # a0 = rotl(a0, 5) + 1
  slli  a1, a0, 5
  srli  a2, a0, 27
  or    a0, a1, a2
  addi  a0, a0, 1
  ret

  .bss
  .align 4
buf:  .space 4096
buf2: .space 4096

  .section .tohost, "aw", @progbits
  .align 6
  .globl tohost
tohost: .dword 0
  .size tohost, 8
  .globl fromhost
fromhost: .dword 0
  .size fromhost, 8
