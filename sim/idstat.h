/*
 * idstat.h: per-function figures of a run (docs/ctsim.md, "Functions"):
 * for every function ID the program used, its callid calls, CTLB misses,
 * walk cycles and faults, and the other events naming it (xlat, ctlb.inv,
 * --patch-at). A hash table with open addressing, touched only by the
 * call-ID instructions, so programs without them pay nothing.
 */
#ifndef CTSIM_IDSTAT_H
#define CTSIM_IDSTAT_H

#include <stddef.h>
#include <stdint.h>

#include "elf.h"

#define IDSTAT_MAX (1u << 18) /* IDs tracked; events of later ones: dropped */

typedef struct {
  uint32_t id;
  uint32_t target;      /* the first successful translation (0: none yet) */
  uint64_t calls;       /* callid executed (retired or faulting) */
  uint64_t misses;      /* ... that missed the CTLB */
  uint64_t walk_cycles; /* their EX cycles beyond a hit's one (the walks) */
  uint64_t faults;      /* ... that faulted */
  uint64_t other;       /* xlat, ctlb.inv and --patch-at events */
  uint32_t last;        /* the last successful translation of a callid */
  uint64_t inv_at;      /* cycle of its last ctlb.inv or --patch-at (0: none) */
  int used;
} id_stat_t;

/* A switch: the first callid of an ID that reached another target than the
 * ID's previous callid (a patch taking effect; docs/ctsim.md, "Switches"). */
typedef struct {
  uint32_t id, from, to;
  uint64_t inv_at;      /* the ID's last invalidate before it (0: none) */
  uint64_t call_at;     /* the callid's EX entry */
  uint64_t walk_cycles; /* its EX cycles beyond a hit's one */
} id_switch_t;

#define IDSWITCH_MAX 256 /* switches kept; later ones are only counted */

typedef struct {
  id_switch_t e[IDSWITCH_MAX];
  unsigned n;     /* kept */
  uint64_t total; /* all of them */
} id_switches_t;

typedef struct {
  id_stat_t *e;
  uint32_t cap, n;  /* slots (a power of two, or 0), slots used */
  unsigned shift;   /* 32 - log2(cap) */
  uint64_t dropped; /* events of IDs that did not fit */
} id_table_t;

/* The slot of id, created if needed; NULL when the table is full (the event
 * is counted in dropped). */
id_stat_t *idstat_insert(id_table_t *t, uint32_t id);

/* Fibonacci hashing: the top log2(cap) bits of id * 2^32 / phi */
static inline uint32_t idstat_hash(uint32_t id, unsigned shift) {
  return (id * 0x9E3779B1u) >> shift;
}

static inline id_stat_t *idstat_get(id_table_t *t, uint32_t id) {
  if (t->cap) {
    id_stat_t *e = &t->e[idstat_hash(id, t->shift)];
    if (e->used && e->id == id) return e;
  }
  return idstat_insert(t, id);
}

/* The slot of id, NULL if it has none (no insertion). */
const id_stat_t *idstat_find(const id_table_t *t, uint32_t id);

/* Every ID whose last invalidate was in cycle from has it in cycle to instead
 * (a broadcast's arrival moved, plat_sync_retire). */
void idstat_move_inv(id_table_t *t, uint64_t from, uint64_t to);

void idstat_free(id_table_t *t);

/* The used slots, sorted by calls (most first), then other events, then
 * ID; *n their number. NULL (and *n = 0) when there are none or memory is
 * short. The caller frees the array. */
const id_stat_t **idstat_sorted(const id_table_t *t, size_t *n);

/* The name of the function of s: the ct_registry's for its ID, else the
 * symbol at its first target; NULL if neither is known. */
const char *idstat_name(const elf_names_t *names, const id_stat_t *s);

#endif /* CTSIM_IDSTAT_H */
