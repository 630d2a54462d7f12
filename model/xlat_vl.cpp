// xlat_vl.cpp: thin extern "C" shim around the verilated ctlb_top.
//
// Built once per configuration into build/xlat-rtl/<config>/libxlat_vl.so by
// model/xlat_build.sh; loaded by model/xlat_rtl.c with dlopen(). Only the
// xlat_vl_* functions are exported (a version script hides everything else, so
// several configurations can live in one process).
//
// One xlat_vl_step() is one clock cycle: inputs are applied with the clock low
// and the model evaluated (outputs of the cycle, combinational paths included),
// then the clock rises. The trace's time unit is 1 ps and a cycle 1 ns: cycle c
// is dumped at c ns before the edge and c ns + 500 ps after it (a step marked
// by xlat_vl_trace_between lies between cycle c - 1 and c and is not counted).
//
// Two more verilated models, of simulation-only modules without logic, share
// the context and the trace file, so their scopes are on the same time axis:
// model/wave_dump.v as "dump" (the gap marks of a windowed dump) and, when a
// hart callback is set (xlat_vl_trace_hart), model/wave_hart.v as "hart0" (the
// CPU side, filled by the callback in every dumped cycle). Verilator 5 traces
// several models of one context into one file (VerilatedTrace::addModel).
//
// The library holds one waveform format: VCD (built with --trace), or FST when
// model/xlat_build.sh --fst builds it with --trace-fst (VM_TRACE_FST=1): the
// verilated model's trace() takes one trace class only. VCD goes to a file
// descriptor the caller opened (a FIFO or a device works); FST to a regular
// file by name (the FST writer seeks in it).

#include <setjmp.h>
#include <signal.h>
#include <sys/resource.h>
#include <sys/statvfs.h>
#include <sys/types.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <memory>
#include <string>

#include "Vctlb_top.h"
#include "Vctlb_top__Syms.h"
#include "Vctlb_top___024root.h"
#include "Vwave_dump.h"
#include "Vwave_hart.h"
#include "verilated.h"
#include "xlat_impl.h"
#if VM_TRACE_FST
#include "gtkwave/fstapi.h"  // the FST reader (compiled into verilated_fst_c.o)
#include "verilated_fst_c.h"
typedef VerilatedFstC wave_t;
#else
#include "verilated_vcd_c.h"
typedef VerilatedVcdC wave_t;

// Writes the VCD to the caller's descriptor. A failed write is remembered (and
// the rest of the dump dropped) instead of being returned: Verilator aborts the
// process on a write error.
class FdVcdFile final : public VerilatedVcdFile {
 public:
  explicit FdVcdFile(int fd) : fd_(fd) {}
  bool open(const std::string &) override { return true; }
  void close() override {}
  ssize_t write(const char *p, ssize_t len) override {
    for (ssize_t off = 0; off < len && !err_;) {
      ssize_t w = ::write(fd_, p + off, static_cast<size_t>(len - off));
      if (w < 0 && errno == EINTR) continue;
      if (w < 0)
        err_ = errno;
      else
        off += w;
    }
    return len;
  }
  int err() const { return err_; }

 private:
  int fd_;
  int err_ = 0;
};
#endif

#ifndef XLAT_VL_NAME
#error "XLAT_VL_NAME (the configuration name) must be defined"
#endif

#define XLAT_EXPORT extern "C" __attribute__((visibility("default")))

