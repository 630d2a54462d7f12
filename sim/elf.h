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

#endif /* CTSIM_ELF_H */
