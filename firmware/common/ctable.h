/*
 * ctable.h: the call table's format and geometry, the one owner of their rules
 * (docs/accelerator.md section 2 is the specification; scripts/ctable.py is
 * the Python twin, checked against this header by tests/test_ctable.py). Host
 * code includes it as model/ctable.h; the text is here because the firmware
 * tree must build on its own.
 *
 * Geometry: `levels` index widths bits[0..levels-1], root first; W, the
 * covered width, is their sum. Level l indexes ID bits [S_l + B_l - 1 : S_l]
 * with B_l = bits[l] and S_l = W - (B_0 + ... + B_l). An ID with a bit set at
 * or above bit W is out of range (never for W = 32). A table of level l has
 * 2^B_l entries of 4 bytes; the entry of level l is at base_l + 4 * index_l
 * (32-bit wrap-around).
 *
 * Entries: bit 0 valid, bit 1 leaf, bits 31:2 the function address (leaf) or
 * the next table's base address (non-leaf). Root register: bits 31:2 the root
 * table's base, bit 0 enable.
 *
 * Users: the C model's walker (model/xlat_c.c), xlat-diff, xlat-bench,
 * cttrace, ctlru, ctsim's --patch-at (sim/cpu.c), the firmware runtime
 * (firmware/common/callid.c). Header-only, freestanding C11 (and C++): only
 * stdint.h and stddef.h, so the firmware compiles it for rv32im.
 */
#ifndef CTABLE_H
#define CTABLE_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

#define CTABLE_MAX_LEVELS 4      /* levels: 1..CTABLE_MAX_LEVELS */
#define CTABLE_MAX_LEVEL_BITS 16 /* each width: 1..CTABLE_MAX_LEVEL_BITS */
#define CTABLE_ID_BITS 32        /* the widths sum to at most this */
#define CTABLE_ENTRY_BYTES 4u

#define CTABLE_VALID 1u /* entry bit 0; also the root register's enable */
#define CTABLE_LEAF 2u  /* entry bit 1 */
#define CTABLE_FLAGS 3u /* bits 1:0, not part of an address */

/* The fault codes of a walk, the same numbers as xlat_fault_t (xlat.h). */
enum {
  CTABLE_FAULT_NONE = 0,
  CTABLE_FAULT_INVALID = 1,  /* valid bit clear, or non-leaf at the last level */
  CTABLE_FAULT_RANGE = 2,    /* ID has bits at or above the covered width */
  CTABLE_FAULT_DISABLED = 3, /* root register enable clear */
  CTABLE_FAULT_BUS = 4,      /* a read of an entry failed */
};

/* What ctable_check finds wrong with a geometry. */
typedef enum {
  CTABLE_GEO_OK = 0,
  CTABLE_GEO_LEVELS = 1, /* levels not in 1..CTABLE_MAX_LEVELS */
  CTABLE_GEO_BITS = 2,   /* bits[*bad] not in 1..CTABLE_MAX_LEVEL_BITS */
  CTABLE_GEO_WIDTH = 3,  /* the widths sum to more than CTABLE_ID_BITS */
} ctable_geo_err_t;

/* ---------------------------------------------------------------- geometry */

/* Checks a geometry; *bad (if bad != NULL) gets the offending level for
 * CTABLE_GEO_BITS and the sum of the widths for CTABLE_GEO_WIDTH. */
static inline ctable_geo_err_t ctable_check(uint32_t levels, const uint32_t *bits, uint32_t *bad) {
  if (levels < 1 || levels > CTABLE_MAX_LEVELS) return CTABLE_GEO_LEVELS;
  uint32_t sum = 0;
  for (uint32_t l = 0; l < levels; l++) {
    if (bits[l] < 1 || bits[l] > CTABLE_MAX_LEVEL_BITS) {
      if (bad) *bad = l;
      return CTABLE_GEO_BITS;
    }
    sum += bits[l];
  }
  if (sum > CTABLE_ID_BITS) {
    if (bad) *bad = sum;
    return CTABLE_GEO_WIDTH;
  }
  return CTABLE_GEO_OK;
}

/* W, the covered width. */
static inline uint32_t ctable_width(uint32_t levels, const uint32_t *bits) {
  uint32_t w = 0;
  for (uint32_t l = 0; l < levels; l++) w += bits[l];
  return w;
}

/* S_l, the lowest ID bit level l indexes. */
static inline uint32_t ctable_shift(uint32_t levels, const uint32_t *bits, uint32_t l) {
  uint32_t s = ctable_width(levels, bits);
  for (uint32_t k = 0; k <= l; k++) s -= bits[k];
  return s;
}

/* The index field of a level of width b: 2^b - 1 (b <= 16). */
static inline uint32_t ctable_index_mask(uint32_t b) { return (1u << b) - 1u; }

/* The index at a level that starts at ID bit `shift` and is b bits wide. */
static inline uint32_t ctable_index_at(uint32_t id, uint32_t shift, uint32_t b) {
  return (id >> shift) & ctable_index_mask(b);
}

/* index_l of id. */
static inline uint32_t ctable_index(uint32_t levels, const uint32_t *bits, uint32_t id,
                                    uint32_t l) {
  return ctable_index_at(id, ctable_shift(levels, bits, l), bits[l]);
}

/* The ID bits a table of covered width w does not cover (0 for w = 32). */
static inline uint32_t ctable_range_mask(uint32_t w) {
  return w >= CTABLE_ID_BITS ? 0u : ~((1u << w) - 1u);
}

