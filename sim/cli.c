/*
 * cli.c: ctsim's command line as a library: options, load, report
 * (sim/cli.h). docs/ctsim.md is the user documentation.
 */
#define _GNU_SOURCE
#include "cli.h"

#include <errno.h>
#include <getopt.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <unistd.h>

#include "ctrace_write.h"
#include "elf.h"
#include "stats.h"

#define CTSIM_VERSION "0.1.0"
#define EXIT_USAGE CTSIM_EXIT_USAGE

#define die ctsim_die

static const char usage[] =
    "Cycle-level RV32IM + Zicsr simulator (machine mode) with a 5-stage\n"
    "pipeline timing model. Runs PROGRAM until it writes tohost or the test\n"
    "finisher; the program's exit code becomes ctsim's exit status.\n"
    "\n"
    "options:\n"
    "  --ram SIZE          RAM at 0x80000000, bytes with optional K, M or G\n"
    "                      suffix (x1024); multiple of 4K, 4K..2G "
    "(default 256M)\n"
    "  --max-cycles N      stop with status 3 when an instruction would enter\n"
    "                      EX at cycle N or later (default: no limit)\n"
    "  --mtime-div N       mtime advances by 1 every N cycles (default 1)\n"
    "  --imem-lat N        cycles a fetch spends in IF (default 1)\n"
    "  --dmem-lat N        cycles a load or store spends in MEM (default 1)\n"
    "  --mul-lat N         cycles mul/mulh/mulhsu/mulhu occupy EX (default 3)\n"
    "  --div-lat N         cycles div/divu/rem/remu occupy EX (default 32)\n"
    "                      (latencies: 1..10000)\n"
    "\n"
    "call-ID accelerator (docs/isa.md, docs/accelerator.md):\n"
    "  --xlat rtl|c        backend: the verilated RTL (default) or the C "
    "model\n"
    "  --ctlb-entries N    CTLB entries, a power of two 1..1024 (default 64)\n"
    "  --ctlb-ways N       ways, a power of two <= entries (default 4)\n"
    "  --ctlb-policy P     lru, plru, fifo or random (default lru)\n"
    "  --ctlb-levels A,B.. table level index widths, root first: 1..4 levels\n"
    "                      of 1..16 bits, sum <= 32 (default 12,10,10)\n"
    "  --walk-cache N      walk-cache entries: 0 (off, default) or a power of\n"
    "                      two up to 64\n"
    "  --lfsr-seed N       seed of the random policy's LFSR, 0..65535\n"
    "                      (0: the default 0xACE1)\n"
    "  --lockstep          clock the accelerator in every CPU cycle (default:\n"
    "                      only while it has work; results are identical)\n"
    "  --patch-at C:ID:SYM at the first instruction entering EX at cycle >= "
    "C,\n"
    "                      write SYM | 3 into ID's leaf table entry and\n"
    "                      invalidate ID, like a live-patch tool (repeatable;\n"
    "                      ID decimal or 0x hex; SYM an ELF function symbol "
    "or\n"
    "                      a 0x address)\n"
    "  --record-trace FILE write the run's call-ID trace (traces/FORMAT.md;\n"
    "                      binary if the name contains .ctb, gzip if it ends\n"
    "                      in .gz)\n"
    "  --wave FILE         dump a waveform of the verilated accelerator (VCD, "
    "or\n"
    "                      FST if FILE ends in .fst); needs --xlat rtl, "
    "implies\n"
    "                      --lockstep so that its time axis is the CPU cycle\n"
    "  --wave-from C       dump only from cycle C on (default 0)\n"
    "  --wave-to C         dump only before cycle C (default: to the end)\n"
    "  --wave-walks-only   dump only the cycles of table walks (a miss's "
    "request\n"
    "                      cycle, the walk and --wave-margin cycles after it)\n"
    "  --wave-margin N     cycles kept after each walk, 0..1000 (default 4)\n"
    "\n"
    "output:\n"
    "  --stats-json FILE   write the summary as JSON to FILE ('-': stderr)\n"
    "  --log-commits FILE  one line per retired instruction, Spike style\n"
    "                      (FILE '-' is stderr)\n"
    "                      (output files: a regular FILE is written under a\n"
    "                      temporary name and renamed when complete, a FIFO "
    "or\n"
    "                      device in place; docs/ctsim.md \"Output files\")\n"
    "  --host-stats        also print host CPU seconds, simulated MIPS, host "
    "ns\n"
    "                      per instruction and peak RSS (not reproducible)\n"
    "  -q, --quiet         no summary on stderr\n"
    "  -h, --help          this text\n"
    "  -V, --version       the version\n"
    "\n"
    "exit status: the program's code (0..255) from tohost or the finisher;\n"
    "2 bad command line or input file, or a failed --patch-at; 3 cycle\n"
    "limit; 4 fatal trap.\n";

