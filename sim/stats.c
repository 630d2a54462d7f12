/*
 * stats.c: summary and JSON output. Everything printed here depends only on
 * the program and the options, so the same run prints the same bytes.
 */
#include "stats.h"

#include <ctype.h>
#include <errno.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "ctpatch_host.h"
#include "platform.h"
#include "roi.h"

run_end_t stats_run_end(const hart_t *h) {
  run_end_t e = {"running", 0};
  switch (h->plat->stop) {
    case STOP_TOHOST:
      e.reason = "tohost", e.status = (int)(h->plat->exit_code & 0xff);
      break;
    case STOP_FINISHER:
      e.reason = "finisher", e.status = (int)(h->plat->exit_code & 0xff);
      break;
    case STOP_MAX_CYCLES:
      e.reason = "max-cycles", e.status = 3;
      break;
    case STOP_FATAL_TRAP:
      e.reason = "fatal-trap", e.status = 4;
      break;
    case STOP_SIM_ERROR:
      e.reason = "error", e.status = 2;
      break;
    case STOP_WFI:
      e.reason = "wfi", e.status = 3;
      break;
    case STOP_ROI:
      e.reason = "roi-stop", e.status = (int)(h->plat->exit_code & 0xff);
      break;
    default:
      break;
  }
  return e;
}

static void class_counts(const roi_counters_t *k, uint64_t *cls) {
  for (int c = 0; c < CLS_COUNT; c++) cls[c] = 0;
  for (unsigned op = 0; op < OP_COUNT; op++) cls[rv_op_class(op)] += k->op[op];
}

static uint64_t stall_total(const roi_counters_t *k) {
  uint64_t t = 0;
  for (int s = 0; s < STALL_COUNT; s++) t += k->stall[s];
  return t;
}

/* CPI with 4 decimals, from integers only (identical on every host) */
static void cpi_text(char *buf, size_t n, uint64_t cycles, uint64_t insns) {
  if (!insns) {
    snprintf(buf, n, "0.0000");
    return;
  }
  uint64_t q = (cycles * 10000 + insns / 2) / insns;
  snprintf(buf, n, "%" PRIu64 ".%04" PRIu64, q / 10000, q % 10000);
}

/* a / b with 4 decimals, from integers only */
static void ratio_text(char *buf, size_t n, uint64_t a, uint64_t b) {
  cpi_text(buf, n, a, b);
}

/* The counters of the whole run (cycle: its cycles). */
static void whole_run(const hart_t *h, roi_counters_t *k) {
  roi_counters(h, cpu_cycles(h), k);
}

static const char *backend_name(const hart_t *h) {
  return h->plat->cfg.xlat_backend == XLAT_BACKEND_RTL ? "rtl" : "c";
}

/* The summary's counter lines of k, each line starting with ind. */
/* Stall causes shown: ctlb_port only with a shared CTLB (--ctlb-shared). */
static int stall_shown(const hart_t *h, int s) {
  return s != STALL_CTLB_PORT || h->acc->shared;
}

static void print_counters(FILE *f, const char *ind, const hart_t *h,
                           const roi_counters_t *k) {
  uint64_t cls[CLS_COUNT];
  char cpi[32];
  class_counts(k, cls);
  cpi_text(cpi, sizeof cpi, k->cycle, k->retired);
  fprintf(f, "%scycles        %" PRIu64 "\n", ind, k->cycle);
  fprintf(f, "%sinstructions  %" PRIu64 "\n", ind, k->retired);
  fprintf(f, "%sCPI           %s\n", ind, cpi);
  fprintf(f, "%sclasses      ", ind);
  for (int c = 0; c < CLS_COUNT; c++)
    fprintf(f, " %s %" PRIu64, rv_class_name((insn_class_t)c), cls[c]);
  fprintf(f, "\n%sbranches      taken %" PRIu64 ", not taken %" PRIu64 "\n",
          ind, k->br_taken, cls[CLS_BRANCH] - k->br_taken);
  fprintf(f, "%straps         %" PRIu64 ", interrupts %" PRIu64 "\n", ind,
          k->traps, k->interrupts);
  fprintf(f, "%sstall cycles  %" PRIu64 ":", ind, stall_total(k));
  for (int s = 0; s < STALL_COUNT; s++)
    if (stall_shown(h, s))
      fprintf(f, " %s %" PRIu64, rv_stall_name((stall_t)s), k->stall[s]);
  fputc('\n', f);
}

