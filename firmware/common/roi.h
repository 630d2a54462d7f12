/*
 * roi.h: region-of-interest markers for ctsim's statistics (docs/ctsim.md,
 * "Regions of interest"), in the manner of gem5's m5_reset_stats and
 * m5_dump_stats.
 *
 *   CT_ROI_RESET();        a region starts after this marker
 *   ...                    the code to measure
 *   CT_ROI_DUMP("name");   it ends before this one: ctsim records every
 *                          counter of its summary for the region, by name
 *   CT_ROI_STOP(code);     ctsim ends the run here with exit status code
 *
 * Each marker is one HINT instruction, `slti x0, rs1, 0x5C0 + code`: it
 * writes x0, so it does nothing on QEMU, Spike or hardware, and costs one
 * cycle like an ALU instruction. A marker is ordered with memory accesses and
 * other volatile asm ("memory" clobber), not with pure register arithmetic,
 * which the compiler may move across it. CT_ROI_DUMP's name (a string in RAM,
 * at most 63 bytes are kept) is loaded into a register before the marker: a
 * string literal usually costs a lui/addi pair inside the region.
 * CT_ROI_STOP is a no-op elsewhere: the program must be able to go on.
 */
#ifndef FW_ROI_H
#define FW_ROI_H

#include <stdint.h>

/* the marker immediates (assembly: slti x0, rs1, CT_ROI_IMM_*) */
#define CT_ROI_IMM_RESET 0x5C1
#define CT_ROI_IMM_DUMP 0x5C2
#define CT_ROI_IMM_STOP 0x5C3

#define CT_ROI_STR_(x) #x
#define CT_ROI_STR(x) CT_ROI_STR_(x)

#define CT_ROI_RESET() __asm__ volatile("slti x0, x0, " CT_ROI_STR(CT_ROI_IMM_RESET)::: "memory")

#define CT_ROI_DUMP(name)                                                                 \
  __asm__ volatile("slti x0, %0, " CT_ROI_STR(CT_ROI_IMM_DUMP)::"r"((const char *)(name)) \
                   : "memory")

#define CT_ROI_STOP(code) \
  __asm__ volatile("slti x0, %0, " CT_ROI_STR(CT_ROI_IMM_STOP)::"r"((uint32_t)(code)) : "memory")

#endif /* FW_ROI_H */
