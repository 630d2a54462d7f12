/*
 * replay: runs a call trace (traces/FORMAT.md) on the CPU as real callid
 * instructions (docs/traces.md, "Replay on the CPU").
 *
 * scripts/ctrace2s.py turns the trace into replay_events (kind, id), one
 * handler per ID (returns its ID) registered in ct_registry, and a table pool
 * big enough for those IDs. ct_init() maps every ID; then, event by event:
 *     call ID     callid to the ID's handler; the result must be the ID
 *     patch ID T  ct_patch(ID, its handler): the leaf store, then ctlb.inv ID
 *                 (T, an address of the trace's own, is not jumped to)
 *     inv ID      ctlb.inv ID          flush   ctlb.inv x0
 * Gaps were dropped by the converter (idle cycles change no CTLB state).
 * Prints the accelerator's counters (CSRs) and exits 0, or 1 if a call
 * returned a wrong value.
 */
#include <stdint.h>
#include <stdio.h>

#include "callid.h"
#include "fw.h"

extern const uint32_t replay_events[];
extern const uint32_t replay_nevents;
extern uint32_t replay_pool[];
extern const uint32_t replay_pool_bytes;

CT_DEFINE_CALL_BYID(call_id, uint32_t, void);

int main(void) {
  ct_pool_provide(replay_pool, replay_pool_bytes);
  ct_init();
  ct_counters_t c0;
  ct_counters(&c0);
  uint32_t n = replay_nevents, calls = 0, wrong = 0, patches = 0, invs = 0, flushes = 0;
  for (uint32_t i = 0; i < n; i++) {
    uint32_t kind = replay_events[2 * i], id = replay_events[2 * i + 1];
    switch (kind) {
      case 1: /* call */
        calls++;
        if (call_id(id) != id) {
          if (!wrong)
            printf("replay: event %lu: call 0x%08lx reached the wrong handler\n", (unsigned long)i,
                   (unsigned long)id);
          wrong++;
        }
        break;
      case 2: { /* patch */
        const ct_reg_t *r = ct_registry_find(id);
        ct_patch(id, r->fn);
        patches++;
        break;
      }
      case 3: /* inv */
        ct_inv(id);
        invs++;
        break;
      default: /* 4: flush */
        ct_flush();
        flushes++;
        break;
    }
  }
  ct_counters_t c;
  ct_counters(&c);
  printf("replay: events %lu calls %lu patches %lu invs %lu flushes %lu ids %u\n", (unsigned long)n,
         (unsigned long)calls, (unsigned long)patches, (unsigned long)invs, (unsigned long)flushes,
         ct_registry_count());
  printf(
      "REPLAY hits=%lu misses=%lu lookups=%lu walk_cycles=%lu invalidations=%lu faults=%lu "
      "wrong=%lu\n",
      (unsigned long)(c.hits - c0.hits), (unsigned long)(c.misses - c0.misses),
      (unsigned long)(c.lookups - c0.lookups), (unsigned long)(c.walk_cycles - c0.walk_cycles),
      (unsigned long)(c.invalidations - c0.invalidations), (unsigned long)(c.faults - c0.faults),
      (unsigned long)wrong);
  return wrong ? 1 : 0;
}
