/*
 * xlat_impl.h: internal interface between the dispatcher (xlat.c), its
 * backends (the pure-C model xlat_c.c, the RTL loader xlat_rtl.c) and the
 * verilated shim (xlat_vl.cpp). Not part of the API.
 */
#ifndef XLAT_IMPL_H
#define XLAT_IMPL_H

#include "xlat.h"

#ifdef __cplusplus
extern "C" {
#endif

/* ------------------------------------------------------------------ backends
 *
 * A backend is one table of these functions (its state is `impl`, created by
 * `create` from a configuration xlat_config_check accepted); xlat.c's
 * `backends[]` maps each xlat_backend_t to one. xlat.c keeps what is common
 * (the cycle count, the last root and memory ready for xlat_invalidate, the
 * trace file and state) and calls the backend for the rest. A backend without
 * waveforms leaves the four trace functions NULL (xlat_trace_* then fail or do
 * nothing, as documented in xlat.h).
 */
/* xlat_hit's shortcut of a backend: 1 with *addr after the hit's cycle, 0
 * untouched */
typedef int (*xlat_hit_fn)(void *ctx, uint32_t id, uint32_t root,
                           uint8_t mem_req_ready, uint32_t *addr);

typedef struct {
  const char *name; /* as --xlat spells it */
  /* NULL with a one-line message in err on failure */
  void *(*create)(const xlat_config_t *cfg, char *err, size_t errlen);
  void (*destroy)(void *impl);
  void (*reset)(void *impl);
  void (*step)(void *impl, const xlat_in_t *in, xlat_out_t *out);
  void (*counters)(const void *impl, xlat_counters_t *c);
  int (*busy)(const void *impl);
  /* xlat_trace_open_to after the previous trace was closed; cycles: stepped
   * since create/reset */
  int (*trace_open)(void *impl, int fst, int fd, const char *path,
                    uint64_t from, uint64_t to, int walks_only, unsigned margin,
                    uint64_t cycles, char *err, size_t errlen);
  int (*trace_close)(void *impl); /* 0 or the errno of a failed write */
  void (*trace_hart)(void *impl, xlat_wave_hart_fn fn, void *ctx);
  void (*trace_between)(void *impl);
  /* xlat_hit's shortcut, called with impl; NULL: the backend always steps
   * (xlat_hit returns 0) */
  xlat_hit_fn hit;
  /* NULL, or the function xlat_hit calls instead of hit, with *ctx: the
   * backend's own one without a call in between (the RTL: the shim's),
   * valid until the next trace_open */
  xlat_hit_fn (*hit_direct)(void *impl, void **ctx);
} xlat_backend_ops_t;

extern const xlat_backend_ops_t xlat_backend_c;   /* xlat_c.c */
extern const xlat_backend_ops_t xlat_backend_rtl; /* xlat_rtl.c */

/* Shared by the backends (xlat.c): a one-line message into err (if not NULL),
 * whether xlat_set_quiet turned the build notes off, the LFSR seed in effect
 * (cfg->lfsr_seed, or 0xACE1 when 0 or the policy is not RANDOM). */
void xlat_seterr(char *err, size_t len, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
int xlat_quiet_builds(void);
uint32_t xlat_lfsr_seed(const xlat_config_t *cfg);

/* The project root (see xlat_rtl.c); 0 on success. */
int xlat_project_root(char *out, size_t len);

/* The pure-C model (xlat_backend_c wraps these; xlat_step calls xlat_c_step
 * directly). */
typedef struct xlat_c xlat_c_t;
xlat_c_t *xlat_c_create(const xlat_config_t *cfg);
void xlat_c_destroy(xlat_c_t *m);
void xlat_c_reset(xlat_c_t *m);
void xlat_c_step(xlat_c_t *m, const xlat_in_t *in, xlat_out_t *out);
void xlat_c_counters(const xlat_c_t *m, xlat_counters_t *c);
int xlat_c_busy(const xlat_c_t *m);
/* xlat_hit for the C model: 1 with *addr after the hit's cycle, 0 untouched */
int xlat_c_hit(xlat_c_t *m, uint32_t id, uint32_t *addr);
/* xlat_hits for the C model */
size_t xlat_c_hits(xlat_c_t *m, const uint32_t *ids, size_t n,
                   uint32_t *addrs);
/* xlat_walk for the C model: the cycles advanced, 0 when it does not apply */
uint64_t xlat_c_walk(xlat_c_t *m, uint32_t lat, xlat_read_fn rd, void *ctx);

/* The verilated shim, exported by build/xlat-rtl/<name>/libxlat_vl.so.
 * XLAT_VL_ABI changes whenever these signatures or xlat_in_t/xlat_out_t change.
 */
#define XLAT_VL_ABI 5
typedef struct xlat_vl xlat_vl_t;
typedef int (*xlat_vl_abi_fn)(void);
typedef const char *(*xlat_vl_name_fn)(void);
typedef xlat_vl_t *(*xlat_vl_create_fn)(void);
typedef void (*xlat_vl_destroy_fn)(xlat_vl_t *v);
typedef void (*xlat_vl_reset_fn)(xlat_vl_t *v);
typedef void (*xlat_vl_step_fn)(xlat_vl_t *v, const xlat_in_t *in,
                                xlat_out_t *out);
typedef void (*xlat_vl_counters_fn)(const xlat_vl_t *v, xlat_counters_t *c);
typedef int (*xlat_vl_busy_fn)(const xlat_vl_t *v);
/* xlat_hit: the request cycle evaluated; 1 (the edge taken, *addr) if the RTL
 * answers it as a hit, else 0 with the state untouched (the caller steps).
 * The handle comes as void *: xlat.c calls it as the backend's xlat_hit_fn. */
typedef xlat_hit_fn xlat_vl_hit_fn;
/* 1: the library writes FST (built with xlat_build.sh --fst), 0: VCD */
typedef int (*xlat_vl_fst_fn)(void);
/* VCD: written to fd (left open); FST: written to the regular file path */
typedef int (*xlat_vl_trace_open_fn)(xlat_vl_t *v, int fd, const char *path,
                                     uint64_t from, uint64_t to, int walks_only,
                                     unsigned margin, char *err, size_t errlen);
/* 0, or the errno value of the first failed write (VCD) */
typedef int (*xlat_vl_trace_close_fn)(xlat_vl_t *v);
/* the hart scope of the next trace_open (xlat_trace_hart) */
typedef void (*xlat_vl_trace_hart_fn)(xlat_vl_t *v, xlat_wave_hart_fn fn,
                                      void *ctx);
/* the next step is not counted (xlat_trace_between) */
typedef void (*xlat_vl_trace_between_fn)(xlat_vl_t *v);

#ifdef __cplusplus
}
#endif
#endif /* XLAT_IMPL_H */
