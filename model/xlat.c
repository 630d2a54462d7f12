/*
 * xlat.c: the xlat.h API: configuration checks and names, and the dispatcher to
 * the backends through their tables of functions (xlat_backend_ops_t,
 * xlat_impl.h): backends[] below maps each xlat_backend_t to one, the C model
 * (xlat_c.c) and the RTL loader (xlat_rtl.c).
 */
#define _POSIX_C_SOURCE 200809L
#define _DEFAULT_SOURCE

#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "ctable.h"
#include "xlat_impl.h"

/* the table's rules have one owner, model/ctable.h */
_Static_assert(XLAT_MAX_LEVELS == CTABLE_MAX_LEVELS, "levels");
_Static_assert((int)XLAT_FAULT_NONE == (int)CTABLE_FAULT_NONE &&
                   (int)XLAT_FAULT_INVALID == (int)CTABLE_FAULT_INVALID &&
                   (int)XLAT_FAULT_RANGE == (int)CTABLE_FAULT_RANGE &&
                   (int)XLAT_FAULT_DISABLED == (int)CTABLE_FAULT_DISABLED &&
                   (int)XLAT_FAULT_BUS == (int)CTABLE_FAULT_BUS,
               "fault codes");

#define LFSR_DEFAULT 0xACE1u

/* The backends, by xlat_backend_t. A new backend: a file defining its
 * xlat_backend_ops_t (xlat_c.c is the smallest example), a value of
 * xlat_backend_t in xlat.h, one line here (docs/accelerator.md section 9). */
static const xlat_backend_ops_t *const backends[] = {
    [XLAT_BACKEND_C] = &xlat_backend_c,
    [XLAT_BACKEND_RTL] = &xlat_backend_rtl,
};
#define N_BACKENDS (sizeof backends / sizeof backends[0])

struct xlat {
  const xlat_backend_ops_t *ops;
  void *impl;  /* the backend's state */
  xlat_c_t *c; /* impl when the backend is the C model, else NULL (xlat_step) */
  xlat_config_t cfg;
  uint64_t cycles;
  uint32_t last_root;
  uint8_t last_mem_req_ready;
  int trace_fd; /* xlat_trace_open's own VCD file (-1: none) */
  int tracing;
  xlat_hit_fn hit; /* the backend's shortcut (hit_target), called with hit_ctx */
  void *hit_ctx;
};

/* xlat_hit's function and context: the backend's hit_direct if it has one
 * (after create and every trace_open, which may replace what it returned) */
static void hit_target(xlat_t *x) {
  x->hit = x->ops->hit;
  x->hit_ctx = x->impl;
  if (x->ops->hit_direct) x->hit = x->ops->hit_direct(x->impl, &x->hit_ctx);
}

void xlat_seterr(char *err, size_t len, const char *fmt, ...) {
  if (!err || !len) return;
  va_list ap;
  va_start(ap, fmt);
  vsnprintf(err, len, fmt, ap);
  va_end(ap);
}

static int quiet_build;

void xlat_set_quiet(int quiet) { quiet_build = quiet != 0; }
int xlat_quiet_builds(void) { return quiet_build; }

static int pow2(uint32_t v) { return v && !(v & (v - 1)); }

/* ------------------------------------------------------------------ config */

void xlat_config_default(xlat_config_t *cfg) {
  memset(cfg, 0, sizeof *cfg);
  cfg->entries = 64;
  cfg->ways = 4;
  cfg->policy = XLAT_POLICY_LRU;
  cfg->levels = 3;
  cfg->level_bits[0] = 12;
  cfg->level_bits[1] = 10;
  cfg->level_bits[2] = 10;
  cfg->walk_cache = 0;
  cfg->lfsr_seed = 0;
}

