/*
 * xlat.h: the call-translation accelerator (CTLB + table walker) behind one C
 * API.
 *
 * Two backends implement it with the same cycle behaviour:
 *   XLAT_BACKEND_C    a pure-C reference model (model/xlat_c.c)
 *   XLAT_BACKEND_RTL  the verilated RTL (rtl/), built per configuration on
 * demand into build/xlat-rtl/<config-name>/libxlat_vl.so (model/xlat_vl.cpp,
 *                     model/xlat_build.sh) and loaded at run time by
 * model/xlat_rtl.c. Link with build/libxlat.a -ldl.
 *
 * Cycle contract (docs/accelerator.md is the full description):
 *   xlat_step() is one clock cycle. The caller fills xlat_in_t with the values
 * its inputs have during this cycle; xlat_step() writes into xlat_out_t the
 * outputs as they are during the same cycle (before the rising edge, so
 * combinational paths from inputs to outputs are visible), then applies the
 * rising clock edge. Output data fields are 0 while their valid is 0
 * (rsp_hit/rsp_fault/rsp_addr with rsp_valid, mem_req_addr with mem_req_valid),
 * so outputs compare exactly.
 *
 * No Verilator or C++ types appear here: C programs, ctypes and SystemC all use
 * it.
 */
#ifndef XLAT_H
#define XLAT_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

#define XLAT_MAX_LEVELS 4

typedef enum {
  XLAT_BACKEND_C = 0,
  XLAT_BACKEND_RTL = 1,
} xlat_backend_t;

typedef enum {
  XLAT_POLICY_LRU = 0,
  XLAT_POLICY_PLRU = 1, /* tree pseudo-LRU */
  XLAT_POLICY_FIFO = 2,
  XLAT_POLICY_RANDOM = 3, /* LFSR */
} xlat_policy_t;

/* Fault codes reported with a response. */
typedef enum {
  XLAT_FAULT_NONE = 0,
  XLAT_FAULT_INVALID = 1, /* an entry on the walk had its valid bit clear */
  XLAT_FAULT_RANGE = 2,   /* ID has bits set above the width the table covers */
  XLAT_FAULT_DISABLED = 3, /* root register enable bit clear */
  XLAT_FAULT_BUS = 4, /* the memory system answered a walk read with an error */
} xlat_fault_t;

typedef struct {
  uint32_t entries; /* CTLB entries: power of two, 1..1024 */
  uint32_t ways; /* power of two dividing entries: 1 = direct mapped, entries =
                    fully associative */
  xlat_policy_t policy;
  uint32_t levels;                      /* table levels, 1..XLAT_MAX_LEVELS */
  uint32_t level_bits[XLAT_MAX_LEVELS]; /* index width per level, [0] = root
                                           (most significant ID bits);
                                           each 1..16, sum <= 32 */
  uint32_t walk_cache; /* walk-cache entries for non-leaf entries: 0 (off) or a
                          power of two up to 64 */
  uint32_t lfsr_seed;  /* seed of the RANDOM policy's 16-bit LFSR, 0..65535; 0 =
                          default 0xACE1 */
} xlat_config_t;

/* Inputs during one cycle. */
typedef struct {
  /* CPU request port: a lookup of req_id, accepted in a cycle with req_valid &&
   * req_ready */
  uint8_t req_valid;
  uint32_t req_id;
  /* invalidate port, always ready: drop the entry of inv_id, or everything if
   * inv_all */
  uint8_t inv_valid;
  uint8_t inv_all;
  uint32_t inv_id;
  /* root register: bits 31:2 table base address, bit 0 enable */
  uint32_t root;
  /* memory read port: a request is accepted in a cycle with mem_req_valid &&
   * mem_req_ready; its single response comes back in a later cycle with
   * mem_rsp_valid */
  uint8_t mem_req_ready;
  uint8_t mem_rsp_valid;
  uint8_t mem_rsp_err;
  uint32_t mem_rsp_data;
} xlat_in_t;

/* Outputs during the same cycle. */
typedef struct {
  uint8_t req_ready; /* a lookup can be accepted this cycle */
  uint8_t rsp_valid; /* a translation is answered this cycle */
  uint8_t rsp_hit; /* ... from the CTLB (a hit); 0 for an answer after a walk */
  uint8_t rsp_fault;     /* xlat_fault_t; rsp_addr is 0 when nonzero */
  uint32_t rsp_addr;     /* the function address */
  uint8_t mem_req_valid; /* the walker reads a table entry */
  uint32_t mem_req_addr;
  uint8_t busy; /* 0: with idle inputs no state changes at the next edge */
} xlat_out_t;

typedef struct {
  uint64_t lookups; /* accepted requests */
  uint64_t hits;
  uint64_t misses; /* lookups that started a walk (or faulted before one) */
  uint64_t walk_cycles;     /* cycles the walker was not idle */
  uint64_t mem_reads;       /* walk reads accepted by the memory system */
  uint64_t walk_cache_hits; /* table-entry reads served by the walk cache */
  uint64_t invalidations;   /* invalidate-port operations, one ID or all */
  uint64_t faults;          /* responses with a fault */
} xlat_counters_t;

