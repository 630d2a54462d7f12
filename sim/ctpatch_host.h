/*
 * ctpatch_host.h: the host side of patch-module delivery (ctsim
 * --load-patch CYCLE:FILE, docs/patching.md "Delivery"): the firmware's
 * patch loader (firmware/common/ctpatch.c) asks for a module through an
 * HTIF system call, CTPATCH_SYS, and reports what it did with it.
 */
#ifndef CTSIM_CTPATCH_HOST_H
#define CTSIM_CTPATCH_HOST_H

#include <stdint.h>
#include <stdio.h>

struct hart;

#define CTPATCH_HOST_SYS 0x4350 /* firmware/common/ctpatch.h CTPATCH_SYS */

/* Reads the module of a --load-patch CYCLE:FILE argument; NULL, or a one-line
 * error (static storage). */
const char *ctpatch_host_add(const char *arg);

/* Serves CTPATCH_HOST_SYS for hart h (the caller; h->now its cycle) with
 * magic_mem words a[]: *ret is the answer; returns NULL, or an error for the
 * HTIF message. */
const char *ctpatch_host_call(struct hart *h, const uint64_t *a, int64_t *ret);

/* A warning for every module that was never delivered (end of run). */
void ctpatch_host_finish(uint64_t end_cycle);

/* The summary's lines, one per --load-patch in delivery order, each starting
 * with ind: "load-patch    ARG: OUTCOME at cycle S (status N), fetched at
 * cycle F: MESSAGE" (after ctpatch_host_finish); harts (several harts):
 * "OUTCOME by hart K ..." too, the hart whose cycles they are. */
void ctpatch_host_print(FILE *f, const char *ind, int harts);

/* The JSON member "patches" (a list, one object per --load-patch, then a
 * comma and a newline), each line starting with ind. */
void ctpatch_host_json(FILE *f, const char *ind);

#endif /* CTSIM_CTPATCH_HOST_H */