/* The accelerator's counter lines of k. "callids N at C cycles each": the
 * callid instruction's cycles per call (docs/timing.md "Cycles per call"). */
static void print_ctlb(FILE *f, const char *ind, const roi_counters_t *k) {
  char rate[32], avg[32];
  ratio_text(rate, sizeof rate, k->k.hits, k->k.lookups);
  ratio_text(avg, sizeof avg, k->callid_cost, k->callids);
  fprintf(f,
          "%sctlb lookups  %" PRIu64 ": hits %" PRIu64 ", misses %" PRIu64
          ", hit rate %s, faults %" PRIu64 "\n",
          ind, k->k.lookups, k->k.hits, k->k.misses, rate, k->k.faults);
  fprintf(f,
          "%sctlb walks    walk cycles %" PRIu64 ", mem reads %" PRIu64
          ", walk-cache hits %" PRIu64 "\n",
          ind, k->k.walk_cycles, k->k.mem_reads, k->k.walk_cache_hits);
  fprintf(f,
          "%sctlb other    invalidations %" PRIu64 ", patches %" PRIu64
          ", callids %" PRIu64 " at %s cycles each\n",
          ind, k->k.invalidations, k->patches, k->callids, avg);
}

/* A name as a JSON string's contents (names hold printable ASCII only). */
static void json_name(FILE *f, const char *s) {
  for (; *s; s++) {
    if (*s == '"' || *s == '\\') fputc('\\', f);
    fputc(*s, f);
  }
}

#define TOP_FUNCTIONS 10 /* functions in the summary */

/* The summary's per-function lines: the functions called most by callid. */
static void print_functions(FILE *f, const hart_t *h) {
  size_t n, called = 0;
  const id_stat_t **v = idstat_sorted(&h->ids, &n);
  while (called < n && v[called]->calls) called++;
  if (called) {
    size_t top = called < TOP_FUNCTIONS ? called : TOP_FUNCTIONS;
    fprintf(f, "  functions     %zu called by callid, top %zu by calls:\n",
            called, top);
    fprintf(f, "    %-10s %12s %12s %9s %12s  %s\n", "id", "calls", "misses",
            "hit rate", "walk cycles", "name");
    for (size_t i = 0; i < top; i++) {
      const id_stat_t *e = v[i];
      char rate[32];
      const char *nm = idstat_name(h->names, e);
      ratio_text(rate, sizeof rate, e->calls - e->misses, e->calls);
      fprintf(f,
              "    0x%08" PRIx32 " %12" PRIu64 " %12" PRIu64 " %9s %12" PRIu64
              "  %s\n",
              e->id, e->calls, e->misses, rate, e->walk_cycles, nm ? nm : "-");
    }
  }
  if (h->ids.dropped)
    fprintf(f,
            "  functions     %" PRIu64
            " events of IDs beyond the first %u not counted per function\n",
            h->ids.dropped, IDSTAT_MAX);
  free(v);
}

/* The summary's switch lines: patches that took effect. */
static void print_switches(FILE *f, const hart_t *h) {
  const id_switches_t *w = h->switches;
  if (!w) return;
  fprintf(f,
          "  switches      %" PRIu64
          " (a callid reaching another target than its ID's previous one):\n",
          w->total);
  for (unsigned i = 0; i < w->n && i < TOP_FUNCTIONS; i++) {
    const id_switch_t *e = &w->e[i];
    const char *a = elf_name_at(h->names, e->from),
               *b = elf_name_at(h->names, e->to);
    fprintf(f, "    id 0x%08" PRIx32 " %s -> %s: call at cycle %" PRIu64, e->id,
            a ? a : "-", b ? b : "-", e->call_at);
    if (e->inv_at)
      fprintf(f, ", %" PRIu64 " cycles after the invalidate at cycle %" PRIu64,
              e->call_at - e->inv_at, e->inv_at);
    fprintf(f, ", walk %" PRIu64 " cycles\n", e->walk_cycles);
  }
}