struct xlat_vl {
  std::unique_ptr<VerilatedContext> ctx;
  std::unique_ptr<Vctlb_top> top;
  Vctlb_top___024root *root = nullptr;  // top->rootp (one load less in xlat_vl_hit)
  uint64_t cycle = 0;  // cycles stepped (between-steps not counted)
  // the combinational logic after the last edge was left out (eval_edge)
  bool stale = false;
  // XLAT_VL_PLAIN=1 at creation: two eval() calls per cycle, as Verilator's
  // own scheduler runs them (the reference of the shim's, for tests)
  bool plain = false;
  // neither a waveform nor plain: xlat_vl_hit's shortcut applies
  bool fast = false;
  // tracing
  std::unique_ptr<wave_t> vcd;
  std::unique_ptr<Vwave_dump> mark;  // scope "dump"
  std::unique_ptr<Vwave_hart> hart;  // scope "hart0" (hart_fn set)
  xlat_wave_hart_fn hart_fn = nullptr;
  void *hart_ctx = nullptr;
  bool between = false;   // the next step lies between two cycles
  uint64_t unmarked = 0;  // the first cycle not dumped or marked as skipped
  uint64_t last_t = 0;    // the time of the last dump (0: none)
#if VM_TRACE_FST
  std::string fst_path;
#else
  std::unique_ptr<FdVcdFile> file;
#endif
  uint64_t from = 0, to = 0;
  int walks_only = 0;
  unsigned margin = 0;
  uint64_t walk_until = 0;  // walks-only: dump cycles below this one
};

// The evaluation of a cycle. Vctlb_top::eval() is eval_step(): per-call
// runtime bookkeeping (the mtask id and the end-of-eval message queue,
// thread-local state reached through __tls_get_addr in a dlopen()ed library;
// the queue only holds output of other threads) around the generated
// scheduler, which runs the input combinational region ("ico": the logic
// from the inputs, every call), then the active/NBA regions (on a clock edge:
// the clocked logic, then the combinational logic again from the new register
// values). A cycle with two eval() calls (inputs with the clock low, then the
// rising edge) so evaluates the combinational logic three times.
//
// With Verilator 5.006 (the generated names are known) the shim runs the
// scheduler's pieces itself, without the bookkeeping: before the edge the ico
// region and the active region (which notes the clock low); at the edge only
// the active/NBA regions, as the inputs and the registers are those the ico
// region just saw (its logic does not read the clock). The NBA region's
// combinational functions are skipped at an edge nobody looks at afterwards
// (no waveform dump of it) when model/xlat_vl_nba.awk found their every line
// in the ico functions (xlat_vl_nba_skips): the next cycle's ico region
// recomputes all of it before it is read; until then the model is "stale",
// and anything else reading it (xlat_vl_busy) runs them first
// (xlat_vl_nba_comb). Other Verilator versions use eval() for both halves.
#if defined(VERILATOR_VERSION_INTEGER) && \
    VERILATOR_VERSION_INTEGER == 5006000 && !defined(VL_DEBUG)
#define XLAT_VL_OWN_SCHEDULER 1
typedef Vctlb_top___024root vl_root_t;
// generated by Verilator (Vctlb_top___024root__DepSet_*.cpp)
void Vctlb_top___024root___eval_triggers__ico(vl_root_t *r);
void Vctlb_top___024root___eval_triggers__act(vl_root_t *r);
void Vctlb_top___024root___eval_act(vl_root_t *r);
// appended by model/xlat_build.sh (model/xlat_vl_nba.awk)
extern const int xlat_vl_nba_skips;
extern const int xlat_vl_one_pass;
extern const int xlat_vl_clock_triggers;
void xlat_vl_trig_clock(vl_root_t *r, bool rise);
void xlat_vl_nba_seq(vl_root_t *r);
void xlat_vl_nba_comb(vl_root_t *r);
void xlat_vl_ico(vl_root_t *r);

// The NBA region's functions of a triggered edge; comb false: without its
// combinational functions (returns true if they were left out).
static inline __attribute__((always_inline)) bool nba_region(vl_root_t *r, bool comb) {
  xlat_vl_nba_seq(r);
  if (comb || !xlat_vl_nba_skips) {
    xlat_vl_nba_comb(r);
    return false;
  }
  return true;
}

// The ico region, as the generated eval() runs it. With xlat_vl_one_pass its
// trigger is the loop's first iteration only: that trigger set, one pass.
static inline __attribute__((always_inline)) void sched_ico(vl_root_t *r) {
  if (xlat_vl_one_pass) {
    r->__VicoTriggered.at(0) = true;
    r->__VicoIterCount = 1;
    xlat_vl_ico(r);
    return;
  }
  r->__VicoIterCount = 0;
  for (;;) {
    Vctlb_top___024root___eval_triggers__ico(r);
    if (!r->__VicoTriggered.any()) return;
    r->__VicoIterCount++;
    xlat_vl_ico(r);
  }
}

