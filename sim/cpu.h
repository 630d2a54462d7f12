/*
 * cpu.h: the RV32IM + Zicsr hart (machine mode only) of ctsim, its decoded
 * instructions and its in-order 5-stage pipeline timing model. A hart is a
 * component of a platform (sim/platform.h: RAM, decoded cache, devices, stop
 * state), which runs it.
 *
 * docs/timing.md describes the timing model; docs/platform.md the platform;
 * docs/memory-map.md the devices.
 */
#ifndef CTSIM_CPU_H
#define CTSIM_CPU_H

#include <stdint.h>
#include <stdio.h>

#include "elf.h"
#include "idstat.h"
#include "mem.h"
#include "xlat.h"

struct ctw;
struct roi;
struct platform;
struct plat_accel;
struct blk;

/* ------------------------------------------------------------ instructions */

/* X-macro table of the instructions: (name, match, mask, format).
 * A new instruction is one line here plus one handler (an OP line) in the
 * run loop at the end of cpu.c, which the dispatch table picks up by name.
 * Formats say which fields decode() extracts: R (rd rs1 rs2), I (rd rs1 imm),
 * S/B (rs1 rs2 imm), U/J (rd imm), SH (rd rs1 shamt), C (csr, register),
 * CI (csr, 5-bit immediate), A (rd rs1 rs2 of the A extension: lr.w, sc.w,
 * amo*.w; aq/rl, bits 26:25, are accepted and ignored), N (no fields).
 * ROI is the region-of-interest marker `slti x0, rs1, 0x5C0 + code` (sim/roi.h,
 * a HINT: a no-op on any hart); it comes before SLTI, whose other words stay
 * ordinary instructions. */
