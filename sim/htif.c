/*
 * htif.c: the host side of HTIF (docs/memory-map.md, "Host interface").
 *
 * tohost = device << 56 | command << 48 | payload (48 bits), as Spike's
 * front end (fesvr) reads it:
 *   device 0, command 0, payload bit 0 set:   exit with code payload >> 1;
 *   device 0, command 0, other payload != 0:  system call; the payload is the
 *     address of magic_mem, eight little-endian 64-bit words {number, args..};
 *     the result goes to magic_mem[0] and fromhost becomes 1;
 *   device 1, command 1:                      putchar of the payload's low
 *     byte (no answer, as in the current fesvr).
 * Like fesvr, the host zeroes tohost when it takes a command. It acts at the
 * store, so the answer is in memory before the next instruction executes.
 */
#include "htif.h"

#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "ctpatch_host.h"
#include "platform.h"

#define SYS_WRITE 64
#define SYS_EXIT 93
#define HTIF_EBADF 9
#define MAGIC_MEM_BYTES 64

static void htif_error(platform_t *p, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
static void htif_error(platform_t *p, const char *fmt, ...) {
  static char msg[512];
  va_list ap;
  va_start(ap, fmt);
  int n = snprintf(msg, sizeof msg, "HTIF: ");
  vsnprintf(msg + n, sizeof msg - (size_t)n, fmt, ap);
  va_end(ap);
  plat_error(p, msg);
}

/* Is [addr, addr + n) in RAM? (64-bit operands: addresses from magic_mem) */
static int ram_range(const platform_t *p, uint64_t addr, uint64_t n) {
  return addr >= RAM_BASE && n <= p->mem.ram_size &&
         addr - RAM_BASE <= p->mem.ram_size - n;
}

/* Looks ahead of the store at pc (address a, size bytes): the straight-line
 * run of up to LOOKAHEAD instructions that only compute registers (integer
 * arithmetic, loads from RAM) is evaluated on a copy of the registers, and
 * if the store that ends it writes a non-zero byte into a part of tohost not
 * written since the host last looked at it, it completes a 64-bit command
 * written as two words (compilers write the low word first, often with the high
 * word's lui in between): the host waits for it. */
#define LOOKAHEAD 8
static int store_follows(platform_t *p, const uint32_t *x, uint32_t pc,
                         uint32_t a, unsigned size) {
  const uint32_t t = RAM_BASE + p->mem.tohost_off, rs = p->mem.ram_size;
  for (unsigned i = 0; i < size; i++)
    if ((uint32_t)(a + i - t) < 8) p->htif_written |= 1u << (a + i - t);
  const unsigned done = p->htif_written;
  uint32_t r[32];
  memcpy(r, x, sizeof r);
  for (unsigned k = 1; k <= LOOKAHEAD; k++) {
    uint32_t q = pc + 4 * k, o = q - RAM_BASE, w, v;
    if (o > rs - 4) return 0;
    memcpy(&w, p->mem.ram + o, 4);
    dinsn_t d;
    rv_decode(w, &d);
    uint32_t s1 = r[d.rs1], s2 = r[d.rs2], imm = (uint32_t)d.imm;
    uint32_t ea = s1 + imm, eo = ea - RAM_BASE;
    switch (d.op) {
      case OP_SB:
      case OP_SH:
      case OP_SW: {
        unsigned n = d.op == OP_SB ? 1 : d.op == OP_SH ? 2 : 4;
        for (unsigned i = 0; i < n; i++) {
          uint32_t b = ea + i - t;
          if (b < 8 && !(done >> b & 1) && (s2 >> (8 * i) & 0xff)) return 1;
        }
        return 0;
      }
      case OP_LB:
      case OP_LBU:
      case OP_LH:
      case OP_LHU:
      case OP_LW: {
        unsigned n = d.op == OP_LW                     ? 4
                     : d.op == OP_LB || d.op == OP_LBU ? 1
                                                       : 2;
        if (eo > rs - n) return 0; /* a device: not evaluated */
        v = 0;
        memcpy(&v, p->mem.ram + eo, n);
        if (d.op == OP_LB) v = (uint32_t)(int8_t)v;
        if (d.op == OP_LH) v = (uint32_t)(int16_t)v;
        break;
      }
      case OP_LUI:
        v = imm;
        break;
      case OP_AUIPC:
        v = q + imm;
        break;
      case OP_ADDI:
        v = s1 + imm;
        break;
      case OP_SLTI:
      case OP_ROI: /* a marker (sim/roi.h): writes x0 */
        v = (int32_t)s1 < (int32_t)imm;
        break;
      case OP_SLTIU:
        v = s1 < imm;
        break;
      case OP_XORI:
        v = s1 ^ imm;
        break;
      case OP_ORI:
        v = s1 | imm;
        break;
      case OP_ANDI:
        v = s1 & imm;
        break;
      case OP_SLLI:
        v = s1 << imm;
        break;
      case OP_SRLI:
        v = s1 >> imm;
        break;
      case OP_SRAI:
        v = (uint32_t)((int32_t)s1 >> imm);
        break;
      case OP_ADD:
        v = s1 + s2;
        break;
      case OP_SUB:
        v = s1 - s2;
        break;
      case OP_SLL:
        v = s1 << (s2 & 31);
        break;
      case OP_SLT:
        v = (int32_t)s1 < (int32_t)s2;
        break;
      case OP_SLTU:
        v = s1 < s2;
        break;
      case OP_XOR:
        v = s1 ^ s2;
        break;
      case OP_SRL:
        v = s1 >> (s2 & 31);
        break;
      case OP_SRA:
        v = (uint32_t)((int32_t)s1 >> (s2 & 31));
        break;
      case OP_OR:
        v = s1 | s2;
        break;
      case OP_AND:
        v = s1 & s2;
        break;
      default: /* control flow, CSRs, multiply, ...: the run is over */
        return 0;
    }
    if (d.rd) r[d.rd] = v;
  }
  return 0;
}

static void sys_call(hart_t *h, uint64_t tohost, uint64_t mm) {
  platform_t *const p = h->plat;
  if (p->mem.fromhost_off == TOHOST_NONE) {
    htif_error(p,
               "tohost 0x%016" PRIx64
               " is a system call, but the program has no fromhost symbol "
               "for the answer",
               tohost);
    return;
  }
  if (!ram_range(p, mm, MAGIC_MEM_BYTES)) {
    htif_error(p,
               "tohost 0x%016" PRIx64 ": magic_mem at 0x%" PRIx64
               " is not 64 bytes of RAM",
               tohost, mm);
    return;
  }
  uint32_t off = (uint32_t)(mm - RAM_BASE);
  uint64_t a[8];
  memcpy(a, p->mem.ram + off, sizeof a);
  int64_t ret;
  switch (a[0]) {
    case SYS_WRITE:
      if (a[1] != 1 && a[1] != 2) { /* no other file is open */
        ret = -HTIF_EBADF;
        break;
      }
      if (a[3] && !ram_range(p, a[2], a[3])) {
        htif_error(p,
                   "SYS_write of %" PRIu64 " bytes at 0x%" PRIx64
                   " (magic_mem at 0x%" PRIx64 "): the buffer is not in RAM",
                   a[3], a[2], mm);
        return;
      }
      /* fd 2 as well: fesvr sends the target's stderr to its stdout */
      if (a[3]) fwrite(p->mem.ram + (a[2] - RAM_BASE), 1, a[3], stdout);
      ret = (int64_t)a[3];
      break;
    case CTPATCH_HOST_SYS: { /* --load-patch delivery (ctpatch_host.c) */
      const char *e = ctpatch_host_call(h, a, &ret); /* the caller's */
      if (e) {
        htif_error(p, "%s", e);
        return;
      }
      break;
    }
    case SYS_EXIT:
      p->stop = STOP_TOHOST;
      p->exit_code = (uint32_t)a[1];
      return;
    default:
      htif_error(p,
                 "unknown system call %" PRIu64 " (magic_mem at 0x%" PRIx64
                 "): ctsim proxies SYS_write (64) and SYS_exit (93)",
                 a[0], mm);
      return;
  }
  uint64_t one = 1;
  memcpy(p->mem.ram + off, &ret, 8);
  plat_ram_written(p, off, 8);
  memcpy(p->mem.ram + p->mem.fromhost_off, &one, 8);
  plat_ram_written(p, p->mem.fromhost_off, 8);
}

void htif_tohost_store(hart_t *h, const uint32_t *x, uint32_t pc, uint32_t a,
                       unsigned size) {
  platform_t *const p = h->plat;
  if (store_follows(p, x, pc, a, size)) return;
  p->htif_written = 0; /* the host looks at tohost */
  const uint32_t to = p->mem.tohost_off;
  uint64_t v, zero = 0;
  memcpy(&v, p->mem.ram + to, 8);
  if (v == 0) return;
  memcpy(p->mem.ram + to, &zero, 8);
  plat_ram_written(p, to, 8);
  unsigned dev = (unsigned)(v >> 56), cmd = (unsigned)(v >> 48) & 0xff;
  uint64_t payload = v & 0xffffffffffffull;
  if (dev == 0 && cmd == 0) {
    if (payload & 1) {
      p->stop = STOP_TOHOST;
      p->exit_code = (uint32_t)(payload >> 1);
    } else {
      sys_call(h, v, payload);
    }
  } else if (dev == 1 && cmd == 1) {
    putchar((int)(payload & 0xff));
  } else if (dev == 1 && cmd == 0) {
    htif_error(p,
               "tohost 0x%016" PRIx64
               ": console input (device 1, command 0) is not supported",
               v);
  } else {
    htif_error(p,
               "tohost 0x%016" PRIx64
               ": unknown device %u command %u (ctsim serves device 0 "
               "command 0, exit and system calls, and device 1 command 1, "
               "putchar)",
               v, dev, cmd);
  }
}

void htif_host_write(platform_t *p, uint32_t off, const void *src, unsigned n) {
  memcpy(p->mem.ram + off, src, n);
  plat_ram_written(p, off, n);
}
