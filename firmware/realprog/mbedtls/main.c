/*
 * mbedtls/main.c: the mbedtls 2.28 program's driver (docs/realprogs.md).
 *   1. known answers: SHA-256/SHA-512/SHA-1/MD5 of "abc" (FIPS 180-2,
 *      RFC 1321), AES-128/256 (FIPS-197 appendix C), AES-128-CBC and -CTR
 *      (SP 800-38A F.2.1, F.5.1), AES-128-GCM (the GCM specification's
 *      test case 2);
 *   2. digests, HMAC-SHA-256 and Base64 of generated data (rp.h's
 *      generator; the test recomputes them with Python's hashlib, hmac and
 *      base64), one-shot and fed in pieces;
 *   3. AES-CBC/CTR/GCM and ChaCha20-Poly1305 round trips of that data, a
 *      forged tag refused;
 *   4. bignum: for generated A, B, E and odd N it prints A*B, A/B, A mod B,
 *      A^E mod N, gcd(A, N) and A^-1 mod N, which the test checks with
 *      Python integers, and Miller-Rabin on 2^127 - 1 and 2^127 + 1;
 *   5. the library's own *_self_test functions: all of them in mbedtls.elf,
 *      the quicker ones in mbedtls-small.elf (the SHA, SHA-1 and AES self
 *      tests alone take tens of millions of instructions: they hash a
 *      million bytes, or run 10000 rounds per key size; bignum's takes 5 M).
 * Any mismatch prints "mbedtls: check failed: ..." and exits 1; the last
 * line is "mbedtls: N self tests and M checks passed". Each phase and
 * each self test is a region of interest for ctsim (roi.h). The self tests
 * run verbose (their own "passed" lines): cmac's prints some of its lines
 * whatever the verbosity.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "mbedtls/aes.h"
#include "mbedtls/base64.h"
#include "mbedtls/bignum.h"
#include "mbedtls/ccm.h"
#include "mbedtls/chacha20.h"
#include "mbedtls/chachapoly.h"
#include "mbedtls/cmac.h"
#include "mbedtls/ctr_drbg.h"
#include "mbedtls/gcm.h"
#include "mbedtls/hmac_drbg.h"
#include "mbedtls/md.h"
#include "mbedtls/md5.h"
#include "mbedtls/poly1305.h"
#include "mbedtls/sha1.h"
#include "mbedtls/sha256.h"
#include "mbedtls/sha512.h"
#include "roi.h"
#include "rp.h"

const char rp_name[] = "mbedtls";

/* generated data: RP_DATA_BYTES per unit of rp_scale */
#define RP_DATA_BYTES 2048
#define RP_PIECE 100
#define RP_B64_BYTES 48

/* ---------------------------------------------------------------- helpers */

static void hex(char *out, const unsigned char *p, size_t n) {
  static const char digits[] = "0123456789abcdef";
  for (size_t i = 0; i < n; i++) {
    out[2 * i] = digits[p[i] >> 4];
    out[2 * i + 1] = digits[p[i] & 15];
  }
  out[2 * n] = '\0';
}

/* Parses a hex string into p (n bytes); the string must have 2n digits. */
static void unhex(unsigned char *p, size_t n, const char *s) {
  RP_CHECK(strlen(s) == 2 * n, "unhex: '%s' is not %lu bytes", s, (unsigned long)n);
  for (size_t i = 0; i < n; i++) {
    unsigned v = 0;
    for (int k = 0; k < 2; k++) {
      char c = s[2 * i + (size_t)k];
      v = v * 16 + (unsigned)(c <= '9' ? c - '0' : c - 'a' + 10);
    }
    p[i] = (unsigned char)v;
  }
}

/* Prints "LABEL HEX" and checks HEX against want (NULL: no check). */
static void show(const char *label, const unsigned char *p, size_t n, const char *want) {
  char buf[2 * 64 + 1];
  RP_CHECK(n <= 64, "show: %s too long", label);
  hex(buf, p, n);
  if (want != NULL) RP_CHECK(strcmp(buf, want) == 0, "%s: %s, expected %s", label, buf, want);
  printf("%s %s\n", label, buf);
}

static void check_rc(int rc, const char *what) {
  RP_CHECK(rc == 0, "%s: error -0x%04x", what, (unsigned)-rc);
}

