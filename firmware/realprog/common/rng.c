/*
 * rng.c: the real programs' pseudo-random generator (rp.h): Marsaglia's
 * xorshift32 (shifts 13, 17, 5). tests/test_realprogs.py has the same
 * generator, to make the same data in Python.
 */
#include "rp.h"

static uint32_t rng_state = 1;

void rp_rng_seed(uint32_t seed) { rng_state = seed != 0 ? seed : 1; }

uint32_t rp_rng_next(void) {
  uint32_t x = rng_state;
  x ^= x << 13;
  x ^= x >> 17;
  x ^= x << 5;
  rng_state = x;
  return x;
}

void rp_rng_bytes(unsigned char *p, size_t n) {
  for (size_t i = 0; i < n; i += 4) {
    uint32_t v = rp_rng_next();
    for (size_t k = 0; k < 4 && i + k < n; k++) p[i + k] = (unsigned char)(v >> (8 * k));
  }
}
