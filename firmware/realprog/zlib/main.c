/*
 * zlib/main.c: the zlib program's driver (docs/realprogs.md). Generates a
 * pseudo-random but compressible buffer (rp_buffer below, from rp.h's
 * generator; the test makes the same bytes in Python), checks zlib's CRC-32 and Adler-32 of it
 * against bitwise implementations of our own and against the *_combine functions, then compresses
 * it with several deflate configurations (levels, strategies, zlib/raw/gzip framing), feeding
 * deflate and inflate in small pieces, and checks every round trip. It prints, per configuration,
 * the compressed size and the compressed stream's CRC-32, and the whole gzip stream of the buffer's
 * first RP_HEX_BYTES bytes in hex, so the test can recompute the sizes and digests with Python's
 * zlib and decompress that stream. Any mismatch prints "zlib: check failed: ..." and exits 1; the
 * last line is "zlib: N streams, all checks passed". Each configuration's
 * deflate and inflate are a region of interest for ctsim (roi.h).
 *
 * zlib's memory comes from zalloc/zfree of ours: a bump allocator over a
 * static arena, reset after each stream (zlib's default calls calloc, and
 * picolibc clears with a byte-wise memset: about 1 M instructions per
 * deflate stream for its 256 KiB of tables alone).
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "roi.h"
#include "rp.h"
#include "zlib.h"

const char rp_name[] = "zlib";

/* the buffer: RP_BUF_BYTES per unit of rp_scale */
#define RP_BUF_BYTES (8 * 1024)
#define RP_HEX_BYTES 1024
/* pieces deflate and inflate are fed in, and their output chunks */
#define RP_IN_PIECE 1000
#define RP_OUT_PIECE 777

/* ---------------------------------------------------------------- the buffer */

static const char *const words[16] = {
    "call",   "table",   "walker", "entry", "patch", "lookaside", "buffer", "translation",
    "return", "address", "leaf",   "root",  "miss",  "hit",       "cycle",  "function",
};

/* Fills buf[0..n) from the seed: each step draws r and appends a word and
 * a space (r % 8 < 5), a decimal number and a newline (5), a run of one
 * letter (6) or four raw bytes of the next draw, low byte first (7). */
static void rp_buffer(unsigned char *buf, size_t n, uint32_t seed) {
  rp_rng_seed(seed);
  size_t at = 0;
  while (at < n) {
    char tmp[64];
    size_t len = 0;
    uint32_t r = rp_rng_next();
    switch (r % 8) {
      case 5:
        len = (size_t)snprintf(tmp, sizeof tmp, "%lu\n", (unsigned long)((r >> 8) % 100000u));
        break;
      case 6:
        len = 1 + (r >> 8) % 40;
        memset(tmp, 'a' + (int)((r >> 3) % 26), len);
        break;
      case 7: {
        uint32_t v = rp_rng_next();
        for (len = 0; len < 4; len++) tmp[len] = (char)(v >> (8 * len));
        break;
      }
      default: {
        const char *w = words[(r >> 3) % 16];
        len = strlen(w);
        memcpy(tmp, w, len);
        tmp[len++] = ' ';
        break;
      }
    }
    if (len > n - at) len = n - at;
    memcpy(buf + at, tmp, len);
    at += len;
  }
}

/* ---------------------------------------------------------------- our own checksums */

/* CRC-32 (IEEE 802.3, reflected, polynomial 0xEDB88320), bit by bit */
static uint32_t crc32_bitwise(const unsigned char *p, size_t n) {
  uint32_t c = 0xFFFFFFFFu;
  for (size_t i = 0; i < n; i++) {
    c ^= p[i];
    for (int k = 0; k < 8; k++) c = (c >> 1) ^ (0xEDB88320u & (0u - (c & 1u)));
  }
  return c ^ 0xFFFFFFFFu;
}

/* Adler-32 (RFC 1950), one byte at a time */
static uint32_t adler32_simple(const unsigned char *p, size_t n) {
  uint32_t a = 1, b = 0;
  for (size_t i = 0; i < n; i++) {
    a = (a + p[i]) % 65521u;
    b = (b + a) % 65521u;
  }
  return (b << 16) | a;
}

