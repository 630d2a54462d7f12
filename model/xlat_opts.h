/*
 * xlat_opts.h: the one owner of the accelerator's command-line parameters,
 * shared by every tool that takes them (ctsim, ctsim-sc, cttrace, xlat-diff,
 * xlat-bench; all link build/libxlat.a):
 *   - the number rule of every numeric option of these tools: decimal digits
 *     (leading zeros are still decimal: 0100 is one hundred) or 0x/0X and hex
 *     digits; no sign, no spaces, no octal, nothing after the number;
 *   - the option spellings (canonical names and their documented aliases),
 *     parsing one option value into an xo_params_t with one-line errors;
 *   - the inverse of xlat_config_name(): a configuration name back into an
 *     xlat_config_t (only canonical names, so name -> config -> name is the
 *     identity);
 *   - the help text of these options.
 * scripts/xlatcfg.py is the Python twin (tests/test_xlat_opts.py checks that
 * both accept and refuse the same things).
 */
#ifndef XLAT_OPTS_H
#define XLAT_OPTS_H

#include <stdint.h>
#include <stdio.h>

#include "xlat.h"

#ifdef __cplusplus
extern "C" {
#endif

/* The options, one per parameter. */
typedef enum {
  XO_XLAT = 0,    /* --xlat c|rtl */
  XO_ENTRIES,     /* --ctlb-entries N */
  XO_WAYS,        /* --ctlb-ways N */
  XO_POLICY,      /* --ctlb-policy P */
  XO_LEVELS,      /* --ctlb-levels A,B,C (or A.B.C) */
  XO_EVEN_LEVELS, /* --ctlb-even-levels N: 32 ID bits split evenly */
  XO_WALK_CACHE,  /* --walk-cache N */
  XO_LFSR_SEED,   /* --lfsr-seed N */
  XO_DMEM_LAT,    /* --dmem-lat N: the data-memory port the walker reads */
  XO_CONFIG,      /* --config NAME */
  XO_COUNT,
  XO_AMBIGUOUS = XO_COUNT, /* --levels: refused, means two things */
} xo_opt_t;

#define XO_BIT(o) (1u << (o))
#define XO_ALL (XO_BIT(XO_COUNT) - 1u)

/* One spelling (without the leading "--"): canonical names come first in
 * xo_names[], then the aliases, then "levels" (XO_AMBIGUOUS); the table ends
 * with {NULL, 0}. */
typedef struct {
  const char *name;
  int opt;
} xo_name_t;
extern const xo_name_t xo_names[];

/* What the options set. */
typedef struct {
  xlat_config_t cfg;
  xlat_backend_t backend; /* default XLAT_BACKEND_C */
  int backend_given;      /* --xlat was given */
  uint32_t dmem_lat;      /* default 1 */
} xo_params_t;

void xo_defaults(xo_params_t *p);

/* The number rule: 0 with *v set, -1 if s is not a number (or above
 * UINT64_MAX). */
int xo_number(const char *s, uint64_t *v);

/* A number in lo..hi for option opt; -1 with "OPT: 'S' is not a number in
 * LO..HI" in err otherwise. */
int xo_number_in(const char *opt, const char *s, uint64_t lo, uint64_t hi,
                 uint64_t *v, char *err, size_t errlen);

/* A size: a number with an optional K, M or G (x1024, either case) suffix;
 * -1 if not a size or above UINT64_MAX. */
int xo_size(const char *s, uint64_t *v);

/* The option of a spelling ("--ctlb-entries", "ctlb-entries" or an alias);
 * -1 if none. */
int xo_find(const char *name);

/* The canonical spelling of an option, with "--". */
const char *xo_canonical(int opt);

/* Applies option opt (spelled `given` on the command line, for messages) with
 * value val. Returns 0, or -1 with a one-line message in err (it names the
 * option as given). Options apply in order: a later one overrides what an
 * earlier one (or --config) set. */
int xo_set(xo_params_t *p, int opt, const char *given, const char *val,
           char *err, size_t errlen);

/* The checks across options (ways <= entries, then xlat_config_check). */
int xo_check(const xo_params_t *p, char *err, size_t errlen);

/* A configuration name as xlat_config_name() writes it, e.g.
 * "e64w4-lru-l12.10.10-wc0" or "e16w16-random-l8.8.8.8-wc8-s1f". Only
 * canonical names are accepted (the message of a non-canonical but readable
 * one names the canonical form). 0 ok, -1 with a message in err. */
int xo_config_parse(const char *name, xlat_config_t *cfg, char *err,
                    size_t errlen);

/* For tools with a plain argv loop: if argv[*i] is "--NAME VALUE" or
 * "--NAME=VALUE" with an option of mask, applies it (advancing *i past the
 * value) and returns 1; returns 0 if it is not one of them; prints
 * "PROG: <message>" on stderr and returns -1 on an error. */
int xo_parse_arg(const char *prog, unsigned mask, int argc, char **argv, int *i,
                 xo_params_t *p);

/* The help lines of the options in mask (XO_BIT()s), each "  --opt ARG"
 * padded to column `col`, then lines naming the aliases of the options in
 * `aliases`.
 * dmem_text: the description of --dmem-lat (tools differ in what else uses
 * the port), NULL for the default. */
void xo_help(FILE *f, unsigned mask, unsigned aliases, int col,
             const char *dmem_text);

#ifdef __cplusplus
}
#endif
#endif /* XLAT_OPTS_H */
