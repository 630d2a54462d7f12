/*
 * symtab.h: the names a program's ELF gives its code, for the views that show
 * them (--wave's CPU scope, --pipeview; docs/waves.md): its function symbols
 * by address, and the call-ID registry (the allocated section `ct_registry`
 * of {uint32 id, uint32 address} pairs, firmware/common/callid.h).
 */
#ifndef CTSIM_SYMTAB_H
#define CTSIM_SYMTAB_H

#include <stddef.h>
#include <stdint.h>

typedef struct {
  uint32_t addr, size; /* size 0: an assembly label (unknown extent) */
  uint32_t rank;       /* at one address: the lowest rank is kept */
  const char *name;
} symtab_sym_t;

typedef struct {
  uint32_t id, addr;
} symtab_reg_t;

typedef struct {
  char *strs;         /* the names, one block */
  symtab_sym_t *syms; /* sorted by address, one per address */
  size_t nsyms;
  symtab_reg_t *regs; /* the registry in section order */
  size_t nregs;
} symtab_t;

/* Reads the function symbols (STT_FUNC, and STT_NOTYPE labels in executable
 * sections, not ".L..." or "$...") and the ct_registry section of the ELF at
 * path (elf_load has checked its headers). An ELF without either has none.
 * A ct_registry section that is not a whole number of pairs or lies beyond
 * the end of the file is an error: -1 with "PATH: PROBLEM" in err. */
int symtab_load(symtab_t *t, const char *path, char *err, size_t errlen);
void symtab_free(symtab_t *t);

/* The function pc is in: a function symbol whose extent holds pc, else the
 * nearest symbol below it; *off (if not NULL) is pc minus its address. NULL
 * if no symbol is at or below pc. */
const char *symtab_fn(const symtab_t *t, uint32_t pc, uint32_t *off);

/* "NAME" or "NAME+0xOFF" of pc into buf (empty if unknown); returns buf. */
const char *symtab_fn_text(const symtab_t *t, uint32_t pc, char *buf,
                           size_t len);

/* The address the registry gives id (the first pair of id): 0, or -1 if
 * the registry does not have it. */
int symtab_id_addr(const symtab_t *t, uint32_t id, uint32_t *addr);

/* The name of the function registered for id (the symbol at its address),
 * NULL if unknown. */
const char *symtab_id_fn(const symtab_t *t, uint32_t id);

#endif /* CTSIM_SYMTAB_H */
