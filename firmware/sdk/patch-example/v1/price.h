/* price.h: the function a patch replaces while the program runs. */
#ifndef PRICE_H
#define PRICE_H

int price(int qty);

#endif
