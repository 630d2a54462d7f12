/*
 * rp.h: what the real programs' drivers (firmware/realprog/NAME/main.c)
 * share: the work size, the program's name, the self-check helpers and the
 * board support of bsp.c (docs/realprogs.md).
 *
 *   rp_scale             the work size: 1 in NAME-small.elf (make test), the
 *                        full size (RP_FULL_SCALE) in NAME.elf; scale.c, a tiny
 *                        object of its own, so both ELFs share every other one
 *   rp_name              the program's name, for messages ("lua", "zlib", ...)
 *   RP_CHECK(cond, ...)  prints "NAME: check failed: <printf message>" and
 *                        exits with RP_EXIT_CHECK unless cond holds
 *   rp_checks_run        how many RP_CHECKs ran (for the summary line)
 *   RP_FIXED_TIME        the seconds gettimeofday() and so time() return
 *   rp_rng_seed(s)       seeds the pseudo-random generator (rng.c:
 *   rp_rng_next()        xorshift32; seed 0 counts as 1) and draws 32 bits
 *   rp_rng_bytes(p, n)   fills p[0..n) with draws, each 4 bytes low byte
 *                        first (the last draw's high bytes unused)
 */
#ifndef RP_H_
#define RP_H_

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

/* exit status of a failed self-check (a trap is 4, FW_EXIT_TRAP) */
#define RP_EXIT_CHECK 1
/* 2026-01-01 00:00:00 UTC */
#define RP_FIXED_TIME 1767225600

extern const unsigned rp_scale;
extern const char rp_name[];
extern unsigned long rp_checks_run;

void rp_rng_seed(uint32_t seed);
uint32_t rp_rng_next(void);
void rp_rng_bytes(unsigned char *p, size_t n);

#define RP_CHECK(cond, ...)                  \
  do {                                       \
    rp_checks_run++;                         \
    if (!(cond)) {                           \
      printf("%s: check failed: ", rp_name); \
      printf(__VA_ARGS__);                   \
      printf("\n");                          \
      exit(RP_EXIT_CHECK);                   \
    }                                        \
  } while (0)

#endif /* RP_H_ */
