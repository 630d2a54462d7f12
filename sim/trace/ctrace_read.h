/*
 * ctrace_read.h: streaming reader of call traces (traces/FORMAT.md, version 1).
 *
 * Reads the text and the binary form, either optionally gzip-compressed
 * (detected by the magic bytes; members, zero padding and trailing data as
 * FORMAT.md's "Compression" says, the same rule as scripts/ctrace.py). Every
 * rule of FORMAT.md's "Errors" section is checked; the first error ends the
 * trace with a one-line message "FILE:LINE: problem" (text) or "FILE: offset N:
 * problem" (binary).
 */
#ifndef CTRACE_READ_H
#define CTRACE_READ_H

#include <stddef.h>
#include <stdint.h>

typedef enum {
  CTR_CALL = 1,  /* a = ID */
  CTR_PATCH = 2, /* a = ID, b = new target (multiple of 4) */
  CTR_INV = 3,   /* a = ID */
  CTR_FLUSH = 4,
  CTR_GAP = 5, /* a = idle cycles */
} ctr_kind_t;

typedef struct {
  uint32_t kind; /* ctr_kind_t */
  uint32_t a;
  uint32_t b;
} ctr_event_t;

typedef struct ctr ctr_t;

/* Opens a trace and checks its header. NULL on error with a one-line message.
 */
ctr_t *ctr_open(const char *path, char *err, size_t errlen);

/* Reads the next event: returns 1 (an event), 0 (end of a valid trace) or -1
 * (an error; ctr_error() tells which). After 0 or -1 it keeps returning that.
 */
int ctr_next(ctr_t *r, ctr_event_t *ev);

/* The fast path of binary traces (cttrace): up to max call records that
 * follow, whole in the read buffer, decoded into ids; returns their count, 0
 * when the next record is no such call (or the trace is text, or ended): then
 * ctr_next reads it. ctr_unread_calls(r, m), right after, gives the last m of
 * them back (ctr_next returns them again); ctr_where_call names the place of
 * the i-th (from 0) of the calls ctr_next_calls returned last. */
size_t ctr_next_calls(ctr_t *r, uint32_t *ids, size_t max);
void ctr_unread_calls(ctr_t *r, size_t m);
void ctr_where_call(const ctr_t *r, size_t i, char *buf, size_t len);

/* The error message of the last -1 (empty string when none). */
const char *ctr_error(const ctr_t *r);

/* "FILE:LINE" or "FILE: offset N" of the event ctr_next returned last, for
 * messages about a valid event (e.g. an ID the table geometry cannot hold). */
void ctr_where(const ctr_t *r, char *buf, size_t len);

int ctr_is_binary(const ctr_t *r);
uint64_t ctr_events(const ctr_t *r); /* events returned so far */
void ctr_close(ctr_t *r);

#endif /* CTRACE_READ_H */
