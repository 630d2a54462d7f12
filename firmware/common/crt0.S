/*
 * crt0.S: start-up and trap entry for ctsim / QEMU virt firmware.
 *
 * _start: set gp and sp, point tp at the TLS block (picolibc keeps errno
 * there), clear .bss (TLS .tbss included), set mtvec to trap_entry (direct
 * mode), call main(0, NULL) and pass its return value to exit().
 */
#include "trap.h"

/* Section .start, which link.ld places first, at the RAM base where QEMU virt
 * (-bios none) and boot ROMs jump. Not .text.init: with -ffunction-sections a
 * C function init() lands in .text.init too, and ahead of _start when its
 * object comes first on the link line. No C function gets a section name
 * outside .text.*. */
  .section .start, "ax", @progbits
  .globl _start
  .type _start, @function
_start:
  .option push
  .option norelax
  la gp, __global_pointer$
  .option pop
#ifdef FW_SMP
  /* several harts (docs/firmware.md): hart i's stack ends at
   * __stack_top - i * __ct_stack_size; a hart without one parks */
  csrr t2, mhartid
  lui t1, %hi(__ct_harts)
  addi t1, t1, %lo(__ct_harts)
  bgeu t2, t1, 9f
  lui t1, %hi(__ct_stack_size)
  addi t1, t1, %lo(__ct_stack_size)
  mul t1, t1, t2
  la sp, __stack_top
  sub sp, sp, t1
#else
  la sp, __stack_top
#endif
  la tp, __tls_base
  la t0, trap_entry
  csrw mtvec, t0
#ifdef FW_SMP
  bnez t2, 5f
#endif
  la t0, __bss_start
  la t1, __bss_end
1:
  bgeu t0, t1, 2f
  sw zero, 0(t0)
  addi t0, t0, 4
  j 1b
2:
#ifdef FW_SMP
  la t0, __ct_smp_ready   /* .bss is clear: the other harts may go */
  li t1, 1
  sw t1, 0(t0)
#endif
  li a0, 0
  li a1, 0
  call main
  call exit
3:
  j 3b
#ifdef FW_SMP
5:                        /* harts 1..: wait for hart 0, then hart_main */
  la t0, __ct_smp_ready
6:
  lw t1, 0(t0)
  beqz t1, 6b
  mv a0, t2
  call hart_main
9:                        /* hart_main returned, or no stack: park, only */
  csrci mstatus, 8        /* an IPI (msip) wakes it, and it sleeps again */
  li t0, 8
  csrw mie, t0
10:
  wfi
  j 10b
#endif
  .size _start, . - _start

#ifdef FW_SMP
/* hart_main(hartid): what harts 1.. run; without one they park in wfi */
  .weak hart_main
  .type hart_main, @function
hart_main:
  ret
  .size hart_main, . - hart_main

  .data
  .balign 4
  .globl __ct_smp_ready
__ct_smp_ready:
  .word 0
#endif

/*
 * trap_entry: save every register in a struct trap_frame (trap.h) on the
 * current stack, call trap_dispatch(frame), restore every register (a handler
 * may have changed them, mepc included) and mret. Must be 4-byte aligned
 * (mtvec direct mode).
 */
  .text
  .globl trap_entry
  .type trap_entry, @function
  .balign 4
trap_entry:
  addi sp, sp, -TRAP_FRAME_SIZE
  sw x1, 1*4(sp)
  sw x3, 3*4(sp)
  sw x4, 4*4(sp)
  sw x5, 5*4(sp)
  sw x6, 6*4(sp)
  sw x7, 7*4(sp)
  sw x8, 8*4(sp)
  sw x9, 9*4(sp)
  sw x10, 10*4(sp)
  sw x11, 11*4(sp)
  sw x12, 12*4(sp)
  sw x13, 13*4(sp)
  sw x14, 14*4(sp)
  sw x15, 15*4(sp)
  sw x16, 16*4(sp)
  sw x17, 17*4(sp)
  sw x18, 18*4(sp)
  sw x19, 19*4(sp)
  sw x20, 20*4(sp)
  sw x21, 21*4(sp)
  sw x22, 22*4(sp)
  sw x23, 23*4(sp)
  sw x24, 24*4(sp)
  sw x25, 25*4(sp)
  sw x26, 26*4(sp)
  sw x27, 27*4(sp)
  sw x28, 28*4(sp)
  sw x29, 29*4(sp)
  sw x30, 30*4(sp)
  sw x31, 31*4(sp)
  addi t0, sp, TRAP_FRAME_SIZE      /* sp as it was at the trap */
  sw t0, 2*4(sp)
  csrr t0, mepc
  sw t0, TRAP_FRAME_MEPC(sp)
  csrr t0, mcause
  sw t0, TRAP_FRAME_MCAUSE(sp)
  csrr t0, mtval
  sw t0, TRAP_FRAME_MTVAL(sp)
  csrr t0, mstatus
  sw t0, TRAP_FRAME_MSTATUS(sp)
  .option push
  .option norelax
  la gp, __global_pointer$          /* in case the program clobbered it */
  .option pop
  mv a0, sp
  call trap_dispatch
  lw t0, TRAP_FRAME_MEPC(sp)
  csrw mepc, t0
  lw x1, 1*4(sp)
  lw x3, 3*4(sp)
  lw x4, 4*4(sp)
  lw x5, 5*4(sp)
  lw x6, 6*4(sp)
  lw x7, 7*4(sp)
  lw x8, 8*4(sp)
  lw x9, 9*4(sp)
  lw x10, 10*4(sp)
  lw x11, 11*4(sp)
  lw x12, 12*4(sp)
  lw x13, 13*4(sp)
  lw x14, 14*4(sp)
  lw x15, 15*4(sp)
  lw x16, 16*4(sp)
  lw x17, 17*4(sp)
  lw x18, 18*4(sp)
  lw x19, 19*4(sp)
  lw x20, 20*4(sp)
  lw x21, 21*4(sp)
  lw x22, 22*4(sp)
  lw x23, 23*4(sp)
  lw x24, 24*4(sp)
  lw x25, 25*4(sp)
  lw x26, 26*4(sp)
  lw x27, 27*4(sp)
  lw x28, 28*4(sp)
  lw x29, 29*4(sp)
  lw x30, 30*4(sp)
  lw x31, 31*4(sp)
  lw sp, 2*4(sp)                    /* last: the frame's own base */
  mret
  .size trap_entry, . - trap_entry

/* Host interface words (docs/memory-map.md), found by ELF symbol. */
  .section .tohost, "aw", @progbits
  .balign 8
  .globl tohost
  .type tohost, @object
tohost:
  .dword 0
  .size tohost, 8
  .balign 8
  .globl fromhost
  .type fromhost, @object
fromhost:
  .dword 0
  .size fromhost, 8
