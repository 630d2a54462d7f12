/*
 * xlat_rtl.c: the RTL backend of xlat.h (xlat_backend_rtl, see xlat_impl.h):
 * the verilated RTL as a shared library per configuration,
 * build/xlat-rtl/<config-name>/libxlat_vl.so under the project root, built on
 * demand by model/xlat_build.sh (under a per-configuration lock, so parallel
 * processes build it once) and loaded with dlopen(); its functions are the
 * xlat_vl_* of model/xlat_vl.cpp.
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
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "xlat_impl.h"

typedef struct {
  xlat_config_t cfg;
  void *dl;
  xlat_vl_t *vl;
  xlat_vl_destroy_fn vl_destroy;
  xlat_vl_reset_fn vl_reset;
  xlat_vl_step_fn vl_step;
  xlat_vl_counters_fn vl_counters;
  xlat_vl_busy_fn vl_busy;
  xlat_vl_hit_fn vl_hit;
  xlat_vl_trace_open_fn vl_trace_open;
  xlat_vl_trace_close_fn vl_trace_close;
  xlat_vl_trace_hart_fn vl_trace_hart;
  xlat_vl_trace_between_fn vl_trace_between;
  xlat_wave_hart_fn hart_fn; /* xlat_trace_hart */
  void *hart_ctx;
  int fst; /* the loaded library traces FST (else VCD) */
} rtl_t;

/* ------------------------------------------------------------------ build
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

/* Were the library's build.flags (written by model/xlat_build.sh) the flags
 * of the present environment? */
static int flags_same(const char *dir) {
  const char *c = getenv("XLAT_VL_CXXOPT"), *v = getenv("XLAT_VL_VFLAGS");
  char want[8192], have[8192], p[PATH_MAX + 300];
  int n = snprintf(want, sizeof want, "XLAT_VL_CXXOPT=%s|XLAT_VL_VFLAGS=%s\n",
                   c ? c : "", v ? v : "");
  snprintf(p, sizeof p, "%s/build.flags", dir);
  FILE *f = fopen(p, "r");
  if (!f) return 0;
  size_t got = fread(have, 1, sizeof have, f);
  fclose(f);
  return n > 0 && (size_t)n < sizeof want && got == (size_t)n &&
         memcmp(have, want, got) == 0;
}

/* The library in dir is up to date when it is newer than every source it is
 * built from and was built with the present flags. */