// The active and NBA regions, as the generated eval() runs them, after the
// clock changed (rise: to 1); comb as in nba_region (returns true if the
// combinational functions were left out). With xlat_vl_one_pass the act
// triggers are edges of inputs nothing in the evaluation writes, so once
// evaluated they find no edge again: one pass of each loop, without the
// trigger evaluations that would find none (the trigger flags then keep the
// values of the pass instead of being cleared; every use evaluates them
// first). With xlat_vl_clock_triggers too, the triggers are those of the
// clock's change alone (xlat_vl_trig_clock): the shim changes no other
// trigger input (the reset), and every evaluation, eval() included, copies
// the inputs into the triggers' previous values.
static inline __attribute__((always_inline)) bool sched_nba(vl_root_t *r, bool comb,
                                                            bool rise) {
  if (xlat_vl_one_pass) {
    if (xlat_vl_clock_triggers)
      xlat_vl_trig_clock(r, rise);
    else
      Vctlb_top___024root___eval_triggers__act(r);
    if (!r->__VactTriggered.any()) return false;
    r->__VnbaTriggered = r->__VactTriggered;  // (cleared, then set)
    Vctlb_top___024root___eval_act(r);
    return nba_region(r, comb);
  }
  bool left_out = false;
  for (;;) {
    r->__VnbaTriggered.clear();
    for (;;) {
      Vctlb_top___024root___eval_triggers__act(r);
      if (!r->__VactTriggered.any()) break;
      r->__VnbaTriggered.set(r->__VactTriggered);
      Vctlb_top___024root___eval_act(r);
    }
    if (!r->__VnbaTriggered.any()) return left_out;
    left_out = nba_region(r, comb);
  }
}

static inline __attribute__((always_inline)) void eval_pre_edge(Vctlb_top *t) {
  vl_root_t *r = t->rootp;
  r->vlSymsp->__Vm_activity = true;
  sched_ico(r);
  sched_nba(r, true, false);  // (the clock is low: no edge, nothing runs)
}

// The rising edge; comb: the combinational logic after it is needed. Returns
// true if it was left out (the model is stale).
static inline __attribute__((always_inline)) bool eval_edge(Vctlb_top *t, bool comb) {
  vl_root_t *r = t->rootp;
  r->vlSymsp->__Vm_activity = true;
  return sched_nba(r, comb, true);
}

static inline void eval_settle(Vctlb_top *t) { xlat_vl_nba_comb(t->rootp); }

// xlat_vl_hit's evaluation, on the root object itself (Vctlb_top's ports are
// references to its fields): with everything inlined (model/xlat_build.sh) the
// compiler then sees the inputs the shim just set when the logic reads them.
typedef vl_root_t io_t;
static inline io_t *io_of(const xlat_vl *v) { return v->root; }
// (first: a store through another pointer, which the compiler cannot tell
// from the fields, as they are all char-typed)
static inline void hit_begin(io_t *r) { r->vlSymsp->__Vm_activity = true; }
static inline __attribute__((always_inline)) void hit_pre_edge(io_t *r) {
  sched_ico(r);
  sched_nba(r, true, false);
}
static inline __attribute__((always_inline)) bool hit_edge(io_t *r) {
  return sched_nba(r, false, true);
}
#else
static inline void eval_pre_edge(Vctlb_top *t) { t->eval(); }
static inline bool eval_edge(Vctlb_top *t, bool) {
  t->eval();
  return false;
}
static inline void eval_settle(Vctlb_top *) {}
typedef Vctlb_top io_t;
static inline io_t *io_of(const xlat_vl *v) { return v->top.get(); }
static inline void hit_begin(io_t *) {}
static inline void hit_pre_edge(io_t *t) { t->eval(); }
static inline bool hit_edge(io_t *t) {
  t->eval();
  return false;
}
#endif

static void eval_reset(xlat_vl *v) {
  Vctlb_top *t = v->top.get();
  t->clk_i = 0;
  t->rst_ni = 1;
  t->req_valid_i = 0;
  t->inv_valid_i = 0;
  t->mem_rsp_valid_i = 0;
  t->cnt_rd_i = 0;  // counters are read only by xlat_vl_counters()
  t->eval();
  t->rst_ni = 0;
  t->eval();
  t->rst_ni = 1;
  t->eval();
  v->stale = false;
}

