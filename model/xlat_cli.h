/*
 * xlat_cli.h: option parsing shared by the xlat-diff and xlat-bench programs
 * (configuration options and number parsing with one-line errors).
 */
#ifndef XLAT_CLI_H
#define XLAT_CLI_H

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "xlat.h"

#define XLAT_CLI_CONFIG_HELP                                                   \
  "  --entries N       CTLB entries, power of two 1..1024 (default 64)\n"      \
  "  --ways N          ways, power of two dividing entries (default 4)\n"      \
  "  --policy P        lru | plru | fifo | random (default lru)\n"             \
  "  --levels A.B.C    index bits per table level, root first (default "       \
  "12.10.10)\n"                                                                \
  "  --walk-cache N    walk-cache entries, 0 or a power of two up to 64 "      \
  "(default 0)\n"                                                              \
  "  --lfsr-seed N     seed of the random policy's LFSR, 0..65535 (default 0 " \
  "= 0xACE1)\n"                                                                \
  "  --config NAME     a whole configuration by name, e.g. "                   \
  "e64w4-lru-l12.10.10-wc0\n"

/* Parses an unsigned number (decimal or 0x hex); -1 with a message on error. */
static inline int cli_u64(const char *prog, const char *opt, const char *s,
                          unsigned long long *v) {
  char *end;
  errno = 0;
  if (!s || !*s || *s == '-') goto bad;
  *v = strtoull(s, &end, 0);
  if (errno || *end) goto bad;
  return 0;
bad:
  fprintf(stderr, "%s: %s needs a non-negative number (got '%s')\n", prog, opt,
          s ? s : "");
  return -1;
}

static inline int cli_u32(const char *prog, const char *opt, const char *s,
                          uint32_t *v) {
  unsigned long long x;
  if (cli_u64(prog, opt, s, &x)) return -1;
  if (x > 0xFFFFFFFFull) {
    fprintf(stderr, "%s: %s is too large (got '%s')\n", prog, opt, s);
    return -1;
  }
  *v = (uint32_t)x;
  return 0;
}

/* "12.10.10" -> levels and level_bits. */
static inline int cli_levels(const char *prog, const char *s,
                             xlat_config_t *cfg) {
  uint32_t n = 0;
  const char *p = s;
  memset(cfg->level_bits, 0, sizeof cfg->level_bits);
  while (*p) {
    char *end;
    if (*p < '0' || *p > '9' || n >= XLAT_MAX_LEVELS) goto bad;
    unsigned long v = strtoul(p, &end, 10);
    if (v > 32) goto bad;
    cfg->level_bits[n++] = (uint32_t)v;
    if (*end == '.') {
      p = end + 1;
      if (!*p) goto bad;
    } else if (*end) {
      goto bad;
    } else {
      p = end;
    }
  }
  if (!n) goto bad;
  cfg->levels = n;
  return 0;
bad:
  fprintf(stderr,
          "%s: --levels needs 1 to %d index widths like 12.10.10 (got '%s')\n",
          prog, XLAT_MAX_LEVELS, s);
  return -1;
}

/* "e64w4-lru-l12.10.10-wc0[-sHEX]" -> cfg. */
static inline int cli_config_name(const char *prog, const char *s,
                                  xlat_config_t *cfg) {
  unsigned e, w, wc = 0, seed = 0;
  char pol[16], lv[64];
  int n = 0;
  xlat_config_default(cfg);
  if (sscanf(s, "e%uw%u-%15[a-z]-l%63[0-9.]-wc%u%n", &e, &w, pol, lv, &wc,
             &n) != 5)
    goto bad;
  if (s[n] && sscanf(s + n, "-s%x", &seed) != 1) goto bad;
  cfg->entries = e;
  cfg->ways = w;
  cfg->walk_cache = wc;
  cfg->lfsr_seed = seed;
  if (xlat_policy_parse(pol, &cfg->policy)) {
    fprintf(stderr,
            "%s: --config: unknown policy '%s' (lru, plru, fifo, random)\n",
            prog, pol);
    return -1;
  }
  return cli_levels(prog, lv, cfg);
bad:
  fprintf(stderr,
          "%s: --config needs a name like e64w4-lru-l12.10.10-wc0 (got '%s')\n",
          prog, s);
  return -1;
}

/* Handles one configuration option at argv[*i]; 1 = handled, 0 = not a config
 * option, -1 = error (message printed). */
static inline int cli_config_opt(const char *prog, int argc, char **argv,
                                 int *i, xlat_config_t *cfg) {
  const char *o = argv[*i];
  const char *names[] = {"--entries",    "--ways",      "--policy", "--levels",
                         "--walk-cache", "--lfsr-seed", "--config"};
  int k = -1;
  for (int j = 0; j < 7; j++)
    if (!strcmp(o, names[j])) k = j;
  if (k < 0) return 0;
  if (*i + 1 >= argc) {
    fprintf(stderr, "%s: %s needs a value\n", prog, o);
    return -1;
  }
  const char *v = argv[++*i];
  switch (k) {
    case 0:
      return cli_u32(prog, o, v, &cfg->entries) ? -1 : 1;
    case 1:
      return cli_u32(prog, o, v, &cfg->ways) ? -1 : 1;
    case 2:
      if (xlat_policy_parse(v, &cfg->policy)) {
        fprintf(stderr,
                "%s: --policy: unknown policy '%s' (lru, plru, fifo, random)\n",
                prog, v);
        return -1;
      }
      return 1;
    case 3:
      return cli_levels(prog, v, cfg) ? -1 : 1;
    case 4:
      return cli_u32(prog, o, v, &cfg->walk_cache) ? -1 : 1;
    case 5:
      return cli_u32(prog, o, v, &cfg->lfsr_seed) ? -1 : 1;
    default:
      return cli_config_name(prog, v, cfg) ? -1 : 1;
  }
}

#endif /* XLAT_CLI_H */