void ctsim_die(const char *fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  fputs("ctsim: error: ", stderr);
  vfprintf(stderr, fmt, ap);
  fputc('\n', stderr);
  va_end(ap);
  exit(EXIT_USAGE);
}

/* Unsigned decimal or 0x hex, nothing else. */
static int parse_u64(const char *s, uint64_t *v) {
  if (!s || !*s || *s == '-' || *s == '+' || *s == ' ') return -1;
  char *end;
  errno = 0;
  unsigned long long r = strtoull(s, &end, 0);
  if (errno || *end) return -1;
  *v = r;
  return 0;
}

static uint64_t opt_num(const char *opt, const char *s, uint64_t lo,
                        uint64_t hi) {
  uint64_t v;
  if (parse_u64(s, &v) || v < lo || v > hi)
    die("%s: '%s' is not a number in %" PRIu64 "..%" PRIu64, opt, s, lo, hi);
  return v;
}

static uint64_t opt_size(const char *opt, const char *s) {
  char buf[64];
  size_t n = strlen(s);
  uint64_t mul = 1, v;
  if (n == 0 || n >= sizeof buf) die("%s: '%s' is not a size", opt, s);
  memcpy(buf, s, n + 1);
  switch (buf[n - 1]) {
    case 'k':
    case 'K':
      mul = 1ull << 10;
      buf[n - 1] = 0;
      break;
    case 'm':
    case 'M':
      mul = 1ull << 20;
      buf[n - 1] = 0;
      break;
    case 'g':
    case 'G':
      mul = 1ull << 30;
      buf[n - 1] = 0;
      break;
    default:
      break;
  }
  if (parse_u64(buf, &v) || v > (1ull << 31) / mul)
    die("%s: '%s' is not a size (bytes, or a number with K, M or G)", opt, s);
  v *= mul;
  if (v < 4096 || v > (1ull << 31) || v % 4096)
    die("%s: '%s' must be a multiple of 4K between 4K and 2G", opt, s);
  return v;
}

typedef ctsim_outfile_t out_t;

/* Opens an output option's file ('-': stderr); exits via die on error. */
static void out_open(out_t *o, const char *opt) {
  char err[OUTFILE_PATH_MAX + 128];
  if (outfile_open(&o->out, o->path, stderr, 0, err, sizeof err))
    die("%s: %s", opt, err);
  o->f = outfile_stream(&o->out);
  if (!o->f) die("%s: cannot write %s: %s", opt, o->path, strerror(errno));
}

static int out_commit(out_t *o, const char *opt) {
  char err[OUTFILE_PATH_MAX + 128];
  if (!o->f) return 0;
  o->f = NULL;
  if (outfile_commit(&o->out, err, sizeof err) == 0) return 0;
  fprintf(stderr, "ctsim: error: %s: %s\n", opt, err);
  return -1;
}

static int ends_with(const char *s, const char *suffix) {
  size_t n = strlen(s), k = strlen(suffix);
  return n >= k && strcmp(s + n - k, suffix) == 0;
}

static int is_pow2(uint64_t v) { return v && !(v & (v - 1)); }

/* "12,10,10" -> levels and widths */
static void opt_levels(const char *s, xlat_config_t *x) {
  uint32_t b[XLAT_MAX_LEVELS] = {0}, n = 0, sum = 0;
  const char *p = s;
  for (;;) {
    char num[16];
    size_t k = strcspn(p, ",");
    if (k == 0 || k >= sizeof num || n == XLAT_MAX_LEVELS)
      die("--ctlb-levels: '%s' is not a list of 1..%d level widths like "
          "12,10,10",
          s, XLAT_MAX_LEVELS);
    memcpy(num, p, k);
    num[k] = 0;
    uint64_t v;
    if (parse_u64(num, &v) || v < 1 || v > 16)
      die("--ctlb-levels: '%s': each level width must be 1..16", s);
    b[n++] = (uint32_t)v;
    sum += (uint32_t)v;
    if (!p[k]) break;
    p += k + 1;
  }
  if (sum > 32)
    die("--ctlb-levels: '%s': the widths add up to %" PRIu32
        " bits, more than 32",
        s, sum);
  x->levels = n;
  memcpy(x->level_bits, b, sizeof b);
}

