/*
 * cttrace: runs a call trace (traces/FORMAT.md) through the accelerator
 * (model/xlat.h, C model or verilated RTL) without a CPU.
 *
 * The function table lives in a simulated memory: every ID the trace uses gets
 * a leaf entry with a synthetic handler address, created (by "software",
 * outside simulated time) before the ID's first event. A call is one lookup on
 * the request port; walk reads are answered by a memory with a fixed latency; a
 * patch rewrites the leaf entry and then invalidates the ID (one cycle on the
 * invalidate port), like the firmware's patch API; gaps are idle cycles,
 * skipped without clocking the model when it is not busy (exact, see
 * docs/accelerator.md). Every translation is checked against the table; a wrong
 * answer is an error. docs/traces.md describes the options and outputs.
 * call_cycles / cycles_per_call are the calls' CPU cost by docs/timing.md's
 * "Cycles per call" (a callid as ctsim charges it, --imem-lat 1); the
 * accelerator's own cycles are answer_cycles.
 */
#define _POSIX_C_SOURCE 200809L
#include <errno.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "ctable.h"
#include "ctrace_read.h"
#include "outfile.h"
#include "xlat.h"
#include "xlat_opts.h"

#define TABLE_BASE 0x80000000u /* where the root table is placed */
/* What a callid costs the CPU beyond its accelerator cycles (docs/timing.md,
 * "Cycles per call"): EX is held for the answer cycles, then the redirect
 * costs 1 + --imem-lat bubbles; cttrace charges ctsim's default --imem-lat 1.
 */
#define CPU_CALL_EXTRA 2u
#define HANDLER_BASE 0x40000000u
#define RUN 256 /* calls decoded at once by the fast path */

/* ---------------------------------------------------------------- table memory
 */
#define LEAF_CACHE (1u << 16) /* host-side cache ID -> leaf entry index */

typedef struct {
  uint32_t *w; /* words from TABLE_BASE */
  uint32_t *lc_id;
  size_t *lc_e; /* leaf index + 1; 0 = empty */
  size_t n, cap;
  size_t max_words;
  ctable_geo_t geo; /* the table's geometry (model/ctable.h) */
} table_t;

static int table_alloc(table_t *t, uint32_t words, uint32_t *addr) {
  if (t->n + words > t->max_words) return -1;
  if (t->n + words > t->cap) {
    size_t nc = t->cap ? t->cap : 1u << 16;
    while (nc < t->n + words) nc *= 2;
    uint32_t *nw = realloc(t->w, nc * sizeof *nw);
    if (!nw) return -1;
    t->w = nw;
    t->cap = nc;
  }
  memset(t->w + t->n, 0, words * sizeof *t->w);
  *addr = TABLE_BASE + (uint32_t)(t->n * CTABLE_ENTRY_BYTES);
  t->n += words;
  return 0;
}

static uint32_t handler_addr(uint32_t id) {
  uint32_t h = id * 0x9E3779B1u;
  h ^= h >> 15;
  return HANDLER_BASE | (h & 0x0FFFFFFCu);
}

/* Returns the index (in t->w) of id's leaf entry, creating tables and the leaf
 * as needed; (size_t)-1 when the table memory limit is reached. */
static size_t table_leaf_walk(table_t *t, uint32_t id) {
  uint32_t tbl = TABLE_BASE;
  for (uint32_t l = 0;; l++) {
    size_t e = (ctable_geo_entry(&t->geo, tbl, id, l) - TABLE_BASE) /
               CTABLE_ENTRY_BYTES;
    if (l + 1 == t->geo.levels) {
      if (!ctable_valid(t->w[e])) t->w[e] = ctable_leaf(handler_addr(id));
      return e;
    }
    if (!ctable_valid(t->w[e])) {
      uint32_t next;
      if (table_alloc(t, ctable_level_entries(t->geo.bits[l + 1]), &next) < 0)
        return (size_t)-1;
      t->w[e] = ctable_next(next);
    }
    tbl = ctable_target(t->w[e]);
  }
}

/* The same through a direct-mapped cache (entries never move: tables only
 * grow). */
