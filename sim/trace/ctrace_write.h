/*
 * ctrace_write.h: writer of call traces (traces/FORMAT.md, version 1), for the
 * CPU simulator's trace recording and the tools. Text or binary, optionally
 * gzip. The file is written as sim/outfile.h says: a regular file (or a new
 * one) under a temporary name next to it, renamed at ctw_close(), so a failed
 * or aborted run leaves no partial trace; a FIFO or a device is written in
 * place.
 */
#ifndef CTRACE_WRITE_H
#define CTRACE_WRITE_H

#include <stddef.h>

#include "ctrace_read.h"

typedef struct ctw ctw_t;

/* The form the tools use for a file name: binary if the base name contains
 * ".ctb", gzip if the name ends in ".gz". */
void ctw_form_from_name(const char *path, int *binary, int *gzip);

/* Opens a writer. comment (may be NULL): one line, written as "# comment" after
 * the header of a text trace (ignored for binary). NULL on error with a
 * message. */
ctw_t *ctw_open(const char *path, int binary, int gzip, const char *comment,
                char *err, size_t errlen);

/* Appends one event (kind and operands as ctrace_read.h). -1 on a write error
 * or an invalid event (unknown kind, patch target not a multiple of 4). */
int ctw_event(ctw_t *w, const ctr_event_t *ev);

/* Finishes the file and renames it into place (outfile_commit); frees w. A
 * trace without events is invalid (FORMAT.md): then, or on any error, the
 * temporary file is removed and -1 returned with a one-line message. */
int ctw_close(ctw_t *w, char *err, size_t errlen);

/* Drops the temporary file; frees w. */
void ctw_abort(ctw_t *w);

#endif /* CTRACE_WRITE_H */
