/*
 * bsp.c: the board support the real programs (docs/realprogs.md) need from
 * a bare-metal system beyond firmware/common/runtime.c (console stdout and
 * stderr, _exit). picolibc's stdio, time and signal code calls these POSIX
 * entry points, which a hosted libc gets from the kernel; here there are no
 * files, no processes and no clock:
 *   open/close/read/write/lseek  fail with ENOSYS (fopen returns NULL), so
 *                                Lua's io library and loadfile report an
 *                                error instead of reaching a device
 *   stdin                        a stream at end of file
 *   gettimeofday, times          a fixed instant (RP_FIXED_TIME) and no CPU
 *                                time used, so time(), clock() and anything
 *                                seeded from them (Lua's table.sort pivot
 *                                choice, math.random's default seed) are the
 *                                same in every run and every mode
 *   getpid/kill                  one process; kill(getpid(), sig), which
 *                                raise() and so abort() use, ends the program
 *                                with status 128 + sig
 * The upstream sources reference them only from code the drivers do not run
 * (liolib.c, loslib.c, loadlib.c, the self tests' file helpers), but the
 * link needs a definition of each.
 */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/time.h>
#include <sys/times.h>
#include <unistd.h>

#include "rp.h"

/* ---------------------------------------------------------------- files */

int open(const char *path, int flags, ...) {
  (void)path;
  (void)flags;
  errno = ENOSYS;
  return -1;
}

int close(int fd) {
  (void)fd;
  errno = ENOSYS;
  return -1;
}

ssize_t read(int fd, void *buf, size_t n) {
  (void)fd;
  (void)buf;
  (void)n;
  errno = ENOSYS;
  return -1;
}

ssize_t write(int fd, const void *buf, size_t n) {
  (void)fd;
  (void)buf;
  (void)n;
  errno = ENOSYS;
  return -1;
}

off_t lseek(int fd, off_t off, int whence) {
  (void)fd;
  (void)off;
  (void)whence;
  errno = ENOSYS;
  return -1;
}

static int stdin_getc(FILE *f) {
  (void)f;
  return EOF;
}

static FILE rp_stdin = FDEV_SETUP_STREAM(NULL, stdin_getc, NULL, _FDEV_SETUP_READ);
FILE *const stdin = &rp_stdin;

/* ---------------------------------------------------------------- time */

int gettimeofday(struct timeval *restrict tv, void *restrict tz) {
  (void)tz;
  if (tv != NULL) {
    tv->tv_sec = RP_FIXED_TIME;
    tv->tv_usec = 0;
  }
  return 0;
}

clock_t times(struct tms *t) {
  if (t != NULL) {
    t->tms_utime = 0;
    t->tms_stime = 0;
    t->tms_cutime = 0;
    t->tms_cstime = 0;
  }
  return 0;
}

/* ---------------------------------------------------------------- processes */

pid_t getpid(void) { return 1; }

int kill(pid_t pid, int sig) {
  if (pid != 1) {
    errno = ESRCH;
    return -1;
  }
  printf("%s: killed by signal %d\n", rp_name, sig);
  _exit(128 + sig);
}

/* ---------------------------------------------------------------- checks */

unsigned long rp_checks_run;
