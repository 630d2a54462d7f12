/*
 * bench: a self-checking compute benchmark with five kernels.
 *
 *   arith   modular exponentiation by repeated multiplication (Fermat's little
 *           theorem: a^(p-1) mod p == 1), sums of squares and cubes against
 *           their closed forms, Euclid on consecutive Fibonacci numbers
 *           (Lame: gcd 1 after exactly n-1 division steps)
 *   memcpy  word, byte (misaligned) and libc copies of a 4 KiB buffer; every
 *           word checked against the generating formula
 *   sort    quicksort + insertion sort of 1024 pseudo-random words; checked for
 *           order and, by three order-independent hashes, for being a
 *           permutation of the input
 *   crc32   bitwise and table-driven CRC-32 (IEEE 802.3, reflected 0xEDB88320):
 *           the published check values of "123456789" (0xCBF43926) and of
 *           "The quick brown fox jumps over the lazy dog" (0x414FA339), and
 *           both methods agreeing on a 4 KiB buffer
 *   fnptr   a chain of invertible operations called through a table of
 *           function pointers, then their inverses: every value must come
 *           back unchanged, and the call count must be exact
 *
 * Each kernel runs BENCH_REPEAT times (a compile-time define: bench.elf runs
 * about 100 million instructions, bench-short.elf about 2 million). Each prints
 * one summary line "bench: KERNEL ok ..." (or "FAIL"), with only values that do
 * not depend on the machine, so the output of two simulators can be compared.
 * Exit status: 0 when every check passes, otherwise the number of failed kernels.
 */
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "fw.h"

#ifndef BENCH_REPEAT
#define BENCH_REPEAT 2
#endif

/* BENCH_BREAK=k (1..5) plants a bug in kernel k so the tests can show that
   its self-check catches it: 1 arith, 2 memcpy, 3 sort (drops an element),
   4 crc32 (wrong polynomial in the table), 5 fnptr (a wrong inverse). */
#ifndef BENCH_BREAK
#define BENCH_BREAK 0
#endif
#define BROKEN(k) (BENCH_BREAK == (k))

/* ---------------------------------------------------------------- helpers */

static int failures;

static void report(const char *kernel, int ok, uint32_t work, uint32_t check) {
  printf("bench: %-7s %s work=%lu check=0x%08lx\n", kernel, ok ? "ok  " : "FAIL",
         (unsigned long)work, (unsigned long)check);
  if (!ok) failures++;
}

/* Numerical Recipes LCG: a fixed, well-known sequence. */
static uint32_t lcg_state;
static uint32_t lcg_next(void) {
  lcg_state = lcg_state * 1664525u + 1013904223u;
  return lcg_state;
}

/* Keep the compiler from folding a loop into its closed form. */
#define OPAQUE(x) __asm__ volatile("" : "+r"(x))

/* ---------------------------------------------------------------- arith */

static uint32_t modpow_slow(uint32_t a, uint32_t e, uint32_t p) {
  uint32_t x = 1;
  for (uint32_t i = 0; i < e; i++) {
    x = (x * a) % p;
    OPAQUE(x);
  }
  return x;
}

