/*
 * mem.c: host memory for RAM and the decoded cache, and the devices of
 * docs/memory-map.md. Device accesses are rare, so they go byte by byte.
 */
#define _DEFAULT_SOURCE
#include "mem.h"

#include <stdio.h>
#include <string.h>
#include <sys/mman.h>

#include "cpu.h"

void *mem_map(size_t size) {
  void *p = mmap(NULL, size, PROT_READ | PROT_WRITE,
                 MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
  return p == MAP_FAILED ? NULL : p;
}

void mem_unmap(void *p, size_t size) {
  if (p) munmap(p, size);
}

uint64_t mem_mtime(const hart_t *h, uint64_t c) {
  return c / h->cfg.mtime_div + h->mtime_off;
}

/* Which device byte an address is; -1 if none. */
enum { DEV_FINISHER, DEV_MTIMECMP, DEV_MTIME, DEV_CONSOLE };

static int dev_of(uint32_t a, unsigned size, unsigned *off) {
  static const struct {
    uint32_t base, size;
  } devs[] = {
      [DEV_FINISHER] = {FINISHER_BASE, 4},
      [DEV_MTIMECMP] = {CLINT_MTIMECMP, 8},
      [DEV_MTIME] = {CLINT_MTIME, 8},
      [DEV_CONSOLE] = {CONSOLE_BASE, 8},
  };
  for (int i = 0; i < 4; i++) {
    uint32_t o = a - devs[i].base;
    if (o < devs[i].size && o + size <= devs[i].size) {
      *off = o;
      return i;
    }
  }
  return -1;
}

static uint64_t byte_mask(unsigned size) {
  return size >= 8 ? ~0ull : (1ull << (8 * size)) - 1;
}

int mem_dev_load(hart_t *h, uint32_t addr, unsigned size, uint32_t *val) {
  unsigned o = 0;
  int d = dev_of(addr, size, &o);
  uint64_t reg = 0;
  if (d == DEV_FINISHER && h->cfg.no_finisher) return -1; /* --no-finisher */
  switch (d) {
    case DEV_FINISHER:
      reg = 0;
      break;
    case DEV_MTIMECMP:
      reg = h->mtimecmp;
      break;
    case DEV_MTIME:
      reg = mem_mtime(h, h->now);
      break;
    case DEV_CONSOLE:
      reg = (uint64_t)0x60 << (8 * CONSOLE_LSR);
      break;
    default:
      return -1;
  }
  *val = (uint32_t)((reg >> (8 * o)) & byte_mask(size));
  return 0;
}

int mem_dev_store(hart_t *h, uint32_t addr, unsigned size, uint32_t val) {
  unsigned o = 0;
  int d = dev_of(addr, size, &o);
  if (d == DEV_FINISHER && h->cfg.no_finisher) return -1; /* --no-finisher */
  uint64_t m = byte_mask(size) << (8 * o);
  uint64_t v = ((uint64_t)val << (8 * o)) & m;
  switch (d) {
    case DEV_FINISHER:
      /* QEMU virt's sifive_test: 0x5555 pass, 0x3333 | code << 16 fail */
      if (size == 4) {
        if ((val & 0xffff) == 0x5555) {
          h->stop = STOP_FINISHER;
          h->exit_code = 0;
        } else if ((val & 0xffff) == 0x3333) {
          h->stop = STOP_FINISHER;
          h->exit_code = val >> 16;
        }
      }
      return 0;
    case DEV_MTIMECMP:
      h->mtimecmp = (h->mtimecmp & ~m) | v;
      cpu_update_event(h);
      return 0;
    case DEV_MTIME: {
      uint64_t t = (mem_mtime(h, h->now) & ~m) | v;
      h->mtime_off = t - h->now / h->cfg.mtime_div;
      cpu_update_event(h);
      return 0;
    }
    case DEV_CONSOLE:
      if (o == 0) putchar((int)(val & 0xff));
      return 0;
    default:
      return -1;
  }
}
