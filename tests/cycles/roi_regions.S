# roi_regions.S: two regions of interest (docs/ctsim.md, "Regions of
# interest") whose counts tests/test_roi.py works out by hand with the rules of
# docs/timing.md. The markers are HINTs (slti x0, rs1, 0x5C0 + code), no-ops on
# any RISC-V hart; the program ends through the test finisher, so it runs
# unchanged on QEMU virt too. Prints "roi ok" and exits 0 if its arithmetic is
# right (a3 = (30 + 6)^2 + 1 = 1297), else prints "roi bad" and exits 1. The
# signature holds minstret and mcycle read right after the first region
# (whole-run counters: the markers do not change them).
  .section .text.init
  .globl _start
_start:
  la    s1, name_alu
  la    s2, name_mixed
  la    s3, data
  slti  x0, x0, 0x5c1         # ROI reset: region "alu" starts after it
  li    a0, 1
  addi  a0, a0, 2
  addi  a0, a0, 3
  add   a1, a0, a0
  slti  x0, s1, 0x5c2         # ROI dump "alu": it ends before it
  csrr  a4, minstret          # 12 instructions retired before this one
  csrr  a5, mcycle            # EX cycle 15 (the 14th instruction, no stall)
  la    t0, begin_signature
  sw    a4, 0(t0)
  sw    a5, 4(t0)
  slti  x0, x0, 0x5c1         # ROI reset: region "mixed"
  lw    a2, 0(s3)             # a2 = 30
  add   a2, a2, a0            # uses the load: 1 load-use bubble
  mul   a3, a2, a2            # 3 cycles in EX: 2 muldiv bubbles
  addi  a3, a3, 1
  beq   x0, x0, 1f            # taken: 2 branch bubbles
  addi  a3, a3, 100           # not executed
1:
  sw    a3, 4(s3)
  slti  x0, s2, 0x5c2         # ROI dump "mixed"
  li    t0, 1297
  la    a0, msg_ok
  li    s0, 0x5555            # finisher: pass
  beq   a3, t0, print
  la    a0, msg_bad
  li    s0, 0x13333           # finisher: fail, code 1
print:
  li    t1, 0x10000000        # console THR
2:
  lbu   t2, 0(a0)
  beqz  t2, 3f
  sb    t2, 0(t1)
  addi  a0, a0, 1
  j     2b
3:
  li    t1, 0x100000          # test finisher
  sw    s0, 0(t1)
4:
  j     4b

  .data
  .align 4
data:       .word 30, 0
begin_signature:
  .word 0, 0
end_signature:
name_alu:   .asciz "alu"
name_mixed: .asciz "mixed"
msg_ok:     .asciz "roi ok\n"
msg_bad:    .asciz "roi bad\n"
