/*
 * xlat_diff.c: differential test of the accelerator's two backends.
 *
 * A seeded random world (radix tables in a simulated memory, a pool of IDs,
 * patches of table entries, root enable toggles) drives two instances in lock
 * step: the pure-C model and the verilated RTL (or, with --idle-test, two
 * instances of one backend, the second with idle cycles inserted whenever it
 * is not busy). Every cycle's outputs are compared field by field, and the
 * counters at the end. Independently of the backends, every walk answer and
 * every hit is checked against a direct translation of the table in memory
 * (the spec in docs/accelerator.md), unless a patch made it legitimately stale.
 */
#define _POSIX_C_SOURCE 200809L
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ctable.h"
#include "xlat.h"
#include "xlat_opts.h"

static const char *prog = "xlat-diff";

/* ------------------------------------------------------------------ random */
typedef struct {
  uint64_t s;
} rng_t;

static uint64_t rnd(rng_t *r) { /* splitmix64 */
  uint64_t z = (r->s += 0x9E3779B97F4A7C15ull);
  z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
  z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
  return z ^ (z >> 31);
}
static uint32_t below(rng_t *r, uint32_t n) { return (uint32_t)(rnd(r) % n); }

/* ------------------------------------------------------------------ world */
#define MEMBASE 0x80000000u
#define MEMWORDS (1u << 22) /* 16 MiB of table memory */

typedef struct {
  xlat_config_t cfg;
  ctable_geo_t geo;
  uint32_t *mem, brk, root;
  uint32_t *ids, nids;
  uint8_t *dirty; /* the ID's translation changed since its last invalidate */
  int wc_stale; /* a non-leaf entry changed since the last flush (the walk cache
                   may be stale) */
} world_t;

static uint32_t *word(world_t *w, uint32_t addr) {
  if (addr < MEMBASE || (addr - MEMBASE) / 4 >= MEMWORDS || (addr & 3))
    return NULL;
  return &w->mem[(addr - MEMBASE) / 4];
}

/* The entry of id at level l in the table at base, or NULL outside memory. */
static uint32_t *entry(world_t *w, uint32_t base, uint32_t l, uint32_t id) {
  return word(w, ctable_geo_entry(&w->geo, base, id, l));
}

static int read_word(void *ctx, uint32_t addr, uint32_t *v) {
  const uint32_t *p = word(ctx, addr);
  if (!p) return -1;
  *v = *p;
  return 0;
}

/* Direct translation from the spec (ctable_walk): returns the fault, *addr the
 * function address. */
static int golden(world_t *w, uint32_t root, uint32_t id, uint32_t *addr) {
  ctable_walk_t t;
  int f = (int)ctable_walk(&w->geo, root, id, read_word, w, &t);
  *addr = t.addr;
  return f;
}

/* A valid non-leaf entry. */
static int is_next(uint32_t e) { return ctable_valid(e) && !ctable_is_leaf(e); }

static uint32_t junk_invalid(rng_t *r) {
  return ctable_target((uint32_t)rnd(r)) | CTABLE_LEAF;
}

/* Creates the table path of `id` where it does not exist yet, with random
 * invalid entries, superpage leaves, pointers out of memory and bad last-level
 * entries. */
static void build_path(world_t *w, rng_t *r, uint32_t id) {
  if (id & w->geo.range_mask) return;
  uint32_t base = ctable_root_base(w->root), last = w->cfg.levels - 1;
  for (uint32_t l = 0; l <= last; l++) {
    uint32_t *e = entry(w, base, l, id);
    if (!e) return;
    if (*e) {
      if (!is_next(*e) || l == last) return;
      base = ctable_target(*e);
      continue;
    }
    uint32_t p = below(r, 1000);
    if (p < 40) {
      *e = junk_invalid(r);
    } else if (l == last) {
      *e = p < 55 ? ctable_next(ctable_target((uint32_t)rnd(r)))
                  : ctable_leaf(ctable_target((uint32_t)rnd(r)));
    } else if (p < 110) {
      *e = ctable_leaf(ctable_target((uint32_t)rnd(r))); /* superpage leaf */
    } else if (p < 125) {
      /* next table outside memory */
      *e = ctable_next(0x10000000u + (below(r, 1u << 20) << 2));
    } else {
      uint32_t n = ctable_level_entries(w->cfg.level_bits[l + 1]);
      if (w->brk + n > MEMWORDS) {
        *e = junk_invalid(r);
        return;
      }
      uint32_t tb = MEMBASE + w->brk * CTABLE_ENTRY_BYTES;
      w->brk += n;
      *e = ctable_next(tb);
      base = tb;
      continue;
    }
    return;
  }
}

