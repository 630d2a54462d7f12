/*
 * outfile.c: output files that never destroy what is at the target path, see
 * outfile.h.
 */
#define _POSIX_C_SOURCE 200809L
#define _DEFAULT_SOURCE
#include "outfile.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

/* ------------------------------------------------------------- clean-up */

#define MAX_REG 16
static outfile_t *volatile registry[MAX_REG];
static int handlers_done;

/* SIGXFSZ: a file size limit; SIGBUS: e.g. the FST writer's mapped files on
 * a full disk */
static const int signals[] = {SIGINT,  SIGTERM, SIGHUP,
                              SIGPIPE, SIGXFSZ, SIGBUS};

/* Async-signal-safe: unlink, then the signal's default action. */
static void on_signal(int sig) {
  for (int i = 0; i < MAX_REG; i++) {
    outfile_t *o = registry[i];
    if (!o) continue;
    if (o->tmp[0]) unlink(o->tmp);
    if (o->aux[0]) unlink(o->aux);
  }
  signal(sig, SIG_DFL);
  raise(sig); /* delivered when the handler returns: the process ends */
}

static void at_exit(void) {
  for (int i = 0; i < MAX_REG; i++) {
    outfile_t *o = registry[i];
    if (!o) continue;
    registry[i] = NULL;
    if (o->tmp[0]) unlink(o->tmp);
    if (o->aux[0]) unlink(o->aux);
  }
}

static void install_handlers(void) {
  if (handlers_done) return;
  handlers_done = 1;
  atexit(at_exit);
  for (size_t i = 0; i < sizeof signals / sizeof signals[0]; i++) {
    struct sigaction old, sa;
    if (sigaction(signals[i], NULL, &old) || old.sa_handler != SIG_DFL)
      continue; /* ignored (nohup) or someone else's handler: left alone */
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = on_signal;
    sigemptyset(&sa.sa_mask);
    for (size_t k = 0; k < sizeof signals / sizeof signals[0]; k++)
      sigaddset(&sa.sa_mask, signals[k]);
    sigaction(signals[i], &sa, NULL);
  }
}

static void reg_add(outfile_t *o) {
  install_handlers();
  for (int i = 0; i < MAX_REG; i++)
    if (!registry[i]) {
      registry[i] = o;
      o->reg = 1;
      return;
    }
  /* more than MAX_REG open outputs: still written, not cleaned on a signal */
}

/* The clean-up signals blocked (old mask in *old) while a temporary file is
 * created and registered: a signal in between would end the process before
 * the handler knows the file. */
static void block_signals(sigset_t *old) {
  sigset_t set;
  sigemptyset(&set);
  for (size_t i = 0; i < sizeof signals / sizeof signals[0]; i++)
    sigaddset(&set, signals[i]);
  sigprocmask(SIG_BLOCK, &set, old);
}

static void reg_drop(outfile_t *o) {
  if (!o->reg) return;
  for (int i = 0; i < MAX_REG; i++)
    if (registry[i] == o) registry[i] = NULL;
  o->reg = 0;
}

/* ------------------------------------------------------------- open */

static int fail(char *err, size_t errlen, const char *path, int e) {
  snprintf(err, errlen, "cannot write %s: %s", path, strerror(e));
  return -1;
}

/* A new temporary file "<base>.tmp.<pid>" (".<n>" added if that exists). */
static int make_tmp(outfile_t *o, const char *base) {
  for (int n = 0; n < 100; n++) {
    if (n)
      snprintf(o->tmp, sizeof o->tmp, "%s.tmp.%ld.%d", base, (long)getpid(), n);
    else
      snprintf(o->tmp, sizeof o->tmp, "%s.tmp.%ld", base, (long)getpid());
    int fd = open(o->tmp, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0666);
    if (fd >= 0 || errno != EEXIST) {
      if (fd < 0) o->tmp[0] = 0;
      return fd;
    }
  }
  o->tmp[0] = 0;
  errno = EEXIST;
  return -1;
}

/* The path a dangling symbolic link (chain) names, into out
 * (OUTFILE_PATH_MAX bytes). 0, or -1 with errno set. */
