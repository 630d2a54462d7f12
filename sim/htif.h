/*
 * htif.h: the host side of Spike's host-target interface (HTIF) for the
 * programs ctsim runs: the 64-bit tohost/fromhost words, the system-call
 * proxy (SYS_write, SYS_exit) and the console's putchar. docs/memory-map.md
 * describes what a program sees.
 */
#ifndef CTSIM_HTIF_H
#define CTSIM_HTIF_H

#include <stdint.h>

struct platform;
struct hart;

/* Called by the run loop after hart h's RAM store at pc (address a, size
 * bytes) overlapped tohost (x: the registers; h->now the store's EX cycle).
 * Takes the command in tohost unless a store just ahead completes it
 * (htif.c); sets the platform's stop for an exit or an error (STOP_SIM_ERROR
 * with its fatal_msg). A system call is served for h (--load-patch's cycles
 * are its cycles). */
void htif_tohost_store(struct hart *h, const uint32_t *x, uint32_t pc,
                       uint32_t a, unsigned size);

/* Writes n bytes from src into RAM at offset off, as the host: decoded
 * instructions there become stale. */
void htif_host_write(struct platform *p, uint32_t off, const void *src,
                     unsigned n);

#endif /* CTSIM_HTIF_H */