static uint32_t gen_id(world_t *w, rng_t *r) {
  uint32_t id = 0;
  for (uint32_t l = 0; l < w->cfg.levels; l++) {
    uint32_t n = ctable_level_entries(w->cfg.level_bits[l]);
    int last =
        l + 1 == w->cfg.levels; /* shared upper tables, spread-out sets */
    uint32_t i =
        !last && below(r, 10) < 7 ? below(r, n < 4 ? n : 4) : below(r, n);
    id |= i << w->geo.shift[l];
  }
  if (w->geo.range_mask && below(r, 100) < 3)
    id |= w->geo.range_mask & (uint32_t)rnd(r);
  return id;
}

static void world_init(world_t *w, rng_t *r, const xlat_config_t *cfg) {
  memset(w, 0, sizeof *w);
  w->cfg = *cfg;
  ctable_geo_init(&w->geo, cfg->levels, cfg->level_bits);
  w->mem = calloc(MEMWORDS, 4);
  w->brk = ctable_level_entries(cfg->level_bits[0]);
  w->root = ctable_root(MEMBASE);
  w->nids = cfg->entries * 2 < 8     ? 8
            : cfg->entries * 2 > 600 ? 600
                                     : cfg->entries * 2;
  w->ids = calloc(w->nids, sizeof *w->ids);
  w->dirty = calloc(w->nids, 1);
  for (uint32_t i = 0; i < w->nids; i++) {
    w->ids[i] = gen_id(w, r);
    build_path(w, r, w->ids[i]);
  }
}

static void world_free(world_t *w) {
  free(w->mem);
  free(w->ids);
  free(w->dirty);
}

/* Rewrites one entry on the path of a pool ID (a hot patch, or a table change);
 * marks every pool ID whose translation changed as dirty. Returns the entry's
 * level. */
static uint32_t patch(world_t *w, rng_t *r, uint32_t id) {
  uint32_t before[600], a;
  for (uint32_t i = 0; i < w->nids; i++) {
    int f = golden(w, w->root | 1u, w->ids[i], &a);
    before[i] = f ? 0xFFFFFFF0u | (uint32_t)f : a;
  }
  uint32_t base = ctable_root_base(w->root), lvl = 0;
  uint32_t *e = NULL;
  for (uint32_t l = 0; l < w->cfg.levels; l++) {
    uint32_t *p = entry(w, base, l, id);
    if (!p) break;
    e = p;
    lvl = l;
    if (!is_next(*p) || l == w->cfg.levels - 1) break;
    if (below(r, 10) == 0) break; /* sometimes patch an upper level */
    base = ctable_target(*p);
  }
  if (!e) return 0;
  if (is_next(*e) && lvl + 1 < w->cfg.levels) w->wc_stale = 1;
  uint32_t k = below(r, 10);
  if (k < 8 || !ctable_valid(*e))
    *e = ctable_leaf(ctable_target((uint32_t)rnd(r))); /* new handler */
  else if (k < 9)
    *e &= ~CTABLE_VALID; /* unmap */
  else
    *e = junk_invalid(r);
  for (uint32_t i = 0; i < w->nids; i++) {
    int f = golden(w, w->root | 1u, w->ids[i], &a);
    if ((f ? 0xFFFFFFF0u | (uint32_t)f : a) != before[i]) w->dirty[i] = 1;
  }
  return lvl;
}

/* ------------------------------------------------------------------ run */
typedef struct {
  uint64_t due;
  uint32_t id;
  uint8_t all;
} inv_t;