#define RV_INSNS(X)                        \
  X(LUI, 0x00000037, 0x0000007f, U)        \
  X(AUIPC, 0x00000017, 0x0000007f, U)      \
  X(JAL, 0x0000006f, 0x0000007f, J)        \
  X(JALR, 0x00000067, 0x0000707f, I)       \
  X(BEQ, 0x00000063, 0x0000707f, B)        \
  X(BNE, 0x00001063, 0x0000707f, B)        \
  X(BLT, 0x00004063, 0x0000707f, B)        \
  X(BGE, 0x00005063, 0x0000707f, B)        \
  X(BLTU, 0x00006063, 0x0000707f, B)       \
  X(BGEU, 0x00007063, 0x0000707f, B)       \
  X(LB, 0x00000003, 0x0000707f, I)         \
  X(LH, 0x00001003, 0x0000707f, I)         \
  X(LW, 0x00002003, 0x0000707f, I)         \
  X(LBU, 0x00004003, 0x0000707f, I)        \
  X(LHU, 0x00005003, 0x0000707f, I)        \
  X(SB, 0x00000023, 0x0000707f, S)         \
  X(SH, 0x00001023, 0x0000707f, S)         \
  X(SW, 0x00002023, 0x0000707f, S)         \
  X(ADDI, 0x00000013, 0x0000707f, I)       \
  X(ROI, 0x5c002013, 0xff007fff, I)        \
  X(SLTI, 0x00002013, 0x0000707f, I)       \
  X(SLTIU, 0x00003013, 0x0000707f, I)      \
  X(XORI, 0x00004013, 0x0000707f, I)       \
  X(ORI, 0x00006013, 0x0000707f, I)        \
  X(ANDI, 0x00007013, 0x0000707f, I)       \
  X(SLLI, 0x00001013, 0xfe00707f, SH)      \
  X(SRLI, 0x00005013, 0xfe00707f, SH)      \
  X(SRAI, 0x40005013, 0xfe00707f, SH)      \
  X(ADD, 0x00000033, 0xfe00707f, R)        \
  X(SUB, 0x40000033, 0xfe00707f, R)        \
  X(SLL, 0x00001033, 0xfe00707f, R)        \
  X(SLT, 0x00002033, 0xfe00707f, R)        \
  X(SLTU, 0x00003033, 0xfe00707f, R)       \
  X(XOR, 0x00004033, 0xfe00707f, R)        \
  X(SRL, 0x00005033, 0xfe00707f, R)        \
  X(SRA, 0x40005033, 0xfe00707f, R)        \
  X(OR, 0x00006033, 0xfe00707f, R)         \
  X(AND, 0x00007033, 0xfe00707f, R)        \
  X(MUL, 0x02000033, 0xfe00707f, R)        \
  X(MULH, 0x02001033, 0xfe00707f, R)       \
  X(MULHSU, 0x02002033, 0xfe00707f, R)     \
  X(MULHU, 0x02003033, 0xfe00707f, R)      \
  X(DIV, 0x02004033, 0xfe00707f, R)        \
  X(DIVU, 0x02005033, 0xfe00707f, R)       \
  X(REM, 0x02006033, 0xfe00707f, R)        \
  X(REMU, 0x02007033, 0xfe00707f, R)       \
  X(FENCE, 0x0000000f, 0x0000707f, N)      \
  X(FENCE_I, 0x0000100f, 0x0000707f, N)    \
  X(ECALL, 0x00000073, 0xffffffff, N)      \
  X(EBREAK, 0x00100073, 0xffffffff, N)     \
  X(MRET, 0x30200073, 0xffffffff, N)       \
  X(WFI, 0x10500073, 0xffffffff, N)        \
  X(CSRRW, 0x00001073, 0x0000707f, C)      \
  X(CSRRS, 0x00002073, 0x0000707f, C)      \
  X(CSRRC, 0x00003073, 0x0000707f, C)      \
  X(CSRRWI, 0x00005073, 0x0000707f, CI)    \
  X(CSRRSI, 0x00006073, 0x0000707f, CI)    \
  X(CSRRCI, 0x00007073, 0x0000707f, CI)    \
  X(CALLID, 0x0000000b, 0xfff0707f, R)     \
  X(CTLB_INV, 0x0000100b, 0xfff07fff, R)   \
  X(XLAT, 0x0000200b, 0xfff0707f, R)       \
  X(CTLB_BCAST, 0x0000300b, 0xfff07fff, R) \
  X(CTLB_SYNC, 0x0000400b, 0xffffffff, R)  \
  X(LR_W, 0x1000202f, 0xf9f0707f, A)       \
  X(SC_W, 0x1800202f, 0xf800707f, A)       \
  X(AMOSWAP_W, 0x0800202f, 0xf800707f, A)  \
  X(AMOADD_W, 0x0000202f, 0xf800707f, A)   \
  X(AMOXOR_W, 0x2000202f, 0xf800707f, A)   \
  X(AMOAND_W, 0x6000202f, 0xf800707f, A)   \
  X(AMOOR_W, 0x4000202f, 0xf800707f, A)    \
  X(AMOMIN_W, 0x8000202f, 0xf800707f, A)   \
  X(AMOMAX_W, 0xa000202f, 0xf800707f, A)   \
  X(AMOMINU_W, 0xc000202f, 0xf800707f, A)  \
  X(AMOMAXU_W, 0xe000202f, 0xf800707f, A)

/* OP_NONE marks a decoded-cache entry not decoded yet (or invalidated by a
 * store); OP_ILLEGAL a word that is no instruction of this hart. The custom-0
 * opcode (0x0B) holds the call-ID extension (docs/isa.md): callid, ctlb.inv,
 * xlat, ctlb.bcast and ctlb.sync with funct7 = 0 and rs2 = x0 (and rd = x0
 * for ctlb.inv and ctlb.bcast, rd = rs1 = x0 for ctlb.sync); every other
 * custom-0 word is OP_ILLEGAL. */
enum {
  OP_NONE = 0,
  OP_ILLEGAL,
#define X(name, match, mask, fmt) OP_##name,
  RV_INSNS(X)
#undef X
      OP_COUNT
};

/* Not an instruction: the decoded-cache entry of a word an lr.w reserved
 * (docs/isa.md). Any write into the word resets the entry (as it does for
 * code), which is how a store breaks the reservation; fetched, the word is
 * decoded afresh (and the reservation is lost). */
