/*
 * vcdmerge.c: several harts' waveforms in one VCD (vcdmerge.h). Each input
 * is a VCD of one verilated accelerator's trace object (model/xlat_vl.cpp),
 * all with the same time scale; the output has every input's scopes (the
 * top-level ones of input k > 0 renamed: "hart0" -> "hartK", X -> XK), every
 * identifier code replaced by a fresh one (no two inputs share a code), and
 * the value changes of all inputs in time order (the inputs' blocks of equal
 * time in input order).
 */
#define _POSIX_C_SOURCE 200809L /* getline */

#include "vcdmerge.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define CODE_MAX 16

typedef struct {
  char code[CODE_MAX], to[CODE_MAX];
} code_map_t;

typedef struct {
  FILE *f;
  char *line; /* the current line (getline's buffer) */
  size_t cap;
  int eof;
  uint64_t t; /* the time of the block that starts at the current line */
  code_map_t *map;
  size_t nmap, capmap; /* an open-addressing table, capmap a power of 2 */
} input_t;

typedef struct {
  FILE *out;
  unsigned next_code; /* the number of codes handed out */
  char *err;
  size_t errlen;
} merge_t;

static int fail(merge_t *m, const char *fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  vsnprintf(m->err, m->errlen, fmt, ap);
  va_end(ap);
  return -1;
}

/* reads the next line into in->line; 0, or 1 at the end */
static int next_line(input_t *in) {
  if (getline(&in->line, &in->cap, in->f) < 0) {
    in->eof = 1;
    return 1;
  }
  return 0;
}

static unsigned long hash(const char *s) {
  unsigned long h = 5381;
  while (*s) h = h * 33 + (unsigned char)*s++;
  return h;
}

/* the entry of code in in's table (an empty one if it is not there) */
static code_map_t *slot(input_t *in, const char *code) {
  size_t i = hash(code) & (in->capmap - 1);
  while (in->map[i].code[0] && strcmp(in->map[i].code, code) != 0)
    i = (i + 1) & (in->capmap - 1);
  return &in->map[i];
}

static int grow(input_t *in) {
  size_t cap = in->capmap ? 2 * in->capmap : 256;
  code_map_t *old = in->map;
  size_t oldcap = in->capmap;
  in->map = calloc(cap, sizeof *in->map);
  if (!in->map) return -1;
  in->capmap = cap;
  for (size_t i = 0; i < oldcap; i++)
    if (old[i].code[0]) *slot(in, old[i].code) = old[i];
  free(old);
  return 0;
}

/* The output's code of input code `code` (a new one at its first $var). */
static const char *map_code(merge_t *m, input_t *in, const char *code,
                            int declare) {
  if (strlen(code) >= CODE_MAX) return NULL;
  if (in->capmap) {
    code_map_t *e = slot(in, code);
    if (e->code[0]) return e->to;
  }
  if (!declare) return NULL;
  if (2 * (in->nmap + 1) > in->capmap && grow(in)) return NULL;
  code_map_t *e = slot(in, code);
  snprintf(e->code, sizeof e->code, "%s", code);
  /* base 94 over '!'..'~', the lowest digit first */
  unsigned v = m->next_code++, n = 0;
  do {
    e->to[n++] = (char)('!' + v % 94);
    v /= 94;
  } while (v && n + 1 < CODE_MAX);
  e->to[n] = 0;
  in->nmap++;
  return e->to;
}

/* the words of line s (at most max, each NUL-terminated in buf) */
static unsigned words(const char *s, char *buf, size_t cap, char **w,
                      unsigned max) {
  unsigned n = 0;
  size_t used = 0;
  while (*s && n < max) {
    while (*s == ' ' || *s == '\t' || *s == '\n' || *s == '\r') s++;
    if (!*s) break;
    size_t len = strcspn(s, " \t\r\n");
    if (used + len + 1 > cap) break;
    w[n++] = buf + used;
    memcpy(buf + used, s, len);
    buf[used + len] = 0;
    used += len + 1;
    s += len;
  }
  return n;
}

/* The header of input k: its scopes and variables, renamed; input 0's lines
 * before its first scope (version, time scale) first. */
