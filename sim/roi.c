/*
 * roi.c: region-of-interest markers (roi.h, docs/ctsim.md "Regions of
 * interest"). Only the markers' own handler calls in here, so a program
 * without markers never does.
 */
#include "roi.h"

#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "platform.h"

void roi_counters(const hart_t *h, uint64_t cycle, roi_counters_t *c) {
  memset(c, 0, sizeof *c);
  c->cycle = cycle;
  c->retired = h->retired;
  memcpy(c->op, h->st.op, sizeof c->op);
  c->br_taken = h->st.br_taken;
  uint64_t runs = 0, insns = 0;
  cpu_block_counts(h, c->op, &c->br_taken, &runs, &insns);
  c->traps = h->st.traps;
  c->interrupts = h->st.interrupts;
  memcpy(c->stall, h->st.stall, sizeof c->stall);
  c->callids = h->st.callids;
  c->callid_cost = h->st.callid_cost;
  c->patches = h->st.patches;
  if (h->acc->xl) {
    xlat_get_counters(h->acc->xl, &c->k);
    c->clocked = xlat_cycles(h->acc->xl);
  }
}

/* d = a - b, field by field */
static void counters_diff(const roi_counters_t *a, const roi_counters_t *b,
                          roi_counters_t *d) {
  d->cycle = a->cycle - b->cycle;
  d->retired = a->retired - b->retired;
  for (unsigned i = 0; i < OP_COUNT; i++) d->op[i] = a->op[i] - b->op[i];
  d->br_taken = a->br_taken - b->br_taken;
  d->traps = a->traps - b->traps;
  d->interrupts = a->interrupts - b->interrupts;
  for (unsigned i = 0; i < STALL_COUNT; i++)
    d->stall[i] = a->stall[i] - b->stall[i];
  d->callids = a->callids - b->callids;
  d->callid_cost = a->callid_cost - b->callid_cost;
  d->patches = a->patches - b->patches;
  d->k.lookups = a->k.lookups - b->k.lookups;
  d->k.hits = a->k.hits - b->k.hits;
  d->k.misses = a->k.misses - b->k.misses;
  d->k.walk_cycles = a->k.walk_cycles - b->k.walk_cycles;
  d->k.mem_reads = a->k.mem_reads - b->k.mem_reads;
  d->k.walk_cache_hits = a->k.walk_cache_hits - b->k.walk_cache_hits;
  d->k.invalidations = a->k.invalidations - b->k.invalidations;
  d->k.faults = a->k.faults - b->k.faults;
  d->clocked = a->clocked - b->clocked;
}

static void warn(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static void warn(const char *fmt, ...) {
  va_list ap;
  fflush(stdout); /* the program's output so far comes first */
  fputs("ctsim: warning: ", stderr);
  va_start(ap, fmt);
  vfprintf(stderr, fmt, ap);
  va_end(ap);
  fputc('\n', stderr);
}

/* The name of a dump: the NUL-terminated string at a in RAM (a = 0: none),
 * at most ROI_NAME_MAX bytes, bytes outside printable ASCII as '?'. */
static void read_name(const hart_t *h, uint32_t a, uint32_t pc, unsigned idx,
                      char *name) {
  snprintf(name, ROI_NAME_MAX + 1, "region%u", idx);
  if (a == 0) return;
  uint32_t o = a - RAM_BASE;
  if (o >= h->plat->mem.ram_size) {
    warn("pc 0x%08" PRIx32 ": ROI dump: the name address 0x%08" PRIx32
         " is not in RAM: named \"%s\"",
         pc, a, name);
    return;
  }
  unsigned n = 0;
  for (; n < ROI_NAME_MAX && o + n < h->plat->mem.ram_size; n++) {
    unsigned char b = h->plat->mem.ram[o + n];
    if (!b) break;
    name[n] = b >= 0x20 && b < 0x7f ? (char)b : '?';
  }
  int ended = o + n < h->plat->mem.ram_size && h->plat->mem.ram[o + n] == 0;
  name[n] = 0;
  if (!ended)
    warn("pc 0x%08" PRIx32 ": ROI dump: the name at 0x%08" PRIx32
         " has no NUL within %d bytes: cut to \"%s\"",
         pc, a, ROI_NAME_MAX, name);
}

/* Appends the region from r->base to now. */
static void add_region(hart_t *h, roi_t *r, const roi_counters_t *now,
                       const char *name, const char *note) {
  if (r->n == ROI_MAX) {
    if (!r->warned_full)
      warn("more than %d ROI dumps: the later ones are not recorded", ROI_MAX);
    r->warned_full = 1;
    return;
  }
  if (r->n == r->cap) {
    unsigned cap = r->cap ? 2 * r->cap : 8;
    roi_region_t *p = realloc(r->r, cap * sizeof *p);
    if (!p) {
      h->plat->stop = STOP_SIM_ERROR;
      h->plat->fatal_msg = "out of memory for the ROI regions";
      return;
    }
    r->r = p, r->cap = cap;
  }
  roi_region_t *g = &r->r[r->n++];
  memset(g, 0, sizeof *g);
  snprintf(g->name, sizeof g->name, "%s", name);
  g->note = note;
  g->start = r->base.cycle;
  g->end = now->cycle;
  counters_diff(now, &r->base, &g->c);
}

void roi_marker(hart_t *h, unsigned code, uint32_t a, uint32_t pc, uint64_t E) {
  cpu_wave_settle(h); /* the accelerator's counters as of E */
  cpu_block_fold(h);  /* fewer to add in roi_counters */
  roi_t *r = h->roi;
  if (!r) {
    r = h->roi = calloc(1, sizeof *r);
    if (!r) {
      h->plat->stop = STOP_SIM_ERROR;
      h->plat->fatal_msg = "out of memory for the ROI regions";
      return;
    }
  }
  switch (code) {
    case ROI_RESET:
      /* the region starts after the marker: it counts as before it */
      roi_counters(h, E + 1, &r->base);
      r->base.retired++;
      r->base.op[OP_SLTI]++;
      r->has_reset = r->open = 1;
      r->open_pc = pc;
      return;
    case ROI_DUMP: {
      /* the region ends before the marker (its stall gap included) */
      roi_counters_t now;
      char name[ROI_NAME_MAX + 1];
      roi_counters(h, E, &now);
      read_name(h, a, pc, r->n + 1, name);
      add_region(h, r, &now, name,
                 r->has_reset ? NULL
                              : "no reset before this dump: counts from the "
                                "start of the run");
      r->open = 0;
      return;
    }
    case ROI_STOP:
      h->plat->stop = STOP_ROI;
      h->plat->exit_code = a;
      return;
    default:
      if (!(r->warned & 1u << code))
        warn("pc 0x%08" PRIx32
             ": ROI marker with unknown code %u "
             "(slti x0, rs1, 0x%x) ignored: a no-op",
             pc, code, ROI_IMM_BASE + code);
      r->warned |= 1u << code;
      return;
  }
}

void roi_finish(hart_t *h) {
  roi_t *r = h->roi;
  if (!r || !r->open) return;
  roi_counters_t now;
  roi_counters(h, cpu_cycles(h), &now);
  warn("the ROI region started at pc 0x%08" PRIx32
       " was still open at the end of the run: recorded as \"(open at exit)\"",
       r->open_pc);
  add_region(h, r, &now, "(open at exit)",
             "no dump before the end of the run: counts up to its end");
  r->open = 0;
}

void roi_free(hart_t *h) {
  if (!h->roi) return;
  free(h->roi->r);
  free(h->roi);
  h->roi = NULL;
}
