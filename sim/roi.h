/*
 * roi.h: region-of-interest statistics (docs/ctsim.md, "Regions of
 * interest"). A program marks regions with HINT instructions
 * (`slti x0, rs1, 0x5C0 + code`, no-ops on every RISC-V hart); ctsim keeps
 * a snapshot of every counter of the summary at a reset marker and appends
 * the difference to a list of named regions at a dump marker.
 */
#ifndef CTSIM_ROI_H
#define CTSIM_ROI_H

#include <stdint.h>

#include "cpu.h"

/* The marker: slti x0, rs1, ROI_IMM_BASE + code (imm[11:4] = 0x5C). */
#define ROI_IMM_BASE 0x5C0
enum {
  ROI_RESET = 1, /* a region starts after this marker */
  ROI_DUMP = 2,  /* a region ends before it; rs1: its name (0: none) */
  ROI_STOP = 3,  /* ends the run, status rs1 & 0xff (summary "roi-stop") */
};
#define ROI_NAME_MAX 63 /* name bytes kept */
#define ROI_MAX 4096    /* regions recorded; later dumps get a warning */

/* Every counter of the summary at one point of the run. */
typedef struct {
  uint64_t cycle; /* the first cycle counted (base) or the end (snapshot) */
  uint64_t retired;
  uint64_t op[OP_COUNT];
  uint64_t br_taken, traps, interrupts;
  uint64_t stall[STALL_COUNT];
  uint64_t callids, callid_cost, patches;
  xlat_counters_t k;
  uint64_t clocked; /* xlat_cycles */
} roi_counters_t;

/* One region: the counters between its reset and its dump. */
typedef struct {
  char name[ROI_NAME_MAX + 1];
  const char *note;    /* NULL, or why the region is special */
  uint64_t start, end; /* its cycles: [start, end) */
  roi_counters_t c;    /* differences */
} roi_region_t;

typedef struct roi {
  roi_counters_t base; /* at the last reset (zero: the start of the run) */
  int has_reset;       /* a reset marker has run */
  int open;            /* a reset not followed by a dump yet */
  uint32_t open_pc;    /* the pc of that reset */
  uint32_t warned;     /* codes 0..15 already warned about */
  int warned_full;
  roi_region_t *r;
  unsigned n, cap;
} roi_t;

/* The counters of h now; cycle is the cycle to record. */
void roi_counters(const hart_t *h, uint64_t cycle, roi_counters_t *c);

/* A marker with code (imm & 15) and argument a (x[rs1]) at pc, entering EX
 * at E, before it retires (h->retired, h->now are current). May set
 * h->stop (ROI_STOP, or STOP_SIM_ERROR when out of memory). */
void roi_marker(hart_t *h, unsigned code, uint32_t a, uint32_t pc, uint64_t E);

/* At the end of the run: an open region gets a snapshot "(open at exit)"
 * and a warning. Call once, before the summary. */
void roi_finish(hart_t *h);

void roi_free(hart_t *h);

#endif /* CTSIM_ROI_H */