/* ---------------------------------------------------------------- memory */

#define RP_ARENA_BYTES (320 * 1024)
static unsigned char arena[RP_ARENA_BYTES] __attribute__((aligned(16)));
static size_t arena_used, arena_peak;

static voidpf rp_zalloc(voidpf opaque, uInt items, uInt size) {
  (void)opaque;
  size_t bytes = ((size_t)items * size + 15u) & ~(size_t)15u;
  if (bytes > RP_ARENA_BYTES - arena_used) return Z_NULL;
  void *p = arena + arena_used;
  arena_used += bytes;
  if (arena_used > arena_peak) arena_peak = arena_used;
  return p;
}

static void rp_zfree(voidpf opaque, voidpf p) {
  (void)opaque;
  (void)p; /* freed all at once by arena_reset */
}

static void arena_reset(void) { arena_used = 0; }

/* ---------------------------------------------------------------- streams */

struct config {
  const char *name;
  int level;
  int window_bits; /* 15 zlib, -15 raw deflate, 31 gzip */
  int strategy;
};

static const struct config configs[] = {
    {"level 0 (stored), zlib", 0, 15, Z_DEFAULT_STRATEGY},
    {"level 1, zlib", 1, 15, Z_DEFAULT_STRATEGY},
    {"level 6, zlib", 6, 15, Z_DEFAULT_STRATEGY},
    {"level 9, zlib", 9, 15, Z_DEFAULT_STRATEGY},
    {"level 6, raw deflate", 6, -15, Z_DEFAULT_STRATEGY},
    {"level 6, gzip", 6, 31, Z_DEFAULT_STRATEGY},
    {"level 6, filtered", 6, 15, Z_FILTERED},
    {"level 6, huffman only", 6, 15, Z_HUFFMAN_ONLY},
    {"level 6, rle", 6, 15, Z_RLE},
    {"level 4, fixed codes", 4, 15, Z_FIXED},
};
#define RP_CONFIGS (sizeof configs / sizeof configs[0])

static unsigned streams_done;

/* Compresses in[0..n) into out (capacity cap), input in RP_IN_PIECE pieces
 * and output in RP_OUT_PIECE chunks; returns the compressed size. */
static size_t deflate_pieces(const struct config *c, const unsigned char *in, size_t n,
                             unsigned char *out, size_t cap) {
  z_stream s;
  memset(&s, 0, sizeof s);
  s.zalloc = rp_zalloc;
  s.zfree = rp_zfree;
  int rc = deflateInit2(&s, c->level, Z_DEFLATED, c->window_bits, 8, c->strategy);
  RP_CHECK(rc == Z_OK, "%s: deflateInit2: %d", c->name, rc);
  size_t fed = 0, made = 0;
  int flush;
  do {
    size_t piece = n - fed < RP_IN_PIECE ? n - fed : RP_IN_PIECE;
    s.next_in = (Bytef *)(uintptr_t)(in + fed);
    s.avail_in = (uInt)piece;
    fed += piece;
    flush = fed == n ? Z_FINISH : Z_NO_FLUSH;
    do {
      size_t room = cap - made < RP_OUT_PIECE ? cap - made : RP_OUT_PIECE;
      RP_CHECK(room > 0, "%s: compressed data larger than %lu bytes", c->name, (unsigned long)cap);
      s.next_out = out + made;
      s.avail_out = (uInt)room;
      rc = deflate(&s, flush);
      RP_CHECK(rc == Z_OK || rc == Z_STREAM_END || rc == Z_BUF_ERROR, "%s: deflate: %d", c->name,
               rc);
      made += room - s.avail_out;
    } while (s.avail_out == 0);
    RP_CHECK(s.avail_in == 0, "%s: deflate left input", c->name);
  } while (flush != Z_FINISH);
  RP_CHECK(rc == Z_STREAM_END, "%s: deflate did not end the stream: %d", c->name, rc);
  RP_CHECK(s.total_in == n && s.total_out == made, "%s: deflate totals", c->name);
  rc = deflateEnd(&s);
  RP_CHECK(rc == Z_OK, "%s: deflateEnd: %d", c->name, rc);
  arena_reset();
  return made;
}