typedef struct xlat xlat_t;

/* The default configuration: 64 entries, 4 ways, LRU, 3 levels of 12/10/10 bits
 * (all 32 ID bits), walk cache off. */
void xlat_config_default(xlat_config_t *cfg);

/* Checks cfg; on error writes a one-line message naming the parameter into err
 * (if err != NULL) and returns -1; returns 0 when valid. */
int xlat_config_check(const xlat_config_t *cfg, char *err, size_t errlen);

/* A short stable text naming the configuration, e.g. "e64w4-lru-l12.10.10-wc0".
 */
void xlat_config_name(const xlat_config_t *cfg, char *buf, size_t len);

/* Creates an accelerator in the reset state. Returns NULL on error with a
 * one-line message in err. The RTL backend builds the configuration's verilated
 * library under build/ if it is not there yet (see docs/accelerator.md). */
xlat_t *xlat_create(xlat_backend_t backend, const xlat_config_t *cfg, char *err,
                    size_t errlen);

/* Messages of the RTL backend's on-demand build, process wide. By default
 * xlat_create prints one line on stderr before it compiles a configuration
 * (15-90 s, once per configuration): "xlat: building the RTL model NAME
 * (once)", or "xlat: waiting for another process building the RTL model NAME"
 * while another process holds the configuration's build lock. Nothing is
 * printed when the library is already built. xlat_set_quiet(1) turns both
 * lines off (the tools' --quiet); errors are reported as always. */
void xlat_set_quiet(int quiet);
void xlat_destroy(xlat_t *x);

/* Synchronous reset: CTLB, walk cache, walker, LFSR and counters back to reset.
 */
void xlat_reset(xlat_t *x);

/* One clock cycle, as described at the top. */
void xlat_step(xlat_t *x, const xlat_in_t *in, xlat_out_t *out);

/* A hit's cycle without the general step, for callers on a hot path (ctsim's
 * callid): if the accelerator is idle and id is in the CTLB, this is exactly
 * xlat_step() for one cycle with only req_valid/req_id (and root,
 * mem_req_ready) as inputs, whose answer is that hit: the replacement state,
 * the counters and xlat_cycles() advance as they would; returns 1 with the
 * address in *addr. Otherwise nothing changes and it returns 0: the caller
 * steps that cycle with xlat_step(). The RTL backend evaluates the verilated
 * cycle itself and takes its edge only on a hit (so its counters stay the
 * RTL's own); with a waveform open or XLAT_VL_PLAIN=1 it returns 0. */
int xlat_hit(xlat_t *x, uint32_t id, uint32_t root, uint8_t mem_req_ready,
             uint32_t *addr);

/* xlat_hit for a run of requests, one per cycle (cttrace): while
 * ids[i] hits, its cycle as xlat_hit's with *addrs[i] its address; returns
 * the number of hits, which end at the first ID that does not hit (nothing of
 * it done: the caller steps it) or after n. */
size_t xlat_hits(xlat_t *x, const uint32_t *ids, size_t n, uint32_t root,
                 uint8_t mem_req_ready, uint32_t *addrs);

/* A walk's reads without stepping each cycle, for callers that wait for the
 * answer (cttrace): when the walker is about to send a read (the cycle after
 * a miss was accepted, or after a level's answer), no walk cache is configured
 * and the walk was not killed, this is exactly the cycles xlat_step() would
 * take with idle request and invalidate inputs and a memory with one read in
 * flight that accepts each read at once and answers it `lat` (>= 1) cycles
 * later with rd(ctx, addr, &data) (0: data, else a bus error), up to the
 * cycle that takes the last level's answer: counters and xlat_cycles() advance
 * as they would, and the number of those cycles is returned (rd is called once
 * per read, in order). The caller then steps the answer cycle with
 * xlat_step() (mem_rsp_valid 0, memory idle). Otherwise nothing changes and 0
 * is returned; the RTL backend always returns 0. */
typedef int (*xlat_read_fn)(void *ctx, uint32_t addr, uint32_t *data);
uint64_t xlat_walk(xlat_t *x, uint32_t lat, xlat_read_fn rd, void *ctx);

/* Convenience: one cycle with only the invalidate port active (all other inputs
 * idle apart from root/memory ready, which are taken from the last step). */
void xlat_invalidate(xlat_t *x, uint32_t id);
void xlat_flush(xlat_t *x);

void xlat_get_counters(const xlat_t *x, xlat_counters_t *c);
uint64_t xlat_cycles(const xlat_t *x); /* cycles stepped since create/reset */

/* Busy after the last edge: 0 means a cycle with idle inputs (req_valid,
 * inv_valid and mem_rsp_valid all 0) changes no state, so the caller may skip
 * stepping (the value out->busy of the next xlat_step would report). */
int xlat_busy(const xlat_t *x);

