/*
 * mmio.h: device addresses of the ctsim machine (docs/memory-map.md) and tiny
 * accessors. The devices sit where QEMU's `virt` machine has them, so a program
 * built against this header runs on both.
 *
 * Every register is BASE + offset. Use mmio_read32()/mmio_write32() (or the
 * 8-bit forms) rather than raw pointers so the accesses are volatile.
 */
#ifndef FW_MMIO_H
#define FW_MMIO_H

#include <stdint.h>

/* ---- console: a subset of a 16550 UART ------------------------------------ */
#define UART_BASE 0x10000000u
#define UART_THR 0x0u       /* write: transmit holding register, prints one byte */
#define UART_LSR 0x5u       /* read: line status */
#define UART_LSR_THRE 0x20u /* transmit holding register empty */

/* ---- test finisher (QEMU virt "sifive_test") ------------------------------- */
#define FINISHER_BASE 0x00100000u
#define FINISHER_PASS 0x5555u /* write this: exit status 0 */
#define FINISHER_FAIL 0x3333u /* write (code << 16) | this: exit status code */

/* ---- CLINT: software interrupt and machine timer ---------------------------- */
#define CLINT_BASE 0x02000000u
#define CLINT_MSIP 0x0000u     /* + 4 * hart; bit 0: mip.MSIP of that hart */
#define CLINT_MTIMECMP 0x4000u /* + 8 * hart; 64-bit, low word first */
#define CLINT_MTIME 0xBFF8u    /* 64-bit, low word first */

/* ---- RAM ------------------------------------------------------------------- */
#define RAM_BASE 0x80000000u

static inline uint32_t mmio_read32(uint32_t addr) { return *(volatile uint32_t *)(uintptr_t)addr; }
static inline void mmio_write32(uint32_t addr, uint32_t v) {
  *(volatile uint32_t *)(uintptr_t)addr = v;
}
static inline uint8_t mmio_read8(uint32_t addr) { return *(volatile uint8_t *)(uintptr_t)addr; }
static inline void mmio_write8(uint32_t addr, uint8_t v) {
  *(volatile uint8_t *)(uintptr_t)addr = v;
}

#endif /* FW_MMIO_H */