XLAT_EXPORT int xlat_vl_abi(void) { return XLAT_VL_ABI; }

XLAT_EXPORT const char *xlat_vl_name(void) { return XLAT_VL_NAME; }

XLAT_EXPORT xlat_vl_t *xlat_vl_create(void) {
  xlat_vl *v = new xlat_vl;
  v->ctx.reset(new VerilatedContext);
  v->ctx->traceEverOn(true);
  v->top.reset(new Vctlb_top(v->ctx.get(), "ctlb"));
  v->root = v->top->rootp;
  const char *plain = getenv("XLAT_VL_PLAIN");
  v->plain = plain && strcmp(plain, "1") == 0;
  v->fast = !v->plain;
  eval_reset(v);
  return v;
}

XLAT_EXPORT int xlat_vl_fst(void) { return VM_TRACE_FST; }

#if VM_TRACE_FST
// The FST writer puts the wall-clock date into the header (119 bytes at
// offset 202, FST_HDR_OFFS_DATE in gtkwave/fstapi.c); a fixed text instead
// keeps the same run's waveform the same file.
static void fst_fixed_date(FILE *f) {
  char d[119] = "(not recorded, for reproducible files)";
  if (fseek(f, 202, SEEK_SET) == 0) fwrite(d, sizeof d, 1, f);
}

static int fst_cause(FILE *f);

// The FST writer does not report failed writes. A complete file is a chain of
// blocks, each a type byte and a big-endian 64-bit length that counts itself,
// from the header block (type 0) at offset 0 to the end of the file, with the
// geometry (3) and the hierarchy (4, 6 or 7) written last, at close. Returns
// 0 if the file is such a chain, else the likely errno value.
static int fst_check(FILE *f) {
  if (fseeko(f, 0, SEEK_END) != 0) return errno ? errno : EIO;
  const off_t size = ftello(f);
  off_t off = 0;
  bool geom = false, hier = false;
  while (off < size) {
    unsigned char b[9];
    if (fseeko(f, off, SEEK_SET) != 0 || fread(b, 1, 9, f) != 9) break;
    uint64_t len = 0;
    for (int i = 1; i < 9; i++) len = len << 8 | b[i];
    if ((off == 0) != (b[0] == 0) || len < 8 ||
        len > static_cast<uint64_t>(size - off - 1))
      break;
    geom |= b[0] == 3;
    hier |= b[0] == 4 || b[0] == 6 || b[0] == 7;
    off += 1 + static_cast<off_t>(len);
  }
  if (off == size && size > 0 && geom && hier) return 0;
  return fst_cause(f);
}

// The likely reason an FST file is not complete (the FST writer says
// nothing): a file size limit it reached (this file, or the writer's side
// file of the hierarchy, which can be the larger), a full disk, else EIO.
static int fst_cause(FILE *f) {
  struct rlimit rl;
  if (getrlimit(RLIMIT_FSIZE, &rl) == 0 && rl.rlim_cur != RLIM_INFINITY)
    return EFBIG;
  struct statvfs vfs;
  if (fstatvfs(fileno(f), &vfs) == 0 && vfs.f_bavail == 0) return ENOSPC;
  return EIO;
}

// The hierarchy block can be complete as a block and still hold the FST
// writer's side file (".hier") cut short by a failed write: read the file
// back with the FST reader, every variable the header counts must be in the
// hierarchy.
static bool fst_hier_ok(const std::string &path) {
  void *r = fstReaderOpen(path.c_str());
  if (!r) return false;
  uint64_t vars = 0;
  for (fstHier *h; (h = fstReaderIterateHier(r)) != nullptr;)
    if (h->htyp == FST_HT_VAR) vars++;
  const bool ok = vars > 0 && vars == fstReaderGetVarCount(r);
  fstReaderClose(r);
  return ok;
}