void stats_print(FILE *f, const hart_t *h, run_end_t end) {
  roi_counters_t k;
  whole_run(h, &k);
  fprintf(f, "ctsim: exit %s, status %d\n", end.reason, end.status);
  print_counters(f, "  ", h, &k);
  int ctlb = h->acc->xl || h->st.patches; /* a call-ID instruction ran */
  if (ctlb) {
    char name[64];
    xlat_config_name(&h->plat->cfg.xlat, name, sizeof name);
    fprintf(f,
            "  ctlb          backend %s (%sclocked %" PRIu64 " cycles), %s\n",
            backend_name(h), h->plat->cfg.lockstep ? "lock-step, " : "",
            k.clocked, name);
    if (h->acc->shared)
      fprintf(f,
              "  ctlb shared   by %u harts (the counters above are its): %" PRIu64
              " requests waited for its port, %" PRIu64 " cycles in all\n",
              h->plat->nharts, h->acc->waits, h->acc->wait_cycles);
    print_ctlb(f, "  ", &k);
    print_functions(f, h);
    print_switches(f, h);
  }
  const roi_t *r = h->roi;
  for (unsigned i = 0; r && i < r->n; i++) {
    const roi_region_t *g = &r->r[i];
    fprintf(f, "  region \"%s\": cycles %" PRIu64 "..%" PRIu64 "\n", g->name,
            g->start, g->end);
    if (g->note) fprintf(f, "    note          %s\n", g->note);
    print_counters(f, "    ", h, &g->c);
    if (ctlb) {
      fprintf(f, "    ctlb          clocked %" PRIu64 " cycles\n",
              g->c.clocked);
      print_ctlb(f, "    ", &g->c);
    }
  }
}

/* The counter members of k as JSON (the members up to "ctlb" of the whole
 * run's object); ctlb_extra: the whole run's configuration members. */
static void json_counters(FILE *f, const char *ind, const hart_t *h,
                          const roi_counters_t *k, int whole) {
  uint64_t cls[CLS_COUNT];
  char cpi[32];
  class_counts(k, cls);
  cpi_text(cpi, sizeof cpi, k->cycle, k->retired);
  fprintf(f, "%s\"cycles\": %" PRIu64 ",\n", ind, k->cycle);
  fprintf(f, "%s\"instructions\": %" PRIu64 ",\n", ind, k->retired);
  fprintf(f, "%s\"cpi\": %s,\n", ind, cpi);
  fprintf(f, "%s\"classes\": {", ind);
  for (int c = 0; c < CLS_COUNT; c++)
    fprintf(f, "\"%s\": %" PRIu64 ", ", rv_class_name((insn_class_t)c), cls[c]);
  fprintf(
      f, "\"branch_taken\": %" PRIu64 ", \"branch_not_taken\": %" PRIu64 "},\n",
      k->br_taken, cls[CLS_BRANCH] - k->br_taken);
  fprintf(f, "%s\"traps\": %" PRIu64 ",\n%s\"interrupts\": %" PRIu64 ",\n", ind,
          k->traps, ind, k->interrupts);
  fprintf(f, "%s\"stalls\": {", ind);
  for (int s = 0; s < STALL_COUNT; s++)
    if (stall_shown(h, s))
      fprintf(f, "\"%s\": %" PRIu64 ", ", rv_stall_name((stall_t)s),
              k->stall[s]);
  fprintf(f, "\"total\": %" PRIu64 "},\n", stall_total(k));
  fprintf(f, "%s\"ops\": {", ind);
  int first = 1;
  for (unsigned op = OP_ILLEGAL + 1; op < OP_COUNT; op++) {
    if (!k->op[op]) continue;
    char name[16];
    snprintf(name, sizeof name, "%s", rv_op_name(op));
    for (char *c = name; *c; c++) /* FENCE_I -> fence.i */
      *c = *c == '_' ? '.' : (char)tolower((unsigned char)*c);
    fprintf(f, "%s\"%s\": %" PRIu64, first ? "" : ", ", name, k->op[op]);
    first = 0;
  }
  fprintf(f, "},\n");
  char rate[32], avg[32], cname[64];
  ratio_text(rate, sizeof rate, k->k.hits, k->k.lookups);
  ratio_text(avg, sizeof avg, k->callid_cost, k->callids);
  xlat_config_name(&h->plat->cfg.xlat, cname, sizeof cname);
  fprintf(f, "%s\"ctlb\": {", ind);
  if (whole)
    fprintf(f,
            "\"backend\": \"%s\", \"lockstep\": %s, \"clocked\": %" PRIu64
            ", \"config\": \"%s\", \"used\": %s, ",
            backend_name(h), h->plat->cfg.lockstep ? "true" : "false",
            k->clocked, cname, h->acc->xl ? "true" : "false");
  else
    fprintf(f, "\"clocked\": %" PRIu64 ", ", k->clocked);
  fprintf(f,
          "\"lookups\": %" PRIu64 ", \"hits\": %" PRIu64
          ", \"misses\": %" PRIu64
          ", \"hit_rate\": %s, \"walk_cycles\": %" PRIu64
          ", \"mem_reads\": %" PRIu64 ", \"walk_cache_hits\": %" PRIu64
          ", \"faults\": %" PRIu64 ", \"invalidations\": %" PRIu64
          ", \"patches\": %" PRIu64,
          k->k.lookups, k->k.hits, k->k.misses, rate, k->k.walk_cycles,
          k->k.mem_reads, k->k.walk_cache_hits, k->k.faults, k->k.invalidations,
          k->patches);
  if (whole)
    fprintf(f, ", \"patches_not_applied\": %" PRIu64,
            h->st.patches_not_applied);
  fprintf(f,
          ", \"callids\": %" PRIu64 ", \"callid_cycles\": %" PRIu64
          ", \"cycles_per_callid\": %s}",
          k->callids, k->callid_cost, avg);
}

