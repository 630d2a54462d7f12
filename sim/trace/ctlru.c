/*
 * ctlru: one pass over a call trace (traces/FORMAT.md) gives the CTLB hits of
 * LRU replacement for every associativity at a given number of sets (the
 * all-associativity simulation of Hill and Smith, 1989; with one set it is
 * Mattson et al.'s stack-distance analysis of 1970), plus the facts about the
 * trace that the cycle counts of a CTLB without a walk cache follow from
 * (docs/sweeps.md, "One-pass evaluation"). scripts/sweep.py runs it instead of
 * one cttrace run per LRU point.
 *
 * The model is the C model's and the RTL's (docs/accelerator.md): the set of
 * an ID is its low bits; within a set, a miss fills the lowest free way if
 * there is one (so after invalidations the set holds "the IDs in the top W
 * slots" of its LRU stack, not "the top W IDs"), else evicts the least
 * recently used way. Each set keeps an LRU stack of slots, an ID or a hole
 * (scripts/stackdist.py has the rules and the argument): a call to y has the
 * distance "slots above y's slot" (infinite if y is not on the stack) and hits
 * in a W-way set exactly when the distance is below W. Distances come from a
 * Fenwick tree over each set's time stamps and a heap of each set's hole time
 * stamps, O(log n) per event; a flush starts new stacks (the old slots keep
 * their smaller time stamps, which no later distance counts).
 *
 * Output: JSON on stdout (docs/sweeps.md); errors: one line on stderr, exit 2.
 */
#define _POSIX_C_SOURCE 200809L
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ctable.h"
#include "ctrace_read.h"
#include "xlat_opts.h"

#define MAX_SETS_ARGS 16
#define MAX_GEOMETRIES 64

static void die(const char *fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  fputs("ctlru: ", stderr);
  vfprintf(stderr, fmt, ap);
  fputc('\n', stderr);
  va_end(ap);
  exit(2);
}

static void *xcalloc(size_t n, size_t size) {
  void *p = calloc(n ? n : 1, size);
  if (!p) die("out of memory");
  return p;
}

static void usage(FILE *f) {
  fprintf(
      f,
      "usage: ctlru [options] TRACE\n"
      "One pass over a call trace (traces/FORMAT.md) gives the hits of an LRU "
      "CTLB of\n"
      "S sets for every number of ways 1, 2, 4, ... W (all-associativity "
      "simulation;\n"
      "S = 1: LRU stack distances), and the trace's event counts, its largest "
      "ID and\n"
      "the function-table size cttrace would build for each table geometry. "
      "Prints\n"
      "JSON on stdout (docs/sweeps.md).\n"
      "\n"
      "options (numbers decimal or 0x hex):\n"
      "  --sets S:W        sets S (a power of two 1..1024) and the largest "
      "number of\n"
      "                    ways W (a power of two, S x W <= 1024); repeatable\n"
      "  --geometry A,B,C  table level widths, root first, as "
      "--ctlb-levels; repeatable\n"
      "  --help            this text\n"
      "\n"
      "Exit status: 0 ok; 2 bad option, unreadable or invalid trace.\n");
}

/* ---------------------------------------------------------------- ID map */
typedef struct {
  uint32_t *key, *val; /* val = dense index + 1; 0 = empty */
  uint32_t mask, n;
} idmap_t;

static uint32_t idhash(uint32_t id) {
  uint32_t h = id * 0x9E3779B1u;
  return h ^ (h >> 16);
}

static void idmap_init(idmap_t *m, uint32_t cap) {
  m->mask = cap - 1;
  m->n = 0;
  m->key = xcalloc(cap, sizeof *m->key);
  m->val = xcalloc(cap, sizeof *m->val);
}

/* The dense index of id; inserted (as *n) when insert is set, else -1. */
static int64_t idmap_get(idmap_t *m, uint32_t id, int insert, uint32_t *n) {
  uint32_t i = idhash(id) & m->mask;
  while (m->val[i]) {
    if (m->key[i] == id) return m->val[i] - 1;
    i = (i + 1) & m->mask;
  }
  if (!insert) return -1;
  m->key[i] = id;
  m->val[i] = ++*n;
  if (++m->n * 2 > m->mask) { /* grow */
    idmap_t g;
    idmap_init(&g, (m->mask + 1) * 2);
    for (uint32_t j = 0; j <= m->mask; j++) {
      if (!m->val[j]) continue;
      uint32_t k = idhash(m->key[j]) & g.mask;
      while (g.val[k]) k = (k + 1) & g.mask;
      g.key[k] = m->key[j];
      g.val[k] = m->val[j];
      g.n++;
    }
    free(m->key);
    free(m->val);
    *m = g;
  }
  return *n - 1;
}

