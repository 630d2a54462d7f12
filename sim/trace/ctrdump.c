/*
 * ctrdump: reads a call trace with the C reader (ctrace_read.c) and prints it
 * in canonical text form (the form scripts/ctrace.py writes), or only counts,
 * or converts it with the C writer (ctrace_write.c). Used to look at
 * binary/gzip traces and by the tests that compare the C and the Python readers
 * and writers.
 */
#include <stdio.h>
#include <string.h>

#include "ctrace_read.h"
#include "ctrace_write.h"
#include "outfile.h"

static void usage(FILE *f) {
  fprintf(
      f,
      "usage: ctrdump [--count] [-o|--output OUT] [--help] TRACE\n"
      "Reads a ctrace file (text or binary, optionally gzip; "
      "traces/FORMAT.md) and\n"
      "prints it as canonical text on stdout.\n"
      "  --count   print only the number of events of each kind\n"
      "  -o OUT, --output OUT\n"
      "            write the trace to OUT instead: binary if the name "
      "contains .ctb,\n"
      "            else text; gzip if it ends in .gz (a regular file via a "
      "temporary\n"
      "            file and a rename; a FIFO or device is written in place)\n"
      "  --help    this text\n"
      "Exit status: 0 valid trace, 2 bad option, invalid trace or write error "
      "(one-line\n"
      "error).\n");
}

int main(int argc, char **argv) {
  int count = 0;
  const char *path = NULL, *out = NULL;
  for (int i = 1; i < argc; i++) {
    if (strcmp(argv[i], "-o") == 0 || strcmp(argv[i], "--output") == 0) {
      if (i + 1 >= argc || !argv[i + 1][0]) {
        fprintf(stderr, "ctrdump: option %s needs a file name\n", argv[i]);
        return 2;
      }
      out = argv[++i];
      continue;
    }
    if (strcmp(argv[i], "--help") == 0 || strcmp(argv[i], "-h") == 0) {
      usage(stdout);
      return 0;
    } else if (strcmp(argv[i], "--count") == 0) {
      count = 1;
    } else if (argv[i][0] == '-' && argv[i][1] != '\0') {
      fprintf(stderr, "ctrdump: unknown option '%s' (see --help)\n", argv[i]);
      return 2;
    } else if (path) {
      fprintf(stderr, "ctrdump: more than one trace given (see --help)\n");
      return 2;
    } else {
      path = argv[i];
    }
  }
  if (!path) {
    fprintf(stderr, "ctrdump: no trace given (see --help)\n");
    return 2;
  }
  char err[512];
  ctr_t *r = ctr_open(path, err, sizeof err);
  if (!r) {
    fprintf(stderr, "ctrdump: %s\n", err);
    return 2;
  }
  unsigned long long n[6] = {0};
  ctr_event_t ev;
  int rc;
  if (out) {
    int binary, gzip;
    ctw_form_from_name(out, &binary, &gzip);
    ctw_t *w = ctw_open(out, binary, gzip, NULL, err, sizeof err);
    if (!w) {
      fprintf(stderr, "ctrdump: %s\n", err);
      ctr_close(r);
      return 2;
    }
    while ((rc = ctr_next(r, &ev)) == 1)
      if (ctw_event(w, &ev) < 0) break;
    if (rc == 1) { /* a write error: ctw_close names it */
      if (ctw_close(w, err, sizeof err) < 0)
        fprintf(stderr, "ctrdump: %s\n", err);
      else
        fprintf(stderr, "ctrdump: %s: write error\n", out);
      ctr_close(r);
      return 2;
    }
    if (rc < 0) {
      fprintf(stderr, "ctrdump: %s\n", ctr_error(r));
      ctw_abort(w);
      ctr_close(r);
      return 2;
    }
    ctr_close(r);
    if (ctw_close(w, err, sizeof err) < 0) {
      fprintf(stderr, "ctrdump: %s\n", err);
      return 2;
    }
    return 0;
  }
  if (!count) fputs("#ctrace 1\n", stdout);
  while ((rc = ctr_next(r, &ev)) == 1) {
    n[ev.kind]++;
    if (count) continue;
    switch (ev.kind) {
      case CTR_CALL:
        printf("call 0x%x\n", ev.a);
        break;
      case CTR_PATCH:
        printf("patch 0x%x 0x%x\n", ev.a, ev.b);
        break;
      case CTR_INV:
        printf("inv 0x%x\n", ev.a);
        break;
      case CTR_FLUSH:
        fputs("flush\n", stdout);
        break;
      default:
        printf("gap %u\n", ev.a);
        break;
    }
  }
  if (rc < 0) {
    fflush(stdout);
    fprintf(stderr, "ctrdump: %s\n", ctr_error(r));
    ctr_close(r);
    return 2;
  }
  if (count)
    printf("events %llu call %llu patch %llu inv %llu flush %llu gap %llu\n",
           n[1] + n[2] + n[3] + n[4] + n[5], n[1], n[2], n[3], n[4], n[5]);
  ctr_close(r);
  if (outfile_check_stdout(err, sizeof err)) {
    fprintf(stderr, "ctrdump: %s\n", err);
    return 2;
  }
  return 0;
}
