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
  uint32_t segments; /* PT_LOAD segments loaded */
} elf_info_t;

/* Checks the file and copies its PT_LOAD segments (by physical address) into
 * RAM. On error writes one line "<path>: <problem>" into err and returns -1. */
int elf_load(const char *path, mem_t *mem, elf_info_t *info, char *err,
             size_t errlen);

#endif /* CTSIM_ELF_H */