// After the FST writer closed the file: 0 or an errno value.
static int fst_finish(const std::string &path) {
  FILE *f = fopen(path.c_str(), "r+b");
  if (!f) return errno ? errno : EIO;
  int e = fst_check(f);
  if (!e && !fst_hier_ok(path)) e = fst_cause(f);
  if (!e) fst_fixed_date(f);
  if (fclose(f) != 0 && !e) e = errno ? errno : EIO;
  return e;
}
#endif

#if VM_TRACE_FST
// The FST writer maps the temporary files it wrote and reads them back at
// close; a write that failed (a full disk, a file size limit) leaves a map
// past their end, and reading it raises SIGBUS. Caught here around the close:
// the writer is then abandoned (its state unusable, its memory left to the
// process's exit) and fst_finish finds the file incomplete and names the
// likely cause. The abandoned memory is deliberate, so it is hidden from
// LeakSanitizer (make asan): what the close allocated before the signal is
// unreachable, so allocations during the close are not tracked, and the
// writer itself stays reachable from a pointer the compiler keeps. The hooks
// are weak: without a sanitizer they are null and not called.
extern "C" void __lsan_disable(void) __attribute__((weak));
extern "C" void __lsan_enable(void) __attribute__((weak));
static sigjmp_buf fst_bus_env;
static wave_t *volatile fst_abandoned;
static void fst_bus(int) { siglongjmp(fst_bus_env, 1); }

static void wave_close(std::unique_ptr<wave_t> &w) {
  struct sigaction sa, old;
  std::memset(&sa, 0, sizeof sa);
  sa.sa_handler = fst_bus;
  sigemptyset(&sa.sa_mask);
  sigaction(SIGBUS, &sa, &old);
  if (__lsan_disable) __lsan_disable();
  if (sigsetjmp(fst_bus_env, 1) == 0) {
    w->close();
    w.reset();
  } else {
    fst_abandoned = w.release();
  }
  if (__lsan_enable) __lsan_enable();
  sigaction(SIGBUS, &old, nullptr);
}
#else
static void wave_close(std::unique_ptr<wave_t> &w) {
  w->close();
  w.reset();
}
#endif

XLAT_EXPORT int xlat_vl_trace_close(xlat_vl_t *v) {
  int err = 0;
  if (v->vcd) wave_close(v->vcd);
  v->fast = !v->plain;
  v->mark.reset();
  v->hart.reset();
#if VM_TRACE_FST
  if (!v->fst_path.empty()) err = fst_finish(v->fst_path);
  v->fst_path.clear();
#else
  if (v->file) err = v->file->err();
  v->file.reset();
#endif
  return err;
}

XLAT_EXPORT void xlat_vl_destroy(xlat_vl_t *v) {
  if (!v) return;
  // A model's scopes leave the registry of the thread's context
  // (Verilated::threadContextp(), by default the context created last), not
  // of their own: with several models (one per hart), destroying the last
  // created first left the others to unregister from a freed context, which
  // hung in its mutex. Each model is destroyed with its own context as the
  // thread's (tests/test_shootdown.py::test_two_rtl_accelerators_end_cleanly).
  Verilated::threadContextp(v->ctx.get());
  xlat_vl_trace_close(v);
  v->top->final();
  delete v;
}

XLAT_EXPORT void xlat_vl_reset(xlat_vl_t *v) {
  eval_reset(v);
  v->cycle = 0;
}

// Brings the model's combinational values up to date after an edge that left
// them out (eval_edge).
static void settle(xlat_vl *v) {
  if (!v->stale) return;
  eval_settle(v->top.get());
  v->stale = false;
}

XLAT_EXPORT int xlat_vl_busy(const xlat_vl_t *cv) {
  xlat_vl *v = const_cast<xlat_vl *>(cv);  // (settling changes no state)
  settle(v);
  return v->top->busy_o;
}

