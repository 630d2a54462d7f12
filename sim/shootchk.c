/*
 * shootchk.c: --check-shootdown (shootchk.h).
 */
#include "shootchk.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ctable.h"
#include "platform.h"

/* The targets an ID must have had since completion points: a new entry
 * only when a completion point finds another target than the last entry's
 * (other IDs' completion points change nothing); the last SHOOT_HIST kept. */
#define SHOOT_HIST 8

/* An ID some hart looked up. */
typedef struct {
  uint32_t id;
  unsigned n;                 /* entries kept (0: no completion point yet) */
  uint32_t v[SHOOT_HIST];     /* the target (NO_TARGET: unmapped) ... */
  uint64_t since[SHOOT_HIST]; /* ... from this completion cycle on */
  unsigned by[SHOOT_HIST];    /* the hart whose ctlb.sync it was */
} shoot_rec_t;

#define NO_TARGET 1u /* no target is odd */

struct shoot_chk {
  shoot_rec_t *rec; /* open addressing, cap a power of two */
  unsigned n, cap;
  shoot_rec_t id0; /* ID 0 (0 marks a free slot of rec) */
  int id0_used;
  uint64_t completions, checked;
};

shoot_chk_t *shoot_new(void) {
  shoot_chk_t *s = calloc(1, sizeof *s);
  if (!s) return NULL;
  s->cap = 64;
  s->rec = calloc(s->cap, sizeof *s->rec);
  if (!s->rec) {
    free(s);
    return NULL;
  }
  return s;
}

void shoot_free(shoot_chk_t *s) {
  if (!s) return;
  free(s->rec);
  free(s);
}

void shoot_counts(const shoot_chk_t *s, uint64_t *completions,
                  uint64_t *checked) {
  *completions = s->completions;
  *checked = s->checked;
}

static shoot_rec_t *find(shoot_chk_t *s, uint32_t id, int add) {
  if (id == 0) {
    if (!s->id0_used && add) {
      memset(&s->id0, 0, sizeof s->id0);
      s->id0_used = 1;
    }
    return s->id0_used ? &s->id0 : NULL;
  }
  if (add && 2 * (s->n + 1) > s->cap) { /* grow */
    unsigned cap = 2 * s->cap;
    shoot_rec_t *r = calloc(cap, sizeof *r);
    if (!r) return NULL;
    for (unsigned i = 0; i < s->cap; i++) {
      if (!s->rec[i].id) continue;
      unsigned j = (s->rec[i].id * 2654435761u) & (cap - 1);
      while (r[j].id) j = (j + 1) & (cap - 1);
      r[j] = s->rec[i];
    }
    free(s->rec);
    s->rec = r, s->cap = cap;
  }
  unsigned j = (id * 2654435761u) & (s->cap - 1);
  while (s->rec[j].id && s->rec[j].id != id) j = (j + 1) & (s->cap - 1);
  if (s->rec[j].id == id) return &s->rec[j];
  if (!add) return NULL;
  memset(&s->rec[j], 0, sizeof s->rec[j]);
  s->rec[j].id = id;
  s->n++;
  return &s->rec[j];
}

static int read_word(void *ctx, uint32_t ea, uint32_t *v) {
  const platform_t *p = ctx;
  uint32_t o = ea - RAM_BASE;
  if (o > p->mem.ram_size - 4) return -1;
  memcpy(v, p->mem.ram + o, 4);
  return 0;
}

/* The table's target of id now (NO_TARGET: unmapped), walked with root. */
static uint32_t table_target(platform_t *p, uint32_t root, uint32_t id) {
  ctable_geo_t geo;
  ctable_geo_init(&geo, p->cfg.xlat.levels, p->cfg.xlat.level_bits);
  ctable_walk_t w;
  ctable_walk(&geo, root, id, read_word, p, &w);
  return w.fault == CTABLE_FAULT_NONE ? w.addr : NO_TARGET;
}

void shoot_complete(hart_t *h, uint64_t c) {
  platform_t *p = h->plat;
  shoot_chk_t *s = p->shoot;
  s->completions++;
  for (int pass = 0; pass < 2; pass++) {
    unsigned n = pass ? s->cap : (s->id0_used ? 1 : 0);
    for (unsigned i = 0; i < n; i++) {
      shoot_rec_t *r = pass ? &s->rec[i] : &s->id0;
      if (pass && !r->id) continue;
      uint32_t v = table_target(p, h->ctroot, r->id);
      if (r->n && r->v[r->n - 1] == v) continue; /* no change since */
      if (r->n == SHOOT_HIST) {
        memmove(r->v, r->v + 1, (SHOOT_HIST - 1) * sizeof r->v[0]);
        memmove(r->since, r->since + 1, (SHOOT_HIST - 1) * sizeof r->since[0]);
        memmove(r->by, r->by + 1, (SHOOT_HIST - 1) * sizeof r->by[0]);
        r->n--;
      }
      r->v[r->n] = v;
      r->since[r->n] = c;
      r->by[r->n] = h->id;
      r->n++;
    }
  }
}

void shoot_lookup(hart_t *h, uint64_t e, uint32_t id, uint32_t addr,
                  unsigned fault) {
  platform_t *p = h->plat;
  shoot_chk_t *s = p->shoot;
  shoot_rec_t *r = find(s, id, 1);
  if (!r) {
    plat_error(p, "--check-shootdown: out of memory");
    return;
  }
  if (fault || !r->n) return;
  s->checked++;
  /* at local time e the target required since the last entry at or before e,
   * or any later one (a patch the hart has not reached); anything before the
   * first entry kept */
  unsigned k = r->n;
  while (k && r->since[k - 1] > e) k--;
  if (!k) return;
  for (unsigned i = k - 1; i < r->n; i++)
    if (addr == r->v[i]) return;
  uint32_t cur = table_target(p, h->ctroot, id);
  if (addr == cur) return;
  static char msg[400];
  char now[16];
  if (cur == NO_TARGET)
    snprintf(now, sizeof now, "no target");
  else
    snprintf(now, sizeof now, "0x%08" PRIx32, cur);
  snprintf(msg, sizeof msg,
           "--check-shootdown: hart %u, cycle %" PRIu64 ": ID 0x%" PRIx32
           " translated to 0x%08" PRIx32
           ", a target the table no longer holds (it holds %s; "
           "patch completed by the ctlb.sync of hart %u in cycle %" PRIu64 ")",
           h->id, e, id, addr, now, r->by[r->n - 1], r->since[r->n - 1]);
  plat_error(p, msg);
  p->stop_hart = h->id;
}
