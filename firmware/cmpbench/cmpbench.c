/*
 * cmpbench: cycles per call of call mechanisms (docs/comparison.md).
 *
 * Cycles per call as docs/timing.md "Cycles per call" defines it: from the
 * call sequence's first instruction entering EX to the callee's first
 * instruction entering EX; the callee's return is not included.
 *
 * Each mechanism calls an empty function (cmp_leaf: a lone `ret`) n times in
 * a loop of loops.S; (cycles of the loop with the call - cycles of the same
 * loop without it) / n, measured with mcycle, is the cost of the call sequence
 * plus the callee's `ret` (with_ret). The ret's own cost is measured too: the
 * direct loop (jal + ret) minus a loop whose body is a jump to the next
 * instruction (a jal's cost alone); the figure per call is with_ret minus
 * that. callid_miss forces a miss with `ctlb.inv id` before each callid and
 * subtracts a loop of the lone ctlb.inv, so it is the cost of a missing
 * callid. The table geometry (CT_LEVEL_BITS) is fixed at build time:
 * cmpbench.elf 12,10,10 (3 levels), cmpbench-l2.elf 10,10, cmpbench-l1.elf
 * 10; run each with the matching ctsim --ctlb-levels.
 *
 * Output: a table, then one machine-readable line per mechanism:
 *     CMP mechanism=NAME cycles_per_call=C.CC with_ret=C.CC calls=N levels=L
 */
#include <stdint.h>
#include <stdio.h>

#include "callid.h"
#include "fw.h"

#ifndef CMP_CALLS
#define CMP_CALLS 1000
#endif

#define CMP_ID 0x155u /* fits every geometry used (>= 10 bits) */
#define CMP_INDEX 5u  /* jump-table index / flat-table slot (loops.S: 20(s2)) */

typedef uint32_t (*loop_fn)(uint32_t n, uint32_t a1, const void *a2);
uint32_t cmp_empty(uint32_t, uint32_t, const void *);
uint32_t cmp_inv(uint32_t, uint32_t, const void *);
uint32_t cmp_jump(uint32_t, uint32_t, const void *);
uint32_t cmp_direct(uint32_t, uint32_t, const void *);
uint32_t cmp_indirect(uint32_t, uint32_t, const void *);
uint32_t cmp_callid(uint32_t, uint32_t, const void *);
uint32_t cmp_callid_miss(uint32_t, uint32_t, const void *);
uint32_t cmp_jumptable(uint32_t, uint32_t, const void *);
uint32_t cmp_flat(uint32_t, uint32_t, const void *);
uint32_t cmp_swwalk2(uint32_t, uint32_t, const void *);
uint32_t cmp_trampoline(uint32_t, uint32_t, const void *);
uint32_t cmp_trampoline_ld(uint32_t, uint32_t, const void *);
void cmp_leaf(void);

CT_REGISTER(CMP_ID, cmp_leaf);

/* A flat table (jump table, Zcmt-style JVT) and a two-level software table
 * (10-bit index per level), each reaching cmp_leaf. */
static uint32_t flat_table[16];
static uint32_t sw_l1[1024];
static uint32_t sw_root[1024];

/* cycles / CMP_CALLS with two decimals, rounded */
static char *per_call(char *buf, size_t size, uint32_t cycles) {
  uint32_t n = CMP_CALLS;
  uint32_t whole = cycles / n, frac = (uint32_t)(((uint64_t)(cycles % n) * 100u + n / 2) / n);
  if (frac == 100) whole++, frac = 0;
  snprintf(buf, size, "%lu.%02lu", (unsigned long)whole, (unsigned long)frac);
  return buf;
}