/* "functions": every ID of the run, in the summary's order */
static void json_functions(FILE *f, const hart_t *h) {
  size_t n;
  const id_stat_t **v = idstat_sorted(&h->ids, &n);
  fprintf(f, "  \"functions\": [%s", n ? "\n" : "");
  for (size_t i = 0; i < n; i++) {
    const id_stat_t *e = v[i];
    char rate[32];
    const char *nm = idstat_name(h->names, e);
    ratio_text(rate, sizeof rate, e->calls - e->misses, e->calls);
    fprintf(f, "    {\"id\": %" PRIu32 ", \"name\": ", e->id);
    if (nm) {
      fputc('"', f);
      json_name(f, nm);
      fputc('"', f);
    } else {
      fputs("null", f);
    }
    fprintf(f,
            ", \"calls\": %" PRIu64 ", \"misses\": %" PRIu64
            ", \"hit_rate\": %s, \"walk_cycles\": %" PRIu64
            ", \"faults\": %" PRIu64 ", \"other_events\": %" PRIu64 "}%s\n",
            e->calls, e->misses, rate, e->walk_cycles, e->faults, e->other,
            i + 1 < n ? "," : "");
  }
  fprintf(f, "%s],\n  \"functions_dropped\": %" PRIu64 ",\n", n ? "  " : "",
          h->ids.dropped);
  free(v);
}

static void json_opt_name(FILE *f, const char *nm) {
  if (!nm) {
    fputs("null", f);
    return;
  }
  fputc('"', f);
  json_name(f, nm);
  fputc('"', f);
}