static inline size_t table_leaf(table_t *t, uint32_t id) {
  uint32_t slot = (id ^ (id >> 16)) & (LEAF_CACHE - 1);
  if (t->lc_e[slot] && t->lc_id[slot] == id) return t->lc_e[slot] - 1;
  size_t e = table_leaf_walk(t, id);
  if (e != (size_t)-1) {
    t->lc_id[slot] = id;
    t->lc_e[slot] = e + 1;
  }
  return e;
}

/* ---------------------------------------------------------------- options */
typedef struct {
  const char *trace;
  xlat_backend_t backend;
  xlat_config_t cfg;
  uint32_t mem_lat;
  int range_count;
  const char *json;
  int speed, quiet;
  uint64_t max_table_mb;
  const char *wave;            /* --wave FILE (RTL backend) */
  uint64_t wave_from, wave_to; /* accelerator cycles [from, to); to 0: no end */
  int wave_walks;
  uint32_t wave_margin;
} opts_t;

/* --wave's file (sim/outfile.h: a temporary file removed at exit unless
 * committed) */
static outfile_t wave_out;

static void usage(FILE *f) {
  fprintf(
      f,
      "usage: cttrace [options] TRACE\n"
      "Runs a call trace (traces/FORMAT.md: text or binary, optionally gzip) "
      "through the\n"
      "call-translation accelerator without a CPU and prints its statistics.\n"
      "answer_cycles: the accelerator's cycles from each request to its "
      "answer;\n"
      "call_cycles, cycles_per_call: what the calls cost the CPU, as ctsim "
      "charges a\n"
      "callid with 1-cycle fetches (answer cycles + 2 each; docs/timing.md, "
      "\"Cycles per call\").\n"
      "\n"
      "options (numbers decimal or 0x hex):\n");
  xo_help(f, XO_ALL, XO_ALL, 24,
          "latency of a walk read in cycles: a read accepted in\n"
          "cycle t is answered in cycle t+N, 1..1000000 (default 1)");
  fprintf(
      f,
      "  --range-faults error|count\n"
      "                        an ID wider than the table covers: error "
      "(default; exit 2,\n"
      "                        naming the trace line) or count (the "
      "accelerator answers a\n"
      "                        RANGE fault, counted in faults/range_faults)\n"
      "  --stats-json FILE     also write the statistics as JSON (written at "
      "the end; a regular\n"
      "                        file via a temporary file and a rename, nothing "
      "is written on\n"
      "                        error; a FIFO or a device in place);\n"
      "                        '-': the JSON on stdout instead of the text "
      "statistics\n"
      "  --max-table-mb N      limit of the simulated table memory (default "
      "1024)\n"
      "  --wave FILE           dump a waveform of the accelerator (VCD, or FST "
      "if FILE ends\n"
      "                        in .fst) of the verilated RTL, so it selects "
      "--xlat rtl\n"
      "                        (with --xlat c: an error). Its time axis counts "
      "the\n"
      "                        accelerator's cycles (gaps while it is idle are "
      "skipped)\n"
      "  --wave-from C, --wave-to C\n"
      "                        dump only the accelerator cycles in [C, C)\n"
      "  --wave-walks-only     dump only each miss's request cycle, its walk "
      "and\n"
      "                        --wave-margin cycles after it\n"
      "  --wave-margin N       cycles kept after each walk, 0..1000 (default "
      "4)\n"
      "  --speed               also print host CPU time and events per second\n"
      "  --quiet               print nothing on success (with --stats-json), "
      "no note\n"
      "                        of an on-demand RTL build\n"
      "  --help                this text\n"
      "\n"
      "Exit status: 0 ok; 1 the accelerator gave a wrong translation or an "
      "unexpected\n"
      "fault (a model bug); 2 bad option, unreadable or invalid trace, ID out "
      "of range.\n");
}

static void die(int code, const char *fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  fputs("cttrace: ", stderr);
  vfprintf(stderr, fmt, ap);
  fputc('\n', stderr);
  va_end(ap);
  exit(code);
}