/* Waveform tracing (RTL backend only; the C backend returns -1 with a message).
 * Writes VCD to path, or FST when path ends in ".fst", directly (no temporary
 * file). Cycles are numbered from create/reset (xlat_trace_between() steps
 * are not counted); the time unit is 1 ps and a cycle lasts
 * XLAT_TRACE_PS_PER_CYCLE (1 ns): cycle c is dumped at c ns (before the edge:
 * the cycle's inputs and outputs) and c ns + 500 ps (after the edge). Next to
 * the accelerator's scope "ctlb" the file has a scope "dump"
 * (model/wave_dump.v): in the first cycle dumped after cycles left out, gap_i
 * is 1 and skipped_i says how many (0 in every other cycle). from/to: only
 * cycles in [from, to) are dumped (to = 0: no end). walks_only: dump only the
 * request cycle of each miss, the walk's cycles, and `margin` cycles after each
 * walk. FST comes from Verilator's own FST writer, which lives in a second
 * build of the configuration (xlat_rtl.c): the first FST (or, after an FST, VCD)
 * waveform of a handle must be opened before its first cycle (or right after
 * xlat_reset); later it fails with a message. */
int xlat_trace_open(xlat_t *x, const char *path, uint64_t from, uint64_t to,
                    int walks_only, unsigned margin, char *err, size_t errlen);

/* The waveform format a file name asks for: 1 (FST) if it ends in ".fst",
 * else 0 (VCD). The one rule of every tool's --wave. */
int xlat_trace_name_is_fst(const char *path);

/* The same with the destination opened by the caller (the tools use
 * sim/outfile.h): fst 0: VCD written to the file descriptor fd, which stays
 * the caller's (any file: a FIFO or a device works); fst 1: FST written to the
 * regular file path (the FST writer opens it by name, seeks in it and keeps a
 * side file "<path>.hier" while it is open). */
int xlat_trace_open_to(xlat_t *x, int fst, int fd, const char *path,
                       uint64_t from, uint64_t to, int walks_only,
                       unsigned margin, char *err, size_t errlen);

/* Ends the waveform: 0, or the errno value of the first failed write (the
 * rest of the dump is then dropped). Nothing open: 0. */
int xlat_trace_close(xlat_t *x);

#define XLAT_TRACE_PS_PER_CYCLE 1000 /* dump time units (ps) per cycle */

/* The CPU side of a waveform (ctsim --wave; docs/waves.md): what a hart does in
 * one cycle, dumped in a scope "hart0" (model/wave_hart.v) next to the
 * accelerator's, on the same time axis. Text fields may be NULL (empty);
 * longer than their ports they are cut: ex_op at XLAT_WAVE_OP_CHARS (every
 * mnemonic fits, sim/obs.c checks), stall at 8, the function names at 32. */
#define XLAT_WAVE_OP_CHARS 16 /* wave_hart.v's ex_op_i: 8 * 16 bits */
typedef struct {
  uint64_t cycle;    /* the CPU cycle */
  uint8_t ex_valid;  /* an instruction (or an interrupt bubble) is in EX */
  uint8_t ex_trap;   /* ... and traps */
  uint32_t ex_pc;    /* its pc (an interrupt: the interrupted instruction's) */
  uint32_t ex_insn;  /* its instruction word (0: none fetched) */
  const char *ex_op; /* its mnemonic */
  const char *ex_fn; /* the function ex_pc is in */
  uint8_t wb_valid;  /* an instruction is in WB (retires after this cycle) */
  uint32_t wb_pc, wb_insn;
  uint8_t lookup;        /* a callid or xlat in EX */
  uint32_t lookup_id;    /* the ID it translates */
  const char *id_fn;     /* the function the call-ID registry names for it */
  const char *target_fn; /* the function it was answered (from the answer) */
  const char *stall;     /* no instruction entered EX: the stall cause */
} xlat_wave_hart_t;

/* Fills the hart's values of a dumped cycle: cycle (the dump's cycle, see
 * xlat_trace_open), out the accelerator's outputs in it. */
typedef void (*xlat_wave_hart_fn)(void *ctx, uint64_t cycle,
                                  const xlat_out_t *out, xlat_wave_hart_t *hw);

/* Gives the waveforms opened after it a scope "hart0", filled by fn(ctx, ...)
 * in every dumped cycle, after the cycle's outputs are known and before they
 * are dumped (fn NULL: none, the default). RTL backend only (C: -1). */
int xlat_trace_hart(xlat_t *x, xlat_wave_hart_fn fn, void *ctx);

/* The next xlat_step is an extra cycle between two cycles of the time axis
 * (ctsim's --patch-at invalidate, docs/ctsim.md): it is not counted, and if
 * dumped it lies between the end of cycle c - 1 and cycle c, c being the
 * next counted cycle. No effect without a waveform or on the C backend. */
void xlat_trace_between(xlat_t *x);

const char *xlat_fault_name(unsigned fault);
const char *xlat_policy_name(xlat_policy_t p);
int xlat_policy_parse(
    const char *s,
    xlat_policy_t *p); /* "lru" "plru" "fifo" "random"; 0 ok, -1 unknown */

#ifdef __cplusplus
}
#endif
#endif /* XLAT_H */
