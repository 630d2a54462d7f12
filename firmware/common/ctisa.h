/*
 * ctisa.h: assembler mnemonics of the call-ID extension (docs/isa.md), for
 * hand-written assembly. binutils 2.40 has none, so these GAS macros spell
 * out the .insn words of docs/isa.md:
 *
 *     callid   rd, rs1      .insn r CUSTOM_0, 0, 0, rd, rs1, x0
 *     ctlb.inv rs1          .insn r CUSTOM_0, 1, 0, x0, rs1, x0
 *     ctlb.flush            .insn r CUSTOM_0, 1, 0, x0, x0, x0  (= ctlb.inv x0)
 *     xlat     rd, rs1      .insn r CUSTOM_0, 2, 0, rd, rs1, x0
 *     ctlb.bcast rs1        .insn r CUSTOM_0, 3, 0, x0, rs1, x0
 *     ctlb.bcastflush       .insn r CUSTOM_0, 3, 0, x0, x0, x0  (= ctlb.bcast x0)
 *     ctlb.sync             .insn r CUSTOM_0, 4, 0, x0, x0, x0
 *
 * Registers by number (x5) or ABI name (t0). Use it from a .S file (which
 * the C preprocessor runs over) with
 *     #include "ctisa.h"
 * or from a plain .s file with GAS's own
 *     .include "ctisa.h"
 * (the '#' lines below are comments to GAS, and the .ifndef guard makes a
 * second inclusion harmless either way). Not for C: C code calls by ID
 * through callid.h. The SDK ships it in include/ (make sdk).
 */
#ifndef FW_CTISA_H
#define FW_CTISA_H

.ifndef .Lctisa_h_included
.set .Lctisa_h_included, 1

/* callid rd, rs1: rd = pc + 4; pc = translate(x[rs1]) */
.macro callid rd, rs1
  .insn r CUSTOM_0, 0, 0, \rd, \rs1, x0
.endm

/* ctlb.inv rs1: drop the CTLB entry of ID x[rs1]; rs1 = x0 flushes all */
.macro ctlb.inv rs1
  .insn r CUSTOM_0, 1, 0, x0, \rs1, x0
.endm

/* ctlb.flush: ctlb.inv x0 */
.macro ctlb.flush
  .insn r CUSTOM_0, 1, 0, x0, x0, x0
.endm

/* xlat rd, rs1: rd = translate(x[rs1]), or (fault code << 2) | 1 */
.macro xlat rd, rs1
  .insn r CUSTOM_0, 2, 0, \rd, \rs1, x0
.endm

/* ctlb.bcast rs1: ctlb.inv x[rs1] in every hart's CTLB; rs1 = x0 flushes
 * them all */
.macro ctlb.bcast rs1
  .insn r CUSTOM_0, 3, 0, x0, \rs1, x0
.endm

/* ctlb.bcastflush: ctlb.bcast x0 */
.macro ctlb.bcastflush
  .insn r CUSTOM_0, 3, 0, x0, x0, x0
.endm

/* ctlb.sync: wait until this hart's broadcasts are done at every CTLB */
.macro ctlb.sync
  .insn r CUSTOM_0, 4, 0, x0, x0, x0
.endm

.endif

#endif /* FW_CTISA_H */
