/*
 * symtab.c: function symbols and the call-ID registry of an ELF (symtab.h).
 * Every field is checked against the file size before it is read.
 */
#define _POSIX_C_SOURCE 200809L
#include "symtab.h"

#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define EHDR_SIZE 52
#define SHDR_SIZE 40
#define SYM_SIZE 16
#define SHT_SYMTAB 2
#define SHF_EXECINSTR 4
#define STT_NOTYPE 0
#define STT_FUNC 2
#define STB_GLOBAL 1
#define SHN_LORESERVE 0xff00

static uint16_t rd16(const uint8_t *p) { return (uint16_t)(p[0] | p[1] << 8); }
static uint32_t rd32(const uint8_t *p) {
  return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 |
         (uint32_t)p[3] << 24;
}

static int sym_cmp(const void *a, const void *b) {
  const symtab_sym_t *x = a, *y = b;
  if (x->addr != y->addr) return x->addr < y->addr ? -1 : 1;
  if (x->rank != y->rank) return x->rank < y->rank ? -1 : 1;
  return 0;
}

static int bad(char *err, size_t errlen, const char *path, const char *what) {
  snprintf(err, errlen, "%s: %s", path, what);
  return -1;
}

int symtab_load(symtab_t *t, const char *path, char *err, size_t errlen) {
  memset(t, 0, sizeof *t);
  FILE *fp = fopen(path, "rb");
  if (!fp) {
    snprintf(err, errlen, "%s: cannot open: %s", path, strerror(errno));
    return -1;
  }
  uint8_t *f = NULL;
  size_t len = 0, cap = 0;
  for (;;) {
    if (len == cap) {
      size_t nc = cap ? 2 * cap : 1 << 16;
      uint8_t *nf = nc > (1u << 31) ? NULL : realloc(f, nc);
      if (!nf) {
        free(f);
        fclose(fp);
        return bad(err, errlen, path, "out of memory reading the symbols");
      }
      f = nf, cap = nc;
    }
    size_t r = fread(f + len, 1, cap - len, fp);
    if (r == 0) break;
    len += r;
  }
  int rerr = ferror(fp) ? errno : 0;
  fclose(fp);
  if (rerr) {
    free(f);
    snprintf(err, errlen, "%s: cannot read: %s", path, strerror(rerr));
    return -1;
  }
  int rc = 0;
  if (len < EHDR_SIZE) goto out; /* elf_load said what is wrong */
  uint32_t shoff = rd32(f + 32), shentsize = rd16(f + 46), shnum = rd16(f + 48);
  uint32_t shstrndx = rd16(f + 50);
  if (shnum == 0 || shoff == 0 || shentsize < SHDR_SIZE ||
      (uint64_t)shoff + (uint64_t)shnum * shentsize > len)
    goto out;
  const uint8_t *shs = f + shoff;
#define SH(i) (shs + (size_t)(i)*shentsize)
  /* section names, for ct_registry */
  const uint8_t *nsh = shstrndx < shnum ? SH(shstrndx) : NULL;
  uint32_t nsoff = nsh ? rd32(nsh + 16) : 0, nssize = nsh ? rd32(nsh + 20) : 0;
  if ((uint64_t)nsoff + nssize > len) nssize = 0;
  size_t strbytes = 0, nsym = 0;
  for (uint32_t i = 0; i < shnum; i++) {
    const uint8_t *sh = SH(i);
    uint32_t name = rd32(sh), type = rd32(sh + 4), off = rd32(sh + 16),
             size = rd32(sh + 20);
    if (name < nssize && nssize - name > 11 &&
        memcmp(f + nsoff + name, "ct_registry", 12) == 0) {
      if (size % 8) {
        rc = bad(err, errlen, path,
                 "section ct_registry is not a whole number of {id, address} "
                 "pairs (8 bytes each)");
        goto fail;
      }
      if ((uint64_t)off + size > len) {
        rc = bad(err, errlen, path,
                 "section ct_registry lies beyond the end of the file");
        goto fail;
      }
      free(t->regs);
      t->regs = malloc(size ? size : 1);
      if (!t->regs) {
        rc = bad(err, errlen, path, "out of memory reading the registry");
        goto fail;
      }
      t->nregs = size / 8;
      for (size_t k = 0; k < t->nregs; k++)
        t->regs[k].id = rd32(f + off + 8 * k),
        t->regs[k].addr = rd32(f + off + 8 * k + 4);
    }
    if (type == SHT_SYMTAB) {
      uint32_t link = rd32(sh + 24);
      if ((uint64_t)off + size > len || link >= shnum) continue;
      uint32_t stsize = rd32(SH(link) + 20);
      strbytes += stsize, nsym += size / SYM_SIZE;
    }
  }
  if (nsym == 0) goto out;
  t->strs = malloc(strbytes + 1);
  t->syms = malloc(nsym * sizeof *t->syms);
  if (!t->strs || !t->syms) {
    rc = bad(err, errlen, path, "out of memory reading the symbols");
    goto fail;
  }
  size_t sp = 0;
  for (uint32_t i = 0; i < shnum; i++) {
    const uint8_t *sh = SH(i);
    if (rd32(sh + 4) != SHT_SYMTAB) continue;
    uint32_t off = rd32(sh + 16), size = rd32(sh + 20), link = rd32(sh + 24);
    if ((uint64_t)off + size > len || link >= shnum) continue;
    const uint8_t *st = SH(link);
    uint32_t stroff = rd32(st + 16), strsize = rd32(st + 20);
    if ((uint64_t)stroff + strsize > len) continue;
    char *base = t->strs + sp;
    memcpy(base, f + stroff, strsize);
    sp += strsize;
    for (uint32_t s = 0; s + SYM_SIZE <= size; s += SYM_SIZE) {
      const uint8_t *sym = f + off + s;
      uint32_t nm = rd32(sym), shndx = rd16(sym + 14);
      unsigned type = sym[12] & 15, bind = sym[12] >> 4;
      if (nm == 0 || nm >= strsize) continue;
      const char *n = base + nm;
      if (strnlen(n, strsize - nm) == strsize - nm) continue; /* unterminated */
      if (type != STT_FUNC && type != STT_NOTYPE) continue;
      if (shndx == 0 || shndx >= SHN_LORESERVE || shndx >= shnum) continue;
      if (!(rd32(SH(shndx) + 8) & SHF_EXECINSTR)) continue;
      if (n[0] == '$' || (n[0] == '.' && n[1] == 'L')) continue;
      /* rank: functions before labels, global before weak/local */
      uint32_t rank = (type == STT_FUNC ? 0 : 2) + (bind == STB_GLOBAL ? 0 : 1);
      t->syms[t->nsyms++] =
          (symtab_sym_t){rd32(sym + 4), rd32(sym + 8), rank, n};
    }
  }
  t->strs[sp] = 0;
  qsort(t->syms, t->nsyms, sizeof *t->syms, sym_cmp);
  size_t k = 0; /* one per address: the first after sorting by rank */
  for (size_t i = 0; i < t->nsyms; i++)
    if (k == 0 || t->syms[k - 1].addr != t->syms[i].addr)
      t->syms[k++] = t->syms[i];
  t->nsyms = k;
out:
  free(f);
  return rc;
fail:
  symtab_free(t);
  free(f);
  return rc;
#undef SH
}

