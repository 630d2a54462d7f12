/*
 * stats.h: the end-of-run summary (text) and the same figures as JSON.
 */
#ifndef CTSIM_STATS_H
#define CTSIM_STATS_H

#include <stdio.h>

#include "cpu.h"

/* How the run ended: a short name ("tohost", "finisher", "max-cycles",
 * "fatal-trap") and ctsim's exit status. */
typedef struct {
  const char *reason;
  int status;
} run_end_t;

run_end_t stats_run_end(const hart_t *h);

/* The summary block (docs/ctsim.md shows it). */
void stats_print(FILE *f, const hart_t *h, run_end_t end);

/* The same as one JSON object. Returns -1 on a write error. */
int stats_write_json(FILE *f, const hart_t *h, run_end_t end);

/* The name -> ID map of the IDs of the run (--record-trace's .map, the
 * format of scripts/uftrace2ct.py: "0xID name" lines sorted by ID, "#"
 * comments). trace, elf: the files' names for the header. -1 on a write
 * error. */
int stats_write_map(FILE *f, const hart_t *h, const char *trace,
                    const char *elf);

/* The report of a fatal trap or a cycle limit, on f. */
void stats_print_stop(FILE *f, const hart_t *h);

#endif /* CTSIM_STATS_H */
