/*
 * mem.h: ctsim's physical memory: RAM at RAM_BASE (host mmap with
 * MAP_NORESERVE, so untouched pages cost nothing) and the addresses of the
 * devices of docs/memory-map.md (sim/platform.c serves them).
 */
#ifndef CTSIM_MEM_H
#define CTSIM_MEM_H

#include <stddef.h>
#include <stdint.h>

#define RAM_BASE 0x80000000u

#define FINISHER_BASE 0x00100000u
#define CLINT_MSIP 0x02000000u     /* + 4 * hart */
#define CLINT_MTIMECMP 0x02004000u /* + 8 * hart */
#define CLINT_MTIME 0x0200BFF8u
#define CONSOLE_BASE 0x10000000u
#define CONSOLE_LSR 5u

#if !defined(__BYTE_ORDER__) || __BYTE_ORDER__ != __ORDER_LITTLE_ENDIAN__
#error "ctsim needs a little-endian host"
#endif

typedef struct {
  uint8_t *ram;
  uint32_t ram_size;     /* bytes */
  uint32_t tohost_off;   /* RAM offset of tohost, or TOHOST_NONE */
  uint32_t fromhost_off; /* RAM offset of fromhost, or TOHOST_NONE */
} mem_t;

#define TOHOST_NONE 0xFFFFFF00u

/* Maps size bytes of zeroed host memory that costs nothing until touched.
 * Returns NULL on failure. */
void *mem_map(size_t size);
void mem_unmap(void *p, size_t size);

#endif /* CTSIM_MEM_H */