/* Decompresses in[0..n) into out (capacity cap), input in RP_OUT_PIECE
 * pieces and output in RP_IN_PIECE chunks; returns the size. The stream's
 * own check value (Adler-32 or CRC-32) must match, which inflate checks. */
static size_t inflate_pieces(const char *name, int window_bits, const unsigned char *in, size_t n,
                             unsigned char *out, size_t cap) {
  z_stream s;
  memset(&s, 0, sizeof s);
  s.zalloc = rp_zalloc;
  s.zfree = rp_zfree;
  int rc = inflateInit2(&s, window_bits);
  RP_CHECK(rc == Z_OK, "%s: inflateInit2: %d", name, rc);
  size_t fed = 0, made = 0;
  rc = Z_OK;
  while (rc != Z_STREAM_END) {
    if (s.avail_in == 0) {
      RP_CHECK(fed < n, "%s: inflate wants more input than the stream has", name);
      size_t piece = n - fed < RP_OUT_PIECE ? n - fed : RP_OUT_PIECE;
      s.next_in = (Bytef *)(uintptr_t)(in + fed);
      s.avail_in = (uInt)piece;
      fed += piece;
    }
    size_t room = cap - made < RP_IN_PIECE ? cap - made : RP_IN_PIECE;
    s.next_out = out + made;
    s.avail_out = (uInt)room;
    rc = inflate(&s, Z_NO_FLUSH);
    RP_CHECK(rc == Z_OK || rc == Z_STREAM_END || (rc == Z_BUF_ERROR && room > 0),
             "%s: inflate: %d (%s)", name, rc, s.msg != NULL ? s.msg : "no message");
    made += room - s.avail_out;
    RP_CHECK(made < cap || rc == Z_STREAM_END, "%s: inflated data larger than expected", name);
  }
  RP_CHECK(fed == n && s.avail_in == 0, "%s: bytes after the end of the stream", name);
  rc = inflateEnd(&s);
  RP_CHECK(rc == Z_OK, "%s: inflateEnd: %d", name, rc);
  arena_reset();
  return made;
}

static void print_hex(const unsigned char *p, size_t n) {
  for (size_t i = 0; i < n; i++)
    printf("%02x%s", p[i], (i + 1) % 32 == 0 || i + 1 == n ? "\n" : "");
}

/* ---------------------------------------------------------------- main */