/* 1 if id passes the range check of covered width w. */
static inline int ctable_in_range(uint32_t w, uint32_t id) {
  return w >= CTABLE_ID_BITS || (id >> w) == 0;
}

/* Entries and bytes of one table of a level b bits wide. */
static inline uint32_t ctable_level_entries(uint32_t b) { return 1u << b; }
static inline uint32_t ctable_level_bytes(uint32_t b) { return CTABLE_ENTRY_BYTES << b; }

/* The address of entry `index` of the table at `base` (32-bit wrap-around). */
static inline uint32_t ctable_entry_addr(uint32_t base, uint32_t index) {
  return base + index * CTABLE_ENTRY_BYTES;
}

/* ---------------------------------------------------------------- entries */

static inline int ctable_valid(uint32_t e) { return (e & CTABLE_VALID) != 0; }
/* (of a valid entry) */
static inline int ctable_is_leaf(uint32_t e) { return (e & CTABLE_LEAF) != 0; }
/* bits 31:2: the function address of a leaf, the next table of a non-leaf */
static inline uint32_t ctable_target(uint32_t e) { return e & ~CTABLE_FLAGS; }
/* A leaf of the function at addr (4-byte aligned). */
static inline uint32_t ctable_leaf(uint32_t addr) { return addr | CTABLE_VALID | CTABLE_LEAF; }
/* A non-leaf entry pointing at the table at base (4-byte aligned). */
static inline uint32_t ctable_next(uint32_t base) { return base | CTABLE_VALID; }

/* Root register. */
static inline int ctable_root_enabled(uint32_t root) { return (root & CTABLE_VALID) != 0; }
static inline uint32_t ctable_root_base(uint32_t root) { return root & ~CTABLE_FLAGS; }
static inline uint32_t ctable_root(uint32_t base) { return base | CTABLE_VALID; }

/* ---------------------------------------------------------------- layout */

/* A geometry with its per-level shifts and masks worked out once (for the
 * walkers, which index every level of every walk). */
typedef struct {
  uint32_t levels, width, range_mask;
  uint32_t bits[CTABLE_MAX_LEVELS], shift[CTABLE_MAX_LEVELS], mask[CTABLE_MAX_LEVELS];
} ctable_geo_t;

/* From a geometry ctable_check accepts; unused levels get 0. */
static inline void ctable_geo_init(ctable_geo_t *g, uint32_t levels, const uint32_t *bits) {
  g->levels = levels;
  g->width = ctable_width(levels, bits);
  g->range_mask = ctable_range_mask(g->width);
  for (uint32_t l = 0; l < CTABLE_MAX_LEVELS; l++) {
    int used = l < levels;
    g->bits[l] = used ? bits[l] : 0;
    g->shift[l] = used ? ctable_shift(levels, bits, l) : 0;
    g->mask[l] = used ? ctable_index_mask(bits[l]) : 0;
  }
}

static inline uint32_t ctable_geo_index(const ctable_geo_t *g, uint32_t id, uint32_t l) {
  return (id >> g->shift[l]) & g->mask[l];
}

/* The address of id's entry in the table of level l at base. */
static inline uint32_t ctable_geo_entry(const ctable_geo_t *g, uint32_t base, uint32_t id,
                                        uint32_t l) {
  return ctable_entry_addr(base, ctable_geo_index(g, id, l));
}

/* ---------------------------------------------------------------- walk */

/* Reads the 32-bit entry at addr into *word; returns 0, or nonzero for a
 * failed read (fault BUS). */
typedef int (*ctable_read_fn)(void *ctx, uint32_t addr, uint32_t *word);

typedef struct {
  uint32_t fault;      /* CTABLE_FAULT_* */
  uint32_t addr;       /* the function address; 0 on a fault */
  uint32_t level;      /* the level of the last entry read (0 if none) */
  uint32_t entry_addr; /* its address (0 if none was read) */
  uint32_t entry;      /* its value (0 if none or the read failed) */
} ctable_walk_t;

/* The translation of id under root, in the order of the spec: DISABLED, then
 * RANGE, then one entry per level until a leaf (at any level), an invalid
 * entry, a non-leaf at the last level (INVALID) or a failed read (BUS).
 * Returns w->fault. */
static inline uint32_t ctable_walk(const ctable_geo_t *g, uint32_t root, uint32_t id,
                                   ctable_read_fn rd, void *ctx, ctable_walk_t *w) {
  w->fault = CTABLE_FAULT_NONE;
  w->addr = w->level = w->entry_addr = w->entry = 0;
  if (!ctable_root_enabled(root)) return w->fault = CTABLE_FAULT_DISABLED;
  if (id & g->range_mask) return w->fault = CTABLE_FAULT_RANGE;
  uint32_t base = ctable_root_base(root);
  for (uint32_t l = 0; l < g->levels; l++) {
    uint32_t ea = ctable_geo_entry(g, base, id, l), e = 0;
    w->level = l;
    w->entry_addr = ea;
    w->entry = 0;
    if (rd(ctx, ea, &e)) return w->fault = CTABLE_FAULT_BUS;
    w->entry = e;
    if (!ctable_valid(e)) return w->fault = CTABLE_FAULT_INVALID;
    if (ctable_is_leaf(e)) {
      w->addr = ctable_target(e);
      return CTABLE_FAULT_NONE;
    }
    base = ctable_target(e);
  }
  return w->fault = CTABLE_FAULT_INVALID; /* non-leaf at the last level */
}

#ifdef __cplusplus
}
#endif
#endif /* CTABLE_H */
