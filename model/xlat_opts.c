/*
 * xlat_opts.c: the accelerator's command-line parameters (xlat_opts.h).
 */
#include "xlat_opts.h"

#include <inttypes.h>
#include <stdarg.h>
#include <string.h>

#include "ctable.h"

const xo_name_t xo_names[] = {
    /* canonical */
    {"xlat", XO_XLAT},
    {"ctlb-entries", XO_ENTRIES},
    {"ctlb-ways", XO_WAYS},
    {"ctlb-policy", XO_POLICY},
    {"ctlb-levels", XO_LEVELS},
    {"ctlb-even-levels", XO_EVEN_LEVELS},
    {"walk-cache", XO_WALK_CACHE},
    {"lfsr-seed", XO_LFSR_SEED},
    {"dmem-lat", XO_DMEM_LAT},
    {"config", XO_CONFIG},
    /* documented aliases (the tools' older spellings) */
    {"backend", XO_XLAT},
    {"entries", XO_ENTRIES},
    {"ways", XO_WAYS},
    {"policy", XO_POLICY},
    {"level-bits", XO_LEVELS},
    {"mem-lat", XO_DMEM_LAT},
    /* refused: cttrace took a count, xlat-diff widths */
    {"levels", XO_AMBIGUOUS},
    {NULL, 0},
};