#define OP_RESV OP_COUNT

/* One predecoded instruction: 8 bytes. Register fields an instruction does not
 * have are 0. In the run loop's decoded cache an rd of x0 is 32: a register
 * slot nothing reads, so that x0 and its ready cycle stay 0 without a reset
 * after every instruction. */
typedef struct {
  uint8_t op;
  uint8_t rd;
  uint8_t rs1;
  uint8_t rs2;
  int32_t imm; /* CSR formats: csr number in bits 11:0, uimm in bits 20:16 */
} dinsn_t;

void rv_decode(uint32_t w, dinsn_t *d);
const char *rv_op_name(unsigned op);

/* The operand format of an op (the X-macro's column; sim/disasm.c prints by
 * it). OP_NONE and OP_ILLEGAL: RV_FMT_N. */
typedef enum {
  RV_FMT_R,
  RV_FMT_I,
  RV_FMT_S,
  RV_FMT_B,
  RV_FMT_U,
  RV_FMT_J,
  RV_FMT_SH,
  RV_FMT_C,
  RV_FMT_CI,
  RV_FMT_A,
  RV_FMT_N
} rv_fmt_t;
rv_fmt_t rv_op_format(unsigned op);

/* Instruction classes of the summary. */
typedef enum {
  CLS_ALU,
  CLS_MUL,
  CLS_DIV,
  CLS_LOAD,
  CLS_STORE,
  CLS_BRANCH,
  CLS_JAL,
  CLS_JALR,
  CLS_CSR,
  CLS_SYSTEM, /* ecall ebreak mret wfi (ecall/ebreak never retire: 0) */
  CLS_FENCE,
  CLS_CALLID, /* callid xlat ctlb.inv ctlb.bcast ctlb.sync */
  CLS_COUNT
} insn_class_t;
insn_class_t rv_op_class(unsigned op);
const char *rv_class_name(insn_class_t c);

/* Causes of the cycles in which no instruction entered EX (docs/timing.md). */
typedef enum {
  STALL_LOAD_USE, /* operand produced by a load not yet loaded */
  STALL_MULDIV,   /* previous instruction still in a multi-cycle EX */
  STALL_DMEM,     /* MEM occupied by a slow load/store, EX could not drain */
  STALL_IMEM,     /* fetch latency */
  STALL_BRANCH,   /* taken branch redirect (resolved in EX) */
  STALL_JAL,      /* jal redirect (in ID) */
  STALL_JALR,     /* jalr redirect (in EX) */
  STALL_TRAP,     /* trap, interrupt or mret redirect (in EX) */
  STALL_WFI,      /* wfi waiting in EX for the timer */
  STALL_CTLB,     /* callid/xlat held in EX by a table walk */
  STALL_CTLB_PORT, /* ... waiting for a shared CTLB's request port (only
                      shown with --ctlb-shared) */
  STALL_COUNT
} stall_t;
const char *rv_stall_name(stall_t s);

/* ------------------------------------------------------------------ state */

/* The platform's configuration (all harts alike). */
typedef struct {
  unsigned harts;      /* 1 (the CLINT has room for PLAT_MAX_HARTS) */
  uint64_t ram_size;   /* bytes, multiple of 4096, 4 KiB .. 2 GiB */
  uint32_t imem_lat;   /* cycles a fetch spends in IF (>= 1) */
  uint32_t dmem_lat;   /* cycles a load/store spends in MEM (>= 1) */
  uint32_t mul_lat;    /* cycles a mul* occupies EX (>= 1) */
  uint32_t div_lat;    /* cycles a div/rem occupies EX (>= 1) */
  uint32_t mtime_div;  /* mtime advances by one every mtime_div cycles */
  uint64_t max_cycles; /* 0: no limit */
  /* the call-translation accelerator */
  int xlat_backend;   /* xlat_backend_t */
  xlat_config_t xlat; /* CTLB geometry */
  int lockstep;       /* clock it every cycle (else only while it works) */
  int no_finisher;    /* no test finisher: stores there fault (Spike's map) */
  /* several harts (docs/platform.md) */
  unsigned quantum;       /* the schedule's quantum, cycles (PLAT_QUANTUM) */
  unsigned bcast_latency; /* the broadcast interconnect's latency */
  int check_shootdown;    /* --check-shootdown */
  int ctlb_shared;        /* --ctlb-shared: one CTLB for every hart */
} cpu_config_t;