/* "switches": the patches that took effect, in order */
static void json_switches(FILE *f, const hart_t *h) {
  const id_switches_t *w = h->switches;
  unsigned n = w ? w->n : 0;
  fprintf(f, "  \"switches\": [%s", n ? "\n" : "");
  for (unsigned i = 0; i < n; i++) {
    const id_switch_t *e = &w->e[i];
    fprintf(f,
            "    {\"id\": %" PRIu32 ", \"from\": %" PRIu32 ", \"from_name\": ",
            e->id, e->from);
    json_opt_name(f, elf_name_at(h->names, e->from));
    fprintf(f, ", \"to\": %" PRIu32 ", \"to_name\": ", e->to);
    json_opt_name(f, elf_name_at(h->names, e->to));
    fprintf(f,
            ", \"inv_cycle\": %" PRIu64 ", \"call_cycle\": %" PRIu64
            ", \"walk_cycles\": %" PRIu64 "}%s\n",
            e->inv_at, e->call_at, e->walk_cycles, i + 1 < n ? "," : "");
  }
  fprintf(f, "%s],\n  \"switches_total\": %" PRIu64 ",\n", n ? "  " : "",
          w ? w->total : 0);
}

typedef struct {
  uint32_t id;
  const char *name; /* NULL: none */
  int dup;          /* the name of a lower ID too: that one keeps it */
  uint32_t first;   /* that ID */
} map_row_t;

static int row_by_name(const void *a, const void *b) {
  const map_row_t *x = *(map_row_t *const *)a, *y = *(map_row_t *const *)b;
  int c = strcmp(x->name, y->name);
  if (c) return c;
  return x->id < y->id ? -1 : x->id > y->id;
}

static int row_by_id(const void *a, const void *b) {
  const map_row_t *x = a, *y = b;
  return x->id < y->id ? -1 : x->id > y->id;
}

int stats_write_map(FILE *f, const hart_t *h, const char *trace,
                    const char *elf) {
  const char *tb = strrchr(trace, '/'), *eb = strrchr(elf, '/');
  fprintf(f, "# name -> ID map of %s (ctsim --record-trace, program %s)\n",
          tb ? tb + 1 : trace, eb ? eb + 1 : elf);
  size_t n, m = 0;
  const id_stat_t **v = idstat_sorted(&h->ids, &n);
  map_row_t *row = malloc((n ? n : 1) * sizeof *row);
  map_row_t **named = malloc((n ? n : 1) * sizeof *named);
  if (!row || !named) {
    free(v), free(row), free(named);
    errno = ENOMEM;
    return -1;
  }
  for (size_t i = 0; i < n; i++)
    row[i] = (map_row_t){v[i]->id, idstat_name(h->names, v[i]), 0, 0};
  qsort(row, n, sizeof *row, row_by_id);
  for (size_t i = 0; i < n; i++)
    if (row[i].name) named[m++] = &row[i];
  /* a name names one ID (idmap.py's rule): the lowest that has it */
  qsort(named, m, sizeof *named, row_by_name);
  for (size_t i = 1; i < m; i++)
    if (strcmp(named[i]->name, named[i - 1]->name) == 0) {
      named[i]->dup = 1;
      named[i]->first =
          named[i - 1]->dup ? named[i - 1]->first : named[i - 1]->id;
    }
  for (size_t i = 0; i < n; i++) {
    if (!row[i].name)
      fprintf(f, "# 0x%" PRIx32 " has no name\n", row[i].id);
    else if (row[i].dup)
      fprintf(f, "# 0x%" PRIx32 " %s (the name of 0x%" PRIx32 " too)\n",
              row[i].id, row[i].name, row[i].first);
    else
      fprintf(f, "0x%" PRIx32 " %s\n", row[i].id, row[i].name);
  }
  if (h->ids.dropped)
    fprintf(f, "# more IDs than the %u ctsim tracks: some are missing\n",
            IDSTAT_MAX);
  free(v), free(row), free(named);
  return ferror(f) ? -1 : 0;
}