typedef ctsim_patch_arg_t patch_arg_t;

static void parse_patch(const char *s, patch_arg_t *p) {
  char buf[512];
  if (strlen(s) >= sizeof buf) die("--patch-at: argument too long");
  strcpy(buf, s);
  char *c1 = strchr(buf, ':');
  char *c2 = c1 ? strchr(c1 + 1, ':') : NULL;
  if (!c1 || !c2 || !c2[1]) die("--patch-at: '%s' is not CYCLE:ID:SYMBOL", s);
  *c1 = 0, *c2 = 0;
  uint64_t v;
  if (parse_u64(buf, &v) || v == UINT64_MAX)
    die("--patch-at: '%s': '%s' is not a cycle number", s, buf);
  p->cycle = v;
  if (parse_u64(c1 + 1, &v) || v > 0xffffffffu)
    die("--patch-at: '%s': '%s' is not a 32-bit function ID", s, c1 + 1);
  p->id = (uint32_t)v;
  p->sym = s + (c2 + 1 - buf);
  p->arg = s;
}

/* stable insertion sort by cycle (equal cycles keep the option order) */
static void sort_patches(patch_t *p, unsigned n) {
  for (unsigned i = 1; i < n; i++) {
    patch_t t = p[i];
    unsigned j = i;
    for (; j > 0 && p[j - 1].cycle > t.cycle; j--) p[j] = p[j - 1];
    p[j] = t;
  }
}

/* Peak RSS of this process image. VmHWM is per address space and starts
 * afresh at exec; ru_maxrss is not: Linux carries it over from the parent
 * across fork and exec, so a child of a large process (a test runner) would
 * report the parent's size. */
static double peak_rss_mib(void) {
  FILE *f = fopen("/proc/self/status", "r");
  if (f) {
    char line[128];
    unsigned long kib;
    while (fgets(line, sizeof line, f))
      if (sscanf(line, "VmHWM: %lu kB", &kib) == 1) {
        fclose(f);
        return (double)kib / 1024.0;
      }
    fclose(f);
  }
  struct rusage ru;
  getrusage(RUSAGE_SELF, &ru);
  return (double)ru.ru_maxrss / 1024.0; /* ru_maxrss is in KiB on Linux */
}

