/*
 * fw.h: everything a firmware program usually needs.
 *
 * The runtime (crt0.S, runtime.c) provides: stdout on the console (printf,
 * puts, putchar from picolibc), _exit()/exit() that end the run on ctsim
 * (tohost) and on QEMU (test finisher), main's return value as the exit
 * code, C trap handlers (trap.h) and the region-of-interest markers of
 * ctsim's statistics (roi.h).
 */
#ifndef FW_FW_H
#define FW_FW_H

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

#include "csr.h"
#include "mmio.h"
#include "roi.h"
#include "timer.h"
#include "trap.h"

/* Write one byte to the console (waits for LSR.THRE, which is always set). */
void console_putc(char c);
/* Write a NUL-terminated string to the console, no newline added. */
void console_puts(const char *s);

/* tohost/fromhost (64-bit words, section .tohost), defined in crt0.S. */
extern volatile uint64_t tohost;
extern volatile uint64_t fromhost;

#endif /* FW_FW_H */
