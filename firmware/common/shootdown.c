/*
 * shootdown.c: the two shootdown mechanisms of shootdown.h.
 */
#include "shootdown.h"

#include "csr.h"
#include "ctable.h"
#include "smp.h"
#include "trap.h"

volatile uint32_t sd_id, sd_acks;
volatile uint32_t sd_t_store, sd_t_done;
unsigned sd_nharts = 1;
static spinlock_t sd_lock;

void sd_ipi_handler(struct trap_frame *f) {
  (void)f;
  /* msip first: a patch that follows this acknowledgement may raise it again */
  ipi_clear(hart_id());
  ct_inv(sd_id);
  atomic_add(&sd_acks, 1); /* after the ctlb.inv: the patcher may go on */
}

void sd_init(unsigned nharts) {
  sd_nharts = nharts;
  trap_set_irq_handler(IRQ_M_SOFT, sd_ipi_handler);
}

void sd_join(void) {
  write_csr(0x7C0, ctable_root(ct_root()));
  ct_flush();
  set_csr(mie, MIE_MSIE);
  set_csr(mstatus, MSTATUS_MIE);
}

/* Both mechanisms begin alike: under the lock, the old target read and the
 * new leaf stored (the store's cycle recorded); and end alike: the completion
 * point (ctlb.sync), its cycle, the unlock. Inlined, so that each mechanism's
 * instructions (and cycles, docs/shootdown.md) are as if written out. */
static inline __attribute__((always_inline)) uint32_t sd_begin(uint32_t id,
                                                               ct_fn_t fn) {
  spin_lock(&sd_lock);
  uint32_t *e = ct_leaf(id);
  uint32_t old = e && ctable_valid(*e) ? ctable_target(*e) : 0;
  ct_install(id, fn);
  sd_t_store = (uint32_t)read_csr(mcycle);
  return old;
}

static inline __attribute__((always_inline)) void sd_end(void) {
  ct_sync();
  sd_t_done = (uint32_t)read_csr(mcycle);
  spin_unlock(&sd_lock);
}

uint32_t sd_patch_sw(uint32_t id, ct_fn_t fn) {
  uint32_t old = sd_begin(id, fn);
  ct_inv(id);
  sd_id = id;
  sd_acks = 0;
  unsigned me = hart_id();
  for (unsigned h = 0; h < sd_nharts; h++)
    if (h != me) ipi_send(h);
  while (sd_acks != sd_nharts - 1) {
  }
  sd_end();
  return old;
}

uint32_t sd_patch_hw(uint32_t id, ct_fn_t fn) {
  uint32_t old = sd_begin(id, fn);
  ct_bcast(id);
  sd_end();
  return old;
}
