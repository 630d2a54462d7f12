/* main.c: prints a price per line and asks the host for a patch module
 * between lines (ctpatch_poll: ctsim --load-patch CYCLE:FILE). */
#include <ctpatch.h>
#include <stdio.h>

#include "price.h"

int main(void) {
  for (int i = 1; i <= 8; i++) {
    printf("item %d: price %d\n", i, price(i));
    ctpatch_poll();
  }
  printf("patches %u\n", ctpatch_count());
  return 0;
}
