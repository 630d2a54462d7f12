/*
 * runtime.c: console stdout for picolibc, _exit(), and the C side of trap
 * dispatch (trap.h).
 */
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

#include "fw.h"

_Static_assert(offsetof(struct trap_frame, mepc) == TRAP_FRAME_MEPC, "trap frame layout");
_Static_assert(offsetof(struct trap_frame, mcause) == TRAP_FRAME_MCAUSE, "trap frame layout");
_Static_assert(offsetof(struct trap_frame, mtval) == TRAP_FRAME_MTVAL, "trap frame layout");
_Static_assert(offsetof(struct trap_frame, mstatus) == TRAP_FRAME_MSTATUS, "trap frame layout");
_Static_assert(sizeof(struct trap_frame) == TRAP_FRAME_SIZE, "trap frame layout");
_Static_assert(TRAP_FRAME_SIZE % 16 == 0, "trap frame keeps sp 16-byte aligned");

/* ---------------------------------------------------------------- console */

void console_putc(char c) {
  while ((mmio_read8(UART_BASE + UART_LSR) & UART_LSR_THRE) == 0) {
  }
  mmio_write8(UART_BASE + UART_THR, (uint8_t)c);
}

void console_puts(const char *s) {
  while (*s) console_putc(*s++);
}

static int stdout_putc(char c, FILE *f) {
  (void)f;
  console_putc(c);
  return (unsigned char)c;
}

static FILE fw_stdout = FDEV_SETUP_STREAM(stdout_putc, NULL, NULL, _FDEV_SETUP_WRITE);
FILE *const stdout = &fw_stdout;
FILE *const stderr = &fw_stdout;

/* ---------------------------------------------------------------- exit */

void _exit(int code) {
  uint32_t c = (uint32_t)code & 0xFFFFu;
  /* ctsim (and Spike-style hosts): tohost = code << 1 | 1. */
  tohost = ((uint64_t)c << 1) | 1u;
  /* Spike sees tohost only a while later, and has no device at the
   * finisher's address: the store below faults there. From here on a trap
   * (that fault, or an interrupt) spins until the host ends the run, instead
   * of reporting a trap and exiting again. (ctsim has ended the run at the
   * tohost store; QEMU virt ends it at the finisher.) */
  __asm__ volatile(
      "la t0, 1f\n"
      "csrw mtvec, t0\n"
      "j 2f\n"
      ".balign 4\n"
      "1: j 1b\n" /* the trap handler from here on */
      "2:" ::
          : "t0", "memory");
  /* QEMU virt: the test finisher. */
  mmio_write32(FINISHER_BASE, c == 0 ? FINISHER_PASS : (c << 16) | FINISHER_FAIL);
  for (;;) {
  }
}

/* ---------------------------------------------------------------- traps */

static trap_handler_t exc_handlers[32];
static trap_handler_t irq_handlers[32];

trap_handler_t trap_set_handler(unsigned cause, trap_handler_t fn) {
  if (cause >= 32) return NULL;
  trap_handler_t old = exc_handlers[cause];
  exc_handlers[cause] = fn;
  return old;
}

trap_handler_t trap_set_irq_handler(unsigned irq, trap_handler_t fn) {
  if (irq >= 32) return NULL;
  trap_handler_t old = irq_handlers[irq];
  irq_handlers[irq] = fn;
  return old;
}

void trap_default(struct trap_frame *f) {
  int irq = (f->mcause & MCAUSE_INTERRUPT) != 0;
  printf("trap: unhandled %s cause=%lu mepc=0x%08lx mtval=0x%08lx\n",
         irq ? "interrupt" : "exception", (unsigned long)(f->mcause & ~MCAUSE_INTERRUPT),
         (unsigned long)f->mepc, (unsigned long)f->mtval);
  _exit(FW_EXIT_TRAP);
}

void trap_dispatch(struct trap_frame *f) {
  uint32_t code = f->mcause & ~MCAUSE_INTERRUPT;
  trap_handler_t fn = NULL;
  if (code < 32) fn = (f->mcause & MCAUSE_INTERRUPT) ? irq_handlers[code] : exc_handlers[code];
  if (fn == NULL) fn = trap_default;
  fn(f);
}