void ctsim_parse_args(ctsim_opts_t *o, int argc, char **argv, const char *prog,
                      const char *help_extra) {
  memset(o, 0, sizeof *o);
  o->wave_margin = 4;
  cpu_config_t *const cfg = &o->cfg;
  cpu_config_default(cfg);
  xlat_config_default(&cfg->xlat);
  cfg->xlat_backend = XLAT_BACKEND_RTL;

  enum {
    O_RAM = 256,
    O_MAXC,
    O_MTDIV,
    O_IMEM,
    O_DMEM,
    O_MUL,
    O_DIV,
    O_JSON,
    O_LOG,
    O_HOST,
    O_XLAT,
    O_ENTRIES,
    O_WAYS,
    O_POLICY,
    O_LEVELS,
    O_WCACHE,
    O_SEED,
    O_LOCKSTEP,
    O_PATCH,
    O_TRACE,
    O_WAVE,
    O_WAVE_FROM,
    O_WAVE_TO,
    O_WAVE_WALKS,
    O_WAVE_MARGIN
  };
  static const struct option longopts[] = {
      {"ram", required_argument, 0, O_RAM},
      {"max-cycles", required_argument, 0, O_MAXC},
      {"mtime-div", required_argument, 0, O_MTDIV},
      {"imem-lat", required_argument, 0, O_IMEM},
      {"dmem-lat", required_argument, 0, O_DMEM},
      {"mul-lat", required_argument, 0, O_MUL},
      {"div-lat", required_argument, 0, O_DIV},
      {"stats-json", required_argument, 0, O_JSON},
      {"log-commits", required_argument, 0, O_LOG},
      {"host-stats", no_argument, 0, O_HOST},
      {"xlat", required_argument, 0, O_XLAT},
      {"ctlb-entries", required_argument, 0, O_ENTRIES},
      {"ctlb-ways", required_argument, 0, O_WAYS},
      {"ctlb-policy", required_argument, 0, O_POLICY},
      {"ctlb-levels", required_argument, 0, O_LEVELS},
      {"walk-cache", required_argument, 0, O_WCACHE},
      {"lfsr-seed", required_argument, 0, O_SEED},
      {"lockstep", no_argument, 0, O_LOCKSTEP},
      {"patch-at", required_argument, 0, O_PATCH},
      {"record-trace", required_argument, 0, O_TRACE},
      {"wave", required_argument, 0, O_WAVE},
      {"wave-from", required_argument, 0, O_WAVE_FROM},
      {"wave-to", required_argument, 0, O_WAVE_TO},
      {"wave-walks-only", no_argument, 0, O_WAVE_WALKS},
      {"wave-margin", required_argument, 0, O_WAVE_MARGIN},
      {"quiet", no_argument, 0, 'q'},
      {"help", no_argument, 0, 'h'},
      {"version", no_argument, 0, 'V'},
      {0, 0, 0, 0},
  };
  opterr = 0;
  int c;
  while ((c = getopt_long(argc, argv, ":qhV", longopts, NULL)) != -1) {
    switch (c) {
      case O_RAM:
        cfg->ram_size = opt_size("--ram", optarg);
        break;
      case O_MAXC:
        cfg->max_cycles = opt_num("--max-cycles", optarg, 1, UINT64_MAX - 1);
        break;
      case O_MTDIV:
        cfg->mtime_div =
            (uint32_t)opt_num("--mtime-div", optarg, 1, 0xffffffffu);
        break;
      case O_IMEM:
        cfg->imem_lat = (uint32_t)opt_num("--imem-lat", optarg, 1, 10000);
        break;
      case O_DMEM:
        cfg->dmem_lat = (uint32_t)opt_num("--dmem-lat", optarg, 1, 10000);
        break;
      case O_MUL:
        cfg->mul_lat = (uint32_t)opt_num("--mul-lat", optarg, 1, 10000);
        break;
      case O_DIV:
        cfg->div_lat = (uint32_t)opt_num("--div-lat", optarg, 1, 10000);
        break;
      case O_JSON:
        if (!*optarg) die("--stats-json: empty file name");
        o->json.path = optarg;
        break;
      case O_LOG:
        if (!*optarg) die("--log-commits: empty file name");
        o->log.path = optarg;
        break;
      case O_HOST:
        o->host_stats = 1;
        break;
      case O_XLAT:
        if (strcmp(optarg, "rtl") == 0)
          cfg->xlat_backend = XLAT_BACKEND_RTL;
        else if (strcmp(optarg, "c") == 0)
          cfg->xlat_backend = XLAT_BACKEND_C;
        else
          die("--xlat: '%s' is not a backend (rtl or c)", optarg);
        break;
      case O_ENTRIES:
        cfg->xlat.entries =
            (uint32_t)opt_num("--ctlb-entries", optarg, 1, 1024);
        if (!is_pow2(cfg->xlat.entries))
          die("--ctlb-entries: '%s' is not a power of two in 1..1024", optarg);
        break;
      case O_WAYS:
        cfg->xlat.ways = (uint32_t)opt_num("--ctlb-ways", optarg, 1, 1024);
        if (!is_pow2(cfg->xlat.ways))
          die("--ctlb-ways: '%s' is not a power of two in 1..1024", optarg);
        break;
      case O_POLICY:
        if (xlat_policy_parse(optarg, &cfg->xlat.policy))
          die("--ctlb-policy: '%s' is not a policy (lru, plru, fifo, random)",
              optarg);
        break;
      case O_LEVELS:
        opt_levels(optarg, &cfg->xlat);
        break;
      case O_WCACHE:
        cfg->xlat.walk_cache = (uint32_t)opt_num("--walk-cache", optarg, 0, 64);
        if (cfg->xlat.walk_cache && !is_pow2(cfg->xlat.walk_cache))
          die("--walk-cache: '%s' is not 0 or a power of two up to 64", optarg);
        break;
      case O_SEED:
        cfg->xlat.lfsr_seed =
            (uint32_t)opt_num("--lfsr-seed", optarg, 0, 65535);
        break;
      case O_LOCKSTEP:
        cfg->lockstep = 1;
        break;
      case O_PATCH:
        if (o->npargs == CTSIM_MAX_PATCHES)
          die("--patch-at: at most %d patches", CTSIM_MAX_PATCHES);
        parse_patch(optarg, &o->pargs[o->npargs++]);
        break;
      case O_TRACE:
        if (!*optarg) die("--record-trace: empty file name");
        o->trace_path = optarg;
        break;
      case O_WAVE:
        if (!*optarg) die("--wave: empty file name");
        o->wave_path = optarg;
        break;
      case O_WAVE_FROM:
        o->wave_from = opt_num("--wave-from", optarg, 0, UINT64_MAX - 1);
        break;
      case O_WAVE_TO:
        o->wave_to = opt_num("--wave-to", optarg, 1, UINT64_MAX - 1);
        break;
      case O_WAVE_WALKS:
        o->wave_walks = 1;
        break;
      case O_WAVE_MARGIN:
        o->wave_margin = (unsigned)opt_num("--wave-margin", optarg, 0, 1000);
        break;
      case 'q':
        o->quiet = 1;
        break;
      case 'h':
        printf("usage: %s [options] PROGRAM.elf\n", prog);
        fputs(usage, stdout);
        if (help_extra) fputs(help_extra, stdout);
        exit(0);
      case 'V':
        printf("%s " CTSIM_VERSION "\n", prog);
        exit(0);
      case ':':
        die("option '%s' needs a value (see --help)", argv[optind - 1]);
      default:
        die("unknown option '%s' (see --help)", argv[optind - 1]);
    }
  }
  if (optind >= argc)
    die("no program given (usage: ctsim [options] PROGRAM.elf)");
  if (optind + 1 < argc)
    die("one program only, got also '%s' (see --help)", argv[optind + 1]);
  o->path = argv[optind];
}

