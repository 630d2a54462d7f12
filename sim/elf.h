/*
 * elf.h: loads a little-endian ELF32 RISC-V executable into ctsim's RAM.
 */
#ifndef CTSIM_ELF_H
#define CTSIM_ELF_H

#include <stddef.h>
#include <stdint.h>

#include "mem.h"

typedef struct {
  uint32_t entry;
  uint32_t tohost; /* address of the symbol `tohost`, if has_tohost */
  int has_tohost;
  uint32_t fromhost; /* `fromhost`, if has_fromhost */
  int has_fromhost;
  /* `begin_signature` and `end_signature` (not checked: --signature does) */
  uint32_t sig_begin, sig_end;
  int has_sig_begin, has_sig_end;
  uint32_t segments; /* PT_LOAD segments loaded */
} elf_info_t;

/* Checks the file and copies its PT_LOAD segments (by physical address) into
 * RAM. On error writes one line "<path>: <problem>" into err and returns -1. */
int elf_load(const char *path, mem_t *mem, elf_info_t *info, char *err,
             size_t errlen);

/* Looks up a function symbol (STT_FUNC, or STT_NOTYPE as assembly labels
 * are) by name. Returns 0 with its address, 1 if there is none, -1 with a
 * message in err if the file cannot be read. */
int elf_symbol(const char *path, const char *name, uint32_t *addr, char *err,
               size_t errlen);

/* ------------------------------------------------------------ names */

/* What a program says about its functions (docs/isa.md, "Sections"): its
 * symbols by address, the ct_registry section ({uint32 id, uint32 address}
 * pairs) and the .ct_geometry section (the table geometry it was built for).
 *
 * Symbols: the function symbols (STT_FUNC) and the labels of assembly
 * (STT_NOTYPE, not absolute, not ".L..." or "$..." mapping symbols). One name
 * per address (names of printable ASCII only), in this order of preference:
 * function over label, global over weak over local, then the first in the
 * symbol table. A local function's name is "symbol@unit", unit the base name of
 * the STT_FILE symbol before it (the source file; idmap.py's rule), when there
 * is one. */
typedef struct {
  uint32_t addr;
  uint32_t rank; /* lower is preferred */
  const char *name;
} elf_sym_t;

typedef struct {
  uint32_t id, addr;
} elf_reg_t;

/* The views of the code (--wave's CPU scope, --pipeview; docs/waves.md) name
 * the function a pc is in: the function symbols and labels of executable
 * sections (not ".L..." or "$..."), by their plain names, one per address (a
 * function over a label, a global over another binding, then the symbol
 * table's order), each with its size (0: a label, extent unknown). */
typedef struct {
  uint32_t addr, size;
  uint32_t rank; /* lower is preferred */
  const char *name;
} elf_code_sym_t;

typedef struct elf_names {
  char *strs;      /* the names (one block) */
  elf_sym_t *syms; /* sorted by address, one per address */
  size_t nsyms;
  elf_reg_t *regs; /* the registry sorted by ID (the first pair of an ID) */
  size_t nregs;
  elf_code_sym_t *code; /* the code's symbols, sorted by address */
  size_t ncode;
  int has_geometry; /* a .ct_geometry section */
  unsigned geo_levels, geo_bits[4];
} elf_names_t;

/* Reads the names of the ELF at path (elf_load has checked it). An ELF
 * without symbols or sections has none. A malformed ct_registry (not a
 * multiple of 8 bytes, beyond the end of the file) or .ct_geometry section
 * is an error: -1 with one line "<path>: <problem>" in err. */
int elf_names_load(const char *path, elf_names_t *n, char *err, size_t errlen);
void elf_names_free(elf_names_t *n);

/* The name of the symbol at addr, NULL if none (n may be NULL). */
const char *elf_name_at(const elf_names_t *n, uint32_t addr);

/* The address id is registered with: 0 with it in *addr, -1 if none. */
int elf_registry_addr(const elf_names_t *n, uint32_t id, uint32_t *addr);

/* The name of function id: the symbol at its registered address, NULL if
 * it is not registered or has no symbol there. */
const char *elf_id_name(const elf_names_t *n, uint32_t id);

/* The function pc is in (the code's symbols): one whose extent holds pc, else
 * the nearest symbol below it; *off (if not NULL) is pc minus its address.
 * NULL if no symbol is at or below pc (n may be NULL). */
const char *elf_code_fn(const elf_names_t *n, uint32_t pc, uint32_t *off);

/* "NAME" or "NAME+0xOFF" of pc into buf (empty if unknown); returns buf. */
const char *elf_code_fn_text(const elf_names_t *n, uint32_t pc, char *buf,
                             size_t len);

/* The code's name of the function registered for id (its symbol exactly at
 * the registered address), NULL if unknown. */
const char *elf_code_id_fn(const elf_names_t *n, uint32_t id);

#endif /* CTSIM_ELF_H */
