/*
 * obs.h: the per-instruction observer of ctsim's run loop, behind the views
 * of the pipeline (docs/waves.md): --pipeview (sim/pipeview.h, the Kanata
 * log) and the CPU scope of a --wave waveform ("hart0", xlat_trace_hart).
 *
 * The run loop is compiled twice (sim/cpu_loop.h); only its observed copy,
 * chosen when h->log or h->obs is set, calls these hooks, so the fast copy
 * pays nothing for them. Each instruction that entered EX (retired, trapped,
 * or an interrupt bubble) becomes one record with its stage-entry cycles,
 * the stall gap before it (taken from the stall statistics, docs/timing.md
 * "Stall statistics") and its lookup.
 */
#ifndef CTSIM_OBS_H
#define CTSIM_OBS_H

#include <stdint.h>

#include "cpu.h"
#include "elf.h"

struct pipeview;

typedef enum {
  OBS_RETIRED,   /* went through WB */
  OBS_TRAPPED,   /* an exception in EX (does not retire) */
  OBS_INTERRUPT, /* an interrupt bubble (in EX only) */
} obs_kind_t;

typedef struct {
  uint64_t seq;     /* instructions retired before it */
  uint32_t pc;      /* an interrupt: the interrupted instruction's */
  uint32_t insn;    /* its word (0: none fetched) */
  uint8_t op;       /* OP_*; OP_NONE for an interrupt or a fetch outside RAM */
  uint8_t kind;     /* obs_kind_t */
  uint64_t f, d, e; /* the cycles it entered IF, ID and EX */
  uint64_t xe;      /* E + X: its EX work was done (docs/timing.md) */
  uint64_t m;       /* it left EX: entered MEM (a trap: = xe) */
  uint64_t w;       /* it entered WB (retired only) */
  uint64_t pe;      /* E of the instruction before (0: none) */
  /* the gap pe + 1 .. e - 1 (no instruction entered EX): up to two causes
   * (stall_t) in order, the first one's cycles first */
  uint8_t gap_cause[2];
  uint64_t gap_len[2];
  /* a callid or xlat: the ID, the answer's cycle, address and fault */
  uint8_t lookup;
  uint8_t fault;
  uint32_t id, addr;
  uint64_t answer;
  uint32_t cause; /* a trap's mcause */
} obs_insn_t;

#define OBS_RING 8
#define OBS_MAX_PEND 256

typedef struct cpu_obs {
  const elf_names_t *sym;     /* the program's names (may be empty) */
  struct pipeview *pv;        /* --pipeview, or NULL */
  int wave;                   /* the CPU scope of a waveform (obs_wave_fill) */
  uint64_t seen[STALL_COUNT]; /* h->st.stall at the last record */
  uint64_t pe;                /* E of the last record */
  obs_insn_t ring[OBS_RING];  /* the last records, ring[head] the newest */
  unsigned nring, head;
  /* the instruction in EX that uses the accelerator, before its record */
  obs_insn_t cur;
  int cur_valid;
  /* waveform: --patch-at invalidates wait until the accelerator has been
   * clocked up to their cycle (so that the stall causes of the cycles before
   * are known when those are dumped) */
  struct {
    uint64_t at;
    uint32_t id, root;
  } pend[OBS_MAX_PEND];
  unsigned npend, pend_next;
  char fn_buf[2][96]; /* text of the hart scope */
} cpu_obs_t;

/* hooks of the observed run loop */
void obs_retire(hart_t *h, uint64_t seq, uint32_t pc, uint32_t insn,
                unsigned op, uint64_t f, uint64_t d, uint64_t e, uint64_t x,
                uint64_t m, uint64_t w);
void obs_trap(hart_t *h, uint64_t seq, uint32_t pc, uint32_t insn, unsigned op,
              uint64_t f, uint64_t d, uint64_t e, uint64_t tx, uint32_t cause,
              int interrupt);
/* hooks of cpu.c's accelerator code: the instruction at h->obs_pc entered
 * EX at e and drives the accelerator (lookup: a callid/xlat of id); its
 * answer */
void obs_ex(hart_t *h, uint64_t e, int lookup, uint32_t id);
void obs_answer(hart_t *h, uint64_t a, uint32_t addr, unsigned fault);

/* The hart scope's values of cycle c (an xlat_wave_hart_fn, ctx the hart). */
void obs_wave_fill(void *ctx, uint64_t c, const xlat_out_t *out,
                   xlat_wave_hart_t *hw);

#endif /* CTSIM_OBS_H */
