/*
 * elf.c: ELF32 loader. Every field the loader uses is checked against the
 * file size first, so a damaged file gives a one-line error, never a crash.
 */
#define _POSIX_C_SOURCE 200809L
#include "elf.h"

#include <errno.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define EHDR_SIZE 52
#define PHDR_SIZE 32
#define SHDR_SIZE 40
#define SYM_SIZE 16
#define EM_RISCV 243
#define ET_EXEC 2
#define PT_LOAD 1
#define SHT_SYMTAB 2
#define EF_RISCV_RVC 0x1

static uint16_t rd16(const uint8_t *p) { return (uint16_t)(p[0] | p[1] << 8); }
static uint32_t rd32(const uint8_t *p) {
  return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 |
         (uint32_t)p[3] << 24;
}

static int fail(char *err, size_t errlen, const char *path, const char *fmt,
                ...) {
  char msg[256];
  va_list ap;
  va_start(ap, fmt);
  vsnprintf(msg, sizeof msg, fmt, ap);
  va_end(ap);
  snprintf(err, errlen, "%s: %s", path, msg);
  return -1;
}

/* Reads the whole file; returns NULL with an error message. */
static uint8_t *read_file(const char *path, size_t *len, char *err,
                          size_t errlen) {
  FILE *f = fopen(path, "rb");
  if (!f) {
    fail(err, errlen, path, "cannot open: %s", strerror(errno));
    return NULL;
  }
  size_t cap = 1 << 16, n = 0;
  uint8_t *buf = malloc(cap);
  while (buf) {
    size_t r = fread(buf + n, 1, cap - n, f);
    n += r;
    if (r == 0) break;
    /* not an ELF file: no need to read the rest (it may be endless, as
     * /dev/zero is); elf_load reports the bad magic */
    if (n >= 4 && memcmp(buf, "\177ELF", 4) != 0) break;
    if (n == cap) {
      if (cap >= (1u << 31)) {
        free(buf);
        fclose(f);
        fail(err, errlen, path, "file larger than 2 GiB");
        return NULL;
      }
      uint8_t *nb = realloc(buf, cap * 2);
      if (!nb) free(buf);
      buf = nb;
      cap *= 2;
    }
  }
  int bad = ferror(f);
  int saved = errno;
  fclose(f);
  if (!buf) {
    fail(err, errlen, path, "out of memory reading the file");
    return NULL;
  }
  if (bad) {
    free(buf);
    fail(err, errlen, path, "cannot read: %s", strerror(saved));
    return NULL;
  }
  *len = n;
  return buf;
}

/* Is [a, a+n) inside RAM? */
static int in_ram(const mem_t *m, uint64_t a, uint64_t n) {
  return a >= RAM_BASE && a + n <= (uint64_t)RAM_BASE + m->ram_size;
}

/* The host-interface and signature symbols (any symbol type, as Spike's
 * front end takes them): tohost and fromhost (8-byte words in RAM),
 * begin_signature and end_signature (checked by the caller, who needs them
 * only with --signature). */
