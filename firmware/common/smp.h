/*
 * smp.h: several harts (ctsim --harts N, docs/firmware.md "Several harts"):
 * the hart's number, a spinlock on amoswap.w, inter-processor interrupts
 * through the CLINT's msip. A program using it is built with -DFW_SMP and
 * -Wl,--defsym=FW_HARTS=<n> (the start-up then gives n harts a stack); hart 0
 * runs main, harts 1..n-1 run hart_main(hartid) once .bss is clear.
 */
#ifndef FW_SMP_H
#define FW_SMP_H

#include <stdint.h>

#include "csr.h"
#include "mmio.h"
#include "trap.h"

/* What harts 1.. run (weak in crt0.S: without it they park in wfi). */
void hart_main(unsigned hartid);

static inline unsigned hart_id(void) { return (unsigned)read_csr(mhartid); }

typedef struct {
  volatile uint32_t v; /* 0 free, 1 held */
} spinlock_t;

/* Takes the lock: amoswap.w.aq until the old value was 0. */
static inline void spin_lock(spinlock_t *l) {
  uint32_t old;
  do {
    __asm__ volatile(".option push\n.option arch, +a\namoswap.w.aq %0, %1, (%2)\n.option pop"
                     : "=r"(old)
                     : "r"(1u), "r"(&l->v)
                     : "memory");
  } while (old);
}

/* Releases it: amoswap.w.rl of 0 (the stores before it come first). */
static inline void spin_unlock(spinlock_t *l) {
  __asm__ volatile(".option push\n.option arch, +a\namoswap.w.rl x0, x0, (%0)\n.option pop"
                   :
                   : "r"(&l->v)
                   : "memory");
}

/* *p += v atomically; returns the old value (amoadd.w). */
static inline uint32_t atomic_add(volatile uint32_t *p, uint32_t v) {
  uint32_t old;
  __asm__ volatile(".option push\n.option arch, +a\namoadd.w %0, %1, (%2)\n.option pop"
                   : "=r"(old)
                   : "r"(v), "r"(p)
                   : "memory");
  return old;
}

/* The CLINT's msip of hart h (memory-map.md): 1 raises its software
 * interrupt, 0 clears it. */
static inline void ipi_send(unsigned h) { mmio_write32(CLINT_BASE + CLINT_MSIP + 4 * h, 1); }
static inline void ipi_clear(unsigned h) { mmio_write32(CLINT_BASE + CLINT_MSIP + 4 * h, 0); }

/* Hart h's own timer (mtimecmp at CLINT_MTIMECMP + 8 * h). */
static inline void timer_set_cmp_hart(unsigned h, uint64_t t) {
  uint32_t a = CLINT_BASE + CLINT_MTIMECMP + 8 * h;
  mmio_write32(a + 4, 0xFFFFFFFFu);
  mmio_write32(a, (uint32_t)t);
  mmio_write32(a + 4, (uint32_t)(t >> 32));
}
static inline void timer_disarm_hart(unsigned h) { timer_set_cmp_hart(h, UINT64_MAX); }

/* The number of harts the platform has: the first k whose msip load faults
 * (the CLINT has a register only for each hart). Call it before another
 * load-access-fault handler is needed; the previous one is put back. */
static volatile int smp_probe_fault;
static inline void smp_probe_handler(struct trap_frame *f) {
  smp_probe_fault = 1;
  f->mepc += 4;
}
static inline unsigned smp_count_harts(void) {
  trap_handler_t old = trap_set_handler(CAUSE_LOAD_ACCESS, smp_probe_handler);
  unsigned k = 1;
  for (; k < 16; k++) {
    smp_probe_fault = 0;
    (void)mmio_read32(CLINT_BASE + CLINT_MSIP + 4 * k);
    if (smp_probe_fault) break;
  }
  trap_set_handler(CAUSE_LOAD_ACCESS, old);
  return k;
}

#endif /* FW_SMP_H */
