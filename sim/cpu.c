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
#include "cpu.h"

#include <inttypes.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "ctable.h"
#include "ctrace_write.h"
#include "disasm.h"
#include "htif.h"
#include "obs.h"
#include "platform.h"
#include "roi.h"
#include "shootchk.h"

#define likely(x) __builtin_expect(!!(x), 1)
#define unlikely(x) __builtin_expect(!!(x), 0)
#define MAX(a, b) ((a) > (b) ? (a) : (b))
/* keeps GCC from turning a rarely taken branch into a conditional move that
 * would put the comparison on the critical path of the timing model */
#define NO_CMOV() __asm__ volatile("")

#define MSTATUS_MIE 0x8u
#define MSTATUS_MPIE 0x80u
#define MSTATUS_MPP 0x1800u
#define MIP_MSIP 0x08u
#define MIP_MTIP 0x80u
#define CAUSE_MSI 0x80000003u
#define CAUSE_MTI 0x80000007u
#define CAUSE_CALLID 24u
/* MXL = 1 (32 bits), A, I, M */
#define MISA_RV32IMA ((1u << 30) | (1u << 0) | (1u << 8) | (1u << 12))

/* ---------------------------------------------------------------- decode */

static const struct {
  uint32_t match, mask;
  uint8_t op, fmt;
  const char *name;
} insn_table[] = {
#define X(name, match, mask, fmt) {match, mask, OP_##name, RV_FMT_##fmt, #name},
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
  /* custom-0 (0x0B): callid, ctlb.inv, xlat, ctlb.bcast and ctlb.sync are
   * table rows whose masks take in funct7, rs2 (and rd for ctlb.inv and
   * ctlb.bcast, rd and rs1 for ctlb.sync), so every other custom-0 word
   * falls through to OP_ILLEGAL (docs/isa.md). */
  for (size_t i = 0; i < sizeof insn_table / sizeof insn_table[0]; i++) {
    if ((w & insn_table[i].mask) != insn_table[i].match) continue;
    d->op = insn_table[i].op;
    switch (insn_table[i].fmt) {
      case RV_FMT_R:
      case RV_FMT_A:
        d->rd = f_rd(w), d->rs1 = f_rs1(w), d->rs2 = f_rs2(w);
        break;
      case RV_FMT_I:
        d->rd = f_rd(w), d->rs1 = f_rs1(w), d->imm = imm_i(w);
        break;
      case RV_FMT_S:
        d->rs1 = f_rs1(w), d->rs2 = f_rs2(w), d->imm = imm_s(w);
        break;
      case RV_FMT_B:
        d->rs1 = f_rs1(w), d->rs2 = f_rs2(w), d->imm = imm_b(w);
        break;
      case RV_FMT_U:
        d->rd = f_rd(w), d->imm = imm_u(w);
        break;
      case RV_FMT_J:
        d->rd = f_rd(w), d->imm = imm_j(w);
        break;
      case RV_FMT_SH:
        d->rd = f_rd(w), d->rs1 = f_rs1(w), d->imm = (int32_t)f_rs2(w);
        break;
      case RV_FMT_C:
        d->rd = f_rd(w), d->rs1 = f_rs1(w), d->imm = (int32_t)(w >> 20);
        break;
      case RV_FMT_CI:
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

rv_fmt_t rv_op_format(unsigned op) {
  /* the table's rows are in op order, from OP_ILLEGAL + 1 */
  if (op <= OP_ILLEGAL || op >= OP_COUNT) return RV_FMT_N;
  return (rv_fmt_t)insn_table[op - OP_ILLEGAL - 1].fmt;
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
    /* the A extension: lr.w and the AMOs read memory into rd (loads), sc.w
     * writes it (a store, though it also writes rd) */
    case OP_LR_W:
    case OP_AMOSWAP_W:
    case OP_AMOADD_W:
    case OP_AMOXOR_W:
    case OP_AMOAND_W:
    case OP_AMOOR_W:
    case OP_AMOMIN_W:
    case OP_AMOMAX_W:
    case OP_AMOMINU_W:
    case OP_AMOMAXU_W:
      return CLS_LOAD;
    case OP_SB:
    case OP_SH:
    case OP_SW:
    case OP_SC_W:
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
    case OP_CTLB_BCAST:
    case OP_CTLB_SYNC:
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
                                       "wfi",      "ctlb",   "ctlb_port"};
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
    case CAUSE_MSI:
      return "machine software interrupt";
    case CAUSE_MTI:
      return "machine timer interrupt";
    default:
      return "unknown cause";
  }
}

/* ------------------------------------------------------------ set-up */

void cpu_config_default(cpu_config_t *c) {
  memset(c, 0, sizeof *c);
  c->harts = 1;
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
  c->quantum = PLAT_QUANTUM;
  c->bcast_latency = PLAT_BCAST_LATENCY;
}

void cpu_hart_init(hart_t *h, platform_t *p, unsigned id) {
  memset(h, 0, sizeof *h);
  h->plat = p;
  h->id = id;
  h->acc = &p->accel[id];
  const char *nb = getenv("CTSIM_NO_BLOCKS");
  h->no_blocks = nb && *nb && strcmp(nb, "0") != 0;
  cpu_update_event(h);
}

void cpu_hart_free(hart_t *h) {
  free(h->blk);
  free(h->blk_list);
  h->blk = NULL, h->blk_list = NULL;
  roi_free(h);
  idstat_free(&h->ids);
  free(h->switches);
  h->switches = NULL;
  if (h->acc->xl && h->wave_open) xlat_trace_close(h->acc->xl);
  h->wave_open = 0;
  if (h->acc->xl && !h->plat->xl_open) xlat_destroy(h->acc->xl);
  h->acc->xl = NULL;
}

uint64_t cpu_cycles(const hart_t *h) {
  return h->retired || h->p.w ? h->p.w + 1 : 0;
}

/* ------------------------------------------------------------ timer, CSRs */

/* The interrupt the hart takes at cycle c (its mcause; 0: none): the
 * enabled pending one of the highest priority, MSI before MTI. */
static uint32_t irq_pending(const hart_t *h, uint64_t c) {
  const platform_t *p = h->plat;
  if (!(h->mstatus & MSTATUS_MIE)) return 0;
  if ((h->mie & MIP_MSIP) && p->msip[h->id] && c >= p->msip_at[h->id])
    return CAUSE_MSI;
  if ((h->mie & MIP_MTIP) && plat_mtime(p, c) >= p->mtimecmp[h->id])
    return CAUSE_MTI;
  return 0;
}

/* The first cycle >= h->now at which mtime >= mtimecmp (UINT64_MAX: never,
 * or beyond 64 bits). */
static uint64_t timer_cycle(const hart_t *h) {
  uint64_t t = plat_mtime(h->plat, h->now);
  if (t >= h->plat->mtimecmp[h->id]) return h->now;
  /* mtime reaches mtimecmp at tick now/div + delta */
  uint64_t div = h->plat->cfg.mtime_div, tick = h->now / div;
  uint64_t delta = h->plat->mtimecmp[h->id] - t;
  if (delta < UINT64_MAX - tick && tick + delta < UINT64_MAX / div)
    return (tick + delta) * div;
  return UINT64_MAX;
}

/* The first cycle >= h->now at which an interrupt enabled in mie pends (a
 * wfi wakes then; UINT64_MAX: never, or beyond 64 bits). */
static uint64_t wake_cycle(const hart_t *h) {
  const platform_t *p = h->plat;
  uint64_t t = h->mie & MIP_MTIP ? timer_cycle(h) : UINT64_MAX;
  if ((h->mie & MIP_MSIP) && p->msip[h->id]) {
    uint64_t s = p->msip_at[h->id] > h->now ? p->msip_at[h->id] : h->now;
    if (s < t) t = s;
  }
  return t;
}

uint64_t cpu_wfi_wake(const hart_t *h) {
  uint64_t t = wake_cycle(h);
  return t > h->now ? t : h->now + 1;
}

void cpu_update_event(hart_t *h) {
  uint64_t ev = h->mstatus & MSTATUS_MIE ? wake_cycle(h) : UINT64_MAX;
  if (h->plat->cfg.max_cycles && h->plat->cfg.max_cycles < ev)
    ev = h->plat->cfg.max_cycles;
  if (h->next_patch < h->npatches && h->patches[h->next_patch].cycle < ev)
    ev = h->patches[h->next_patch].cycle;
  if (h->pause_at && h->pause_at < ev) ev = h->pause_at;
  if (h->plat->sync_due >> h->id & 1) ev = 0; /* a ctlb.sync to retire */
  h->event_cycle = ev;
}

enum { CSR_W, CSR_S, CSR_C };

/* Reads csr into *old and, if do_write, writes it (kind: W/S/C with src).
 * Returns -1 for an illegal access. h->now and h->retired are current. */
static int csr_access(hart_t *h, unsigned csr, unsigned kind, uint32_t src,
                      int do_write, uint32_t *old) {
  uint64_t cyc = h->now + h->cycle_off;
  uint64_t ins = h->retired + h->instret_off;
  uint64_t tim = plat_mtime(h->plat, h->now);
  uint32_t v;
  switch (csr) {
    case 0x300:
      v = h->mstatus | MSTATUS_MPP;
      break; /* mstatus */
    case 0x301:
      v = MISA_RV32IMA;
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
      v = (tim >= h->plat->mtimecmp[h->id] ? MIP_MTIP : 0) |
          (h->plat->msip[h->id] && h->now >= h->plat->msip_at[h->id] ? MIP_MSIP
                                                                     : 0);
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
      v = h->id;
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
      cpu_wave_settle(h);
      if (h->acc->xl) xlat_get_counters(h->acc->xl, &k);
      uint64_t c[7] = {k.hits,   k.misses, k.walk_cycles, k.invalidations,
                       k.faults, 0,        k.lookups};
      v = (uint32_t)c[csr - 0xFC0];
      break;
    }
    case 0xFC5:
      v = h->ctcause;
      break; /* ctcause */
    /* The trigger CSRs of a hart without triggers: tselect WARL reading 0,
     * tdata1 type 0 (no trigger at this tselect), tdata2 and tdata3 0,
     * tinfo 1 (the selected trigger does not exist); writes ignored. */
    case 0x7A0:
    case 0x7A1:
    case 0x7A2:
    case 0x7A3:
      v = 0;
      break;
    case 0x7A4:
      v = 1;
      break;
    default:
      /* pmpcfg0..15 (0x3A0..0x3AF), pmpaddr0..63 (0x3B0..0x3EF): no PMP
       * entries, every field WARL read-only zero */
      if (csr >= 0x3A0 && csr <= 0x3EF) {
        v = 0;
        break;
      }
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
      h->mie = n & (MIP_MSIP | MIP_MTIP);
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
    default: /* misa, mstatush, mip, PMP, triggers: writes ignored (WARL) */
      break;
  }
  return 0;
}

