/*
 * mem.h: ctsim's physical memory: RAM at RAM_BASE (host mmap with
 * MAP_NORESERVE, so untouched pages cost nothing) and the devices of
 * docs/memory-map.md (test finisher, CLINT timer, console), out of line.
 */
#ifndef CTSIM_MEM_H
#define CTSIM_MEM_H

#include <stddef.h>
#include <stdint.h>

#define RAM_BASE 0x80000000u

#define FINISHER_BASE 0x00100000u
#define CLINT_MTIMECMP 0x02004000u
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

struct hart;

/* Device accesses (any address outside RAM). Return 0 on success, -1 for an
 * access fault. h->now is the cycle of the access. */
int mem_dev_load(struct hart *h, uint32_t addr, unsigned size, uint32_t *val);
int mem_dev_store(struct hart *h, uint32_t addr, unsigned size, uint32_t val);

/* mtime at cycle c. */
uint64_t mem_mtime(const struct hart *h, uint64_t c);

#endif /* CTSIM_MEM_H */
