/*
 * ctpatch_host.c: --load-patch (docs/patching.md, "Delivery"). Each module
 * is read when the command line is parsed; from its cycle on, the
 * firmware's CTPATCH_SYS calls see it: PENDING answers its size, FETCH
 * copies it into the program's buffer, STATUS prints the firmware's report
 * and drops it. Modules are delivered in cycle order (the command line's
 * order for equal cycles).
 */
#include "ctpatch_host.h"

#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cpu.h"
#include "htif.h"
#include "platform.h"

#define MAX_MODULES 16
#define MAX_BYTES (16u << 20)

typedef struct {
  uint64_t cycle;
  const char *arg;
  uint8_t *bytes;
  uint32_t size;
  int fetched;
} module_t;

static module_t mods[MAX_MODULES];
static unsigned nmods, next_mod;
static char err[600];

const char *ctpatch_host_add(const char *arg) {
  const char *colon = strchr(arg, ':');
  if (!colon || colon == arg || !colon[1]) {
    snprintf(err, sizeof err, "--load-patch: '%s' is not CYCLE:FILE", arg);
    return err;
  }
  char num[32];
  size_t n = (size_t)(colon - arg);
  char *end;
  if (n >= sizeof num) n = sizeof num - 1;
  memcpy(num, arg, n);
  num[n] = 0;
  errno = 0;
  unsigned long long c = strtoull(num, &end, 0);
  if (*end || errno || num[0] == '-' || num[0] == '+') {
    snprintf(err, sizeof err, "--load-patch: '%s': '%s' is not a cycle number",
             arg, num);
    return err;
  }
  if (nmods == MAX_MODULES) {
    snprintf(err, sizeof err, "--load-patch: at most %d modules", MAX_MODULES);
    return err;
  }
  const char *path = colon + 1;
  FILE *f = fopen(path, "rb");
  if (!f) {
    snprintf(err, sizeof err, "--load-patch: '%s': cannot read %s: %s", arg,
             path, strerror(errno));
    return err;
  }
  /* the size first (a regular file; else read up to the limit) */
  long sz = fseek(f, 0, SEEK_END) == 0 ? ftell(f) : -1;
  size_t cap =
      sz >= 0 && sz <= (long)MAX_BYTES ? (size_t)sz + 1 : MAX_BYTES + 1;
  if (sz >= 0) rewind(f);
  uint8_t *buf = malloc(cap);
  size_t got = buf ? fread(buf, 1, cap, f) : 0;
  int bad = !buf || ferror(f);
  fclose(f);
  if (bad || got == 0 || got > MAX_BYTES) {
    snprintf(err, sizeof err, "--load-patch: '%s': %s %s", arg, path,
             bad   ? "cannot be read"
             : got ? "is larger than 16 MiB"
                   : "is empty");
    free(buf);
    return err;
  }
  /* sorted by cycle, stable */
  unsigned i = nmods++;
  while (i > 0 && mods[i - 1].cycle > c) {
    mods[i] = mods[i - 1];
    i--;
  }
  mods[i] = (module_t){c, arg, buf, (uint32_t)got, 0};
  return NULL;
}

static int in_ram(const hart_t *h, uint64_t addr, uint64_t n) {
  return addr >= RAM_BASE && n <= h->plat->mem.ram_size &&
         addr - RAM_BASE <= h->plat->mem.ram_size - n;
}

const char *ctpatch_host_call(hart_t *h, const uint64_t *a, int64_t *ret) {
  module_t *m = next_mod < nmods && mods[next_mod].cycle <= h->now
                    ? &mods[next_mod]
                    : NULL;
  switch (a[1]) {
    case 0: /* PENDING */
      *ret = m ? (int64_t)m->size : 0;
      return NULL;
    case 1: /* FETCH(buf, cap) */
      if (!m || a[3] < m->size) {
        *ret = -22; /* EINVAL: nothing pending, or the buffer is too small */
        return NULL;
      }
      if (!in_ram(h, a[2], m->size)) {
        snprintf(err, sizeof err,
                 "CTPATCH fetch of %" PRIu32 " bytes to 0x%" PRIx64
                 ": the buffer is not in RAM",
                 m->size, a[2]);
        return err;
      }
      htif_host_write(h->plat, (uint32_t)(a[2] - RAM_BASE), m->bytes, m->size);
      m->fetched = 1;
      *ret = m->size;
      return NULL;
    case 2: { /* STATUS(status, msg, len) */
      if (!m) {
        *ret = -22;
        return NULL;
      }
      uint64_t len = a[4] > 512 ? 512 : a[4];
      if (len && !in_ram(h, a[3], len)) {
        snprintf(err, sizeof err,
                 "CTPATCH status message at 0x%" PRIx64 " is not in RAM", a[3]);
        return err;
      }
      fflush(stdout);
      fprintf(stderr, "ctsim: cycle %" PRIu64 ": --load-patch %s: %.*s\n",
              h->now, m->arg, (int)len,
              (const char *)h->plat->mem.ram + (a[3] - RAM_BASE));
      free(m->bytes);
      m->bytes = NULL;
      next_mod++;
      *ret = 0;
      return NULL;
    }
    default:
      snprintf(err, sizeof err,
               "CTPATCH system call with unknown operation %" PRIu64, a[1]);
      return err;
  }
}

void ctpatch_host_finish(uint64_t end_cycle) {
  for (unsigned i = next_mod; i < nmods; i++) {
    fprintf(stderr,
            "ctsim: warning: --load-patch %s was not delivered: the program %s "
            "(the run ended at cycle %" PRIu64 ")\n",
            mods[i].arg,
            mods[i].fetched
                ? "fetched it but reported no outcome"
                : "did not ask for it (ctpatch_poll) from that cycle on",
            end_cycle);
    free(mods[i].bytes);
  }
  next_mod = nmods;
}
