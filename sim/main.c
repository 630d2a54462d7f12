/*
 * main.c: ctsim, the native simulator: sim/cli.h parses, loads and reports;
 * this file times the run. docs/ctsim.md is the user documentation.
 */
#define _POSIX_C_SOURCE 199309L
#include <time.h>

#include "cli.h"

int main(int argc, char **argv) {
  static ctsim_opts_t o;
  static platform_t p;
  ctsim_parse_args(&o, argc, argv, "ctsim", NULL);
  ctsim_setup(&o, &p, NULL);
  struct timespec t0, t1;
  clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &t0);
  plat_run(&p);
  clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &t1);
  double s = (double)(t1.tv_sec - t0.tv_sec) + (t1.tv_nsec - t0.tv_nsec) * 1e-9;
  return ctsim_finish(&o, &p, s);
}
