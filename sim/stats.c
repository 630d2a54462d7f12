/*
 * stats.c: summary and JSON output. Everything printed here depends only on
 * the program and the options, so the same run prints the same bytes.
 */
#include "stats.h"

#include <ctype.h>
#include <inttypes.h>
#include <string.h>

run_end_t stats_run_end(const hart_t *h) {
  run_end_t e = {"running", 0};
  switch (h->stop) {
    case STOP_TOHOST:
      e.reason = "tohost", e.status = (int)(h->exit_code & 0xff);
      break;
    case STOP_FINISHER:
      e.reason = "finisher", e.status = (int)(h->exit_code & 0xff);
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
    default:
      break;
  }
  return e;
}

static void class_counts(const hart_t *h, uint64_t *cls) {
  for (int c = 0; c < CLS_COUNT; c++) cls[c] = 0;
  for (unsigned op = 0; op < OP_COUNT; op++)
    cls[rv_op_class(op)] += h->st.op[op];
}

static uint64_t stall_total(const hart_t *h) {
  uint64_t t = 0;
  for (int s = 0; s < STALL_COUNT; s++) t += h->st.stall[s];
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

/* The accelerator's figures (zero if it was never used). */
typedef struct {
  xlat_counters_t k;
  uint64_t clocked; /* cycles the accelerator was clocked (xlat_cycles) */
  char name[64];
  char rate[32], avg[32];
} ctlb_fig_t;

static void ctlb_figures(const hart_t *h, ctlb_fig_t *c) {
  memset(c, 0, sizeof *c);
  if (h->xl) {
    xlat_get_counters(h->xl, &c->k);
    c->clocked = xlat_cycles(h->xl);
  }
  xlat_config_name(&h->cfg.xlat, c->name, sizeof c->name);
  ratio_text(c->rate, sizeof c->rate, c->k.hits, c->k.lookups);
  ratio_text(c->avg, sizeof c->avg, h->st.callid_cost, h->st.callids);
}

static const char *backend_name(const hart_t *h) {
  return h->cfg.xlat_backend == XLAT_BACKEND_RTL ? "rtl" : "c";
}

void stats_print(FILE *f, const hart_t *h, run_end_t end) {
  uint64_t cls[CLS_COUNT], cyc = cpu_cycles(h);
  char cpi[32];
  class_counts(h, cls);
  cpi_text(cpi, sizeof cpi, cyc, h->retired);
  fprintf(f, "ctsim: exit %s, status %d\n", end.reason, end.status);
  fprintf(f, "  cycles        %" PRIu64 "\n", cyc);
  fprintf(f, "  instructions  %" PRIu64 "\n", h->retired);
  fprintf(f, "  CPI           %s\n", cpi);
  fprintf(f, "  classes      ");
  for (int c = 0; c < CLS_COUNT; c++)
    fprintf(f, " %s %" PRIu64, rv_class_name((insn_class_t)c), cls[c]);
  fprintf(f, "\n  branches      taken %" PRIu64 ", not taken %" PRIu64 "\n",
          h->st.br_taken, cls[CLS_BRANCH] - h->st.br_taken);
  fprintf(f, "  traps         %" PRIu64 ", interrupts %" PRIu64 "\n",
          h->st.traps, h->st.interrupts);
  fprintf(f, "  stall cycles  %" PRIu64 ":", stall_total(h));
  for (int s = 0; s < STALL_COUNT; s++)
    fprintf(f, " %s %" PRIu64, rv_stall_name((stall_t)s), h->st.stall[s]);
  fputc('\n', f);
  if (!h->xl && !h->st.patches) return; /* no call-ID instruction ran */
  ctlb_fig_t c;
  ctlb_figures(h, &c);
  fprintf(f, "  ctlb          backend %s (%sclocked %" PRIu64 " cycles), %s\n",
          backend_name(h), h->cfg.lockstep ? "lock-step, " : "", c.clocked,
          c.name);
  fprintf(f,
          "  ctlb lookups  %" PRIu64 ": hits %" PRIu64 ", misses %" PRIu64
          ", hit rate %s, faults %" PRIu64 "\n",
          c.k.lookups, c.k.hits, c.k.misses, c.rate, c.k.faults);
  fprintf(f,
          "  ctlb walks    walk cycles %" PRIu64 ", mem reads %" PRIu64
          ", walk-cache hits %" PRIu64 "\n",
          c.k.walk_cycles, c.k.mem_reads, c.k.walk_cache_hits);
  fprintf(f,
          "  ctlb other    invalidations %" PRIu64 ", patches %" PRIu64
          ", callids %" PRIu64 " at %s cycles each\n",
          c.k.invalidations, h->st.patches, h->st.callids, c.avg);
}

int stats_write_json(FILE *f, const hart_t *h, run_end_t end) {
  uint64_t cls[CLS_COUNT], cyc = cpu_cycles(h);
  char cpi[32];
  class_counts(h, cls);
  cpi_text(cpi, sizeof cpi, cyc, h->retired);
  fprintf(f, "{\n  \"exit\": {\"reason\": \"%s\", \"status\": %d},\n",
          end.reason, end.status);
  fprintf(f, "  \"cycles\": %" PRIu64 ",\n", cyc);
  fprintf(f, "  \"instructions\": %" PRIu64 ",\n", h->retired);
  fprintf(f, "  \"cpi\": %s,\n", cpi);
  fprintf(f, "  \"classes\": {");
  for (int c = 0; c < CLS_COUNT; c++)
    fprintf(f, "\"%s\": %" PRIu64 ", ", rv_class_name((insn_class_t)c), cls[c]);
  fprintf(
      f, "\"branch_taken\": %" PRIu64 ", \"branch_not_taken\": %" PRIu64 "},\n",
      h->st.br_taken, cls[CLS_BRANCH] - h->st.br_taken);
  fprintf(f, "  \"traps\": %" PRIu64 ",\n  \"interrupts\": %" PRIu64 ",\n",
          h->st.traps, h->st.interrupts);
  fprintf(f, "  \"stalls\": {");
  for (int s = 0; s < STALL_COUNT; s++)
    fprintf(f, "\"%s\": %" PRIu64 ", ", rv_stall_name((stall_t)s),
            h->st.stall[s]);
  fprintf(f, "\"total\": %" PRIu64 "},\n", stall_total(h));
  fprintf(f, "  \"ops\": {");
  int first = 1;
  for (unsigned op = OP_ILLEGAL + 1; op < OP_COUNT; op++) {
    if (!h->st.op[op]) continue;
    char name[16];
    snprintf(name, sizeof name, "%s", rv_op_name(op));
    for (char *c = name; *c; c++) /* FENCE_I -> fence.i */
      *c = *c == '_' ? '.' : (char)tolower((unsigned char)*c);
    fprintf(f, "%s\"%s\": %" PRIu64, first ? "" : ", ", name, h->st.op[op]);
    first = 0;
  }
  fprintf(f, "},\n");
  ctlb_fig_t c;
  ctlb_figures(h, &c);
  fprintf(f,
          "  \"ctlb\": {\"backend\": \"%s\", \"lockstep\": %s, \"clocked\": "
          "%" PRIu64
          ", \"config\": "
          "\"%s\", \"used\": %s, \"lookups\": %" PRIu64 ", \"hits\": %" PRIu64
          ", \"misses\": %" PRIu64
          ", \"hit_rate\": %s, \"walk_cycles\": %" PRIu64
          ", \"mem_reads\": %" PRIu64 ", \"walk_cache_hits\": %" PRIu64
          ", \"faults\": %" PRIu64 ", \"invalidations\": %" PRIu64
          ", \"patches\": %" PRIu64 ", \"patches_not_applied\": %" PRIu64
          ", \"callids\": %" PRIu64 ", \"callid_cycles\": %" PRIu64
          ", \"cycles_per_callid\": %s},\n",
          backend_name(h), h->cfg.lockstep ? "true" : "false", c.clocked,
          c.name, h->xl ? "true" : "false", c.k.lookups, c.k.hits, c.k.misses,
          c.rate, c.k.walk_cycles, c.k.mem_reads, c.k.walk_cache_hits,
          c.k.faults, c.k.invalidations, h->st.patches,
          h->st.patches_not_applied, h->st.callids, h->st.callid_cost, c.avg);
  fprintf(f,
          "  \"config\": {\"ram\": %" PRIu64 ", \"imem_lat\": %" PRIu32
          ", \"dmem_lat\": %" PRIu32 ", \"mul_lat\": %" PRIu32
          ", \"div_lat\": %" PRIu32 ", \"mtime_div\": %" PRIu32
          ", \"max_cycles\": %" PRIu64 "}\n}\n",
          h->cfg.ram_size, h->cfg.imem_lat, h->cfg.dmem_lat, h->cfg.mul_lat,
          h->cfg.div_lat, h->cfg.mtime_div, h->cfg.max_cycles);
  return ferror(f) ? -1 : 0;
}

void stats_print_stop(FILE *f, const hart_t *h) {
  if (h->stop == STOP_MAX_CYCLES) {
    fprintf(f,
            "ctsim: cycle limit reached: --max-cycles %" PRIu64
            " (pc 0x%08" PRIx32 ", %" PRIu64 " instructions retired)\n",
            h->cfg.max_cycles, h->pc, h->retired);
    return;
  }
  if (h->stop == STOP_WFI) {
    char when[64];
    if (h->wfi_wake == UINT64_MAX)
      snprintf(when, sizeof when, "would not fire within 2^64 cycles");
    else
      snprintf(when, sizeof when,
               "would fire only at cycle %" PRIu64 ", past 2^63", h->wfi_wake);
    fprintf(f,
            "ctsim: wfi at pc 0x%08" PRIx32
            " never wakes: the timer (mtimecmp 0x%016" PRIx64
            ", --mtime-div %" PRIu32 ") %s (%" PRIu64
            " instructions retired)\n",
            h->pc, h->mtimecmp, h->cfg.mtime_div, when, h->retired);
    return;
  }
  if (h->stop == STOP_SIM_ERROR) {
    fprintf(f, "ctsim: error: %s\n", h->fatal_msg ? h->fatal_msg : "?");
    return;
  }
  if (h->stop != STOP_FATAL_TRAP) return;
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
