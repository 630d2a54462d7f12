/*
 * sdtest: a service loop on every hart calling function ID SVC by callid,
 * patched live by hart 0 PATCHES times (v1 -> v2 -> ...) with one shootdown
 * mechanism (firmware/common/shootdown.h; docs/platform.md "Shootdowns"):
 *   -DSD_MECH_HW   ctlb.bcast + ctlb.sync (default: the software IPIs)
 *   -DSD_MECH_BOTH odd patches by IPIs, even ones by ctlb.bcast (the demo)
 *   -DSD_NO_PATCH  no patches (the baseline of scripts/shootdown.py)
 * and, for the tests of ctsim --check-shootdown, planted bugs:
 *   -DSD_BROKEN_HANDLER  the IPI handler acknowledges without ctlb.inv
 *   -DSD_NO_WAIT         the patcher does not wait for the acknowledgements
 *   -DSD_DEAF            hart 1 never enables interrupts (the patcher waits
 *                        forever: a --max-cycles stop)
 * The other harts run their loop mostly with interrupts disabled (a critical
 * section of CS calls, then OUT calls with interrupts enabled), so that an
 * IPI waits; each call of SVC is followed by one of AUX (never patched). Hart 0 patches at cycles
 * GAP, 2 GAP, ... and prints, per hart, the calls that reached each version and the cycle of its
 * first one.
 */
#include <stdio.h>

#include "callid.h"
#include "csr.h"
#include "ctable.h"
#include "shootdown.h"
#include "smp.h"
#include "trap.h"

#define SVC 0x10001u
#define AUX 0x10006u
#ifndef PATCHES
#define PATCHES 4
#endif
#ifndef GAP
#define GAP 6000u
#endif
#ifndef MARK
#define MARK 27 /* the iterations of a worker's loop timed (t_mark) */
#endif
#define CS 12
#define OUT 4
#define NV (PATCHES + 1)

static uint32_t v1(void) { return 1; }
static uint32_t v2(void) { return 2; }
static uint32_t v3(void) { return 3; }
static uint32_t v4(void) { return 4; }
static uint32_t v5(void) { return 5; }
static uint32_t (*const versions[])(void) = {v1, v2, v3, v4, v5};
CT_REGISTER(SVC, v1);
CT_REGISTER(0x10002u, v2);
CT_REGISTER(0x10003u, v3);
CT_REGISTER(0x10004u, v4);
CT_REGISTER(0x10005u, v5);
static uint32_t aux_fn(uint32_t x) { return x * 3 + 1; }
CT_REGISTER(AUX, aux_fn);
CT_DEFINE_CALL(svc, SVC, uint32_t, void);
CT_DEFINE_CALL(aux, AUX, uint32_t, uint32_t);
static volatile uint32_t aux_sum[16];

static volatile uint32_t go, stop, finished;
static volatile uint32_t calls[16][6];
static volatile uint32_t first[16][6];
static volatile uint32_t patched_at[6], latency[6], t_mark[16];

static inline uint32_t cycle(void) { return (uint32_t)read_csr(mcycle); }

static void one_call(unsigned h) {
  uint32_t v = svc();
  aux_sum[h] += aux(v);
  if (v > NV) v = 0;
  if (!calls[h][v]++) first[h][v] = cycle();
}

#ifdef SD_BROKEN_HANDLER
static void broken_handler(struct trap_frame *f) {
  (void)f;
  ipi_clear(hart_id());
  atomic_add(&sd_acks, 1); /* the bug: no ctlb.inv */
}
#endif

#ifdef SD_NO_WAIT
/* the bug: sd_patch_sw without waiting for the acknowledgements */
static void patch_nowait(uint32_t id, ct_fn_t fn) {
  ct_install(id, fn);
  ct_inv(id);
  sd_id = id;
  sd_acks = 0;
  for (unsigned h = 1; h < sd_nharts; h++) ipi_send(h);
  ct_sync();
}
#endif

