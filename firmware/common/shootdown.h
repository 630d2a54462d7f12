/*
 * shootdown.h: patching a call ID while several harts call it (a TLB
 * shootdown; docs/platform.md "Shootdowns"). For programs built with -DFW_SMP
 * (smp.h). Two mechanisms, one call each, after which no hart's callid of
 * the ID reaches the old target:
 *
 *     sd_patch_sw(id, fn)   software: store the new leaf (ct_install),
 *                           ctlb.inv on this hart, an IPI (msip) to every
 *                           other hart whose handler runs ctlb.inv of the ID,
 *                           clears its msip and acknowledges (amoadd.w on a
 *                           counter); wait for every acknowledgement, then
 *                           ctlb.sync (nothing outstanding: one cycle; the
 *                           completion point of --check-shootdown)
 *     sd_patch_hw(id, fn)   hardware: store the leaf, ctlb.bcast of the ID,
 *                           ctlb.sync (held until every CTLB has it)
 *
 * Both return the previous target. Set-up: sd_init(n) once (hart 0, n =
 * smp_count_harts(), after ct_init), sd_join() on every hart that calls by
 * ID (it takes the table's ctroot, enables the software interrupt and sets
 * mstatus.MIE). A hart with interrupts disabled acknowledges when it enables
 * them; the software patcher waits that long. One patch at a time (a lock).
 */
#ifndef FW_SHOOTDOWN_H
#define FW_SHOOTDOWN_H

#include <stdint.h>

#include "callid.h"

void sd_init(unsigned nharts);
void sd_join(void);
uint32_t sd_patch_sw(uint32_t id, ct_fn_t fn);
uint32_t sd_patch_hw(uint32_t id, ct_fn_t fn);

/* The IPI handler sd_init installs (for a program that wraps it). */
struct trap_frame;
void sd_ipi_handler(struct trap_frame *f);

/* ctlb.bcast id / ctlb.bcast x0 / ctlb.sync (docs/isa.md) */
static inline void ct_bcast(uint32_t id) {
  register uint32_t r __asm__("t0") = id;
  __asm__ volatile(".insn r CUSTOM_0, 3, 0, x0, %0, x0" ::"r"(r) : "memory");
}
static inline void ct_bcast_flush(void) {
  __asm__ volatile(".insn r CUSTOM_0, 3, 0, x0, x0, x0" ::: "memory");
}
static inline void ct_sync(void) {
  __asm__ volatile(".insn r CUSTOM_0, 4, 0, x0, x0, x0" ::: "memory");
}

/* the shared state of the software mechanism (for tests and demos) */
extern volatile uint32_t sd_id;   /* the ID being shot down */
extern volatile uint32_t sd_acks; /* acknowledgements of the current one */
extern unsigned sd_nharts;
/* mcycle right after the last patch's store and right after its ctlb.sync */
extern volatile uint32_t sd_t_store, sd_t_done;

#endif /* FW_SHOOTDOWN_H */