int main(void) {
  const size_t n = (size_t)RP_BUF_BYTES * rp_scale;
  const uint32_t seed = 0x1234ABCDu;
  /* deflate's worst case is a little over the input size */
  const size_t cap = n + n / 100 + 1024;
  unsigned char *buf = malloc(n);
  unsigned char *packed = malloc(cap);
  unsigned char *back = malloc(n + 1);
  RP_CHECK(buf != NULL && packed != NULL && back != NULL, "no memory for %lu-byte buffers",
           (unsigned long)n);
  RP_CHECK(strcmp(zlibVersion(), ZLIB_VERSION) == 0, "zlib.h is %s, the library %s", ZLIB_VERSION,
           zlibVersion());
  rp_buffer(buf, n, seed);
  printf("zlib %s, buffer of %lu bytes (seed 0x%08lx)\n", zlibVersion(), (unsigned long)n,
         (unsigned long)seed);

  /* checksums: zlib's, ours, and zlib's combined from two halves */
  uint32_t crc = (uint32_t)crc32(crc32(0L, Z_NULL, 0), buf, (uInt)n);
  uint32_t adler = (uint32_t)adler32(adler32(0L, Z_NULL, 0), buf, (uInt)n);
  RP_CHECK(crc == crc32_bitwise(buf, n), "crc32 0x%08lx, bitwise 0x%08lx", (unsigned long)crc,
           (unsigned long)crc32_bitwise(buf, n));
  RP_CHECK(adler == adler32_simple(buf, n), "adler32 0x%08lx, simple 0x%08lx", (unsigned long)adler,
           (unsigned long)adler32_simple(buf, n));
  size_t half = n / 3;
  uLong c1 = crc32(0L, buf, (uInt)half), c2 = crc32(0L, buf + half, (uInt)(n - half));
  uLong a1 = adler32(1L, buf, (uInt)half), a2 = adler32(1L, buf + half, (uInt)(n - half));
  RP_CHECK(crc32_combine(c1, c2, (z_off_t)(n - half)) == crc, "crc32_combine");
  RP_CHECK(adler32_combine(a1, a2, (z_off_t)(n - half)) == adler, "adler32_combine");
  printf("buffer: crc32 0x%08lx adler32 0x%08lx\n", (unsigned long)crc, (unsigned long)adler);

  /* each configuration: compress, inflate back, compare */
  for (size_t i = 0; i < RP_CONFIGS; i++) {
    const struct config *c = &configs[i];
    CT_ROI_RESET();
    size_t clen = deflate_pieces(c, buf, n, packed, cap);
    size_t dlen = inflate_pieces(c->name, c->window_bits, packed, clen, back, n + 1);
    CT_ROI_DUMP(c->name);
    RP_CHECK(dlen == n && memcmp(back, buf, n) == 0, "%s: the round trip differs", c->name);
    streams_done++;
    printf("%-24s %7lu bytes, crc32 0x%08lx\n", c->name, (unsigned long)clen,
           (unsigned long)crc32(0L, packed, (uInt)clen));
  }
  RP_CHECK(arena_peak <= RP_ARENA_BYTES, "arena");

  /* the one-call API, and inflate's detection of zlib or gzip framing
   * (window bits 15 + 32) on the level 9 stream */
  uLongf clen = (uLongf)cap;
  int rc = compress2(packed, &clen, buf, (uLong)n, 9);
  RP_CHECK(rc == Z_OK, "compress2: %d", rc);
  RP_CHECK(clen <= compressBound((uLong)n), "compressBound");
  size_t dlen = inflate_pieces("compress2 (auto header)", 15 + 32, packed, clen, back, n + 1);
  RP_CHECK(dlen == n && memcmp(back, buf, n) == 0, "compress2: the round trip differs");
  uLongf ulen = (uLongf)n;
  rc = uncompress(back, &ulen, packed, clen);
  RP_CHECK(rc == Z_OK && ulen == n && memcmp(back, buf, n) == 0, "uncompress: %d", rc);
  streams_done++;
  printf("%-24s %7lu bytes, crc32 0x%08lx\n", "compress2 level 9", (unsigned long)clen,
         (unsigned long)crc32(0L, packed, (uInt)clen));

  /* a damaged stream is refused: flip one bit of the level 9 stream's data */
  packed[clen / 2] ^= 0x10u;
  ulen = (uLongf)n;
  rc = uncompress(back, &ulen, packed, clen);
  RP_CHECK(rc == Z_DATA_ERROR, "a damaged stream: uncompress returned %d", rc);
  printf("damaged stream: Z_DATA_ERROR\n");

  /* the gzip stream of the first RP_HEX_BYTES bytes, for the test to inflate */
  const struct config gz = {"gzip head", 9, 31, Z_DEFAULT_STRATEGY};
  size_t glen = deflate_pieces(&gz, buf, RP_HEX_BYTES, packed, cap);
  dlen = inflate_pieces(gz.name, 31, packed, glen, back, n + 1);
  RP_CHECK(dlen == RP_HEX_BYTES && memcmp(back, buf, RP_HEX_BYTES) == 0, "gzip head round trip");
  streams_done++;
  printf("gzip stream of the first %d bytes, level 9 (%lu bytes):\n", RP_HEX_BYTES,
         (unsigned long)glen);
  print_hex(packed, glen);

  printf("zlib: %u streams, all checks passed\n", streams_done);
  free(back);
  free(packed);
  free(buf);
  return 0;
}