// The counters come through the RTL's read port (cnt_sel_i and cnt_rd_i, the
// registered cnt_rdata_o): one read edge per counter, with idle inputs, each
// from a copy of the model's state taken before and put back after it. So a
// read costs no simulated cycle and changes nothing the next cycle sees, even
// while a walk is in flight (when an edge would move the walker and count a
// walk cycle). The copy is the generated root object's bytes (plain data:
// the design's signals and the scheduler's trigger flags; nothing is dumped
// during the read). The library is built with CntWidth = 64: the values need
// no extension.
XLAT_EXPORT void xlat_vl_counters(const xlat_vl_t *cv, xlat_counters_t *c) {
  Vctlb_top *t = cv->top.get();
  Vctlb_top___024root *r = t->rootp;
  std::unique_ptr<unsigned char[]> saved(new unsigned char[sizeof *r]);
  std::memcpy(saved.get(), static_cast<const void *>(r), sizeof *r);
  uint64_t k[8];
  for (unsigned i = 0; i < 8; i++) {
    t->clk_i = 0;
    t->req_valid_i = 0;
    t->inv_valid_i = 0;
    t->mem_req_ready_i = 0;
    t->mem_rsp_valid_i = 0;
    t->cnt_sel_i = static_cast<CData>(i);
    t->cnt_rd_i = 1;
    t->eval();
    t->clk_i = 1;
    t->eval();
    k[i] = t->cnt_rdata_o;
    std::memcpy(static_cast<void *>(r), saved.get(), sizeof *r);
  }
  c->lookups = k[0];
  c->hits = k[1];
  c->misses = k[2];
  c->walk_cycles = k[3];
  c->mem_reads = k[4];
  c->walk_cache_hits = k[5];
  c->invalidations = k[6];
  c->faults = k[7];
}

// Should cycle `c` be dumped? Called after the pre-edge evaluation.
static bool dump_this_cycle(xlat_vl *v, uint64_t c) {
  if (c < v->from || (v->to && c >= v->to)) return false;
  if (!v->walks_only) return true;
  Vctlb_top *t = v->top.get();
  bool starts = t->req_valid_i && t->req_ready_o &&
                !t->rsp_hit_o;  // a miss: a walk starts
  if (starts || t->busy_o) v->walk_until = c + 1 + v->margin;
  return c < v->walk_until;
}

// Dump times of a step of cycle c: *pre (before the edge) and *post (after).
// A step between cycles c - 1 and c goes after the last dump, before c ns;
// false if there is no room left (hundreds of such steps in a row).
static bool dump_times(xlat_vl *v, uint64_t c, bool between, uint64_t *pre,
                       uint64_t *post) {
  const uint64_t ns = XLAT_TRACE_PS_PER_CYCLE;
  if (!between) {
    *pre = ns * c, *post = ns * c + ns / 2;
    return true;
  }
  if (c == 0) return false;
  uint64_t t = ns * c - 2 * ns / 5;  // c - 0.4 ns, the edge at c - 0.2 ns
  if (v->last_t >= t) t = v->last_t + 1;
  *pre = t, *post = t + ns / 5 < ns * c ? t + ns / 5 : t + 1;
  return *post < ns * c;
}

// The gap marks of a dumped step (scope "dump"): the cycles left out since
// the last dumped one.
static void mark_gap(xlat_vl *v, uint64_t c, bool between) {
  uint64_t skipped = c > v->unmarked ? c - v->unmarked : 0;
  if (between) {
    if (c > v->unmarked) v->unmarked = c;
  } else {
    v->unmarked = c + 1;
  }
  Vwave_dump *m = v->mark.get();
  if (m->skipped_i == skipped) return;
  m->gap_i = skipped != 0;
  m->skipped_i = skipped;
  m->eval();
}

// ASCII text, right-justified as in a Verilog string reg of `chars` bytes
static uint64_t text64(const char *s) {
  uint64_t w = 0;
  size_t n = s ? strnlen(s, 8) : 0;
  for (size_t i = 0; i < n; i++) w = w << 8 | static_cast<unsigned char>(s[i]);
  return w;
}
template <std::size_t W>
static void text_wide(VlWide<W> &w, const char *s) {
  for (std::size_t i = 0; i < W; i++) w[i] = 0;
  size_t n = s ? strnlen(s, 4 * W) : 0;
  for (size_t j = 0; j < n; j++)  // byte j from the end -> bits 8j+7:8j
    w[j / 4] |= static_cast<uint32_t>(static_cast<unsigned char>(s[n - 1 - j]))
                << (8 * (j % 4));
}