void cpu_config_default(cpu_config_t *c);

typedef enum {
  STOP_NONE = 0,
  STOP_TOHOST,     /* tohost store with bit 0 set */
  STOP_FINISHER,   /* test finisher store */
  STOP_MAX_CYCLES, /* --max-cycles reached */
  STOP_FATAL_TRAP, /* trap with mtvec == 0, or a double fault */
  STOP_SIM_ERROR,  /* the simulator could not go on (platform fatal_msg) */
  STOP_WFI,        /* a wfi would wait until CPU_CYCLE_CEILING or later */
  STOP_ROI,        /* a ROI stop marker (sim/roi.h) */
  STOP_CTLB_PARK,  /* not an end: a hart parked on a shared CTLB (the
                      platform clears it at once) */
} stop_t;

/* Cycles stay below this: a wfi whose timer would wake the hart only at this
 * cycle or later (or never within 64 bits) ends the run (STOP_WFI), so no
 * cycle figure or counter can wrap around. */
#define CPU_CYCLE_CEILING (1ull << 63)

/* Pipeline timestamps of the last instruction that entered EX (the cycle it
 * entered EX, MEM, WB), the cycle the next instruction enters IF if IF is
 * free (the last one's ID entry, or its redirect), the last redirect and the
 * cycle each register's value can be forwarded to EX. */
typedef struct {
  uint64_t f, e, m, w;
  uint64_t m_raised; /* the last M that waited for the WB ahead (not E + X;
                        0: none), for the stall statistics */
  unsigned ex_cause; /* stall_t of the last multi-cycle EX occupancy */
  uint64_t redir;
  unsigned redir_cause; /* stall_t of the pending redirect */
  uint64_t ctlb_x;      /* walk cycles of the last callid/xlat miss, counted
                           as STALL_CTLB when its gap is classified */
  uint64_t ctlb_w;      /* the first ctlb_w of them: waiting for a shared
                           CTLB's port (STALL_CTLB_PORT) */
  unsigned ctlb_rest;   /* stall_t of the rest of that gap */
  uint64_t ready[32];
} pipe_t;

typedef struct {
  uint64_t op[OP_COUNT]; /* retired instructions per op */
  uint64_t br_taken;
  uint64_t traps;      /* synchronous exceptions taken */
  uint64_t interrupts; /* interrupts taken */
  uint64_t stall[STALL_COUNT];
  uint64_t first_ex;            /* cycle the first instruction entered EX */
  uint64_t callids;             /* callid executed (retired or faulted) */
  uint64_t callid_cost;         /* their cost: EX cycles + 1 + imem_lat each
                                   (cycles per call, docs/timing.md) */
  uint64_t patches;             /* --patch-at patches applied */
  uint64_t patches_not_applied; /* --patch-at patches whose trigger never came
                                   (set at the end of the run) */
} stats_t;

/* When a --patch-at applies (docs/ctsim.md). */
typedef enum {
  PATCH_AT_CYCLE,  /* the first instruction boundary with E >= cycle */
  PATCH_AT_ENTRY,  /* the boundary where the pc first equals `at` (the
                      instruction there has not executed) */
  PATCH_AT_CALLID, /* just before the nth callid of id looks it up */
} patch_kind_t;

/* One --patch-at: when its trigger comes, the leaf entry of id becomes
 * addr | 3 and id is invalidated. */
typedef struct {
  patch_kind_t kind;
  uint64_t cycle; /* PATCH_AT_CYCLE */
  uint32_t at;    /* PATCH_AT_ENTRY: the address */
  uint64_t nth;   /* PATCH_AT_CALLID: the count, >= 1 */
  uint64_t seen;  /* PATCH_AT_CALLID: callids of id so far */
  int applied;
  uint32_t id, addr;
  const char *name; /* the symbol (or the address as given) */
  const char *arg;  /* the whole --patch-at argument */
} patch_t;

