/*
 * cmpbench: cycles per call of call mechanisms (docs/comparison.md).
 *
 * Each mechanism calls an empty function (cmp_leaf: a lone `ret`) n times in
 * a loop of loops.S; the figure is
 *     (cycles of the loop with the call - cycles of the same loop without it) / n
 * measured with mcycle, so it is the cost of the call sequence plus the
 * callee's `ret`. callid_miss forces a miss with `ctlb.inv id` before each
 * callid and subtracts a loop of the lone ctlb.inv, so it is the cost of a
 * missing callid plus ret. The table geometry (CT_LEVEL_BITS) is fixed at
 * build time: cmpbench.elf 12,10,10 (3 levels), cmpbench-l2.elf 10,10,
 * cmpbench-l1.elf 10; run each with the matching ctsim --ctlb-levels.
 *
 * Output: a table, then one machine-readable line per mechanism:
 *     CMP mechanism=NAME cycles_per_call=C.CC calls=N levels=L
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

static void print_row(const char *name, uint32_t diff, unsigned levels) {
  uint32_t n = CMP_CALLS;
  uint32_t whole = diff / n, frac = (uint32_t)(((uint64_t)(diff % n) * 100u + n / 2) / n);
  if (frac == 100) whole++, frac = 0;
  printf("  %-18s %6lu.%02lu\n", name, (unsigned long)whole, (unsigned long)frac);
  (void)levels;
}

static void print_cmp(const char *name, uint32_t diff, unsigned levels) {
  uint32_t n = CMP_CALLS;
  uint32_t whole = diff / n, frac = (uint32_t)(((uint64_t)(diff % n) * 100u + n / 2) / n);
  if (frac == 100) whole++, frac = 0;
  printf("CMP mechanism=%s cycles_per_call=%lu.%02lu calls=%lu levels=%u\n", name,
         (unsigned long)whole, (unsigned long)frac, (unsigned long)n, levels);
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

  printf(
      "cmpbench: cycles per call (call + ret of an empty function), %lu calls each,\n"
      "          table levels",
      (unsigned long)n);
  for (unsigned l = 0; l < ct_levels; l++) printf("%s%u", l ? "," : " ", ct_level_bits[l]);
  printf("; baseline loop %lu cycles, with ctlb.inv %lu\n", (unsigned long)base,
         (unsigned long)base_inv);
  printf("  %-18s %9s\n", "mechanism", "cycles");
  for (unsigned i = 0; i < nr; i++) print_row(r[i].name, r[i].cycles - r[i].base, ct_levels);
  for (unsigned i = 0; i < nr; i++) print_cmp(r[i].name, r[i].cycles - r[i].base, ct_levels);

  ct_counters_t c;
  ct_counters(&c);
  printf("cmpbench: ctlb lookups %lu hits %lu misses %lu\n", (unsigned long)c.lookups,
         (unsigned long)c.hits, (unsigned long)c.misses);
  return 0;
}