void ctsim_check_config(const ctsim_opts_t *o) {
  const cpu_config_t *const cfg = &o->cfg;
  char err[512];
  if (cfg->xlat.ways > cfg->xlat.entries)
    die("--ctlb-ways: %" PRIu32 " ways is more than the %" PRIu32
        " entries (--ctlb-entries)",
        cfg->xlat.ways, cfg->xlat.entries);
  if (xlat_config_check(&cfg->xlat, err, sizeof err))
    die("CTLB configuration: %s", err);
  if (o->wave_path && cfg->xlat_backend != XLAT_BACKEND_RTL)
    die("--wave: waveforms come from the verilated RTL: use --xlat rtl");
  if (!o->wave_path && (o->wave_from || o->wave_to || o->wave_walks))
    die("--wave-from/--wave-to/--wave-walks-only need --wave FILE");
  if (o->wave_to && o->wave_to <= o->wave_from)
    die("--wave-to: %" PRIu64 " is not after --wave-from %" PRIu64, o->wave_to,
        o->wave_from);
}

void ctsim_setup(ctsim_opts_t *o, hart_t *h, uint8_t *ram) {
  cpu_config_t *const cfg = &o->cfg;
  const char *const path = o->path;
  char err[512];
  ctsim_check_config(o);
  if (cpu_init_ram(h, cfg, ram, err, sizeof err)) die("%s", err);
  elf_info_t info;
  if (elf_load(path, &h->mem, &info, err, sizeof err)) die("%s", err);
  cpu_reset(h, info.entry, info.tohost, info.has_tohost);

  patch_arg_t *const pargs = o->pargs;
  for (unsigned i = 0; i < o->npargs; i++) {
    patch_t *p = &o->patches[i];
    p->cycle = pargs[i].cycle, p->id = pargs[i].id, p->name = pargs[i].sym;
    uint64_t a;
    if (strncmp(p->name, "0x", 2) == 0 || strncmp(p->name, "0X", 2) == 0) {
      if (parse_u64(p->name, &a) || a > 0xffffffffu)
        die("--patch-at: '%s': '%s' is not a 32-bit address", pargs[i].arg,
            p->name);
      p->addr = (uint32_t)a;
    } else {
      int r = elf_symbol(path, p->name, &p->addr, err, sizeof err);
      if (r < 0) die("%s", err);
      if (r > 0)
        die("--patch-at: '%s': no function symbol '%s' in %s", pargs[i].arg,
            p->name, path);
    }
    if (p->addr & 3)
      die("--patch-at: '%s': address 0x%08" PRIx32
          " is not 4-byte aligned (table entries hold bits 31:2)",
          pargs[i].arg, p->addr);
  }
  sort_patches(o->patches, o->npargs);
  h->patches = o->patches, h->npatches = o->npargs;
  cpu_update_event(h);

  if (o->trace_path) {
    int bin, gz;
    ctw_form_from_name(o->trace_path, &bin, &gz);
    h->trace =
        ctw_open(o->trace_path, bin, gz, "recorded by ctsim", err, sizeof err);
    if (!h->trace) die("--record-trace: %s", err);
  }

  if (o->wave_path) {
    h->cfg.lockstep = 1; /* the waveform's time axis is the CPU cycle */
    /* FST (decided on the user's name) needs a seekable file it opens by
     * name; VCD is written to the descriptor */
    const int fst = ends_with(o->wave_path, ".fst");
    char werr[OUTFILE_PATH_MAX + 128];
    if (outfile_open(&o->wave_out, o->wave_path, NULL,
                     fst ? OUTFILE_SEEKABLE : 0, werr, sizeof werr))
      die("--wave: %s", werr);
    if (fst) outfile_aux(&o->wave_out, ".hier"); /* the FST writer's */
    if (cpu_wave_open(h, fst, o->wave_out.fd, o->wave_out.write_path,
                      o->wave_from, o->wave_to, o->wave_walks, o->wave_margin,
                      err, sizeof err))
      die("--wave: %s", err);
  }
  if (o->json.path) out_open(&o->json, "--stats-json");
  if (o->log.path) {
    out_open(&o->log, "--log-commits");
    h->log = o->log.f;
  }
}