static uint64_t parse_u(const char *opt, const char *s, uint64_t lo,
                        uint64_t hi) {
  uint64_t v;
  char err[256];
  if (xo_number_in(opt, s, lo, hi, &v, err, sizeof err))
    die(2, "option %s", err);
  return v;
}

static void parse_args(opts_t *o, int argc, char **argv) {
  memset(o, 0, sizeof *o);
  xo_params_t xp;
  xo_defaults(&xp);
  o->max_table_mb = 1024;
  o->wave_margin = 4;
  for (int i = 1; i < argc; i++) {
    const char *a = argv[i];
    if (strcmp(a, "--help") == 0 || strcmp(a, "-h") == 0) {
      usage(stdout);
      exit(0);
    }
    if (a[0] != '-' || a[1] == '\0') {
      if (o->trace)
        die(2, "more than one trace given ('%s' and '%s')", o->trace, a);
      o->trace = a;
      continue;
    }
    /* the accelerator's parameters (model/xlat_opts.h) */
    int k = xo_parse_arg("cttrace", XO_ALL, argc, argv, &i, &xp);
    if (k < 0) exit(2); /* (nothing is open yet) */
    if (k) continue;
    /* --opt=value or --opt value */
    char name[64];
    const char *val = NULL;
    const char *eq = strchr(a, '=');
    if (eq) {
      size_t len = (size_t)(eq - a);
      if (len >= sizeof name) die(2, "unknown option '%s' (see --help)", a);
      memcpy(name, a, len);
      name[len] = '\0';
      val = eq + 1;
    } else {
      if (strlen(a) >= sizeof name)
        die(2, "unknown option '%s' (see --help)", a);
      strcpy(name, a);
    }
    if (strcmp(name, "--speed") == 0 || strcmp(name, "--quiet") == 0 ||
        strcmp(name, "--wave-walks-only") == 0) {
      if (val) die(2, "option %s takes no value", name);
      if (name[2] == 's')
        o->speed = 1;
      else if (name[2] == 'q')
        o->quiet = 1;
      else
        o->wave_walks = 1;
      continue;
    }
    static const char *valued[] = {
        "--range-faults", "--stats-json", "--max-table-mb", "--wave",
        "--wave-from",    "--wave-to",    "--wave-margin"};
    int known = 0;
    for (size_t j = 0; j < sizeof valued / sizeof *valued; j++)
      if (strcmp(name, valued[j]) == 0) known = 1;
    if (!known) die(2, "unknown option '%s' (see --help)", name);
    if (!val) {
      if (i + 1 >= argc) die(2, "option %s needs a value", name);
      val = argv[++i];
    }
    if (strcmp(name, "--range-faults") == 0) {
      if (strcmp(val, "error") == 0)
        o->range_count = 0;
      else if (strcmp(val, "count") == 0)
        o->range_count = 1;
      else
        die(2, "option --range-faults: '%s' is neither error nor count", val);
    } else if (strcmp(name, "--stats-json") == 0) {
      if (!*val) die(2, "option --stats-json: empty file name");
      o->json = val;
    } else if (strcmp(name, "--max-table-mb") == 0) {
      o->max_table_mb = parse_u(name, val, 1, 1u << 20);
    } else if (strcmp(name, "--wave") == 0) {
      if (!*val) die(2, "option --wave: empty file name");
      o->wave = val;
    } else if (strcmp(name, "--wave-from") == 0) {
      o->wave_from = parse_u(name, val, 0, UINT64_MAX - 1);
    } else if (strcmp(name, "--wave-to") == 0) {
      o->wave_to = parse_u(name, val, 1, UINT64_MAX - 1);
    } else if (strcmp(name, "--wave-margin") == 0) {
      o->wave_margin = (uint32_t)parse_u(name, val, 0, 1000);
    }
  }
  /* --wave needs the RTL: it selects it unless --xlat says otherwise */
  if (o->wave && !xp.backend_given) xp.backend = XLAT_BACKEND_RTL;
  if (o->wave && xp.backend != XLAT_BACKEND_RTL)
    die(2,
        "option --wave: waveforms come from the verilated RTL: use --xlat "
        "rtl");
  if (!o->wave && (o->wave_from || o->wave_to || o->wave_walks))
    die(2, "options --wave-from/--wave-to/--wave-walks-only need --wave FILE");
  if (o->wave_to && o->wave_to <= o->wave_from)
    die(2, "option --wave-to: %" PRIu64 " is not after --wave-from %" PRIu64,
        o->wave_to, o->wave_from);
  if (!o->trace) die(2, "no trace given (see --help)");
  char err[512];
  if (xo_check(&xp, err, sizeof err) != 0) die(2, "bad configuration: %s", err);
  o->cfg = xp.cfg;
  o->backend = xp.backend;
  o->mem_lat = xp.dmem_lat;
}

