/* A small C program for tests/test_ctcc.py: every kind of call ctcc must
 * lower (static, global, recursive, tail, libc, libgcc, stack arguments,
 * varargs, a struct return, setjmp/longjmp) and indirect calls that it must
 * leave alone. Portable: the host's gcc builds it too, and its output there
 * is the expected output on ctsim. */
#include <setjmp.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int other_entry(int x);          /* other.c */
long long other_mix(long long a, int b);

struct pair { int lo, hi; long long sum; };

static __attribute__((noinline)) int fact(int n) { return n <= 1 ? 1 : n * fact(n - 1); }

static __attribute__((noinline)) int helper(int x) { return x * 7 + 3; } /* other.c has one too */

__attribute__((noinline)) int many(int a, int b, int c, int d, int e, int f, int g, int h,
                                   int i, int j) {
  return a + 2 * b + 3 * c + 4 * d + 5 * e + 6 * f + 7 * g + 8 * h + 9 * i + 10 * j;
}

__attribute__((noinline)) struct pair make_pair(int lo, int hi) {
  struct pair p = {lo, hi, (long long)lo * hi};
  return p;
}

__attribute__((noinline)) int sum_va(int n, ...) {
  va_list ap;
  va_start(ap, n);
  int s = 0;
  for (int k = 0; k < n; k++) s += va_arg(ap, int);
  va_end(ap);
  return s;
}

static jmp_buf env;
static __attribute__((noinline)) void deep(int n) {
  if (n == 0) longjmp(env, 42);
  deep(n - 1);
}

__attribute__((noinline)) int tail_to_helper(int x) { return helper(x + 1); }

static int cmp_int(const void *a, const void *b) {
  int x = *(const int *)a, y = *(const int *)b;
  return (x > y) - (x < y);
}

static int twice(int x) { return 2 * x; }
static int thrice(int x) { return 3 * x; }

int main(void) {
  int v[10] = {50, 3, 99, 1, 70, 2, 8, 66, 13, 5};
  qsort(v, 10, sizeof v[0], cmp_int); /* cmp_int is called through a pointer */
  printf("sorted %d %d %d %d\n", v[0], v[4], v[5], v[9]);
  printf("fact %d helper %d tail %d\n", fact(10), helper(5), tail_to_helper(5));
  printf("many %d\n", many(1, 2, 3, 4, 5, 6, 7, 8, 9, 10));
  struct pair p = make_pair(123456, 654321);
  printf("pair %d %d %lld\n", p.lo, p.hi, p.sum);
  printf("va %d\n", sum_va(5, 10, 20, 30, 40, 50));
  printf("other %d %lld\n", other_entry(9), other_mix(1000000007LL * 1000, 97));
  int (*ops[2])(int) = {twice, thrice};
  int acc = 1;
  for (int k = 0; k < 6; k++) acc = ops[k & 1](acc) + 1;
  printf("ops %d\n", acc);
  char buf[48];
  int n = snprintf(buf, sizeof buf, "%s-%05d-%x", "ctcc", 42, 0xbeef);
  printf("buf %s %d %d\n", buf, n, (int)strlen(buf));
  int r = setjmp(env);
  if (r == 0) deep(20);
  printf("longjmp %d\n", r);
  long long q = 9000000000123LL;
  printf("div %lld rem %lld\n", q / 12345, q % 12345);
  return 0;
}
