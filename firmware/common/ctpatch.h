/*
 * ctpatch.h: the patch loader of the firmware runtime (docs/patching.md).
 *
 * A patch module (built by scripts/ctpatch-build) is an ELF32 relocatable
 * object holding changed functions, plus a section .ctpatch: the build ID of
 * the base image it applies to, a checksum, and the (function ID, symbol)
 * list. The loader checks it, places its sections in the patch arena,
 * applies its relocations, builds the new leaves in a copy of the affected
 * part of the call-ID table and switches that part with one entry store and
 * one CTLB flush, with interrupts off around those two instructions only: every
 * call is either before the switch (all old functions) or after it (all new).
 *
 *   ctpatch_poll()          asks the host (ctsim --load-patch, an HTIF
 *                           system call) for a module whose delivery cycle
 *                           has come; applies it (or a revert module) and
 *                           reports the outcome on the console and to the
 *                           host. Returns 0 when nothing was pending, else
 *                           the status (CTPATCH_APPLIED, _REVERTED, _REFUSED).
 *                           From the main loop or from an interrupt handler.
 *   ctpatch_poll_every(n)   a timer interrupt every n mtime ticks that calls
 *                           ctpatch_poll() (for programs that use no timer)
 *   ctpatch_apply(m, n, t)  the loader on n bytes at m (4-byte aligned, n a
 *                           multiple of 4) that arrived at mcycle t
 *   ctpatch_revert(name)    switches back to the table as it was before the
 *                           most recent patch (which must be `name`, or
 *                           name NULL) and frees its memory
 *   ctpatch_count()         patches applied and not reverted
 *   ctpatch_info(i)         the i-th of them (0 = the oldest)
 *   ctpatch_message()       the last report line (without the newline)
 *   ctpatch_busy()          nonzero from a module's arrival to its switch
 *                           (or refusal): for tests that interrupt the loader
 *
 * Link it with callid.c (the table geometry); compile it as it is (not
 * lowered by ctcc: it writes the table its own calls would go through).
 * CTPATCH_ARENA_BYTES (default 64 KiB) sizes the arena that holds the
 * received module, the loaded sections and the table copies.
 */
#ifndef FW_CTPATCH_H
#define FW_CTPATCH_H

#include <stdint.h>

#define CTPATCH_APPLIED 1
#define CTPATCH_REVERTED 2
#define CTPATCH_REFUSED 3

/* the HTIF system call of the delivery channel (docs/patching.md) */
#define CTPATCH_SYS 0x4350    /* 'CP' */
#define CTPATCH_SYS_PENDING 0 /* -> size of the pending module, 0: none */
#define CTPATCH_SYS_FETCH 1   /* (buf, cap) -> size; the bytes are at buf */
#define CTPATCH_SYS_STATUS 2  /* (status, msg, len): the outcome; drops it */

#define CTPATCH_NAME_MAX 32

typedef struct {
  char name[CTPATCH_NAME_MAX]; /* the module's name */
  uint32_t functions;          /* IDs it switched */
  uint32_t cycles;             /* mcycle from arrival to the switch */
  uint32_t bytes;              /* arena bytes it holds (code, data, tables) */
  volatile uint32_t *entry;    /* the table entry it switched (NULL: root entries) */
  uint32_t old_entry, new_entry;
  uint32_t nroot;  /* IDs under different root entries: how many it switched */
  uint32_t *roots; /* their {index, old, new} (in the arena) */
  uint32_t mark;   /* arena offset before it */
} ctpatch_info_t;

int ctpatch_poll(void);
void ctpatch_poll_every(uint32_t ticks);
int ctpatch_apply(const void *mod, uint32_t size, uint32_t arrival);
int ctpatch_revert(const char *name);
unsigned ctpatch_count(void);
const ctpatch_info_t *ctpatch_info(unsigned i);
const char *ctpatch_message(void);
int ctpatch_busy(void);

#endif /* FW_CTPATCH_H */