/* ---------------------------------------------------------------- the run */
typedef struct {
  uint64_t events, calls, patches, invs, flushes, gaps, gap_cycles;
  uint64_t range_faults, answer_cycles, cycles, stepped, skipped;
} stats_t;

typedef struct {
  xlat_t *x;
  table_t *t;
  uint32_t mem_lat;
  xlat_in_t in;
  xlat_out_t out;
  uint64_t now;
  int mem_busy;
  uint64_t mem_due;
  uint32_t mem_addr;
  stats_t st;
} run_t;

/* The memory's answer to a walk read of addr into the inputs: the table word,
 * or a bus error outside the table memory. Returns the error flag. */
static inline int mem_answer(run_t *r, uint32_t addr) {
  uint32_t off = addr - TABLE_BASE;
  xlat_in_t *in = &r->in;
  if ((addr & 3u) || addr < TABLE_BASE || off / 4 >= r->t->n) {
    in->mem_rsp_err = 1;
    in->mem_rsp_data = 0;
  } else {
    in->mem_rsp_err = 0;
    in->mem_rsp_data = r->t->w[off / 4];
  }
  return in->mem_rsp_err;
}

/* xlat_walk's memory (the same answers; the table does not change during a
 * walk, so reading it when the read is sent equals reading it when it is
 * answered) */
static int walk_read(void *ctx, uint32_t addr, uint32_t *data) {
  run_t *r = ctx;
  int err = mem_answer(r, addr);
  *data = r->in.mem_rsp_data;
  return err;
}

/* One clock cycle with the current request/invalidate inputs; serves memory. */
static inline void cycle(run_t *r) {
  xlat_in_t *in = &r->in;
  in->mem_req_ready = (uint8_t)!r->mem_busy;
  in->mem_rsp_valid = 0;
  if (r->mem_busy && r->now == r->mem_due) {
    in->mem_rsp_valid = 1;
    mem_answer(r, r->mem_addr);
    r->mem_busy = 0;
  }
  xlat_step(r->x, in, &r->out);
  if (r->out.mem_req_valid && in->mem_req_ready) {
    r->mem_busy = 1;
    r->mem_due = r->now + r->mem_lat;
    r->mem_addr = r->out.mem_req_addr;
  }
  r->now++;
  r->st.stepped++;
}

/* The CPU cycles of the trace's calls as ctsim charges a callid (the answer
 * cycles + CPU_CALL_EXTRA each), and a mean per call. */
static uint64_t cpu_call_cycles(const stats_t *s) {
  return s->answer_cycles + CPU_CALL_EXTRA * s->calls;
}

static double per_call(const stats_t *s, uint64_t total) {
  return s->calls ? (double)total / (double)s->calls : 0.0;
}