/* A hart: one plain struct of per-hart state; what all harts share (RAM,
 * decoded cache, devices, configuration, stop state) is its platform's. */
typedef struct hart {
  uint32_t x[32];
  uint32_t pc;
  unsigned id;           /* mhartid: the index in the platform */
  struct platform *plat; /* the platform it is a component of */

  /* CSRs */
  uint32_t mstatus; /* MIE, MPIE; MPP reads as 3 */
  uint32_t mie;     /* MSIE, MTIE */
  uint32_t mtvec, mepc, mcause, mtval, mscratch;
  uint64_t cycle_off;   /* mcycle = EX-entry cycle + cycle_off */
  uint64_t instret_off; /* minstret = retired + instret_off */

  /* Earliest EX-entry cycle at which the run loop must look at the timer
   * interrupt or the cycle limit (min of both; UINT64_MAX: never). */
  uint64_t event_cycle;
  uint64_t now; /* EX-entry cycle of the instruction being executed */
  uint64_t retired;
  uint64_t trap_retired; /* h->retired when the last trap was taken */
  int trapped;           /* a trap has been taken */

  pipe_t p;
  stats_t st;

  FILE *log;      /* commit log or NULL */
  int log_disasm; /* --log-disasm: the disassembly on every log line */
  /* the program's symbols, ct_registry and .ct_geometry (NULL: none) */
  const elf_names_t *names;
  id_table_t ids; /* per-function figures (sim/idstat.h) */
  id_switches_t
      *switches; /* the patches that took effect (allocated on the first) */

  /* call-ID extension */
  /* the A extension: the RAM offset of the word lr.w reserved; valid while
   * the hart's bit is set in the platform's resv_mask and the word's
   * decoded-cache entry is OP_RESV (docs/isa.md) */
  uint32_t resv;

  uint32_t ctroot;        /* CSR 0x7C0: bits 31:2 base, bit 0 enable */
  uint32_t ctcause;       /* CSR 0xFC5 */
  struct plat_accel *acc; /* its accelerator, a component of the platform */
  uint64_t dport_free;    /* first cycle the data-memory port is free (W of the
                             last load/store) */
  patch_t *patches;       /* PATCH_AT_CYCLE, sorted by cycle */
  unsigned npatches, next_patch;
  /* the other triggers: checked only when an instruction word is decoded
   * (the first entry of an address always decodes it) and in callid, and
   * only while entry_watch / callid_watch count pending ones */
  patch_t *tpatches;
  unsigned ntpatches, entry_watch, callid_watch;
  struct ctw *trace;   /* --record-trace writer or NULL */
  int wave_open;       /* a waveform of h->xl is open (--wave) */
  struct cpu_obs *obs; /* per-instruction observer (sim/obs.h) or NULL */
  uint32_t obs_pc;     /* (observed run loop) pc of the instruction at now */
  uint64_t trace_next; /* cycle after the last recorded event completed */
  int trace_failed;
  struct roi *roi; /* region-of-interest state, from the first marker */

  uint64_t pause_at; /* cpu_run_until's bound (0: none) */

  /* decoded blocks with their static timing (cpu.c, docs/ctsim.md "Speed"):
   * allocated on first use; no_blocks (CTSIM_NO_BLOCKS=1) runs every
   * instruction through its own handler, the reference */
  struct blk *blk;
  int no_blocks;
  uint32_t *blk_list, blk_nlist; /* the slots ever built into, in order */
  /* blocks run in full, their instructions, blocks left before their end,
   * blocks built, blocks entered by a lookup (the others through a link
   * from the block before; --host-stats) */
  uint64_t blk_runs, blk_insns, blk_exits, blk_built, blk_looked_up;
  uint64_t blk_serial; /* slots (re)built: a block's serial */

  /* Several harts: a wfi that waits for a software interrupt another hart
   * may raise stops the hart before it executes (its pc, h->now = its E):
   * wfi_park. The platform lets it go on (wfi_resume) once nothing can wake
   * it earlier than wfi_wake, the cycle its EX ends (docs/platform.md). */
  int wfi_park, wfi_resume;
  uint64_t wfi_wake;

  /* A shared CTLB (--ctlb-shared): a lookup whose answer depends on what
   * other harts may still do stops the hart before it executes (ctlb_park,
   * the request in ctlb_id/ctlb_root); the platform resumes it with the
   * answer (ctlb_resume, ctlb_ans_*; ctlb_port_at: the cycle its request
   * was presented, docs/platform.md). */
  int ctlb_park, ctlb_resume;
  uint32_t ctlb_id, ctlb_root;
  uint64_t ctlb_port_at, ctlb_ans_at;
  uint32_t ctlb_addr;
  unsigned ctlb_fault;
  int ctlb_hit;

  /* fatal trap report (STOP_FATAL_TRAP) */
  uint32_t fatal_cause, fatal_pc, fatal_tval, fatal_double;
} hart_t;