int ctsim_finish(ctsim_opts_t *o, hart_t *h, double host_s) {
  char err[OUTFILE_PATH_MAX + 128];
  fflush(stdout);
  run_end_t end = stats_run_end(h);
  int status = end.status;
  stats_print_stop(stderr, h);
  if (!o->quiet) stats_print(stderr, h, end);
  if (o->host_stats) {
    double s = host_s;
    double n = (double)h->retired;
    fprintf(stderr,
            "ctsim: host %.3f s, %.1f MIPS, %.2f ns/instruction, peak RSS "
            "%.1f MiB\n",
            s, s > 0 ? n / s / 1e6 : 0.0, n > 0 ? s * 1e9 / n : 0.0,
            peak_rss_mib());
  }
  if (o->json.path) {
    if (stats_write_json(o->json.f, h, end))
      outfile_set_error(&o->json.out, errno);
    if (out_commit(&o->json, "--stats-json")) status = EXIT_USAGE;
  }
  if (o->log.path && out_commit(&o->log, "--log-commits")) status = EXIT_USAGE;
  if (h->trace) {
    if (h->stop == STOP_SIM_ERROR) {
      ctw_abort(h->trace);
    } else if (ctw_close(h->trace, err, sizeof err) || h->trace_failed) {
      /* (a failed event makes ctw_close fail: it names the error) */
      fprintf(stderr, "ctsim: error: --record-trace: %s\n", err);
      status = EXIT_USAGE;
    }
    h->trace = NULL;
  }
  if (o->wave_path) {
    int e = h->xl && h->wave_open ? xlat_trace_close(h->xl) : 0;
    h->wave_open = 0;
    if (e) outfile_set_error(&o->wave_out, e);
    if (h->stop == STOP_SIM_ERROR) {
      outfile_abort(&o->wave_out);
    } else if (outfile_commit(&o->wave_out, err, sizeof err)) {
      fprintf(stderr, "ctsim: error: --wave: %s\n", err);
      status = EXIT_USAGE;
    }
  }
  cpu_free(h);
  /* the program's console output (and anything else on stdout) */
  if (outfile_check_stdout(err, sizeof err)) {
    fprintf(stderr, "ctsim: error: %s\n", err);
    status = EXIT_USAGE;
  }
  return status;
}
