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

/* An ID some hart looked up. */
typedef struct {
  uint32_t id;
  int have;       /* a completion point recorded its target */
  uint32_t v;     /* its target then (NO_TARGET: unmapped) */
  int have_prev;  /* ... and one before it */
  uint32_t vprev; /* the target then */
  uint64_t since; /* the completion cycle */
  unsigned by;    /* the hart whose ctlb.sync it was */
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
      r->have_prev = r->have;
      r->vprev = r->v;
      r->v = v;
      r->have = 1;
      r->since = c;
      r->by = h->id;
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
  if (fault || !r->have) return;
  s->checked++;
  /* before the completion cycle, the target of the point before is still
   * allowed (anything, before the first point) */
  if (addr == r->v || (e < r->since && (!r->have_prev || addr == r->vprev)))
    return;
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
           h->id, e, id, addr, now, r->by, r->since);
  plat_error(p, msg);
  p->stop_hart = h->id;
}
