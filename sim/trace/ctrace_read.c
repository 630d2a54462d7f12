/*
 * ctrace_read.c: streaming reader of call traces, see ctrace_read.h and
 * traces/FORMAT.md. The file is read with stdio; when it starts with the gzip
 * magic, zlib's inflate decodes it member by member (FORMAT.md,
 * "Compression": members back to back, zero bytes after a member skipped,
 * anything else after a member is an error). Parsing works on a large buffer.
 */
#define _POSIX_C_SOURCE 200809L
#include "ctrace_read.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <zlib.h>

#define CTR_BUF (1u << 20)
#define CTR_INBUF (1u << 18)
#define CTR_MAX_LINE 1023u

struct ctr {
  FILE *f;
  char *path;
  unsigned char *buf;
  size_t pos, end; /* unread bytes are buf[pos..end) */
  int eof;         /* the (decompressed) stream is exhausted */
  int binary;
  int state;     /* 1 reading, 0 done, -1 error */
  uint64_t line; /* text: line of the last event or error */
  /* binary: the offset (in decompressed data) of buf[0], and the index in buf
   * of the last record returned (negative once fill moved it out: the sum
   * is still its offset, modulo 2^64), so a record costs no offset updates */
  uint64_t base;
  int64_t last_pos;
  uint64_t events;
  /* gzip input */
  int gz;            /* the file starts with the gzip magic */
  int zinit;         /* zs was set up by inflateInit2 */
  int in_member;     /* inside a gzip member (else: after one, or before) */
  int in_eof;        /* the file is exhausted */
  uint64_t in_total; /* bytes read from the file so far */
  unsigned char *in; /* compressed input, zs.next_in points into it */
  z_stream zs;
  char err[512];
};

static void set_err(ctr_t *r, const char *fmt, ...) {
  char msg[384];
  va_list ap;
  va_start(ap, fmt);
  vsnprintf(msg, sizeof msg, fmt, ap);
  va_end(ap);
  if (r->binary)
    snprintf(r->err, sizeof r->err, "%s: offset %llu: %s", r->path,
             (unsigned long long)(r->base + r->pos), msg);
  else
    snprintf(r->err, sizeof r->err, "%s:%llu: %s", r->path,
             (unsigned long long)r->line, msg);
  r->state = -1;
}

/* An error about the file rather than a place in the trace. -1. */
static int file_err(ctr_t *r, const char *fmt, ...) {
  char msg[384];
  va_list ap;
  va_start(ap, fmt);
  vsnprintf(msg, sizeof msg, fmt, ap);
  va_end(ap);
  snprintf(r->err, sizeof r->err, "%s: %s", r->path, msg);
  r->state = -1;
  return -1;
}

/* Reads more compressed input behind the unused bytes. -1 on a read error. */
static int refill_in(ctr_t *r) {
  if (r->in_eof) return 0;
  if (r->zs.avail_in && r->zs.next_in != r->in)
    memmove(r->in, r->zs.next_in, r->zs.avail_in);
  r->zs.next_in = r->in;
  size_t n = fread(r->in + r->zs.avail_in, 1, CTR_INBUF - r->zs.avail_in, r->f);
  if (n == 0 && ferror(r->f))
    return file_err(r, "cannot read: %s", strerror(errno));
  if (n == 0) r->in_eof = 1;
  r->zs.avail_in += (uInt)n;
  r->in_total += n;
  return 0;
}

/* Decompressed bytes into dst (at most cap): the count, 0 at the end of the
 * data, -1 on an error. */
