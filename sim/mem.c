/*
 * mem.c: host memory for RAM and the decoded cache.
 */
#define _DEFAULT_SOURCE
#include "mem.h"

#include <sys/mman.h>

void *mem_map(size_t size) {
  void *p = mmap(NULL, size, PROT_READ | PROT_WRITE,
                 MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
  return p == MAP_FAILED ? NULL : p;
}

void mem_unmap(void *p, size_t size) {
  if (p) munmap(p, size);
}
