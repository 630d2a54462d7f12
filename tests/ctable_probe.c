/*
 * ctable_probe.c: model/ctable.h's rules as text, for tests/test_ctable.py
 * (built by the test). Reads commands from stdin, one per line, numbers
 * decimal or 0x hex, and prints one line per command:
 *   g B0 B1 ...    a geometry (0 to 6 widths): "check CODE BAD", and when it
 *                  is valid "geo W RANGE_MASK S_0:MASK_0:BYTES_0 ..."
 *   i ID           with the last valid geometry: "idx IN_RANGE I_0 ... "
 *                  (the index of every level) and "ea E_0 ..." (the entry
 *                  address of every level in tables based at 0x80000000)
 *   m ADDR WORD    a memory word for the walks (nothing printed)
 *   w ROOT ID      ctable_walk: "walk FAULT ADDR LEVEL ENTRY_ADDR ENTRY";
 *                  memory reads at or above 0xF0000000 fail, words never
 *                  written read as 0
 *   e WORD         "ent VALID LEAF TARGET" and "mk LEAF NEXT ROOT" of WORD & ~3
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ctable.h"

#define MEM_MAX 65536
static uint32_t mem_a[MEM_MAX], mem_v[MEM_MAX];
static unsigned mem_n;

static int rd(void *ctx, uint32_t addr, uint32_t *word) {
  (void)ctx;
  if (addr >= 0xF0000000u) return 1;
  *word = 0;
  for (unsigned i = mem_n; i-- > 0;)
    if (mem_a[i] == addr) {
      *word = mem_v[i];
      break;
    }
  return 0;
}

static uint32_t num(const char *s) { return (uint32_t)strtoul(s, NULL, 0); }

int main(void) {
  char line[512];
  ctable_geo_t g;
  uint32_t levels = 0, bits[10] = {0};
  memset(&g, 0, sizeof g);
  while (fgets(line, sizeof line, stdin)) {
    char *tok[10];
    int n = 0;
    for (char *t = strtok(line, " \t\n"); t && n < 10;
         t = strtok(NULL, " \t\n"))
      tok[n++] = t;
    if (!n) continue;
    if (!strcmp(tok[0], "g")) {
      uint32_t b[10] = {0}, nb = (uint32_t)n - 1, bad = 0;
      for (uint32_t k = 0; k < nb; k++) b[k] = num(tok[k + 1]);
      ctable_geo_err_t e = ctable_check(nb, b, &bad);
      printf("check %d %u\n", (int)e, e == CTABLE_GEO_OK ? 0u : bad);
      if (e != CTABLE_GEO_OK) continue;
      levels = nb;
      memcpy(bits, b, sizeof b);
      ctable_geo_init(&g, levels, bits);
      printf("geo %u 0x%08x", ctable_width(levels, bits), g.range_mask);
      for (uint32_t l = 0; l < levels; l++) {
        if (g.shift[l] != ctable_shift(levels, bits, l) ||
            g.mask[l] != ctable_index_mask(bits[l]) || g.bits[l] != bits[l])
          printf(" MISMATCH");
        printf(" %u:0x%x:%u", g.shift[l], g.mask[l],
               ctable_level_bytes(bits[l]));
        if (ctable_level_bytes(bits[l]) !=
            ctable_level_entries(bits[l]) * CTABLE_ENTRY_BYTES)
          printf(" MISMATCH");
      }
      printf("\n");
    } else if (!strcmp(tok[0], "i") && n == 2) {
      uint32_t id = num(tok[1]);
      int in = ctable_in_range(g.width, id);
      if (in != !(id & g.range_mask)) printf("MISMATCH ");
      printf("idx %d", in);
      for (uint32_t l = 0; l < levels; l++) {
        uint32_t a = ctable_index(levels, bits, id, l);
        if (a != ctable_geo_index(&g, id, l) ||
            a != ctable_index_at(id, g.shift[l], bits[l]))
          printf(" MISMATCH");
        printf(" %u", a);
      }
      printf("\nea");
      for (uint32_t l = 0; l < levels; l++)
        printf(" 0x%08x", ctable_geo_entry(&g, 0x80000000u, id, l));
      printf("\n");
    } else if (!strcmp(tok[0], "m") && n == 3) {
      if (mem_n < MEM_MAX) {
        mem_a[mem_n] = num(tok[1]);
        mem_v[mem_n++] = num(tok[2]);
      }
    } else if (!strcmp(tok[0], "w") && n == 3) {
      ctable_walk_t w;
      uint32_t f = ctable_walk(&g, num(tok[1]), num(tok[2]), rd, NULL, &w);
      if (f != w.fault) printf("MISMATCH ");
      printf("walk %u 0x%08x %u 0x%08x 0x%08x\n", w.fault, w.addr, w.level,
             w.entry_addr, w.entry);
    } else if (!strcmp(tok[0], "e") && n == 2) {
      uint32_t e = num(tok[1]), a = ctable_target(e);
      printf("ent %d %d 0x%08x\n", ctable_valid(e), ctable_is_leaf(e), a);
      printf("mk 0x%08x 0x%08x 0x%08x 0x%08x\n", ctable_leaf(a), ctable_next(a),
             ctable_root(a), ctable_root_base(ctable_root(a)));
    } else {
      printf("bad command %s\n", tok[0]);
    }
  }
  return 0;
}
