/*
 * elf.c: ELF32 loader. Every field the loader uses is checked against the
 * file size first, so a damaged file gives a one-line error, never a crash.
 */
#define _GNU_SOURCE /* memrchr */
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

/* ------------------------------------------------------------ names */

#define SHT_NOBITS 8
#define STT_NOTYPE 0
#define STT_FUNC 2
#define STT_FILE 4
#define STB_LOCAL 0
#define STB_GLOBAL 1
#define STB_WEAK 2
#define SHN_UNDEF 0
#define SHN_ABS 0xfff1
#define SHN_LORESERVE 0xff00
#define SHF_EXECINSTR 4

/* The section header named name (NULL if none). */
static const uint8_t *find_section(const uint8_t *f, size_t len,
                                   const char *name) {
  uint32_t shoff = rd32(f + 32);
  uint32_t shentsize = rd16(f + 46), shnum = rd16(f + 48);
  uint32_t shstrndx = rd16(f + 50);
  if (shnum == 0 || shoff == 0 || shentsize < SHDR_SIZE ||
      (uint64_t)shoff + (uint64_t)shnum * shentsize > len || shstrndx >= shnum)
    return NULL;
  const uint8_t *ss = f + shoff + (size_t)shstrndx * shentsize;
  uint32_t stroff = rd32(ss + 16), strsize = rd32(ss + 20);
  if ((uint64_t)stroff + strsize > len) return NULL;
  size_t want = strlen(name);
  for (uint32_t i = 0; i < shnum; i++) {
    const uint8_t *sh = f + shoff + (size_t)i * shentsize;
    uint32_t nm = rd32(sh);
    if (nm >= strsize) continue;
    const char *s = (const char *)f + stroff + nm;
    if (strnlen(s, strsize - nm) == want && memcmp(s, name, want) == 0)
      return sh;
  }
  return NULL;
}

static int sym_cmp(const void *a, const void *b) {
  const elf_sym_t *x = a, *y = b;
  if (x->addr != y->addr) return x->addr < y->addr ? -1 : 1;
  if (x->rank != y->rank) return x->rank < y->rank ? -1 : 1;
  return 0;
}

static int code_cmp(const void *a, const void *b) {
  const elf_code_sym_t *x = a, *y = b;
  if (x->addr != y->addr) return x->addr < y->addr ? -1 : 1;
  if (x->rank != y->rank) return x->rank < y->rank ? -1 : 1;
  return 0;
}

/* (id, index) pairs: by ID, then by index */
static int reg_cmp(const void *a, const void *b) {
  const elf_reg_t *x = a, *y = b;
  if (x->id != y->id) return x->id < y->id ? -1 : 1;
  if (x->addr != y->addr) return x->addr < y->addr ? -1 : 1;
  return 0;
}

/* Appends len bytes to the name block (grows it); -1 out of memory. */
static int strs_add(elf_names_t *n, size_t *used, size_t *cap, const char *s,
                    size_t len) {
  if (*used + len > *cap) {
    size_t nc = *cap ? *cap : 4096;
    while (nc < *used + len) nc *= 2;
    char *ns = realloc(n->strs, nc);
    if (!ns) return -1;
    n->strs = ns, *cap = nc;
  }
  memcpy(n->strs + *used, s, len);
  *used += len;
  return 0;
}

/* The symbols of every SHT_SYMTAB into n (names into one block): the
 * names by address (syms) and the code's symbols (code). */
