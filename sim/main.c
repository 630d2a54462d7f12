/*
 * main.c: the ctsim command line: options, load, run, report.
 * docs/ctsim.md is the user documentation.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <getopt.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <time.h>
#include <unistd.h>

#include "cpu.h"
#include "elf.h"
#include "stats.h"

#define CTSIM_VERSION "0.1.0"
#define EXIT_USAGE 2

static const char usage[] =
    "usage: ctsim [options] PROGRAM.elf\n"
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
    "  --stats-json FILE   write the summary as JSON to FILE ('-': stderr)\n"
    "  --log-commits FILE  one line per retired instruction, Spike style\n"
    "                      (FILE '-' is stderr)\n"
    "  --host-stats        also print host seconds, simulated MIPS, host ns\n"
    "                      per instruction and peak RSS (not reproducible)\n"
    "  -q, --quiet         no summary on stderr\n"
    "  -h, --help          this text\n"
    "  -V, --version       the version\n"
    "\n"
    "exit status: the program's code (0..255) from tohost or the finisher;\n"
    "2 bad command line or input file; 3 cycle limit; 4 fatal trap.\n";

static void die(const char *fmt, ...)
    __attribute__((format(printf, 1, 2), noreturn));
static void die(const char *fmt, ...) {
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

/* An output file written under a temporary name and renamed when complete. */
typedef struct {
  const char *path;
  char tmp[4096];
  FILE *f;
} outfile_t;

static void out_open(outfile_t *o, const char *opt) {
  if (strcmp(o->path, "-") == 0) {
    o->f = stderr;
    return;
  }
  if (snprintf(o->tmp, sizeof o->tmp, "%s.tmp.%ld", o->path, (long)getpid()) >=
      (int)sizeof o->tmp)
    die("%s: path too long", opt);
  o->f = fopen(o->tmp, "w");
  if (!o->f) die("%s: cannot write %s: %s", opt, o->path, strerror(errno));
}

static int out_commit(outfile_t *o) {
  if (!o->f || o->f == stderr) return 0;
  int bad = ferror(o->f);
  bad |= fclose(o->f) != 0;
  o->f = NULL;
  if (bad || rename(o->tmp, o->path) != 0) {
    fprintf(stderr, "ctsim: error: cannot write %s\n", o->path);
    remove(o->tmp);
    return -1;
  }
  return 0;
}

static outfile_t *cleanup_json, *cleanup_log;
static void out_cleanup(void) {
  outfile_t *o[2] = {cleanup_json, cleanup_log};
  for (int i = 0; i < 2; i++)
    if (o[i] && o[i]->f && o[i]->f != stderr) {
      fclose(o[i]->f);
      remove(o[i]->tmp);
    }
}

static double peak_rss_mib(void) {
  struct rusage ru;
  getrusage(RUSAGE_SELF, &ru);
  return (double)ru.ru_maxrss / 1024.0; /* ru_maxrss is in KiB on Linux */
}

int main(int argc, char **argv) {
  cpu_config_t cfg;
  cpu_config_default(&cfg);
  static outfile_t json, log;
  int quiet = 0, host_stats = 0;

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
    O_HOST
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
        cfg.ram_size = opt_size("--ram", optarg);
        break;
      case O_MAXC:
        cfg.max_cycles = opt_num("--max-cycles", optarg, 1, UINT64_MAX - 1);
        break;
      case O_MTDIV:
        cfg.mtime_div =
            (uint32_t)opt_num("--mtime-div", optarg, 1, 0xffffffffu);
        break;
      case O_IMEM:
        cfg.imem_lat = (uint32_t)opt_num("--imem-lat", optarg, 1, 10000);
        break;
      case O_DMEM:
        cfg.dmem_lat = (uint32_t)opt_num("--dmem-lat", optarg, 1, 10000);
        break;
      case O_MUL:
        cfg.mul_lat = (uint32_t)opt_num("--mul-lat", optarg, 1, 10000);
        break;
      case O_DIV:
        cfg.div_lat = (uint32_t)opt_num("--div-lat", optarg, 1, 10000);
        break;
      case O_JSON:
        if (!*optarg) die("--stats-json: empty file name");
        json.path = optarg;
        break;
      case O_LOG:
        if (!*optarg) die("--log-commits: empty file name");
        log.path = optarg;
        break;
      case O_HOST:
        host_stats = 1;
        break;
      case 'q':
        quiet = 1;
        break;
      case 'h':
        fputs(usage, stdout);
        return 0;
      case 'V':
        printf("ctsim " CTSIM_VERSION "\n");
        return 0;
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
  const char *path = argv[optind];

  static hart_t h;
  char err[512];
  if (cpu_init(&h, &cfg, err, sizeof err)) die("%s", err);
  elf_info_t info;
  if (elf_load(path, &h.mem, &info, err, sizeof err)) die("%s", err);
  cpu_reset(&h, info.entry, info.tohost, info.has_tohost);

  atexit(out_cleanup);
  if (json.path) {
    cleanup_json = &json;
    out_open(&json, "--stats-json");
  }
  if (log.path) {
    cleanup_log = &log;
    out_open(&log, "--log-commits");
    h.log = log.f;
  }

  struct timespec t0, t1;
  clock_gettime(CLOCK_MONOTONIC, &t0);
  cpu_run(&h);
  clock_gettime(CLOCK_MONOTONIC, &t1);
  fflush(stdout);

  run_end_t end = stats_run_end(&h);
  int status = end.status;
  stats_print_stop(stderr, &h);
  if (!quiet) stats_print(stderr, &h, end);
  if (host_stats) {
    double s =
        (double)(t1.tv_sec - t0.tv_sec) + (t1.tv_nsec - t0.tv_nsec) * 1e-9;
    double n = (double)h.retired;
    fprintf(stderr,
            "ctsim: host %.3f s, %.1f MIPS, %.2f ns/instruction, peak RSS "
            "%.1f MiB\n",
            s, s > 0 ? n / s / 1e6 : 0.0, n > 0 ? s * 1e9 / n : 0.0,
            peak_rss_mib());
  }
  if (json.path) {
    if (stats_write_json(json.f, &h, end)) status = EXIT_USAGE;
    if (out_commit(&json)) status = EXIT_USAGE;
  }
  if (log.path && out_commit(&log)) status = EXIT_USAGE;
  cpu_free(&h);
  return status;
}