static void kernel_arith(void) {
  static const uint32_t primes[] = {1009, 1013, 4093};
  int ok = 1;
  uint32_t check = 0, work = 0;
  for (int r = 0; r < BENCH_REPEAT; r++) {
    for (unsigned k = 0; k < sizeof primes / sizeof primes[0]; k++) {
      uint32_t p = primes[k];
      for (uint32_t a = 2; a < 6; a++) {
        uint32_t x = modpow_slow(a, p - 1 - BROKEN(1), p);
        if (x != 1) ok = 0;
        check += modpow_slow(a, (p - 1) / 2, p); /* Euler's criterion: 1 or p-1 */
        work++;
      }
    }
    uint32_t n = 2000 + (uint32_t)r;
    uint32_t sq = 0, cu = 0;
    for (uint32_t i = 1; i <= n; i++) {
      uint32_t ii = i;
      OPAQUE(ii);
      sq += ii * ii;
      cu += ii * ii * ii;
    }
    uint64_t sq_exact = (uint64_t)n * (n + 1) * (2 * n + 1) / 6;
    uint32_t tri = n * (n + 1) / 2;
    if (sq != (uint32_t)sq_exact || cu != tri * tri) ok = 0;
    check ^= sq ^ cu;
    /* Euclid on (F(n+1), F(n)), n = 2..45: n-1 steps each, 990 in all. */
    uint32_t steps = 0, fn = 1, fn1 = 2; /* F(2), F(3) */
    for (int i = 2; i <= 45; i++) {
      uint32_t a = fn1, b = fn;
      OPAQUE(a);
      while (b != 0) {
        uint32_t t = a % b;
        a = b;
        b = t;
        steps++;
      }
      if (a != 1) ok = 0;
      uint32_t next = fn + fn1;
      fn = fn1;
      fn1 = next;
    }
    if (steps != 990) ok = 0;
    work++;
  }
  report("arith", ok, work, check);
}

/* ---------------------------------------------------------------- memcpy */

#define BUF_WORDS 1024
static uint32_t src_buf[BUF_WORDS];
static uint32_t dst_buf[BUF_WORDS + 1];

static uint32_t pattern(uint32_t i) { return (i * 2654435761u) ^ (i >> 3) ^ 0x5a5a0000u; }

static void copy_words(uint32_t *d, const uint32_t *s, uint32_t n) {
  for (uint32_t i = 0; i < n; i++) d[i] = s[i];
}

static void copy_bytes(uint8_t *d, const uint8_t *s, uint32_t n) {
  for (uint32_t i = 0; i < n; i++) {
    d[i] = s[i];
    OPAQUE(i); /* keep it a byte loop */
  }
}

static void kernel_memcpy(void) {
  int ok = 1;
  uint32_t check = 0, bytes = 0;
  for (uint32_t i = 0; i < BUF_WORDS; i++) src_buf[i] = pattern(i);
  for (int r = 0; r < BENCH_REPEAT; r++) {
    /* 1: word copy */
    memset(dst_buf, 0, sizeof dst_buf);
    copy_words(dst_buf, src_buf, BUF_WORDS - BROKEN(2));
    for (uint32_t i = 0; i < BUF_WORDS; i++)
      if (dst_buf[i] != pattern(i)) ok = 0;
    /* 2: byte copy to a destination offset by 1 (misaligned words) */
    uint8_t *d8 = (uint8_t *)dst_buf + 1;
    copy_bytes(d8, (const uint8_t *)src_buf, sizeof src_buf);
    for (uint32_t i = 0; i < BUF_WORDS; i++) {
      uint32_t w;
      memcpy(&w, d8 + 4 * i, 4);
      if (w != pattern(i)) ok = 0;
    }
    /* 3: libc memcpy, aligned */
    memcpy(dst_buf, src_buf, sizeof src_buf);
    for (uint32_t i = 0; i < BUF_WORDS; i++) {
      if (dst_buf[i] != pattern(i)) ok = 0;
      check += dst_buf[i];
    }
    bytes += 3 * sizeof src_buf;
  }
  report("memcpy", ok, bytes, check);
}

/* ---------------------------------------------------------------- sort */

#define SORT_N 1024
static uint32_t sort_buf[SORT_N];

static void insertion_sort(uint32_t *a, int lo, int hi) {
  for (int i = lo + 1; i <= hi; i++) {
    uint32_t v = a[i];
    int j = i - 1;
    while (j >= lo && a[j] > v) {
      a[j + 1] = a[j];
      j--;
    }
    a[j + 1] = v;
  }
}

