/*
 * main.c: the patch loader's test program (docs/patching.md, tests/
 * test_ctpatch.py). STEPS lines of values computed by calc.c's functions,
 * called by ID; between lines the program asks the host for a patch module
 * (ctpatch_poll). A timer interrupt every TICK mtime ticks calls ver_a and
 * ver_b, which a module switches together: the handler counts the ticks at
 * which they disagree (a mix of old and new code) and those that came while
 * the loader was busy. Built with -DHOST (no loader, no timer) on the host
 * gcc, it prints the same lines, the reference of the test.
 */
#include <stdio.h>

#include "calc.h"

#ifndef STEPS
#define STEPS 40
#endif
#ifndef TICK
#define TICK 0
#endif

#ifndef HOST
#include "ctpatch.h"
#include "fw.h"

static volatile unsigned ticks, mixes, busy_ticks, seen_new;

static void tick(struct trap_frame *f) {
  (void)f;
  int a = ver_a(), b = ver_b();
  ticks++;
  if (a != b) mixes++;
  if (a == 2) seen_new++;
  if (ctpatch_busy()) busy_ticks++;
  timer_set_in(TICK);
}
#endif

static int work(int i) {
  int s = 0;
  for (int k = 0; k < 50; k++) s += (i * k) & 7;
  return s;
}

int main(void) {
#ifndef HOST
  if (TICK) {
    trap_set_irq_handler(IRQ_M_TIMER, tick);
    timer_set_in(TICK);
    timer_irq_enable();
  }
#endif
  for (int i = 0; i < STEPS; i++) {
    printf("step %d: scale %d offset %d combo %d ver %d%d work %d\n", i, scale(i), offset(i),
           combo(i), ver_a(), ver_b(), work(i));
#ifndef HOST
    ctpatch_poll();
#endif
  }
#ifndef HOST
  if (TICK) {
    timer_irq_disable();
    printf("ticks %u mixes %u busy %u new %u\n", ticks, mixes, busy_ticks, seen_new);
  }
  printf("patches %u\n", ctpatch_count());
#endif
  printf("calls %d\n", calls);
  return 0;
}