static int out_eq(const xlat_out_t *a, const xlat_out_t *b) {
  return a->req_ready == b->req_ready && a->rsp_valid == b->rsp_valid &&
         a->rsp_hit == b->rsp_hit && a->rsp_fault == b->rsp_fault &&
         a->rsp_addr == b->rsp_addr && a->mem_req_valid == b->mem_req_valid &&
         a->mem_req_addr == b->mem_req_addr && a->busy == b->busy;
}

static void print_io(const char *tag, const xlat_out_t *o) {
  fprintf(stderr,
          "  %-6s req_ready=%u rsp_valid=%u rsp_hit=%u rsp_fault=%u "
          "rsp_addr=0x%08x "
          "mem_req_valid=%u mem_req_addr=0x%08x busy=%u\n",
          tag, o->req_ready, o->rsp_valid, o->rsp_hit, o->rsp_fault,
          o->rsp_addr, o->mem_req_valid, o->mem_req_addr, o->busy);
}

static void print_in(const xlat_in_t *i) {
  fprintf(
      stderr,
      "  inputs req_valid=%u req_id=0x%08x inv_valid=%u inv_all=%u "
      "inv_id=0x%08x root=0x%08x "
      "mem_req_ready=%u mem_rsp_valid=%u mem_rsp_err=%u mem_rsp_data=0x%08x\n",
      i->req_valid, i->req_id, i->inv_valid, i->inv_all, i->inv_id, i->root,
      i->mem_req_ready, i->mem_rsp_valid, i->mem_rsp_err, i->mem_rsp_data);
}

typedef struct {
  xlat_config_t cfg;
  uint64_t seed, ops;
  int idle_test;
  xlat_backend_t backend; /* for --idle-test */
  int verbose;
  const char *trace; /* VCD of the RTL instance */
  uint64_t trace_from, trace_to;
  int walks_only;
  unsigned margin;
} opts_t;

static int pool_index(const world_t *w, uint32_t id) {
  for (uint32_t i = 0; i < w->nids; i++)
    if (w->ids[i] == id) return (int)i;
  return -1;
}