static void write_json(const opts_t *o, const run_t *r,
                       const xlat_counters_t *c) {
  static outfile_t out;
  char err[OUTFILE_PATH_MAX + 128];
  if (outfile_open(&out, o->json, stdout, 0, err, sizeof err))
    die(2, "option --stats-json: %s", err);
  FILE *f = outfile_stream(&out);
  if (!f) die(2, "option --stats-json: cannot write %s", o->json);
  char name[128];
  xlat_config_name(&o->cfg, name, sizeof name);
  const stats_t *s = &r->st;
  fprintf(f, "{\n");
  fprintf(f, "  \"trace\": \"");
  for (const char *p = o->trace; *p; p++) {
    unsigned char ch = (unsigned char)*p;
    if (ch == '"' || ch == '\\')
      fprintf(f, "\\%c", ch);
    else if (ch < 0x20)
      fprintf(f, "\\u%04x", ch);
    else
      fputc(ch, f);
  }
  fprintf(f, "\",\n");
  fprintf(f, "  \"backend\": \"%s\",\n",
          o->backend == XLAT_BACKEND_C ? "c" : "rtl");
  fprintf(f, "  \"config\": \"%s\",\n", name);
  fprintf(f, "  \"entries\": %u,\n  \"ways\": %u,\n  \"policy\": \"%s\",\n",
          o->cfg.entries, o->cfg.ways, xlat_policy_name(o->cfg.policy));
  fprintf(f, "  \"levels\": %u,\n  \"level_bits\": [", o->cfg.levels);
  for (uint32_t l = 0; l < o->cfg.levels; l++)
    fprintf(f, "%s%u", l ? ", " : "", o->cfg.level_bits[l]);
  fprintf(f, "],\n  \"walk_cache\": %u,\n  \"mem_lat\": %u,\n",
          o->cfg.walk_cache, o->mem_lat);
  fprintf(f,
          "  \"events\": %" PRIu64 ",\n  \"calls\": %" PRIu64
          ",\n  \"patches\": %" PRIu64 ",\n  \"inv_events\": %" PRIu64
          ",\n  \"flushes\": %" PRIu64 ",\n  \"gaps\": %" PRIu64
          ",\n  \"gap_cycles\": %" PRIu64 ",\n",
          s->events, s->calls, s->patches, s->invs, s->flushes, s->gaps,
          s->gap_cycles);
  fprintf(f,
          "  \"lookups\": %" PRIu64 ",\n  \"hits\": %" PRIu64
          ",\n  \"misses\": %" PRIu64
          ",\n  \"hit_rate\": %.6f,\n  \"walk_cycles\": %" PRIu64
          ",\n  \"mem_reads\": %" PRIu64 ",\n  \"walk_cache_hits\": %" PRIu64
          ",\n  \"faults\": %" PRIu64 ",\n  \"range_faults\": %" PRIu64
          ",\n  \"invalidations\": %" PRIu64 ",\n",
          c->lookups, c->hits, c->misses,
          s->calls ? (double)c->hits / (double)s->calls : 0.0, c->walk_cycles,
          c->mem_reads, c->walk_cache_hits, c->faults, s->range_faults,
          c->invalidations);
  const uint64_t cpu = cpu_call_cycles(s);
  fprintf(f,
          "  \"cycles\": %" PRIu64 ",\n  \"answer_cycles\": %" PRIu64
          ",\n  \"answer_cycles_per_call\": %.6f,\n  \"call_cycles\": %" PRIu64
          ",\n  \"cycles_per_call\": %.6f,\n  \"table_bytes\": %" PRIu64
          "\n}\n",
          s->cycles, s->answer_cycles, per_call(s, s->answer_cycles), cpu,
          per_call(s, cpu), (uint64_t)r->t->n * 4);
  if (outfile_commit(&out, err, sizeof err))
    die(2, "option --stats-json: %s", err);
}

/* The place of a call for a message: the event ctr_next returned last (i < 0)
 * or the i-th call of the run ctr_next_calls returned last. */
static void call_where(const ctr_t *rd, long i, char *buf, size_t len) {
  if (i < 0)
    ctr_where(rd, buf, len);
  else
    ctr_where_call(rd, (size_t)i, buf, len);
}

/* n calls answered by hits (xlat_hit, xlat_hits): each the one cycle cycle()
 * would step with its request, memory idle; of those cycles' outputs only
 * busy (0) is read later (by a gap), the answers are checked by the caller */
static inline void hit_done(run_t *r, uint64_t n) {
  r->out.busy = 0;
  r->now += n;
  r->st.stepped += n;
  r->st.answer_cycles += n;
}

