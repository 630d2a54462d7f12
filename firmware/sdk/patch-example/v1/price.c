/* price.c, version 1: a fee of 1 that should not be there. */
#include "price.h"

int price(int qty) { return 3 * qty + 1; }
