/*
 * smp: the several-harts demo (ctsim --harts N, N = 1..16; docs/firmware.md).
 * Hart 0 counts the harts (the CLINT's msip of a hart that does not exist
 * faults in ctsim), then:
 *   1. every hart adds 1 to a shared counter K times under a spinlock
 *      (amoswap.w): the counter must come out N * K;
 *   2. hart 0 sends every other hart an IPI (msip); each waits for it in wfi,
 *      and its handler acknowledges (amoadd.w) and clears its msip;
 *   3. each hart arms its own timer (mtimecmp) 10000 * (hart + 1) ticks ahead
 *      and waits in wfi: the handlers come in hart order.
 * Prints the figures and exits 0 when all three hold, 1 otherwise.
 */
#include "smp.h"

#include <stdio.h>

#include "csr.h"
#include "mmio.h"
#include "timer.h"
#include "trap.h"

#define K 100

static spinlock_t lock;
static volatile uint32_t counter, done, go, phase;
static volatile uint32_t acks, ipi_seen[16];
static volatile uint32_t tick_order[16], ticks, ticked[16];
static volatile uint32_t nharts;

static void ipi_handler(struct trap_frame *f) {
  (void)f;
  unsigned h = hart_id();
  ipi_clear(h);
  ipi_seen[h] = 1;
  atomic_add(&acks, 1);
}

static void timer_handler(struct trap_frame *f) {
  (void)f;
  unsigned h = hart_id();
  timer_disarm_hart(h);
  ticked[h] = 1;
  tick_order[atomic_add(&ticks, 1)] = h;
}

static void add_k(void) {
  for (int i = 0; i < K; i++) {
    spin_lock(&lock);
    counter = counter + 1;
    spin_unlock(&lock);
  }
  atomic_add(&done, 1);
}

/* waits in wfi with only the timer enabled until its handler ran */
static void wait_tick(unsigned h) {
  timer_set_cmp_hart(h, timer_now() + 10000u * (h + 1));
  write_csr(mie, MIE_MTIE);
  set_csr(mstatus, MSTATUS_MIE);
  while (!ticked[h]) __asm__ volatile("wfi");
  clear_csr(mstatus, MSTATUS_MIE);
}

void hart_main(unsigned h) {
  while (!go) {
  }
  add_k();
  /* phase 2: wait for the IPI with MSIE */
  write_csr(mie, MIE_MSIE);
  set_csr(mstatus, MSTATUS_MIE);
  while (!ipi_seen[h]) __asm__ volatile("wfi");
  clear_csr(mstatus, MSTATUS_MIE);
  while (phase < 3) {
  }
  wait_tick(h);
}

int main(void) {
  unsigned n = smp_count_harts();
  nharts = n;
  trap_set_irq_handler(IRQ_M_SOFT, ipi_handler);
  trap_set_irq_handler(IRQ_M_TIMER, timer_handler);
  printf("harts: %u\n", n);
  go = 1;
  add_k();
  while (done != n) {
  }
  printf("counter: %lu (expected %u)\n", (unsigned long)counter, n * K);
  for (unsigned h = 1; h < n; h++) ipi_send(h);
  while (acks != n - 1) {
  }
  printf("ipi acks: %lu\n", (unsigned long)acks);
  /* phase 3: the timers; hart 0 arms first, the others as they see phase */
  phase = 3;
  wait_tick(0);
  while (ticks != n) {
  }
  int ordered = 1;
  printf("timer order:");
  for (unsigned i = 0; i < n; i++) {
    printf(" %lu", (unsigned long)tick_order[i]);
    if (tick_order[i] != i) ordered = 0;
  }
  printf("\n");
  int ok = counter == n * K && acks == n - 1 && ordered;
  printf("smp: %s\n", ok ? "PASS" : "FAIL");
  return ok ? 0 : 1;
}