static void quick_sort(uint32_t *a, int lo, int hi) {
  while (hi - lo > 16) {
    uint32_t pivot = a[lo + (hi - lo) / 2];
    int i = lo, j = hi;
    while (i <= j) {
      while (a[i] < pivot) i++;
      while (a[j] > pivot) j--;
      if (i <= j) {
        uint32_t t = a[i];
        a[i] = a[j];
        a[j] = t;
        i++;
        j--;
      }
    }
    /* Recurse into the smaller part, loop on the larger one. */
    if (j - lo < hi - i) {
      quick_sort(a, lo, j);
      lo = i;
    } else {
      quick_sort(a, i, hi);
      hi = j;
    }
  }
  insertion_sort(a, lo, hi);
}

/* Order-independent multiset hashes: equal for any permutation. */
struct mhash {
  uint32_t sum, sumsq, xmix;
};
static struct mhash multiset_hash(const uint32_t *a, int n) {
  struct mhash h = {0, 0, 0};
  for (int i = 0; i < n; i++) {
    uint32_t x = a[i];
    h.sum += x;
    h.sumsq += x * x;
    uint32_t m = (x ^ (x >> 16)) * 0x45d9f3bu;
    h.xmix ^= m ^ (m >> 16);
  }
  return h;
}

static void kernel_sort(void) {
  int ok = 1;
  uint32_t check = 0, work = 0;
  lcg_state = 12345;
  for (int r = 0; r < BENCH_REPEAT; r++) {
    uint32_t lo = UINT32_MAX, hi = 0;
    for (int i = 0; i < SORT_N; i++) {
      /* every 8th value repeats an earlier one: duplicates must survive */
      sort_buf[i] = (i % 8 == 7) ? sort_buf[i / 2] : lcg_next();
      if (sort_buf[i] < lo) lo = sort_buf[i];
      if (sort_buf[i] > hi) hi = sort_buf[i];
    }
    struct mhash before = multiset_hash(sort_buf, SORT_N);
    quick_sort(sort_buf, 0, SORT_N - 1);
    if (BROKEN(3)) sort_buf[5] = sort_buf[6]; /* still in order, not a permutation */
    struct mhash after = multiset_hash(sort_buf, SORT_N);
    for (int i = 1; i < SORT_N; i++)
      if (sort_buf[i - 1] > sort_buf[i]) ok = 0;
    if (before.sum != after.sum || before.sumsq != after.sumsq || before.xmix != after.xmix) ok = 0;
    if (sort_buf[0] != lo || sort_buf[SORT_N - 1] != hi) ok = 0;
    check ^= sort_buf[SORT_N / 2] + (uint32_t)r;
    work += SORT_N;
  }
  report("sort", ok, work, check);
}

/* ---------------------------------------------------------------- crc32 */

static uint32_t crc_table[256];

static uint32_t crc32_bitwise(const uint8_t *p, uint32_t n) {
  uint32_t c = 0xFFFFFFFFu;
  for (uint32_t i = 0; i < n; i++) {
    c ^= p[i];
    for (int k = 0; k < 8; k++) c = (c >> 1) ^ (0xEDB88320u & (0u - (c & 1u)));
  }
  return ~c;
}

static void crc32_make_table(void) {
  for (uint32_t i = 0; i < 256; i++) {
    uint32_t c = i;
    for (int k = 0; k < 8; k++) c = (c & 1u) ? (c >> 1) ^ (0xEDB88320u + BROKEN(4)) : c >> 1;
    crc_table[i] = c;
  }
}

static uint32_t crc32_table(const uint8_t *p, uint32_t n) {
  uint32_t c = 0xFFFFFFFFu;
  for (uint32_t i = 0; i < n; i++) c = crc_table[(c ^ p[i]) & 0xFFu] ^ (c >> 8);
  return ~c;
}