static int find_symbols(const uint8_t *f, size_t len, const uint8_t *eh,
                        const mem_t *mem, elf_info_t *info, const char *path,
                        char *err, size_t errlen) {
  static const char *const names[] = {"tohost", "fromhost", "begin_signature",
                                      "end_signature"};
  uint32_t *const val[] = {&info->tohost, &info->fromhost, &info->sig_begin,
                           &info->sig_end};
  int *const has[] = {&info->has_tohost, &info->has_fromhost,
                      &info->has_sig_begin, &info->has_sig_end};
  uint32_t shoff = rd32(eh + 32);
  uint32_t shentsize = rd16(eh + 46), shnum = rd16(eh + 48);
  if (shnum == 0 || shoff == 0) return 0; /* no section headers: no symbols */
  if (shentsize < SHDR_SIZE)
    return fail(err, errlen, path, "bad e_shentsize %" PRIu32, shentsize);
  if ((uint64_t)shoff + (uint64_t)shnum * shentsize > len)
    return fail(err, errlen, path,
                "truncated: section headers beyond end of file");
  for (uint32_t i = 0; i < shnum; i++) {
    const uint8_t *sh = f + shoff + (size_t)i * shentsize;
    if (rd32(sh + 4) != SHT_SYMTAB) continue;
    uint32_t off = rd32(sh + 16), size = rd32(sh + 20), link = rd32(sh + 24);
    if ((uint64_t)off + size > len)
      return fail(err, errlen, path,
                  "truncated: symbol table beyond end of file");
    if (link >= shnum)
      return fail(err, errlen, path,
                  "symbol table links to bad section %" PRIu32, link);
    const uint8_t *st = f + shoff + (size_t)link * shentsize;
    uint32_t stroff = rd32(st + 16), strsize = rd32(st + 20);
    if ((uint64_t)stroff + strsize > len)
      return fail(err, errlen, path,
                  "truncated: string table beyond end of file");
    for (uint32_t s = 0; s + SYM_SIZE <= size; s += SYM_SIZE) {
      const uint8_t *sym = f + off + s;
      uint32_t name = rd32(sym);
      if (name >= strsize) continue;
      const char *nm = (const char *)f + stroff + name;
      size_t n = strnlen(nm, strsize - name);
      for (unsigned k = 0; k < 4; k++) {
        if (*has[k] || n != strlen(names[k]) || memcmp(nm, names[k], n) != 0)
          continue;
        uint32_t v = rd32(sym + 4);
        if (k < 2 && !in_ram(mem, v, 8))
          return fail(err, errlen, path,
                      "symbol %s at 0x%08" PRIx32 " is outside RAM", names[k],
                      v);
        *val[k] = v;
        *has[k] = 1;
      }
    }
  }
  return 0;
}

int elf_load(const char *path, mem_t *mem, elf_info_t *info, char *err,
             size_t errlen) {
  memset(info, 0, sizeof *info);
  size_t len;
  uint8_t *f = read_file(path, &len, err, errlen);
  if (!f) return -1;
  int rc = -1;
  const uint8_t *eh = f;
  if (len == 0) {
    fail(err, errlen, path, "empty file");
    goto out;
  }
  if (len < 4 || memcmp(f,
                        "\x7f"
                        "ELF",
                        4) != 0) {
    fail(err, errlen, path, "not an ELF file (bad magic)");
    goto out;
  }
  if (len < EHDR_SIZE) {
    fail(err, errlen, path, "truncated ELF header (%zu bytes)", len);
    goto out;
  }
  if (f[4] == 2) {
    fail(err, errlen, path, "64-bit ELF (ELFCLASS64): ctsim runs RV32 only");
    goto out;
  }
  if (f[4] != 1) {
    fail(err, errlen, path, "bad ELF class %u", f[4]);
    goto out;
  }
  if (f[5] == 2) {
    fail(err, errlen, path, "big-endian ELF: RISC-V is little-endian");
    goto out;
  }
  if (f[5] != 1) {
    fail(err, errlen, path, "bad ELF data encoding %u", f[5]);
    goto out;
  }
  if (rd16(eh + 18) != EM_RISCV) {
    fail(err, errlen, path, "not a RISC-V ELF (e_machine %u)", rd16(eh + 18));
    goto out;
  }
  if (rd16(eh + 16) != ET_EXEC) {
    fail(err, errlen, path, "not an executable (e_type %u)", rd16(eh + 16));
    goto out;
  }
  if (rd32(eh + 36) & EF_RISCV_RVC) {
    fail(err, errlen, path,
         "uses compressed instructions (e_flags 0x%" PRIx32
         " has EF_RISCV_RVC): ctsim runs RV32IM without the C extension; "
         "build with -march=rv32im (not rv32imc)",
         rd32(eh + 36));
    goto out;
  }
  uint32_t phoff = rd32(eh + 28);
  uint32_t phentsize = rd16(eh + 42), phnum = rd16(eh + 44);
  if (phnum == 0) {
    fail(err, errlen, path, "no program headers");
    goto out;
  }
  if (phentsize < PHDR_SIZE) {
    fail(err, errlen, path, "bad e_phentsize %" PRIu32, phentsize);
    goto out;
  }
  if ((uint64_t)phoff + (uint64_t)phnum * phentsize > len) {
    fail(err, errlen, path, "truncated: program headers beyond end of file");
    goto out;
  }
  /* check every segment before copying any */
  for (int pass = 0; pass < 2; pass++) {
    for (uint32_t i = 0; i < phnum; i++) {
      const uint8_t *ph = f + phoff + (size_t)i * phentsize;
      if (rd32(ph) != PT_LOAD) continue;
      uint32_t off = rd32(ph + 4), addr = rd32(ph + 12);
      uint32_t filesz = rd32(ph + 16), memsz = rd32(ph + 20);
      if (memsz == 0) continue;
      if (pass == 0) {
        if (filesz > memsz) {
          fail(err, errlen, path, "segment %" PRIu32 ": p_filesz > p_memsz", i);
          goto out;
        }
        if ((uint64_t)off + filesz > len) {
          fail(err, errlen, path,
               "truncated: segment %" PRIu32 " data beyond end of file", i);
          goto out;
        }
        if (!in_ram(mem, addr, memsz)) {
          fail(err, errlen, path,
               "segment %" PRIu32 " at 0x%08" PRIx32 "..0x%08" PRIx64
               " is outside RAM (0x%08" PRIx32 "..0x%08" PRIx64 ")",
               i, addr, (uint64_t)addr + memsz - 1, RAM_BASE,
               (uint64_t)RAM_BASE + mem->ram_size - 1);
          goto out;
        }
      } else {
        memcpy(mem->ram + (addr - RAM_BASE), f + off, filesz);
        memset(mem->ram + (addr - RAM_BASE) + filesz, 0, memsz - filesz);
        info->segments++;
      }
    }
  }
  if (info->segments == 0) {
    fail(err, errlen, path, "no loadable segment");
    goto out;
  }
  info->entry = rd32(eh + 24);
  if (!in_ram(mem, info->entry, 4) || (info->entry & 3)) {
    fail(err, errlen, path, "entry point 0x%08" PRIx32 " is not in RAM",
         info->entry);
    goto out;
  }
  rc = find_symbols(f, len, eh, mem, info, path, err, errlen);
out:
  free(f);
  return rc;
}

