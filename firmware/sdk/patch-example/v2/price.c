/* price.c, version 2: the fix. */
#include "price.h"

int price(int qty) { return 3 * qty; }
