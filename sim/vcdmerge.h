/*
 * vcdmerge.h: one VCD from several harts' (ctsim --harts N --wave FILE.vcd,
 * docs/waves.md "Several harts"). Each hart's accelerator writes its own
 * trace object's VCD (scopes "ctlb", "dump", "hart0"); the merge keeps
 * input 0's scope names and renames input k's top-level scopes to "ctlbK",
 * "dumpK" and "hartK", gives every signal a fresh identifier code and puts
 * all value changes in time order.
 */
#ifndef CTSIM_VCDMERGE_H
#define CTSIM_VCDMERGE_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

/* Merges the n VCDs files[] (read from their current position) into out:
 * 0, or -1 with a one-line reason in err (a read error, or a file that is
 * not such a VCD). A write error shows in ferror(out). */
int vcd_merge(FILE **files, unsigned n, FILE *out, char *err, size_t errlen);

#endif /* CTSIM_VCDMERGE_H */
