/*
 * xlat.c: the xlat.h API: configuration checks and names, and the dispatcher to
 * the two backends. The RTL backend is a shared library per configuration,
 * build/xlat-rtl/<config-name>/libxlat_vl.so under the project root, built on
 * demand by model/xlat_build.sh (under a per-configuration lock, so parallel
 * processes build it once) and loaded with dlopen().
 *
 * Project root: $CTSIM_ROOT if set, else the first directory holding
 * model/xlat_build.sh found walking up from the running executable
 * (/proc/self/exe), else walking up from the current directory.
 */
#define _POSIX_C_SOURCE 200809L
#define _DEFAULT_SOURCE

#include <dlfcn.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <sys/wait.h>
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

struct xlat {
  xlat_backend_t backend;
  xlat_config_t cfg;
  uint64_t cycles;
  uint32_t last_root;
  uint8_t last_mem_req_ready;
  xlat_c_t *c;
  /* RTL backend */
  void *dl;
  xlat_vl_t *vl;
  xlat_vl_destroy_fn vl_destroy;
  xlat_vl_reset_fn vl_reset;
  xlat_vl_step_fn vl_step;
  xlat_vl_counters_fn vl_counters;
  xlat_vl_busy_fn vl_busy;
  xlat_vl_trace_open_fn vl_trace_open;
  xlat_vl_trace_close_fn vl_trace_close;
  xlat_vl_trace_hart_fn vl_trace_hart;
  xlat_vl_trace_between_fn vl_trace_between;
  xlat_wave_hart_fn hart_fn; /* xlat_trace_hart */
  void *hart_ctx;
  int fst;      /* the loaded library traces FST (else VCD) */
  int trace_fd; /* xlat_trace_open's own VCD file (-1: none) */
  int tracing;
};

static void seterr(char *err, size_t len, const char *fmt, ...) {
  if (!err || !len) return;
  va_list ap;
  va_start(ap, fmt);
  vsnprintf(err, len, fmt, ap);
  va_end(ap);
}

static int quiet_build;

void xlat_set_quiet(int quiet) { quiet_build = quiet != 0; }

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
    seterr(err, errlen, "xlat: no configuration");
    return -1;
  }
  if (!pow2(cfg->entries) || cfg->entries > 1024) {
    seterr(err, errlen,
           "xlat: entries must be a power of two in 1..1024 (got %u)",
           cfg->entries);
    return -1;
  }
  if (!pow2(cfg->ways) || cfg->ways > cfg->entries) {
    seterr(err, errlen,
           "xlat: ways must be a power of two dividing entries=%u (got %u)",
           cfg->entries, cfg->ways);
    return -1;
  }
  if ((unsigned)cfg->policy > XLAT_POLICY_RANDOM) {
    seterr(err, errlen,
           "xlat: policy must be lru, plru, fifo or random (got %u)",
           (unsigned)cfg->policy);
    return -1;
  }
  uint32_t bad = 0;
  switch (ctable_check(cfg->levels, cfg->level_bits, &bad)) {
    case CTABLE_GEO_OK:
      break;
    case CTABLE_GEO_LEVELS:
      seterr(err, errlen, "xlat: levels must be in 1..%d (got %u)",
             CTABLE_MAX_LEVELS, cfg->levels);
      return -1;
    case CTABLE_GEO_BITS:
      seterr(err, errlen, "xlat: level_bits[%u] must be in 1..%d (got %u)", bad,
             CTABLE_MAX_LEVEL_BITS, cfg->level_bits[bad]);
      return -1;
    case CTABLE_GEO_WIDTH:
      seterr(err, errlen,
             "xlat: level_bits must sum to at most %d ID bits (got %u)",
             CTABLE_ID_BITS, bad);
      return -1;
  }
  if (cfg->walk_cache && (!pow2(cfg->walk_cache) || cfg->walk_cache > 64)) {
    seterr(err, errlen,
           "xlat: walk_cache must be 0 or a power of two up to 64 (got %u)",
           cfg->walk_cache);
    return -1;
  }
  if (cfg->lfsr_seed > 0xFFFF) {
    seterr(err, errlen, "xlat: lfsr_seed must be in 0..65535 (got %u)",
           cfg->lfsr_seed);
    return -1;
  }
  return 0;
}

