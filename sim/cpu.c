/*
 * cpu.c: decode, execute and the pipeline timing model of the ctsim hart.
 *
 * The run loop executes one instruction at a time (functional model) and, for
 * each, computes the cycle it enters ID, EX, MEM and WB from the same cycles
 * of the previous instruction with a handful of max() operations
 * (docs/timing.md has the rules this code implements):
 *
 *   F = max(prev.D, redirect)                 IF is free, fetch may start
 *   D = max(F + imem_lat, prev.E)             fetched, and ID is free
 *   E = max(D + 1, prev.M, ready[rs1], ready[rs2])
 *   M = max(E + ex_lat, prev.W)               EX done, and MEM is free
 *   W = M + mem_lat                           (mem_lat = dmem_lat or 1)
 *
 * ready[r] is the first cycle register r can be forwarded into EX: E + ex_lat
 * for results computed in EX, W for loads.
 */
#ifndef CTSIM_RUN_BODY /* the run loop: at the end */
#include "cpu.h"

#include <inttypes.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "ctrace_write.h"

#define likely(x) __builtin_expect(!!(x), 1)
#define unlikely(x) __builtin_expect(!!(x), 0)
#define MAX(a, b) ((a) > (b) ? (a) : (b))
/* keeps GCC from turning a rarely taken branch into a conditional move that
 * would put the comparison on the critical path of the timing model */
#define NO_CMOV() __asm__ volatile("")

#define MSTATUS_MIE 0x8u
#define MSTATUS_MPIE 0x80u
#define MSTATUS_MPP 0x1800u
#define MIP_MTIP 0x80u
#define CAUSE_MTI 0x80000007u
#define CAUSE_CALLID 24u
#define MISA_RV32IM ((1u << 30) | (1u << 8) | (1u << 12))

/* ---------------------------------------------------------------- decode */

enum { F_R, F_I, F_S, F_B, F_U, F_J, F_SH, F_C, F_CI, F_N };

static const struct {
  uint32_t match, mask;
  uint8_t op, fmt;
  const char *name;
} insn_table[] = {
#define X(name, match, mask, fmt) {match, mask, OP_##name, F_##fmt, #name},
    RV_INSNS(X)
#undef X
};

static inline uint32_t f_rd(uint32_t w) { return (w >> 7) & 31; }
static inline uint32_t f_rs1(uint32_t w) { return (w >> 15) & 31; }
static inline uint32_t f_rs2(uint32_t w) { return (w >> 20) & 31; }
static inline int32_t imm_i(uint32_t w) { return (int32_t)w >> 20; }
static inline int32_t imm_s(uint32_t w) {
  return (int32_t)(((uint32_t)((int32_t)w >> 25) << 5) | ((w >> 7) & 31));
}
static inline int32_t imm_b(uint32_t w) {
  uint32_t v = ((uint32_t)((int32_t)w >> 31) << 12) | ((w >> 7) & 1) << 11 |
               ((w >> 25) & 63) << 5 | ((w >> 8) & 15) << 1;
  return (int32_t)v;
}
static inline int32_t imm_u(uint32_t w) { return (int32_t)(w & 0xfffff000u); }
static inline int32_t imm_j(uint32_t w) {
  uint32_t v = ((uint32_t)((int32_t)w >> 31) << 20) | (w & 0x000ff000u) |
               ((w >> 20) & 1) << 11 | ((w >> 21) & 0x3ff) << 1;
  return (int32_t)v;
}

void rv_decode(uint32_t w, dinsn_t *d) {
  memset(d, 0, sizeof *d);
  d->op = OP_ILLEGAL;
  /* custom-0 (0x0B): callid, ctlb.inv and xlat are table rows whose masks
   * take in funct7, rs2 (and rd for ctlb.inv), so every other custom-0 word
   * falls through to OP_ILLEGAL (docs/isa.md). */
  for (size_t i = 0; i < sizeof insn_table / sizeof insn_table[0]; i++) {
    if ((w & insn_table[i].mask) != insn_table[i].match) continue;
    d->op = insn_table[i].op;
    switch (insn_table[i].fmt) {
      case F_R:
        d->rd = f_rd(w), d->rs1 = f_rs1(w), d->rs2 = f_rs2(w);
        break;
      case F_I:
        d->rd = f_rd(w), d->rs1 = f_rs1(w), d->imm = imm_i(w);
        break;
      case F_S:
        d->rs1 = f_rs1(w), d->rs2 = f_rs2(w), d->imm = imm_s(w);
        break;
      case F_B:
        d->rs1 = f_rs1(w), d->rs2 = f_rs2(w), d->imm = imm_b(w);
        break;
      case F_U:
        d->rd = f_rd(w), d->imm = imm_u(w);
        break;
      case F_J:
        d->rd = f_rd(w), d->imm = imm_j(w);
        break;
      case F_SH:
        d->rd = f_rd(w), d->rs1 = f_rs1(w), d->imm = (int32_t)f_rs2(w);
        break;
      case F_C:
        d->rd = f_rd(w), d->rs1 = f_rs1(w), d->imm = (int32_t)(w >> 20);
        break;
      case F_CI:
        d->rd = f_rd(w);
        d->imm = (int32_t)((w >> 20) | f_rs1(w) << 16);
        break;
      default:
        break;
    }
    return;
  }
}

const char *rv_op_name(unsigned op) {
  if (op == OP_NONE) return "none";
  if (op == OP_ILLEGAL) return "illegal";
  for (size_t i = 0; i < sizeof insn_table / sizeof insn_table[0]; i++)
    if (insn_table[i].op == op) return insn_table[i].name;
  return "?";
}

insn_class_t rv_op_class(unsigned op) {
  switch (op) {
    case OP_MUL:
    case OP_MULH:
    case OP_MULHSU:
    case OP_MULHU:
      return CLS_MUL;
    case OP_DIV:
    case OP_DIVU:
    case OP_REM:
    case OP_REMU:
      return CLS_DIV;
    case OP_LB:
    case OP_LH:
    case OP_LW:
    case OP_LBU:
    case OP_LHU:
      return CLS_LOAD;
    case OP_SB:
    case OP_SH:
    case OP_SW:
      return CLS_STORE;
    case OP_BEQ:
    case OP_BNE:
    case OP_BLT:
    case OP_BGE:
    case OP_BLTU:
    case OP_BGEU:
      return CLS_BRANCH;
    case OP_JAL:
      return CLS_JAL;
    case OP_JALR:
      return CLS_JALR;
    case OP_CSRRW:
    case OP_CSRRS:
    case OP_CSRRC:
    case OP_CSRRWI:
    case OP_CSRRSI:
    case OP_CSRRCI:
      return CLS_CSR;
    case OP_ECALL:
    case OP_EBREAK:
    case OP_MRET:
    case OP_WFI:
      return CLS_SYSTEM;
    case OP_FENCE:
    case OP_FENCE_I:
      return CLS_FENCE;
    case OP_CALLID:
    case OP_CTLB_INV:
    case OP_XLAT:
      return CLS_CALLID;
    default:
      return CLS_ALU;
  }
}