static int resolve_dangling(const char *path, char *out) {
  char cur[OUTFILE_PATH_MAX], link[OUTFILE_PATH_MAX];
  snprintf(cur, sizeof cur, "%s", path);
  for (int depth = 0; depth < 40; depth++) {
    struct stat lst;
    if (lstat(cur, &lst) != 0 || !S_ISLNK(lst.st_mode)) {
      snprintf(out, OUTFILE_PATH_MAX, "%s", cur);
      return 0;
    }
    ssize_t n = readlink(cur, link, sizeof link - 1);
    if (n < 0) return -1;
    link[n] = 0;
    const char *slash = strrchr(cur, '/');
    if (link[0] == '/' || !slash) {
      memcpy(cur, link, (size_t)n + 1);
    } else { /* relative to the link's folder */
      size_t d = (size_t)(slash - cur) + 1;
      if (d + (size_t)n >= sizeof cur) {
        errno = ENAMETOOLONG;
        return -1;
      }
      memcpy(cur + d, link, (size_t)n + 1);
    }
  }
  errno = ELOOP;
  return -1;
}

int outfile_open(outfile_t *o, const char *path, FILE *dash, unsigned flags,
                 char *err, size_t errlen) {
  memset(o, 0, sizeof *o);
  o->path = path;
  o->fd = o->target_fd = -1;
  if (dash && strcmp(path, "-") == 0) {
    o->mode = OUTFILE_STREAM;
    o->f = dash;
    return 0;
  }
  if (strlen(path) >= OUTFILE_PATH_MAX)
    return fail(err, errlen, path, ENAMETOOLONG);
  struct stat st, lst;
  int exists = stat(path, &st) == 0; /* follows a symbolic link */
  int dangling = !exists && lstat(path, &lst) == 0 && S_ISLNK(lst.st_mode);
  if (exists && S_ISDIR(st.st_mode)) return fail(err, errlen, path, EISDIR);
  if (exists && !S_ISREG(st.st_mode)) {
    /* a FIFO, a device, ...: written in place */
    o->mode = OUTFILE_DIRECT;
    int fd = open(path, O_WRONLY | O_NOCTTY | O_CLOEXEC);
    if (fd < 0) return fail(err, errlen, path, errno);
    if (!(flags & OUTFILE_SEEKABLE)) {
      o->fd = fd;
      return 0;
    }
    o->target_fd = fd;
    const char *td = getenv("TMPDIR");
    const char *b = strrchr(path, '/');
    snprintf(o->tmp, sizeof o->tmp, "%s/%s.tmp.XXXXXX", td && *td ? td : "/tmp",
             b ? b + 1 : path);
    sigset_t mask;
    block_signals(&mask);
    int t = mkstemp(o->tmp);
    if (t < 0) {
      int e = errno;
      sigprocmask(SIG_SETMASK, &mask, NULL);
      o->tmp[0] = 0;
      close(fd);
      o->target_fd = -1;
      return fail(err, errlen, path, e);
    }
    reg_add(o);
    sigprocmask(SIG_SETMASK, &mask, NULL);
    close(t);
    o->write_path = o->tmp;
    return 0;
  }
  o->mode = OUTFILE_REPLACE;
  if (exists && lstat(path, &lst) == 0 && S_ISLNK(lst.st_mode)) {
    char real[PATH_MAX];
    if (!realpath(path, real)) return fail(err, errlen, path, errno);
    snprintf(o->dest, sizeof o->dest, "%s", real);
  } else if (dangling) {
    if (resolve_dangling(path, o->dest)) return fail(err, errlen, path, errno);
  } else {
    snprintf(o->dest, sizeof o->dest, "%s", path);
  }
  sigset_t mask;
  block_signals(&mask);
  int fd = make_tmp(o, o->dest);
  if (fd < 0) {
    int e = errno;
    sigprocmask(SIG_SETMASK, &mask, NULL);
    return fail(err, errlen, path, e);
  }
  reg_add(o);
  sigprocmask(SIG_SETMASK, &mask, NULL);
  o->write_path = o->tmp;
  if (flags & OUTFILE_SEEKABLE)
    close(fd); /* the writer opens it by name */
  else
    o->fd = fd;
  return 0;
}

