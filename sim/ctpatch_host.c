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

#define MAX_MESSAGE 512

typedef struct {
  uint64_t cycle;
  const char *arg;
  uint8_t *bytes;
  uint32_t size;
  int fetched;
  /* what the summary and the JSON report (ctpatch_host_print, _json) */
  uint64_t fetch_at, status_at; /* the cycles of FETCH and STATUS */
  int hart; /* the hart of the FETCH (else of the STATUS) call; -1: none */
  int reported;                 /* STATUS came */
  uint64_t status;              /* its status (CTPATCH_APPLIED, ...) */
  unsigned msg_len;
  char msg[MAX_MESSAGE];
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
  memset(&mods[i], 0, sizeof mods[i]);
  mods[i].cycle = c;
  mods[i].arg = arg;
  mods[i].bytes = buf;
  mods[i].size = (uint32_t)got;
  mods[i].hart = -1;
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
      if (!m->fetched) m->fetch_at = h->now, m->hart = (int)h->id;
      m->fetched = 1;
      *ret = m->size;
      return NULL;
    case 2: { /* STATUS(status, msg, len) */
      if (!m) {
        *ret = -22;
        return NULL;
      }
      uint64_t len = a[4] > MAX_MESSAGE ? MAX_MESSAGE : a[4];
      if (len && !in_ram(h, a[3], len)) {
        snprintf(err, sizeof err,
                 "CTPATCH status message at 0x%" PRIx64 " is not in RAM", a[3]);
        return err;
      }
      m->reported = 1;
      m->status_at = h->now;
      if (!m->fetched) m->hart = (int)h->id; /* refused before fetching */
      m->status = a[2];
      m->msg_len = (unsigned)len;
      if (len) memcpy(m->msg, h->plat->mem.ram + (a[3] - RAM_BASE), len);
      fflush(stdout);
      char who[32] = ""; /* several harts: whose cycle it is */
      if (h->plat->nharts > 1) snprintf(who, sizeof who, "hart %u, ", h->id);
      fprintf(stderr, "ctsim: %scycle %" PRIu64 ": --load-patch %s: %.*s\n",
              who, h->now, m->arg, (int)len, m->msg);
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
    mods[i].bytes = NULL;
  }
  next_mod = nmods;
}

/* The outcome of module m, by the loader's status (firmware/common/ctpatch.h).
 */
static const char *outcome(const module_t *m) {
  if (!m->reported) return m->fetched ? "no-status" : "not-delivered";
  switch (m->status) {
    case 1:
      return "applied";
    case 2:
      return "reverted";
    case 3:
      return "refused";
    default:
      return "unknown";
  }
}

void ctpatch_host_print(FILE *f, const char *ind, int harts) {
  for (unsigned i = 0; i < nmods; i++) {
    const module_t *m = &mods[i];
    fprintf(f, "%sload-patch    %s: %s", ind, m->arg, outcome(m));
    if (harts && m->hart >= 0) fprintf(f, " by hart %d", m->hart);
    if (m->reported)
      fprintf(f, " at cycle %" PRIu64 " (status %" PRIu64 ")", m->status_at,
              m->status);
    if (m->fetched) fprintf(f, ", fetched at cycle %" PRIu64, m->fetch_at);
    if (m->reported)
      fprintf(f, ": %.*s\n", (int)m->msg_len, m->msg);
    else if (m->fetched)
      fprintf(f, ", the program reported no outcome\n");
    else
      fprintf(f, ": the program did not ask for it\n");
  }
}

/* s[0..n) as a JSON string: bytes outside printable ASCII as \u00XX */
static void json_bytes(FILE *f, const char *s, size_t n) {
  fputc('"', f);
  for (size_t i = 0; i < n; i++) {
    unsigned char c = (unsigned char)s[i];
    if (c == '"' || c == '\\')
      fprintf(f, "\\%c", c);
    else if (c < 0x20 || c >= 0x7f)
      fprintf(f, "\\u%04x", c);
    else
      fputc(c, f);
  }
  fputc('"', f);
}

static void json_cycle(FILE *f, const char *name, int known, uint64_t v) {
  if (known)
    fprintf(f, ", \"%s\": %" PRIu64, name, v);
  else
    fprintf(f, ", \"%s\": null", name);
}

void ctpatch_host_json(FILE *f, const char *ind) {
  fprintf(f, "%s\"patches\": [%s", ind, nmods ? "\n" : "");
  for (unsigned i = 0; i < nmods; i++) {
    const module_t *m = &mods[i];
    const char *file = strchr(m->arg, ':') + 1;
    fprintf(f, "%s  {\"arg\": ", ind);
    json_bytes(f, m->arg, strlen(m->arg));
    fprintf(f, ", \"cycle\": %" PRIu64 ", \"file\": ", m->cycle);
    json_bytes(f, file, strlen(file));
    fprintf(f, ", \"bytes\": %" PRIu32, m->size);
    json_cycle(f, "fetch_cycle", m->fetched, m->fetch_at);
    json_cycle(f, "status_cycle", m->reported, m->status_at);
    json_cycle(f, "status", m->reported, m->status);
    json_cycle(f, "hart", m->hart >= 0, (uint64_t)m->hart);
    fprintf(f, ", \"outcome\": \"%s\", \"message\": ", outcome(m));
    if (m->reported)
      json_bytes(f, m->msg, m->msg_len);
    else
      fputs("null", f);
    fprintf(f, "}%s\n", i + 1 < nmods ? "," : "");
  }
  fprintf(f, "%s],\n", nmods ? ind : "");
}