static void patch(unsigned k) {
  ct_fn_t fn = (ct_fn_t)versions[k];
#if defined(SD_NO_PATCH)
  (void)fn;
#elif defined(SD_NO_WAIT)
  patch_nowait(SVC, fn);
#elif defined(SD_MECH_HW)
  sd_patch_hw(SVC, fn);
#elif defined(SD_MECH_BOTH)
  if (k & 1)
    sd_patch_sw(SVC, fn);
  else
    sd_patch_hw(SVC, fn);
#else
  sd_patch_sw(SVC, fn);
#endif
}

void hart_main(unsigned h) {
  while (!go) {
  }
#ifdef SD_DEAF
  if (h == 1) {
    write_csr(0x7C0, ctable_root(ct_root()));
    ct_flush();
    for (;;) one_call(h); /* interrupts stay disabled */
  }
#endif
  sd_join();
  for (unsigned it = 0; !stop; it++) {
    if (it == MARK) t_mark[h] = cycle();
    clear_csr(mstatus, MSTATUS_MIE);
    for (int i = 0; i < CS; i++) one_call(h);
    set_csr(mstatus, MSTATUS_MIE);
    for (int i = 0; i < OUT; i++) one_call(h);
  }
  atomic_add(&finished, 1);
  for (;;) __asm__ volatile("wfi");
}

int main(void) {
  unsigned n = smp_count_harts();
  ct_init();
  sd_init(n);
#ifdef SD_BROKEN_HANDLER
  trap_set_irq_handler(IRQ_M_SOFT, broken_handler);
#endif
  sd_join();
  go = 1;
  uint32_t t0 = cycle();
  for (unsigned k = 1; k <= PATCHES; k++) {
    while (cycle() - t0 < k * GAP) one_call(0);
    patch(k);
    patched_at[k] = cycle();
    latency[k] = sd_t_done - sd_t_store;
  }
  while (cycle() - t0 < (PATCHES + 1) * GAP) one_call(0);
  stop = 1;
  while (finished != n - 1) {
  }
#if defined(SD_NO_PATCH)
  printf("sdtest: %u harts, no patches of ID 0x%x\n", n, (unsigned)SVC);
#elif defined(SD_MECH_HW)
  printf("sdtest: %u harts, %u patches of ID 0x%x by ctlb.bcast + ctlb.sync\n", n, PATCHES,
         (unsigned)SVC);
#elif defined(SD_MECH_BOTH)
  printf("sdtest: %u harts, %u patches of ID 0x%x, by IPIs (v2, v4) and ctlb.bcast (v3, v5)\n", n,
         PATCHES, (unsigned)SVC);
#else
  printf("sdtest: %u harts, %u patches of ID 0x%x by IPIs + ctlb.inv\n", n, PATCHES, (unsigned)SVC);
#endif
  printf("patches done at cycle:");
  for (unsigned k = 1; k <= PATCHES; k++) printf(" v%u %lu", k + 1, (unsigned long)patched_at[k]);
  printf("\npatch latency (cycles from the store to the ctlb.sync):");
  for (unsigned k = 1; k <= PATCHES; k++) printf(" %lu", (unsigned long)latency[k]);
  printf("\n");
  int ok = 1;
  for (unsigned h = 0; h < n; h++) {
    printf("hart %2u:", h);
    for (unsigned v = 1; v <= NV; v++)
      printf(" v%u %4lu (from %6lu)", v, (unsigned long)calls[h][v], (unsigned long)first[h][v]);
    uint32_t total = 0;
    for (unsigned v = 1; v <= NV; v++) total += calls[h][v];
    if (h)
      printf(" total %lu, %u x %u calls in %lu cycles", (unsigned long)total, MARK, CS + OUT,
             (unsigned long)(t_mark[h] - first[h][1]));
    printf("\n");
    if (calls[h][0]) ok = 0;
  }
  printf("sdtest: %s\n", ok ? "PASS" : "FAIL");
  return ok ? 0 : 1;
}