int elf_symbol(const char *path, const char *name, uint32_t *addr, char *err,
               size_t errlen) {
  size_t len, want = strlen(name);
  uint8_t *f = read_file(path, &len, err, errlen);
  if (!f) return -1;
  int rc = 1;
  if (len < EHDR_SIZE) goto out;
  uint32_t shoff = rd32(f + 32);
  uint32_t shentsize = rd16(f + 46), shnum = rd16(f + 48);
  if (shnum == 0 || shoff == 0 || shentsize < SHDR_SIZE ||
      (uint64_t)shoff + (uint64_t)shnum * shentsize > len)
    goto out;
  for (uint32_t i = 0; i < shnum && rc == 1; i++) {
    const uint8_t *sh = f + shoff + (size_t)i * shentsize;
    if (rd32(sh + 4) != SHT_SYMTAB) continue;
    uint32_t off = rd32(sh + 16), size = rd32(sh + 20), link = rd32(sh + 24);
    if ((uint64_t)off + size > len || link >= shnum) continue;
    const uint8_t *st = f + shoff + (size_t)link * shentsize;
    uint32_t stroff = rd32(st + 16), strsize = rd32(st + 20);
    if ((uint64_t)stroff + strsize > len) continue;
    for (uint32_t s = 0; s + SYM_SIZE <= size; s += SYM_SIZE) {
      const uint8_t *sym = f + off + s;
      uint32_t nm = rd32(sym);
      if (nm >= strsize) continue;
      const char *n = (const char *)f + stroff + nm;
      if (strnlen(n, strsize - nm) != want || memcmp(n, name, want) != 0)
        continue;
      unsigned type = sym[12] & 15; /* STT_NOTYPE 0, STT_FUNC 2 */
      if (type != 0 && type != 2) continue;
      *addr = rd32(sym + 4);
      rc = 0;
      break;
    }
  }
out:
  free(f);
  return rc;
}