static int header(merge_t *m, input_t *in, unsigned k) {
  int depth = 0, scoped = 0;
  for (;;) {
    if (next_line(in))
      return fail(m, "hart %u's waveform ends in its header", k);
    char buf[1024], *w[16];
    unsigned n = words(in->line, buf, sizeof buf, w, 16);
    if (n && strcmp(w[0], "$enddefinitions") == 0) break;
    if (n >= 3 && strcmp(w[0], "$scope") == 0) {
      if (depth == 0 && k > 0) {
        size_t ind = strspn(in->line, " \t");
        if (strcmp(w[2], "hart0") == 0)
          fprintf(m->out, "%.*s$scope %s hart%u $end\n", (int)ind, in->line,
                  w[1], k);
        else
          fprintf(m->out, "%.*s$scope %s %s%u $end\n", (int)ind, in->line, w[1],
                  w[2], k);
      } else {
        fputs(in->line, m->out);
      }
      depth++;
      scoped = 1;
      continue;
    }
    if (n && strcmp(w[0], "$upscope") == 0) {
      depth--;
      fputs(in->line, m->out);
      continue;
    }
    if (n >= 5 && strcmp(w[0], "$var") == 0) {
      const char *to = map_code(m, in, w[3], 1);
      if (!to) return fail(m, "hart %u's waveform: bad code '%s'", k, w[3]);
      /* the line with its code (the fourth word) replaced */
      const char *p = in->line;
      for (unsigned i = 0; i < 3; i++) {
        p += strspn(p, " \t");
        p += strcspn(p, " \t");
      }
      p += strspn(p, " \t");
      fprintf(m->out, "%.*s%s%s", (int)(p - in->line), in->line, to,
              p + strlen(w[3]));
      continue;
    }
    if (k == 0 && !scoped) fputs(in->line, m->out); /* version, time scale */
  }
  return 0;
}

/* The value-change line s of input k with the output's code; -1 if its code
 * was never declared. */
static int value_line(merge_t *m, input_t *in, unsigned k, const char *s) {
  const char *code;
  size_t vlen;
  if (strchr("01xXzZ", s[0])) {
    vlen = 1;
    code = s + 1;
  } else if (strchr("bBrRsS", s[0])) {
    vlen = strcspn(s, " ");
    code = s + vlen + (s[vlen] == ' ');
  } else {
    fputs(s, m->out); /* $dumpvars, $end, comments */
    fputc('\n', m->out);
    return 0;
  }
  const char *to = map_code(m, in, code, 0);
  if (!to)
    return fail(m, "hart %u's waveform: a value of undeclared code '%s'", k,
                code);
  if (s[0] == '0' || s[0] == '1' || strchr("xXzZ", s[0]))
    fprintf(m->out, "%c%s\n", s[0], to);
  else
    fprintf(m->out, "%.*s %s\n", (int)vlen, s, to);
  return 0;
}

/* Moves input in to its next time stamp (in->t), or to its end. */
static int to_block(merge_t *m, input_t *in, unsigned k, int copy) {
  for (;;) {
    if (next_line(in)) return 0;
    char *s = in->line;
    s[strcspn(s, "\r\n")] = 0;
    if (!*s) continue;
    if (s[0] == '#') {
      char *end;
      errno = 0;
      unsigned long long t = strtoull(s + 1, &end, 10);
      if (*end || errno)
        return fail(m, "hart %u's waveform: bad time stamp '%s'", k, s);
      in->t = t;
      return 0;
    }
    if (!copy)
      return fail(m, "hart %u's waveform: a value before any time stamp", k);
    if (value_line(m, in, k, s)) return -1;
  }
}

int vcd_merge(FILE **files, unsigned n, FILE *out, char *err, size_t errlen) {
  merge_t m = {out, 0, err, errlen};
  input_t *in = calloc(n, sizeof *in);
  int rc = -1;
  if (!in) {
    fail(&m, "out of memory");
    return -1;
  }
  for (unsigned k = 0; k < n; k++) in[k].f = files[k];
  for (unsigned k = 0; k < n; k++)
    if (header(&m, &in[k], k)) goto done;
  fputs("$enddefinitions $end\n\n", out);
  for (unsigned k = 0; k < n; k++)
    if (to_block(&m, &in[k], k, 0)) goto done;
  for (;;) {
    int any = 0;
    uint64_t t = 0;
    for (unsigned k = 0; k < n; k++)
      if (!in[k].eof && (!any || in[k].t < t)) t = in[k].t, any = 1;
    if (!any) break;
    fprintf(out, "#%llu\n", (unsigned long long)t);
    for (unsigned k = 0; k < n; k++)
      if (!in[k].eof && in[k].t == t && to_block(&m, &in[k], k, 1)) goto done;
  }
  for (unsigned k = 0; k < n; k++)
    if (ferror(in[k].f)) {
      fail(&m, "hart %u's waveform cannot be read back: %s", k,
           strerror(errno));
      goto done;
    }
  rc = 0;
done:
  for (unsigned k = 0; k < n; k++) {
    free(in[k].line);
    free(in[k].map);
  }
  free(in);
  return rc;
}
