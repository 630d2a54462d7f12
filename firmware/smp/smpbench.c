/*
 * smpbench: the same compute kernel (a CRC-32 over a buffer it rewrites
 * with an LCG) on every hart, each on its own buffer, for `make bench-harts`
 * (ctsim --harts N, aggregate simulated MIPS). Hart 0 waits for every hart
 * and prints each one's checksum; all must be equal (the same work).
 */
#include <stdio.h>

#include "csr.h"
#include "mmio.h"
#include "smp.h"
#include "trap.h"

#define WORDS 1024
#define ROUNDS 400

static uint32_t buf[16][WORDS];
static volatile uint32_t sum[16], done;

static uint32_t kernel(uint32_t *b) {
  uint32_t x = 12345, crc = 0xffffffffu;
  for (int r = 0; r < ROUNDS; r++) {
    for (int i = 0; i < WORDS; i++) b[i] = x = x * 1103515245u + 12345u;
    for (int i = 0; i < WORDS; i++) {
      crc ^= b[i];
      for (int k = 0; k < 8; k++) crc = (crc >> 1) ^ (0xedb88320u & -(crc & 1));
    }
  }
  return ~crc;
}

void hart_main(unsigned h) {
  sum[h] = kernel(buf[h]);
  atomic_add(&done, 1);
}

int main(void) {
  unsigned n = smp_count_harts();
  sum[0] = kernel(buf[0]);
  atomic_add(&done, 1);
  while (done != n) {
  }
  int ok = 1;
  for (unsigned h = 0; h < n; h++) ok &= sum[h] == sum[0];
  printf("smpbench: %u harts, checksum 0x%08lx, %s\n", n, (unsigned long)sum[0], ok ? "PASS" : "FAIL");
  return ok ? 0 : 1;
}