static long read_gz(ctr_t *r, unsigned char *dst, size_t cap) {
  for (;;) {
    if (!r->in_member) {
      /* after a member (or at the start): zero padding, another member, or
       * the end of the file */
      while (r->zs.avail_in && *r->zs.next_in == 0) {
        r->zs.next_in++;
        r->zs.avail_in--;
      }
      if (r->zs.avail_in < 2 && !r->in_eof) {
        if (refill_in(r) < 0) return -1;
        continue;
      }
      if (r->zs.avail_in == 0) return 0;
      if (r->zs.avail_in < 2 || r->zs.next_in[0] != 0x1f ||
          r->zs.next_in[1] != 0x8b)
        return file_err(r,
                        "data after a gzip member at byte %llu of the file is "
                        "neither another gzip member nor zero padding",
                        (unsigned long long)(r->in_total - r->zs.avail_in));
      if (inflateReset(&r->zs) != Z_OK)
        return file_err(r, "damaged or truncated gzip data: inflateReset");
      r->in_member = 1;
    }
    if (r->zs.avail_in == 0 && !r->in_eof && refill_in(r) < 0) return -1;
    r->zs.next_out = dst;
    r->zs.avail_out = (uInt)cap;
    int rc = inflate(&r->zs, Z_NO_FLUSH);
    long got = (long)(cap - r->zs.avail_out);
    if (rc == Z_STREAM_END) {
      r->in_member = 0;
    } else if (rc == Z_BUF_ERROR || (rc == Z_OK && got == 0)) {
      if (r->zs.avail_in == 0 && r->in_eof)
        return file_err(r,
                        "damaged or truncated gzip data: unexpected end of "
                        "file");
    } else if (rc != Z_OK) {
      return file_err(r, "damaged or truncated gzip data: %s",
                      r->zs.msg ? r->zs.msg : zError(rc));
    }
    if (got > 0) return got;
  }
}

/* Moves the unread bytes to the front and reads more. -1 on a read error. */
static int fill(ctr_t *r) {
  if (r->eof) return 0;
  if (r->pos > 0) {
    r->base += r->pos;
    r->last_pos -= (int64_t)r->pos;
    memmove(r->buf, r->buf + r->pos, r->end - r->pos);
    r->end -= r->pos;
    r->pos = 0;
  }
  while (r->end < CTR_BUF && !r->eof) {
    long n;
    if (r->gz) {
      n = read_gz(r, r->buf + r->end, CTR_BUF - r->end);
      if (n < 0) return -1;
    } else {
      n = (long)fread(r->buf + r->end, 1, CTR_BUF - r->end, r->f);
      if (n == 0 && ferror(r->f))
        return file_err(r, "cannot read: %s", strerror(errno));
    }
    if (n == 0) r->eof = 1;
    r->end += (size_t)n;
    if (n > 0 && r->end - r->pos >= 64) break; /* enough to go on */
  }
  return 0;
}

/* Ensures at least `want` unread bytes unless the stream ends first. */
static int need(ctr_t *r, size_t want) {
  while (r->end - r->pos < want && !r->eof)
    if (fill(r) < 0) return -1;
  return 0;
}

