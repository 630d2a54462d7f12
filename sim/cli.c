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
#include <sys/stat.h>
#include <unistd.h>

#include "ctpatch_host.h"
#include "ctrace_write.h"
#include "elf.h"
#include "obs.h"
#include "pipeview.h"
#include "roi.h"
#include "shootchk.h"
#include "stats.h"
#include "vcdmerge.h"
#include "xlat_opts.h"

#define CTSIM_VERSION "0.1.0"
#define EXIT_USAGE CTSIM_EXIT_USAGE

#define die ctsim_die

static const char usage1[] =
    "Cycle-level RV32IMA + Zicsr simulator (machine mode) with a 5-stage\n"
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
    "  --dmem-lat N        cycles a load or store spends in MEM, also the "
    "latency\n"
    "                      of the accelerator's walk reads, 1..1000000 "
    "(default 1)\n"
    "  --mul-lat N         cycles mul/mulh/mulhsu/mulhu occupy EX (default 3)\n"
    "  --div-lat N         cycles div/divu/rem/remu occupy EX (default 32)\n"
    "                      (latencies other than --dmem-lat: 1..10000)\n"
    "  --no-finisher       no test finisher at 0x100000: accesses there fault\n"
    "                      (Spike's memory map)\n"
    "  --harts N           N harts (1..16, default 1), all from the ELF "
    "entry,\n"
    "                      interleaved deterministically; N > 1 needs a "
    "program\n"
    "                      whose start-up supports N (its __ct_harts symbol,\n"
    "                      docs/platform.md); the tools below watch hart 0\n"
    "  --trace-hart K      --log-commits, --pipeview and --record-trace "
    "follow\n"
    "                      hart K (0..N-1, default 0) instead\n"
    "  --quantum N         several harts: a hart runs at most N cycles ahead "
    "of\n"
    "                      the one furthest behind, 1..1000000 (default "
    "1000;\n"
    "                      at 1 IPIs and broadcasts are taken to the cycle)\n"
    "  --bcast-latency N   cycles a ctlb.bcast takes to the other harts' "
    "CTLBs,\n"
    "                      and its acknowledgement back, 1..64 (default 4;\n"
    "                      docs/platform.md)\n"
    "  --ctlb-shared       several harts: one CTLB serves them all through a\n"
    "                      request port per hart (the lowest hart first in a\n"
    "                      cycle; the others wait in EX: stall ctlb_port);\n"
    "                      ctlb.bcast is then one invalidate (docs/platform.md)\n"
    "  --check-shootdown   stop when a callid or xlat after a completed "
    "patch\n"
    "                      (a ctlb.sync) gives a target the table no longer\n"
    "                      holds (docs/platform.md); runs the observed loop\n"
    "\n"
    "call-ID accelerator (docs/isa.md, docs/accelerator.md):\n";

/* the CTLB options' lines (model/xlat_opts.c) come between the two */
static const char usage2[] =
    "  --lockstep          clock the accelerator in every CPU cycle (default:\n"
    "                      only while it has work; results are identical)\n"
    "  --patch-at WHEN:ID:SYM\n"
    "                      write SYM | 3 into ID's leaf table entry and\n"
    "                      invalidate ID, like a live-patch tool, WHEN is: a\n"
    "                      cycle C (at the first instruction entering EX at\n"
    "                      cycle >= C), entry=SYM0 (before the first\n"
    "                      instruction at SYM0 runs) or callid=N (just before\n"
    "                      the Nth callid of ID looks it up); repeatable; SYM\n"
    "                      and SYM0 ELF function symbols or 0x addresses; ID\n"
    "                      a number or a function of the program's "
    "ct_registry\n"
    "                      by name (e.g. ctcc's map names); a patch never\n"
    "                      applied gets a warning at the end\n"
    "  --load-patch CYCLE:FILE\n"
    "                      deliver the patch module FILE (ctpatch-build) from\n"
    "                      cycle CYCLE on to the firmware's patch loader,\n"
    "                      which asks for it with an HTIF system call and\n"
    "                      reports the outcome on a ctsim line; repeatable\n"
    "                      (docs/patching.md)\n"
    "  --record-trace FILE write the run's call-ID trace (traces/FORMAT.md;\n"
    "                      binary if the name contains .ctb, gzip if it ends\n"
    "                      in .gz), and beside it the names of its IDs: FILE\n"
    "                      with its .gz/.ctb/.ct suffixes replaced by .map\n"
    "  --trace-map FILE    write that map to FILE instead\n"
    "  --no-trace-map      write no map\n"
    "  --wave FILE         dump a waveform of the verilated accelerator (VCD, "
    "or\n"
    "                      FST if FILE ends in .fst) with the CPU's side "
    "(scope\n"
    "                      hart0) and marks of the cycles left out (scope "
    "dump),\n"
    "                      one cycle per ns (docs/waves.md); selects --xlat "
    "rtl\n"
    "                      (with --xlat c: an error) and implies --lockstep, "
    "so\n"
    "                      that its time axis is the CPU cycle; with --harts "
    "N\n"
    "                      (VCD only) every hart's, hart K > 0 in scopes "
    "ctlbK,\n"
    "                      dumpK, hartK\n"
    "  --wave-from C       dump only from cycle C on (default 0)\n"
    "  --wave-to C         dump only before cycle C (default: to the end)\n"
    "  --wave-walks-only   dump only the cycles of table walks (a miss's "
    "request\n"
    "                      cycle, the walk and --wave-margin cycles after it)\n"
    "  --wave-margin N     cycles kept after each walk, 0..1000 (default 4)\n"
    "  --pipeview FILE     write the pipeline stages of every instruction (IF "
    "ID\n"
    "                      EX MEM WB cycles, stalls, lookups) as a Kanata "
    "log,\n"
    "                      which the Konata viewer opens\n"
    "  --pipeview-from C   only instructions that enter IF at cycle C or "
    "later\n"
    "  --pipeview-to C     only instructions that enter IF before cycle C\n"
    "\n"
    "output:\n"
    "  --stats-json FILE   write the summary as JSON to FILE ('-': stderr)\n"
    "  --log-commits FILE  one line per retired instruction, Spike style\n"
    "                      (FILE '-' is stderr)\n"
    "  --log-disasm        add the disassembly to every --log-commits line, "
    "with\n"
    "                      the ID and function of call-ID instructions\n"
    "  --signature FILE    at the end, write the memory from the symbol\n"
    "                      begin_signature to end_signature as 32-bit hex\n"
    "                      words, one per line (Spike's +signature=)\n"
    "                      (output files: a regular FILE is written under a\n"
    "                      temporary name and renamed when complete, a FIFO "
    "or\n"
    "                      device in place; docs/ctsim.md \"Output files\")\n"
    "  --host-stats        also print host CPU seconds, simulated MIPS, host "
    "ns\n"
    "                      per instruction and peak RSS (not reproducible),\n"
    "                      and the decoded blocks' figures (docs/ctsim.md "
    "\"Speed\")\n"
    "  -q, --quiet         no summary on stderr, no note of an on-demand RTL "
    "build\n"
    "  -h, --help          this text\n"
    "  -V, --version       the version\n"
    "\n"
    "region-of-interest markers, slti x0, rs1, 0x5C1 (reset), 0x5C2 (dump)\n"
    "and 0x5C3 (stop the run): statistics per region in the summary and\n"
    "the JSON (docs/ctsim.md).\n"
    "\n"
    "exit status: the program's code (0..255) from tohost, the finisher or\n"
    "a ROI stop marker;\n"
    "2 bad command line or input file, a failed --patch-at or an HTIF\n"
    "request ctsim cannot serve; 3 cycle limit, or a wfi that would wait\n"
    "past cycle 2^63; 4 fatal trap.\n";

