/*
 * shootchk.h: --check-shootdown, the consistency checker of a TLB shootdown
 * (docs/platform.md "Shootdowns", the checker).
 *
 * The completion point of a patch is the retirement of a ctlb.sync (on the
 * hart that stored the new leaf: the checker takes every ctlb.sync for one).
 * At each completion point the checker walks the table (ctable_walk, the
 * functional walk of firmware/common/ctable.h, with the completing hart's
 * ctroot) for every ID any hart has looked up so far, and records the
 * target when it is not the one recorded last (the last SHOOT_HIST kept,
 * with their completion cycles). A lookup (callid or xlat) of such an ID at
 * local time t must give the target required at t (of the last recorded
 * completion at or before t), a later one, or the one the table holds at the
 * lookup (a patch begun since); before the first one kept, anything (a hart
 * behind in the schedule). Anything else is a stale translation: the run
 * stops with one line naming the hart, its cycle, the ID, the stale and the
 * table's target (status 2).
 *
 * Lookups are seen in schedule order: one that a hart ahead made before the
 * completion point was in the schedule is not checked against it (with
 * --quantum 1 no hart is more than a cycle ahead).
 */
#ifndef CTSIM_SHOOTCHK_H
#define CTSIM_SHOOTCHK_H

#include <stdint.h>

#include "cpu.h"

typedef struct shoot_chk shoot_chk_t;

/* NULL if out of memory. */
shoot_chk_t *shoot_new(void);
void shoot_free(shoot_chk_t *s);

/* hart h's lookup of id entering EX at e answered with addr (fault: none
 * checked). Stops the run (plat_error) on a stale translation. */
void shoot_lookup(hart_t *h, uint64_t e, uint32_t id, uint32_t addr,
                  unsigned fault);

/* hart h's ctlb.sync retires with its EX ending in cycle c. */
void shoot_complete(hart_t *h, uint64_t c);

/* The number of completion points and of lookups checked. */
void shoot_counts(const shoot_chk_t *s, uint64_t *completions,
                  uint64_t *checked);

#endif /* CTSIM_SHOOTCHK_H */