/* Returns 0 on pass, 1 on mismatch, 2 on set-up error. */
static int run(const opts_t *o, xlat_t *a, xlat_t *b, const char *an,
               const char *bn) {
  char name[96];
  xlat_config_name(&o->cfg, name, sizeof name);
  rng_t r = {o->seed * 0x2545F4914F6CDD1Dull + 1};
  world_t w;
  world_init(&w, &r, &o->cfg);
  inv_t q[8];
  int nq = 0;
  int pending = 0;
  uint32_t req_id = 0;
  uint64_t gap_until = 0, ops_done = 0, checks = 0, cycle = 0,
           idle_inserted = 0;
  int mem_out = 0;
  uint32_t mem_addr = 0;
  uint64_t mem_due = 0;
  int walk_on = 0, walk_stale = 0, walk_err = 0;
  uint32_t walk_id = 0, walk_root = 0;
  uint64_t walk_start = 0;
  /* a walk killed by an invalidate of its ID or a flush restarts from the
   * root (docs/accelerator.md section 6): 1 in the next cycle (no read was
   * open), 2 when the read open at the kill is answered (its data dropped) */
  int restart_due = 0;
  uint32_t mem_ready_pct = 20 + below(&r, 81);
  uint32_t max_lat = 1 + below(&r, 12);
  uint32_t hot_pct = 40 + below(&r, 56);
  uint32_t hot = 2 + below(&r, w.nids / 2 + 1);
  int rc = 0;
  const uint64_t limit = o->ops * 200 + 100000;

  for (cycle = 0;; cycle++) {
    if (cycle > limit) {
      fprintf(stderr,
              "%s: seed %" PRIu64 " config %s: no progress after %" PRIu64
              " cycles\n",
              prog, o->seed, name, cycle);
      rc = 1;
      break;
    }
    if (ops_done >= o->ops && !pending && !xlat_busy(a) && !nq && !mem_out)
      break;
    xlat_in_t in;
    memset(&in, 0, sizeof in);
    /* next operation */
    if (!pending && ops_done < o->ops && cycle >= gap_until) {
      ops_done++;
      uint32_t k = below(&r, 1000);
      if (!(w.root & 1) && below(&r, 10) < 3) w.root |= 1u;
      /* locality: most lookups go to a hot subset of the pool */
      int ip =
          (int)(below(&r, 100) < hot_pct ? below(&r, hot) : below(&r, w.nids));
      if (k < 820) {
        pending = 1;
        req_id = below(&r, 100) < 3
                     ? (below(&r, 2) ? (uint32_t)rnd(&r) : gen_id(&w, &r))
                     : w.ids[ip];
      } else if (k < 880) {
        if (nq < 8) q[nq++] = (inv_t){cycle + below(&r, 4), w.ids[ip], 0};
      } else if (k < 885) {
        if (nq < 8) q[nq++] = (inv_t){cycle + below(&r, 4), 0, 1};
      } else if (k < 925) {
        uint32_t lvl = patch(&w, &r, w.ids[ip]);
        if (walk_on) walk_stale = 1;
        if (below(&r, 10) < 9 && nq < 8) {
          int all = lvl + 1 < o->cfg.levels &&
                    below(&r, 2); /* an upper level: flush */
          q[nq++] = (inv_t){cycle + below(&r, 30), w.ids[ip], (uint8_t)all};
        }
      } else if (k < 930) {
        w.root &= ~1u; /* disable the table for a few operations */
      } else {
        gap_until = cycle + 1 + below(&r, 6);
      }
    }
    in.req_valid = (uint8_t)pending;
    in.req_id = req_id;
    /* invalidate port: a scheduled one, or a random one aimed at the walk */
    for (int i = 0; i < nq; i++) {
      if (q[i].due <= cycle) {
        in.inv_valid = 1;
        in.inv_all = q[i].all;
        in.inv_id = q[i].id;
        q[i] = q[--nq];
        break;
      }
    }
    if (!in.inv_valid && below(&r, 1000) < (walk_on ? 20u : 3u)) {
      /* mostly aimed at the ID being walked, to exercise the kill rule */
      in.inv_valid = 1;
      in.inv_id =
          walk_on && below(&r, 10) < 7 ? walk_id : w.ids[below(&r, w.nids)];
      in.inv_all = below(&r, 100) < 3;
    }
    in.root = w.root;
    in.mem_req_ready = below(&r, 100) < mem_ready_pct;
    if (mem_out && mem_due == cycle) {
      uint32_t *e = word(&w, mem_addr);
      in.mem_rsp_valid = 1;
      in.mem_rsp_err = !e || below(&r, 1000) < 8;
      in.mem_rsp_data = in.mem_rsp_err ? (uint32_t)rnd(&r) : *e;
    }

    /* idle cycles for the second instance */
    if (o->idle_test && !xlat_busy(b) && below(&r, 3) == 0) {
      uint32_t n = 1 + below(&r, 4);
      for (uint32_t i = 0; i < n; i++) {
        xlat_in_t idle;
        xlat_out_t io;
        memset(&idle, 0, sizeof idle);
        idle.root = in.root;
        idle.mem_req_ready = (uint8_t)below(&r, 2);
        xlat_step(b, &idle, &io);
        idle_inserted++;
        if (io.rsp_valid || io.mem_req_valid || io.busy) {
          fprintf(stderr,
                  "%s: seed %" PRIu64 " config %s cycle %" PRIu64
                  ": an inserted idle cycle was not idle\n",
                  prog, o->seed, name, cycle);
          print_io(bn, &io);
          rc = 1;
          goto done;
        }
      }
    }

    xlat_out_t oa, ob;
    xlat_step(a, &in, &oa);
    xlat_step(b, &in, &ob);
    if (!out_eq(&oa, &ob)) {
      fprintf(stderr,
              "%s: MISMATCH seed %" PRIu64 " config %s cycle %" PRIu64 "\n",
              prog, o->seed, name, cycle);
      print_in(&in);
      print_io(an, &oa);
      print_io(bn, &ob);
      rc = 1;
      break;
    }
    if (o->verbose) {
      print_in(&in);
      print_io(an, &oa);
    }

    /* independent check against the table in memory */
    int restarted = 0; /* the walk started again from the root this cycle */
    if (restart_due == 1) restarted = 1;
    if (in.mem_rsp_valid) {
      mem_out = 0;
      if (restart_due == 2)
        restarted = 1; /* the open read's answer is dropped */
      else if (in.mem_rsp_err)
        walk_err = 1;
    }
    if (restarted) {
      /* the walk reads everything again, under this cycle's root */
      restart_due = 0;
      walk_root = in.root;
      walk_err = 0;
      walk_stale = 0;
    }
    if (oa.mem_req_valid && in.mem_req_ready) {
      mem_out = 1;
      mem_addr = oa.mem_req_addr;
      mem_due = cycle + 1 + below(&r, max_lat) + (below(&r, 50) == 0 ? 30 : 0);
    }
    const int answered = oa.rsp_valid && !oa.rsp_hit;
    if (oa.rsp_valid) {
      uint32_t want_addr;
      int want, chk = 1;
      uint32_t id = oa.rsp_hit ? req_id : walk_id;
      if (oa.rsp_hit) {
        int pi = pool_index(&w, id);
        chk = pi >= 0 && !w.dirty[pi];
        want = golden(&w, w.root | 1u, id, &want_addr);
      } else {
        chk = !walk_stale;
        want =
            walk_err ? XLAT_FAULT_BUS : golden(&w, walk_root, id, &want_addr);
        if (walk_err) want_addr = 0;
        walk_on = 0;
      }
      if (o->cfg.walk_cache && w.wc_stale) chk = 0;
      if (chk) {
        checks++;
        if (want != oa.rsp_fault || want_addr != oa.rsp_addr) {
          fprintf(stderr,
                  "%s: WRONG ANSWER seed %" PRIu64 " config %s cycle %" PRIu64
                  ": id 0x%08x %s: got fault %s addr 0x%08x, the table says "
                  "fault %s addr 0x%08x\n",
                  prog, o->seed, name, cycle, id, oa.rsp_hit ? "hit" : "walk",
                  xlat_fault_name(oa.rsp_fault), oa.rsp_addr,
                  xlat_fault_name((unsigned)want), want_addr);
          rc = 1;
          break;
        }
      }
    }
    if (pending && oa.req_ready) {
      pending = 0;
      if (!oa.rsp_hit) {
        walk_on = 1;
        walk_stale = 0;
        walk_err = 0;
        walk_id = req_id;
        walk_root = in.root;
        walk_start = cycle;
        restart_due = 0;
      }
    }
    if (in.inv_valid) {
      /* an invalidate of the walked ID or a flush after the request cycle and
       * before the answer's cycle kills the walk: it restarts now (with the
       * response it was waiting for), when its open read is answered, or in
       * the next cycle; one in the restart cycle itself does not kill the
       * restarted walk (its reads all come after it). In the answer's cycle
       * the answer stands and only its installation is suppressed (checked by
       * later hits). */
      if (walk_on && cycle > walk_start && !answered && !restarted &&
          !restart_due && (in.inv_all || in.inv_id == walk_id)) {
        if (in.mem_rsp_valid) {
          walk_root = in.root;
          walk_err = 0;
          walk_stale = 0;
        } else {
          restart_due = mem_out ? 2 : 1;
        }
      }
      for (uint32_t i = 0; i < w.nids; i++)
        if (in.inv_all || w.ids[i] == in.inv_id) w.dirty[i] = 0;
      if (in.inv_all) w.wc_stale = 0;
    }
  }
  if (!rc) {
    xlat_counters_t ca, cb;
    xlat_get_counters(a, &ca);
    xlat_get_counters(b, &cb);
    if (memcmp(&ca, &cb, sizeof ca)) {
      fprintf(stderr,
              "%s: MISMATCH seed %" PRIu64
              " config %s: counters differ at the end\n",
              prog, o->seed, name);
      rc = 1;
    }
    if (rc || o->verbose) {
      const xlat_counters_t *cs[2] = {&ca, &cb};
      const char *ns[2] = {an, bn};
      for (int i = 0; i < 2; i++)
        fprintf(stderr,
                "  %-6s lookups=%" PRIu64 " hits=%" PRIu64 " misses=%" PRIu64
                " walk_cycles=%" PRIu64 " mem_reads=%" PRIu64
                " walk_cache_hits=%" PRIu64 " invalidations=%" PRIu64
                " faults=%" PRIu64 "\n",
                ns[i], cs[i]->lookups, cs[i]->hits, cs[i]->misses,
                cs[i]->walk_cycles, cs[i]->mem_reads, cs[i]->walk_cache_hits,
                cs[i]->invalidations, cs[i]->faults);
    }
    if (!rc)
      printf("seed %" PRIu64 " %s: %" PRIu64 " cycles, %" PRIu64
             " lookups (%" PRIu64 " hits), %" PRIu64
             " answers checked against the table%s\n",
             o->seed, name, cycle, ca.lookups, ca.hits, checks,
             o->idle_test ? ", idle cycles inserted" : "");
    if (!rc && o->idle_test)
      printf("  %" PRIu64 " idle cycles inserted\n", idle_inserted);
  }
done:
  world_free(&w);
  return rc;
}