static void kernel_crc32(void) {
  static const char check_str[] = "123456789";
  static const char fox[] = "The quick brown fox jumps over the lazy dog";
  int ok = 1;
  uint32_t check = 0, bytes = 0;
  crc32_make_table();
  for (int r = 0; r < BENCH_REPEAT; r++) {
    if (crc32_bitwise((const uint8_t *)check_str, 9) != 0xCBF43926u) ok = 0;
    if (crc32_table((const uint8_t *)check_str, 9) != 0xCBF43926u) ok = 0;
    if (crc32_bitwise((const uint8_t *)fox, sizeof fox - 1) != 0x414FA339u) ok = 0;
    if (crc32_table((const uint8_t *)fox, sizeof fox - 1) != 0x414FA339u) ok = 0;
    src_buf[r % BUF_WORDS] ^= (uint32_t)r; /* a different buffer each round */
    uint32_t a = crc32_bitwise((const uint8_t *)src_buf, 1024);
    uint32_t b = crc32_table((const uint8_t *)src_buf, sizeof src_buf);
    uint32_t b1 = crc32_table((const uint8_t *)src_buf, 1024);
    if (a != b1) ok = 0;
    check ^= b;
    bytes += 9 * 2 + (sizeof fox - 1) * 2 + 1024 + sizeof src_buf + 1024;
  }
  report("crc32", ok, bytes, check);
}

/* ---------------------------------------------------------------- fnptr */

typedef uint32_t (*op_fn)(uint32_t);
static uint32_t op_calls;

static uint32_t op_add(uint32_t x) {
  op_calls++;
  return x + 0x01234567u;
}
static uint32_t op_sub(uint32_t x) {
  op_calls++;
  return x - 0x01234567u;
}
static uint32_t op_xor(uint32_t x) {
  op_calls++;
  return x ^ 0xA5A5F00Fu;
}
static uint32_t op_rotl(uint32_t x) {
  op_calls++;
  return (x << 7) | (x >> 25);
}
static uint32_t op_rotr(uint32_t x) {
  op_calls++;
  return (x >> 7) | (x << 25);
}
/* 0x9E3779B1 * 0x0E8B2F51 == 1 (mod 2^32): checked below */
static uint32_t op_mul(uint32_t x) {
  op_calls++;
  return x * 0x9E3779B1u;
}
static uint32_t op_unmul(uint32_t x) {
  op_calls++;
  return x * 0x0E8B2F51u;
}
static uint32_t op_not(uint32_t x) {
  op_calls++;
  return ~x;
}

/* forward[i] is undone by inverse[i] */
static op_fn const forward[] = {op_add, op_xor, op_rotl, op_mul, op_not, op_sub, op_rotr};
static op_fn const inverse[] = {op_sub, op_xor, BROKEN(5) ? op_rotl : op_rotr, op_unmul, op_not,
                                op_add, op_rotl};
#define N_OPS (sizeof forward / sizeof forward[0])
#define CHAIN 24
#define VALUES 64

static void kernel_fnptr(void) {
  int ok = 1;
  uint32_t check = 0;
  uint8_t chain[CHAIN];
  op_calls = 0;
  if (0x9E3779B1u * 0x0E8B2F51u != 1u) ok = 0;
  lcg_state = 777;
  for (int r = 0; r < BENCH_REPEAT; r++) {
    for (int k = 0; k < CHAIN; k++) chain[k] = (uint8_t)(lcg_next() >> 24) % N_OPS;
    for (int v = 0; v < VALUES; v++) {
      uint32_t x0 = lcg_next(), x = x0;
      for (int k = 0; k < CHAIN; k++) x = forward[chain[k]](x);
      check += x;
      for (int k = CHAIN - 1; k >= 0; k--) x = inverse[chain[k]](x);
      if (x != x0) ok = 0;
    }
  }
  if (op_calls != (uint32_t)BENCH_REPEAT * VALUES * CHAIN * 2) ok = 0;
  report("fnptr", ok, op_calls, check);
}

/* ---------------------------------------------------------------- main */

int main(void) {
  printf("bench: %d repeats\n", BENCH_REPEAT);
  kernel_arith();
  kernel_memcpy();
  kernel_sort();
  kernel_crc32();
  kernel_fnptr();
  printf("bench: %s (%d kernel%s failed)\n", failures ? "FAIL" : "PASS", failures,
         failures == 1 ? "" : "s");
  return failures;
}
