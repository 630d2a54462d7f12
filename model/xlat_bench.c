/*
 * xlat_bench.c: lookups per second through the xlat.h API, for the C model and
 * the verilated RTL, on a hit-heavy stream (16 IDs cycled, all CTLB hits after
 * the first round) and a miss-heavy stream (random IDs, nearly every lookup
 * walks all levels). Memory answers every walk read in the next cycle.
 */
#define _POSIX_C_SOURCE 199309L
#include <inttypes.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "ctable.h"
#include "xlat.h"
#include "xlat_opts.h"

static const char *prog = "xlat-bench";

static double now(void) {
  struct timespec t;
  clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &t);
  return (double)t.tv_sec + 1e-9 * (double)t.tv_nsec;
}

/* Table memory without storage: the level-l tables live at (l+1) << 28, every
 * entry of a table points to the next level's table, the last level holds
 * leaves. */
static uint32_t mem_read(uint32_t addr, uint32_t last) {
  uint32_t l = (addr >> 28) - 1;
  if (l >= last) return ctable_leaf(ctable_target(addr * 2654435761u));
  return ctable_next((l + 2) << 28);
}

typedef struct {
  uint64_t lookups, cycles;
  double secs;
} result_t;

static result_t run(xlat_t *x, const xlat_config_t *cfg, int miss_heavy,
                    uint64_t n) {
  xlat_in_t in;
  xlat_out_t out;
  memset(&in, 0, sizeof in);
  in.root = ctable_root(1u << 28);
  in.mem_req_ready = 1;
  uint32_t idmask =
      ~ctable_range_mask(ctable_width(cfg->levels, cfg->level_bits));
  uint64_t rng = 88172645463325252ull, cycles = 0;
  int pending_rsp = 0;
  uint32_t rsp_data = 0;
  xlat_reset(x);
  double t0 = now();
  for (uint64_t i = 0; i < n; i++) {
    uint32_t id;
    if (miss_heavy) {
      rng ^= rng << 13;
      rng ^= rng >> 7;
      rng ^= rng << 17;
      id = (uint32_t)rng & idmask;
    } else {
      id = (uint32_t)(i & 15) * 0x9E3779B1u & idmask;
    }
    in.req_valid = 1;
    in.req_id = id;
    for (;;) {
      in.mem_rsp_valid = (uint8_t)pending_rsp;
      in.mem_rsp_data = rsp_data;
      xlat_step(x, &in, &out);
      cycles++;
      pending_rsp = 0;
      if (out.mem_req_valid) {
        pending_rsp = 1;
        rsp_data = mem_read(out.mem_req_addr, cfg->levels - 1);
      }
      in.req_valid = 0;
      if (out.rsp_valid) break;
    }
  }
  result_t r = {n, cycles, now() - t0};
  return r;
}

#define BENCH_OPTS (XO_ALL & ~XO_BIT(XO_DMEM_LAT) & ~XO_BIT(XO_XLAT))

static void usage(FILE *f) {
  fprintf(f,
          "usage: xlat-bench [options]\n"
          "Lookups per second through the xlat.h API on a hit-heavy and a "
          "miss-heavy\n"
          "stream, for the C model and the verilated RTL (untraced). Prints "
          "one line per\n"
          "backend and stream.\n\n"
          "options (numbers decimal or 0x hex):\n");
  xo_help(f, BENCH_OPTS, BENCH_OPTS, 22, NULL);
  fprintf(f,
          "  --xlat c|rtl|both   the backends measured (default both; alias "
          "--backend)\n"
          "  --lookups N         lookups per stream for the C model (default "
          "20000000);\n"
          "                      the RTL runs a tenth of it\n"
          "  --help              this text\n");
}

int main(int argc, char **argv) {
  xo_params_t xp;
  xo_defaults(&xp);
  int use_c = 1, use_rtl = 1;
  uint64_t n = 20000000;
  for (int i = 1; i < argc; i++) {
    int k = xo_parse_arg(prog, BENCH_OPTS, argc, argv, &i, &xp);
    if (k < 0) return 2;
    if (k) continue;
    const char *a = argv[i];
    char e[256];
    if (!strcmp(a, "--help") || !strcmp(a, "-h")) {
      usage(stdout);
      return 0;
    } else if (xo_find(a) == XO_XLAT || !strcmp(a, "--lookups")) {
      if (i + 1 >= argc) {
        fprintf(stderr, "%s: %s needs a value\n", prog, a);
        return 2;
      }
      const char *v = argv[++i];
      if (!strcmp(a, "--lookups")) {
        if (xo_number_in(a, v, 10, UINT64_MAX, &n, e, sizeof e)) {
          fprintf(stderr, "%s: %s\n", prog, e);
          return 2;
        }
      } else if (!strcmp(v, "both")) {
        use_c = use_rtl = 1;
      } else if (xo_set(&xp, XO_XLAT, a, v, e, sizeof e)) {
        fprintf(stderr, "%s: %s (or both)\n", prog, e);
        return 2;
      } else {
        use_c = xp.backend == XLAT_BACKEND_C;
        use_rtl = !use_c;
      }
    } else {
      fprintf(stderr, "%s: unknown option '%s' (see --help)\n", prog, a);
      return 2;
    }
  }
  xlat_config_t cfg = xp.cfg;
  char err[512], name[96];
  if (xo_check(&xp, err, sizeof err)) {
    fprintf(stderr, "%s: %s\n", prog, err);
    return 2;
  }
  xlat_config_name(&cfg, name, sizeof name);
  for (int b = 0; b < 2; b++) {
    if ((b == 0 && !use_c) || (b == 1 && !use_rtl)) continue;
    xlat_t *x = xlat_create(b ? XLAT_BACKEND_RTL : XLAT_BACKEND_C, &cfg, err,
                            sizeof err);
    if (!x) {
      fprintf(stderr, "%s\n", err);
      return 2;
    }
    uint64_t nn = b ? n / 10 : n;
    for (int miss = 0; miss < 2; miss++) {
      result_t r = run(x, &cfg, miss, nn);
      printf(
          "xlat-bench: %-3s %-10s %s: %" PRIu64
          " lookups, %.2f cycles/lookup, %.1f M lookups/s, %.1f M cycles/s\n",
          b ? "RTL" : "C", miss ? "miss-heavy" : "hit-heavy", name, r.lookups,
          (double)r.cycles / (double)r.lookups,
          (double)r.lookups / r.secs / 1e6, (double)r.cycles / r.secs / 1e6);
    }
    xlat_destroy(x);
  }
  return 0;
}
