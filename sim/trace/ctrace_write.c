/*
 * ctrace_write.c: writer of call traces, see ctrace_write.h. The text form is
 * the canonical one scripts/ctrace.py writes ("call 0x1f", "gap 20", ...).
 */
#define _POSIX_C_SOURCE 200809L
#include "ctrace_write.h"

#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <zlib.h>

#include "outfile.h"

#define CTW_BUF (1u << 16)

struct ctw {
  outfile_t out; /* the destination (sim/outfile.h) */
  FILE *f;       /* plain output */
  gzFile gz;     /* gzip output */
  int binary;
  int failed;
  unsigned long long events;
  size_t n;
  unsigned char buf[CTW_BUF];
};

void ctw_form_from_name(const char *path, int *binary, int *gzip) {
  const char *base = strrchr(path, '/');
  base = base ? base + 1 : path;
  size_t len = strlen(path);
  *binary = strstr(base, ".ctb") != NULL;
  *gzip = len >= 3 && strcmp(path + len - 3, ".gz") == 0;
}

static int flush_buf(ctw_t *w) {
  if (w->n == 0 || w->failed) return w->failed ? -1 : 0;
  errno = 0;
  if (w->gz) {
    if (gzwrite(w->gz, w->buf, (unsigned)w->n) != (int)w->n) w->failed = 1;
  } else if (fwrite(w->buf, 1, w->n, w->f) != w->n) {
    w->failed = 1;
  }
  if (w->failed) outfile_set_error(&w->out, errno);
  w->n = 0;
  return w->failed ? -1 : 0;
}

static int put(ctw_t *w, const void *p, size_t len) {
  if (w->n + len > CTW_BUF && flush_buf(w) < 0) return -1;
  memcpy(w->buf + w->n, p, len);
  w->n += len;
  return 0;
}

ctw_t *ctw_open(const char *path, int binary, int gzip, const char *comment,
                char *err, size_t errlen) {
  ctw_t *w = calloc(1, sizeof *w);
  if (!w) {
    snprintf(err, errlen, "%s: out of memory", path);
    return NULL;
  }
  if (outfile_open(&w->out, path, NULL, 0, err, errlen)) {
    free(w);
    return NULL;
  }
  w->binary = binary;
  errno = 0;
  if (gzip) {
    int fd = dup(w->out.fd);
    w->gz = fd >= 0 ? gzdopen(fd, "wb9") : NULL;
    if (!w->gz && fd >= 0) close(fd);
  } else {
    w->f = outfile_stream(&w->out);
  }
  if (!w->gz && !w->f) {
    snprintf(err, errlen, "cannot write %s: %s", path,
             errno ? strerror(errno) : "gzdopen failed");
    outfile_abort(&w->out);
    free(w);
    return NULL;
  }
  if (binary) {
    static const unsigned char hdr[8] = {'C', 'T', 'R', 'B', 1, 0, 0, 0};
    put(w, hdr, sizeof hdr);
  } else {
    put(w, "#ctrace 1\n", 10);
    if (comment && *comment) {
      char line[512];
      int k = snprintf(line, sizeof line, "# %s", comment);
      if (k < 0) k = 0;
      if ((size_t)k >= sizeof line) k = sizeof line - 1;
      for (int i = 0; i < k; i++)
        if (line[i] == '\n' || line[i] == '\r') line[i] = ' ';
      put(w, line, (size_t)k);
      put(w, "\n", 1);
    }
  }
  return w;
}

int ctw_event(ctw_t *w, const ctr_event_t *ev) {
  if (ev->kind < CTR_CALL || ev->kind > CTR_GAP ||
      (ev->kind == CTR_PATCH && (ev->b & 3u))) {
    outfile_set_error(&w->out, EINVAL); /* ctw_close then fails */
    return -1;
  }
  w->events++;
  if (w->binary) {
    unsigned char rec[9];
    size_t len = 1;
    rec[0] = (unsigned char)ev->kind;
    if (ev->kind != CTR_FLUSH) {
      memcpy(rec + 1, &ev->a, 4); /* little-endian host */
      len = 5;
    }
    if (ev->kind == CTR_PATCH) {
      memcpy(rec + 5, &ev->b, 4);
      len = 9;
    }
    return put(w, rec, len);
  }
  char line[48];
  int k;
  switch (ev->kind) {
    case CTR_CALL:
      k = snprintf(line, sizeof line, "call 0x%x\n", ev->a);
      break;
    case CTR_PATCH:
      k = snprintf(line, sizeof line, "patch 0x%x 0x%x\n", ev->a, ev->b);
      break;
    case CTR_INV:
      k = snprintf(line, sizeof line, "inv 0x%x\n", ev->a);
      break;
    case CTR_FLUSH:
      k = snprintf(line, sizeof line, "flush\n");
      break;
    default:
      k = snprintf(line, sizeof line, "gap %u\n", ev->a);
      break;
  }
  return put(w, line, (size_t)k);
}

void ctw_abort(ctw_t *w) {
  if (!w) return;
  if (w->gz) gzclose(w->gz);
  outfile_abort(&w->out); /* closes w->f */
  free(w);
}

int ctw_close(ctw_t *w, char *err, size_t errlen) {
  int bad = flush_buf(w) < 0;
  if (w->gz) {
    errno = 0;
    if (gzclose(w->gz) != Z_OK) {
      bad = 1;
      outfile_set_error(&w->out, errno);
    }
    w->gz = NULL;
  }
  if (w->events == 0) {
    snprintf(err, errlen, "%s: empty trace (no events): not written",
             w->out.path);
    outfile_abort(&w->out);
    bad = 1;
  } else {
    if (bad && !w->out.err) outfile_set_error(&w->out, EIO);
    bad = outfile_commit(&w->out, err, errlen) != 0;
  }
  free(w);
  return bad ? -1 : 0;
}
