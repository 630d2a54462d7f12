/* calc.h: the functions the patch tests change (firmware/ctpatch). */
#ifndef CTPATCH_CALC_H
#define CTPATCH_CALC_H

int scale(int x);
int offset(int x);
int combo(int x);
int ver_a(void);
int ver_b(void);
extern int calls;

#endif