static void wrong_hit(const char *where, uint32_t id, uint32_t addr,
                      int out_of_range, uint32_t expect) {
  die(1,
      "%s: ID 0x%x: accelerator answered 0x%08x (hit), the table says "
      "%s0x%08x",
      where, id, addr, out_of_range ? "RANGE fault, not " : "", expect);
}

/* A call stepped cycle by cycle to its answer (the walk's reads at once with
 * fast, xlat_walk), the answer checked against expect. i: call_where's. */
static void call_stepped(run_t *r, const ctr_t *rd, long i, uint32_t id,
                         uint32_t expect, int out_of_range, int fast) {
  char where[600];
  uint64_t start = r->now;
  r->in.req_valid = 1;
  r->in.req_id = id;
  for (;;) {
    cycle(r);
    if (r->out.req_ready) r->in.req_valid = 0;
    if (r->out.rsp_valid) break;
    if (fast && !r->in.req_valid && !r->mem_busy) {
      /* the walk's reads at once (xlat.h; 0 when it does not apply) */
      uint64_t n = xlat_walk(r->x, r->mem_lat, walk_read, r);
      r->now += n;
      r->st.stepped += n;
    }
    if (r->now - start > 100000000ull)
      die(1,
          "ID 0x%x: no response after 100000000 cycles (accelerator "
          "hangs)",
          id);
  }
  r->in.req_valid = 0;
  r->st.answer_cycles += r->now - start;
  if (r->out.rsp_fault) {
    if (out_of_range && r->out.rsp_fault == XLAT_FAULT_RANGE) {
      r->st.range_faults++;
    } else {
      call_where(rd, i, where, sizeof where);
      die(1, "%s: ID 0x%x: unexpected %s fault from the accelerator", where,
          id, xlat_fault_name(r->out.rsp_fault));
    }
  } else if (out_of_range || r->out.rsp_addr != expect) {
    call_where(rd, i, where, sizeof where);
    die(1,
        "%s: ID 0x%x: accelerator answered 0x%08x (%s), the table says "
        "%s0x%08x",
        where, id, r->out.rsp_addr, r->out.rsp_hit ? "hit" : "walk",
        out_of_range ? "RANGE fault, not " : "", expect);
  }
}