static uint32_t eff_seed(const xlat_config_t *cfg) {
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
  if (eff_seed(cfg) != LFSR_DEFAULT)
    snprintf(seed, sizeof seed, "-s%x", eff_seed(cfg));
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

/* ------------------------------------------------------------------ RTL build
 */

static int is_root(const char *dir) {
  char p[PATH_MAX + 32];
  snprintf(p, sizeof p, "%s/model/xlat_build.sh", dir);
  return access(p, R_OK) == 0;
}

static int walk_up(char *dir) {
  for (;;) {
    if (is_root(dir)) return 0;
    char *s = strrchr(dir, '/');
    if (!s || s == dir) return -1;
    *s = 0;
  }
}

int xlat_project_root(char *out, size_t len) {
  const char *env = getenv("CTSIM_ROOT");
  if (env && *env) {
    snprintf(out, len, "%s", env);
    return is_root(out) ? 0 : -1;
  }
  char buf[PATH_MAX];
  ssize_t n = readlink("/proc/self/exe", buf, sizeof buf - 1);
  if (n > 0) {
    buf[n] = 0;
    if (walk_up(buf) == 0) {
      snprintf(out, len, "%s", buf);
      return 0;
    }
  }
  if (getcwd(buf, sizeof buf) && walk_up(buf) == 0) {
    snprintf(out, len, "%s", buf);
    return 0;
  }
  return -1;
}

static long long mtime_of(const char *path) {
  struct stat st;
  if (stat(path, &st)) return -1;
  return (long long)st.st_mtim.tv_sec * 1000000000LL + st.st_mtim.tv_nsec;
}

/* The library is up to date when it is newer than every source it is built
 * from. */
static int lib_fresh(const char *root, const char *lib) {
  static const char *const srcs[] = {
      "rtl/ctlb_top.v",    "rtl/ctlb_tlb.v",      "rtl/ctlb_walker.v",
      "rtl/ctlb_wcache.v", "model/xlat_vl.cpp",   "model/xlat_impl.h",
      "model/xlat.h",      "model/xlat_build.sh", "model/wave_dump.v",
      "model/wave_hart.v", "rtl/ctlb_assert.vh",
  };
  long long t = mtime_of(lib);
  if (t < 0) return 0;
  for (size_t i = 0; i < sizeof srcs / sizeof srcs[0]; i++) {
    char p[PATH_MAX + 64];
    snprintf(p, sizeof p, "%s/%s", root, srcs[i]);
    if (mtime_of(p) > t) return 0;
  }
  return 1;
}

static int mkdirs(const char *path) {
  char tmp[PATH_MAX + 512];
  snprintf(tmp, sizeof tmp, "%s", path);
  for (char *p = tmp + 1; *p; p++) {
    if (*p == '/') {
      *p = 0;
      if (mkdir(tmp, 0777) && errno != EEXIST) return -1;
      *p = '/';
    }
  }
  if (mkdir(tmp, 0777) && errno != EEXIST) return -1;
  return 0;
}

static int run_build(const char *root, const char *name, int fst,
                     const xlat_config_t *cfg, const char *log) {
  char script[PATH_MAX + 32];
  snprintf(script, sizeof script, "%s/model/xlat_build.sh", root);
  char g[10][48];
  int ng = 0;
  snprintf(g[ng++], sizeof g[0], "-GEntries=%u", cfg->entries);
  snprintf(g[ng++], sizeof g[0], "-GWays=%u", cfg->ways);
  snprintf(g[ng++], sizeof g[0], "-GPolicy=%u", (unsigned)cfg->policy);
  snprintf(g[ng++], sizeof g[0], "-GLevels=%u", cfg->levels);
  for (uint32_t l = 0; l < XLAT_MAX_LEVELS; l++)
    snprintf(g[ng++], sizeof g[0], "-GLevelBits%u=%u", l,
             l < cfg->levels ? cfg->level_bits[l] : 0);
  snprintf(g[ng++], sizeof g[0], "-GWalkCache=%u", cfg->walk_cache);
  snprintf(g[ng++], sizeof g[0], "-GLfsrSeed=%u", eff_seed(cfg));
  pid_t pid = fork();
  if (pid < 0) return -1;
  if (pid == 0) {
    int fd = open(log, O_WRONLY | O_CREAT | O_TRUNC, 0666);
    if (fd >= 0) {
      dup2(fd, 1);
      dup2(fd, 2);
      close(fd);
    }
    char *argv[16];
    int a = 0;
    argv[a++] = (char *)"sh";
    argv[a++] = script;
    if (fst) argv[a++] = (char *)"--fst";
    argv[a++] = (char *)root;
    argv[a++] = (char *)name;
    for (int i = 0; i < ng; i++) argv[a++] = g[i];
    argv[a] = NULL;
    execvp("sh", argv);
    _exit(127);
  }
  int st;
  while (waitpid(pid, &st, 0) < 0)
    if (errno != EINTR) return -1;
  return WIFEXITED(st) && WEXITSTATUS(st) == 0 ? 0 : -1;
}

static int rtl_open(xlat_t *x, int fst, char *err, size_t errlen) {
  char root[PATH_MAX], name[128], dir[PATH_MAX + 256], lib[PATH_MAX + 300],
      lock[PATH_MAX + 300], log[PATH_MAX + 300];
  if (xlat_project_root(root, sizeof root)) {
    seterr(err, errlen,
           "xlat: cannot find the project root (model/xlat_build.sh); set "
           "CTSIM_ROOT");
    return -1;
  }
  xlat_config_name(&x->cfg, name, sizeof name);
  snprintf(dir, sizeof dir, "%s/build/xlat-rtl/%s%s", root, name,
           fst ? "/fst" : "");
  snprintf(lib, sizeof lib, "%s/libxlat_vl.so", dir);
  snprintf(lock, sizeof lock, "%s/build/xlat-rtl/%s%s.lock", root, name,
           fst ? ".fst" : "");
  snprintf(log, sizeof log, "%s/build.log", dir);
  if (!lib_fresh(root, lib)) {
    if (mkdirs(dir)) {
      seterr(err, errlen, "xlat: cannot create %s: %s", dir, strerror(errno));
      return -1;
    }
    int fd = open(lock, O_RDWR | O_CREAT, 0666);
    int locked = fd >= 0 && flock(fd, LOCK_EX | LOCK_NB) == 0;
    if (fd >= 0 && !locked && errno == EWOULDBLOCK) {
      if (!quiet_build)
        fprintf(stderr,
                "xlat: waiting for another process building the RTL model "
                "%s\n",
                name);
      locked = flock(fd, LOCK_EX) == 0;
    }
    if (!locked) {
      seterr(err, errlen, "xlat: cannot lock %s: %s", lock, strerror(errno));
      if (fd >= 0) close(fd);
      return -1;
    }
    int rc = 0;
    if (!lib_fresh(root, lib)) {
      if (!quiet_build)
        fprintf(stderr, "xlat: building the RTL model %s (once)\n", name);
      rc = run_build(root, name, fst, &x->cfg, log);
    }
    close(fd);
    if (rc) {
      seterr(err, errlen, "xlat: building the RTL model %s failed, see %s",
             name, log);
      return -1;
    }
  }
  x->dl = dlopen(lib, RTLD_NOW | RTLD_LOCAL);
  if (!x->dl) {
    seterr(err, errlen, "xlat: cannot load %s: %s", lib, dlerror());
    return -1;
  }
  xlat_vl_abi_fn abi = (xlat_vl_abi_fn)dlsym(x->dl, "xlat_vl_abi");
  xlat_vl_name_fn vname = (xlat_vl_name_fn)dlsym(x->dl, "xlat_vl_name");
  xlat_vl_create_fn create = (xlat_vl_create_fn)dlsym(x->dl, "xlat_vl_create");
  x->vl_destroy = (xlat_vl_destroy_fn)dlsym(x->dl, "xlat_vl_destroy");
  x->vl_reset = (xlat_vl_reset_fn)dlsym(x->dl, "xlat_vl_reset");
  x->vl_step = (xlat_vl_step_fn)dlsym(x->dl, "xlat_vl_step");
  x->vl_counters = (xlat_vl_counters_fn)dlsym(x->dl, "xlat_vl_counters");
  x->vl_busy = (xlat_vl_busy_fn)dlsym(x->dl, "xlat_vl_busy");
  x->vl_trace_open = (xlat_vl_trace_open_fn)dlsym(x->dl, "xlat_vl_trace_open");
  x->vl_trace_close =
      (xlat_vl_trace_close_fn)dlsym(x->dl, "xlat_vl_trace_close");
  x->vl_trace_hart = (xlat_vl_trace_hart_fn)dlsym(x->dl, "xlat_vl_trace_hart");
  x->vl_trace_between =
      (xlat_vl_trace_between_fn)dlsym(x->dl, "xlat_vl_trace_between");
  xlat_vl_fst_fn vfst = (xlat_vl_fst_fn)dlsym(x->dl, "xlat_vl_fst");
  if (!abi || !vname || !vfst || !create || !x->vl_destroy || !x->vl_reset ||
      !x->vl_step || !x->vl_counters || !x->vl_busy || !x->vl_trace_open ||
      !x->vl_trace_close || !x->vl_trace_hart || !x->vl_trace_between) {
    seterr(err, errlen,
           "xlat: %s lacks the xlat_vl_* functions; delete it to rebuild", lib);
    return -1;
  }
  if (abi() != XLAT_VL_ABI || strcmp(vname(), name) || vfst() != fst) {
    seterr(
        err, errlen,
        "xlat: %s was built for another interface or configuration; delete it",
        lib);
    return -1;
  }
  x->vl = create();
  if (!x->vl) {
    seterr(err, errlen, "xlat: cannot create the RTL model %s", name);
    return -1;
  }
  x->fst = fst;
  return 0;
}

/* ------------------------------------------------------------------ API */

xlat_t *xlat_create(xlat_backend_t backend, const xlat_config_t *cfg, char *err,
                    size_t errlen) {
  if (xlat_config_check(cfg, err, errlen)) return NULL;
  if (backend != XLAT_BACKEND_C && backend != XLAT_BACKEND_RTL) {
    seterr(err, errlen, "xlat: unknown backend %d", (int)backend);
    return NULL;
  }
  xlat_t *x = calloc(1, sizeof *x);
  if (!x) {
    seterr(err, errlen, "xlat: out of memory");
    return NULL;
  }
  x->backend = backend;
  x->cfg = *cfg;
  for (uint32_t l = cfg->levels; l < XLAT_MAX_LEVELS; l++)
    x->cfg.level_bits[l] = 0;
  x->last_mem_req_ready = 1;
  x->trace_fd = -1;
  if (backend == XLAT_BACKEND_C) {
    x->c = xlat_c_create(&x->cfg);
    if (!x->c) {
      seterr(err, errlen, "xlat: out of memory");
      free(x);
      return NULL;
    }
  } else if (rtl_open(x, 0, err, errlen)) {
    xlat_destroy(x);
    return NULL;
  }
  return x;
}

void xlat_destroy(xlat_t *x) {
  if (!x) return;
  if (x->c) xlat_c_destroy(x->c);
  xlat_trace_close(x);
  if (x->vl) x->vl_destroy(x->vl);
  /* The library stays loaded: Verilator's runtime registers thread-local state
   * that must outlive the model, and a process loads each configuration only
   * once. */
  free(x);
}

void xlat_reset(xlat_t *x) {
  if (x->c)
    xlat_c_reset(x->c);
  else
    x->vl_reset(x->vl);
  x->cycles = 0;
}

void xlat_step(xlat_t *x, const xlat_in_t *in, xlat_out_t *out) {
  x->cycles++;
  x->last_root = in->root;
  x->last_mem_req_ready = in->mem_req_ready;
  if (x->c)
    xlat_c_step(x->c, in, out);
  else
    x->vl_step(x->vl, in, out);
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
  if (x->c)
    xlat_c_counters(x->c, c);
  else
    x->vl_counters(x->vl, c);
}

int xlat_busy(const xlat_t *x) {
  return x->c ? xlat_c_busy(x->c) : x->vl_busy(x->vl);
}

uint64_t xlat_cycles(const xlat_t *x) { return x->cycles; }

int xlat_trace_open_to(xlat_t *x, int fst, int fd, const char *path,
                       uint64_t from, uint64_t to, int walks_only,
                       unsigned margin, char *err, size_t errlen) {
  if (x->c) {
    seterr(err, errlen, "xlat: waveform tracing needs the RTL backend");
    return -1;
  }
  xlat_trace_close(x);
  fst = !!fst;
  if (fst != x->fst) {
    /* the other format is another library: swap the model for a fresh one,
     * which is only the same model before the first cycle */
    if (x->cycles) {
      seterr(err, errlen,
             "xlat: a %s waveform must be opened before the first cycle",
             fst ? "FST" : "VCD");
      return -1;
    }
    xlat_t t = *x;
    if (rtl_open(&t, fst, err, errlen)) {
      if (t.vl) t.vl_destroy(t.vl);
      return -1; /* x is unchanged */
    }
    x->vl_destroy(x->vl);
    *x = t;
  }
  x->vl_trace_hart(x->vl, x->hart_fn, x->hart_ctx);
  if (x->vl_trace_open(x->vl, fd, path, from, to, walks_only, margin, err,
                       errlen))
    return -1;
  x->tracing = 1;
  return 0;
}

int xlat_trace_hart(xlat_t *x, xlat_wave_hart_fn fn, void *ctx) {
  if (x->c) return -1;
  x->hart_fn = fn;
  x->hart_ctx = ctx;
  return 0;
}

void xlat_trace_between(xlat_t *x) {
  if (x->vl && x->tracing) x->vl_trace_between(x->vl);
}

int xlat_trace_name_is_fst(const char *path) {
  size_t n = path ? strlen(path) : 0;
  return n >= 4 && strcmp(path + n - 4, ".fst") == 0;
}

int xlat_trace_open(xlat_t *x, const char *path, uint64_t from, uint64_t to,
                    int walks_only, unsigned margin, char *err, size_t errlen) {
  int fst = xlat_trace_name_is_fst(path);
  int fd = -1;
  if (!x->c && !fst) {
    fd = path ? open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0666) : -1;
    if (fd < 0) {
      seterr(err, errlen, "xlat: cannot write trace file %s: %s",
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
  if (!x->vl || !x->tracing) return 0;
  x->tracing = 0;
  int e = x->vl_trace_close(x->vl);
  if (x->trace_fd >= 0) {
    if (close(x->trace_fd) && !e) e = errno;
    x->trace_fd = -1;
  }
  return e;
}
