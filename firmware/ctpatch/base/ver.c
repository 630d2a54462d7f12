/* ver.c: two functions that one patch must switch together (the atomic
 * switch test: an interrupt handler compares their answers). */
#include "calc.h"

int ver_a(void) { return 1; }
int ver_b(void) { return 1; }