/* ---------------------------------------------------------------- events */
enum { EV_CALL = 0, EV_DROP = 1, EV_FLUSH = 2 }; /* DROP: inv or patch */

typedef struct {
  uint8_t *kind;
  uint32_t *d; /* dense ID (EV_CALL, EV_DROP); UINT32_MAX: an ID never seen */
  size_t n, cap;
} events_t;

static void ev_push(events_t *e, uint8_t kind, uint32_t d) {
  if (e->n == e->cap) {
    e->cap = e->cap ? e->cap * 2 : 1u << 16;
    e->kind = realloc(e->kind, e->cap);
    e->d = realloc(e->d, e->cap * sizeof *e->d);
    if (!e->kind || !e->d) die("out of memory");
  }
  e->kind[e->n] = kind;
  e->d[e->n++] = d;
}

/* ---------------------------------------------------------------- one pass */
typedef struct {
  uint32_t *a, n, cap;
} heap_t; /* max-heap of hole time stamps */

static void heap_push(heap_t *h, uint32_t v) {
  if (h->n == h->cap) {
    h->cap = h->cap ? h->cap * 2 : 8;
    h->a = realloc(h->a, h->cap * sizeof *h->a);
    if (!h->a) die("out of memory");
  }
  uint32_t i = h->n++;
  while (i && h->a[(i - 1) / 2] < v) {
    h->a[i] = h->a[(i - 1) / 2];
    i = (i - 1) / 2;
  }
  h->a[i] = v;
}

static uint32_t heap_pop(heap_t *h) {
  uint32_t top = h->a[0], v = h->a[--h->n], i = 0;
  for (;;) {
    uint32_t c = 2 * i + 1;
    if (c >= h->n) break;
    if (c + 1 < h->n && h->a[c + 1] > h->a[c]) c++;
    if (h->a[c] <= v) break;
    h->a[i] = h->a[c];
    i = c;
  }
  if (h->n) h->a[i] = v;
  return top;
}

/* hits[k] = hits of 2^k ways, k = 0..log2(max_ways) */
static void one_pass(const events_t *ev, const uint32_t *ids, uint32_t nids,
                     uint32_t sets, uint32_t max_ways, uint64_t *hits) {
  uint32_t smask = sets - 1;
  uint64_t *cnt = xcalloc(sets, sizeof *cnt);
  for (size_t i = 0; i < ev->n; i++)
    if (ev->kind[i] == EV_CALL) cnt[ids[ev->d[i]] & smask]++;
  size_t *off = xcalloc(sets, sizeof *off), total_n = 0;
  for (uint32_t s = 0; s < sets; s++) {
    off[s] = total_n;
    total_n += cnt[s] + 1;
  }
  int32_t *bit = xcalloc(total_n, sizeof *bit); /* 1-based per set */
  uint32_t *now = xcalloc(sets, sizeof *now);
  int64_t *live = xcalloc(sets, sizeof *live);  /* sum of the set's tree */
  uint32_t *last = xcalloc(nids, sizeof *last); /* time stamp; 0 = absent */
  uint32_t *epoch_of = xcalloc(nids, sizeof *epoch_of);
  heap_t *holes = xcalloc(sets, sizeof *holes);
  uint64_t *hist = xcalloc((size_t)max_ways + 1, sizeof *hist);
  uint32_t epoch = 1;
  for (size_t i = 0; i < ev->n; i++) {
    uint8_t k = ev->kind[i];
    if (k == EV_FLUSH) {
      epoch++;
      for (uint32_t s = 0; s < sets; s++) holes[s].n = 0;
      continue;
    }
    uint32_t d = ev->d[i];
    if (d == UINT32_MAX) continue; /* dropping an ID never called */
    uint32_t s = ids[d] & smask;
    int32_t *t = bit + off[s];
    size_t tn = cnt[s];
    uint32_t ty = epoch_of[d] == epoch ? last[d] : 0;
    heap_t *h = &holes[s];
    if (k == EV_DROP) {
      if (ty) {
        heap_push(h, ty);
        last[d] = 0;
      }
      continue;
    }
    /* a call */
    if (ty) {
      int64_t before = 0;
      for (size_t j = ty; j > 0; j -= j & (~j + 1)) before += t[j];
      uint64_t dist = (uint64_t)(live[s] - before);
      hist[dist < max_ways ? dist : max_ways]++;
    } else {
      hist[max_ways]++;
    }
    uint32_t gone = 0;
    if (h->n && (!ty || h->a[0] > ty)) {
      gone = heap_pop(h);       /* the topmost hole above y's slot */
      if (ty) heap_push(h, ty); /* y's old slot becomes a hole */
    } else if (ty) {
      gone = ty; /* y's slot is removed */
    }
    if (gone) {
      for (size_t j = gone; j <= tn; j += j & (~j + 1)) t[j]--;
      live[s]--;
    }
    uint32_t ts = ++now[s];
    for (size_t j = ts; j <= tn; j += j & (~j + 1)) t[j]++;
    live[s]++;
    last[d] = ts;
    epoch_of[d] = epoch;
  }
  uint64_t sum = 0;
  for (uint32_t w = 0, k = 0; w < max_ways; w++) {
    sum += hist[w];
    if (((w + 1) & w) == 0) hits[k++] = sum; /* w + 1 a power of two */
  }
  for (uint32_t s = 0; s < sets; s++) free(holes[s].a);
  free(holes);
  free(hist);
  free(epoch_of);
  free(last);
  free(live);
  free(now);
  free(bit);
  free(off);
  free(cnt);
}

