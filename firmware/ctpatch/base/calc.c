/* calc.c: version 1 of the functions the patch tests change: scale has a
 * bug (it should compute 3x + 1). */
#include "calc.h"

int calls;
static const int weights[4] = {1, 2, 3, 4};

int scale(int x) {
  calls++;
  return 3 * x;
}

int offset(int x) { return x + weights[x & 3]; }

int combo(int x) { return scale(x) + offset(x); }