FILE *outfile_stream(outfile_t *o) {
  if (!o->f && o->fd >= 0) {
    o->f = fdopen(o->fd, "w");
    if (!o->f) outfile_set_error(o, errno);
  }
  return o->f;
}

void outfile_set_error(outfile_t *o, int errnum) {
  if (!o->err) o->err = errnum ? errnum : EIO;
}

void outfile_aux(outfile_t *o, const char *suffix) {
  if (o->tmp[0]) snprintf(o->aux, sizeof o->aux, "%s%s", o->tmp, suffix);
}

/* ------------------------------------------------------------- commit */

/* Closes what is open; the first error goes to o->err. */
static void close_all(outfile_t *o) {
  if (o->f && o->mode != OUTFILE_STREAM) {
    errno = 0;
    if (fflush(o->f) != 0) outfile_set_error(o, errno);
    if (ferror(o->f)) outfile_set_error(o, EIO);
    if (fclose(o->f) != 0) outfile_set_error(o, errno);
    o->f = NULL;
    o->fd = -1;
  } else if (o->fd >= 0) {
    if (close(o->fd) != 0) outfile_set_error(o, errno);
    o->fd = -1;
  }
}

static void remove_tmp(outfile_t *o) {
  reg_drop(o);
  if (o->tmp[0]) unlink(o->tmp);
  if (o->aux[0]) unlink(o->aux);
  o->tmp[0] = o->aux[0] = 0;
}

/* Copies the temporary file to the target descriptor. */
static int copy_to_target(outfile_t *o) {
  int in = open(o->tmp, O_RDONLY | O_CLOEXEC);
  if (in < 0) return errno;
  char buf[1 << 16];
  int e = 0;
  for (;;) {
    ssize_t n = read(in, buf, sizeof buf);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) e = errno;
    if (n <= 0) break;
    for (ssize_t off = 0; off < n && !e;) {
      ssize_t w = write(o->target_fd, buf + off, (size_t)(n - off));
      if (w < 0 && errno == EINTR) continue;
      if (w < 0)
        e = errno;
      else
        off += w;
    }
    if (e) break;
  }
  close(in);
  return e;
}

int outfile_commit(outfile_t *o, char *err, size_t errlen) {
  if (o->mode == OUTFILE_STREAM) {
    errno = 0;
    if (fflush(o->f) != 0) outfile_set_error(o, errno);
    if (ferror(o->f)) outfile_set_error(o, EIO);
    if (o->err)
      return fail(err, errlen,
                  o->f == stdout ? "standard output" : "standard error",
                  o->err);
    return 0;
  }
  close_all(o);
  if (!o->err && o->target_fd >= 0) {
    int e = copy_to_target(o);
    if (e) outfile_set_error(o, e);
  }
  if (o->target_fd >= 0) {
    if (close(o->target_fd) != 0) outfile_set_error(o, errno);
    o->target_fd = -1;
  }
  if (!o->err && o->mode == OUTFILE_REPLACE) {
    if (rename(o->tmp, o->dest) != 0)
      outfile_set_error(o, errno);
    else
      o->tmp[0] = 0;
  }
  remove_tmp(o);
  o->mode = 0;
  return o->err ? fail(err, errlen, o->path, o->err) : 0;
}

void outfile_abort(outfile_t *o) {
  if (o->mode == OUTFILE_STREAM || !o->mode) {
    o->mode = 0;
    return;
  }
  close_all(o);
  if (o->target_fd >= 0) close(o->target_fd);
  o->target_fd = -1;
  remove_tmp(o);
  o->mode = 0;
}

int outfile_check_stdout(char *err, size_t errlen) {
  errno = 0;
  int bad = fflush(stdout) != 0;
  int e = errno;
  if (!bad && !ferror(stdout)) return 0;
  if (!e) { /* an earlier write failed and stdio forgot why: ask again */
    errno = 0;
    if (write(STDOUT_FILENO, "", 0) < 0) e = errno;
  }
  snprintf(err, errlen, "writing standard output: %s",
           e ? strerror(e) : "write error");
  return -1;
}