/* Sets up hart number id of platform p (plat_init does it). */
void cpu_hart_init(hart_t *h, struct platform *p, unsigned id);
/* Frees what the hart allocated (its accelerator, per-function figures). */
void cpu_hart_free(hart_t *h);

/* Creates the accelerator now (instead of at its first use) and opens a
 * waveform of it (xlat_trace_open_to: VCD to fd, or FST to path if fst);
 * closed by cpu_free. Returns -1 with a message in err on failure. */
int cpu_wave_open(hart_t *h, int fst, int fd, const char *path, uint64_t from,
                  uint64_t to, int walks_only, unsigned margin, char *err,
                  size_t errlen);

/* With a waveform and an observer (h->obs->wave): clocks the accelerator with
 * idle inputs up to cycle c (not included), applying the --patch-at
 * invalidates deferred to the cycles on the way (sim/obs.h). */
void cpu_wave_step_to(hart_t *h, uint64_t c);

/* At the end of a run with a waveform: clocks the accelerator up to the
 * run's last cycle, so that the dump holds the whole run. */
void cpu_wave_finish(hart_t *h);

/* Before the accelerator's counters are read in the instruction at h->now:
 * applies the --patch-at invalidates a waveform deferred to it (nothing to do
 * without them). */
void cpu_wave_settle(hart_t *h);

/* Runs until the program stops (the platform's stop != STOP_NONE). */
void cpu_run(hart_t *h);

/* What the hart's decoded blocks ran that its counters (h->st.op,
 * h->st.br_taken, h->blk_runs, h->blk_insns) do not hold yet, added to op,
 * br_taken, runs and insns: a block counts its runs, and its instructions
 * go into h->st.op when its slot is rebuilt. Every reader of those counters
 * adds this (roi_counters). */
void cpu_block_counts(const hart_t *h, uint64_t *op, uint64_t *br_taken, uint64_t *runs,
                      uint64_t *insns);
/* Moves those counts into the hart's counters. */
void cpu_block_fold(hart_t *h);

/* Runs until the program stops or the next instruction would enter EX at
 * cycle `until` or later (it has not executed; h->now is that cycle).
 * Returns 1 if the program stopped. Running in bounded pieces gives the same
 * results as cpu_run. */
int cpu_run_until(hart_t *h, uint64_t until);

/* Several harts: the cycle a parked wfi (h->wfi_park) would end on its own
 * (its timer; UINT64_MAX: never) or by the software interrupt pending from
 * msip_at, whichever comes first. */
uint64_t cpu_wfi_wake(const hart_t *h);

/* Recomputes h->event_cycle after a change of mstatus, mie, mtime, mtimecmp,
 * msip. */
void cpu_update_event(hart_t *h);

/* Total cycles so far: the cycle after the last WB. */
uint64_t cpu_cycles(const hart_t *h);

const char *rv_cause_name(uint32_t cause);

#endif /* CTSIM_CPU_H */