int xlat_config_check(const xlat_config_t *cfg, char *err, size_t errlen) {
  if (!cfg) {
    xlat_seterr(err, errlen, "xlat: no configuration");
    return -1;
  }
  if (!pow2(cfg->entries) || cfg->entries > 1024) {
    xlat_seterr(err, errlen,
                "xlat: entries must be a power of two in 1..1024 (got %u)",
                cfg->entries);
    return -1;
  }
  if (!pow2(cfg->ways) || cfg->ways > cfg->entries) {
    xlat_seterr(
        err, errlen,
        "xlat: ways must be a power of two dividing entries=%u (got %u)",
        cfg->entries, cfg->ways);
    return -1;
  }
  if ((unsigned)cfg->policy > XLAT_POLICY_RANDOM) {
    xlat_seterr(err, errlen,
                "xlat: policy must be lru, plru, fifo or random (got %u)",
                (unsigned)cfg->policy);
    return -1;
  }
  uint32_t bad = 0;
  switch (ctable_check(cfg->levels, cfg->level_bits, &bad)) {
    case CTABLE_GEO_OK:
      break;
    case CTABLE_GEO_LEVELS:
      xlat_seterr(err, errlen, "xlat: levels must be in 1..%d (got %u)",
                  CTABLE_MAX_LEVELS, cfg->levels);
      return -1;
    case CTABLE_GEO_BITS:
      xlat_seterr(err, errlen, "xlat: level_bits[%u] must be in 1..%d (got %u)",
                  bad, CTABLE_MAX_LEVEL_BITS, cfg->level_bits[bad]);
      return -1;
    case CTABLE_GEO_WIDTH:
      xlat_seterr(err, errlen,
                  "xlat: level_bits must sum to at most %d ID bits (got %u)",
                  CTABLE_ID_BITS, bad);
      return -1;
  }
  if (cfg->walk_cache && (!pow2(cfg->walk_cache) || cfg->walk_cache > 64)) {
    xlat_seterr(
        err, errlen,
        "xlat: walk_cache must be 0 or a power of two up to 64 (got %u)",
        cfg->walk_cache);
    return -1;
  }
  if (cfg->lfsr_seed > 0xFFFF) {
    xlat_seterr(err, errlen, "xlat: lfsr_seed must be in 0..65535 (got %u)",
                cfg->lfsr_seed);
    return -1;
  }
  return 0;
}

uint32_t xlat_lfsr_seed(const xlat_config_t *cfg) {
  if (cfg->policy != XLAT_POLICY_RANDOM || !cfg->lfsr_seed) return LFSR_DEFAULT;
  return cfg->lfsr_seed;
}

void xlat_config_name(const xlat_config_t *cfg, char *buf, size_t len) {
  char lv[64] = "";
  size_t n = 0;
  for (uint32_t l = 0; l < cfg->levels && l < XLAT_MAX_LEVELS; l++)
    n += (size_t)snprintf(lv + n, sizeof lv - n, "%s%u", l ? "." : "",
                          cfg->level_bits[l]);
  char seed[16] = "";
  if (xlat_lfsr_seed(cfg) != LFSR_DEFAULT)
    snprintf(seed, sizeof seed, "-s%x", xlat_lfsr_seed(cfg));
  snprintf(buf, len, "e%uw%u-%s-l%s-wc%u%s", cfg->entries, cfg->ways,
           xlat_policy_name(cfg->policy), lv, cfg->walk_cache, seed);
}

static const char *const policy_names[] = {"lru", "plru", "fifo", "random"};

const char *xlat_policy_name(xlat_policy_t p) {
  return (unsigned)p <= XLAT_POLICY_RANDOM ? policy_names[p] : "?";
}

int xlat_policy_parse(const char *s, xlat_policy_t *p) {
  for (unsigned i = 0; i < 4; i++)
    if (s && !strcmp(s, policy_names[i])) {
      *p = (xlat_policy_t)i;
      return 0;
    }
  return -1;
}

const char *xlat_fault_name(unsigned fault) {
  static const char *const names[] = {"none", "invalid", "range", "disabled",
                                      "bus"};
  return fault <= XLAT_FAULT_BUS ? names[fault] : "?";
}

/* ------------------------------------------------------------------ API */

xlat_t *xlat_create(xlat_backend_t backend, const xlat_config_t *cfg, char *err,
                    size_t errlen) {
  if (xlat_config_check(cfg, err, errlen)) return NULL;
  if ((unsigned)backend >= N_BACKENDS || !backends[backend]) {
    xlat_seterr(err, errlen, "xlat: unknown backend %d", (int)backend);
    return NULL;
  }
  xlat_t *x = calloc(1, sizeof *x);
  if (!x) {
    xlat_seterr(err, errlen, "xlat: out of memory");
    return NULL;
  }
  x->ops = backends[backend];
  x->cfg = *cfg;
  for (uint32_t l = cfg->levels; l < XLAT_MAX_LEVELS; l++)
    x->cfg.level_bits[l] = 0;
  x->last_mem_req_ready = 1;
  x->trace_fd = -1;
  x->impl = x->ops->create(&x->cfg, err, errlen);
  if (!x->impl) {
    free(x);
    return NULL;
  }
  if (x->ops == &xlat_backend_c) x->c = x->impl;
  hit_target(x);
  return x;
}

void xlat_destroy(xlat_t *x) {
  if (!x) return;
  xlat_trace_close(x);
  x->ops->destroy(x->impl);
  free(x);
}

void xlat_reset(xlat_t *x) {
  x->ops->reset(x->impl);
  x->cycles = 0;
}

void xlat_step(xlat_t *x, const xlat_in_t *in, xlat_out_t *out) {
  x->cycles++;
  x->last_root = in->root;
  x->last_mem_req_ready = in->mem_req_ready;
  /* the hot path (ctsim steps for every callid): the C model called directly,
   * 3 instructions fewer per cycle than through the table (callgrind) */
  if (x->c)
    xlat_c_step(x->c, in, out);
  else
    x->ops->step(x->impl, in, out);
}