#define DIFF_OPTS (XO_ALL & ~XO_BIT(XO_DMEM_LAT))

static void usage(FILE *f) {
  fprintf(
      f,
      "usage: xlat-diff [options]\n"
      "Differential test of the accelerator: the C model and the verilated RTL "
      "driven\n"
      "in lock step by seeded random streams (lookups, invalidates, flushes, "
      "table\n"
      "patches, root toggles, random memory latencies and error responses), "
      "compared\n"
      "cycle by cycle on every output and on the counters at the end; every "
      "answer is\n"
      "also checked against a direct translation of the table in memory.\n"
      "Prints one line per seed; exit 0 = PASS, 1 = mismatch (seed, "
      "configuration,\n"
      "cycle and both sides printed), 2 = bad option or configuration.\n\n"
      "options (numbers decimal or 0x hex):\n");
  xo_help(f, DIFF_OPTS & ~XO_BIT(XO_XLAT), DIFF_OPTS & ~XO_BIT(XO_XLAT), 22,
          NULL);
  fprintf(
      f,
      "  --seed N            first seed (default 1)\n"
      "  --seeds N           number of seeds, seed .. seed+N-1 (default 1)\n"
      "  --ops N             operations per seed (default 20000)\n"
      "  --idle-test         instead of C vs RTL: one backend against itself, "
      "the\n"
      "                      second instance with idle cycles inserted "
      "whenever it\n"
      "                      is not busy\n"
      "  --xlat c|rtl        the backend of --idle-test (default c; alias "
      "--backend)\n"
      "  --verbose           print every cycle's inputs and outputs\n"
      "  --trace FILE        write a VCD waveform of the RTL instance (the "
      "first seed)\n"
      "  --trace-from N      first cycle dumped (default 0)\n"
      "  --trace-to N        dump cycles below N only (default 0 = to the "
      "end)\n"
      "  --walks-only        dump only the cycles of table walks (and --margin "
      "after)\n"
      "  --margin N          cycles dumped after each walk with --walks-only\n"
      "                      (default 2)\n"
      "  --help              this text\n");
}