const char *rv_class_name(insn_class_t c) {
  static const char *n[CLS_COUNT] = {"alu",   "mul",    "div",   "load",
                                     "store", "branch", "jal",   "jalr",
                                     "csr",   "system", "fence", "callid"};
  return c < CLS_COUNT ? n[c] : "?";
}

const char *rv_stall_name(stall_t s) {
  static const char *n[STALL_COUNT] = {"load_use", "muldiv", "dmem", "imem",
                                       "branch",   "jal",    "jalr", "trap",
                                       "wfi",      "ctlb"};
  return s < STALL_COUNT ? n[s] : "?";
}

const char *rv_cause_name(uint32_t cause) {
  switch (cause) {
    case 0:
      return "instruction address misaligned";
    case 1:
      return "instruction access fault";
    case 2:
      return "illegal instruction";
    case 3:
      return "breakpoint";
    case 4:
      return "load address misaligned";
    case 5:
      return "load access fault";
    case 6:
      return "store address misaligned";
    case 7:
      return "store access fault";
    case 11:
      return "environment call from M-mode";
    case CAUSE_CALLID:
      return "call-ID fault";
    case CAUSE_MTI:
      return "machine timer interrupt";
    default:
      return "unknown cause";
  }
}

/* ------------------------------------------------------------ set-up */

void cpu_config_default(cpu_config_t *c) {
  memset(c, 0, sizeof *c);
  c->ram_size = 256u << 20;
  c->imem_lat = 1;
  c->dmem_lat = 1;
  c->mul_lat = 3;
  c->div_lat = 32;
  c->mtime_div = 1;
  c->max_cycles = 0;
  c->xlat_backend = XLAT_BACKEND_RTL;
  xlat_config_default(&c->xlat);
  c->lockstep = 0;
}

/* The decoded cache: an entry per RAM word and one for the word after RAM
 * (never decoded: the run loop goes from pc + 4 to the next entry without
 * a range check). */
#define DC_BYTES(ram_size) (((ram_size) / 4 + 1) * sizeof(dinsn_t))

int cpu_init(hart_t *h, const cpu_config_t *cfg, char *err, size_t errlen) {
  return cpu_init_ram(h, cfg, NULL, err, errlen);
}

int cpu_init_ram(hart_t *h, const cpu_config_t *cfg, uint8_t *ram, char *err,
                 size_t errlen) {
  memset(h, 0, sizeof *h);
  h->cfg = *cfg;
  h->mem.ram_size = (uint32_t)cfg->ram_size;
  h->mem.tohost_off = TOHOST_NONE;
  h->ram_ext = ram != NULL;
  h->mem.ram = ram ? ram : mem_map(cfg->ram_size);
  h->dc = mem_map(DC_BYTES(cfg->ram_size));
  if (!h->mem.ram || !h->dc) {
    snprintf(err, errlen, "cannot map %" PRIu64 " bytes of simulated RAM",
             cfg->ram_size);
    cpu_free(h);
    return -1;
  }
  cpu_update_event(h);
  return 0;
}

void cpu_free(hart_t *h) {
  if (h->xl && h->wave_open) xlat_trace_close(h->xl);
  h->wave_open = 0;
  if (h->xl && !h->xl_open) xlat_destroy(h->xl);
  h->xl = NULL;
  if (!h->ram_ext) mem_unmap(h->mem.ram, h->cfg.ram_size);
  mem_unmap(h->dc, DC_BYTES(h->cfg.ram_size));
  h->mem.ram = NULL;
  h->dc = NULL;
}

void cpu_reset(hart_t *h, uint32_t entry, uint32_t tohost, int has_tohost) {
  h->pc = entry;
  h->mem.tohost_off = has_tohost ? tohost - RAM_BASE : TOHOST_NONE;
}

uint64_t cpu_cycles(const hart_t *h) {
  return h->retired || h->p.w ? h->p.w + 1 : 0;
}

/* ------------------------------------------------------------ timer, CSRs */

static int irq_enabled(const hart_t *h) {
  return (h->mstatus & MSTATUS_MIE) && (h->mie & MIP_MTIP);
}

/* The first cycle >= h->now at which mtime >= mtimecmp (UINT64_MAX: never,
 * or beyond 64 bits). */
static uint64_t timer_cycle(const hart_t *h) {
  uint64_t t = mem_mtime(h, h->now);
  if (t >= h->mtimecmp) return h->now;
  /* mtime reaches mtimecmp at tick now/div + delta */
  uint64_t div = h->cfg.mtime_div, tick = h->now / div;
  uint64_t delta = h->mtimecmp - t;
  if (delta < UINT64_MAX - tick && tick + delta < UINT64_MAX / div)
    return (tick + delta) * div;
  return UINT64_MAX;
}

void cpu_update_event(hart_t *h) {
  uint64_t ev = irq_enabled(h) ? timer_cycle(h) : UINT64_MAX;
  if (h->cfg.max_cycles && h->cfg.max_cycles < ev) ev = h->cfg.max_cycles;
  if (h->next_patch < h->npatches && h->patches[h->next_patch].cycle < ev)
    ev = h->patches[h->next_patch].cycle;
  if (h->pause_at && h->pause_at < ev) ev = h->pause_at;
  h->event_cycle = ev;
}

enum { CSR_W, CSR_S, CSR_C };

/* Reads csr into *old and, if do_write, writes it (kind: W/S/C with src).
 * Returns -1 for an illegal access. h->now and h->retired are current. */
