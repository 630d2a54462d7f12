/*
 * timer.h: the machine timer (CLINT mtime / mtimecmp, docs/memory-map.md).
 *
 * mtime counts up; the timer interrupt (mip.MTIP, cause IRQ_M_TIMER) is pending
 * while mtime >= mtimecmp. On ctsim mtime advances once every --mtime-div cycles;
 * on QEMU virt it runs at 10 MHz of host time. Do not assume a rate.
 *
 *   timer_now()            current mtime (64-bit, read consistently)
 *   timer_set_cmp(t)       set mtimecmp to absolute time t (glitch-free order)
 *   timer_set_in(delta)    set mtimecmp to now + delta
 *   timer_disarm()         set mtimecmp to the maximum: MTIP clears
 *   timer_irq_enable()     set mie.MTIE and mstatus.MIE
 *   timer_irq_disable()    clear mie.MTIE
 *
 * Install a C handler for the interrupt with trap_set_irq_handler(IRQ_M_TIMER, fn)
 * (trap.h); the handler must re-arm or disarm the timer, or it is re-entered at once.
 */
#ifndef FW_TIMER_H
#define FW_TIMER_H

#include <stdint.h>

#include "csr.h"
#include "mmio.h"

static inline uint64_t timer_now(void) {
  uint32_t hi, lo, hi2;
  do {
    hi = mmio_read32(CLINT_BASE + CLINT_MTIME + 4);
    lo = mmio_read32(CLINT_BASE + CLINT_MTIME);
    hi2 = mmio_read32(CLINT_BASE + CLINT_MTIME + 4);
  } while (hi != hi2);
  return ((uint64_t)hi << 32) | lo;
}

static inline void timer_set_cmp(uint64_t t) {
  /* Raise the high word first so no intermediate value fires early. */
  mmio_write32(CLINT_BASE + CLINT_MTIMECMP + 4, 0xFFFFFFFFu);
  mmio_write32(CLINT_BASE + CLINT_MTIMECMP, (uint32_t)t);
  mmio_write32(CLINT_BASE + CLINT_MTIMECMP + 4, (uint32_t)(t >> 32));
}

static inline void timer_set_in(uint64_t delta) { timer_set_cmp(timer_now() + delta); }

static inline void timer_disarm(void) { timer_set_cmp(UINT64_MAX); }

static inline void timer_irq_enable(void) {
  set_csr(mie, MIE_MTIE);
  set_csr(mstatus, MSTATUS_MIE);
}

static inline void timer_irq_disable(void) { clear_csr(mie, MIE_MTIE); }

#endif /* FW_TIMER_H */