void ctsim_die(const char *fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  fputs("ctsim: error: ", stderr);
  vfprintf(stderr, fmt, ap);
  fputc('\n', stderr);
  va_end(ap);
  exit(EXIT_USAGE);
}

/* numbers: the rule of model/xlat_opts.h (xo_number: decimal, leading zeros
 * too, or 0x hex) */
static uint64_t opt_num(const char *opt, const char *s, uint64_t lo,
                        uint64_t hi) {
  uint64_t v;
  char err[256];
  if (xo_number_in(opt, s, lo, hi, &v, err, sizeof err)) die("%s", err);
  return v;
}

static uint64_t opt_size(const char *opt, const char *s) {
  uint64_t v;
  if (xo_size(s, &v) || v > (1ull << 31))
    die("%s: '%s' is not a size (bytes, or a number with K, M or G)", opt, s);
  if (v < 4096 || v % 4096)
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

typedef ctsim_patch_arg_t patch_arg_t;

/* CYCLE:ID:SYM, entry=SYM0:ID:SYM or callid=N:ID:SYM */
static void parse_patch(const char *s, patch_arg_t *p) {
  char buf[512];
  if (strlen(s) >= sizeof buf) die("--patch-at: argument too long");
  strcpy(buf, s);
  char *c1 = strchr(buf, ':');
  char *c2 = c1 ? strchr(c1 + 1, ':') : NULL;
  if (!c1 || !c2 || !c2[1])
    die("--patch-at: '%s' is not CYCLE:ID:SYMBOL, entry=SYMBOL:ID:SYMBOL or "
        "callid=N:ID:SYMBOL",
        s);
  *c1 = 0, *c2 = 0;
  uint64_t v;
  if (strncmp(buf, "entry=", 6) == 0) {
    p->kind = PATCH_AT_ENTRY;
    if (!buf[6] || strlen(buf + 6) >= sizeof p->at)
      die("--patch-at: '%s': entry= needs a symbol or a 0x address", s);
    strcpy(p->at, buf + 6);
  } else if (strncmp(buf, "callid=", 7) == 0) {
    p->kind = PATCH_AT_CALLID;
    if (xo_number(buf + 7, &v) || v == 0)
      die("--patch-at: '%s': '%s' is not a count of calls (1, 2, ...)", s,
          buf + 7);
    p->nth = v;
  } else {
    p->kind = PATCH_AT_CYCLE;
    if (xo_number(buf, &v) || v == UINT64_MAX)
      die("--patch-at: '%s': '%s' is not a cycle number (or entry=SYMBOL, "
          "callid=N)",
          s, buf);
    p->cycle = v;
  }
  p->idname[0] = 0;
  if (xo_number(c1 + 1, &v) == 0) {
    if (v > 0xffffffffu)
      die("--patch-at: '%s': '%s' is not a 32-bit function ID", s, c1 + 1);
    p->id = (uint32_t)v;
  } else if ((c1[1] >= '0' && c1[1] <= '9') || !c1[1] ||
             strlen(c1 + 1) >= sizeof p->idname) {
    die("--patch-at: '%s': '%s' is not a 32-bit function ID or a function name",
        s, c1 + 1);
  } else {
    strcpy(p->idname, c1 + 1); /* resolved by the registry (patch_id) */
  }
  p->sym = s + (c2 + 1 - buf);
  p->arg = s;
}

/* The ID the program's ct_registry gives the function named name (its name
 * as ctsim prints it: "symbol" or "symbol@unit" for a local one). */
static uint32_t patch_id(const elf_names_t *n, const char *path,
                         const char *arg, const char *name) {
  for (size_t i = 0; i < n->nregs; i++) {
    const char *nm = elf_id_name(n, n->regs[i].id);
    if (nm && strcmp(nm, name) == 0) return n->regs[i].id;
  }
  die("--patch-at: '%s': no function '%s' in the ct_registry of %s (give the "
      "ID as a number)",
      arg, name, path);
}

/* A function symbol of the program, or an address written 0x...; which: what
 * it is for the messages. */
static uint32_t patch_addr(const char *path, const char *arg, const char *name,
                           const char *which) {
  char err[512];
  uint64_t a;
  uint32_t addr;
  if (strncmp(name, "0x", 2) == 0 || strncmp(name, "0X", 2) == 0) {
    if (xo_number(name, &a) || a > 0xffffffffu)
      die("--patch-at: '%s': '%s' is not a 32-bit address", arg, name);
    addr = (uint32_t)a;
  } else {
    int r = elf_symbol(path, name, &addr, err, sizeof err);
    if (r < 0) die("%s", err);
    if (r > 0)
      die("--patch-at: '%s': no function symbol '%s' in %s", arg, name, path);
  }
  if (addr & 3)
    die("--patch-at: '%s': %s address 0x%08" PRIx32 " is not 4-byte aligned%s",
        arg, which, addr,
        strcmp(which, "target") ? "" : " (table entries hold bits 31:2)");
  return addr;
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
  xo_params_t xp; /* the accelerator's options (model/xlat_opts.h) */
  xo_defaults(&xp);
  xp.dmem_lat = cfg->dmem_lat;

  enum {
    O_RAM = 256,
    O_MAXC,
    O_MTDIV,
    O_IMEM,
    O_MUL,
    O_DIV,
    O_JSON,
    O_LOG,
    O_HOST,
    O_LOCKSTEP,
    O_PATCH,
    O_TRACE,
    O_WAVE,
    O_WAVE_FROM,
    O_WAVE_TO,
    O_WAVE_WALKS,
    O_WAVE_MARGIN,
    O_PV,
    O_PV_FROM,
    O_PV_TO,
    O_SIG,
    O_NOFIN,
    O_LOG_DISASM,
    O_TRACE_MAP,
    O_NO_TRACE_MAP,
    O_LOADP,
    O_HARTS,
    O_TRACE_HART,
    O_QUANTUM,
    O_BCAST_LAT,
    O_CHECK_SD,
    O_CTLB_SHARED,
    O_XO = 1000 /* + xo_opt_t */
  };
  static const struct option own[] = {
      {"ram", required_argument, 0, O_RAM},
      {"max-cycles", required_argument, 0, O_MAXC},
      {"mtime-div", required_argument, 0, O_MTDIV},
      {"imem-lat", required_argument, 0, O_IMEM},
      {"mul-lat", required_argument, 0, O_MUL},
      {"div-lat", required_argument, 0, O_DIV},
      {"stats-json", required_argument, 0, O_JSON},
      {"log-commits", required_argument, 0, O_LOG},
      {"host-stats", no_argument, 0, O_HOST},
      {"lockstep", no_argument, 0, O_LOCKSTEP},
      {"patch-at", required_argument, 0, O_PATCH},
      {"load-patch", required_argument, 0, O_LOADP},
      {"record-trace", required_argument, 0, O_TRACE},
      {"wave", required_argument, 0, O_WAVE},
      {"wave-from", required_argument, 0, O_WAVE_FROM},
      {"wave-to", required_argument, 0, O_WAVE_TO},
      {"wave-walks-only", no_argument, 0, O_WAVE_WALKS},
      {"wave-margin", required_argument, 0, O_WAVE_MARGIN},
      {"pipeview", required_argument, 0, O_PV},
      {"pipeview-from", required_argument, 0, O_PV_FROM},
      {"pipeview-to", required_argument, 0, O_PV_TO},
      {"signature", required_argument, 0, O_SIG},
      {"no-finisher", no_argument, 0, O_NOFIN},
      {"log-disasm", no_argument, 0, O_LOG_DISASM},
      {"trace-map", required_argument, 0, O_TRACE_MAP},
      {"no-trace-map", no_argument, 0, O_NO_TRACE_MAP},
      {"harts", required_argument, 0, O_HARTS},
      {"trace-hart", required_argument, 0, O_TRACE_HART},
      {"quantum", required_argument, 0, O_QUANTUM},
      {"bcast-latency", required_argument, 0, O_BCAST_LAT},
      {"check-shootdown", no_argument, 0, O_CHECK_SD},
      {"ctlb-shared", no_argument, 0, O_CTLB_SHARED},
      {"quiet", no_argument, 0, 'q'},
      {"help", no_argument, 0, 'h'},
      {"version", no_argument, 0, 'V'},
  };
  /* ctsim's own options, then the accelerator's spellings and aliases */
  enum { NOWN = sizeof own / sizeof *own };
  static struct option longopts[NOWN + 64];
  size_t nl = 0;
  memcpy(longopts, own, sizeof own);
  nl = NOWN;
  for (const xo_name_t *n = xo_names; n->name && nl + 1 < 64 + NOWN; n++)
    longopts[nl++] =
        (struct option){n->name, required_argument, 0, O_XO + n->opt};
  longopts[nl] = (struct option){0, 0, 0, 0};
  opterr = 0;
  int c, li = -1;
  while ((c = getopt_long(argc, argv, ":qhV", longopts, &li)) != -1) {
    if (c >= O_XO) {
      char err[512], given[64];
      snprintf(given, sizeof given, "--%s", longopts[li].name);
      if (xo_set(&xp, c - O_XO, given, optarg, err, sizeof err)) die("%s", err);
      li = -1;
      continue;
    }
    li = -1;
    switch (c) {
      case O_RAM:
        cfg->ram_size = opt_size("--ram", optarg);
        break;
      case O_MAXC:
        cfg->max_cycles = opt_num("--max-cycles", optarg, 1, UINT64_MAX - 1);
        break;
      case O_HARTS:
        cfg->harts = (uint32_t)opt_num("--harts", optarg, 1, PLAT_MAX_HARTS);
        break;
      case O_TRACE_HART:
        o->trace_hart =
            (unsigned)opt_num("--trace-hart", optarg, 0, PLAT_MAX_HARTS - 1);
        o->trace_hart_given = 1;
        break;
      case O_QUANTUM:
        cfg->quantum =
            (unsigned)opt_num("--quantum", optarg, 1, PLAT_QUANTUM_MAX);
        break;
      case O_BCAST_LAT:
        cfg->bcast_latency =
            (unsigned)opt_num("--bcast-latency", optarg, 1, BCAST_MAX_LATENCY);
        break;
      case O_CHECK_SD:
        cfg->check_shootdown = 1;
        break;
      case O_CTLB_SHARED:
        cfg->ctlb_shared = 1;
        break;
      case O_MTDIV:
        cfg->mtime_div =
            (uint32_t)opt_num("--mtime-div", optarg, 1, 0xffffffffu);
        break;
      case O_IMEM:
        cfg->imem_lat = (uint32_t)opt_num("--imem-lat", optarg, 1, 10000);
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
      case O_LOG_DISASM:
        o->log_disasm = 1;
        break;
      case O_TRACE_MAP:
        if (!*optarg) die("--trace-map: empty file name");
        o->trace_map_path = optarg;
        break;
      case O_NO_TRACE_MAP:
        o->no_trace_map = 1;
        break;
      case O_LOCKSTEP:
        cfg->lockstep = 1;
        break;
      case O_NOFIN:
        cfg->no_finisher = 1;
        break;
      case O_PATCH:
        if (o->npargs == CTSIM_MAX_PATCHES)
          die("--patch-at: at most %d patches", CTSIM_MAX_PATCHES);
        parse_patch(optarg, &o->pargs[o->npargs++]);
        break;
      case O_LOADP: {
        const char *e = ctpatch_host_add(optarg);
        if (e) die("%s", e);
        break;
      }
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
      case O_PV:
        if (!*optarg) die("--pipeview: empty file name");
        o->pv.path = optarg;
        break;
      case O_PV_FROM:
        o->pv_from = opt_num("--pipeview-from", optarg, 0, UINT64_MAX - 1);
        break;
      case O_PV_TO:
        o->pv_to = opt_num("--pipeview-to", optarg, 1, UINT64_MAX - 1);
        break;
      case O_SIG:
        if (!*optarg) die("--signature: empty file name");
        o->sig.path = optarg;
        break;
      case 'q':
        o->quiet = 1;
        break;
      case 'h':
        printf("usage: %s [options] PROGRAM.elf\n", prog);
        fputs(usage1, stdout);
        xo_help(stdout, XO_ALL & ~XO_BIT(XO_DMEM_LAT), XO_ALL, 22, NULL);
        fputs(usage2, stdout);
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
  cfg->xlat = xp.cfg;
  cfg->dmem_lat = xp.dmem_lat;
  /* --wave needs the RTL: it selects it unless --xlat says otherwise */
  cfg->xlat_backend = xp.backend;
  if (o->wave_path && !xp.backend_given) cfg->xlat_backend = XLAT_BACKEND_RTL;
  char err[512];
  if (xo_check(&xp, err, sizeof err)) die("%s", err);
  xlat_set_quiet(o->quiet); /* -q: no word of an on-demand RTL build either */
}

void ctsim_check_config(const ctsim_opts_t *o) {
  const cpu_config_t *const cfg = &o->cfg;
  char err[512];
  xo_params_t xp;
  xo_defaults(&xp);
  xp.cfg = cfg->xlat;
  if (xo_check(&xp, err, sizeof err)) die("%s", err);
  if (o->wave_path && cfg->ctlb_shared && cfg->harts > 1)
    die("--wave: not with --ctlb-shared on %u harts yet (docs/waves.md)",
        cfg->harts);
  if (o->wave_path && cfg->xlat_backend != XLAT_BACKEND_RTL)
    die("--wave: waveforms come from the verilated RTL: use --xlat rtl");
  if (!o->wave_path && (o->wave_from || o->wave_to || o->wave_walks))
    die("--wave-from/--wave-to/--wave-walks-only need --wave FILE");
  if (o->log_disasm && !o->log.path)
    die("--log-disasm: needs --log-commits FILE");
  if ((o->trace_map_path || o->no_trace_map) && !o->trace_path)
    die("%s: needs --record-trace FILE",
        o->trace_map_path ? "--trace-map" : "--no-trace-map");
  if (o->trace_map_path && o->no_trace_map)
    die("--trace-map and --no-trace-map: choose one");
  if (o->trace_map_path && strcmp(o->trace_map_path, o->trace_path) == 0)
    die("--trace-map: %s is the --record-trace file too", o->trace_map_path);
  if (o->wave_to && o->wave_to <= o->wave_from)
    die("--wave-to: %" PRIu64 " is not after --wave-from %" PRIu64, o->wave_to,
        o->wave_from);
  if (!o->pv.path && (o->pv_from || o->pv_to))
    die("--pipeview-from/--pipeview-to need --pipeview FILE");
  if (o->trace_hart_given && !o->log.path && !o->pv.path && !o->trace_path)
    die("--trace-hart needs --log-commits, --pipeview or --record-trace");
  if (o->trace_hart >= cfg->harts)
    die("--trace-hart %u: the run has %u hart%s (--harts), 0..%u",
        o->trace_hart, cfg->harts, cfg->harts == 1 ? "" : "s", cfg->harts - 1);
  if (o->pv_to && o->pv_to <= o->pv_from)
    die("--pipeview-to: %" PRIu64 " is not after --pipeview-from %" PRIu64,
        o->pv_to, o->pv_from);
}

/* --signature: the symbols must be there and delimit a range of RAM. */
static void sig_check(ctsim_opts_t *o, const elf_info_t *info,
                      const hart_t *h) {
  if (!info->has_sig_begin || !info->has_sig_end)
    die("--signature: %s has no %s symbol", o->path,
        info->has_sig_begin ? "end_signature" : "begin_signature");
  uint64_t b = info->sig_begin, e = info->sig_end;
  if (e < b)
    die("--signature: end_signature 0x%08" PRIx64
        " is below begin_signature 0x%08" PRIx64,
        e, b);
  if (b < RAM_BASE || e > (uint64_t)RAM_BASE + h->plat->mem.ram_size)
    die("--signature: 0x%08" PRIx64 "..0x%08" PRIx64 " is not in RAM", b, e);
  o->sig_begin = info->sig_begin, o->sig_end = info->sig_end;
}

/* Spike's format with granularity 4: a line per 4 bytes, the word in hex
 * (the byte at the highest address first), a partial last word padded with
 * zero bytes. */
static void sig_write(const ctsim_opts_t *o, const hart_t *h) {
  const uint8_t *m = h->plat->mem.ram + (o->sig_begin - RAM_BASE);
  uint32_t n = o->sig_end - o->sig_begin;
  for (uint32_t i = 0; i < n; i += 4) {
    for (uint32_t j = 4; j > 0; j--)
      fprintf(o->sig.f, "%02x", i + j <= n ? m[i + j - 1] : 0);
    fputc('\n', o->sig.f);
  }
}

/* The option the trace map's messages name. */
static const char *map_opt(const ctsim_opts_t *o) {
  return o->trace_map_path ? "--trace-map" : "--record-trace (its .map)";
}

/* "12,10,10": the levels as --ctlb-levels takes them */
static void levels_text(char *buf, size_t n, unsigned levels,
                        const uint32_t *bits) {
  size_t k = 0;
  buf[0] = 0;
  for (unsigned l = 0; l < levels && k + 1 < n; l++)
    k += (size_t)snprintf(buf + k, n - k, "%s%u", l ? "," : "",
                          (unsigned)bits[l]);
}

/* A program built for a table geometry (its .ct_geometry section, docs/isa.md)
 * runs only with that geometry: its tables would not match the walker's. */
static void geometry_check(const ctsim_opts_t *o) {
  const elf_names_t *n = &o->names;
  if (!n->has_geometry) return;
  xlat_config_t c = o->cfg.xlat;
  c.levels = n->geo_levels;
  memset(c.level_bits, 0, sizeof c.level_bits);
  for (unsigned l = 0; l < n->geo_levels; l++) c.level_bits[l] = n->geo_bits[l];
  char err[512], want[64], have[64];
  levels_text(want, sizeof want, c.levels, c.level_bits);
  if (xlat_config_check(&c, err, sizeof err))
    die("%s: malformed .ct_geometry section: levels %s: %s", o->path, want,
        err);
  const xlat_config_t *g = &o->cfg.xlat;
  levels_text(have, sizeof have, g->levels, g->level_bits);
  if (strcmp(want, have) != 0)
    die("%s was built for --ctlb-levels %s (its .ct_geometry section), not %s",
        o->path, want, have);
}

/* The map beside a trace: its name with the suffixes .gz, .ctb and .ct
 * removed (each once, in this order) and .map added, as
 * scripts/uftrace2ct.py names it; "" for a trace written to a FIFO or a
 * device (which have no place beside them for a file). */
static void default_map_path(const char *trace, char *buf, size_t n) {
  struct stat st;
  buf[0] = 0;
  if (stat(trace, &st) == 0 && !S_ISREG(st.st_mode)) return;
  size_t len = strlen(trace);
  static const char *const suf[] = {".gz", ".ctb", ".ct"};
  for (unsigned i = 0; i < 3; i++) {
    size_t k = strlen(suf[i]);
    if (len >= k && strncmp(trace + len - k, suf[i], k) == 0) len -= k;
  }
  if (len + 5 > n) die("--record-trace: file name too long for its map");
  memcpy(buf, trace, len);
  strcpy(buf + len, ".map");
}

/* --harts n > 1: the program's start-up must give n harts a stack. Its
 * __ct_harts symbol (firmware/common/link.ld) says for how many it does. */
static void harts_check(const char *path, unsigned n) {
  char err[512];
  uint32_t v;
  int r = elf_symbol(path, "__ct_harts", &v, err, sizeof err);
  if (r < 0) die("%s", err);
  if (r > 0)
    die("--harts %u: %s has no __ct_harts symbol: its start-up does not "
        "start several harts (docs/firmware.md, \"Several harts\")",
        n, path);
  if (v < n)
    die("--harts %u: %s starts at most %" PRIu32
        " hart%s (its __ct_harts symbol)",
        n, path, v, v == 1 ? "" : "s");
}

void ctsim_setup(ctsim_opts_t *o, platform_t *pl, uint8_t *ram) {
  cpu_config_t *const cfg = &o->cfg;
  const char *const path = o->path;
  char err[512];
  ctsim_check_config(o);
  if (plat_init(pl, cfg, ram, err, sizeof err)) die("%s", err);
  hart_t *const h = &pl->hart[0];
  hart_t *const th = &pl->hart[o->trace_hart]; /* the tools' (--trace-hart) */
  elf_info_t info;
  if (elf_load(path, &pl->mem, &info, err, sizeof err)) die("%s", err);
  if (elf_names_load(path, &o->names, err, sizeof err)) die("%s", err);
  /* one copy of the names for every hart's summary, --stats-json object,
   * commit log and --record-trace map */
  for (unsigned i = 0; i < pl->nharts; i++) pl->hart[i].names = &o->names;
  geometry_check(o);
  if (cfg->harts > 1) harts_check(path, cfg->harts);
  plat_reset(pl, info.entry, info.tohost, info.has_tohost);
  pl->mem.fromhost_off =
      info.has_fromhost ? info.fromhost - RAM_BASE : TOHOST_NONE;
  if (o->sig.path) sig_check(o, &info, h);

  patch_arg_t *const pargs = o->pargs;
  unsigned nc = 0, nt = 0;
  for (unsigned i = 0; i < o->npargs; i++) {
    patch_arg_t *a = &pargs[i];
    patch_t *p =
        a->kind == PATCH_AT_CYCLE ? &o->patches[nc++] : &o->tpatches[nt++];
    memset(p, 0, sizeof *p);
    p->kind = (patch_kind_t)a->kind;
    p->cycle = a->cycle, p->nth = a->nth, p->id = a->id, p->name = a->sym;
    if (a->idname[0]) p->id = patch_id(&o->names, path, a->arg, a->idname);
    p->arg = a->arg;
    p->addr = patch_addr(path, a->arg, p->name, "target");
    if (p->kind == PATCH_AT_ENTRY) {
      p->at = patch_addr(path, a->arg, a->at, "entry");
      if (p->at - RAM_BASE > cfg->ram_size - 4)
        die("--patch-at: '%s': entry address 0x%08" PRIx32
            " is outside RAM (nothing runs there)",
            a->arg, p->at);
      h->entry_watch++;
    }
    if (p->kind == PATCH_AT_CALLID) h->callid_watch++;
  }
  sort_patches(o->patches, nc);
  h->patches = o->patches, h->npatches = nc;
  h->tpatches = o->tpatches, h->ntpatches = nt;
  cpu_update_event(h);

  if (o->trace_path) {
    int bin, gz;
    ctw_form_from_name(o->trace_path, &bin, &gz);
    th->trace =
        ctw_open(o->trace_path, bin, gz, "recorded by ctsim", err, sizeof err);
    if (!th->trace) die("--record-trace: %s", err);
    if (!o->no_trace_map) {
      if (o->trace_map_path) {
        o->map.path = o->trace_map_path;
      } else {
        default_map_path(o->trace_path, o->map_default, sizeof o->map_default);
        if (o->map_default[0]) o->map.path = o->map_default;
      }
      if (o->map.path) out_open(&o->map, map_opt(o));
    }
  }

  /* the views of the pipeline: the program's names, the observer */
  if (o->pv.path || o->wave_path) {
    /* one observer per hart with a waveform (each hart's CPU scope) */
    const unsigned nobs = o->wave_path ? h->plat->nharts : 1;
    o->obs = calloc(nobs, sizeof *o->obs);
    if (!o->obs) die("out of memory");
    for (unsigned i = 0; i < nobs; i++) {
      o->obs[i].sym = &o->names;
      o->obs[i].wave = o->wave_path != NULL;
      (nobs == 1 ? th : &h->plat->hart[i])->obs = &o->obs[i];
    }
  }
  if (o->pv.path) {
    out_open(&o->pv, "--pipeview");
    o->pipeview = pipeview_open(o->pv.f, o->pv_from, o->pv_to, cfg->imem_lat);
    if (!o->pipeview) die("out of memory");
    th->obs->pv = o->pipeview; /* --trace-hart's */
  }

  if (cfg->check_shootdown) { /* every hart observed (sim/shootchk.h) */
    pl->shoot = shoot_new();
    o->shoot_obs = calloc(pl->nharts, sizeof *o->shoot_obs);
    if (!pl->shoot || !o->shoot_obs) die("out of memory");
    for (unsigned i = 0; i < pl->nharts; i++)
      if (!pl->hart[i].obs) pl->hart[i].obs = &o->shoot_obs[i];
  }

  if (o->wave_path) {
    h->plat->cfg.lockstep = 1; /* the waveform's time axis is the CPU cycle */
    for (unsigned i = 0; i < h->plat->nharts; i++) h->plat->accel[i].nofast = 1;
    /* FST (decided on the user's name) needs a seekable file it opens by
     * name; VCD is written to the descriptor */
    const int fst = xlat_trace_name_is_fst(o->wave_path);
    char werr[OUTFILE_PATH_MAX + 128];
    if (outfile_open(&o->wave_out, o->wave_path, NULL,
                     fst ? OUTFILE_SEEKABLE : 0, werr, sizeof werr))
      die("--wave: %s", werr);
    if (fst) outfile_aux(&o->wave_out, ".hier"); /* the FST writer's */
    const unsigned n = h->plat->nharts;
    if (n > 1 && fst) {
      outfile_abort(&o->wave_out);
      die("--wave: with --harts %u the waveform is VCD only (every hart's "
          "dump is merged into one): name it .vcd, not %s",
          n, o->wave_path);
    }
    for (unsigned i = 0; i < n; i++) {
      /* several harts: each hart's accelerator writes its own VCD */
      if (n > 1 && !(o->wave_tmp[i] = tmpfile()))
        die("--wave: cannot create a temporary file: %s", strerror(errno));
      if (cpu_wave_open(&h->plat->hart[i], fst,
                        n > 1 ? fileno(o->wave_tmp[i]) : o->wave_out.fd,
                        o->wave_out.write_path, o->wave_from, o->wave_to,
                        o->wave_walks, o->wave_margin, err, sizeof err))
        die("--wave: %s", err);
    }
  }
  if (o->json.path) out_open(&o->json, "--stats-json");
  if (o->sig.path) out_open(&o->sig, "--signature");
  if (o->log.path) {
    out_open(&o->log, "--log-commits");
    th->log = o->log.f;
    th->log_disasm = o->log_disasm;
  }
}

/* A warning for every --patch-at whose trigger never came; counts them in
 * h->st.patches_not_applied. */
static void report_unapplied(hart_t *h) {
  uint64_t end = plat_cycles(h->plat), n = 0;
  for (unsigned i = h->next_patch; i < h->npatches; i++, n++)
    fprintf(stderr,
            "ctsim: warning: --patch-at %s was not applied: the run ended at "
            "cycle %" PRIu64 "\n",
            h->patches[i].arg, end);
  for (unsigned i = 0; i < h->ntpatches; i++) {
    const patch_t *p = &h->tpatches[i];
    if (p->applied) continue;
    n++;
    if (p->kind == PATCH_AT_ENTRY)
      fprintf(stderr,
              "ctsim: warning: --patch-at %s was not applied: the program "
              "never ran the instruction at 0x%08" PRIx32
              " (the run ended at cycle %" PRIu64 ")\n",
              p->arg, p->at, end);
    else
      fprintf(stderr,
              "ctsim: warning: --patch-at %s was not applied: callid called "
              "ID 0x%" PRIx32 " %" PRIu64 " time%s, not %" PRIu64
              " (the run ended at cycle %" PRIu64 ")\n",
              p->arg, p->id, p->seen, p->seen == 1 ? "" : "s", p->nth, end);
  }
  h->st.patches_not_applied = n;
}

/* Several harts: where each one was when --max-cycles stopped the run, so a
 * hart that never got on (interrupts off, waiting for another, an IPI it did
 * not take) is named. */
static void harts_state(const platform_t *p) {
  for (unsigned i = 0; i < p->nharts; i++) {
    const hart_t *g = &p->hart[i];
    const char *what;
    if (g->wfi_park)
      what = "waiting in wfi for a software interrupt";
    else if (!(g->mstatus & 0x8u))
      what = "running, interrupts disabled (mstatus.MIE = 0)";
    else
      what = "running, interrupts enabled";
    fprintf(stderr,
            "ctsim:   hart %u: pc 0x%08" PRIx32 ", %" PRIu64
            " instructions retired, %s",
            i, g->pc, g->retired, what);
    /* an IPI it has not taken (a shootdown's acknowledgement is missing) */
    if (p->msip[i] & 1)
      fprintf(stderr,
              "; its software interrupt pends since cycle %" PRIu64
              ", not taken",
              p->msip_at[i]);
    fputc('\n', stderr);
  }
}

/* Several harts: the total line after the per-hart summaries. */
static void harts_total(FILE *f, const platform_t *p) {
  uint64_t n = 0;
  for (unsigned i = 0; i < p->nharts; i++) n += p->hart[i].retired;
  fprintf(f,
          "harts %u: instructions %" PRIu64 " (all harts), cycles %" PRIu64
          " (the last hart's)\n",
          p->nharts, n, plat_cycles(p));
}

/* Several harts: their VCDs (o->wave_tmp) merged into --wave's file. */
static void wave_merge(ctsim_opts_t *o, unsigned n) {
  char err[256];
  int fd = dup(o->wave_out.fd);
  FILE *out = fd >= 0 ? fdopen(fd, "w") : NULL;
  int bad = 0;
  for (unsigned i = 0; i < n; i++) bad |= fflush(o->wave_tmp[i]) != 0;
  for (unsigned i = 0; i < n; i++) rewind(o->wave_tmp[i]);
  if (!out || bad) {
    outfile_set_error(&o->wave_out, errno ? errno : EIO);
  } else if (vcd_merge(o->wave_tmp, n, out, err, sizeof err)) {
    fprintf(stderr, "ctsim: error: --wave: %s\n", err);
    outfile_set_error(&o->wave_out, EIO);
  }
  if (out && (fflush(out) || ferror(out)))
    outfile_set_error(&o->wave_out, errno ? errno : EIO);
  if (out)
    fclose(out);
  else if (fd >= 0)
    close(fd);
  for (unsigned i = 0; i < n; i++) {
    fclose(o->wave_tmp[i]);
    o->wave_tmp[i] = NULL;
  }
}

/* --stats-json: one hart's object; with several, an object with the totals
 * and every hart's object in "hart" (docs/ctsim.md). -1 on a write error. */
static int harts_json(FILE *f, const platform_t *p, run_end_t end) {
  if (p->nharts == 1) return stats_write_json(f, &p->hart[0], end);
  uint64_t n = 0;
  for (unsigned i = 0; i < p->nharts; i++) n += p->hart[i].retired;
  fprintf(f,
          "{\n\"harts\": %u, \"instructions\": %" PRIu64
          ", \"cycles\": %" PRIu64
          ", \"exit\": {\"reason\": \"%s\", "
          "\"status\": %d, \"hart\": %u},\n",
          p->nharts, n, plat_cycles(p), end.reason, end.status, p->stop_hart);
  ctpatch_host_json(f, "");
  if (p->accel[0].shared) /* --ctlb-shared: its arbiter's figures */
    fprintf(f,
            "\"ctlb_shared\": {\"port_waits\": %" PRIu64
            ", \"port_wait_cycles\": %" PRIu64 "},\n",
            p->accel[0].waits, p->accel[0].wait_cycles);
  fputs("\"hart\": [\n", f);
  for (unsigned i = 0; i < p->nharts; i++) {
    if (stats_write_json(f, &p->hart[i], end)) return -1;
    if (i + 1 < p->nharts) fputs(",\n", f);
  }
  fputs("]\n}\n", f);
  return ferror(f) ? -1 : 0;
}

int ctsim_finish(ctsim_opts_t *o, platform_t *pl, double host_s) {
  char err[OUTFILE_PATH_MAX + 128];
  hart_t *const h = &pl->hart[0];
  fflush(stdout);
  if (o->wave_path) /* the dump to the run's last cycle */
    for (unsigned i = 0; i < pl->nharts; i++) cpu_wave_finish(&pl->hart[i]);
  run_end_t end = stats_run_end(h);
  int status = end.status;
  stats_print_stop(stderr, &pl->hart[pl->stop_hart]);
  if (pl->nharts > 1 && pl->stop == STOP_MAX_CYCLES) harts_state(pl);
  report_unapplied(h);
  ctpatch_host_finish(cpu_cycles(h));
  for (unsigned i = 0; i < pl->nharts; i++) roi_finish(&pl->hart[i]);
  if (!o->quiet && pl->shoot && pl->stop != STOP_SIM_ERROR) {
    uint64_t nc, nk;
    shoot_counts(pl->shoot, &nc, &nk);
    fprintf(stderr,
            "check-shootdown: %" PRIu64 " completion point%s, %" PRIu64
            " lookups checked, no stale translation\n",
            nc, nc == 1 ? "" : "s", nk);
  }
  if (!o->quiet) {
    if (pl->nharts == 1) {
      stats_print(stderr, h, end);
      ctpatch_host_print(stderr, "  ", 0);
    } else {
      for (unsigned i = 0; i < pl->nharts; i++) {
        fprintf(stderr, "hart %u:\n", i);
        stats_print(stderr, &pl->hart[i], end);
      }
      harts_total(stderr, pl);
      ctpatch_host_print(stderr, "", 1);
    }
  }
  if (o->host_stats) {
    double s = host_s;
    double n = 0; /* every hart's instructions */
    for (unsigned i = 0; i < pl->nharts; i++) n += (double)pl->hart[i].retired;
    fprintf(stderr,
            "ctsim: host %.3f s, %.1f MIPS, %.2f ns/instruction, peak RSS "
            "%.1f MiB\n",
            s, s > 0 ? n / s / 1e6 : 0.0, n > 0 ? s * 1e9 / n : 0.0,
            peak_rss_mib());
    uint64_t br = 0, bi = 0, bx = 0, bb = 0, bl = 0; /* every hart's */
    for (unsigned i = 0; i < pl->nharts; i++)
      br += pl->hart[i].blk_runs, bi += pl->hart[i].blk_insns,
          bx += pl->hart[i].blk_exits, bb += pl->hart[i].blk_built,
          bl += pl->hart[i].blk_looked_up;
    for (unsigned i = 0; i < pl->nharts; i++) {
      uint64_t op[OP_COUNT] = {0}, tk = 0; /* counted in the summary */
      cpu_block_counts(&pl->hart[i], op, &tk, &br, &bi);
    }
    /* every block entered either runs to its end or is left early */
    fprintf(stderr,
            "ctsim: decoded blocks: %" PRIu64 " built, %" PRIu64
            " run to their end, %" PRIu64 " left early, %" PRIu64
            " instructions in them, %" PRIu64 " entered by a link\n",
            bb, br, bx, bi, br + bx - bl);
  }
  if (o->json.path) {
    if (harts_json(o->json.f, pl, end)) outfile_set_error(&o->json.out, errno);
    if (out_commit(&o->json, "--stats-json")) status = EXIT_USAGE;
  }
  if (o->log.path && out_commit(&o->log, "--log-commits")) status = EXIT_USAGE;
  if (o->sig.path) {
    sig_write(o, h);
    if (out_commit(&o->sig, "--signature")) status = EXIT_USAGE;
  }
  hart_t *const th = &pl->hart[o->trace_hart];
  if (th->trace) {
    int ok = 0;
    if (th->plat->stop == STOP_SIM_ERROR) {
      ctw_abort(th->trace);
    } else if (ctw_close(th->trace, err, sizeof err) || th->trace_failed) {
      /* (a failed event makes ctw_close fail: it names the error) */
      fprintf(stderr, "ctsim: error: --record-trace: %s\n", err);
      status = EXIT_USAGE;
    } else {
      ok = 1;
    }
    th->trace = NULL;
    if (o->map.f) { /* only beside a trace that was written */
      if (!ok) {
        outfile_abort(&o->map.out);
        o->map.f = NULL;
      } else {
        if (stats_write_map(o->map.f, th, o->trace_path, o->path))
          outfile_set_error(&o->map.out, errno);
        if (out_commit(&o->map, map_opt(o))) status = EXIT_USAGE;
      }
    }
  }
  if (o->pipeview) {
    pipeview_close(o->pipeview);
    o->pipeview = NULL;
    if (out_commit(&o->pv, "--pipeview")) status = EXIT_USAGE;
  }
  if (o->wave_path) {
    for (unsigned i = 0; i < pl->nharts; i++) {
      hart_t *g = &pl->hart[i];
      int e = g->acc->xl && g->wave_open ? xlat_trace_close(g->acc->xl) : 0;
      g->wave_open = 0;
      if (e) outfile_set_error(&o->wave_out, e);
    }
    if (pl->nharts > 1) wave_merge(o, pl->nharts);
    if (h->plat->stop == STOP_SIM_ERROR) {
      outfile_abort(&o->wave_out);
    } else if (outfile_commit(&o->wave_out, err, sizeof err)) {
      fprintf(stderr, "ctsim: error: --wave: %s\n", err);
      status = EXIT_USAGE;
    }
  }
  h->obs = NULL;
  for (unsigned i = 0; i < pl->nharts; i++)
    pl->hart[i].obs = NULL, pl->hart[i].names = NULL;
  shoot_free(pl->shoot);
  pl->shoot = NULL;
  free(o->shoot_obs);
  o->shoot_obs = NULL;
  plat_free(pl);
  elf_names_free(&o->names);
  free(o->obs);
  o->obs = NULL;
  /* the program's console output (and anything else on stdout) */
  if (outfile_check_stdout(err, sizeof err)) {
    fprintf(stderr, "ctsim: error: %s\n", err);
    status = EXIT_USAGE;
  }
  return status;
}