static int csr_access(hart_t *h, unsigned csr, unsigned kind, uint32_t src,
                      int do_write, uint32_t *old) {
  uint64_t cyc = h->now + h->cycle_off;
  uint64_t ins = h->retired + h->instret_off;
  uint64_t tim = mem_mtime(h, h->now);
  uint32_t v;
  switch (csr) {
    case 0x300:
      v = h->mstatus | MSTATUS_MPP;
      break; /* mstatus */
    case 0x301:
      v = MISA_RV32IM;
      break; /* misa */
    case 0x304:
      v = h->mie;
      break; /* mie */
    case 0x305:
      v = h->mtvec;
      break; /* mtvec */
    case 0x310:
      v = 0;
      break; /* mstatush */
    case 0x340:
      v = h->mscratch;
      break; /* mscratch */
    case 0x341:
      v = h->mepc;
      break; /* mepc */
    case 0x342:
      v = h->mcause;
      break; /* mcause */
    case 0x343:
      v = h->mtval;
      break; /* mtval */
    case 0x344:
      v = tim >= h->mtimecmp ? MIP_MTIP : 0;
      break; /* mip */
    case 0xB00:
    case 0xC00:
      v = (uint32_t)cyc;
      break; /* mcycle cycle */
    case 0xB80:
    case 0xC80:
      v = (uint32_t)(cyc >> 32);
      break; /* mcycleh */
    case 0xB02:
    case 0xC02:
      v = (uint32_t)ins;
      break; /* minstret */
    case 0xB82:
    case 0xC82:
      v = (uint32_t)(ins >> 32);
      break; /* minstreth */
    case 0xC01:
      v = (uint32_t)tim;
      break; /* time */
    case 0xC81:
      v = (uint32_t)(tim >> 32);
      break; /* timeh */
    case 0xF11:
    case 0xF12:
    case 0xF13:
      v = 0;
      break; /* mvendorid.. mimpid */
    case 0xF14:
      v = 0;
      break; /* mhartid */
    case 0x7C0:
      v = h->ctroot;
      break; /* ctroot */
    case 0xFC0:
    case 0xFC1:
    case 0xFC2:
    case 0xFC3:
    case 0xFC4:
    case 0xFC6: { /* ctlbhit ctlbmiss ctlbwalk ctlbinv ctlbfault ctlblookup */
      xlat_counters_t k = {0};
      if (h->xl) xlat_get_counters(h->xl, &k);
      uint64_t c[7] = {k.hits,   k.misses, k.walk_cycles, k.invalidations,
                       k.faults, 0,        k.lookups};
      v = (uint32_t)c[csr - 0xFC0];
      break;
    }
    case 0xFC5:
      v = h->ctcause;
      break; /* ctcause */
    default:
      return -1;
  }
  *old = v;
  if (!do_write) return 0;
  if ((csr >> 10) == 3) return -1; /* read-only CSR */
  uint32_t n = kind == CSR_W ? src : kind == CSR_S ? v | src : v & ~src;
  switch (csr) {
    case 0x300:
      h->mstatus = n & (MSTATUS_MIE | MSTATUS_MPIE);
      cpu_update_event(h);
      break;
    case 0x304:
      h->mie = n & MIP_MTIP;
      cpu_update_event(h);
      break;
    case 0x305:
      h->mtvec = n & ~2u;
      break; /* modes 0 and 1 only */
    case 0x340:
      h->mscratch = n;
      break;
    case 0x341:
      h->mepc = n & ~3u;
      break;
    case 0x342:
      h->mcause = n;
      break;
    case 0x343:
      h->mtval = n;
      break;
    case 0x7C0: /* ctroot: bit 1 reads 0; no flush */
      h->ctroot = n & ~2u;
      break;
    case 0xB00: /* the next cycle reads the value written */
      h->cycle_off = ((cyc & ~0xffffffffull) | n) - (h->now + 1);
      break;
    case 0xB80:
      h->cycle_off = ((cyc & 0xffffffffull) | (uint64_t)n << 32) - (h->now + 1);
      break;
    case 0xB02: /* the next instruction reads the value written */
      h->instret_off = ((ins & ~0xffffffffull) | n) - (h->retired + 1);
      break;
    case 0xB82:
      h->instret_off =
          ((ins & 0xffffffffull) | (uint64_t)n << 32) - (h->retired + 1);
      break;
    default: /* misa, mstatush, mip: writes ignored (WARL) */
      break;
  }
  return 0;
}

/* Enters the trap handler; returns its address, or sets h->stop. */
static uint32_t trap_enter(hart_t *h, uint32_t cause, uint32_t tval,
                           uint32_t epc) {
  uint32_t base = h->mtvec & ~3u;
  int is_irq = (cause >> 31) != 0;
  int dbl = !is_irq && h->trapped && h->trap_retired == h->retired;
  if (base == 0 || dbl) {
    h->stop = STOP_FATAL_TRAP;
    h->fatal_cause = cause;
    h->fatal_pc = epc;
    h->fatal_tval = tval;
    h->fatal_double = base != 0;
    return epc;
  }
  h->trapped = 1;
  h->trap_retired = h->retired;
  h->mepc = epc;
  h->mcause = cause;
  h->mtval = tval;
  h->mstatus = (h->mstatus & MSTATUS_MIE) ? MSTATUS_MPIE : 0;
  if (is_irq)
    h->st.interrupts++;
  else
    h->st.traps++;
  cpu_update_event(h);
  if ((h->mtvec & 1) && is_irq) return base + 4 * (cause & 0x7fffffffu);
  return base;
}

/* ------------------------------------------------------------ commit log */

static int op_writes_rd(unsigned op) {
  switch (rv_op_class(op)) {
    case CLS_STORE:
    case CLS_BRANCH:
    case CLS_SYSTEM:
    case CLS_FENCE:
      return 0;
    default:
      return op != OP_NONE && op != OP_ILLEGAL;
  }
}

/* One line in the shape of Spike's --log-commits (see docs/ctsim.md). */
static void log_commit(FILE *f, uint32_t pc, uint32_t insn, const dinsn_t *d,
                       uint32_t rdval, int mem, uint32_t maddr, uint32_t mval,
                       unsigned msize) {
  fprintf(f, "core   0: 3 0x%08" PRIx32 " (0x%08" PRIx32 ")", pc, insn);
  if (op_writes_rd(d->op) && (d->rd & 31) != 0) /* the run loop's x0: 32 */
    fprintf(f, " x%-2u 0x%08" PRIx32, (unsigned)d->rd, rdval);
  if (mem == 1) fprintf(f, " mem 0x%08" PRIx32, maddr);
  if (mem == 2)
    fprintf(f, " mem 0x%08" PRIx32 " 0x%0*" PRIx32, maddr, (int)msize * 2,
            mval);
  fputc('\n', f);
}

/* ------------------------------------------------------------ accelerator */