static int lib_fresh(const char *root, const char *dir, const char *lib) {
  if (!flags_same(dir)) return 0;
  static const char *const srcs[] = {
      "rtl/ctlb_top.v",    "rtl/ctlb_tlb.v",      "rtl/ctlb_walker.v",
      "rtl/ctlb_wcache.v", "model/xlat_vl.cpp",   "model/xlat_impl.h",
      "model/xlat.h",      "model/xlat_build.sh", "model/wave_dump.v",
      "model/wave_hart.v", "rtl/ctlb_assert.vh",  "model/xlat_vl_nba.awk",
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
  snprintf(g[ng++], sizeof g[0], "-GLfsrSeed=%u", xlat_lfsr_seed(cfg));
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

static int rtl_open(rtl_t *x, int fst, char *err, size_t errlen) {
  char root[PATH_MAX], name[128], dir[PATH_MAX + 256], lib[PATH_MAX + 300],
      lock[PATH_MAX + 300], log[PATH_MAX + 300];
  if (xlat_project_root(root, sizeof root)) {
    xlat_seterr(err, errlen,
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
  if (!lib_fresh(root, dir, lib)) {
    if (mkdirs(dir)) {
      xlat_seterr(err, errlen, "xlat: cannot create %s: %s", dir,
                  strerror(errno));
      return -1;
    }
    int fd = open(lock, O_RDWR | O_CREAT, 0666);
    int locked = fd >= 0 && flock(fd, LOCK_EX | LOCK_NB) == 0;
    if (fd >= 0 && !locked && errno == EWOULDBLOCK) {
      if (!xlat_quiet_builds())
        fprintf(stderr,
                "xlat: waiting for another process building the RTL model "
                "%s\n",
                name);
      locked = flock(fd, LOCK_EX) == 0;
    }
    if (!locked) {
      xlat_seterr(err, errlen, "xlat: cannot lock %s: %s", lock,
                  strerror(errno));
      if (fd >= 0) close(fd);
      return -1;
    }
    int rc = 0;
    if (!lib_fresh(root, dir, lib)) {
      if (!xlat_quiet_builds())
        fprintf(stderr, "xlat: building the RTL model %s (once)\n", name);
      rc = run_build(root, name, fst, &x->cfg, log);
    }
    close(fd);
    if (rc) {
      xlat_seterr(err, errlen, "xlat: building the RTL model %s failed, see %s",
                  name, log);
      return -1;
    }
  }
  x->dl = dlopen(lib, RTLD_NOW | RTLD_LOCAL);
  if (!x->dl) {
    xlat_seterr(err, errlen, "xlat: cannot load %s: %s", lib, dlerror());
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
  x->vl_hit = (xlat_vl_hit_fn)dlsym(x->dl, "xlat_vl_hit");
  x->vl_trace_open = (xlat_vl_trace_open_fn)dlsym(x->dl, "xlat_vl_trace_open");
  x->vl_trace_close =
      (xlat_vl_trace_close_fn)dlsym(x->dl, "xlat_vl_trace_close");
  x->vl_trace_hart = (xlat_vl_trace_hart_fn)dlsym(x->dl, "xlat_vl_trace_hart");
  x->vl_trace_between =
      (xlat_vl_trace_between_fn)dlsym(x->dl, "xlat_vl_trace_between");
  xlat_vl_fst_fn vfst = (xlat_vl_fst_fn)dlsym(x->dl, "xlat_vl_fst");
  if (!abi || !vname || !vfst || !create || !x->vl_destroy || !x->vl_reset ||
      !x->vl_step || !x->vl_counters || !x->vl_busy || !x->vl_hit ||
      !x->vl_trace_open ||
      !x->vl_trace_close || !x->vl_trace_hart || !x->vl_trace_between) {
    xlat_seterr(err, errlen,
                "xlat: %s lacks the xlat_vl_* functions; delete it to rebuild",
                lib);
    return -1;
  }
  if (abi() != XLAT_VL_ABI || strcmp(vname(), name) || vfst() != fst) {
    xlat_seterr(
        err, errlen,
        "xlat: %s was built for another interface or configuration; delete it",
        lib);
    return -1;
  }
  x->vl = create();
  if (!x->vl) {
    xlat_seterr(err, errlen, "xlat: cannot create the RTL model %s", name);
    return -1;
  }
  x->fst = fst;
  return 0;
}

/* ------------------------------------------------------------------ backend
 */

static void *rtl_create(const xlat_config_t *cfg, char *err, size_t errlen) {
  rtl_t *x = calloc(1, sizeof *x);
  if (!x) {
    xlat_seterr(err, errlen, "xlat: out of memory");
    return NULL;
  }
  x->cfg = *cfg;
  if (rtl_open(x, 0, err, errlen)) {
    free(x);
    return NULL;
  }
  return x;
}

static void rtl_destroy(void *impl) {
  rtl_t *x = impl;
  if (x->vl) x->vl_destroy(x->vl);
  /* The library stays loaded: Verilator's runtime registers thread-local state
   * that must outlive the model, and a process loads each configuration only
   * once. */
  free(x);
}

static void rtl_reset(void *impl) {
  rtl_t *x = impl;
  x->vl_reset(x->vl);
}

static void rtl_step(void *impl, const xlat_in_t *in, xlat_out_t *out) {
  rtl_t *x = impl;
  x->vl_step(x->vl, in, out);
}

static int rtl_hit(void *impl, uint32_t id, uint32_t root,
                   uint8_t mem_req_ready, uint32_t *addr) {
  rtl_t *x = impl;
  return x->vl_hit(x->vl, id, root, mem_req_ready, addr);
}

/* (the shim's function and handle: a call less per hit than rtl_hit) */
static xlat_hit_fn rtl_hit_direct(void *impl, void **ctx) {
  rtl_t *x = impl;
  *ctx = x->vl;
  return x->vl_hit;
}

static void rtl_counters(const void *impl, xlat_counters_t *c) {
  const rtl_t *x = impl;
  x->vl_counters(x->vl, c);
}

static int rtl_busy(const void *impl) {
  const rtl_t *x = impl;
  return x->vl_busy(x->vl);
}

static int rtl_trace_open(void *impl, int fst, int fd, const char *path,
                          uint64_t from, uint64_t to, int walks_only,
                          unsigned margin, uint64_t cycles, char *err,
                          size_t errlen) {
  rtl_t *x = impl;
  fst = !!fst;
  if (fst != x->fst) {
    /* the other format is another library: swap the model for a fresh one,
     * which is only the same model before the first cycle */
    if (cycles) {
      xlat_seterr(err, errlen,
                  "xlat: a %s waveform must be opened before the first cycle",
                  fst ? "FST" : "VCD");
      return -1;
    }
    rtl_t t = *x;
    t.vl = NULL; /* (a failure leaves x's model as it is) */
    if (rtl_open(&t, fst, err, errlen)) {
      if (t.vl) t.vl_destroy(t.vl);
      return -1;
    }
    x->vl_destroy(x->vl);
    *x = t;
  }
  x->vl_trace_hart(x->vl, x->hart_fn, x->hart_ctx);
  return x->vl_trace_open(x->vl, fd, path, from, to, walks_only, margin, err,
                          errlen);
}

static int rtl_trace_close(void *impl) {
  rtl_t *x = impl;
  return x->vl_trace_close(x->vl);
}

static void rtl_trace_hart(void *impl, xlat_wave_hart_fn fn, void *ctx) {
  rtl_t *x = impl;
  x->hart_fn = fn;
  x->hart_ctx = ctx;
}

static void rtl_trace_between(void *impl) {
  rtl_t *x = impl;
  x->vl_trace_between(x->vl);
}

const xlat_backend_ops_t xlat_backend_rtl = {
    .name = "rtl",
    .create = rtl_create,
    .destroy = rtl_destroy,
    .reset = rtl_reset,
    .step = rtl_step,
    .counters = rtl_counters,
    .busy = rtl_busy,
    .trace_open = rtl_trace_open,
    .trace_close = rtl_trace_close,
    .trace_hart = rtl_trace_hart,
    .trace_between = rtl_trace_between,
    .hit = rtl_hit,
    .hit_direct = rtl_hit_direct,
};
