/*
 * pipeview.h: ctsim --pipeview FILE, the stage timing of every instruction
 * as a Kanata log (version 0004), the format the Konata pipeline viewer
 * opens (docs/waves.md, "Pipeline view").
 *
 * Per instruction: I (its number), L 0 (pc, mnemonic, function), L 1 (the
 * details: its word, its stage cycles, the stall gap before it, a lookup's
 * ID, hit or miss and answer, a trap's cause), then in lane 0 the stages F
 * (IF), D (ID), X (EX), M (MEM), W (WB) from the cycle it enters each, and R
 * after WB (retired) or after EX (flushed: a trap; an interrupt bubble is an
 * X of one cycle). Lane 1 marks the cycles it waits, by the stall name of
 * docs/timing.md: in ID for EX (the cause of the gap before it), in EX for
 * a walk (ctlb) or for MEM (dmem), in IF for ID (stall).
 */
#ifndef CTSIM_PIPEVIEW_H
#define CTSIM_PIPEVIEW_H

#include <stdint.h>
#include <stdio.h>

#include "obs.h"
#include "elf.h"

typedef struct pipeview pipeview_t;

/* Starts the log on f for the instructions that enter IF in [from, to) (to
 * 0: no end; an interrupt bubble counts at its EX cycle); imem_lat is
 * --imem-lat. NULL if out of memory. */
pipeview_t *pipeview_open(FILE *f, uint64_t from, uint64_t to,
                          uint64_t imem_lat);

/* One instruction (records come in the order they entered EX). */
void pipeview_insn(pipeview_t *pv, const obs_insn_t *r, const elf_names_t *sym);

/* Writes what is still pending and frees pv (f stays open). */
void pipeview_close(pipeview_t *pv);

#endif /* CTSIM_PIPEVIEW_H */