/* ---------------------------------------------------------------- 1. known answers */

static void known_answers(void) {
  const unsigned char *abc = (const unsigned char *)"abc";
  unsigned char d[64];
  check_rc(mbedtls_sha256_ret(abc, 3, d, 0), "sha256");
  show("sha256(abc)", d, 32, "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
  check_rc(mbedtls_sha512_ret(abc, 3, d, 0), "sha512");
  show("sha512(abc)", d, 64,
       "ddaf35a193617abacc417349ae20413112e6fa4e89a97ea20a9eeee64b55d39a"
       "2192992a274fc1a836ba3c23a3feebbd454d4423643ce80e2a9ac94fa54ca49f");
  check_rc(mbedtls_sha1_ret(abc, 3, d), "sha1");
  show("sha1(abc)", d, 20, "a9993e364706816aba3e25717850c26c9cd0d89d");
  check_rc(mbedtls_md5_ret(abc, 3, d), "md5");
  show("md5(abc)", d, 16, "900150983cd24fb0d6963f7d28e17f72");

  mbedtls_aes_context aes;
  unsigned char key[32], in[32], out[32], iv[16];
  mbedtls_aes_init(&aes);
  unhex(key, 32, "000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f");
  unhex(in, 16, "00112233445566778899aabbccddeeff");
  check_rc(mbedtls_aes_setkey_enc(&aes, key, 128), "aes setkey");
  check_rc(mbedtls_aes_crypt_ecb(&aes, MBEDTLS_AES_ENCRYPT, in, out), "aes ecb");
  show("fips-197 aes-128", out, 16, "69c4e0d86a7b0430d8cdb78070b4c55a");
  check_rc(mbedtls_aes_setkey_enc(&aes, key, 256), "aes setkey");
  check_rc(mbedtls_aes_crypt_ecb(&aes, MBEDTLS_AES_ENCRYPT, in, out), "aes ecb");
  show("fips-197 aes-256", out, 16, "8ea2b7ca516745bfeafc49904b496089");
  check_rc(mbedtls_aes_setkey_dec(&aes, key, 256), "aes setkey");
  check_rc(mbedtls_aes_crypt_ecb(&aes, MBEDTLS_AES_DECRYPT, out, out), "aes ecb");
  RP_CHECK(memcmp(out, in, 16) == 0, "aes-256 decrypt");

  /* SP 800-38A: the first two blocks of its plaintext */
  unhex(key, 16, "2b7e151628aed2a6abf7158809cf4f3c");
  unhex(in, 32, "6bc1bee22e409f96e93d7e117393172aae2d8a571e03ac9c9eb76fac45af8e51");
  unhex(iv, 16, "000102030405060708090a0b0c0d0e0f");
  check_rc(mbedtls_aes_setkey_enc(&aes, key, 128), "aes setkey");
  check_rc(mbedtls_aes_crypt_cbc(&aes, MBEDTLS_AES_ENCRYPT, 32, iv, in, out), "aes cbc");
  show("sp800-38a cbc-aes128", out, 32,
       "7649abac8119b246cee98e9b12e9197d5086cb9b507219ee95db113a917678b2");
  unsigned char ctr[16], block[16];
  size_t off = 0;
  unhex(ctr, 16, "f0f1f2f3f4f5f6f7f8f9fafbfcfdfeff");
  check_rc(mbedtls_aes_crypt_ctr(&aes, 32, &off, ctr, block, in, out), "aes ctr");
  show("sp800-38a ctr-aes128", out, 32,
       "874d6191b620e3261bef6864990db6ce9806f66b7970fdff8617187bb9fffdff");
  mbedtls_aes_free(&aes);

  mbedtls_gcm_context gcm;
  unsigned char tag[16];
  mbedtls_gcm_init(&gcm);
  memset(key, 0, sizeof key);
  memset(in, 0, sizeof in);
  memset(iv, 0, sizeof iv);
  check_rc(mbedtls_gcm_setkey(&gcm, MBEDTLS_CIPHER_ID_AES, key, 128), "gcm setkey");
  check_rc(
      mbedtls_gcm_crypt_and_tag(&gcm, MBEDTLS_GCM_ENCRYPT, 16, iv, 12, NULL, 0, in, out, 16, tag),
      "gcm");
  show("gcm test case 2 ciphertext", out, 16, "0388dace60b6a392f328c2b971b2fe78");
  show("gcm test case 2 tag", tag, 16, "ab6e47d42cec13bdf53a67b21257bddf");
  mbedtls_gcm_free(&gcm);
}

/* ---------------------------------------------------------------- 2. digests of data */

static void digests(const unsigned char *data, size_t n) {
  unsigned char d[64], d2[64];
  mbedtls_sha256_context s256;
  mbedtls_sha512_context s512;
  check_rc(mbedtls_sha256_ret(data, n, d, 0), "sha256");
  mbedtls_sha256_init(&s256);
  check_rc(mbedtls_sha256_starts_ret(&s256, 0), "sha256");
  for (size_t i = 0; i < n; i += RP_PIECE)
    check_rc(mbedtls_sha256_update_ret(&s256, data + i, n - i < RP_PIECE ? n - i : RP_PIECE),
             "sha256");
  check_rc(mbedtls_sha256_finish_ret(&s256, d2), "sha256");
  mbedtls_sha256_free(&s256);
  RP_CHECK(memcmp(d, d2, 32) == 0, "sha256 in pieces differs");
  show("sha256", d, 32, NULL);
  check_rc(mbedtls_sha256_ret(data, n, d, 1), "sha224");
  show("sha224", d, 28, NULL);

  check_rc(mbedtls_sha512_ret(data, n, d, 0), "sha512");
  mbedtls_sha512_init(&s512);
  check_rc(mbedtls_sha512_starts_ret(&s512, 0), "sha512");
  for (size_t i = 0; i < n; i += RP_PIECE)
    check_rc(mbedtls_sha512_update_ret(&s512, data + i, n - i < RP_PIECE ? n - i : RP_PIECE),
             "sha512");
  check_rc(mbedtls_sha512_finish_ret(&s512, d2), "sha512");
  mbedtls_sha512_free(&s512);
  RP_CHECK(memcmp(d, d2, 64) == 0, "sha512 in pieces differs");
  show("sha512", d, 64, NULL);
  check_rc(mbedtls_sha512_ret(data, n, d, 1), "sha384");
  show("sha384", d, 48, NULL);

  check_rc(mbedtls_sha1_ret(data, n, d), "sha1");
  show("sha1", d, 20, NULL);
  check_rc(mbedtls_md5_ret(data, n, d), "md5");
  show("md5", d, 16, NULL);

  /* the generic interface: HMAC-SHA-256 keyed with the text below, and
   * SHA-512 again */
  const char *key = "call-translation lookaside buffer";
  const mbedtls_md_info_t *sha256 = mbedtls_md_info_from_type(MBEDTLS_MD_SHA256);
  const mbedtls_md_info_t *sha512 = mbedtls_md_info_from_string("SHA512");
  RP_CHECK(sha256 != NULL && sha512 != NULL, "md info");
  check_rc(mbedtls_md_hmac(sha256, (const unsigned char *)key, strlen(key), data, n, d), "hmac");
  printf("hmac-sha256 key \"%s\"\n", key);
  show("hmac-sha256", d, 32, NULL);
  check_rc(mbedtls_md(sha512, data, n, d2), "md sha512");
  check_rc(mbedtls_sha512_ret(data, n, d, 0), "sha512");
  RP_CHECK(memcmp(d, d2, 64) == 0, "md(SHA512) differs from sha512");

  unsigned char b64[2 * RP_B64_BYTES], back[RP_B64_BYTES];
  size_t olen = 0, blen = 0;
  check_rc(mbedtls_base64_encode(b64, sizeof b64, &olen, data, RP_B64_BYTES), "base64");
  check_rc(mbedtls_base64_decode(back, sizeof back, &blen, b64, olen), "base64 decode");
  RP_CHECK(blen == RP_B64_BYTES && memcmp(back, data, blen) == 0, "base64 round trip");
  printf("base64 of the first %d bytes %s\n", RP_B64_BYTES, (const char *)b64);
}

/* ---------------------------------------------------------------- 3. round trips */

static void round_trips(const unsigned char *data, size_t n) {
  unsigned char *ct = malloc(n), *pt = malloc(n);
  RP_CHECK(ct != NULL && pt != NULL, "no memory");
  unsigned char key[32], iv[16], iv2[16], tag[16], d[32];
  rp_rng_bytes(key, sizeof key);
  rp_rng_bytes(iv, sizeof iv);
  size_t blocks = n / 16 * 16;

  mbedtls_aes_context enc, dec;
  mbedtls_aes_init(&enc);
  mbedtls_aes_init(&dec);
  check_rc(mbedtls_aes_setkey_enc(&enc, key, 256), "aes setkey");
  check_rc(mbedtls_aes_setkey_dec(&dec, key, 256), "aes setkey");
  memcpy(iv2, iv, 16);
  check_rc(mbedtls_aes_crypt_cbc(&enc, MBEDTLS_AES_ENCRYPT, blocks, iv2, data, ct), "cbc");
  memcpy(iv2, iv, 16);
  check_rc(mbedtls_aes_crypt_cbc(&dec, MBEDTLS_AES_DECRYPT, blocks, iv2, ct, pt), "cbc");
  RP_CHECK(memcmp(pt, data, blocks) == 0, "aes-256-cbc round trip");
  check_rc(mbedtls_sha256_ret(ct, blocks, d, 0), "sha256");
  show("aes-256-cbc ciphertext sha256", d, 32, NULL);

  unsigned char stream[16];
  size_t off = 0;
  memcpy(iv2, iv, 16);
  check_rc(mbedtls_aes_crypt_ctr(&enc, n, &off, iv2, stream, data, ct), "ctr");
  off = 0;
  memcpy(iv2, iv, 16);
  /* decrypt in odd-sized pieces: the counter state carries over */
  for (size_t i = 0; i < n; i += 37)
    check_rc(
        mbedtls_aes_crypt_ctr(&enc, n - i < 37 ? n - i : 37, &off, iv2, stream, ct + i, pt + i),
        "ctr");
  RP_CHECK(memcmp(pt, data, n) == 0, "aes-256-ctr round trip");
  check_rc(mbedtls_sha256_ret(ct, n, d, 0), "sha256");
  show("aes-256-ctr ciphertext sha256", d, 32, NULL);
  mbedtls_aes_free(&enc);
  mbedtls_aes_free(&dec);

  mbedtls_gcm_context gcm;
  const unsigned char aad[] = "header";
  mbedtls_gcm_init(&gcm);
  check_rc(mbedtls_gcm_setkey(&gcm, MBEDTLS_CIPHER_ID_AES, key, 128), "gcm setkey");
  check_rc(
      mbedtls_gcm_crypt_and_tag(&gcm, MBEDTLS_GCM_ENCRYPT, n, iv, 12, aad, 6, data, ct, 16, tag),
      "gcm");
  check_rc(mbedtls_gcm_auth_decrypt(&gcm, n, iv, 12, aad, 6, tag, 16, ct, pt), "gcm decrypt");
  RP_CHECK(memcmp(pt, data, n) == 0, "aes-128-gcm round trip");
  show("aes-128-gcm tag", tag, 16, NULL);
  tag[0] ^= 1;
  RP_CHECK(mbedtls_gcm_auth_decrypt(&gcm, n, iv, 12, aad, 6, tag, 16, ct, pt) ==
               MBEDTLS_ERR_GCM_AUTH_FAILED,
           "gcm accepted a forged tag");
  mbedtls_gcm_free(&gcm);

  mbedtls_chachapoly_context cp;
  mbedtls_chachapoly_init(&cp);
  check_rc(mbedtls_chachapoly_setkey(&cp, key), "chachapoly setkey");
  check_rc(mbedtls_chachapoly_encrypt_and_tag(&cp, n, iv, aad, 6, data, ct, tag), "chachapoly");
  check_rc(mbedtls_chachapoly_auth_decrypt(&cp, n, iv, aad, 6, tag, ct, pt), "chachapoly decrypt");
  RP_CHECK(memcmp(pt, data, n) == 0, "chacha20-poly1305 round trip");
  show("chacha20-poly1305 tag", tag, 16, NULL);
  ct[n / 2] ^= 0x80u;
  RP_CHECK(mbedtls_chachapoly_auth_decrypt(&cp, n, iv, aad, 6, tag, ct, pt) ==
               MBEDTLS_ERR_CHACHAPOLY_AUTH_FAILED,
           "chachapoly accepted a changed ciphertext");
  mbedtls_chachapoly_free(&cp);
  printf("forged tags refused\n");
  free(pt);
  free(ct);
}

/* ---------------------------------------------------------------- 4. bignum */

static void show_mpi(const char *label, const mbedtls_mpi *x) {
  char buf[1100];
  size_t olen = 0;
  check_rc(mbedtls_mpi_write_string(x, 16, buf, sizeof buf, &olen), label);
  printf("  %s %s\n", label, buf);
}

static void random_mpi(mbedtls_mpi *x, size_t bytes) {
  unsigned char b[128];
  RP_CHECK(bytes <= sizeof b, "random_mpi: %lu bytes", (unsigned long)bytes);
  rp_rng_bytes(b, bytes);
  b[0] |= 0x80u; /* exactly 8 * bytes bits */
  check_rc(mbedtls_mpi_read_binary(x, b, bytes), "read_binary");
}

/* for mbedtls_mpi_is_prime_ext */
static int rng_fill(void *ctx, unsigned char *p, size_t n) {
  (void)ctx;
  rp_rng_bytes(p, n);
  return 0;
}

static void bignum(unsigned trials) {
  mbedtls_mpi a, b, e, n, x, y, q, r, g;
  mbedtls_mpi *all[] = {&a, &b, &e, &n, &x, &y, &q, &r, &g};
  for (size_t i = 0; i < sizeof all / sizeof all[0]; i++) mbedtls_mpi_init(all[i]);
  for (unsigned t = 0; t < trials; t++) {
    size_t bytes = 16 * (1 + t % 4); /* 128 to 512 bits */
    random_mpi(&a, bytes);
    random_mpi(&b, bytes / 2);
    random_mpi(&e, bytes);
    random_mpi(&n, bytes);
    check_rc(mbedtls_mpi_set_bit(&n, 0, 1), "set_bit"); /* odd */
    printf("mpi trial %u, %lu bits\n", t + 1, (unsigned long)(8 * bytes));
    show_mpi("A", &a);
    show_mpi("B", &b);
    show_mpi("E", &e);
    show_mpi("N", &n);
    check_rc(mbedtls_mpi_mul_mpi(&x, &a, &b), "mul");
    show_mpi("A*B", &x);
    check_rc(mbedtls_mpi_div_mpi(&q, &r, &a, &b), "div");
    show_mpi("A/B", &q);
    show_mpi("A%B", &r);
    /* q * b + r == a */
    check_rc(mbedtls_mpi_mul_mpi(&y, &q, &b), "mul");
    check_rc(mbedtls_mpi_add_mpi(&y, &y, &r), "add");
    RP_CHECK(mbedtls_mpi_cmp_mpi(&y, &a) == 0, "trial %u: q * B + r != A", t + 1);
    check_rc(mbedtls_mpi_exp_mod(&x, &a, &e, &n, NULL), "exp_mod");
    show_mpi("A^E%N", &x);
    check_rc(mbedtls_mpi_gcd(&g, &a, &n), "gcd");
    show_mpi("gcd(A,N)", &g);
    if (mbedtls_mpi_cmp_int(&g, 1) == 0) {
      check_rc(mbedtls_mpi_inv_mod(&y, &a, &n), "inv_mod");
      show_mpi("A^-1%N", &y);
      /* a * a^-1 == 1 (mod n) */
      check_rc(mbedtls_mpi_mul_mpi(&x, &a, &y), "mul");
      check_rc(mbedtls_mpi_mod_mpi(&x, &x, &n), "mod");
      RP_CHECK(mbedtls_mpi_cmp_int(&x, 1) == 0, "trial %u: A * A^-1 != 1 mod N", t + 1);
    } else {
      RP_CHECK(mbedtls_mpi_inv_mod(&y, &a, &n) == MBEDTLS_ERR_MPI_NOT_ACCEPTABLE,
               "trial %u: inv_mod without an inverse", t + 1);
      printf("  A^-1%%N none\n");
    }
  }
  /* 2^127 - 1 is a Mersenne prime; 2^127 + 1 is divisible by 3. Fresh
   * numbers: mbedtls_mpi_is_prime_ext draws its bases with as many limbs
   * as X has allocated, and an X grown larger earlier (the trials' 512-bit
   * values) makes it fail to find a base below X */
  mbedtls_mpi m1, p1;
  mbedtls_mpi_init(&m1);
  mbedtls_mpi_init(&p1);
  check_rc(mbedtls_mpi_lset(&m1, 1), "lset");
  check_rc(mbedtls_mpi_shift_l(&m1, 127), "shift");
  check_rc(mbedtls_mpi_add_int(&p1, &m1, 1), "add");
  check_rc(mbedtls_mpi_sub_int(&m1, &m1, 1), "sub");
  int prc = mbedtls_mpi_is_prime_ext(&m1, 10, rng_fill, NULL);
  RP_CHECK(prc == 0, "2^127 - 1 is prime: error -0x%04x", (unsigned)-prc);
  prc = mbedtls_mpi_is_prime_ext(&p1, 10, rng_fill, NULL);
  RP_CHECK(prc == MBEDTLS_ERR_MPI_NOT_ACCEPTABLE, "2^127 + 1 is not prime: %d", prc);
  mbedtls_mpi_free(&m1);
  mbedtls_mpi_free(&p1);
  printf("miller-rabin: 2^127-1 prime, 2^127+1 composite\n");
  for (size_t i = 0; i < sizeof all / sizeof all[0]; i++) mbedtls_mpi_free(all[i]);
}

/* ---------------------------------------------------------------- 5. self tests */

struct self_test {
  const char *name;
  int (*fn)(int verbose);
  int in_small; /* quick enough for mbedtls-small.elf */
};

static const struct self_test self_tests[] = {
    {"md5", mbedtls_md5_self_test, 1},
    {"sha1", mbedtls_sha1_self_test, 0},
    {"sha256", mbedtls_sha256_self_test, 0},
    {"sha512", mbedtls_sha512_self_test, 0},
    {"aes", mbedtls_aes_self_test, 0},
    {"gcm", mbedtls_gcm_self_test, 1},
    {"ccm", mbedtls_ccm_self_test, 1},
    {"cmac", mbedtls_cmac_self_test, 1},
    {"chacha20", mbedtls_chacha20_self_test, 1},
    {"poly1305", mbedtls_poly1305_self_test, 1},
    {"chachapoly", mbedtls_chachapoly_self_test, 1},
    {"base64", mbedtls_base64_self_test, 1},
    {"mpi", mbedtls_mpi_self_test, 0},
    {"ctr_drbg", mbedtls_ctr_drbg_self_test, 1},
    {"hmac_drbg", mbedtls_hmac_drbg_self_test, 1},
};

int main(void) {
  CT_ROI_RESET();
  known_answers();
  CT_ROI_DUMP("known answers");

  const size_t n = (size_t)RP_DATA_BYTES * rp_scale;
  const uint32_t seed = 0xC0FFEEu;
  unsigned char *data = malloc(n);
  RP_CHECK(data != NULL, "no memory for %lu bytes", (unsigned long)n);
  rp_rng_seed(seed);
  rp_rng_bytes(data, n);
  printf("data: %lu bytes (seed 0x%08lx)\n", (unsigned long)n, (unsigned long)seed);
  CT_ROI_RESET();
  digests(data, n);
  CT_ROI_DUMP("digests");
  CT_ROI_RESET();
  round_trips(data, n);
  CT_ROI_DUMP("round trips");
  CT_ROI_RESET();
  bignum(2 * rp_scale);
  CT_ROI_DUMP("bignum");
  free(data);

  unsigned ran = 0;
  for (size_t i = 0; i < sizeof self_tests / sizeof self_tests[0]; i++) {
    const struct self_test *t = &self_tests[i];
    if (rp_scale == 1 && !t->in_small) continue;
    printf("self test %s:\n", t->name);
    CT_ROI_RESET();
    RP_CHECK(t->fn(1) == 0, "self test %s failed", t->name);
    CT_ROI_DUMP(t->name);
    ran++;
  }
  printf("mbedtls: %u self tests and %lu checks passed\n", ran, rp_checks_run);
  return 0;
}