ctr_t *ctr_open(const char *path, char *err, size_t errlen) {
  ctr_t *r = calloc(1, sizeof *r);
  if (r) {
    r->buf = malloc(CTR_BUF);
    r->path = strdup(path);
  }
  if (!r || !r->buf || !r->path) {
    snprintf(err, errlen, "%s: out of memory", path);
    ctr_close(r);
    return NULL;
  }
  errno = 0;
  r->f = fopen(path, "rb");
  if (!r->f) {
    snprintf(err, errlen, "%s: cannot open: %s", path,
             errno ? strerror(errno) : "fopen failed");
    ctr_close(r);
    return NULL;
  }
  r->state = 1;
  /* the first two bytes tell gzip from the rest; they stay the start of the
   * input (no rewind: a FIFO or a pipe cannot seek) */
  unsigned char head[2];
  size_t nhead = fread(head, 1, 2, r->f);
  if (nhead < 2 && ferror(r->f)) {
    snprintf(err, errlen, "%s: cannot read: %s", path, strerror(errno));
    ctr_close(r);
    return NULL;
  }
  if (nhead == 2 && head[0] == 0x1f && head[1] == 0x8b) {
    r->gz = 1;
    r->in = malloc(CTR_INBUF);
    /* 16 + MAX_WBITS: a gzip wrapper only (header, CRC-32 and length checked)
     */
    if (!r->in || inflateInit2(&r->zs, 16 + MAX_WBITS) != Z_OK) {
      snprintf(err, errlen, "%s: out of memory", path);
      ctr_close(r);
      return NULL;
    }
    r->zinit = 1;
    memcpy(r->in, head, nhead);
    r->zs.next_in = r->in;
    r->zs.avail_in = (uInt)nhead;
    r->in_total = nhead;
  } else {
    memcpy(r->buf, head, nhead);
    r->end = nhead;
  }
  if (need(r, 8) < 0) {
    snprintf(err, errlen, "%s", r->err);
    ctr_close(r);
    return NULL;
  }
  size_t avail = r->end - r->pos;
  const unsigned char *p = r->buf + r->pos;
  if (avail == 0) {
    snprintf(err, errlen, "%s: empty file", path);
  } else if (avail >= 4 && memcmp(p, "CTRB", 4) == 0) {
    r->binary = 1;
    if (avail < 8) {
      snprintf(err, errlen, "%s: offset 0: binary header cut short", path);
    } else {
      uint32_t v = (uint32_t)p[4] | (uint32_t)p[5] << 8 | (uint32_t)p[6] << 16 |
                   (uint32_t)p[7] << 24;
      if (v != 1) {
        snprintf(err, errlen, "%s: offset 4: unsupported binary version %u",
                 path, v);
      } else {
        r->pos += 8;
        return r;
      }
    }
  } else if (avail >= 7 && memcmp(p, "#ctrace", 7) == 0) {
    r->binary = 0;
    return r; /* the header line is checked by the first ctr_next */
  } else {
    snprintf(err, errlen,
             "%s: not a ctrace file (no '#ctrace' or 'CTRB' header)", path);
  }
  ctr_close(r);
  return NULL;
}

static int parse_num(const char *s, size_t n, uint32_t *out) {
  uint64_t v = 0;
  if (n == 0) return -1;
  if (n > 2 && s[0] == '0' && (s[1] == 'x' || s[1] == 'X')) {
    for (size_t i = 2; i < n; i++) {
      unsigned c = (unsigned char)s[i], d;
      if (c >= '0' && c <= '9')
        d = c - '0';
      else if (c >= 'a' && c <= 'f')
        d = c - 'a' + 10;
      else if (c >= 'A' && c <= 'F')
        d = c - 'A' + 10;
      else
        return -1;
      v = v * 16 + d;
      if (v > 0xFFFFFFFFull) return -2;
    }
  } else {
    for (size_t i = 0; i < n; i++) {
      unsigned c = (unsigned char)s[i];
      if (c < '0' || c > '9') return -1;
      v = v * 10 + (c - '0');
      if (v > 0xFFFFFFFFull) return -2;
    }
  }
  *out = (uint32_t)v;
  return 0;
}

/* Splits a line into at most 4 tokens at spaces/tabs; returns the count (5 =
 * too many). */
static int tokenize(const char *s, size_t n, const char **tok, size_t *len) {
  int k = 0;
  size_t i = 0;
  while (i < n) {
    while (i < n && (s[i] == ' ' || s[i] == '\t')) i++;
    if (i >= n) break;
    size_t st = i;
    while (i < n && s[i] != ' ' && s[i] != '\t') i++;
    if (k == 4) return 5;
    tok[k] = s + st;
    len[k] = i - st;
    k++;
  }
  return k;
}

