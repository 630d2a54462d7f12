/*
 * outfile.h: the one way the C tools write an output file (ctsim, ctsim-sc,
 * cttrace, ctrdump; docs/ctsim.md "Output files").
 *
 *  - A regular file or a path that does not exist yet is written under a
 *    temporary name in the same folder, "<path>.tmp.<pid>", and renamed over
 *    the target by outfile_commit(): a failed or interrupted run leaves the
 *    old file as it was. A symbolic link to a regular file keeps the link:
 *    the rename replaces the file it points to (a dangling link: creates the
 *    file it names, the same way).
 *  - An existing target that is not a regular file (a FIFO, a character
 *    device, /dev/stdout, or a link to one of those) is opened and written
 *    directly: it stays what it is.
 *  - Write errors (disk full, a closed descriptor) make outfile_commit()
 *    fail with a one-line message; the temporary file is then removed.
 *  - Temporary files are removed on SIGINT, SIGTERM, SIGHUP, SIGPIPE, SIGXFSZ
 *    and SIGBUS (the signal then ends the process as it would have) and at
 *    exit() when they were not committed.
 */
#ifndef OUTFILE_H
#define OUTFILE_H

#include <stddef.h>
#include <stdio.h>

#ifdef __cplusplus
extern "C" {
#endif

#define OUTFILE_PATH_MAX 4096

enum {
  OUTFILE_STREAM = 1, /* "-": an already open stream (stdout or stderr) */
  OUTFILE_DIRECT,     /* a non-regular target, written in place */
  OUTFILE_REPLACE     /* temporary file + rename */
};

/* outfile_open flags */
#define OUTFILE_SEEKABLE                                \
  1u /* the writer needs a regular (seekable) file that \
        it opens by name (o->write_path): a non-regular \
        target gets a temporary file in $TMPDIR (or     \
        /tmp), copied to it at commit */

typedef struct {
  const char *path; /* the user's path */
  int mode;         /* OUTFILE_STREAM, OUTFILE_DIRECT or OUTFILE_REPLACE */
  int fd;           /* where the data goes (-1: the writer opens write_path) */
  int target_fd;    /* DIRECT + SEEKABLE: the target, filled at commit */
  int err;          /* first write error (errno value), 0 if none */
  FILE *f;          /* a stdio stream on fd (outfile_stream) */
  const char *write_path;          /* the file the data goes to, by name */
  char dest[OUTFILE_PATH_MAX];     /* REPLACE: the file the rename replaces */
  char tmp[OUTFILE_PATH_MAX + 64]; /* the temporary file ("" if none) */
  char aux[OUTFILE_PATH_MAX + 80]; /* a writer's side file, also removed */
  int reg;                         /* registered for clean-up */
} outfile_t;

/* Opens path for writing (dash: the stream "-" stands for, or NULL when "-"
 * is a file name). 0, or -1 with "cannot write PATH: REASON" in err. */
int outfile_open(outfile_t *o, const char *path, FILE *dash, unsigned flags,
                 char *err, size_t errlen);

/* A stdio stream on the file (created on the first call; NULL on error). */
FILE *outfile_stream(outfile_t *o);

/* Records a write error the caller saw (errno value; the first one counts). */
void outfile_set_error(outfile_t *o, int errnum);

/* Also remove "<temporary file><suffix>" (a file the writer creates next to
 * the one it writes) on a signal or an abort. */
void outfile_aux(outfile_t *o, const char *suffix);

/* Flushes and closes, then renames into place (or copies, SEEKABLE on a
 * non-regular target). 0, or -1 with "cannot write PATH: REASON" in err and
 * nothing left behind. */
int outfile_commit(outfile_t *o, char *err, size_t errlen);

/* Closes and removes the temporary file; the target is left as it was. */
void outfile_abort(outfile_t *o);

/* Flushes stdout at the end of a run: 0, or -1 with "writing standard
 * output: REASON" in err. */
int outfile_check_stdout(char *err, size_t errlen);

#ifdef __cplusplus
}
#endif
#endif /* OUTFILE_H */