int main(int argc, char **argv) {
  opts_t o;
  parse_args(&o, argc, argv);
  xlat_set_quiet(o.quiet);

  char err[512];
  ctr_t *rd = ctr_open(o.trace, err, sizeof err);
  if (!rd) die(2, "%s", err);

  table_t t;
  memset(&t, 0, sizeof t);
  ctable_geo_init(&t.geo, o.cfg.levels, o.cfg.level_bits);
  t.lc_id = calloc(LEAF_CACHE, sizeof *t.lc_id);
  t.lc_e = calloc(LEAF_CACHE, sizeof *t.lc_e);
  if (!t.lc_id || !t.lc_e) die(2, "out of memory");
  t.max_words = (size_t)(o.max_table_mb << 20) / 4;
  const uint32_t cover = t.geo.width, range_mask = t.geo.range_mask;
  uint32_t root;
  if (table_alloc(&t, ctable_level_entries(t.geo.bits[0]), &root) < 0)
    die(2, "option --max-table-mb: the root table alone does not fit");

  run_t r;
  memset(&r, 0, sizeof r);
  r.t = &t;
  r.mem_lat = o.mem_lat;
  r.x = xlat_create(o.backend, &o.cfg, err, sizeof err);
  if (!r.x) die(2, "%s", err);
  r.in.root = ctable_root(root);
  if (o.wave) {
    /* FST (decided on the user's name) needs a seekable file it opens by
     * name; VCD is written to the descriptor */
    const int fst = xlat_trace_name_is_fst(o.wave);
    char werr[OUTFILE_PATH_MAX + 128];
    if (outfile_open(&wave_out, o.wave, NULL, fst ? OUTFILE_SEEKABLE : 0, werr,
                     sizeof werr))
      die(2, "option --wave: %s", werr);
    if (fst) outfile_aux(&wave_out, ".hier"); /* the FST writer's */
    if (xlat_trace_open_to(r.x, fst, wave_out.fd, wave_out.write_path,
                           o.wave_from, o.wave_to, o.wave_walks, o.wave_margin,
                           err, sizeof err))
      die(2, "option --wave: %s", err);
  }

  /* CTTRACE_REFERENCE=1: every cycle through xlat_step, none of the
   * shortcuts below (xlat_hit, xlat_walk), the reference the tests compare
   * the fast path with */
  const char *refenv = getenv("CTTRACE_REFERENCE");
  const int fast = !(refenv && *refenv && strcmp(refenv, "0") != 0);

  static uint32_t run_id[RUN], run_expect[RUN], run_addr[RUN];
  struct timespec t0, t1;
  clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &t0);
  ctr_event_t ev;
  int rc;
  char where[600];
  for (;;) {
    if (fast) {
      /* a run of binary call records (ctrace_read.h): the IDs in the table
       * first (a call that is no simple one is given back and read again),
       * then the hits answered together (xlat_hits), a miss stepped */
      size_t n = ctr_next_calls(rd, run_id, RUN);
      if (n) {
        size_t k = 0;
        for (; k < n; k++) {
          if (run_id[k] & range_mask) break;
          size_t e = table_leaf(&t, run_id[k]);
          if (e == (size_t)-1) break;
          run_expect[k] = ctable_target(t.w[e]);
        }
        if (k < n) ctr_unread_calls(rd, n - k);
        r.st.events += k;
        r.st.calls += k;
        for (size_t i = 0; i < k;) {
          size_t h = r.mem_busy ? 0
                                : xlat_hits(r.x, run_id + i, k - i, r.in.root,
                                            1, run_addr + i);
          if (h) hit_done(&r, h);
          for (size_t j = i; j < i + h; j++)
            if (run_addr[j] != run_expect[j]) {
              ctr_where_call(rd, j, where, sizeof where);
              wrong_hit(where, run_id[j], run_addr[j], 0, run_expect[j]);
            }
          i += h;
          if (i < k) {
            call_stepped(&r, rd, (long)i, run_id[i], run_expect[i], 0, fast);
            i++;
          }
        }
        if (k) continue;
      }
    }
    if ((rc = ctr_next(rd, &ev)) != 1) break;
    r.st.events++;
    switch (ev.kind) {
      case CTR_CALL: {
        uint32_t id = ev.a;
        uint32_t expect = 0;
        int out_of_range = (id & range_mask) != 0;
        if (out_of_range) {
          if (!o.range_count) {
            ctr_where(rd, where, sizeof where);
            die(2,
                "%s: ID 0x%x does not fit the %u-bit table (use --range-faults "
                "count to count it "
                "as a fault)",
                where, id, cover);
          }
        } else {
          size_t e = table_leaf(&t, id);
          if (e == (size_t)-1)
            die(2,
                "the function table needs more than --max-table-mb %" PRIu64
                " MB",
                o.max_table_mb);
          expect = ctable_target(t.w[e]);
        }
        r.st.calls++;
        uint32_t hit_addr;
        if (fast && !r.mem_busy && xlat_hit(r.x, id, r.in.root, 1, &hit_addr)) {
          hit_done(&r, 1);
          if (out_of_range || hit_addr != expect) {
            ctr_where(rd, where, sizeof where);
            wrong_hit(where, id, hit_addr, out_of_range, expect);
          }
          break;
        }
        call_stepped(&r, rd, -1, id, expect, out_of_range, fast);
        break;
      }
      case CTR_PATCH:
      case CTR_INV:
      case CTR_FLUSH: {
        if (ev.kind == CTR_PATCH) {
          if (ev.a & range_mask) {
            ctr_where(rd, where, sizeof where);
            die(2, "%s: patch of ID 0x%x, which does not fit the %u-bit table",
                where, ev.a, cover);
          }
          size_t e = table_leaf(&t, ev.a);
          if (e == (size_t)-1)
            die(2,
                "the function table needs more than --max-table-mb %" PRIu64
                " MB",
                o.max_table_mb);
          t.w[e] = ctable_leaf(ev.b);
          r.st.patches++;
        } else if (ev.kind == CTR_INV) {
          r.st.invs++;
        } else {
          r.st.flushes++;
        }
        r.in.inv_valid = 1;
        r.in.inv_all = ev.kind == CTR_FLUSH;
        r.in.inv_id = ev.kind == CTR_FLUSH ? 0 : ev.a;
        cycle(&r);
        r.in.inv_valid = 0;
        r.in.inv_all = 0;
        r.in.inv_id = 0;
        break;
      }
      default: { /* CTR_GAP */
        uint64_t n = ev.a;
        r.st.gaps++;
        r.st.gap_cycles += n;
        while (n > 0 && (r.out.busy || r.mem_busy)) {
          cycle(&r);
          n--;
        }
        /* idle: nothing changes, so the rest is skipped (memory is idle too) */
        r.now += n;
        r.st.skipped += n;
        break;
      }
    }
  }
  if (rc < 0) die(2, "%s", ctr_error(rd));
  /* let a walk still running (none is: every call waits for its answer) finish
   */
  clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &t1);
  r.st.cycles = r.now;

  xlat_counters_t c;
  xlat_get_counters(r.x, &c);
  if (xlat_cycles(r.x) != r.st.stepped)
    die(1,
        "internal: the model counted %" PRIu64
        " cycles, the driver stepped %" PRIu64,
        xlat_cycles(r.x), r.st.stepped);
  if (o.json) write_json(&o, &r, &c);
  if (!o.quiet && !(o.json && strcmp(o.json, "-") == 0)) {
    char name[128];
    xlat_config_name(&o.cfg, name, sizeof name);
    const stats_t *s = &r.st;
    printf("trace %s\nbackend %s\nconfig %s\nmem_lat %u\n", o.trace,
           o.backend == XLAT_BACKEND_C ? "c" : "rtl", name, o.mem_lat);
    printf("events %" PRIu64 "\ncalls %" PRIu64 "\npatches %" PRIu64
           "\ninv_events %" PRIu64 "\nflushes %" PRIu64 "\ngaps %" PRIu64
           "\ngap_cycles %" PRIu64 "\n",
           s->events, s->calls, s->patches, s->invs, s->flushes, s->gaps,
           s->gap_cycles);
    printf("hits %" PRIu64 "\nmisses %" PRIu64
           "\nhit_rate %.6f\nwalk_cycles %" PRIu64 "\nmem_reads %" PRIu64
           "\nwalk_cache_hits %" PRIu64 "\nfaults %" PRIu64
           "\nrange_faults %" PRIu64 "\ninvalidations %" PRIu64 "\n",
           c.hits, c.misses, s->calls ? (double)c.hits / (double)s->calls : 0.0,
           c.walk_cycles, c.mem_reads, c.walk_cache_hits, c.faults,
           s->range_faults, c.invalidations);
    const uint64_t cpu = cpu_call_cycles(s);
    printf("cycles %" PRIu64 "\nanswer_cycles %" PRIu64
           "\nanswer_cycles_per_call %.6f\ncall_cycles %" PRIu64
           "\ncycles_per_call %.6f\n",
           s->cycles, s->answer_cycles, per_call(s, s->answer_cycles), cpu,
           per_call(s, cpu));
    if (o.speed) {
      double sec = (double)(t1.tv_sec - t0.tv_sec) +
                   1e-9 * (double)(t1.tv_nsec - t0.tv_nsec);
      printf("host_seconds %.3f\nevents_per_second %.0f\n", sec,
             sec > 0 ? (double)s->events / sec : 0.0);
    }
  }
  if (o.wave) {
    int e = xlat_trace_close(r.x);
    if (e) outfile_set_error(&wave_out, e);
    char werr[OUTFILE_PATH_MAX + 128];
    if (outfile_commit(&wave_out, werr, sizeof werr))
      die(2, "option --wave: %s", werr);
  }
  if (outfile_check_stdout(err, sizeof err)) die(2, "%s", err);
  xlat_destroy(r.x);
  ctr_close(rd);
  free(t.w);
  free(t.lc_id);
  free(t.lc_e);
  return 0;
}
