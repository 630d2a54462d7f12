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

#include "cpu.h"
#include "mem.h"

#ifdef __cplusplus
extern "C" {
#endif

/* The CLINT's per-hart registers are laid out for this many harts. */
#define PLAT_MAX_HARTS 16

typedef struct platform {
  cpu_config_t cfg; /* shared by all harts */
  mem_t mem;        /* RAM, tohost/fromhost offsets */
  /* The decoded cache: one entry per RAM word (and one past the end), lazily
   * filled. It caches RAM, so one for all harts: any store into RAM (by a
   * hart, the host side of HTIF, --patch-at) resets the entries it covers. */
  dinsn_t *dc;
  int ram_ext; /* RAM given to plat_init: not unmapped by plat_free */

  /* CLINT: mtime(c) = c / mtime_div + mtime_off; per hart msip (bit 0) and
   * mtimecmp */
  uint64_t mtime_off;
  uint64_t mtimecmp[PLAT_MAX_HARTS];
  uint32_t msip[PLAT_MAX_HARTS];

  unsigned htif_written; /* tohost bytes stored since the host last looked */

  /* the stop state of the run */
  stop_t stop;
  uint32_t exit_code;
  const char *fatal_msg; /* a run-time error of the simulator (exit 2) */
  uint64_t wfi_wake;     /* STOP_WFI: the cycle the hart would wake
                            (UINT64_MAX: not within 64 bits) */

  unsigned nharts; /* cfg.harts */
  hart_t hart[PLAT_MAX_HARTS];
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
 * EX at cycle `until` or later (cpu_run_until). Returns 1 if it stopped. */
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
 * patcher): the decoded entries of [off, off + n) become stale. */
static inline void plat_ram_written(platform_t *p, uint32_t off, uint32_t n) {
  for (uint32_t w = off >> 2; w <= (off + n - 1) >> 2; w++)
    if (p->dc[w].op) p->dc[w].op = OP_NONE;
}

/* Ends the run with a simulator error (exit status 2); msg must stay valid. */
void plat_error(platform_t *p, const char *msg);

#ifdef __cplusplus
}
#endif
#endif /* CTSIM_PLATFORM_H */
