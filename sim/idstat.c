/*
 * idstat.c: the per-function table (sim/idstat.h).
 */
#include "idstat.h"

#include <stdlib.h>
#include <string.h>

static id_stat_t *probe(id_stat_t *e, uint32_t cap, unsigned shift,
                        uint32_t id) {
  for (uint32_t i = idstat_hash(id, shift);; i = (i + 1) & (cap - 1))
    if (!e[i].used || e[i].id == id) return &e[i];
}

id_stat_t *idstat_insert(id_table_t *t, uint32_t id) {
  if (t->cap) {
    id_stat_t *e = probe(t->e, t->cap, t->shift, id);
    if (e->used) return e;
  }
  if (t->n >= IDSTAT_MAX) {
    t->dropped++;
    return NULL;
  }
  if ((uint64_t)(t->n + 1) * 2 > t->cap) { /* at most half full */
    uint32_t nc = t->cap ? t->cap * 2 : 64;
    unsigned ns = t->cap ? t->shift - 1 : 32 - 6;
    id_stat_t *ne = calloc(nc, sizeof *ne);
    if (!ne) {
      t->dropped++;
      return NULL;
    }
    for (uint32_t i = 0; i < t->cap; i++)
      if (t->e[i].used) *probe(ne, nc, ns, t->e[i].id) = t->e[i];
    free(t->e);
    t->e = ne, t->cap = nc, t->shift = ns;
  }
  id_stat_t *e = probe(t->e, t->cap, t->shift, id);
  memset(e, 0, sizeof *e);
  e->id = id, e->used = 1;
  t->n++;
  return e;
}

const id_stat_t *idstat_find(const id_table_t *t, uint32_t id) {
  if (!t->cap) return NULL;
  const id_stat_t *e = probe(t->e, t->cap, t->shift, id);
  return e->used ? e : NULL;
}

void idstat_move_inv(id_table_t *t, uint64_t from, uint64_t to) {
  for (uint32_t i = 0; i < t->cap; i++)
    if (t->e[i].used && t->e[i].inv_at == from) t->e[i].inv_at = to;
}

void idstat_free(id_table_t *t) {
  free(t->e);
  memset(t, 0, sizeof *t);
}

static int by_calls(const void *a, const void *b) {
  const id_stat_t *x = *(const id_stat_t *const *)a;
  const id_stat_t *y = *(const id_stat_t *const *)b;
  if (x->calls != y->calls) return x->calls > y->calls ? -1 : 1;
  if (x->other != y->other) return x->other > y->other ? -1 : 1;
  if (x->id != y->id) return x->id < y->id ? -1 : 1;
  return 0;
}

const id_stat_t **idstat_sorted(const id_table_t *t, size_t *n) {
  *n = 0;
  if (!t->n) return NULL;
  const id_stat_t **v = malloc(t->n * sizeof *v);
  if (!v) return NULL;
  for (uint32_t i = 0; i < t->cap; i++)
    if (t->e[i].used) v[(*n)++] = &t->e[i];
  qsort(v, *n, sizeof *v, by_calls);
  return v;
}

const char *idstat_name(const elf_names_t *names, const id_stat_t *s) {
  const char *r = elf_id_name(names, s->id);
  if (!r && s->target) r = elf_name_at(names, s->target);
  return r;
}