/* A number option's value at argv[*i + 1] in lo..hi; -1 with a message. */
static int num_arg(int argc, char **argv, int *i, uint64_t lo, uint64_t hi,
                   uint64_t *v) {
  char err[256];
  const char *a = argv[*i];
  if (*i + 1 >= argc) {
    fprintf(stderr, "%s: %s needs a value\n", prog, a);
    return -1;
  }
  if (xo_number_in(a, argv[++*i], lo, hi, v, err, sizeof err)) {
    fprintf(stderr, "%s: %s\n", prog, err);
    return -1;
  }
  return 0;
}

int main(int argc, char **argv) {
  opts_t o;
  xo_params_t xp;
  memset(&o, 0, sizeof o);
  xo_defaults(&xp);
  o.seed = 1;
  o.ops = 20000;
  o.margin = 2;
  uint64_t seeds = 1;
  for (int i = 1; i < argc; i++) {
    int k = xo_parse_arg(prog, DIFF_OPTS, argc, argv, &i, &xp);
    if (k < 0) return 2;
    if (k) continue;
    const char *a = argv[i];
    uint64_t x = 0;
    if (!strcmp(a, "--help") || !strcmp(a, "-h")) {
      usage(stdout);
      return 0;
    } else if (!strcmp(a, "--idle-test")) {
      o.idle_test = 1;
    } else if (!strcmp(a, "--verbose")) {
      o.verbose = 1;
    } else if (!strcmp(a, "--walks-only")) {
      o.walks_only = 1;
    } else if (!strcmp(a, "--trace")) {
      if (i + 1 >= argc || !*argv[i + 1]) {
        fprintf(stderr, "%s: --trace needs a file name\n", prog);
        return 2;
      }
      o.trace = argv[++i];
    } else if (!strcmp(a, "--trace-from") || !strcmp(a, "--trace-to")) {
      if (num_arg(argc, argv, &i, 0, UINT64_MAX, &x)) return 2;
      if (!strcmp(a, "--trace-from")) o.trace_from = x;
      if (!strcmp(a, "--trace-to")) o.trace_to = x;
    } else if (!strcmp(a, "--margin")) {
      if (num_arg(argc, argv, &i, 0, 1000000, &x)) return 2;
      o.margin = (unsigned)x;
    } else if (!strcmp(a, "--seed")) {
      if (num_arg(argc, argv, &i, 0, UINT64_MAX, &x)) return 2;
      o.seed = x;
    } else if (!strcmp(a, "--seeds") || !strcmp(a, "--ops")) {
      /* 0 would compare nothing */
      if (num_arg(argc, argv, &i, 1, UINT64_MAX, &x)) return 2;
      if (!strcmp(a, "--seeds")) seeds = x;
      if (!strcmp(a, "--ops")) o.ops = x;
    } else {
      fprintf(stderr, "%s: unknown option '%s' (see --help)\n", prog, a);
      return 2;
    }
  }
  char err[512];
  if (xo_check(&xp, err, sizeof err)) {
    fprintf(stderr, "%s: %s\n", prog, err);
    return 2;
  }
  o.cfg = xp.cfg;
  o.backend = xp.backend;
  xlat_backend_t ba = o.idle_test ? o.backend : XLAT_BACKEND_C;
  xlat_backend_t bb = o.idle_test ? o.backend : XLAT_BACKEND_RTL;
  const char *an = o.idle_test ? "lock" : "C",
             *bn = o.idle_test ? "skip" : "RTL";
  xlat_t *a = xlat_create(ba, &o.cfg, err, sizeof err);
  if (!a) {
    fprintf(stderr, "%s\n", err);
    return 2;
  }
  xlat_t *b = xlat_create(bb, &o.cfg, err, sizeof err);
  if (!b) {
    fprintf(stderr, "%s\n", err);
    xlat_destroy(a);
    return 2;
  }
  int rc = 0;
  uint64_t first = o.seed;
  for (uint64_t s = 0; s < seeds && !rc; s++) {
    o.seed = first + s;
    xlat_reset(a);
    xlat_reset(b);
    if (o.trace && s == 0) {
      xlat_t *t = bb == XLAT_BACKEND_RTL ? b : NULL;
      if (!t || xlat_trace_open(t, o.trace, o.trace_from, o.trace_to,
                                o.walks_only, o.margin, err, sizeof err)) {
        fprintf(stderr, "%s\n",
                t ? err : "xlat-diff: --trace needs an RTL instance");
        rc = 2;
        break;
      }
    }
    rc = run(&o, a, b, an, bn);
    if (o.trace && s == 0) xlat_trace_close(b);
  }
  xlat_destroy(a);
  xlat_destroy(b);
  if (!rc) printf("xlat-diff: PASS\n");
  return rc;
}
