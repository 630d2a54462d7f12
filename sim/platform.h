/*
 * platform.h: the machine ctsim simulates: the RAM and its decoded-instruction
 * cache, the devices of docs/memory-map.md (CLINT with one msip and one
 * mtimecmp per hart, HTIF tohost/fromhost, console, test finisher), the stop
 * state of the run and its harts (sim/cpu.h), which are clocked components of
 * it. docs/platform.md describes the design and the platform cycle.
 */
#ifndef CTSIM_PLATFORM_H
#define CTSIM_PLATFORM_H

#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "cpu.h"
#include "ctlb_bcast.h"
#include "mem.h"

#ifdef __cplusplus
extern "C" {
#endif

/* The CLINT's per-hart registers are laid out for this many harts. */
#define PLAT_MAX_HARTS 16

/* Several harts: the most cycles a hart runs ahead of the one furthest
 * behind (the quantum of docs/platform.md): the default of --quantum, which
 * takes 1..PLAT_QUANTUM_MAX. */
#define PLAT_QUANTUM 1000
#define PLAT_QUANTUM_MAX 1000000

/* The default of --bcast-latency (model/ctlb_bcast.h: cycles from a
 * ctlb.bcast to the other CTLBs, and back). */
#define PLAT_BCAST_LATENCY 4

/* A broadcast invalidate on its way to an accelerator: its invalidate port
 * in cycle `at` (the requests of one cycle merged, bcast_port_add). */
typedef struct {
  uint64_t at;
  bcast_port_t port;
  uint32_t from; /* bit h: it carries a broadcast of hart h */
} plat_inv_t;

/* A hart's call-translation accelerator (model/xlat.h) as a clocked
 * component of the platform: the hart posts a lookup for a cycle, the
 * platform clocks the accelerator from then on, serving its walker's reads
 * through the hart's data port, and the answer carries the cycle it came in
 * (docs/platform.md). */
typedef struct plat_accel {
  xlat_t *xl;    /* created at the hart's first call-ID instruction */
  uint64_t now;  /* lock-step: the next cycle to clock with idle inputs */
  const uint64_t *dport_free; /* its hart's (the data-port arbiter's input) */
  /* the posted lookup */
  uint64_t req_at; /* the cycle it is presented in */
  uint32_t req_id, root;
  uint64_t next; /* the next cycle of the lookup to clock */
  /* the walker's read in flight: answered in cycle pend_at */
  int pend;
  uint64_t pend_at;
  uint32_t pdata;
  uint8_t perr;
  /* the answer (plat_accel_clock returned 1) */
  uint64_t ans_at;
  uint32_t ans_addr;
  unsigned ans_fault;
  int ans_hit;
  /* broadcasts of other harts on their way to it (ctlb.bcast), by cycle:
   * inv[inv_head .. ninv - 1]; applied when it is clocked at or past their
   * cycle (docs/platform.md "Shootdowns") */
  plat_inv_t *inv;
  unsigned inv_head, ninv, inv_cap;
  /* --ctlb-shared (docs/platform.md "A shared CTLB"): accel[0] serves every
   * hart through an arbiter with a request port per hart */
  int shared;
  int nofast;         /* lock-step or shared: no xl_lookup hit shortcut */
  int owner;          /* the hart whose request it is clocking (-1: none) */
  uint32_t wait;      /* bit i: hart i parked with a request not presented */
  uint64_t port_free; /* the first cycle the port takes a request */
  uint64_t waits, wait_cycles; /* requests that waited for the port, and
                                  the cycles they waited */
} plat_accel_t;

typedef struct platform {
  cpu_config_t cfg; /* shared by all harts */
  mem_t mem;        /* RAM, tohost/fromhost offsets */
  /* The decoded cache: one entry per RAM word (and one past the end), lazily
   * filled. It caches RAM, so one for all harts: any store into RAM (by a
   * hart, the host side of HTIF, --patch-at) resets the entries it covers. */
  dinsn_t *dc;
  /* counts the resets of decoded entries: a decoded block (sim/cpu.c) built
   * at another count may hold stale code */
  uint32_t code_gen;
  int ram_ext; /* RAM given to plat_init: not unmapped by plat_free */

  /* CLINT: mtime(c) = c / mtime_div + mtime_off; per hart msip (bit 0) and
   * mtimecmp */
  uint64_t mtime_off;
  uint64_t mtimecmp[PLAT_MAX_HARTS];
  uint32_t msip[PLAT_MAX_HARTS];
  /* the cycle hart i sees msip[i] set from: the store's E + 1 */
  uint64_t msip_at[PLAT_MAX_HARTS];

  /* the broadcast interconnect (model/ctlb_bcast.h): the cycle every
   * broadcast hart i has issued is complete (0: none yet) */
  uint64_t bcast_done[PLAT_MAX_HARTS];
  /* bit h: hart h's ctlb.sync retires before its next instruction
   * (plat_sync_retire) */
  uint32_t sync_due;
  /* --check-shootdown (sim/shootchk.h), or NULL */
  struct shoot_chk *shoot;

  /* the A extension's reservations: bit i set while hart i holds one (the
   * word at hart[i].resv, whose decoded-cache entry is OP_RESV until a write
   * into the word resets it) */
  uint32_t resv_mask;

  unsigned htif_written; /* tohost bytes stored since the host last looked */

  /* the stop state of the run */
  stop_t stop;
  uint32_t exit_code;
  const char *fatal_msg; /* a run-time error of the simulator (exit 2) */
  uint64_t wfi_wake;     /* STOP_WFI: the cycle the hart would wake
                            (UINT64_MAX: not within 64 bits) */

  unsigned nharts;    /* cfg.harts */
  unsigned stop_hart; /* the hart that ended the run (its stop state) */
  hart_t hart[PLAT_MAX_HARTS];
  plat_accel_t accel[PLAT_MAX_HARTS]; /* hart i's is accel[i] */

  /* Embedding (sim/sc/, docs/systemc.md); all NULL in ctsim itself.
   * walk_read: serves a walker read of addr: 0 with the word in *data, -1
   * for an error response; *lat (preset to dmem_lat) the cycles until the
   * answer, >= 1. NULL: the RAM word, dmem_lat cycles.
   * xl_open: supplies a hart's accelerator at its first use (NULL on error
   * with a message in err); the platform does not destroy it. NULL:
   * xlat_create. */
  int (*walk_read)(void *ctx, uint32_t addr, uint32_t *data, uint64_t *lat);
  xlat_t *(*xl_open)(void *ctx, char *err, size_t errlen);
  void *hook_ctx;
} platform_t;

/* Sets up the platform for cfg: RAM (mapped, or ram: ram_size zeroed bytes
 * provided by the caller, e.g. a TLM memory's DMI pointer), the decoded cache,
 * cfg->harts harts (mhartid 0..harts-1). Returns -1 with a message in err on
 * failure (then nothing needs freeing). */
int plat_init(platform_t *p, const cpu_config_t *cfg, uint8_t *ram, char *err,
              size_t errlen);
void plat_free(platform_t *p);

/* Every hart starts at entry; tohost's address (has_tohost 0: none). */
void plat_reset(platform_t *p, uint32_t entry, uint32_t tohost, int has_tohost);

/* Runs until the program stops (p->stop != STOP_NONE). */
void plat_run(platform_t *p);

/* Runs until the program stops or every hart's next instruction would enter
 * EX at cycle `until` or later (cpu_run_until). Returns 1 if it stopped.
 * With several harts, a hart may have run up to PLAT_QUANTUM cycles past
 * `until` (the schedule of docs/platform.md does not depend on it). */
int plat_run_until(platform_t *p, uint64_t until);

/* The platform cycle: the local time (the EX-entry cycle of the next
 * instruction, hart_t.now after a bounded run) of the hart that is furthest
 * behind; no device or hart can see an event before it any more. */
uint64_t plat_now(const platform_t *p);

/* Total cycles of the run: the latest hart's cpu_cycles. */
uint64_t plat_cycles(const platform_t *p);

/* mtime at cycle c. */
uint64_t plat_mtime(const platform_t *p, uint64_t c);

/* Device accesses (any address outside RAM) at cycle c (the EX-entry cycle of
 * the accessing instruction, docs/platform.md). Return 0 on success, -1 for an
 * access fault. A store that changes a hart's interrupt state recomputes its
 * event cycle. */
int plat_dev_load(platform_t *p, uint64_t c, uint32_t addr, unsigned size,
                  uint32_t *val);
int plat_dev_store(platform_t *p, uint64_t c, uint32_t addr, unsigned size,
                   uint32_t val);

/* A write into RAM by someone other than a hart's store (the host, a
 * patcher): the decoded entries of [off, off + n) become stale (and the
 * reservations of those words are gone). */
static inline void plat_ram_written(platform_t *p, uint32_t off, uint32_t n) {
  for (uint32_t w = off >> 2; w <= (off + n - 1) >> 2; w++)
    if (p->dc[w].op) p->dc[w].op = OP_NONE, p->code_gen++;
}

/* The data-port arbiter: can accelerator a have its hart's data port for a
 * walker read in cycle c? The hart's load or store holds it until its WB
 * (hart_t.dport_free) and goes first (docs/timing.md). */
static inline int plat_dport_free(const plat_accel_t *a, uint64_t c) {
  return c >= *a->dport_free;
}

/* Posts a lookup of id (root: the ctroot input) to accelerator a, to be
 * presented in cycle c; a must be idle. */
void plat_accel_catch_up(plat_accel_t *a, uint64_t c, uint32_t root);

static inline void plat_accel_lookup(plat_accel_t *a, uint64_t c, uint32_t id,
                                     uint32_t root) {
  if (a->ninv > a->inv_head) plat_accel_catch_up(a, c, root);
  a->req_at = a->next = c;
  a->req_id = id;
  a->root = root;
  a->pend = 0;
}

/* A lookup of id (root: the ctroot input) presented in cycle c that hits:
 * answered in c without clocking the general cycle (xlat_hit: exactly that
 * cycle, model/xlat.h), a->ans_* set; 1. Not a hit (or the RTL backend): 0,
 * nothing changed, and the caller posts and clocks the lookup. a must be idle
 * and its xlat_t created. */
static inline int plat_accel_hit(plat_accel_t *a, uint64_t c, uint32_t id,
                                 uint32_t root) {
  if (!xlat_hit(a->xl, id, root, (uint8_t)plat_dport_free(a, c), &a->ans_addr))
    return 0;
  a->ans_at = c;
  a->ans_fault = 0;
  a->ans_hit = 1;
  a->now = c + 1;
  return 1;
}

/* A walker read of addr accepted in cycle c (plat_accel_clock's slow path):
 * the embedding's memory system, else the RAM word (an error outside RAM),
 * answered dmem_lat cycles later. */
void plat_walk_read(platform_t *p, plat_accel_t *a, uint64_t c, uint32_t addr);

/* Clocks accelerator a through the cycles of its posted lookup, up to cycle
 * `to` (not included) or its answer, serving its walker's reads through the
 * data-port arbiter. Returns 1 when it answered (a->ans_*), 0 if it has not
 * before `to` (clocking on resumes there), -1 if it refused the request in
 * its first cycle. Inline: a callid's hit takes this path. */
static inline int plat_accel_clock(platform_t *p, plat_accel_t *a,
                                   uint64_t to) {
  xlat_in_t in;
  xlat_out_t out;
  memset(&in, 0, sizeof in);
  in.root = a->root;
  for (uint64_t c = a->next; c < to; c++) {
    in.req_valid = c == a->req_at;
    in.req_id = in.req_valid ? a->req_id : 0;
    in.mem_req_ready = (uint8_t)plat_dport_free(a, c);
    in.mem_rsp_valid = a->pend && c == a->pend_at;
    in.mem_rsp_err = in.mem_rsp_valid ? a->perr : 0;
    in.mem_rsp_data = in.mem_rsp_valid ? a->pdata : 0;
    in.inv_valid = 0, in.inv_all = 0, in.inv_id = 0;
    if (a->ninv > a->inv_head && a->inv[a->inv_head].at == c) {
      const bcast_port_t *q = &a->inv[a->inv_head++].port; /* a broadcast */
      in.inv_valid = 1, in.inv_all = q->all, in.inv_id = q->id;
    }
    xlat_step(a->xl, &in, &out);
    a->next = c + 1;
    if (c == a->req_at && !out.req_ready) return -1;
    if (in.mem_rsp_valid) a->pend = 0;
    if (out.mem_req_valid && in.mem_req_ready)
      plat_walk_read(p, a, c, out.mem_req_addr);
    if (out.rsp_valid) {
      a->ans_at = c;
      a->ans_addr = out.rsp_addr;
      a->ans_fault = out.rsp_fault;
      a->ans_hit = out.rsp_hit;
      a->now = c + 1;
      return 1;
    }
  }
  return 0;
}

/* One cycle c on the invalidate port of accelerator a: id, or every entry if
 * all (merged with a broadcast that arrives in c, bcast_port_add). */
void plat_accel_invalidate(plat_accel_t *a, uint64_t c, int all, uint32_t id,
                           uint32_t root);

/* The broadcasts on their way to accelerator a that arrive before cycle c
 * (in the past of its clock, or before its hart's next use of it, c), each
 * one cycle on its invalidate port (root: its hart's ctroot). */
void plat_accel_catch_up(plat_accel_t *a, uint64_t c, uint32_t root);

/* A shared CTLB (a->shared): a request of hart h, presented in cycle e, or
 * another hart's in flight or waiting (a walk of theirs is clocked only up
 * to the local times the others have reached). */
static inline int plat_accel_busy(const plat_accel_t *a) {
  return a->owner >= 0 || a->wait;
}

/* A lookup of hart h on the shared CTLB entering EX in cycle e (id, root:
 * h->ctlb_id, h->ctlb_root): presented and answered now when no other hart
 * can act on the CTLB before the answer (1: h->ctlb_ans_* set); else 0: h
 * waits parked until the platform has the answer (run_many). */
int plat_shared_lookup(platform_t *p, hart_t *h, uint64_t e);

/* ctlb.bcast of hart h in cycle e (all: a flush): its own accelerator's port
 * in e, every other one's in e + L (queued for when it gets there), complete
 * in e + 2L (model/ctlb_bcast.h). -1 if out of memory. */
int plat_bcast(platform_t *p, unsigned h, uint64_t e, int all, uint32_t id);

/* ctlb.sync of hart h entering EX in cycle e: the last cycle of its EX, the
 * first cycle >= e in which every broadcast of h is complete. */
static inline uint64_t plat_sync(const platform_t *p, unsigned h, uint64_t e) {
  return p->bcast_done[h] > e ? p->bcast_done[h] : e;
}

/* The ctlb.sync of hart h retired (several harts; called in schedule order
 * just before h's next instruction): a broadcast of h still on its way to a
 * hart k that is behind, whose arrival is at or past k's next possible
 * lookup, arrives in the cycle before it instead, so that every lookup
 * after the sync in the schedule sees it (docs/platform.md "Lazy
 * clocking"). */
void plat_sync_retire(platform_t *p, unsigned h);

/* Ends the run with a simulator error (exit status 2); msg must stay valid. */
void plat_error(platform_t *p, const char *msg);

#ifdef __cplusplus
}
#endif
#endif /* CTSIM_PLATFORM_H */
