/* hello: prints a greeting and a few printf formats, then exits 0. */
#include <stdio.h>

#include "fw.h"

int main(void) {
  printf("Hello from RV32IM firmware!\n");
  printf("decimal: %d %d %u\n", 42, -7, 4000000000u);
  printf("hex: 0x%08x %X %#x\n", 0xdeadbeefu, 0xABCDu, 255u);
  printf("string: [%s] [%8s] [%-8s] char: %c\n", "abc", "right", "left", 'Z');
  printf("long: %ld %lu\n", -123456789L, 3000000000UL);
  printf("padded: [%5d] [%-5d] [%05d]\n", 17, 17, -17);
  printf("misa: 0x%08lx\n", (unsigned long)read_csr(misa));
  puts("bye");
  return 0;
}
