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
 */
#ifndef RP_H_
#define RP_H_

#include <stdio.h>
#include <stdlib.h>

/* exit status of a failed self-check (a trap is 4, FW_EXIT_TRAP) */
#define RP_EXIT_CHECK 1
/* 2026-01-01 00:00:00 UTC */
#define RP_FIXED_TIME 1767225600

extern const unsigned rp_scale;
extern const char rp_name[];
extern unsigned long rp_checks_run;

#define RP_CHECK(cond, ...)                          \
  do {                                               \
    rp_checks_run++;                                 \
    if (!(cond)) {                                   \
      printf("%s: check failed: ", rp_name);         \
      printf(__VA_ARGS__);                           \
      printf("\n");                                  \
      exit(RP_EXIT_CHECK);                           \
    }                                                \
  } while (0)

#endif /* RP_H_ */