static int read_syms(const uint8_t *f, size_t len, elf_names_t *n) {
  uint32_t shoff = rd32(f + 32);
  uint32_t shentsize = rd16(f + 46), shnum = rd16(f + 48);
  if (shnum == 0 || shoff == 0 || shentsize < SHDR_SIZE ||
      (uint64_t)shoff + (uint64_t)shnum * shentsize > len)
    return 0;
  size_t count = 0;
  for (uint32_t i = 0; i < shnum; i++) {
    const uint8_t *sh = f + shoff + (size_t)i * shentsize;
    if (rd32(sh + 4) == SHT_SYMTAB) count += rd32(sh + 20) / SYM_SIZE;
  }
  if (!count) return 0;
  n->syms = malloc(count * sizeof *n->syms);
  n->code = malloc(count * sizeof *n->code);
  if (!n->syms || !n->code) return -1;
  size_t used = 0, cap = 0;
  for (uint32_t i = 0; i < shnum; i++) {
    const uint8_t *sh = f + shoff + (size_t)i * shentsize;
    if (rd32(sh + 4) != SHT_SYMTAB) continue;
    uint32_t off = rd32(sh + 16), size = rd32(sh + 20), link = rd32(sh + 24);
    if ((uint64_t)off + size > len || link >= shnum) continue;
    const uint8_t *st = f + shoff + (size_t)link * shentsize;
    uint32_t stroff = rd32(st + 16), strsize = rd32(st + 20);
    if ((uint64_t)stroff + strsize > len) continue;
    const char *unit = NULL; /* the base name of the last STT_FILE */
    size_t unit_len = 0;
    for (uint32_t s = 0; s + SYM_SIZE <= size; s += SYM_SIZE) {
      const uint8_t *sym = f + off + s;
      uint32_t nm = rd32(sym);
      if (nm >= strsize) continue;
      const char *name = (const char *)f + stroff + nm;
      size_t nlen = strnlen(name, strsize - nm);
      unsigned type = sym[12] & 15, bind = sym[12] >> 4;
      uint32_t shndx = rd16(sym + 14);
      /* the code's symbols: named (terminated), in an executable section */
      if ((type == STT_FUNC || type == STT_NOTYPE) && nm && nlen < strsize - nm &&
          shndx != SHN_UNDEF && shndx < SHN_LORESERVE && shndx < shnum &&
          (rd32(f + shoff + (size_t)shndx * shentsize + 8) & SHF_EXECINSTR) &&
          name[0] != '$' && !(name[0] == '.' && name[1] == 'L')) {
        elf_code_sym_t *c = &n->code[n->ncode];
        c->addr = rd32(sym + 4), c->size = rd32(sym + 8);
        /* a function over a label, global over the rest, then the symbol
         * table's order (qsort is not stable) */
        c->rank = (uint32_t)((type == STT_FUNC ? 0 : 2) + (bind == STB_GLOBAL ? 0 : 1))
                      << 26 |
                  (uint32_t)n->ncode;
        c->name = (const char *)(uintptr_t)used;
        n->ncode++;
        if (strs_add(n, &used, &cap, name, nlen + 1)) return -1;
      }
      int bad = 0; /* names with white space, control or non-ASCII bytes */
      for (size_t k = 0; k < nlen && !bad; k++)
        bad = (unsigned char)name[k] <= ' ' || (unsigned char)name[k] >= 0x7f;
      if (type == STT_FILE) {
        const char *sl = memrchr(name, '/', nlen);
        unit = bad || !nlen ? NULL : sl ? sl + 1 : name;
        unit_len = unit ? nlen - (size_t)(unit - name) : 0;
        if (!unit_len) unit = NULL;
        continue;
      }
      if (bad || (type != STT_FUNC && type != STT_NOTYPE)) continue;
      if (nlen == 0 || name[0] == '$' ||
          (nlen >= 2 && name[0] == '.' && name[1] == 'L'))
        continue;
      if (shndx == SHN_UNDEF || (type == STT_NOTYPE && shndx == SHN_ABS))
        continue;
      if (bind != STB_LOCAL && bind != STB_GLOBAL && bind != STB_WEAK)
        continue;
      unsigned rb = bind == STB_GLOBAL ? 0 : bind == STB_WEAK ? 1 : 2;
      elf_sym_t *e = &n->syms[n->nsyms++];
      e->addr = rd32(sym + 4);
      /* function over label, global over weak over local, then the symbol
       * table's order (in the low bits: qsort is not stable) */
      e->rank = (uint32_t)((type == STT_FUNC ? 0 : 3) + rb) << 26 |
                (uint32_t)(n->nsyms - 1);
      e->name = (const char *)(uintptr_t)used; /* an offset until the end */
      if (strs_add(n, &used, &cap, name, nlen)) return -1;
      if (bind == STB_LOCAL && type == STT_FUNC && unit &&
          (strs_add(n, &used, &cap, "@", 1) ||
           strs_add(n, &used, &cap, unit, unit_len)))
        return -1;
      if (strs_add(n, &used, &cap, "", 1)) return -1;
    }
  }
  for (size_t k = 0; k < n->nsyms; k++)
    n->syms[k].name = n->strs + (uintptr_t)n->syms[k].name;
  for (size_t k = 0; k < n->ncode; k++)
    n->code[k].name = n->strs + (uintptr_t)n->code[k].name;
  qsort(n->syms, n->nsyms, sizeof *n->syms, sym_cmp);
  size_t w = 0;
  for (size_t k = 0; k < n->nsyms; k++)
    if (w == 0 || n->syms[w - 1].addr != n->syms[k].addr)
      n->syms[w++] = n->syms[k];
  n->nsyms = w;
  qsort(n->code, n->ncode, sizeof *n->code, code_cmp);
  w = 0;
  for (size_t k = 0; k < n->ncode; k++)
    if (w == 0 || n->code[w - 1].addr != n->code[k].addr)
      n->code[w++] = n->code[k];
  n->ncode = w;
  return 0;
}

