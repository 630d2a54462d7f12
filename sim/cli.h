/*
 * cli.h: ctsim's command line as a library (build/libctsim.a): option
 * parsing, loading, the end-of-run report. sim/main.c (ctsim) and
 * sim/sc/ctsim_sc.cpp (ctsim-sc) share it, so both programs take the same
 * options, give the same errors and print the same summary and JSON.
 */
#ifndef CTSIM_CLI_H
#define CTSIM_CLI_H

#include <stdint.h>
#include <stdio.h>

#include "cpu.h"
#include "outfile.h"
#include "platform.h"

#ifdef __cplusplus
extern "C" {
#endif

#define CTSIM_EXIT_USAGE 2
#define CTSIM_MAX_PATCHES 256

/* An output file (sim/outfile.h: a regular file is written under a temporary
 * name and renamed when complete; a FIFO or a device in place). */
typedef struct {
  const char *path;
  outfile_t out;
  FILE *f;
} ctsim_outfile_t;

typedef struct {
  const char *arg;
  int kind;       /* patch_kind_t */
  uint64_t cycle; /* PATCH_AT_CYCLE */
  uint64_t nth;   /* PATCH_AT_CALLID */
  char at[256];   /* PATCH_AT_ENTRY: the symbol or 0x address */
  uint32_t id;
  char idname[256]; /* the ID given as a function name ("" if a number) */
  const char *sym;
} ctsim_patch_arg_t;

/* Everything the command line says. */
typedef struct {
  cpu_config_t cfg;
  int quiet, host_stats;
  const char *path; /* the program */
  const char *trace_path;
  /* --wave: a waveform of the verilated accelerator (docs/waves.md) */
  const char *wave_path;
  uint64_t wave_from, wave_to; /* [from, to) in cycles; to = 0: no end */
  int wave_walks;              /* only the cycles around table walks */
  unsigned wave_margin;        /* cycles kept after each walk */
  ctsim_patch_arg_t pargs[CTSIM_MAX_PATCHES];
  unsigned npargs;
  patch_t patches[CTSIM_MAX_PATCHES];  /* PATCH_AT_CYCLE */
  patch_t tpatches[CTSIM_MAX_PATCHES]; /* the other triggers */
  ctsim_outfile_t json, log;
  int log_disasm;             /* --log-disasm */
  const char *trace_map_path; /* --trace-map (NULL: the default) */
  int no_trace_map;           /* --no-trace-map */
  ctsim_outfile_t map;        /* the map beside --record-trace's trace */
  char map_default[OUTFILE_PATH_MAX];
  elf_names_t names;           /* the program's symbols and sections */
  ctsim_outfile_t sig;         /* --signature */
  uint32_t sig_begin, sig_end; /* its range */
  unsigned trace_hart;         /* --trace-hart: the hart the tools follow */
  int trace_hart_given;
  outfile_t wave_out;             /* --wave's file */
  FILE *wave_tmp[PLAT_MAX_HARTS]; /* several harts: each one's VCD, merged at
                                     the end (sim/vcdmerge.h) */
  /* --pipeview: the stage timing of every instruction (Kanata, docs/waves.md)
   */
  ctsim_outfile_t pv;
  uint64_t pv_from, pv_to; /* instructions entering IF in [from, to) */
  struct pipeview *pipeview;
  /* the observer behind --pipeview and --wave's CPU scope (with names) */
  struct cpu_obs *obs;
  /* --check-shootdown: the observers of the harts without one above (the
   * checker's hooks are in the observed run loop) */
  struct cpu_obs *shoot_obs;
} ctsim_opts_t;

/* Prints "ctsim: error: <message>" on stderr and exits with status 2. */
void ctsim_die(const char *fmt, ...)
    __attribute__((format(printf, 1, 2), noreturn));

/* Parses argv into o. --help prints the usage (its first line naming prog,
 * then help_extra if not NULL) and exits 0, --version prints "prog VERSION"
 * and exits 0; a bad option exits via ctsim_die. */
void ctsim_parse_args(ctsim_opts_t *o, int argc, char **argv, const char *prog,
                      const char *help_extra);

/* The checks of the CTLB options (exits via ctsim_die); ctsim_setup does
 * them first. */
void ctsim_check_config(const ctsim_opts_t *o);

/* Checks the configuration, initialises the platform p (RAM: ram, or mapped
 * if NULL; see plat_init), loads the program, resolves --patch-at, opens
 * --record-trace and the output files (the run's tools watch hart 0). Exits
 * via ctsim_die on bad input. */
void ctsim_setup(ctsim_opts_t *o, platform_t *p, uint8_t *ram);

/* After the run: the stop report, summary, host figures (host_s seconds),
 * JSON, closes the outputs, frees p. Returns the exit status. */
int ctsim_finish(ctsim_opts_t *o, platform_t *p, double host_s);

#ifdef __cplusplus
}
#endif
#endif /* CTSIM_CLI_H */