int stats_write_json(FILE *f, const hart_t *h, run_end_t end) {
  roi_counters_t k;
  whole_run(h, &k);
  fprintf(f, "{\n  \"exit\": {\"reason\": \"%s\", \"status\": %d},\n",
          end.reason, end.status);
  json_counters(f, "  ", h, &k, 1);
  fprintf(f, ",\n");
  json_functions(f, h);
  json_switches(f, h);
  if (h->plat->nharts == 1) ctpatch_host_json(f, "  ");
  fprintf(f,
          "  \"config\": {\"ram\": %" PRIu64 ", \"imem_lat\": %" PRIu32
          ", \"dmem_lat\": %" PRIu32 ", \"mul_lat\": %" PRIu32
          ", \"div_lat\": %" PRIu32 ", \"mtime_div\": %" PRIu32
          ", \"max_cycles\": %" PRIu64 "},\n",
          h->plat->cfg.ram_size, h->plat->cfg.imem_lat, h->plat->cfg.dmem_lat,
          h->plat->cfg.mul_lat, h->plat->cfg.div_lat, h->plat->cfg.mtime_div,
          h->plat->cfg.max_cycles);
  const roi_t *r = h->roi;
  unsigned n = r ? r->n : 0;
  fprintf(f, "  \"regions\": [%s", n ? "\n" : "");
  for (unsigned i = 0; i < n; i++) {
    const roi_region_t *g = &r->r[i];
    fprintf(f, "    {\"name\": \"");
    json_name(f, g->name);
    fprintf(f, "\", \"note\": ");
    if (g->note)
      fprintf(f, "\"%s\"", g->note);
    else
      fprintf(f, "null");
    fprintf(f, ", \"start_cycle\": %" PRIu64 ", \"end_cycle\": %" PRIu64 ",\n",
            g->start, g->end);
    json_counters(f, "     ", h, &g->c, 0);
    fprintf(f, "}%s\n", i + 1 < n ? "," : "");
  }
  fprintf(f, "%s]\n}\n", n ? "  " : "");
  return ferror(f) ? -1 : 0;
}

void stats_print_stop(FILE *f, const hart_t *h) {
  if (h->plat->stop == STOP_MAX_CYCLES) {
    fprintf(f,
            "ctsim: cycle limit reached: --max-cycles %" PRIu64
            " (pc 0x%08" PRIx32 ", %" PRIu64 " instructions retired)\n",
            h->plat->cfg.max_cycles, h->pc, h->retired);
    return;
  }
  if (h->plat->stop == STOP_WFI) {
    char when[64];
    if (h->plat->wfi_wake == UINT64_MAX)
      snprintf(when, sizeof when, "would not fire within 2^64 cycles");
    else
      snprintf(when, sizeof when,
               "would fire only at cycle %" PRIu64 ", past 2^63",
               h->plat->wfi_wake);
    fprintf(f,
            "ctsim: wfi at pc 0x%08" PRIx32
            " never wakes: the timer (mtimecmp 0x%016" PRIx64
            ", --mtime-div %" PRIu32 ") %s (%" PRIu64
            " instructions retired)\n",
            h->pc, h->plat->mtimecmp[h->id], h->plat->cfg.mtime_div, when,
            h->retired);
    return;
  }
  if (h->plat->stop == STOP_SIM_ERROR) {
    fprintf(f, "ctsim: error: %s\n",
            h->plat->fatal_msg ? h->plat->fatal_msg : "?");
    return;
  }
  if (h->plat->stop != STOP_FATAL_TRAP) return;
  fprintf(f,
          "ctsim: fatal trap: %s (mcause 0x%" PRIx32 ") at pc 0x%08" PRIx32
          ", mtval 0x%08" PRIx32 ": %s\n",
          rv_cause_name(h->fatal_cause), h->fatal_cause, h->fatal_pc,
          h->fatal_tval,
          h->fatal_double ? "double fault (the trap handler trapped before "
                            "retiring an instruction)"
                          : "no trap handler (mtvec = 0)");
  if (h->fatal_cause == 24)
    fprintf(f, "  ctcause %" PRIu32 " (%s), ctroot 0x%08" PRIx32 "\n",
            h->ctcause, xlat_fault_name(h->ctcause), h->ctroot);
  for (int r = 0; r < 32; r += 4)
    fprintf(f,
            "  x%-2d 0x%08" PRIx32 "  x%-2d 0x%08" PRIx32 "  x%-2d 0x%08" PRIx32
            "  x%-2d 0x%08" PRIx32 "\n",
            r, h->x[r], r + 1, h->x[r + 1], r + 2, h->x[r + 2], r + 3,
            h->x[r + 3]);
}