static int cmp_u32(const void *a, const void *b) {
  uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;
  return x < y ? -1 : x > y;
}

/* ---------------------------------------------------------------- main */
static int is_pow2(uint64_t v) { return v && !(v & (v - 1)); }

static uint32_t parse_num(const char *opt, const char *s, uint64_t lo,
                          uint64_t hi) {
  uint64_t v;
  char err[256];
  if (xo_number_in(opt, s, lo, hi, &v, err, sizeof err)) die("option %s", err);
  return (uint32_t)v;
}

int main(int argc, char **argv) {
  const char *trace = NULL;
  uint32_t nsets = 0, set_s[MAX_SETS_ARGS], set_w[MAX_SETS_ARGS];
  uint32_t ngeo = 0, geo_n[MAX_GEOMETRIES],
           geo_b[MAX_GEOMETRIES][CTABLE_MAX_LEVELS];
  for (int i = 1; i < argc; i++) {
    const char *a = argv[i];
    if (!strcmp(a, "--help") || !strcmp(a, "-h")) {
      usage(stdout);
      return 0;
    }
    if (!strcmp(a, "--sets") || !strcmp(a, "--geometry")) {
      if (i + 1 >= argc) die("option %s needs a value", a);
      char buf[128];
      snprintf(buf, sizeof buf, "%s", argv[++i]);
      if (a[2] == 's') {
        char *colon = strchr(buf, ':');
        if (!colon) die("option --sets: '%s' is not S:W", argv[i]);
        *colon = '\0';
        uint32_t s = parse_num("--sets", buf, 1, 1024);
        uint32_t w = parse_num("--sets", colon + 1, 1, 1024);
        if (!is_pow2(s) || !is_pow2(w) || (uint64_t)s * w > 1024)
          die("option --sets: '%s': S and W powers of two, S x W <= 1024",
              argv[i]);
        if (nsets == MAX_SETS_ARGS)
          die("option --sets: at most %d", MAX_SETS_ARGS);
        set_s[nsets] = s;
        set_w[nsets++] = w;
      } else {
        if (ngeo == MAX_GEOMETRIES)
          die("option --geometry: at most %d", MAX_GEOMETRIES);
        uint32_t n = 0;
        for (char *tok = strtok(buf, ",."); tok; tok = strtok(NULL, ",.")) {
          if (n == CTABLE_MAX_LEVELS)
            die("option --geometry: '%s': 1..4 levels", argv[i]);
          geo_b[ngeo][n++] =
              parse_num("--geometry", tok, 1, CTABLE_MAX_LEVEL_BITS);
        }
        if (ctable_check(n, geo_b[ngeo], NULL) != CTABLE_GEO_OK)
          die("option --geometry: '%s': 1..4 widths summing to at most 32",
              argv[i]);
        geo_n[ngeo++] = n;
      }
      continue;
    }
    if (a[0] == '-' && a[1]) die("unknown option '%s' (see --help)", a);
    if (trace) die("more than one trace given ('%s' and '%s')", trace, a);
    trace = a;
  }
  if (!trace) die("no trace given (see --help)");

  char err[512];
  ctr_t *rd = ctr_open(trace, err, sizeof err);
  if (!rd) die("%s", err);
  idmap_t map;
  idmap_init(&map, 1u << 12);
  uint32_t nids = 0, ids_cap = 1u << 12;
  uint32_t *ids = xcalloc(ids_cap, sizeof *ids);
  uint8_t *in_table = xcalloc(ids_cap, 1); /* called or patched */
  events_t ev = {0};
  uint64_t events = 0, calls = 0, patches = 0, invs = 0, flushes = 0, gaps = 0,
           gap_cycles = 0;
  int64_t max_id = -1;
  ctr_event_t e;
  int rc;
  while ((rc = ctr_next(rd, &e)) == 1) {
    events++;
    if (e.kind == CTR_GAP) {
      gaps++;
      gap_cycles += e.a;
      continue;
    }
    if (e.kind == CTR_FLUSH) {
      flushes++;
      ev_push(&ev, EV_FLUSH, 0);
      continue;
    }
    int table = e.kind == CTR_CALL || e.kind == CTR_PATCH;
    int64_t d = idmap_get(&map, e.a, table, &nids);
    if (d >= 0 && (uint32_t)d >= ids_cap) {
      ids_cap *= 2;
      ids = realloc(ids, ids_cap * sizeof *ids);
      in_table = realloc(in_table, ids_cap);
      if (!ids || !in_table) die("out of memory");
    }
    if (table) {
      ids[d] = e.a;
      in_table[d] = 1;
      if ((int64_t)e.a > max_id) max_id = e.a;
    }
    if (e.kind == CTR_CALL) {
      calls++;
      ev_push(&ev, EV_CALL, (uint32_t)d);
    } else {
      if (e.kind == CTR_PATCH)
        patches++;
      else
        invs++;
      ev_push(&ev, EV_DROP, d < 0 ? UINT32_MAX : (uint32_t)d);
    }
  }
  if (rc < 0) die("%s", ctr_error(rd));
  ctr_close(rd);

  /* the function table cttrace builds: the root table, and one table of
   * level l (l >= 1) per distinct ID prefix above it */
  uint32_t *sorted = xcalloc(nids, sizeof *sorted);
  uint32_t nt = 0;
  for (uint32_t d = 0; d < nids; d++)
    if (in_table[d]) sorted[nt++] = ids[d];
  qsort(sorted, nt, sizeof *sorted, cmp_u32);

  printf("{\n  \"trace\": \"");
  for (const char *p = trace; *p; p++) {
    unsigned char ch = (unsigned char)*p;
    if (ch == '"' || ch == '\\')
      printf("\\%c", ch);
    else if (ch < 0x20)
      printf("\\u%04x", ch);
    else
      putchar(ch);
  }
  printf("\",\n");
  printf("  \"events\": %" PRIu64 ",\n  \"calls\": %" PRIu64
         ",\n  \"patches\": %" PRIu64 ",\n  \"inv_events\": %" PRIu64
         ",\n  \"flushes\": %" PRIu64 ",\n  \"gaps\": %" PRIu64
         ",\n  \"gap_cycles\": %" PRIu64 ",\n  \"ids\": %" PRIu32
         ",\n  \"max_id\": %" PRId64 ",\n",
         events, calls, patches, invs, flushes, gaps, gap_cycles, nt, max_id);
  printf("  \"geometries\": [");
  for (uint32_t g = 0; g < ngeo; g++) {
    /* one root table, and at level l one table per distinct ID prefix
     * above it (the ID bits at and above S_{l-1}) */
    uint64_t words = ctable_level_entries(geo_b[g][0]);
    for (uint32_t l = 1; l < geo_n[g]; l++) {
      uint32_t sh = ctable_shift(geo_n[g], geo_b[g], l - 1);
      uint64_t distinct = 0;
      for (uint32_t i = 0; i < nt; i++)
        if (!i || (sorted[i] >> sh) != (sorted[i - 1] >> sh)) distinct++;
      words += distinct * ctable_level_entries(geo_b[g][l]);
    }
    printf("%s\n    {\"level_bits\": [", g ? "," : "");
    for (uint32_t l = 0; l < geo_n[g]; l++)
      printf("%s%" PRIu32, l ? ", " : "", geo_b[g][l]);
    printf("], \"table_words\": %" PRIu64 "}", words);
  }
  printf("%s],\n  \"sets\": [", ngeo ? "\n  " : "");
  for (uint32_t k = 0; k < nsets; k++) {
    uint32_t nk = 0;
    while ((1u << nk) < set_w[k]) nk++;
    uint64_t hits[11];
    one_pass(&ev, ids, nids, set_s[k], set_w[k], hits);
    printf("%s\n    {\"sets\": %" PRIu32 ", \"hits\": [", k ? "," : "",
           set_s[k]);
    for (uint32_t j = 0; j <= nk; j++)
      printf("%s%" PRIu64, j ? ", " : "", hits[j]);
    printf("]}");
  }
  printf("%s]\n}\n", nsets ? "\n  " : "");
  free(sorted);
  free(ids);
  free(in_table);
  free(map.key);
  free(map.val);
  free(ev.kind);
  free(ev.d);
  if (fflush(stdout) || ferror(stdout)) die("cannot write the output");
  return 0;
}
