/* tests/test_ctcc.py: N calls of a leaf function in a region of interest;
 * the region's cycles differ between the lowering modes by exactly the call
 * sequences' costs (docs/comparison.md, docs/timing.md). */
#include <stdio.h>

#include "roi.h"

unsigned leaf(unsigned x); /* leaf.c: no loads, no stores */

int main(void) {
  unsigned acc = 1;
  CT_ROI_RESET();
  for (int i = 0; i < 100; i++) acc = leaf(acc);
  CT_ROI_DUMP("loop");
  printf("%u\n", acc);
  return 0;
}
