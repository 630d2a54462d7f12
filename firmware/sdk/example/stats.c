/* stats.c: note the function named init(): with -ffunction-sections it sits in
 * section .text.init, which start-up code must not rely on. */
#include "stats.h"

void init(struct stats *s) { s->count = s->sum = s->sum_sq = s->max = 0; }

void add(struct stats *s, uint64_t v) {
  s->count++;
  s->sum += v;
  s->sum_sq += v * v;
  if (v > s->max) s->max = v;
}