void symtab_free(symtab_t *t) {
  free(t->strs);
  free(t->syms);
  free(t->regs);
  memset(t, 0, sizeof *t);
}

/* the index of the last symbol at or below pc, or -1 */
static long below(const symtab_t *t, uint32_t pc) {
  size_t lo = 0, hi = t->nsyms;
  while (lo < hi) {
    size_t mid = lo + (hi - lo) / 2;
    if (t->syms[mid].addr <= pc)
      lo = mid + 1;
    else
      hi = mid;
  }
  return (long)lo - 1;
}

const char *symtab_fn(const symtab_t *t, uint32_t pc, uint32_t *off) {
  if (!t || !t->nsyms) return NULL;
  long i = below(t, pc);
  if (i < 0) return NULL;
  /* a sized function holding pc wins over a nearer label inside it */
  for (long j = i; j >= 0 && i - j < 8; j--) {
    const symtab_sym_t *s = &t->syms[j];
    if (s->size && pc - s->addr < s->size) {
      if (off) *off = pc - s->addr;
      return s->name;
    }
  }
  if (off) *off = pc - t->syms[i].addr;
  return t->syms[i].name;
}

const char *symtab_fn_text(const symtab_t *t, uint32_t pc, char *buf,
                           size_t len) {
  uint32_t off = 0;
  const char *n = symtab_fn(t, pc, &off);
  if (!n)
    snprintf(buf, len, "%s", "");
  else if (off)
    snprintf(buf, len, "%s+0x%" PRIx32, n, off);
  else
    snprintf(buf, len, "%s", n);
  return buf;
}

int symtab_id_addr(const symtab_t *t, uint32_t id, uint32_t *addr) {
  for (size_t i = 0; t && i < t->nregs; i++)
    if (t->regs[i].id == id) {
      *addr = t->regs[i].addr;
      return 0;
    }
  return -1;
}

const char *symtab_id_fn(const symtab_t *t, uint32_t id) {
  uint32_t a, off = 0;
  if (symtab_id_addr(t, id, &a)) return NULL;
  const char *n = symtab_fn(t, a, &off);
  return n && off == 0 ? n : NULL;
}
