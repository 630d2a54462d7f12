/* stats.h: a tiny running-statistics helper of the SDK example. */
#ifndef STATS_H
#define STATS_H
#include <stdint.h>

struct stats {
  uint64_t count, sum, sum_sq, max;
};

void init(struct stats *s);
void add(struct stats *s, uint64_t v);
#endif
