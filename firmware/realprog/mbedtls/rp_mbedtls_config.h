/*
 * rp_mbedtls_config.h: the mbedtls 2.28 configuration of the real program
 * (MBEDTLS_CONFIG_FILE, in place of the library's include/mbedtls/config.h):
 * hashes, block and stream ciphers with their modes, MACs, DRBGs and
 * bignum arithmetic with their self tests; no platform layer (so the
 * library uses calloc/free/printf of picolibc directly), no entropy
 * source, no files, no networking, no TLS, no assembly (bn_mul.h has none
 * for RISC-V).
 */
#ifndef RP_MBEDTLS_CONFIG_H
#define RP_MBEDTLS_CONFIG_H

/* system support */
#define MBEDTLS_NO_PLATFORM_ENTROPY

/* cipher modes */
#define MBEDTLS_CIPHER_MODE_CBC
#define MBEDTLS_CIPHER_MODE_CFB
#define MBEDTLS_CIPHER_MODE_CTR
#define MBEDTLS_CIPHER_MODE_OFB
#define MBEDTLS_CIPHER_MODE_XTS
#define MBEDTLS_CIPHER_PADDING_PKCS7

/* modules */
#define MBEDTLS_AES_C
#define MBEDTLS_BASE64_C
#define MBEDTLS_BIGNUM_C
#define MBEDTLS_CCM_C
#define MBEDTLS_CHACHA20_C
#define MBEDTLS_CHACHAPOLY_C
#define MBEDTLS_CIPHER_C
#define MBEDTLS_CMAC_C
#define MBEDTLS_CTR_DRBG_C
#define MBEDTLS_GCM_C
#define MBEDTLS_GENPRIME
#define MBEDTLS_HMAC_DRBG_C
#define MBEDTLS_MD_C
#define MBEDTLS_MD5_C
#define MBEDTLS_POLY1305_C
#define MBEDTLS_SHA1_C
#define MBEDTLS_SHA256_C
#define MBEDTLS_SHA512_C

/* the checkup functions (*_self_test) */
#define MBEDTLS_SELF_TEST

#include "mbedtls/check_config.h"

#endif /* RP_MBEDTLS_CONFIG_H */
