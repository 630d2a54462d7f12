/*
 * trapdemo: the C trap-handler API of the runtime (trap.h) at work.
 *
 *   ecall        a handler computes a result into the caller's a0 and skips
 *                the ecall (frame->x[10], frame->mepc += 4)
 *   illegal      a handler counts an illegal instruction and skips it
 *   load fault   a handler sees mtval = the faulting address
 *   timer        trap_set_irq_handler(IRQ_M_TIMER) interrupts a loop that
 *                holds patterns in every register; all must survive
 *
 * Prints one line per check and exits with the number of failed checks.
 * Built with -DTRAPDEMO_UNHANDLED (trapdemo-unhandled.elf) it finally executes
 * an illegal instruction with no handler installed, so the runtime's default
 * handler reports it and exits with FW_EXIT_TRAP (4).
 */
#include <stdint.h>
#include <stdio.h>

#include "fw.h"

int regcheck_spin(volatile uint32_t *flag, uint32_t spins);

static int failures;
static void check(const char *what, int ok, uint32_t value) {
  printf("trapdemo: %-10s %s (0x%08lx)\n", what, ok ? "ok" : "FAIL", (unsigned long)value);
  if (!ok) failures++;
}

/* ---- ecall: a0 = a0 * 2 + a1 */
static void on_ecall(struct trap_frame *f) {
  f->x[10] = f->x[10] * 2 + f->x[11];
  f->mepc += 4;
}

static uint32_t do_ecall(uint32_t x, uint32_t y) {
  register uint32_t a0 __asm__("a0") = x;
  register uint32_t a1 __asm__("a1") = y;
  __asm__ volatile("ecall" : "+r"(a0) : "r"(a1) : "memory");
  return a0;
}

/* ---- illegal instruction and load access fault: record and skip */
static volatile uint32_t last_cause, last_tval, trap_count;
static void on_skip(struct trap_frame *f) {
  last_cause = f->mcause;
  last_tval = f->mtval;
  trap_count++;
  f->mepc += 4;
}

/* ---- timer */
static volatile uint32_t timer_flag;
static volatile uint32_t timer_cause;
static void on_timer(struct trap_frame *f) {
  timer_cause = f->mcause;
  timer_flag = 1;
  timer_disarm();
}

int main(void) {
  trap_set_handler(CAUSE_MACHINE_ECALL, on_ecall);
  uint32_t r = do_ecall(20, 2);
  check("ecall", r == 42, r);

  trap_set_handler(CAUSE_ILLEGAL_INSTRUCTION, on_skip);
  trap_count = 0;
  __asm__ volatile(".word 0xffffffff" ::: "memory");
  check("illegal",
        trap_count == 1 && last_cause == CAUSE_ILLEGAL_INSTRUCTION && last_tval == 0xffffffffu,
        last_tval);

  trap_set_handler(CAUSE_LOAD_ACCESS, on_skip);
  trap_count = 0;
  uint32_t v = mmio_read32(0xF0000000u); /* nothing mapped there */
  (void)v;
  check("loadfault", trap_count == 1 && last_cause == CAUSE_LOAD_ACCESS && last_tval == 0xF0000000u,
        last_tval);

  trap_set_irq_handler(IRQ_M_TIMER, on_timer);
  timer_flag = 0;
  timer_set_in(500);
  timer_irq_enable();
  int rc = regcheck_spin(&timer_flag, 10000000u);
  timer_irq_disable();
  check("timer", rc == 0 && timer_cause == (MCAUSE_INTERRUPT | IRQ_M_TIMER), (uint32_t)rc);

  /* handlers can be removed again */
  trap_handler_t old = trap_set_handler(CAUSE_ILLEGAL_INSTRUCTION, NULL);
  check("uninstall", old == on_skip, 0);

#ifdef TRAPDEMO_UNHANDLED
  printf("trapdemo: now an illegal instruction with no handler\n");
  __asm__ volatile(".word 0xffffffff" ::: "memory");
  printf("trapdemo: still running (wrong)\n");
#endif
  printf("trapdemo: %s\n", failures ? "FAIL" : "PASS");
  return failures;
}