// The CPU side of a dumped cycle (scope "hart0"), from the hart callback.
static void fill_hart(xlat_vl *v, uint64_t c, const xlat_out_t *out) {
  xlat_wave_hart_t hw;
  memset(&hw, 0, sizeof hw);
  hw.cycle = c;
  v->hart_fn(v->hart_ctx, c, out, &hw);
  Vwave_hart *p = v->hart.get();
  p->cycle_i = hw.cycle;
  p->ex_valid_i = hw.ex_valid;
  p->ex_trap_i = hw.ex_trap;
  p->ex_pc_i = hw.ex_pc;
  p->ex_insn_i = hw.ex_insn;
  static_assert(sizeof p->ex_op_i == XLAT_WAVE_OP_CHARS,
                "wave_hart.v's ex_op_i is XLAT_WAVE_OP_CHARS characters");
  text_wide(p->ex_op_i, hw.ex_op);
  text_wide(p->ex_fn_i, hw.ex_fn);
  p->wb_valid_i = hw.wb_valid;
  p->wb_pc_i = hw.wb_pc;
  p->wb_insn_i = hw.wb_insn;
  p->lookup_i = hw.lookup;
  p->lookup_id_i = hw.lookup_id;
  text_wide(p->id_fn_i, hw.id_fn);
  text_wide(p->target_fn_i, hw.target_fn);
  p->stall_i = text64(hw.stall);
  p->eval();
}

XLAT_EXPORT void xlat_vl_trace_hart(xlat_vl_t *v, xlat_wave_hart_fn fn,
                                    void *ctx) {
  v->hart_fn = fn;
  v->hart_ctx = ctx;
}

XLAT_EXPORT void xlat_vl_trace_between(xlat_vl_t *v) { v->between = true; }

// The outputs of the cycle, normalized: data fields are 0 when their valid is
// 0.
static inline void read_outputs(const Vctlb_top *t, xlat_out_t *out) {
  out->req_ready = t->req_ready_o;
  out->rsp_valid = t->rsp_valid_o;
  out->rsp_hit = t->rsp_valid_o ? t->rsp_hit_o : 0;
  out->rsp_fault = t->rsp_valid_o ? t->rsp_fault_o : 0;
  out->rsp_addr = t->rsp_valid_o ? t->rsp_addr_o : 0;
  out->mem_req_valid = t->mem_req_valid_o;
  out->mem_req_addr = t->mem_req_valid_o ? t->mem_req_addr_o : 0;
  out->busy = t->busy_o;
}

XLAT_EXPORT void xlat_vl_step(xlat_vl_t *v, const xlat_in_t *in,
                              xlat_out_t *out) {
  Vctlb_top *t = v->top.get();
  t->clk_i = 0;
  t->req_valid_i = in->req_valid;
  t->req_id_i = in->req_id;
  t->inv_valid_i = in->inv_valid;
  t->inv_all_i = in->inv_all;
  t->inv_id_i = in->inv_id;
  t->root_i = in->root;
  t->mem_req_ready_i = in->mem_req_ready;
  t->mem_rsp_valid_i = in->mem_rsp_valid;
  t->mem_rsp_err_i = in->mem_rsp_err;
  t->mem_rsp_data_i = in->mem_rsp_data;
  if (!v->vcd && !v->plain) {  // the common case: no waveform, nothing dumped
    eval_pre_edge(t);
    read_outputs(t, out);
    t->clk_i = 1;
    v->stale = eval_edge(t, false);
    if (!v->between) v->cycle++;
    v->between = false;
    return;
  }
  if (v->plain)
    t->eval();
  else
    eval_pre_edge(t);
  read_outputs(t, out);
  const bool between = v->between;
  v->between = false;
  const uint64_t c = v->cycle;
  uint64_t t0 = 0, t1 = 0;
  bool dump =
      v->vcd && dump_this_cycle(v, c) && dump_times(v, c, between, &t0, &t1);
  if (dump) {
    mark_gap(v, c, between);
    // a step between two cycles shows the hart as in the cycle before
    if (v->hart) fill_hart(v, between ? c - 1 : c, out);
    v->vcd->dump(t0);
  }
  t->clk_i = 1;
  if (v->plain)
    t->eval();
  else
    v->stale = eval_edge(t, dump);
  if (dump) {
    v->vcd->dump(t1);
    v->last_t = t1;
  }
  if (!between) v->cycle++;
}