static int fail(char *err, size_t errlen, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
static int fail(char *err, size_t errlen, const char *fmt, ...) {
  if (err && errlen) {
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(err, errlen, fmt, ap);
    va_end(ap);
  }
  return -1;
}

void xo_defaults(xo_params_t *p) {
  memset(p, 0, sizeof *p);
  xlat_config_default(&p->cfg);
  p->backend = XLAT_BACKEND_C;
  p->dmem_lat = 1;
}

/* ------------------------------------------------------------ numbers */

static int hexval(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

/* The digits at s in base 10 or 16 (at least one) up to the end or to a
 * character in stop; -1 on overflow or a stray character. */
static int digits(const char *s, unsigned base, const char **end, uint64_t *v) {
  uint64_t r = 0;
  const char *p = s;
  for (; *p; p++) {
    int d = hexval(*p);
    if (d < 0 || (unsigned)d >= base) break;
    if (r > (UINT64_MAX - (uint64_t)d) / base) return -1;
    r = r * base + (uint64_t)d;
  }
  if (p == s) return -1;
  *end = p;
  *v = r;
  return 0;
}

/* A number at s per the number rule; *end after it. */
static int number_prefix(const char *s, const char **end, uint64_t *v) {
  if (!s) return -1;
  if (s[0] == '0' && (s[1] == 'x' || s[1] == 'X'))
    return digits(s + 2, 16, end, v);
  return digits(s, 10, end, v);
}

int xo_number(const char *s, uint64_t *v) {
  const char *end;
  if (number_prefix(s, &end, v) || *end) return -1;
  return 0;
}

int xo_number_in(const char *opt, const char *s, uint64_t lo, uint64_t hi,
                 uint64_t *v, char *err, size_t errlen) {
  if (xo_number(s, v) || *v < lo || *v > hi)
    return fail(err, errlen,
                "%s: '%s' is not a number in %" PRIu64 "..%" PRIu64
                " (decimal, or 0x hex)",
                opt, s ? s : "", lo, hi);
  return 0;
}

int xo_size(const char *s, uint64_t *v) {
  const char *end;
  uint64_t n, mul = 1;
  if (number_prefix(s, &end, &n)) return -1;
  switch (*end) {
    case 0:
      break;
    case 'k':
    case 'K':
      mul = 1ull << 10;
      break;
    case 'm':
    case 'M':
      mul = 1ull << 20;
      break;
    case 'g':
    case 'G':
      mul = 1ull << 30;
      break;
    default:
      return -1;
  }
  if (*end && end[1]) return -1;
  if (n > UINT64_MAX / mul) return -1;
  *v = n * mul;
  return 0;
}

/* ------------------------------------------------------------ options */

int xo_find(const char *name) {
  if (!name) return -1;
  if (name[0] == '-' && name[1] == '-') name += 2;
  for (const xo_name_t *n = xo_names; n->name; n++)
    if (!strcmp(n->name, name)) return n->opt;
  return -1;
}

const char *xo_canonical(int opt) {
  static const char *const names[XO_COUNT] = {
      "--xlat",        "--ctlb-entries", "--ctlb-ways",
      "--ctlb-policy", "--ctlb-levels",  "--ctlb-even-levels",
      "--walk-cache",  "--lfsr-seed",    "--dmem-lat",
      "--config"};
  return opt >= 0 && opt < XO_COUNT ? names[opt] : "(ambiguous)";
}

static int is_pow2(uint64_t v) { return v && !(v & (v - 1)); }

/* "12,10,10" or "12.10.10" */
static int parse_levels(const char *opt, const char *s, xlat_config_t *cfg,
                        char *err, size_t errlen) {
  uint32_t b[XLAT_MAX_LEVELS] = {0}, n = 0, sum = 0;
  const char *p = s;
  for (;;) {
    uint64_t v;
    const char *end;
    if (n == XLAT_MAX_LEVELS || number_prefix(p, &end, &v) ||
        (*end && *end != ',' && *end != '.') || (*end && !end[1]))
      return fail(err, errlen,
                  "%s: '%s' is not a list of 1..%d level widths like "
                  "12,10,10 or 12.10.10",
                  opt, s, XLAT_MAX_LEVELS);
    if (v < 1 || v > CTABLE_MAX_LEVEL_BITS)
      return fail(err, errlen, "%s: '%s': each level width must be 1..%d", opt,
                  s, CTABLE_MAX_LEVEL_BITS);
    b[n++] = (uint32_t)v;
    if (!*end) break;
    p = end + 1;
  }
  /* the rest of the geometry's rules: ctable.h's */
  if (ctable_check(n, b, &sum) == CTABLE_GEO_WIDTH)
    return fail(err, errlen,
                "%s: '%s': the widths add up to %" PRIu32 " bits, more than %d",
                opt, s, sum, CTABLE_ID_BITS);
  cfg->levels = n;
  memcpy(cfg->level_bits, b, sizeof b);
  return 0;
}

int xo_set(xo_params_t *p, int opt, const char *given, const char *val,
           char *err, size_t errlen) {
  xlat_config_t *c = &p->cfg;
  uint64_t v;
  if (!given) given = xo_canonical(opt);
  if (!val) return fail(err, errlen, "%s needs a value", given);
  switch (opt) {
    case XO_XLAT:
      if (!strcmp(val, "c"))
        p->backend = XLAT_BACKEND_C;
      else if (!strcmp(val, "rtl"))
        p->backend = XLAT_BACKEND_RTL;
      else
        return fail(err, errlen, "%s: '%s' is not a backend (c or rtl)", given,
                    val);
      p->backend_given = 1;
      return 0;
    case XO_ENTRIES:
    case XO_WAYS:
      if (xo_number(val, &v) || !is_pow2(v) || v > 1024)
        return fail(err, errlen, "%s: '%s' is not a power of two in 1..1024",
                    given, val);
      if (opt == XO_ENTRIES)
        c->entries = (uint32_t)v;
      else
        c->ways = (uint32_t)v;
      return 0;
    case XO_POLICY:
      if (xlat_policy_parse(val, &c->policy))
        return fail(err, errlen,
                    "%s: '%s' is not a policy (lru, plru, fifo, random)", given,
                    val);
      return 0;
    case XO_LEVELS:
      return parse_levels(given, val, c, err, errlen);
    case XO_EVEN_LEVELS:
      if (xo_number_in(given, val, 2, XLAT_MAX_LEVELS, &v, err, errlen))
        return -1;
      c->levels = (uint32_t)v;
      for (uint32_t l = 0; l < XLAT_MAX_LEVELS; l++)
        c->level_bits[l] =
            l < v ? 32 / (uint32_t)v + (l < 32 % v ? 1u : 0u) : 0u;
      return 0;
    case XO_WALK_CACHE:
      if (xo_number(val, &v) || v > 64 || (v && !is_pow2(v)))
        return fail(err, errlen, "%s: '%s' is not 0 or a power of two up to 64",
                    given, val);
      c->walk_cache = (uint32_t)v;
      return 0;
    case XO_LFSR_SEED:
      if (xo_number_in(given, val, 0, 65535, &v, err, errlen)) return -1;
      c->lfsr_seed = (uint32_t)v;
      return 0;
    case XO_DMEM_LAT:
      if (xo_number_in(given, val, 1, 1000000, &v, err, errlen)) return -1;
      p->dmem_lat = (uint32_t)v;
      return 0;
    case XO_CONFIG: {
      char e[200];
      if (xo_config_parse(val, c, e, sizeof e))
        return fail(err, errlen, "%s: %s", given, e);
      return 0;
    }
    default:
      return fail(err, errlen,
                  "%s is ambiguous: use --ctlb-levels A,B,C for the index "
                  "widths or --ctlb-even-levels N for N levels splitting the "
                  "32 ID bits evenly",
                  given);
  }
}

int xo_check(const xo_params_t *p, char *err, size_t errlen) {
  const xlat_config_t *c = &p->cfg;
  char e[256];
  if (c->ways > c->entries)
    return fail(err, errlen,
                "--ctlb-ways: %" PRIu32 " ways is more than the %" PRIu32
                " entries (--ctlb-entries)",
                c->ways, c->entries);
  if (xlat_config_check(c, e, sizeof e))
    return fail(err, errlen, "CTLB configuration: %s", e);
  return 0;
}

int xo_parse_arg(const char *prog, unsigned mask, int argc, char **argv, int *i,
                 xo_params_t *p) {
  const char *a = argv[*i], *val = NULL;
  char name[64], err[512];
  if (a[0] != '-' || a[1] != '-') return 0;
  const char *eq = strchr(a, '=');
  size_t n = eq ? (size_t)(eq - a) : strlen(a);
  if (n >= sizeof name) return 0;
  memcpy(name, a, n);
  name[n] = 0;
  int opt = xo_find(name);
  if (opt < 0 || (opt < XO_COUNT && !(mask & XO_BIT(opt)))) return 0;
  if (eq) {
    val = eq + 1;
  } else if (*i + 1 < argc) {
    val = argv[++*i];
  }
  if (xo_set(p, opt, name, val, err, sizeof err)) {
    fprintf(stderr, "%s: %s\n", prog, err);
    return -1;
  }
  return 1;
}

/* ------------------------------------------------------------ names */

/* A decimal field of a name at *s, advanced past it. */
static int name_field(const char **s, uint32_t *v) {
  uint64_t x;
  const char *end;
  if (digits(*s, 10, &end, &x) || x > 0xFFFFFFFFu) return -1;
  *s = end;
  *v = (uint32_t)x;
  return 0;
}

static int lit(const char **s, const char *word) {
  size_t n = strlen(word);
  if (strncmp(*s, word, n)) return -1;
  *s += n;
  return 0;
}

int xo_config_parse(const char *name, xlat_config_t *cfg, char *err,
                    size_t errlen) {
  xlat_config_t c;
  const char *s = name ? name : "";
  char pol[16];
  size_t k = 0;
  xlat_config_default(&c);
  memset(c.level_bits, 0, sizeof c.level_bits);
  c.levels = 0;
  if (lit(&s, "e") || name_field(&s, &c.entries) || lit(&s, "w") ||
      name_field(&s, &c.ways) || lit(&s, "-"))
    goto bad;
  while (*s >= 'a' && *s <= 'z' && k + 1 < sizeof pol) pol[k++] = *s++;
  pol[k] = 0;
  if (lit(&s, "-l")) goto bad;
  for (;;) {
    if (c.levels == XLAT_MAX_LEVELS || name_field(&s, &c.level_bits[c.levels]))
      goto bad;
    c.levels++;
    if (*s != '.') break;
    s++;
  }
  if (lit(&s, "-wc") || name_field(&s, &c.walk_cache)) goto bad;
  if (*s) {
    uint64_t seed;
    const char *end;
    if (lit(&s, "-s") || digits(s, 16, &end, &seed) || *end || seed > 0xFFFF)
      goto bad;
    c.lfsr_seed = (uint32_t)seed;
  }
  if (xlat_policy_parse(pol, &c.policy))
    return fail(err, errlen,
                "'%s': unknown policy '%s' (lru, plru, fifo, random)", name,
                pol);
  char e[200], canon[128];
  if (xlat_config_check(&c, e, sizeof e))
    return fail(err, errlen, "'%s': %s", name, e);
  xlat_config_name(&c, canon, sizeof canon);
  if (strcmp(canon, name))
    return fail(err, errlen,
                "'%s' is not a canonical configuration name: it is written "
                "'%s'",
                name, canon);
  *cfg = c;
  return 0;
bad:
  return fail(err, errlen,
              "'%s' is not a configuration name like e64w4-lru-l12.10.10-wc0 "
              "(e<entries>w<ways>-<policy>-l<widths>-wc<walk cache>"
              "[-s<seed, hex>])",
              name ? name : "");
}

/* ------------------------------------------------------------ help */

static const struct {
  int opt;
  const char *arg, *text;
} help[] = {
    {XO_XLAT, "c|rtl",
     "the accelerator: the C model (default) or the verilated\n"
     "RTL (built on first use); cycle-exact with each other"},
    {XO_ENTRIES, "N", "CTLB entries, a power of two 1..1024 (default 64)"},
    {XO_WAYS, "N",
     "ways, a power of two <= entries; = entries is fully\n"
     "associative (default 4)"},
    {XO_POLICY, "P", "replacement: lru, plru, fifo or random (default lru)"},
    {XO_LEVELS, "A,B,C",
     "table level index widths, root first (or A.B.C): 1..4\n"
     "levels of 1..16 bits, sum <= 32 (default 12,10,10)"},
    {XO_EVEN_LEVELS, "N",
     "N = 2..4 levels splitting the 32 ID bits evenly\n"
     "(2: 16,16; 3: 11,11,10; 4: 8,8,8,8)"},
    {XO_WALK_CACHE, "N",
     "walk-cache entries: 0 (off, default) or a power of two\n"
     "up to 64"},
    {XO_LFSR_SEED, "N",
     "seed of the random policy's LFSR, 0..65535 (0: the\n"
     "default 0xACE1)"},
    {XO_DMEM_LAT, "N",
     "latency of the data-memory port the walker reads: a\n"
     "read accepted in cycle t is answered in cycle t+N,\n"
     "1..1000000 (default 1)"},
    {XO_CONFIG, "NAME",
     "a whole configuration by name, e.g.\n"
     "e64w4-lru-l12.10.10-wc0 or e16w16-random-l8.8.8.8-wc8-s1f\n"
     "(options after it change single parameters)"},
};

static void help_text(FILE *f, int col, const char *text) {
  for (const char *p = text; *p;) {
    const char *nl = strchr(p, '\n');
    size_t n = nl ? (size_t)(nl - p) : strlen(p);
    fprintf(f, "%.*s\n", (int)n, p);
    p += n;
    if (*p == '\n') {
      p++;
      fprintf(f, "%*s", col, "");
    }
  }
}

void xo_help(FILE *f, unsigned mask, unsigned aliases, int col,
             const char *dmem_text) {
  for (size_t i = 0; i < sizeof help / sizeof *help; i++) {
    if (!(mask & XO_BIT(help[i].opt))) continue;
    char head[64];
    snprintf(head, sizeof head, "  %s %s", xo_canonical(help[i].opt),
             help[i].arg);
    if ((int)strlen(head) + 1 > col)
      fprintf(f, "%s\n%*s", head, col, "");
    else
      fprintf(f, "%-*s", col, head);
    help_text(
        f, col,
        help[i].opt == XO_DMEM_LAT && dmem_text ? dmem_text : help[i].text);
  }
  int first = 1, len = 0;
  for (const xo_name_t *n = xo_names; n->name; n++) {
    if (n->opt >= XO_COUNT || !(aliases & XO_BIT(n->opt))) continue;
    if (!strcmp(xo_canonical(n->opt) + 2, n->name)) continue;
    char item[64];
    int k =
        snprintf(item, sizeof item, "--%s = %s", n->name, xo_canonical(n->opt));
    if (first) {
      len = fprintf(f, "  aliases: %s", item);
    } else if (len + 2 + k > 78) {
      len = fprintf(f, ",\n%*s%s", 11, "", item) - 2;
    } else {
      len += fprintf(f, ", %s", item);
    }
    first = 0;
  }
  if (!first) fputc('\n', f);
}