int elf_names_load(const char *path, elf_names_t *n, char *err,
                   size_t errlen) {
  memset(n, 0, sizeof *n);
  size_t len;
  uint8_t *f = read_file(path, &len, err, errlen);
  if (!f) return -1;
  int rc = -1;
  if (len < EHDR_SIZE) {
    rc = 0;
    goto out;
  }
  if (read_syms(f, len, n)) {
    fail(err, errlen, path, "out of memory reading the symbols");
    goto out;
  }
  const uint8_t *sh = find_section(f, len, "ct_registry");
  if (sh && rd32(sh + 4) != SHT_NOBITS) {
    uint32_t off = rd32(sh + 16), size = rd32(sh + 20);
    if ((uint64_t)off + size > len) {
      fail(err, errlen, path, "truncated: section ct_registry beyond end of file");
      goto out;
    }
    if (size % 8) {
      fail(err, errlen, path,
           "section ct_registry is %" PRIu32
           " bytes, not a multiple of 8 ({uint32 id, uint32 address} pairs)",
           size);
      goto out;
    }
    /* sorted by ID; of pairs with the same ID the first counts (the
     * index goes into addr for the sort, qsort is not stable) */
    size_t np = size / 8;
    elf_reg_t *tmp = malloc((np ? np : 1) * sizeof *tmp);
    n->regs = malloc((np ? np : 1) * sizeof *n->regs);
    if (!tmp || !n->regs) {
      free(tmp);
      fail(err, errlen, path, "out of memory reading ct_registry");
      goto out;
    }
    for (size_t k = 0; k < np; k++)
      tmp[k] = (elf_reg_t){rd32(f + off + 8 * k), (uint32_t)k};
    qsort(tmp, np, sizeof *tmp, reg_cmp);
    for (size_t k = 0; k < np; k++)
      if (n->nregs == 0 || n->regs[n->nregs - 1].id != tmp[k].id)
        n->regs[n->nregs++] =
            (elf_reg_t){tmp[k].id, rd32(f + off + 8 * tmp[k].addr + 4)};
    free(tmp);
  }
  sh = find_section(f, len, ".ct_geometry");
  if (sh) {
    uint32_t off = rd32(sh + 16), size = rd32(sh + 20);
    const char *what = NULL;
    char buf[128];
    if (rd32(sh + 4) == SHT_NOBITS) {
      what = "it has no contents (SHT_NOBITS)";
    } else if ((uint64_t)off + size > len) {
      what = "it extends beyond the end of the file";
    } else if (size < 8 || memcmp(f + off, "CTGE", 4) != 0) {
      what = size < 4 || memcmp(f + off, "CTGE", 4) != 0
                 ? "it does not start with \"CTGE\""
                 : "it is shorter than 8 bytes";
    } else if (f[off + 4] != 1) {
      snprintf(buf, sizeof buf, "version %u (this ctsim reads version 1)",
               f[off + 4]);
      what = buf;
    } else if (f[off + 5] < 1 || f[off + 5] > 4) {
      snprintf(buf, sizeof buf, "level count %u (1..4)", f[off + 5]);
      what = buf;
    } else {
      unsigned lv = f[off + 5], need = (6 + lv + 3) & ~3u;
      if (size != need) {
        snprintf(buf, sizeof buf,
                 "%" PRIu32 " bytes, not %u for %u level%s (padded to a "
                 "multiple of 4)",
                 size, need, lv, lv == 1 ? "" : "s");
        what = buf;
      }
      for (unsigned k = 6 + lv; !what && k < size; k++)
        if (f[off + k]) what = "its padding bytes are not zero";
      if (!what) {
        n->has_geometry = 1;
        n->geo_levels = lv;
        for (unsigned k = 0; k < lv; k++) n->geo_bits[k] = f[off + 6 + k];
      }
    }
    if (what) {
      fail(err, errlen, path, "malformed .ct_geometry section: %s", what);
      goto out;
    }
  }
  rc = 0;
out:
  if (rc) elf_names_free(n);
  free(f);
  return rc;
}