// xlat_hit's shortcut: the cycle of a request of id with every other input
// idle, as ctsim's general path would step it, evaluated before the edge. If
// the RTL answers it as a hit, the edge follows (the cycle is stepped, as in
// xlat_vl_step's common case) and *addr is the answer; otherwise no edge, so
// the state is as before (the registers are unchanged, and the combinational
// values, now of these inputs, are recomputed by the step that follows). A
// waveform or XLAT_VL_PLAIN=1 steps every cycle through xlat_vl_step.
XLAT_EXPORT int xlat_vl_hit(void *vh, uint32_t id, uint32_t root,
                            uint8_t mem_req_ready, uint32_t *addr) {
  xlat_vl *v = static_cast<xlat_vl *>(vh);  // (xlat_vl_hit_fn: as xlat_hit_fn)
  if (!v->fast) return 0;
  io_t *r = io_of(v);
  hit_begin(r);
  r->clk_i = 0;
  r->req_valid_i = 1;
  r->req_id_i = id;
  r->inv_valid_i = 0;
  r->inv_all_i = 0;
  r->inv_id_i = 0;
  r->root_i = root;
  r->mem_req_ready_i = mem_req_ready;
  r->mem_rsp_valid_i = 0;
  r->mem_rsp_err_i = 0;
  r->mem_rsp_data_i = 0;
  hit_pre_edge(r);
  if (!(r->rsp_valid_o && r->rsp_hit_o)) {
    v->stale = false;
    return 0;
  }
  const uint32_t a = r->rsp_addr_o;
  r->clk_i = 1;
  const bool stale = hit_edge(r);
  *addr = a;  // (the shim's own stores after the model's evaluation)
  v->stale = stale;
  if (!v->between) v->cycle++;
  v->between = false;
  return 1;
}

// The accelerator, the gap marks and (with a hart callback) the CPU side into
// the trace just created, with a time unit of 1 ps.
static void trace_models(xlat_vl *v) {
  v->mark.reset(new Vwave_dump(v->ctx.get(), "dump"));
  v->mark->eval();
  if (v->hart_fn) {
    v->hart.reset(new Vwave_hart(v->ctx.get(), "hart0"));
    v->hart->eval();
  }
  v->vcd->set_time_unit("1ps");
  v->vcd->set_time_resolution("1ps");
  v->top->trace(v->vcd.get(), 99);
  v->mark->trace(v->vcd.get(), 99);
  if (v->hart) v->hart->trace(v->vcd.get(), 99);
}

XLAT_EXPORT int xlat_vl_trace_open(xlat_vl_t *v, int fd, const char *path,
                                   uint64_t from, uint64_t to, int walks_only,
                                   unsigned margin, char *err, size_t errlen) {
  xlat_vl_trace_close(v);
#if VM_TRACE_FST
  (void)fd;
  FILE *f = path ? fopen(path, "w") : nullptr;  // the FST writer does not say
  if (!f) {
    if (err && errlen)
      snprintf(err, errlen, "xlat: cannot write trace file %s: %s",
               path ? path : "(none)", strerror(errno));
    return -1;
  }
  fclose(f);
  v->vcd.reset(new VerilatedFstC);
  trace_models(v);
  v->vcd->open(path);
  v->fst_path = path;
#else
  (void)path;
  if (fd < 0) {
    if (err && errlen) snprintf(err, errlen, "xlat: no file for the VCD dump");
    return -1;
  }
  v->file.reset(new FdVcdFile(fd));
  v->vcd.reset(new VerilatedVcdC(v->file.get()));
  trace_models(v);
  v->vcd->open("(descriptor)");
#endif
  v->from = from;
  v->to = to;
  v->walks_only = walks_only;
  v->margin = margin;
  v->walk_until = 0;
  v->unmarked = 0;
  v->last_t = 0;
  v->between = false;
  v->fast = false;
  return 0;
}
