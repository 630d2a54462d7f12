/*
 * trap.h: machine-mode trap handling in C.
 *
 * crt0.S points mtvec (direct mode) at trap_entry, which saves all 31 integer
 * registers plus mepc/mcause/mtval/mstatus in a struct trap_frame on the current
 * stack, calls trap_dispatch(frame), then restores every register from the frame
 * (so a handler may change any of them, e.g. frame->mepc to resume elsewhere or
 * frame->x[10] to return a value in a0) and executes mret.
 *
 * trap_dispatch() looks the cause up in two tables:
 *   trap_set_handler(cause, fn)      synchronous exceptions, cause 0..31
 *                                    (e.g. CAUSE_ILLEGAL_INSTRUCTION, CAUSE_CALLID_FAULT)
 *   trap_set_irq_handler(irq, fn)    interrupts, code 0..31 (e.g. IRQ_M_TIMER)
 * Both return the previous handler (NULL if none). Passing NULL uninstalls.
 * A cause with no handler ends the program: trap_default() prints
 *   "trap: unhandled <exception|interrupt> cause=N mepc=0x... mtval=0x..."
 * and calls _exit(FW_EXIT_TRAP).
 *
 * An exception handler that wants to skip the trapping instruction sets
 * frame->mepc += 4. Handlers run with interrupts disabled (mstatus.MIE = 0).
 */
#ifndef FW_TRAP_H
#define FW_TRAP_H

#define FW_EXIT_TRAP 4 /* exit code after an unhandled trap */

/* Offsets used by crt0.S; checked against the struct in runtime.c. */
#define TRAP_FRAME_MEPC (32 * 4)
#define TRAP_FRAME_MCAUSE (33 * 4)
#define TRAP_FRAME_MTVAL (34 * 4)
#define TRAP_FRAME_MSTATUS (35 * 4)
#define TRAP_FRAME_SIZE (36 * 4)

#ifndef __ASSEMBLER__
#include <stdint.h>

struct trap_frame {
  uint32_t x[32]; /* x[0] unused; x[1] = ra, x[2] = sp at the trap, ... */
  uint32_t mepc;
  uint32_t mcause;
  uint32_t mtval;
  uint32_t mstatus;
};

typedef void (*trap_handler_t)(struct trap_frame *frame);

trap_handler_t trap_set_handler(unsigned cause, trap_handler_t fn);
trap_handler_t trap_set_irq_handler(unsigned irq, trap_handler_t fn);

void trap_dispatch(struct trap_frame *frame); /* called by trap_entry */
void trap_default(struct trap_frame *frame);  /* prints and exits */
void trap_entry(void);                        /* the mtvec target (crt0.S) */
#endif                                        /* __ASSEMBLER__ */

#endif /* FW_TRAP_H */