/* Enters the trap handler; returns its address, or sets h->plat->stop. */
static uint32_t trap_enter(hart_t *h, uint32_t cause, uint32_t tval,
                           uint32_t epc) {
  uint32_t base = h->mtvec & ~3u;
  int is_irq = (cause >> 31) != 0;
  int dbl = !is_irq && h->trapped && h->trap_retired == h->retired;
  if (base == 0 || dbl) {
    h->plat->stop = STOP_FATAL_TRAP;
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
  if (op == OP_SC_W) return 1;
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

/* The name of function id for the log: the ct_registry's, else the symbol
 * at its first translation (the per-function table); NULL if unknown. */
static const char *log_id_name(const hart_t *h, uint32_t id) {
  const char *s = elf_id_name(h->names, id);
  if (!s) {
    const id_stat_t *e = idstat_find(&h->ids, id);
    if (e && e->target) s = elf_name_at(h->names, e->target);
  }
  return s;
}

/* --log-disasm: the disassembly starts in this column */
#define LOG_DISASM_COL 66
#define LOG_LINE 640

/* printf at line + *n (a buffer of LOG_LINE bytes), cut at its end */
static void lput(char *line, size_t *n, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
static void lput(char *line, size_t *n, const char *fmt, ...) {
  if (*n + 1 >= LOG_LINE) return;
  va_list ap;
  va_start(ap, fmt);
  int r = vsnprintf(line + *n, LOG_LINE - *n, fmt, ap);
  va_end(ap);
  if (r > 0) *n = *n + (size_t)r < LOG_LINE ? *n + (size_t)r : LOG_LINE - 1;
}

/* One line in the shape of Spike's --log-commits (see docs/ctsim.md); with
 * --log-disasm the disassembly after it, and for the call-ID instructions
 * the ID (rs1val: x[rs1] before the instruction) and the function. */
static void log_commit(const hart_t *h, uint32_t pc, uint32_t npc,
                       uint32_t insn, const dinsn_t *d, uint32_t rdval,
                       uint32_t rs1val, int mem, uint32_t maddr, uint32_t mval,
                       unsigned msize) {
  FILE *f = h->log;
  char line[LOG_LINE];
  size_t n = 0;
  lput(line, &n, "core %3u: 3 0x%08" PRIx32 " (0x%08" PRIx32 ")", h->id, pc,
       insn);
  if (op_writes_rd(d->op) && (d->rd & 31) != 0) /* the run loop's x0: 32 */
    lput(line, &n, " x%-2u 0x%08" PRIx32, (unsigned)d->rd, rdval);
  if (mem == 1) lput(line, &n, " mem 0x%08" PRIx32, maddr);
  if (mem == 2)
    lput(line, &n, " mem 0x%08" PRIx32 " 0x%0*" PRIx32, maddr, (int)msize * 2,
         mval);
  if (!h->log_disasm) {
    fputs(line, f);
    fputc('\n', f);
    return;
  }
  while (n < LOG_DISASM_COL - 1) line[n++] = ' ';
  line[n++] = ' ';
  n += rv_disasm(line + n, LOG_LINE - n, pc, insn, 0, h->names);
  const char *nm;
  switch (d->op) {
    case OP_CALLID: {
      const char *reg = elf_id_name(h->names, rs1val);
      nm = elf_name_at(h->names, npc);
      lput(line, &n, "  # id 0x%" PRIx32 " -> ", rs1val);
      if (nm)
        lput(line, &n, "%s", nm);
      else
        lput(line, &n, "0x%08" PRIx32, npc);
      if (reg && (!nm || strcmp(reg, nm) != 0))
        lput(line, &n, " (registered: %s)", reg);
      break;
    }
    case OP_XLAT:
      lput(line, &n, "  # id 0x%" PRIx32, rs1val);
      if ((d->rd & 31) == 0) break; /* no result to show */
      if (rdval & 1) {
        lput(line, &n, ": fault %u (%s)", (unsigned)(rdval >> 2) & 7,
             xlat_fault_name(rdval >> 2 & 7));
      } else {
        nm = elf_name_at(h->names, rdval);
        if (nm)
          lput(line, &n, " -> %s", nm);
        else
          lput(line, &n, " -> 0x%08" PRIx32, rdval);
      }
      break;
    case OP_CTLB_INV:
    case OP_CTLB_BCAST:
      if (d->rs1 == 0) {
        lput(line, &n, "  # flush");
        break;
      }
      lput(line, &n, "  # id 0x%" PRIx32, rs1val);
      nm = log_id_name(h, rs1val);
      if (nm) lput(line, &n, " (%s)", nm);
      break;
    default:
      break;
  }
  fputs(line, f);
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
  plat_error(h->plat, msg);
}

/* A callid of s's ID entering EX at E reached to, not the target of the ID's
 * previous callid: a patch took effect (sim/idstat.h, id_switch_t). */
static void note_switch(hart_t *h, const id_stat_t *s, uint32_t to, uint64_t E,
                        uint64_t walk) {
  if (!h->switches) {
    h->switches = calloc(1, sizeof *h->switches);
    if (!h->switches) return;
  }
  id_switches_t *w = h->switches;
  w->total++;
  /* a broadcast still on its way (in this hart's time, platform.md "Lazy
   * clocking") is no invalidate before the call: it walked after the store */
  const uint64_t inv = s->inv_at <= E ? s->inv_at : 0;
  if (w->n < IDSWITCH_MAX)
    w->e[w->n++] = (id_switch_t){s->id, s->last, to, inv, E, walk};
}

/* The accelerator is created at its first use, so programs without call-ID
 * instructions never load (or build) the verilated model. */
static int xl_get(hart_t *h) {
  if (h->acc->xl) return 0;
  char err[512];
  h->acc->xl = h->plat->xl_open
                   ? h->plat->xl_open(h->plat->hook_ctx, err, sizeof err)
                   : xlat_create((xlat_backend_t)h->plat->cfg.xlat_backend,
                                 &h->plat->cfg.xlat, err, sizeof err);
  if (!h->acc->xl) {
    sim_error(h, "--xlat: %s", err);
    return -1;
  }
  return 0;
}

int cpu_wave_open(hart_t *h, int fst, int fd, const char *path, uint64_t from,
                  uint64_t to, int walks_only, unsigned margin, char *err,
                  size_t errlen) {
  if (xl_get(h)) {
    snprintf(err, errlen, "%s", h->plat->fatal_msg);
    return -1;
  }
  /* the CPU side of the dump, scope "hart0" (sim/obs.c) */
  if (h->obs && h->obs->wave) xlat_trace_hart(h->acc->xl, obs_wave_fill, h);
  if (xlat_trace_open_to(h->acc->xl, fst, fd, path, from, to, walks_only,
                         margin, err, errlen))
    return -1;
  h->wave_open = 1;
  return 0;
}

/* Lock-step mode: clock the accelerator with idle inputs for every CPU cycle
 * before c that has not been stepped yet. (Idle-skip mode skips them: with
 * idle inputs and busy = 0 a cycle changes no state, accelerator.md 3.) */
static void xl_idle_to(hart_t *h, uint64_t c) {
  /* a shared CTLB: the platform clocks it (idle cycles change nothing) */
  if (!h->plat->cfg.lockstep || h->acc->shared) return;
  xlat_in_t in;
  xlat_out_t out;
  memset(&in, 0, sizeof in);
  in.root = h->ctroot;
  in.mem_req_ready = 1;
  cpu_obs_t *const o = h->obs;
  plat_accel_t *const a = h->acc;
  for (;;) {
    /* a --patch-at invalidate deferred to cycle `at` (apply_patch) */
    const int pend = o && o->pend_next < o->npend;
    const uint64_t at = pend ? o->pend[o->pend_next].at : UINT64_MAX;
    /* a broadcast queued for cycle bq (plat_bcast): applied in its cycle, so
     * that a waveform shows it there (or at once if this hart is past it) */
    const uint64_t bq =
        a->ninv > a->inv_head ? a->inv[a->inv_head].at : UINT64_MAX;
    uint64_t to = at < c ? at : c;
    if (bq < to) to = bq;
    while (a->now < to) {
      xlat_step(a->xl, &in, &out);
      a->now++;
    }
    if (bq < c && bq <= to) {
      plat_accel_catch_up(a, a->now + 1, h->ctroot);
      continue;
    }
    if (!pend || at > a->now) break;
    xlat_in_t inv;
    memset(&inv, 0, sizeof inv);
    inv.inv_valid = 1;
    inv.inv_id = o->pend[o->pend_next].id;
    inv.root = o->pend[o->pend_next].root;
    inv.mem_req_ready = 1;
    xlat_trace_between(
        h->acc->xl); /* outside CPU time: the accelerator's clock unchanged */
    xlat_step(h->acc->xl, &inv, &out);
    if (++o->pend_next == o->npend) o->pend_next = o->npend = 0;
  }
}

void cpu_wave_step_to(hart_t *h, uint64_t c) {
  if (h->acc->xl) xl_idle_to(h, c);
}

void cpu_wave_finish(hart_t *h) {
  if (h->acc->xl && h->wave_open) xl_idle_to(h, cpu_cycles(h));
}

void cpu_wave_settle(hart_t *h) {
  cpu_obs_t *const o = h->obs;
  if (!o || o->pend_next >= o->npend || !h->acc->xl) return;
  obs_ex(h, h->now, 0, 0); /* the cycles up to now are final */
  xl_idle_to(h, h->now);
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

/* Cycles a lookup may take before the simulator gives up on the answer. */
#define XL_ANSWER_LIMIT 100000001u

/* The answer of a lookup of id presented in cycle E, in cycle c: the
 * per-function figures (sim/idstat.h; callid: of a callid, else of an xlat),
 * the observer, the trace; returns c. */
static inline __attribute__((always_inline)) uint64_t xl_answer(
    hart_t *h, uint64_t E, uint64_t c, uint32_t id, uint32_t addr,
    unsigned fault, int hit, int callid) {
  id_stat_t *s = idstat_get(&h->ids, id);
  if (s) {
    if (callid) {
      s->calls++;
      s->misses += !hit;
      s->walk_cycles += c - E; /* EX cycles beyond a hit's one */
      s->faults += fault != 0;
    } else {
      s->other++;
    }
    if (!s->target && !fault) s->target = addr;
    if (callid && !fault) {
      if (s->last && s->last != addr) note_switch(h, s, addr, E, c - E);
      s->last = addr;
    }
  }
  if (h->obs) {
    obs_answer(h, c, addr, fault);
    if (h->plat->shoot) shoot_lookup(h, E, id, addr, fault);
  }
  if (h->trace) trace_event(h, CTR_CALL, id, 0, E, c + 1);
  return c;
}

static uint64_t xl_lookup_slow(hart_t *h, uint64_t E, uint32_t id,
                               uint32_t *addr, unsigned *fault, int callid);

/* A lookup (callid, xlat) of id presented in cycle E (its EX entry): the
 * hart posts it to its accelerator and waits in EX for the answer, which the
 * platform clocks the accelerator up to (with one hart at once: nothing else
 * needs its cycles first). The walker's reads share the hart's data port
 * (plat_dport_free: not before h->dport_free, the WB of a load or store
 * ahead); a read accepted in cycle t is answered in cycle t + dmem_lat with
 * the RAM word, or with an error outside RAM. Returns the cycle of the
 * answer (E for a hit) with the address and fault code, and counts it in the
 * per-function figures (callid: of a callid, else of an xlat); on a
 * simulator error sets h->plat->stop. A hit (the common case) is answered
 * without the general clocking (plat_accel_hit, exactly that cycle); an
 * observer or the lock-step clock take the general path. */
static inline __attribute__((always_inline)) uint64_t xl_lookup(
    hart_t *h, uint64_t E, uint32_t id, uint32_t *addr, unsigned *fault,
    int callid) {
  plat_accel_t *const a = h->acc;
  if (likely(a->xl && !h->obs && !a->nofast && a->ninv == a->inv_head) &&
      plat_accel_hit(a, E, id, h->ctroot)) {
    *addr = a->ans_addr, *fault = 0;
    return xl_answer(h, E, E, id, a->ans_addr, 0, 1, callid);
  }
  return xl_lookup_slow(h, E, id, addr, fault, callid);
}

/* xl_lookup on a shared CTLB (--ctlb-shared): the platform's arbiter
 * answers now, or parks the hart before the instruction (P->stop =
 * STOP_CTLB_PARK, the run loop takes its gap back) and resumes it with the
 * answer, when the instruction executes again (docs/platform.md). */
static uint64_t xl_lookup_shared(hart_t *h, uint64_t E, uint32_t id,
                                 uint32_t *addr, unsigned *fault, int callid) {
  if (!h->ctlb_resume) {
    h->ctlb_id = id, h->ctlb_root = h->ctroot;
    int r = plat_shared_lookup(h->plat, h, E);
    if (r < 0) return E;
    if (r == 0) {
      h->plat->stop = STOP_CTLB_PARK;
      return E;
    }
  }
  h->ctlb_resume = 0;
  if (h->obs) obs_ex(h, E, 1, id);
  *addr = h->ctlb_addr;
  *fault = h->ctlb_fault;
  h->p.ctlb_w = h->ctlb_port_at - E;
  return xl_answer(h, E, h->ctlb_ans_at, id, h->ctlb_addr, h->ctlb_fault,
                   h->ctlb_hit, callid);
}

static uint64_t xl_lookup_slow(hart_t *h, uint64_t E, uint32_t id,
                               uint32_t *addr, unsigned *fault, int callid) {
  *addr = 0, *fault = 0;
  if (xl_get(h)) return E;
  if (h->acc->shared) return xl_lookup_shared(h, E, id, addr, fault, callid);
  if (h->obs) obs_ex(h, E, 1, id);
  xl_idle_to(h, E);
  plat_accel_lookup(h->acc, E, id, h->ctroot);
  int r = plat_accel_clock(h->plat, h->acc, E + XL_ANSWER_LIMIT + 1);
  if (r < 0) {
    sim_error(
        h, "internal: the accelerator refused a request at cycle %" PRIu64, E);
    return E;
  }
  if (r == 0) {
    sim_error(h,
              "internal: the accelerator did not answer ID 0x%08" PRIx32
              " (cycle %" PRIu64 ")",
              id, E);
    return E;
  }
  const plat_accel_t *const a = h->acc;
  *addr = a->ans_addr;
  *fault = a->ans_fault;
  return xl_answer(h, E, a->ans_at, id, a->ans_addr, a->ans_fault, a->ans_hit,
                   callid);
}

/* ctlb.inv in cycle E: one cycle on the invalidate port. */
static void xl_inv(hart_t *h, uint64_t E, int all, uint32_t id) {
  if (xl_get(h)) return;
  if (h->obs) obs_ex(h, E, 0, 0);
  xl_idle_to(h, E);
  plat_accel_invalidate(h->acc, E, all, id, h->ctroot);
  if (!all) {
    id_stat_t *s = idstat_get(&h->ids, id);
    if (s) s->other++, s->inv_at = E;
  }
  trace_event(h, all ? CTR_FLUSH : CTR_INV, all ? 0 : id, 0, E, E + 1);
}

/* ctlb.bcast in cycle E: the interconnect (plat_bcast); its own CTLB's port
 * in E, as for ctlb.inv. */
static void xl_bcast(hart_t *h, uint64_t E, int all, uint32_t id) {
  if (xl_get(h)) return;
  if (h->obs) obs_ex(h, E, 0, 0);
  xl_idle_to(h, E);
  if (plat_bcast(h->plat, h->id, E, all, id)) {
    sim_error(h, "out of memory for the broadcasts in flight");
    return;
  }
  if (!all) {
    id_stat_t *s = idstat_get(&h->ids, id);
    if (s) s->other++, s->inv_at = E;
  }
  trace_event(h, all ? CTR_FLUSH : CTR_INV, all ? 0 : id, 0, E, E + 1);
}

/* ctlb.sync entering EX in E: the last cycle of its EX (plat_sync); a
 * completion point of --check-shootdown. */
static uint64_t xl_sync(hart_t *h, uint64_t E) {
  platform_t *const p = h->plat;
  uint64_t c = plat_sync(p, h->id, E);
  h->p.ctlb_w = 0;
  if (p->shoot) shoot_complete(h, c);
  if (p->nharts > 1) { /* plat_sync_retire at the next instruction's event */
    p->sync_due |= 1u << h->id;
    cpu_update_event(h);
  }
  return c;
}

/* A table entry of RAM for apply_patch's walk; outside RAM: -1. */
static int patch_read(void *ctx, uint32_t ea, uint32_t *v) {
  const hart_t *h = ctx;
  uint32_t o = ea - RAM_BASE;
  if (o > h->plat->mem.ram_size - 4) return -1;
  memcpy(v, h->plat->mem.ram + o, 4);
  return 0;
}

/* --patch-at models an agent outside the harts that writes the table and
 * invalidates the ID everywhere: the CTLB of every other hart whose
 * accelerator exists (one that never ran a call-ID instruction holds
 * nothing) drops it too, between two of that hart's cycles (where it
 * stands: up to a quantum away from E, docs/platform.md). */
static void patch_inv_others(hart_t *h, uint32_t id) {
  platform_t *const pl = h->plat;
  for (unsigned i = 0; i < pl->nharts; i++) {
    hart_t *g = &pl->hart[i];
    if (g->acc == h->acc) { /* a shared CTLB: h's invalidate was its */
      id_stat_t *s = g == h ? NULL : idstat_get(&g->ids, id);
      if (s) s->other++, s->inv_at = g->now;
      continue;
    }
    if (!g->acc->xl) continue;
    xlat_in_t in;
    xlat_out_t out;
    memset(&in, 0, sizeof in);
    in.inv_valid = 1;
    in.inv_id = id;
    in.root = g->ctroot;
    in.mem_req_ready = 1;
    if (g->wave_open) xlat_trace_between(g->acc->xl);
    xlat_step(g->acc->xl, &in, &out); /* outside CPU time, as below */
    id_stat_t *s = idstat_get(&g->ids, id);
    if (s) s->other++, s->inv_at = g->now;
  }
}

/* --patch-at: at the boundary before the instruction entering EX at E, walk
 * the table like a live-patch tool would (functionally, outside simulated
 * time; ctable_walk), write a leaf of addr into the ID's last-level entry and
 * invalidate the ID on the invalidate port (one accelerator cycle between two
 * CPU cycles, as if a debugger had stopped the CPU's clock). */
static void apply_patch(hart_t *h, const patch_t *p, uint64_t E) {
  const xlat_config_t *g = &h->plat->cfg.xlat;
  ctable_geo_t geo;
  ctable_geo_init(&geo, g->levels, g->level_bits);
  ctable_walk_t tw;
  ctable_walk(&geo, h->ctroot, p->id, patch_read, h, &tw);
  const uint32_t ea = tw.entry_addr;
  const unsigned l = tw.level;
  char what[600];
  if (p->arg)
    snprintf(what, sizeof what, "--patch-at %s", p->arg);
  else
    snprintf(what, sizeof what, "--patch-at %" PRIu64 ":0x%" PRIx32 ":%s",
             p->cycle, p->id, p->name);
  if (tw.fault == CTABLE_FAULT_DISABLED) {
    sim_error(h,
              "%s: cycle %" PRIu64 ": ctroot is disabled (0x%08" PRIx32
              "): no table to patch",
              what, E, h->ctroot);
    return;
  }
  if (tw.fault == CTABLE_FAULT_RANGE) {
    sim_error(h,
              "%s: cycle %" PRIu64 ": ID 0x%" PRIx32
              " is wider than the %u bits the table levels cover",
              what, E, p->id, geo.width);
    return;
  }
  if (tw.fault == CTABLE_FAULT_BUS) {
    sim_error(h,
              "%s: cycle %" PRIu64 ": level-%u entry address 0x%08" PRIx32
              " is outside RAM",
              what, E, l, ea);
    return;
  }
  if (tw.fault == CTABLE_FAULT_INVALID && !ctable_valid(tw.entry)) {
    sim_error(h,
              "%s: cycle %" PRIu64 ": ID 0x%" PRIx32
              " is not mapped (level-%u entry at 0x%08" PRIx32 " is invalid)",
              what, E, p->id, l, ea);
    return;
  }
  if (tw.fault == CTABLE_FAULT_NONE && l + 1 < g->levels) {
    sim_error(h,
              "%s: cycle %" PRIu64 ": ID 0x%" PRIx32
              " is mapped by a range leaf at level %u (0x%08" PRIx32
              "), not by an entry of its own",
              what, E, p->id, l, ea);
    return;
  }
  if (tw.fault != CTABLE_FAULT_NONE) { /* a non-leaf at the last level */
    sim_error(h,
              "%s: cycle %" PRIu64 ": ID 0x%" PRIx32
              " is not mapped (last-level entry at 0x%08" PRIx32
              " is not a leaf)",
              what, E, p->id, ea);
    return;
  }
  if (xl_get(h)) return;
  uint32_t v = ctable_leaf(p->addr), o = ea - RAM_BASE;
  memcpy(h->plat->mem.ram + o, &v, 4);
  plat_ram_written(h->plat, o, 4);
  cpu_obs_t *const ob = h->obs;
  if (ob && ob->wave && h->plat->cfg.lockstep && ob->npend < OBS_MAX_PEND) {
    /* a waveform's CPU scope: the invalidate waits until the accelerator is
     * clocked up to E (xl_idle_to), when the stall causes of the cycles
     * before E are known; idle cycles change no state, so it is the same */
    ob->pend[ob->npend].at = E;
    ob->pend[ob->npend].id = p->id;
    ob->pend[ob->npend].root = h->ctroot;
    ob->npend++;
  } else if (h->acc->shared && plat_accel_busy(h->acc)) {
    /* a walk in flight on the shared CTLB: in cycle E, as it is clocked */
    plat_accel_invalidate(h->acc, E, 0, p->id, h->ctroot);
  } else {
    xl_idle_to(h, E);
    xlat_in_t in;
    xlat_out_t out;
    memset(&in, 0, sizeof in);
    in.inv_valid = 1;
    in.inv_id = p->id;
    in.root = h->ctroot;
    in.mem_req_ready = 1;
    if (h->wave_open) xlat_trace_between(h->acc->xl);
    xlat_step(h->acc->xl, &in,
              &out); /* outside CPU time: the accelerator's clock unchanged */
  }
  h->st.patches++;
  id_stat_t *s = idstat_get(&h->ids, p->id);
  if (s) s->other++, s->inv_at = E;
  patch_inv_others(h, p->id);
  trace_event(h, CTR_PATCH, p->id, p->addr, E, E);
  fflush(stdout); /* the program's output so far comes first */
  fprintf(stderr,
          "ctsim: cycle %" PRIu64 ": patched ID 0x%" PRIx32
          " -> %s (0x%08" PRIx32 ")\n",
          E, p->id, p->name, p->addr);
}

/* The --patch-at triggers of an instruction word at RAM offset off about to
 * execute for the first time at E (the run loop checks this only when it
 * decodes a word, and only while h->entry_watch > 0). */
static void entry_patches(hart_t *h, uint32_t off, uint64_t E) {
  for (unsigned i = 0; i < h->ntpatches && !h->plat->stop; i++) {
    patch_t *p = &h->tpatches[i];
    if (p->kind != PATCH_AT_ENTRY || p->applied || p->at - RAM_BASE != off)
      continue;
    p->applied = 1;
    h->entry_watch--;
    apply_patch(h, p, E);
  }
}

/* A callid of id entering EX at E, before its lookup: counts it for the
 * --patch-at triggers on id's callids and applies those whose count it
 * reaches (only while h->callid_watch > 0). */
static void callid_patches(hart_t *h, uint32_t id, uint64_t E) {
  for (unsigned i = 0; i < h->ntpatches && !h->plat->stop; i++) {
    patch_t *p = &h->tpatches[i];
    if (p->kind != PATCH_AT_CALLID || p->applied || p->id != id) continue;
    if (++p->seen < p->nth) continue;
    p->applied = 1;
    h->callid_watch--;
    apply_patch(h, p, E);
  }
}

/* ------------------------------------------------------------ run loop */

static inline uint32_t insn_word(const hart_t *h, uint32_t off) {
  uint32_t w;
  memcpy(&w, h->plat->mem.ram + off, 4);
  return w;
}

/* ------------------------------------------------------- decoded blocks */

/* A decoded block: a straight line of common instructions (ALU, mul/div,
 * loads, stores) from a start pc, ended by a branch, jal or jalr (included)
 * or before an instruction of another kind, an undecoded word or BLK_MAX.
 * Within it the timing recurrence depends only on its instructions once the
 * state before it binds nothing (the first E is F + Li + 1, the first M is
 * E + X, every register read before written is ready by its reader's E):
 * then every stage cycle is F of the first instruction plus an offset
 * computed once (blk_sim), and so are the ready cycles, the stall cycles
 * and the state after it. The run loop (cpu_loop.h) runs a block in that
 * case when the next event lies beyond its last E, executing only the
 * instructions' semantics; otherwise it runs the block's instructions one by
 * one as before. Something it cannot do without the exact cycle (a device
 * access, a store into decoded code or to tohost, a misaligned jalr) leaves
 * the block before that instruction (blk_prefix gives the state there). A
 * block is valid while no decoded entry has been reset since it was built
 * (platform code_gen). */
#define BLK_MAX 32
#define BLK_SLOTS 65536 /* direct-mapped by start pc */
enum { BLK_SEQ, BLK_BRANCH, BLK_JAL, BLK_JALR };

/* one instruction: the run-loop copy's semantic handler and its fields */
typedef struct {
  const void *lab;
  uint8_t op, rd, rs1, rs2;
  int32_t imm; /* auipc: pc + imm */
} bins_t;

typedef struct {
  uint32_t r, off;
} blk_reg_t;

/* The exits a block is linked by: its fall-through (pc + 4n: a block
 * without a jump, or its branch not taken), its taken branch or jal, its
 * jalr (to the two targets it was linked for: the first two it had, then
 * each of them in turn replaced after every BLK_JALR_MISSES other ones). */
enum { LNK_SEQ, LNK_TAKEN, LNK_JALR, LNK_JALR2, LNK_COUNT };
#define BLK_JALR_MISSES 8

/* A link from an exit of block a to the block b that starts at its
 * successor pc, for the case that the fetch between them is static (a ran
 * its fast path from F: then b's F, its first E and the gap before it are
 * F plus constants, and b's entry condition holds but for the next event:
 * blk_link). The run loop then goes on with b without looking it up. Valid
 * while b is the block it was made for: b's serial unchanged (a rebuilt
 * slot has a new one; b's code_gen is then a's, the current one, as a
 * runs). */
typedef struct blk_lnk {
  struct blk *b;   /* the successor (a itself: none) */
  uint64_t serial; /* b's serial when linked (0: none) */
  uint64_t fe;     /* b's last E - F: b runs if event - F > fe (UINT64_MAX: never) */
  uint32_t df;     /* b's F - F */
  uint32_t gap;    /* the gap before b's first E (its stall cycles), of cause gc */
  uint8_t gc, has_mr, redir, rcause;
  uint32_t pc; /* b's first pc (LNK_JALR: the target it is for) */
  /* what b's first instruction sees, relative to b's F, when it leaves b
   * before that instruction (which then runs on its own handler): pE, pM,
   * pW, the last raised M (if a has one), D, and the redirect (F, rcause)
   * if the exit redirects */
  int32_t pe, pm, pw, mr, d;
} blk_lnk_t;

typedef struct blk {
  blk_lnk_t lk[LNK_COUNT]; /* first: the run loop reaches lk[0] at cb */
  uint32_t tag; /* RAM offset | copy (0: empty slot) */
  uint32_t gen; /* platform code_gen when built */
  uint64_t serial; /* the hart's count of builds at its build (links check it) */
  uint32_t pc, tgt; /* first pc; the branch or jal target */
  uint8_t n, end, mul, has_mr, has_mem, nrr, nrd, nst;
  uint8_t lists; /* mul, nrd or nst: the run loop looks at them */
  uint8_t listed; /* in the hart's blk_list */
  uint32_t jalr_misses; /* jalr targets neither link was for */
  /* runs to its end, those by its taken branch, not in the hart's counters
   * yet (cpu_block_counts) */
  uint64_t runs, taken;
  /* cycles after F of the first instruction */
  uint32_t e0, m0;       /* the first's E and E + X */
  uint32_t wlim;         /* min(m0, every rr off): pW <= F + wlim passes all */
  uint32_t d, e, m, w;   /* the last's D, E, M, W */
  uint32_t mr, dfree;    /* the last M raised to W ahead; the last load/store's W */
  blk_reg_t rr[32];      /* registers read before written: ready by off */
  blk_reg_t rd[32];      /* registers written: ready at off */
  blk_reg_t st[STALL_COUNT]; /* stall cycles by cause (r) */
  bins_t ins[BLK_MAX + 1];   /* a BLK_SEQ block: ins[n] ends it */
} blk_t;

/* the timing of a block's first k instructions, from F = 0 */
typedef struct {
  int64_t e0, m0, d, e, m, w, mr, dfree;
  int mul, has_mr, has_mem;
  int64_t rdy[33];
  uint8_t wr[33], rd1[33];
  uint64_t stall[STALL_COUNT];
  unsigned nrr;
  blk_reg_t rr[32];
} blk_sim_t;

/* source registers the run loop's handler checks (BEGIN's nsrc) */
static unsigned blk_nsrc(unsigned op) {
  switch (op) {
    case OP_LUI: case OP_AUIPC: case OP_JAL: return 0;
    case OP_JALR: case OP_LB: case OP_LH: case OP_LW: case OP_LBU: case OP_LHU:
    case OP_ADDI: case OP_SLTI: case OP_SLTIU: case OP_XORI: case OP_ORI:
    case OP_ANDI: case OP_SLLI: case OP_SRLI: case OP_SRAI: return 1;
    default: return 2;
  }
}

/* The recurrence of cpu_loop.h (NEXT_TIME, BEGIN, EX_DONE, MEM_DONE, the
 * gap causes) over in[0 .. k), with nothing before the block binding.
 * Returns the index of an instruction whose gap cause would come from
 * before the block (never seen; the block is cut there), else k. */
static unsigned blk_sim(const platform_t *P, const bins_t *in, unsigned k,
                        blk_sim_t *s) {
  const int64_t NEG = INT64_MIN / 4;
  const int64_t imem = P->cfg.imem_lat, dmem = P->cfg.dmem_lat;
  int64_t pF = 0, pE = NEG, pM = NEG, pW = NEG, mr = NEG - 1;
  unsigned xc = STALL_COUNT; /* the entry's: unknown */
  memset(s, 0, sizeof *s);
  for (unsigned r = 0; r < 33; r++) s->rdy[r] = NEG;
  for (unsigned i = 0; i < k; i++) {
    const bins_t *b = &in[i];
    int64_t F = pF, D = F + imem, E = D + 1, X = 1, M, W;
    if (pM > E) {
      E = pM;
      if (D < pE) D = pE;
    }
    unsigned gc = STALL_COUNT;
    if (i > 0 && E > pE + 1) {
      gc = pM >= D + 1 ? (pM != mr ? xc : STALL_DMEM) : STALL_IMEM;
      if (gc == STALL_COUNT) return i;
      s->stall[gc] += (uint64_t)(E - pE - 1);
    }
    unsigned ns = blk_nsrc(b->op), rs[2] = {b->rs1, b->rs2};
    int64_t r = NEG;
    for (unsigned j = 0; j < ns; j++)
      if (rs[j] && s->wr[rs[j]] && s->rdy[rs[j]] > r) r = s->rdy[rs[j]];
    if (r > E) {
      if (E > pE + 1) s->stall[gc] -= (uint64_t)(E - pE - 1);
      E = r;
      if (E > pE + 1) s->stall[STALL_LOAD_USE] += (uint64_t)(E - pE - 1);
    }
    for (unsigned j = 0; j < ns; j++)
      if (rs[j] && !s->wr[rs[j]] && !s->rd1[rs[j]]) {
        s->rd1[rs[j]] = 1;
        s->rr[s->nrr++] = (blk_reg_t){rs[j], (uint32_t)E};
      }
    int load = 0, store = 0;
    switch (b->op) {
      case OP_MUL: case OP_MULH: case OP_MULHSU: case OP_MULHU: X = P->cfg.mul_lat; break;
      case OP_DIV: case OP_DIVU: case OP_REM: case OP_REMU: X = P->cfg.div_lat; break;
      case OP_LB: case OP_LH: case OP_LW: case OP_LBU: case OP_LHU: load = 1; break;
      case OP_SB: case OP_SH: case OP_SW: store = 1; break;
      default: break;
    }
    M = E + X;
    if (i == 0) s->e0 = E, s->m0 = M;
    if (pW > M) mr = M = pW, s->has_mr = 1, s->mr = M;
    W = M + (load || store ? dmem : 1);
    if (load || store) s->has_mem = 1, s->dfree = W;
    if (X > 1) xc = STALL_MULDIV, s->mul = 1;
    if (!store && b->rd != 32 && !(b->op >= OP_BEQ && b->op <= OP_BGEU)) {
      s->rdy[b->rd] = load ? W : E + X;
      s->wr[b->rd] = 1;
    }
    pF = D, pE = E, pM = M, pW = W;
    s->d = D, s->e = E, s->m = M, s->w = W;
  }
  return k;
}

/* Adds the counts of block b's runs (see cpu_block_counts). */
static void blk_counts(const blk_t *b, uint64_t *op, uint64_t *br_taken, uint64_t *runs,
                       uint64_t *insns) {
  if (!b->n || !b->runs) return;
  for (unsigned i = 0; i < b->n; i++) op[b->ins[i].op] += b->runs;
  *br_taken += b->taken, *runs += b->runs, *insns += b->runs * b->n;
}

void cpu_block_counts(const hart_t *h, uint64_t *op, uint64_t *br_taken, uint64_t *runs,
                      uint64_t *insns) {
  for (uint32_t i = 0; i < h->blk_nlist; i++)
    blk_counts(&h->blk[h->blk_list[i]], op, br_taken, runs, insns);
}

void cpu_block_fold(hart_t *h) {
  for (uint32_t i = 0; i < h->blk_nlist; i++) {
    blk_t *b = &h->blk[h->blk_list[i]];
    blk_counts(b, h->st.op, &h->st.br_taken, &h->blk_runs, &h->blk_insns);
    b->runs = b->taken = 0;
  }
}

/* The block that starts at RAM offset off in the copy of the run loop with
 * the semantic handlers blab (NULL: an op no block holds) and bend (the end
 * of a block without a jump), built into its slot; NULL if none starts
 * there (remembered while the code stays) or its words are not all decoded
 * yet (tried again the next time: decoding is the run loop's, which checks
 * the entry= triggers of --patch-at). */
static blk_t *blk_build(hart_t *h, uint32_t off, const void *const *blab,
                        const void *bend, unsigned copy) {
  const platform_t *P = h->plat;
  blk_t *b = &h->blk[(off >> 2) & (BLK_SLOTS - 1)];
  uint32_t pc = RAM_BASE + off;
  unsigned n = 0;
  blk_counts(b, h->st.op, &h->st.br_taken, &h->blk_runs, &h->blk_insns); /* its old runs */
  b->runs = b->taken = 0;
  if (!b->listed) b->listed = 1, h->blk_list[h->blk_nlist++] = (uint32_t)(b - h->blk);
  b->tag = off | copy, b->gen = P->code_gen, b->n = 0, b->end = BLK_SEQ, b->pc = pc;
  b->serial = ++h->blk_serial, b->jalr_misses = 0;
  for (unsigned x = 0; x < LNK_COUNT; x++) b->lk[x] = (blk_lnk_t){.b = b};
  while (n < BLK_MAX) {
    uint32_t o = off + 4 * n, ipc = pc + 4 * n;
    if (o >= P->mem.ram_size) break;
    const dinsn_t *d = &P->dc[o >> 2];
    if (d->op == OP_NONE) {
      b->tag = 0;
      return NULL;
    }
    if (d->op >= OP_COUNT || !blab[d->op]) break;
    bins_t *bi = &b->ins[n];
    *bi = (bins_t){blab[d->op], d->op, d->rd, d->rs1, d->rs2, d->imm};
    if (d->op == OP_AUIPC) bi->imm = (int32_t)(ipc + (uint32_t)d->imm);
    if (d->op == OP_JAL || (d->op >= OP_BEQ && d->op <= OP_BGEU)) {
      uint32_t t = ipc + (uint32_t)d->imm;
      if (t & 3) break; /* traps: the handler's */
      b->tgt = t, b->end = d->op == OP_JAL ? BLK_JAL : BLK_BRANCH;
      n++;
      break;
    }
    n++;
    if (d->op == OP_JALR) {
      b->end = BLK_JALR;
      break;
    }
  }
  blk_sim_t s;
  unsigned k = n ? blk_sim(P, b->ins, n, &s) : 0;
  if (k < n) { /* cut before instruction k */
    n = k, b->end = BLK_SEQ;
    if (n) blk_sim(P, b->ins, n, &s);
  }
  if (!n) return NULL;
  h->blk_built++;
  if (b->end == BLK_SEQ) b->ins[n] = (bins_t){bend, 0, 0, 0, 0, 0};
  b->n = (uint8_t)n;
  b->e0 = (uint32_t)s.e0, b->m0 = (uint32_t)s.m0;
  b->d = (uint32_t)s.d, b->e = (uint32_t)s.e, b->m = (uint32_t)s.m, b->w = (uint32_t)s.w;
  b->mul = (uint8_t)s.mul, b->has_mr = (uint8_t)s.has_mr, b->has_mem = (uint8_t)s.has_mem;
  b->mr = (uint32_t)s.mr, b->dfree = (uint32_t)s.dfree;
  b->nrr = (uint8_t)s.nrr;
  memcpy(b->rr, s.rr, s.nrr * sizeof *s.rr);
  b->wlim = b->m0;
  for (unsigned i = 0; i < s.nrr; i++)
    if (s.rr[i].off < b->wlim) b->wlim = s.rr[i].off;
  /* Every instruction after the block enters EX after F + e + 1, so a ready
   * cycle up to there binds none of them: the registers written with such
   * a cycle keep their older one (which is <= pW, so <= F + m0) when that
   * is up to there too, m0 <= e + 1. */
  int all = s.m0 > s.e + 1;
  b->nrd = 0;
  for (unsigned r = 1; r < 32; r++)
    if (s.wr[r] && (all || s.rdy[r] > s.e + 1))
      b->rd[b->nrd++] = (blk_reg_t){r, (uint32_t)s.rdy[r]};
  b->nst = 0;
  for (unsigned c = 0; c < STALL_COUNT; c++)
    if (s.stall[c]) b->st[b->nst++] = (blk_reg_t){c, (uint32_t)s.stall[c]};
  b->lists = b->mul || b->nrd || b->nst;
  return b;
}

/* Links exit x of block a, whose successor starts at tpc, to the block
 * there (blk_lnk_t), built if needed (never into a's own slot: a is
 * running). The fetch after a is that of the run loop's NEXT after a ran
 * its fast path from F = 0 (the state after it is a's offsets; every ready
 * cycle a does not write is at most its entry's pW, so at most m0), and the
 * successor's entry condition is block_enter's on that state. When either
 * is not static, or no block starts there, the link never passes (fe) but
 * stays valid, so that the run loop goes the usual way without coming back
 * here; when the successor is not decoded yet there is no link. */
static void blk_link(hart_t *h, blk_t *a, unsigned x, uint32_t tpc,
                     const void *const *blab, const void *bend, unsigned copy) {
  const platform_t *P = h->plat;
  blk_lnk_t *l = &a->lk[x];
  *l = (blk_lnk_t){.b = a};
  uint32_t off = tpc - RAM_BASE;
  if (off >= P->mem.ram_size) return;
  blk_t *b = &h->blk[(off >> 2) & (BLK_SLOTS - 1)];
  if (b->tag != (off | copy) || b->gen != P->code_gen) {
    if (b == a) return;
    blk_build(h, off, blab, bend, copy);
    if (b->tag != (off | copy)) return; /* not decoded yet */
  }
  l->b = b, l->serial = b->serial, l->pc = tpc, l->fe = UINT64_MAX;
  if (!b->n) return; /* none starts there */
  /* NEXT: F, D, E of the successor's first instruction and its gap */
  const int64_t imem = P->cfg.imem_lat;
  const int64_t pE = a->e, pM = a->m, pW = a->w;
  const int redir = x != LNK_SEQ;
  const int64_t F = !redir ? a->d : a->end == BLK_JAL ? a->d + 1 : a->e + 1;
  const unsigned rcause = a->end == BLK_JAL    ? STALL_JAL
                          : a->end == BLK_JALR ? STALL_JALR
                                               : STALL_BRANCH;
  int64_t D = F + imem, E = D + 1;
  if (pM > E) {
    E = pM;
    if (D < pE) D = pE;
  }
  unsigned gc = STALL_IMEM;
  if (E > pE + 1) { /* GAP_CAUSE */
    if (pM >= D + 1) {
      if (a->has_mr && a->mr == a->m)
        gc = STALL_DMEM;
      else if (a->mul)
        gc = STALL_MULDIV;
      else
        return; /* the multi-cycle cause from before a */
    } else if (redir)
      gc = rcause;
  }
  /* block_enter */
  if (E != F + b->e0 || pW > F + b->m0) return;
  for (unsigned i = 0; i < b->nrr; i++) {
    int64_t r = a->m0;
    for (unsigned j = 0; j < a->nrd; j++)
      if (a->rd[j].r == b->rr[i].r) r = a->rd[j].off;
    if (r > F + b->rr[i].off) return;
  }
  l->df = (uint32_t)F, l->fe = (uint64_t)F + b->e;
  l->gap = E > pE + 1 ? (uint32_t)(E - pE - 1) : 0, l->gc = (uint8_t)gc;
  l->pe = (int32_t)(pE - F), l->pm = (int32_t)(pM - F), l->pw = (int32_t)(pW - F);
  l->has_mr = a->has_mr, l->mr = (int32_t)(a->mr - F), l->d = (int32_t)(D - F);
  l->redir = (uint8_t)redir, l->rcause = (uint8_t)rcause;
}

/* Leaving block b before its instruction k >= 1, the first k having run
 * from F = base: their ready cycles and stall cycles into rdy and the
 * hart's statistics, the rest of the state after them into s (cycles
 * relative to base). */
static void blk_prefix(hart_t *h, const blk_t *b, unsigned k, uint64_t base,
                       uint64_t *rdy, blk_sim_t *s) {
  blk_sim(h->plat, b->ins, k, s);
  for (unsigned r = 1; r < 32; r++)
    if (s->wr[r]) rdy[r] = base + (uint64_t)s->rdy[r];
  for (unsigned c = 0; c < STALL_COUNT; c++) h->st.stall[c] += s->stall[c];
}

/* The stall cause of the gap E - pE - 1 (cycles in which no instruction
 * entered EX) when no data hazard set E: the rule that set it
 * (docs/timing.md, "Stall statistics"; load_use is BEGIN's). On the run
 * loop's locals (cpu_loop.h) or those of park_undo, which go by the same
 * names. */
#define GAP_CAUSE() \
  (pM >= D + 1 ? (pM != mr ? xcause : STALL_DMEM) : (F == redir && redir) ? rcause : STALL_IMEM)
/* Adds (op +=) or takes back (op -=) g gap cycles of cause c_. */
#define GAP_ACCOUNT(c_, g_, op)                                       \
  do {                                                                \
    unsigned c = (c_);                                                \
    uint64_t g = (g_);                                                \
    if (unlikely(c == STALL_CTLB)) { /* walk cycles, then the rest */ \
      uint64_t k = g < h->p.ctlb_x ? g : h->p.ctlb_x;                 \
      uint64_t q = k < h->p.ctlb_w ? k : h->p.ctlb_w; /* port wait */ \
      stall[STALL_CTLB_PORT] op q;                                    \
      stall[STALL_CTLB] op k - q, g -= k;                             \
      c = h->p.ctlb_rest;                                             \
    }                                                                 \
    stall[c] op g;                                                    \
  } while (0)

/* A callid or xlat parked on a shared CTLB (P->stop = STOP_CTLB_PARK after
 * its BEGIN; the run loop saved its state): takes back the gap counted
 * before it, as the run loop's GAP_UNDO would, the load_use part if its data
 * hazards raised E (NEXT_TIME's E: e0). It executes again when it resumes,
 * and counts the gap then. Out of the run loop, which stays as it was. */
static void park_undo(hart_t *h) {
  uint64_t *const stall = h->st.stall;
  const uint64_t pE = h->p.e, pM = h->p.m, mr = h->p.m_raised;
  const uint64_t redir = h->p.redir, F = h->p.f, E = h->now;
  const unsigned xcause = h->p.ex_cause, rcause = h->p.redir_cause;
  uint64_t D = F + h->plat->cfg.imem_lat, e0 = D + 1;
  if (pM > e0) {
    e0 = pM;
    if (D < pE) D = pE;
  }
  if (E <= pE + 1) return;
  if (E > e0)
    stall[STALL_LOAD_USE] -= E - pE - 1;
  else
    GAP_ACCOUNT(GAP_CAUSE(), E - pE - 1, -=);
}

/* The run loop (cpu_loop.h) compiled three times: run_fast without and
 * run_logged with the commit log and the observer's hooks (sim/obs.h), each
 * with the tests of the other folded away, and run_fast1, run_fast with both
 * memory latencies the constant 1 (the default; tests/test_run_copies.py
 * checks the copies agree). */
#define RUN_FN run_fast
#define RUN_LOGGING 0
#define RUN_LAT1 0
#include "cpu_loop.h"
#undef RUN_FN
#undef RUN_LAT1
#define RUN_FN run_fast1
#define RUN_LAT1 1
#include "cpu_loop.h"
#undef RUN_FN
#undef RUN_LOGGING
#undef RUN_LAT1
#define RUN_FN run_logged
#define RUN_LOGGING 1
#define RUN_LAT1 0
#include "cpu_loop.h"
#undef RUN_FN
#undef RUN_LOGGING
#undef RUN_LAT1

/* One piece of the run, until the run loop returns: the copy for the
 * hart's current options. */
static void run_piece(hart_t *h) {
  const platform_t *const p = h->plat;
  if (!h->blk && !h->no_blocks) {
    h->blk = calloc(BLK_SLOTS, sizeof *h->blk);
    h->blk_list = calloc(BLK_SLOTS, sizeof *h->blk_list);
    if (!h->blk || !h->blk_list) { /* runs without them */
      free(h->blk), free(h->blk_list);
      h->blk = NULL, h->blk_list = NULL, h->no_blocks = 1;
    }
  }
  if (h->log || h->obs)
    run_logged(h);
  else if (p->cfg.imem_lat == 1 && p->cfg.dmem_lat == 1)
    run_fast1(h);
  else
    run_fast(h);
}

void cpu_run(hart_t *h) {
  while (!h->plat->stop) run_piece(h);
}

int cpu_run_until(hart_t *h, uint64_t until) {
  if (!h->plat->stop) {
    h->pause_at = until ? until : 1;
    cpu_update_event(h);
    run_piece(h);
    if (h->plat->stop == STOP_CTLB_PARK) park_undo(h);
    h->pause_at = 0;
    cpu_update_event(h);
  }
  return h->plat->stop != STOP_NONE;
}