int xlat_hit(xlat_t *x, uint32_t id, uint32_t root, uint8_t mem_req_ready,
             uint32_t *addr) {
  if (x->c) { /* the C model: a direct call, as in xlat_step */
    if (!xlat_c_hit(x->c, id, addr)) return 0;
  } else if (!x->hit || !x->hit(x->hit_ctx, id, root, mem_req_ready, addr)) {
    return 0;
  }
  x->cycles++;
  x->last_root = root;
  x->last_mem_req_ready = mem_req_ready;
  return 1;
}

size_t xlat_hits(xlat_t *x, const uint32_t *ids, size_t n, uint32_t root,
                 uint8_t mem_req_ready, uint32_t *addrs) {
  size_t h = 0;
  if (x->c) {
    h = xlat_c_hits(x->c, ids, n, addrs);
  } else {
    while (h < n && xlat_hit(x, ids[h], root, mem_req_ready, addrs + h)) h++;
    return h; /* (xlat_hit counted them) */
  }
  if (h) {
    x->cycles += h;
    x->last_root = root;
    x->last_mem_req_ready = mem_req_ready;
  }
  return h;
}

uint64_t xlat_walk(xlat_t *x, uint32_t lat, xlat_read_fn rd, void *ctx) {
  if (!x->c) return 0; /* the RTL steps every cycle (its waveforms, counters) */
  uint64_t n = xlat_c_walk(x->c, lat, rd, ctx);
  if (n) {
    x->cycles += n;
    x->last_mem_req_ready = 0; /* the last cycle waited for its answer */
  }
  return n;
}

static void inv_cycle(xlat_t *x, int all, uint32_t id) {
  xlat_in_t in;
  xlat_out_t out;
  memset(&in, 0, sizeof in);
  in.inv_valid = 1;
  in.inv_all = (uint8_t)all;
  in.inv_id = id;
  in.root = x->last_root;
  in.mem_req_ready = x->last_mem_req_ready;
  xlat_step(x, &in, &out);
}

void xlat_invalidate(xlat_t *x, uint32_t id) { inv_cycle(x, 0, id); }
void xlat_flush(xlat_t *x) { inv_cycle(x, 1, 0); }

void xlat_get_counters(const xlat_t *x, xlat_counters_t *c) {
  x->ops->counters(x->impl, c);
}

int xlat_busy(const xlat_t *x) { return x->ops->busy(x->impl); }

uint64_t xlat_cycles(const xlat_t *x) { return x->cycles; }

int xlat_trace_open_to(xlat_t *x, int fst, int fd, const char *path,
                       uint64_t from, uint64_t to, int walks_only,
                       unsigned margin, char *err, size_t errlen) {
  if (!x->ops->trace_open) {
    xlat_seterr(err, errlen, "xlat: waveform tracing needs the RTL backend");
    return -1;
  }
  xlat_trace_close(x);
  int e = x->ops->trace_open(x->impl, fst, fd, path, from, to, walks_only,
                             margin, x->cycles, err, errlen);
  hit_target(x);
  if (e) return -1;
  x->tracing = 1;
  return 0;
}

int xlat_trace_hart(xlat_t *x, xlat_wave_hart_fn fn, void *ctx) {
  if (!x->ops->trace_hart) return -1;
  x->ops->trace_hart(x->impl, fn, ctx);
  return 0;
}

void xlat_trace_between(xlat_t *x) {
  if (x->tracing && x->ops->trace_between) x->ops->trace_between(x->impl);
}

int xlat_trace_name_is_fst(const char *path) {
  size_t n = path ? strlen(path) : 0;
  return n >= 4 && strcmp(path + n - 4, ".fst") == 0;
}

int xlat_trace_open(xlat_t *x, const char *path, uint64_t from, uint64_t to,
                    int walks_only, unsigned margin, char *err, size_t errlen) {
  int fst = xlat_trace_name_is_fst(path);
  int fd = -1;
  if (x->ops->trace_open && !fst) {
    fd = path ? open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0666) : -1;
    if (fd < 0) {
      xlat_seterr(err, errlen, "xlat: cannot write trace file %s: %s",
                  path ? path : "(none)", strerror(errno));
      return -1;
    }
  }
  if (xlat_trace_open_to(x, fst, fd, path, from, to, walks_only, margin, err,
                         errlen)) {
    if (fd >= 0) close(fd);
    return -1;
  }
  x->trace_fd = fd;
  return 0;
}

int xlat_trace_close(xlat_t *x) {
  if (!x->tracing) return 0;
  x->tracing = 0;
  int e = x->ops->trace_close(x->impl);
  if (x->trace_fd >= 0) {
    if (close(x->trace_fd) && !e) e = errno;
    x->trace_fd = -1;
  }
  return e;
}