void elf_names_free(elf_names_t *n) {
  free(n->strs);
  free(n->syms);
  free(n->code);
  free(n->regs);
  memset(n, 0, sizeof *n);
}

const char *elf_name_at(const elf_names_t *n, uint32_t addr) {
  if (!n || !n->nsyms) return NULL;
  size_t lo = 0, hi = n->nsyms;
  while (lo < hi) {
    size_t mid = lo + (hi - lo) / 2;
    if (n->syms[mid].addr < addr)
      lo = mid + 1;
    else
      hi = mid;
  }
  return lo < n->nsyms && n->syms[lo].addr == addr ? n->syms[lo].name : NULL;
}

int elf_registry_addr(const elf_names_t *n, uint32_t id, uint32_t *addr) {
  if (!n || !n->nregs) return -1;
  size_t lo = 0, hi = n->nregs;
  while (lo < hi) {
    size_t mid = lo + (hi - lo) / 2;
    if (n->regs[mid].id < id)
      lo = mid + 1;
    else
      hi = mid;
  }
  if (lo >= n->nregs || n->regs[lo].id != id) return -1;
  *addr = n->regs[lo].addr;
  return 0;
}

const char *elf_id_name(const elf_names_t *n, uint32_t id) {
  uint32_t a;
  return elf_registry_addr(n, id, &a) ? NULL : elf_name_at(n, a);
}

/* the index of the last code symbol at or below pc, or -1 */
static long code_below(const elf_names_t *n, uint32_t pc) {
  size_t lo = 0, hi = n->ncode;
  while (lo < hi) {
    size_t mid = lo + (hi - lo) / 2;
    if (n->code[mid].addr <= pc)
      lo = mid + 1;
    else
      hi = mid;
  }
  return (long)lo - 1;
}

const char *elf_code_fn(const elf_names_t *n, uint32_t pc, uint32_t *off) {
  if (!n || !n->ncode) return NULL;
  long i = code_below(n, pc);
  if (i < 0) return NULL;
  /* a sized function holding pc wins over a nearer label inside it */
  for (long j = i; j >= 0 && i - j < 8; j--) {
    const elf_code_sym_t *s = &n->code[j];
    if (s->size && pc - s->addr < s->size) {
      if (off) *off = pc - s->addr;
      return s->name;
    }
  }
  if (off) *off = pc - n->code[i].addr;
  return n->code[i].name;
}

const char *elf_code_fn_text(const elf_names_t *n, uint32_t pc, char *buf,
                             size_t len) {
  uint32_t off = 0;
  const char *s = elf_code_fn(n, pc, &off);
  if (!s)
    snprintf(buf, len, "%s", "");
  else if (off)
    snprintf(buf, len, "%s+0x%" PRIx32, s, off);
  else
    snprintf(buf, len, "%s", s);
  return buf;
}

const char *elf_code_id_fn(const elf_names_t *n, uint32_t id) {
  uint32_t a, off = 0;
  if (elf_registry_addr(n, id, &a)) return NULL;
  const char *s = elf_code_fn(n, a, &off);
  return s && off == 0 ? s : NULL;
}