int main(void) {
  ct_init();
  uint32_t leaf = (uint32_t)(uintptr_t)cmp_leaf;
  uint32_t t = ct_xlat(CMP_ID);
  if (t != leaf) {
    printf(
        "cmpbench: xlat(0x%x) = 0x%08lx, not cmp_leaf 0x%08lx: the table geometry of this "
        "ELF (%u levels) does not match ctsim's --ctlb-levels\n",
        CMP_ID, (unsigned long)t, (unsigned long)leaf, ct_levels);
    return 1;
  }
  for (unsigned i = 0; i < 16; i++) flat_table[i] = leaf;
  sw_l1[CMP_ID & 1023u] = leaf;
  sw_root[CMP_ID >> 10] = (uint32_t)(uintptr_t)sw_l1;

  const uint32_t n = CMP_CALLS;
  uint32_t base = cmp_empty(n, 0, 0);
  uint32_t base_inv = cmp_inv(n, CMP_ID, 0);
  uint32_t jump = cmp_jump(n, 0, 0) - base;
  char miss_name[24];
  snprintf(miss_name, sizeof miss_name, "callid_miss_l%u", ct_levels);
  /* One after the other (an initializer list would leave the order open):
   * the callid_hit loop must find the ID cached, so an xlat probe refills it
   * right before (the ctlb.inv loops above dropped it). */
  struct {
    const char *name;
    uint32_t cycles, base;
  } r[9];
  unsigned nr = 0;
#define RUN(nm, call, b) (r[nr].name = (nm), r[nr].cycles = (call), r[nr].base = (b), nr++)
  RUN("direct", cmp_direct(n, 0, 0), base);
  RUN("indirect", cmp_indirect(n, 0, (const void *)cmp_leaf), base);
  (void)ct_xlat(CMP_ID);
  RUN("callid_hit", cmp_callid(n, CMP_ID, 0), base);
  RUN(miss_name, cmp_callid_miss(n, CMP_ID, 0), base_inv);
  RUN("jumptable", cmp_jumptable(n, CMP_INDEX, flat_table), base);
  RUN("flat_zcmt", cmp_flat(n, 0, flat_table), base);
  RUN("swwalk2", cmp_swwalk2(n, CMP_ID, sw_root), base);
  RUN("trampoline", cmp_trampoline(n, 0, 0), base);
  RUN("trampoline_ld", cmp_trampoline_ld(n, 0, 0), base);
#undef RUN

  /* the callee's ret: the direct call (r[0]: jal + ret) minus a jump (a jal
   * alone) */
  uint32_t direct = r[0].cycles - r[0].base;
  if (direct < jump) {
    printf("cmpbench: the direct loop (%lu cycles) costs less than the jump loop (%lu)\n",
           (unsigned long)direct, (unsigned long)jump);
    return 1;
  }
  uint32_t ret = direct - jump;
  for (unsigned i = 0; i < nr; i++)
    if (r[i].cycles - r[i].base < ret) {
      printf("cmpbench: %s: %lu cycles, less than the ret alone (%lu)\n", r[i].name,
             (unsigned long)(r[i].cycles - r[i].base), (unsigned long)ret);
      return 1;
    }
  char b1[16], b2[16], b3[16];
  printf(
      "cmpbench: cycles per call (docs/timing.md: the call sequence up to the callee's\n"
      "          first instruction, its ret not included; with_ret adds the ret of the\n"
      "          empty callee), %lu calls each, table levels",
      (unsigned long)n);
  for (unsigned l = 0; l < ct_levels; l++) printf("%s%u", l ? "," : " ", ct_level_bits[l]);
  printf(";\n          baseline loop %lu cycles, with ctlb.inv %lu\n", (unsigned long)base,
         (unsigned long)base_inv);
  printf("cmpbench: the callee's ret costs %s (direct %s - jump %s)\n",
         per_call(b1, sizeof b1, ret), per_call(b2, sizeof b2, direct),
         per_call(b3, sizeof b3, jump));
  printf("  %-18s %9s %9s\n", "mechanism", "cycles", "with_ret");
  for (unsigned i = 0; i < nr; i++) {
    uint32_t with = r[i].cycles - r[i].base;
    printf("  %-18s %9s %9s\n", r[i].name, per_call(b1, sizeof b1, with - ret),
           per_call(b2, sizeof b2, with));
  }
  for (unsigned i = 0; i < nr; i++) {
    uint32_t with = r[i].cycles - r[i].base;
    printf("CMP mechanism=%s cycles_per_call=%s with_ret=%s calls=%lu levels=%u\n", r[i].name,
           per_call(b1, sizeof b1, with - ret), per_call(b2, sizeof b2, with), (unsigned long)n,
           ct_levels);
  }

  ct_counters_t c;
  ct_counters(&c);
  printf("cmpbench: ctlb lookups %lu hits %lu misses %lu\n", (unsigned long)c.lookups,
         (unsigned long)c.hits, (unsigned long)c.misses);
  return 0;
}