static int text_line(ctr_t *r, const char *s, size_t n, ctr_event_t *ev) {
  if (memchr(s, '\0', n)) {
    set_err(r, "NUL byte in a text trace");
    return -1;
  }
  if (r->line == 1) {
    const char *tok[4];
    size_t len[4];
    int k = tokenize(s, n, tok, len);
    int ok = k >= 2 && len[0] == 7 && memcmp(tok[0], "#ctrace", 7) == 0;
    for (size_t i = 0; ok && i < len[1]; i++)
      if (tok[1][i] < '0' || tok[1][i] > '9') ok = 0;
    if (!ok) {
      set_err(r, "bad header (expected '#ctrace 1')");
      return -1;
    }
    uint32_t v;
    if (parse_num(tok[1], len[1], &v) != 0 || v != 1) {
      set_err(r, "unsupported version %.*s", (int)(len[1] > 20 ? 20 : len[1]),
              tok[1]);
      return -1;
    }
    return 0;
  }
  const char *hash = memchr(s, '#', n);
  if (hash) n = (size_t)(hash - s);
  const char *tok[4];
  size_t len[4];
  int k = tokenize(s, n, tok, len);
  if (k == 0) return 0;
  static const struct {
    const char *name;
    uint32_t kind;
    int nops;
  } kw[] = {{"call", CTR_CALL, 1},
            {"patch", CTR_PATCH, 2},
            {"inv", CTR_INV, 1},
            {"flush", CTR_FLUSH, 0},
            {"gap", CTR_GAP, 1}};
  int which = -1;
  for (int i = 0; i < 5; i++)
    if (len[0] == strlen(kw[i].name) && memcmp(tok[0], kw[i].name, len[0]) == 0)
      which = i;
  if (which < 0) {
    set_err(r, "unknown event type '%.*s'", (int)(len[0] > 40 ? 40 : len[0]),
            tok[0]);
    return -1;
  }
  if (k - 1 != kw[which].nops) {
    if (k == 5)
      set_err(r, "'%s' takes %d operand(s), got more than 3", kw[which].name,
              kw[which].nops);
    else
      set_err(r, "'%s' takes %d operand(s), got %d", kw[which].name,
              kw[which].nops, k - 1);
    return -1;
  }
  uint32_t ops[2] = {0, 0};
  for (int i = 1; i < k; i++) {
    int rc = parse_num(tok[i], len[i], &ops[i - 1]);
    if (rc == -1) {
      set_err(r, "malformed number '%.*s'", (int)(len[i] > 40 ? 40 : len[i]),
              tok[i]);
      return -1;
    }
    if (rc == -2) {
      set_err(r, "number %.*s above 0xFFFFFFFF",
              (int)(len[i] > 40 ? 40 : len[i]), tok[i]);
      return -1;
    }
  }
  if (kw[which].kind == CTR_PATCH && (ops[1] & 3u)) {
    set_err(r, "patch target 0x%x is not a multiple of 4", ops[1]);
    return -1;
  }
  ev->kind = kw[which].kind;
  ev->a = ops[0];
  ev->b = ops[1];
  return 1;
}

static int next_text(ctr_t *r, ctr_event_t *ev) {
  for (;;) {
    const unsigned char *p = r->buf + r->pos;
    size_t avail = r->end - r->pos;
    const unsigned char *nl =
        memchr(p, '\n', avail > CTR_MAX_LINE + 2 ? CTR_MAX_LINE + 2 : avail);
    size_t n, adv;
    if (nl) {
      n = (size_t)(nl - p);
      adv = n + 1;
    } else if (avail > CTR_MAX_LINE + 1 || !r->eof) {
      if (avail > CTR_MAX_LINE + 1) {
        r->line++;
        set_err(r, "line longer than %u characters", CTR_MAX_LINE);
        return -1;
      }
      if (fill(r) < 0) return -1;
      continue;
    } else if (avail == 0) {
      if (r->events == 0) {
        r->line = r->line ? r->line : 1;
        set_err(r, "empty trace (no events)");
        snprintf(r->err, sizeof r->err, "%s: empty trace (no events)", r->path);
        return -1;
      }
      r->state = 0;
      return 0;
    } else {
      n = avail; /* the last line without LF */
      adv = avail;
    }
    r->line++;
    if (n > 0 && p[n - 1] == '\r') n--;
    if (n > CTR_MAX_LINE) {
      set_err(r, "line longer than %u characters", CTR_MAX_LINE);
      return -1;
    }
    int rc = text_line(r, (const char *)p, n, ev);
    r->pos += adv;
    if (rc != 0) return rc;
  }
}

static uint32_t rd32(const unsigned char *p) {
  uint32_t v;
  memcpy(&v, p, 4); /* little-endian host, checked at build time in ctsim */
  return v;
}

