/* main.c: the SDK example: 64-bit arithmetic printed with %llu and %llx,
 * a C function named init(), the SDK's CSR helpers. Same output on ctsim and
 * on QEMU virt. */
#include <stdio.h>

#include "fw.h"
#include "stats.h"

int main(void) {
  struct stats s;
  init(&s);
  uint64_t a = 0, b = 1; /* Fibonacci numbers up to F(90) */
  for (int i = 0; i < 90; i++) {
    uint64_t t = a + b;
    a = b;
    b = t;
    add(&s, a);
  }
  printf("count %llu sum %llu max %llu\n", (unsigned long long)s.count,
         (unsigned long long)s.sum, (unsigned long long)s.max);
  printf("sum of squares mod 2^64 0x%016llx\n", (unsigned long long)s.sum_sq);
  printf("hart %lu\n", (unsigned long)read_csr(mhartid));
  return 0;
}
