/* tests/test_ctcc.py: a patch from inside the program (ctcc_patch). */
#include <stdio.h>

#include "ctcc.h"

__attribute__((noinline)) void greet(void) { printf("old greet\n"); }
__attribute__((noinline)) void greet2(void) { printf("new greet\n"); }

int main(void) {
  greet();
  uint32_t old = ctcc_patch(CTCC_ID(greet), greet2);
  printf("mode %s patched %s\n", ctcc_mode(), old == (uint32_t)(uintptr_t)greet ? "yes" : "no");
  greet();
  greet2();
  return 0;
}