/* The binary records of 5 bytes (call, inv, gap), by type byte: one test */
#define FIVE_BYTE_KINDS (1u << CTR_CALL | 1u << CTR_INV | 1u << CTR_GAP)

static int next_binary(ctr_t *r, ctr_event_t *ev) {
  size_t pos = r->pos;
  if (r->end - pos >= 5) { /* the common records, whole in the buffer */
    const unsigned char *p = r->buf + pos;
    if (p[0] < 32 && ((FIVE_BYTE_KINDS >> p[0]) & 1)) {
      ev->kind = p[0];
      ev->a = rd32(p + 1);
      ev->b = 0;
      r->last_pos = (int64_t)pos;
      r->pos = pos + 5;
      return 1;
    }
  }
  if (r->end - r->pos < 9 && need(r, 9) < 0) return -1;
  size_t avail = r->end - r->pos;
  if (avail == 0) {
    if (r->events == 0) {
      snprintf(r->err, sizeof r->err, "%s: empty trace (no events)", r->path);
      r->state = -1;
      return -1;
    }
    r->state = 0;
    return 0;
  }
  const unsigned char *p = r->buf + r->pos;
  size_t size;
  switch (p[0]) {
    case CTR_CALL:
    case CTR_INV:
    case CTR_GAP:
      size = 4;
      break;
    case CTR_PATCH:
      size = 8;
      break;
    case CTR_FLUSH:
      size = 0;
      break;
    default:
      set_err(r, "unknown record type 0x%02x", p[0]);
      return -1;
  }
  if (avail < 1 + size) {
    set_err(r, "record cut short by the end of the file");
    return -1;
  }
  ev->kind = p[0];
  ev->a = size ? rd32(p + 1) : 0;
  ev->b = size == 8 ? rd32(p + 5) : 0;
  if (ev->kind == CTR_PATCH && (ev->b & 3u)) {
    set_err(r, "patch target 0x%x is not a multiple of 4", ev->b);
    return -1;
  }
  r->last_pos = (int64_t)r->pos;
  r->pos += 1 + size;
  return 1;
}

size_t ctr_next_calls(ctr_t *r, uint32_t *ids, size_t max) {
  if (r->state != 1 || !r->binary) return 0;
  const unsigned char *p = r->buf + r->pos, *end = r->buf + r->end;
  size_t n = 0, lim = (size_t)(end - p) / 5;
  if (lim > max) lim = max;
  while (n < lim && p[0] == CTR_CALL) {
    ids[n++] = rd32(p + 1);
    p += 5;
  }
  if (n) {
    r->last_pos = (int64_t)r->pos;
    r->pos += 5 * n;
    r->events += n;
  }
  return n;
}

void ctr_unread_calls(ctr_t *r, size_t m) {
  r->pos -= 5 * m;
  r->events -= m;
}

void ctr_where_call(const ctr_t *r, size_t i, char *buf, size_t len) {
  snprintf(buf, len, "%s: offset %llu", r->path,
           (unsigned long long)(r->base + (uint64_t)r->last_pos + 5 * i));
}

int ctr_next(ctr_t *r, ctr_event_t *ev) {
  if (r->state != 1) return r->state;
  int rc = r->binary ? next_binary(r, ev) : next_text(r, ev);
  if (rc == 1) r->events++;
  return rc;
}

const char *ctr_error(const ctr_t *r) { return r->state == -1 ? r->err : ""; }

void ctr_where(const ctr_t *r, char *buf, size_t len) {
  if (r->binary)
    snprintf(buf, len, "%s: offset %llu", r->path,
             (unsigned long long)(r->base + (uint64_t)r->last_pos));
  else
    snprintf(buf, len, "%s:%llu", r->path, (unsigned long long)r->line);
}

int ctr_is_binary(const ctr_t *r) { return r->binary; }
uint64_t ctr_events(const ctr_t *r) { return r->events; }

void ctr_close(ctr_t *r) {
  if (!r) return;
  if (r->f) fclose(r->f);
  if (r->zinit) inflateEnd(&r->zs);
  free(r->in);
  free(r->buf);
  free(r->path);
  free(r);
}