/* Ends the run with a simulator error (exit status 2, docs/ctsim.md). */
static void sim_error(hart_t *h, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
static void sim_error(hart_t *h, const char *fmt, ...) {
  static char msg[640];
  va_list ap;
  va_start(ap, fmt);
  vsnprintf(msg, sizeof msg, fmt, ap);
  va_end(ap);
  h->fatal_msg = msg;
  h->stop = STOP_SIM_ERROR;
}

/* The accelerator is created at its first use, so programs without call-ID
 * instructions never load (or build) the verilated model. */
static int xl_get(hart_t *h) {
  if (h->xl) return 0;
  char err[512];
  h->xl = h->xl_open ? h->xl_open(h->hook_ctx, err, sizeof err)
                     : xlat_create((xlat_backend_t)h->cfg.xlat_backend,
                                   &h->cfg.xlat, err, sizeof err);
  if (!h->xl) {
    sim_error(h, "--xlat: %s", err);
    return -1;
  }
  return 0;
}

int cpu_wave_open(hart_t *h, const char *path, uint64_t from, uint64_t to,
                  int walks_only, unsigned margin, char *err, size_t errlen) {
  if (xl_get(h)) {
    snprintf(err, errlen, "%s", h->fatal_msg);
    return -1;
  }
  if (xlat_trace_open(h->xl, path, from, to, walks_only, margin, err, errlen))
    return -1;
  h->wave_open = 1;
  return 0;
}

/* Lock-step mode: clock the accelerator with idle inputs for every CPU cycle
 * before c that has not been stepped yet. (Idle-skip mode skips them: with
 * idle inputs and busy = 0 a cycle changes no state, accelerator.md 3.) */
static void xl_idle_to(hart_t *h, uint64_t c) {
  if (!h->cfg.lockstep) return;
  xlat_in_t in;
  xlat_out_t out;
  memset(&in, 0, sizeof in);
  in.root = h->ctroot;
  in.mem_req_ready = 1;
  while (h->xl_now < c) {
    xlat_step(h->xl, &in, &out);
    h->xl_now++;
  }
}

/* One event of --record-trace; start: its first cycle, next: the cycle after
 * it completed. */
static void trace_event(hart_t *h, uint32_t kind, uint32_t a, uint32_t b,
                        uint64_t start, uint64_t next) {
  if (!h->trace || h->trace_failed) return;
  ctr_event_t ev;
  if (start > h->trace_next) {
    uint64_t gap = start - h->trace_next;
    while (gap && !h->trace_failed) {
      uint32_t g = gap > 0xffffffffu ? 0xffffffffu : (uint32_t)gap;
      ev.kind = CTR_GAP, ev.a = g, ev.b = 0;
      if (ctw_event(h->trace, &ev)) h->trace_failed = 1;
      gap -= g;
    }
  }
  ev.kind = kind, ev.a = a, ev.b = b;
  if (ctw_event(h->trace, &ev)) h->trace_failed = 1;
  h->trace_next = next;
}

/* A lookup (callid, xlat) of id presented in cycle E (its EX entry). The
 * walker's reads go to the data-memory port: a read accepted in cycle t is
 * answered in cycle t + dmem_lat with the RAM word, or with an error outside
 * RAM; the port accepts nothing before h->dport_free (a load or store ahead
 * still in MEM). Returns the cycle of the answer (E for a hit) with the
 * address and fault code; on a simulator error sets h->stop. */
static uint64_t xl_lookup(hart_t *h, uint64_t E, uint32_t id, uint32_t *addr,
                          unsigned *fault) {
  *addr = 0, *fault = 0;
  if (xl_get(h)) return E;
  xl_idle_to(h, E);
  xlat_in_t in;
  xlat_out_t out;
  memset(&in, 0, sizeof in);
  in.req_valid = 1;
  in.req_id = id;
  in.root = h->ctroot;
  int pend = 0;
  uint64_t pend_at = 0;
  uint32_t pdata = 0;
  uint8_t perr = 0;
  const uint64_t dmem = h->cfg.dmem_lat;
  for (uint64_t c = E;; c++) {
    in.mem_req_ready = c >= h->dport_free;
    in.mem_rsp_valid = pend && c == pend_at;
    in.mem_rsp_err = in.mem_rsp_valid ? perr : 0;
    in.mem_rsp_data = in.mem_rsp_valid ? pdata : 0;
    xlat_step(h->xl, &in, &out);
    if (c == E && !out.req_ready) {
      sim_error(h,
                "internal: the accelerator refused a request at cycle %" PRIu64,
                E);
      return E;
    }
    if (in.mem_rsp_valid) pend = 0;
    if (out.mem_req_valid && in.mem_req_ready) {
      uint32_t o = out.mem_req_addr - RAM_BASE;
      pend = 1, pend_at = c + dmem;
      if (h->walk_read) { /* an embedding's memory system */
        uint64_t lat = dmem;
        perr = h->walk_read(h->hook_ctx, out.mem_req_addr, &pdata, &lat) != 0;
        if (perr) pdata = 0;
        pend_at = c + (lat ? lat : 1);
      } else if (o <= h->mem.ram_size - 4) {
        memcpy(&pdata, h->mem.ram + o, 4);
        perr = 0;
      } else {
        pdata = 0, perr = 1;
      }
    }
    if (out.rsp_valid) {
      *addr = out.rsp_addr;
      *fault = out.rsp_fault;
      h->xl_now = c + 1;
      trace_event(h, CTR_CALL, id, 0, E, c + 1);
      return c;
    }
    in.req_valid = 0, in.req_id = 0;
    if (c - E > 100000000) {
      sim_error(h,
                "internal: the accelerator did not answer ID 0x%08" PRIx32
                " (cycle %" PRIu64 ")",
                id, E);
      return E;
    }
  }
}

/* ctlb.inv in cycle E: one cycle on the invalidate port. */
static void xl_inv(hart_t *h, uint64_t E, int all, uint32_t id) {
  if (xl_get(h)) return;
  xl_idle_to(h, E);
  xlat_in_t in;
  xlat_out_t out;
  memset(&in, 0, sizeof in);
  in.inv_valid = 1;
  in.inv_all = (uint8_t)all;
  in.inv_id = all ? 0 : id;
  in.root = h->ctroot;
  in.mem_req_ready = 1;
  xlat_step(h->xl, &in, &out);
  h->xl_now = E + 1;
  trace_event(h, all ? CTR_FLUSH : CTR_INV, all ? 0 : id, 0, E, E + 1);
}

/* --patch-at: at the boundary before the instruction entering EX at E, walk
 * the table like a live-patch tool would (functionally, outside simulated
 * time), write addr | 3 into the ID's last-level entry and invalidate the ID
 * on the invalidate port (one accelerator cycle between two CPU cycles, as if
 * a debugger had stopped the CPU's clock). */
static void apply_patch(hart_t *h, const patch_t *p, uint64_t E) {
  const xlat_config_t *g = &h->cfg.xlat;
  unsigned w = 0;
  for (unsigned l = 0; l < g->levels; l++) w += g->level_bits[l];
  char what[96];
  snprintf(what, sizeof what, "--patch-at %" PRIu64 ":0x%" PRIx32 ":%s",
           p->cycle, p->id, p->name);
  if (!(h->ctroot & 1)) {
    sim_error(h,
              "%s: cycle %" PRIu64 ": ctroot is disabled (0x%08" PRIx32
              "): no table to patch",
              what, E, h->ctroot);
    return;
  }
  if (w < 32 && (p->id >> w)) {
    sim_error(h,
              "%s: cycle %" PRIu64 ": ID 0x%" PRIx32
              " is wider than the %u bits the table levels cover",
              what, E, p->id, w);
    return;
  }
  uint32_t base = h->ctroot & ~3u, ea = 0, e = 0;
  unsigned shift = w;
  for (unsigned l = 0; l < g->levels; l++) {
    shift -= g->level_bits[l];
    uint32_t idx = (p->id >> shift) & ((1u << g->level_bits[l]) - 1);
    ea = base + 4 * idx;
    uint32_t o = ea - RAM_BASE;
    if (o > h->mem.ram_size - 4) {
      sim_error(h,
                "%s: cycle %" PRIu64 ": level-%u entry address 0x%08" PRIx32
                " is outside RAM",
                what, E, l, ea);
      return;
    }
    memcpy(&e, h->mem.ram + o, 4);
    int last = l + 1 == g->levels;
    if (!(e & 1)) {
      sim_error(h,
                "%s: cycle %" PRIu64 ": ID 0x%" PRIx32
                " is not mapped (level-%u entry at 0x%08" PRIx32 " is invalid)",
                what, E, p->id, l, ea);
      return;
    }
    if ((e & 2) && !last) {
      sim_error(h,
                "%s: cycle %" PRIu64 ": ID 0x%" PRIx32
                " is mapped by a range leaf at level %u (0x%08" PRIx32
                "), not by an entry of its own",
                what, E, p->id, l, ea);
      return;
    }
    if (last && !(e & 2)) {
      sim_error(h,
                "%s: cycle %" PRIu64 ": ID 0x%" PRIx32
                " is not mapped (last-level entry at 0x%08" PRIx32
                " is not a leaf)",
                what, E, p->id, ea);
      return;
    }
    base = e & ~3u;
  }
  if (xl_get(h)) return;
  uint32_t v = p->addr | 3u, o = ea - RAM_BASE;
  memcpy(h->mem.ram + o, &v, 4);
  if (h->dc[o >> 2].op) h->dc[o >> 2].op = OP_NONE;
  xl_idle_to(h, E);
  xlat_in_t in;
  xlat_out_t out;
  memset(&in, 0, sizeof in);
  in.inv_valid = 1;
  in.inv_id = p->id;
  in.root = h->ctroot;
  in.mem_req_ready = 1;
  xlat_step(h->xl, &in, &out); /* outside CPU time: xl_now unchanged */
  h->st.patches++;
  trace_event(h, CTR_PATCH, p->id, p->addr, E, E);
  fflush(stdout); /* the program's output so far comes first */
  fprintf(stderr,
          "ctsim: cycle %" PRIu64 ": patched ID 0x%" PRIx32
          " -> %s (0x%08" PRIx32 ")\n",
          E, p->id, p->name, p->addr);
}

/* ------------------------------------------------------------ run loop */

static inline uint32_t insn_word(const hart_t *h, uint32_t off) {
  uint32_t w;
  memcpy(&w, h->mem.ram + off, 4);
  return w;
}

/* The run loop is compiled twice from the end of this file (included into
 * itself with CTSIM_RUN_BODY defined): run_fast without and run_logged with
 * the commit log, each with the log's tests folded away. (A function with a
 * computed goto cannot be inlined, so the usual always-inline helper with a
 * constant argument does not work here.) */
#define CTSIM_RUN_BODY
#define RUN_FN run_fast
#define RUN_LOGGING 0
#include "cpu.c"
#undef RUN_FN
#undef RUN_LOGGING
#define RUN_FN run_logged
#define RUN_LOGGING 1
#include "cpu.c"
#undef RUN_FN
#undef RUN_LOGGING
#undef CTSIM_RUN_BODY

void cpu_run(hart_t *h) {
  while (!h->stop) {
    if (h->log)
      run_logged(h);
    else
      run_fast(h);
  }
}

int cpu_run_until(hart_t *h, uint64_t until) {
  if (!h->stop) {
    h->pause_at = until ? until : 1;
    cpu_update_event(h);
    if (h->log)
      run_logged(h);
    else
      run_fast(h);
    h->pause_at = 0;
    cpu_update_event(h);
  }
  return h->stop != STOP_NONE;
}

#else /* CTSIM_RUN_BODY: the run loop, included by the code above */

static void RUN_FN(hart_t *h) {
  const int logging = RUN_LOGGING;
  /* x[32], rdy[32]: where instructions with rd = x0 write (the decoder of
   * the run loop turns rd 0 into 32), so x[0] and rdy[0] stay 0 */
  uint32_t x[33];
  uint64_t rdy[33];
  memcpy(x, h->x, sizeof h->x);
  memcpy(rdy, h->p.ready, sizeof h->p.ready);
  x[32] = 0, rdy[32] = 0;
  uint32_t pc = h->pc;
  uint64_t pE = h->p.e, pM = h->p.m, pW = h->p.w;
  uint64_t redir = h->p.redir;
  /* F of the next instruction: max(prev.D, redir), which is redir right
   * after an instruction that redirected (its redirect is later than its
   * own D) and prev.D after any other (an older redirect is earlier). So
   * prev redirected iff F == redir (and redir != 0: there was a redirect). */
  uint64_t pF = h->p.f;
  /* the last M that MEM_DONE/EX_DONE raised to pW (prev's M was not
   * E + X, it waited for MEM); M grows with every instruction, so pM == mr
   * iff it was prev's (0: none yet) */
  uint64_t mr = h->p.m_raised;
  unsigned xcause = h->p.ex_cause;
  unsigned rcause = h->p.redir_cause;
  uint64_t retired = h->retired;
  uint64_t event = h->event_cycle;
  uint64_t dfree = h->dport_free; /* W of the last load/store */
  const uint64_t imem = h->cfg.imem_lat, dmem = h->cfg.dmem_lat;
  const uint64_t mul_lat = h->cfg.mul_lat, div_lat = h->cfg.div_lat;
  uint8_t *const ram = h->mem.ram;
  const uint32_t ram_size = h->mem.ram_size;
  const uint32_t tohost_lo = h->mem.tohost_off - 3;
  dinsn_t *const dc = h->dc;
  uint64_t *const cnt = h->st.op;
  uint64_t *const stall = h->st.stall;
  FILE *const logf = h->log;

  /* The state of the instruction being executed: its offset in RAM, its
   * decoded-cache entry, its stage-entry cycles and results. */
  uint32_t off, npc, cause, tval;
  uint64_t F, D, E, E0, M, W, X;
  uint64_t tx = 1; /* cycles a trapping instruction occupied EX */
  dinsn_t *di;
  dinsn_t d;
  int mem = 0;
  uint32_t maddr = 0, mval = 0, insn = 0;

  /* Threaded dispatch: every handler ends with its own copy of the fetch
   * and the indirect jump to the next handler (GCC labels as values), so
   * the host's branch predictor sees one indirect jump per handler. An
   * entry not decoded yet (OP_NONE) jumps to the decoder. */
  static const void *const lbl[OP_COUNT] = {
      [OP_NONE] = &&L_DECODE,
      [OP_ILLEGAL] = &&L_ILLEGAL,
#define X(name, match, mask, fmt) [OP_##name] = &&L_##name,
      RV_INSNS(X)
#undef X
  };

  /* the state the slow paths look at */
#define SYNC() (h->now = E, h->retired = retired)
  /* The pipeline recurrence up to EX entry without data hazards (E), for the
   * instruction at pc, then its dispatch. The max() of the rules as
   * predictable branches: in a steady stream none is taken, so the host CPU
   * does not wait for the comparisons. The ID term max(F + Li, pE) can only
   * bind when pM holds E back: pE < pM for an instruction that went on to
   * MEM, and after a trap F > pE. So the common case tests only pM. */
#define NEXT_(chk)                                \
  do {                                            \
    off = pc - RAM_BASE;                          \
    F = pF;                                       \
    D = F + imem;                                 \
    E = D + 1;                                    \
    if (unlikely(pM > E)) {                       \
      E = pM;                                     \
      if (D < pE) D = pE;                         \
    }                                             \
    if (unlikely(E >= event)) goto event_check;   \
    if ((chk) && unlikely(off >= ram_size)) goto fetch_fault; \
    di = &dc[off >> 2];                           \
    goto *lbl[di->op];                            \
  } while (0)
  /* after a jump, branch, trap or mret: the pc may be outside RAM */
#define NEXT() NEXT_(1)
  /* after pc + 4: at worst RAM's end, whose entry (one past the last word)
   * stays OP_NONE, so the decoder sends it to fetch_fault */
#define NEXT_SEQ() NEXT_(0)
  /* The start of a handler: the data hazards through nsrc source registers
   * (fields an instruction does not read are 0, and x0 is always ready),
   * then the stall statistics of the gap before E. */
#define BEGIN(nsrc)                                        \
  do {                                                     \
    d = *di;                                               \
    if (logging) mem = 0, insn = insn_word(h, off);        \
    E0 = E;                                                \
    if ((nsrc) > 0) {                                      \
      uint64_t r = rdy[d.rs1];                             \
      if ((nsrc) > 1) {                                    \
        uint64_t r2 = rdy[d.rs2];                          \
        r = r > r2 ? r : r2;                               \
      }                                                    \
      if (unlikely(r > E)) {                               \
        E = r;                                             \
        NO_CMOV();                                         \
      }                                                    \
    }                                                      \
    if (unlikely(E > pE + 1) && pE) /* pE == 0: the first instruction */ \
      GAP_STALL(E0);                                       \
    npc = pc + 4;                                          \
  } while (0)
  /* Retires the instruction (op) and goes on with the next one. */
#define RETIRE(op)                                              \
  do {                                                          \
    pF = D, pE = E, pM = M, pW = W;                             \
    cnt[op]++;                                                  \
    retired++;                                                  \
    if (logging)                                                \
      log_commit(logf, pc, insn, &d, x[d.rd], mem, maddr, mval, \
                 (op) == OP_SB   ? 1                            \
                 : (op) == OP_SH ? 2                            \
                                 : 4);                          \
    pc = npc;                                                   \
  } while (0)
  /* the end of EX and MEM of an instruction occupying EX for lat cycles */
#define EX_DONE(lat)        \
  do {                      \
    X = (lat), M = E + X;   \
    if (unlikely(pW > M)) { \
      mr = M = pW;          \
      NO_CMOV();            \
    }                       \
    W = M + 1;              \
  } while (0)
#define MEM_DONE()          \
  do {                      \
    X = 1, M = E + 1;       \
    if (unlikely(pW > M)) { \
      mr = M = pW;          \
      NO_CMOV();            \
    }                       \
    W = M + dmem;           \
    dfree = W;              \
  } while (0)
#define ALU(expr)      \
  do {                 \
    x[d.rd] = (expr);  \
    EX_DONE(1);        \
    rdy[d.rd] = E + 1; \
  } while (0)
#define MULDIV(expr, lat)  \
  do {                     \
    x[d.rd] = (expr);      \
    EX_DONE(lat);          \
    rdy[d.rd] = E + X;     \
    xcause = STALL_MULDIV; \
  } while (0)
/* a branch: taken, it retires and goes on through a tail of its own */
#define BRANCH(name, cond)                           \
  do {                                               \
    EX_DONE(1);                                      \
    if (cond) {                                      \
      uint32_t t = pc + (uint32_t)d.imm;             \
      if (unlikely(t & 3)) TRAP(0, t);               \
      npc = t, redir = E + 1, rcause = STALL_BRANCH; \
      h->st.br_taken++;                              \
      RETIRE(OP_##name);                             \
      pF = redir;                                    \
      NEXT();                                        \
    }                                                \
  } while (0)
#define TRAP(c, v) \
  do {             \
    cause = (c);   \
    tval = (v);    \
    tx = 1;        \
    goto trap;     \
  } while (0)
#define LOAD(T, size)                                          \
  do {                                                         \
    uint32_t a = x[d.rs1] + (uint32_t)d.imm, o = a - RAM_BASE; \
    T t;                                                       \
    if (likely(o <= ram_size - size)) {                        \
      memcpy(&t, ram + o, size);                               \
    } else {                                                   \
      uint32_t raw;                                            \
      SYNC();                                                  \
      if (mem_dev_load(h, a, size, &raw)) TRAP(5, a);          \
      t = (T)raw;                                              \
    }                                                          \
    x[d.rd] = (uint32_t)t;                                     \
    if (logging) mem = 1, maddr = a;                           \
    MEM_DONE();                                                \
    rdy[d.rd] = W;                                             \
  } while (0)
#define STORE(size)                                                            \
  do {                                                                         \
    uint32_t a = x[d.rs1] + (uint32_t)d.imm, o = a - RAM_BASE;                 \
    uint32_t v = x[d.rs2];                                                     \
    if (likely(o <= ram_size - size)) {                                        \
      memcpy(ram + o, &v, size);                                               \
      dinsn_t *q = &dc[o >> 2];                                                \
      if (q->op) q->op = OP_NONE;                                              \
      q = &dc[(o + size - 1) >> 2];                                            \
      if (q->op) q->op = OP_NONE;                                              \
      if (unlikely(o - tohost_lo < 11)) mem_tohost_written(h);                 \
    } else {                                                                   \
      SYNC();                                                                  \
      if (mem_dev_store(h, a, size, v)) TRAP(7, a);                            \
      event = h->event_cycle; /* mtimecmp/mtime stores move the timer */       \
    }                                                                          \
    if (logging)                                                               \
      mem = 2, maddr = a, mval = size == 4 ? v : v & ((1u << (8 * size)) - 1); \
    MEM_DONE();                                                                \
  } while (0)

/* Adds the gap E - pE - 1 (cycles in which no instruction entered EX) to
 * the stall cause of the rule that set E (docs/timing.md, "Stall statistics");
 * E0 is E before the data hazards. */
#define GAP_STALL(E0)                                          \
  do {                                                         \
    unsigned c;                                                \
    if (E > (E0))                                              \
      c = STALL_LOAD_USE;                                      \
    else if (pM >= D + 1)                                      \
      c = pM != mr ? xcause : STALL_DMEM;                      \
    else if (F == redir && redir)                              \
      c = rcause;                                              \
    else                                                       \
      c = STALL_IMEM;                                          \
    uint64_t g = E - pE - 1;                                   \
    if (unlikely(c == STALL_CTLB)) { /* walk cycles, then the rest */ \
      uint64_t k = g < h->p.ctlb_x ? g : h->p.ctlb_x;          \
      stall[STALL_CTLB] += k, g -= k;                          \
      c = h->p.ctlb_rest;                                      \
    }                                                          \
    stall[c] += g;                                             \
  } while (0)
  /* a handler: nsrc source registers, ends by RETIRE() and NEXT() */
#define OP(name, nsrc, ...) \
  L_##name : BEGIN(nsrc);   \
  __VA_ARGS__;              \
  RETIRE(OP_##name);        \
  NEXT_SEQ();
  /* the same for an instruction that redirects the fetch (to redir) */
#define OP_REDIR(name, nsrc, ...) \
  L_##name : BEGIN(nsrc);         \
  __VA_ARGS__;                    \
  RETIRE(OP_##name);              \
  pF = redir;                     \
  NEXT();

  NEXT();

event_check: /* E >= event: timer interrupt, cycle limits, patches */
  SYNC();
  if (h->cfg.max_cycles && E >= h->cfg.max_cycles) {
    h->stop = STOP_MAX_CYCLES;
    goto halt;
  }
  if (h->pause_at && E >= h->pause_at) goto halt; /* cpu_run_until */
  while (h->next_patch < h->npatches &&
         E >= h->patches[h->next_patch].cycle) {
    h->dport_free = dfree;
    apply_patch(h, &h->patches[h->next_patch++], E);
    if (h->stop) goto halt;
  }
  if (irq_enabled(h) && mem_mtime(h, E) >= h->mtimecmp) {
    /* the interrupted instruction becomes a bubble that reaches EX;
     * the gap before it has the causes an instruction's would have
     * (e.g. a wfi that waited for this interrupt) */
    if (E > pE + 1) GAP_STALL(E);
    cause = CAUSE_MTI;
    tval = 0;
    tx = 1;
    goto redirect_trap;
  }
  cpu_update_event(h);
  event = h->event_cycle;
  if (unlikely(off >= ram_size)) goto fetch_fault;
  di = &dc[off >> 2];
  goto *lbl[di->op];

L_DECODE: /* an entry not decoded yet, or invalidated by a store */
  if (unlikely(off >= ram_size)) goto fetch_fault; /* RAM's end + 4 */
  rv_decode(insn_word(h, off), di);
  if (di->rd == 0) di->rd = 32;
  goto *lbl[di->op];

fetch_fault: /* pc outside RAM: no data hazards */
  if (logging) mem = 0, insn = 0;
  d = (dinsn_t){OP_NONE, 0, 0, 0, 0};
  if (unlikely(E > pE + 1) && pE) GAP_STALL(E);
  TRAP(1, pc);

L_ILLEGAL:
  BEGIN(0);
  TRAP(2, insn_word(h, off));

  OP(LUI, 0, ALU((uint32_t)d.imm))
  OP(AUIPC, 0, ALU(pc + (uint32_t)d.imm))
  OP_REDIR(JAL, 0, {
    uint32_t t = pc + (uint32_t)d.imm;
    if (unlikely(t & 3)) TRAP(0, t);
    ALU(pc + 4);
    npc = t, redir = D + 1, rcause = STALL_JAL;
  })
  OP_REDIR(JALR, 1, {
    uint32_t t = (x[d.rs1] + (uint32_t)d.imm) & ~1u;
    if (unlikely(t & 3)) TRAP(0, t);
    ALU(pc + 4);
    npc = t, redir = E + 1, rcause = STALL_JALR;
  })
  OP(BEQ, 2, BRANCH(BEQ, x[d.rs1] == x[d.rs2]))
  OP(BNE, 2, BRANCH(BNE, x[d.rs1] != x[d.rs2]))
  OP(BLT, 2, BRANCH(BLT, (int32_t)x[d.rs1] < (int32_t)x[d.rs2]))
  OP(BGE, 2, BRANCH(BGE, (int32_t)x[d.rs1] >= (int32_t)x[d.rs2]))
  OP(BLTU, 2, BRANCH(BLTU, x[d.rs1] < x[d.rs2]))
  OP(BGEU, 2, BRANCH(BGEU, x[d.rs1] >= x[d.rs2]))
  OP(LB, 1, LOAD(int8_t, 1))
  OP(LH, 1, LOAD(int16_t, 2))
  OP(LW, 1, LOAD(uint32_t, 4))
  OP(LBU, 1, LOAD(uint8_t, 1))
  OP(LHU, 1, LOAD(uint16_t, 2))
  /* a store may end the run (tohost, finisher): after it retired */
#define STORE_OP(name, size)              \
  L_##name : BEGIN(2);                    \
  STORE(size);                            \
  RETIRE(OP_##name);                      \
  if (unlikely(h->stop)) goto halt;       \
  NEXT_SEQ();
  STORE_OP(SB, 1)
  STORE_OP(SH, 2)
  STORE_OP(SW, 4)
  OP(ADDI, 1, ALU(x[d.rs1] + (uint32_t)d.imm))
  OP(SLTI, 1, ALU((int32_t)x[d.rs1] < d.imm))
  OP(SLTIU, 1, ALU(x[d.rs1] < (uint32_t)d.imm))
  OP(XORI, 1, ALU(x[d.rs1] ^ (uint32_t)d.imm))
  OP(ORI, 1, ALU(x[d.rs1] | (uint32_t)d.imm))
  OP(ANDI, 1, ALU(x[d.rs1] & (uint32_t)d.imm))
  OP(SLLI, 1, ALU(x[d.rs1] << d.imm))
  OP(SRLI, 1, ALU(x[d.rs1] >> d.imm))
  OP(SRAI, 1, ALU((uint32_t)((int32_t)x[d.rs1] >> d.imm)))
  OP(ADD, 2, ALU(x[d.rs1] + x[d.rs2]))
  OP(SUB, 2, ALU(x[d.rs1] - x[d.rs2]))
  OP(SLL, 2, ALU(x[d.rs1] << (x[d.rs2] & 31)))
  OP(SLT, 2, ALU((int32_t)x[d.rs1] < (int32_t)x[d.rs2]))
  OP(SLTU, 2, ALU(x[d.rs1] < x[d.rs2]))
  OP(XOR, 2, ALU(x[d.rs1] ^ x[d.rs2]))
  OP(SRL, 2, ALU(x[d.rs1] >> (x[d.rs2] & 31)))
  OP(SRA, 2, ALU((uint32_t)((int32_t)x[d.rs1] >> (x[d.rs2] & 31))))
  OP(OR, 2, ALU(x[d.rs1] | x[d.rs2]))
  OP(AND, 2, ALU(x[d.rs1] & x[d.rs2]))
  OP(MUL, 2, MULDIV(x[d.rs1] * x[d.rs2], mul_lat))
  OP(MULH, 2,
     MULDIV((uint32_t)(((int64_t)(int32_t)x[d.rs1] *
                        (int64_t)(int32_t)x[d.rs2]) >>
                       32),
            mul_lat))
  OP(MULHSU, 2,
     MULDIV((uint32_t)(((int64_t)(int32_t)x[d.rs1] *
                        (int64_t)(uint64_t)x[d.rs2]) >>
                       32),
            mul_lat))
  OP(MULHU, 2,
     MULDIV((uint32_t)(((uint64_t)x[d.rs1] * x[d.rs2]) >> 32), mul_lat))
  OP(DIV, 2, {
    int32_t a = (int32_t)x[d.rs1], b = (int32_t)x[d.rs2];
    MULDIV(b == 0                        ? 0xffffffffu
           : (a == INT32_MIN && b == -1) ? (uint32_t)a
                                         : (uint32_t)(a / b),
           div_lat);
  })
  OP(DIVU, 2, {
    uint32_t a = x[d.rs1], b = x[d.rs2];
    MULDIV(b == 0 ? 0xffffffffu : a / b, div_lat);
  })
  OP(REM, 2, {
    int32_t a = (int32_t)x[d.rs1], b = (int32_t)x[d.rs2];
    MULDIV(b == 0                        ? (uint32_t)a
           : (a == INT32_MIN && b == -1) ? 0u
                                         : (uint32_t)(a % b),
           div_lat);
  })
  OP(REMU, 2, {
    uint32_t a = x[d.rs1], b = x[d.rs2];
    MULDIV(b == 0 ? a : a % b, div_lat);
  })
  /* fence: memory is always coherent; fence.i: stores already invalidate
   * decoded code */
  OP(FENCE, 0, EX_DONE(1))
  OP(FENCE_I, 0, EX_DONE(1))
  OP(WFI, 0, { /* waits in EX until the timer interrupt pends */
    uint64_t lat = 1;
    if (h->mie & MIP_MTIP) {
      SYNC();
      uint64_t t = timer_cycle(h);
      if (h->cfg.max_cycles && t > h->cfg.max_cycles) t = h->cfg.max_cycles;
      if (t != UINT64_MAX && t > E) lat = t - E;
    }
    EX_DONE(lat);
    xcause = STALL_WFI;
  })
L_ECALL:
  BEGIN(0);
  TRAP(11, 0);
L_EBREAK:
  BEGIN(0);
  TRAP(3, pc);
  OP_REDIR(MRET, 0, {
    EX_DONE(1);
    npc = h->mepc;
    h->mstatus = MSTATUS_MPIE | ((h->mstatus & MSTATUS_MPIE) ? MSTATUS_MIE : 0);
    redir = E + 1, rcause = STALL_TRAP;
    SYNC();
    cpu_update_event(h);
    event = h->event_cycle;
  })
  /* csrrw csrrs csrrc csrrwi csrrsi csrrci */
#define CSR_OP(name, k_, i_)                                            \
  OP(name, (i_) ? 0 : 1, {                                                \
    uint32_t src = (i_) ? (uint32_t)d.imm >> 16 : x[d.rs1];               \
    int wr = (k_) == CSR_W || ((i_) ? src != 0 : d.rs1 != 0);           \
    uint32_t old;                                                          \
    SYNC();                                                                \
    if (csr_access(h, (uint32_t)d.imm & 0xfff, (k_), src, wr, &old))     \
      TRAP(2, insn_word(h, off));                                          \
    ALU(old);                                                              \
    event = h->event_cycle;                                                \
  })
  CSR_OP(CSRRW, CSR_W, 0)
  CSR_OP(CSRRS, CSR_S, 0)
  CSR_OP(CSRRC, CSR_C, 0)
  CSR_OP(CSRRWI, CSR_W, 1)
  CSR_OP(CSRRSI, CSR_S, 1)
  CSR_OP(CSRRCI, CSR_C, 1)
  /* The call-ID extension (docs/isa.md, timing in docs/timing.md):
   * the request goes to the accelerator in cycle E; it answers in cycle
   * rc (E on a hit); EX is occupied for lat = rc - E + 1 cycles. */
  OP_REDIR(CALLID, 1, { /* callid rd, rs1: a jalr through the table */
    uint32_t id = x[d.rs1], t;
    unsigned f;
    SYNC();
    h->dport_free = dfree;
    uint64_t lat = xl_lookup(h, E, id, &t, &f) - E + 1;
    if (unlikely(h->stop)) goto halt;
    h->st.callids++;
    h->st.callid_cost += lat + 1 + imem;
    if (unlikely(f)) {
      h->ctcause = f;
      cause = CAUSE_CALLID;
      tval = id;
      tx = lat;
      goto trap;
    }
    x[d.rd] = pc + 4;
    EX_DONE(lat);
    rdy[d.rd] = E + lat;
    npc = t, redir = E + lat, rcause = STALL_JALR;
    if (unlikely(lat > 1)) {
      rcause = STALL_CTLB;
      h->p.ctlb_x = lat - 1, h->p.ctlb_rest = STALL_JALR;
    }
  })
  OP(XLAT, 1, { /* xlat rd, rs1: the translation, never traps */
    uint32_t t;
    unsigned f;
    SYNC();
    h->dport_free = dfree;
    uint64_t lat = xl_lookup(h, E, x[d.rs1], &t, &f) - E + 1;
    if (unlikely(h->stop)) goto halt;
    if (f) h->ctcause = f, t = (uint32_t)f << 2 | 1u;
    x[d.rd] = t;
    EX_DONE(lat);
    rdy[d.rd] = E + lat;
    if (lat > 1) {
      xcause = STALL_CTLB;
      h->p.ctlb_x = lat - 1, h->p.ctlb_rest = STALL_CTLB;
    }
  })
  OP(CTLB_INV, 1, { /* ctlb.inv rs1: one ID, or all with rs1 = x0 */
    SYNC();
    xl_inv(h, E, d.rs1 == 0, x[d.rs1]);
    if (unlikely(h->stop)) goto halt;
    EX_DONE(1);
  })

trap:
  /* a synchronous exception of the instruction in EX at cycle E */
  SYNC();
redirect_trap:
  pc = trap_enter(h, cause, tval, pc);
  if (h->stop) {
    pW = MAX(pW, E + tx - 1);
    goto halt;
  }
  event = h->event_cycle;
  pE = E;
  pW = MAX(pW, E + tx - 1);
  pF = redir = E + tx, rcause = STALL_TRAP;
  if (unlikely(tx > 1)) { /* a call-ID fault after a walk */
    rcause = STALL_CTLB;
    h->p.ctlb_x = tx - 1, h->p.ctlb_rest = STALL_TRAP;
  }
  NEXT();

halt:
#undef SYNC
#undef NEXT
#undef NEXT_
#undef NEXT_SEQ
#undef BEGIN
#undef RETIRE
#undef EX_DONE
#undef MEM_DONE
#undef ALU
#undef MULDIV
#undef BRANCH
#undef TRAP
#undef LOAD
#undef STORE
#undef GAP_STALL
#undef OP
#undef OP_REDIR
#undef STORE_OP
#undef CSR_OP
  memcpy(h->x, x, sizeof h->x);
  memcpy(h->p.ready, rdy, sizeof h->p.ready);
  h->pc = pc;
  h->p.f = pF, h->p.e = pE, h->p.m = pM, h->p.w = pW, h->p.m_raised = mr;
  h->p.redir = redir, h->p.redir_cause = rcause, h->p.ex_cause = xcause;
  h->retired = retired;
  h->dport_free = dfree;
}

#endif /* CTSIM_RUN_BODY */
