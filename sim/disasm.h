/*
 * disasm.h: the disassembler of ctsim's instruction set (RV32IM + Zicsr +
 * the call-ID extension of docs/isa.md), for --log-disasm and build/ctdisasm
 * (docs/ctsim.md, "Commit log").
 *
 * The text is objdump's with ABI register names and a space after every
 * comma: `addi a0, a0, 1`, `lw a1, 8(t6)`, `csrr a0, mstatus`,
 * `callid ra, t0`, `ctlb.inv t0`, `xlat a0, t0`. Branch and jump targets are
 * absolute addresses, `0x80000104`, followed by ` <name>` when the program
 * has a symbol there. By default the common pseudo-instructions are used
 * (nop, li, mv, not, neg, seqz, snez, sltz, sgtz, beqz, bnez, blez, bgez,
 * bltz, bgtz, j, jal, jr, jalr, ret, csrr, csrw, csrs, csrc, csrwi, csrsi,
 * csrci, rdcycle[h], rdtime[h], rdinstret[h], fence); DIS_NO_ALIASES prints
 * every instruction under its own name, as objdump -M no-aliases. A word
 * that is no instruction of ctsim is `.4byte 0x...`.
 */
#ifndef CTSIM_DISASM_H
#define CTSIM_DISASM_H

#include <stddef.h>
#include <stdint.h>

#include "elf.h"

#define DIS_NO_ALIASES 1u

/* The ABI name of register r (0..31). */
const char *rv_reg_name(unsigned r);

/* The name of CSR number csr (the standard ones, and the call-ID CSRs of
 * docs/isa.md), NULL for others. */
const char *rv_csr_name(unsigned csr);

/* Writes the disassembly of the word w at address pc into buf (always
 * NUL-terminated, cut to n - 1 bytes); names (may be NULL) gives the
 * targets' names. Returns the length written. */
size_t rv_disasm(char *buf, size_t n, uint32_t pc, uint32_t w, unsigned flags,
                 const elf_names_t *names);

#endif /* CTSIM_DISASM_H */
