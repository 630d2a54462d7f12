/*
 * ctpatch.c: the patch loader (API in ctpatch.h, design and module format in
 * docs/patching.md). Nothing the running program uses changes before the
 * switch: a module is checked, placed and relocated in free arena memory and
 * its leaves are written into copies of table pages; a refused module leaves
 * the arena mark, the table and the CTLB as they were.
 */
#include "ctpatch.h"

/* keep the word loops below loops: GCC would turn them into calls of
 * picolibc's memset and memcpy, which go byte by byte */
#pragma GCC optimize("no-tree-loop-distribute-patterns")

#include <stddef.h>
#include <string.h>

#include "callid.h"
#include "csr.h"
#include "fw.h"
#include "timer.h"
#include "trap.h"

#ifndef CTPATCH_ARENA_BYTES
#define CTPATCH_ARENA_BYTES (64 * 1024)
#endif
#define CTPATCH_MAX_STACK 8   /* patches applied at once */
#define CTPATCH_MAX_FUNCS 64  /* IDs per module */
#define CTPATCH_MAX_SECTS 64  /* sections per module */
#define CTPATCH_MAX_TABLES 96 /* table copies per module */

/* ---------------------------------------------------------------- ELF32 */

#define EM_RISCV 243
#define ET_REL 1
#define SHT_SYMTAB 2
#define SHT_RELA 4
#define SHT_NOBITS 8
#define SHF_ALLOC 2
#define SHN_UNDEF 0
#define SHN_LORESERVE 0xff00
#define SHN_ABS 0xfff1

typedef struct {
  uint8_t ident[16];
  uint16_t type, machine;
  uint32_t version, entry, phoff, shoff, flags;
  uint16_t ehsize, phentsize, phnum, shentsize, shnum, shstrndx;
} elf_ehdr_t;

typedef struct {
  uint32_t name, type, flags, addr, offset, size, link, info, addralign, entsize;
} elf_shdr_t;

typedef struct {
  uint32_t name, value, size;
  uint8_t info, other;
  uint16_t shndx;
} elf_sym_t;

typedef struct {
  uint32_t offset, info;
  int32_t addend;
} elf_rela_t;

/* relocation types (RISC-V ELF psABI) */
enum {
  R_NONE = 0,
  R_32 = 1,
  R_BRANCH = 16,
  R_JAL = 17,
  R_CALL = 18,
  R_CALL_PLT = 19,
  R_PCREL_HI20 = 23,
  R_PCREL_LO12_I = 24,
  R_PCREL_LO12_S = 25,
  R_HI20 = 26,
  R_LO12_I = 27,
  R_LO12_S = 28,
  R_RELAX = 51,
};

/* ---------------------------------------------------------------- .ctpatch */

#define META_MAGIC 0x4d505443u /* "CTPM" */
#define META_VERSION 1
#define META_KIND_APPLY 0
#define META_KIND_REVERT 1
#define META_CK_A 36 /* offsets in the section */
#define META_CK_B 40
#define META_NAME 44
#define META_ENTRIES 76
#define META_FLAG_NEW 1 /* the entry's ID is new (not in the base's map) */

typedef struct {
  uint32_t id, sym, flags;
} meta_entry_t;

/* ---------------------------------------------------------------- state */

#define CTPATCH_ARENA_ALIGN 64 /* the largest section alignment placed */
static uint8_t arena[CTPATCH_ARENA_BYTES] __attribute__((aligned(CTPATCH_ARENA_ALIGN)));
static uint32_t arena_next; /* bytes held by applied patches */
static ctpatch_info_t stack[CTPATCH_MAX_STACK];
static unsigned depth;
static char msg[256];
static volatile int busy;
static unsigned msg_len;

/* the GNU build ID note of this image (firmware/common/link.ld keeps it) */
extern const uint8_t __ct_build_id[], __ct_build_id_end[];

/* ---------------------------------------------------------------- report */

static void m_reset(void) {
  msg_len = 0;
  msg[0] = 0;
}

static void m_str(const char *s) {
  while (*s && msg_len + 1 < sizeof msg) msg[msg_len++] = *s++;
  msg[msg_len] = 0;
}

static void m_num(uint32_t v) {
  char b[11];
  int n = 0;
  do b[n++] = (char)('0' + v % 10);
  while (v /= 10);
  while (n) {
    char c[2] = {b[--n], 0};
    m_str(c);
  }
}

static void m_hex(uint32_t v) {
  char b[11] = "0x";
  for (int i = 0; i < 8; i++) b[2 + i] = "0123456789abcdef"[(v >> (28 - 4 * i)) & 15];
  b[10] = 0;
  m_str(b);
}

const char *ctpatch_message(void) { return msg; }
int ctpatch_busy(void) { return busy; }

/* ---------------------------------------------------------------- host */

static volatile uint64_t magic_mem[8] __attribute__((aligned(64)));

static int64_t host_call(uint32_t op, uint32_t a, uint32_t b, uint32_t c) {
  magic_mem[0] = CTPATCH_SYS;
  magic_mem[1] = op;
  magic_mem[2] = a;
  magic_mem[3] = b;
  magic_mem[4] = c;
  fromhost = 0;
  tohost = (uint64_t)(uintptr_t)magic_mem;
  while (fromhost == 0) {
  }
  fromhost = 0;
  return (int64_t)magic_mem[0];
}

static int report(int status) {
  console_puts(msg);
  console_putc('\n');
  return status;
}

/* ---------------------------------------------------------------- checks */

typedef struct {
  const uint8_t *m;
  uint32_t size;
  const elf_ehdr_t *eh;
  const elf_shdr_t *sh;
  const char *shstr;
  const elf_sym_t *syms;
  uint32_t nsyms;
  const char *str;
  uint32_t strsize;
  const uint8_t *meta;
  uint32_t metasize;
  uint32_t base[CTPATCH_MAX_SECTS]; /* placed address of each section (0: not placed) */
} mod_t;

static int refuse(const char *why) {
  m_str(why);
  return -1;
}

static int in_file(const mod_t *d, uint32_t off, uint32_t n) {
  return off <= d->size && n <= d->size - off;
}

static uint32_t rd32(const uint8_t *p) {
  return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

static void wr32(uint8_t *p, uint32_t v) {
  p[0] = (uint8_t)v;
  p[1] = (uint8_t)(v >> 8);
  p[2] = (uint8_t)(v >> 16);
  p[3] = (uint8_t)(v >> 24);
}

/* The two 32-bit running sums over the module's words, the checksum words
 * counted as 0 (docs/patching.md). */
static void sums(const uint32_t *w, uint32_t n, uint32_t *a, uint32_t *b) {
  uint32_t sa = *a, sb = *b, i = 0;
  for (; i + 4 <= n; i += 4) {
    sa += w[i];
    sb += sa;
    sa += w[i + 1];
    sb += sa;
    sa += w[i + 2];
    sb += sa;
    sa += w[i + 3];
    sb += sa;
  }
  for (; i < n; i++) {
    sa += w[i];
    sb += sa;
  }
  *a = sa;
  *b = sb;
}

static void checksum(const mod_t *d, uint32_t ck_off, uint32_t *a, uint32_t *b) {
  const uint32_t *w = (const uint32_t *)d->m;
  uint32_t n = d->size / 4, skip = ck_off / 4;
  *a = *b = 0;
  sums(w, skip, a, b);
  *b += 2 * *a; /* the two checksum words, as zeros */
  sums(w + skip + 2, n - skip - 2, a, b);
}

/* word copies (picolibc's memcpy and memset go byte by byte) */
static void copy_words(uint32_t *dst, const uint32_t *src, uint32_t n) {
  uint32_t i = 0;
  for (; i + 8 <= n; i += 8) {
    uint32_t v0 = src[i], v1 = src[i + 1], v2 = src[i + 2], v3 = src[i + 3];
    uint32_t v4 = src[i + 4], v5 = src[i + 5], v6 = src[i + 6], v7 = src[i + 7];
    dst[i] = v0, dst[i + 1] = v1, dst[i + 2] = v2, dst[i + 3] = v3;
    dst[i + 4] = v4, dst[i + 5] = v5, dst[i + 6] = v6, dst[i + 7] = v7;
  }
  for (; i < n; i++) dst[i] = src[i];
}

static void copy_bytes(uint8_t *dst, const uint8_t *src, uint32_t n) {
  if (!(((uintptr_t)dst | (uintptr_t)src) & 3)) {
    copy_words((uint32_t *)dst, (const uint32_t *)src, n / 4);
    dst += n & ~3u, src += n & ~3u, n &= 3;
  }
  while (n--) *dst++ = *src++;
}

static void zero_bytes(uint8_t *dst, uint32_t n) {
  while (n && ((uintptr_t)dst & 3)) *dst++ = 0, n--;
  for (; n >= 4; n -= 4, dst += 4) *(uint32_t *)dst = 0;
  while (n--) *dst++ = 0;
}

static int parse(mod_t *d) {
  if (((uintptr_t)d->m & 3) || d->size % 4) return refuse("module size is not a multiple of 4");
  if (d->size < sizeof(elf_ehdr_t)) return refuse("truncated module (no ELF header)");
  d->eh = (const elf_ehdr_t *)d->m;
  const elf_ehdr_t *e = d->eh;
  if (memcmp(e->ident, "\177ELF\1\1", 6) != 0) return refuse("not an ELF32 little-endian file");
  if (e->type != ET_REL || e->machine != EM_RISCV) return refuse("not a RISC-V relocatable object");
  if (e->shentsize != sizeof(elf_shdr_t) || e->shnum == 0 || e->shstrndx >= e->shnum)
    return refuse("malformed section header table");
  if (e->shnum > CTPATCH_MAX_SECTS) return refuse("more than 64 sections");
  if (!in_file(d, e->shoff, (uint32_t)e->shnum * sizeof(elf_shdr_t)) || (e->shoff & 3))
    return refuse("truncated module (section headers)");
  d->sh = (const elf_shdr_t *)(d->m + e->shoff);
  for (unsigned i = 1; i < e->shnum; i++) {
    const elf_shdr_t *s = &d->sh[i];
    if (s->type != SHT_NOBITS && !in_file(d, s->offset, s->size))
      return refuse("truncated module (section data)");
  }
  const elf_shdr_t *ss = &d->sh[e->shstrndx];
  if (ss->size == 0 || d->m[ss->offset + ss->size - 1] != 0)
    return refuse("malformed section name table");
  d->shstr = (const char *)d->m + ss->offset;
  for (unsigned i = 1; i < e->shnum; i++) {
    const elf_shdr_t *s = &d->sh[i];
    if (s->name >= ss->size) return refuse("malformed section name");
    if (s->type == SHT_SYMTAB) {
      if (d->syms || s->entsize != sizeof(elf_sym_t) || (s->offset & 3) || s->link >= e->shnum)
        return refuse("malformed symbol table");
      const elf_shdr_t *st = &d->sh[s->link];
      if (st->size == 0 || d->m[st->offset + st->size - 1] != 0)
        return refuse("malformed string table");
      d->syms = (const elf_sym_t *)(d->m + s->offset);
      d->nsyms = s->size / sizeof(elf_sym_t);
      d->str = (const char *)d->m + st->offset;
      d->strsize = st->size;
    }
    if (s->type == 1 && !(s->flags & SHF_ALLOC) && strcmp(d->shstr + s->name, ".ctpatch") == 0) {
      d->meta = d->m + s->offset;
      d->metasize = s->size;
      if (s->offset & 3) return refuse("malformed .ctpatch section");
    }
  }
  if (!d->meta) return refuse("no .ctpatch section: not a patch module");
  if (d->metasize < META_ENTRIES || rd32(d->meta) != META_MAGIC)
    return refuse("malformed .ctpatch section");
  if ((rd32(d->meta + 4) & 0xffff) != META_VERSION) return refuse("unknown .ctpatch version");
  uint32_t n = rd32(d->meta + 8);
  if (n > CTPATCH_MAX_FUNCS || d->metasize < META_ENTRIES + 12 * n)
    return refuse("malformed .ctpatch section (entries)");
  uint32_t a, b;
  checksum(d, (uint32_t)(d->meta - d->m) + META_CK_A, &a, &b);
  if (a != rd32(d->meta + META_CK_A) || b != rd32(d->meta + META_CK_B))
    return refuse("checksum mismatch (corrupted module)");
  return 0;
}

static void copy_name(char *dst, const uint8_t *src) {
  unsigned i = 0;
  for (; i + 1 < CTPATCH_NAME_MAX && src[i]; i++)
    dst[i] = (src[i] >= 32 && src[i] < 127) ? (char)src[i] : '?';
  dst[i] = 0;
}

static const char *sym_name(const mod_t *d, const elf_sym_t *s) {
  return s->name < d->strsize ? d->str + s->name : "?";
}

/* The value of symbol i, or -1 (with the reason in the message). */
static int sym_value(const mod_t *d, uint32_t i, uint32_t *v) {
  if (i == 0) {
    *v = 0;
    return 0;
  }
  if (!d->syms || i >= d->nsyms) return refuse("relocation names a symbol outside the table");
  const elf_sym_t *s = &d->syms[i];
  if (s->shndx == SHN_ABS) {
    *v = s->value;
    return 0;
  }
  if (s->shndx == SHN_UNDEF || s->shndx >= SHN_LORESERVE || s->shndx >= d->eh->shnum ||
      !d->base[s->shndx]) {
    m_str("unresolved symbol '");
    m_str(sym_name(d, s));
    m_str("'");
    return -1;
  }
  *v = d->base[s->shndx] + s->value;
  return 0;
}

/* ---------------------------------------------------------------- relocation */

static int rel_range(const char *what) {
  m_str(what);
  m_str(" relocation out of range");
  return -1;
}

static int apply_rela(mod_t *d, const elf_shdr_t *rs) {
  const elf_shdr_t *tgt = &d->sh[rs->info];
  uint8_t *sec = (uint8_t *)(uintptr_t)d->base[rs->info];
  uint32_t n = rs->size / sizeof(elf_rela_t);
  if (rs->entsize != sizeof(elf_rela_t) || (rs->offset & 3))
    return refuse("malformed relocation section");
  const elf_rela_t *r = (const elf_rela_t *)(d->m + rs->offset);
  for (uint32_t k = 0; k < n; k++) {
    uint32_t type = r[k].info & 0xff, si = r[k].info >> 8, off = r[k].offset;
    uint32_t width = (type == R_CALL || type == R_CALL_PLT) ? 8 : 4;
    if (type == R_NONE || type == R_RELAX) continue;
    if (off > tgt->size || width > tgt->size - off) return refuse("relocation outside its section");
    uint32_t s;
    if (sym_value(d, si, &s)) return -1;
    uint32_t p = (uint32_t)(uintptr_t)(sec + off), v = s + (uint32_t)r[k].addend;
    uint32_t insn = rd32(sec + off), rel = v - p;
    switch (type) {
      case R_32:
        wr32(sec + off, v);
        break;
      case R_BRANCH:
        if ((int32_t)rel < -4096 || (int32_t)rel > 4094 || (rel & 1)) return rel_range("BRANCH");
        insn = (insn & 0x01fff07fu) | ((rel >> 12) & 1) << 31 | ((rel >> 5) & 0x3f) << 25 |
               ((rel >> 1) & 0xf) << 8 | ((rel >> 11) & 1) << 7;
        wr32(sec + off, insn);
        break;
      case R_JAL:
        if ((int32_t)rel < -(1 << 20) || (int32_t)rel >= (1 << 20) || (rel & 1))
          return rel_range("JAL");
        insn = (insn & 0xfffu) | ((rel >> 20) & 1) << 31 | ((rel >> 1) & 0x3ff) << 21 |
               ((rel >> 11) & 1) << 20 | ((rel >> 12) & 0xff) << 12;
        wr32(sec + off, insn);
        break;
      case R_CALL:
      case R_CALL_PLT: {
        uint32_t jalr = rd32(sec + off + 4);
        wr32(sec + off, (insn & 0xfffu) | ((rel + 0x800) & 0xfffff000u));
        wr32(sec + off + 4, (jalr & 0xfffffu) | (rel & 0xfffu) << 20);
        break;
      }
      case R_PCREL_HI20:
        wr32(sec + off, (insn & 0xfffu) | ((rel + 0x800) & 0xfffff000u));
        break;
      case R_HI20:
        wr32(sec + off, (insn & 0xfffu) | ((v + 0x800) & 0xfffff000u));
        break;
      case R_LO12_I:
        wr32(sec + off, (insn & 0xfffffu) | (v & 0xfffu) << 20);
        break;
      case R_LO12_S:
        wr32(sec + off, (insn & 0x01fff07fu) | ((v >> 5) & 0x7f) << 25 | (v & 0x1f) << 7);
        break;
      case R_PCREL_LO12_I:
      case R_PCREL_LO12_S: {
        /* the symbol is the auipc's label: its PCREL_HI20 gives the offset */
        uint32_t lo = 0;
        int found = 0;
        for (uint32_t j = 0; j < n && !found; j++) {
          uint32_t hs;
          if ((r[j].info & 0xff) != R_PCREL_HI20 || d->base[rs->info] + r[j].offset != s) continue;
          if (sym_value(d, r[j].info >> 8, &hs)) return -1;
          lo = (hs + (uint32_t)r[j].addend - s) & 0xfffu;
          found = 1;
        }
        if (!found) return refuse("PCREL_LO12 relocation without its PCREL_HI20");
        if (type == R_PCREL_LO12_I)
          wr32(sec + off, (insn & 0xfffffu) | lo << 20);
        else
          wr32(sec + off, (insn & 0x01fff07fu) | ((lo >> 5) & 0x7f) << 25 | (lo & 0x1f) << 7);
        break;
      }
      default:
        m_str("relocation type ");
        m_num(type);
        m_str(" is not handled");
        return -1;
    }
  }
  return 0;
}

/* ---------------------------------------------------------------- the table */

typedef struct {
  unsigned level;
  uint32_t prefix;
  volatile uint32_t *old, *copy;
} tab_t;

static unsigned width(void) {
  unsigned w = 0;
  for (unsigned l = 0; l < ct_levels; l++) w += ct_level_bits[l];
  return w;
}

/* shift[l]: the shift that leaves the bits of an ID naming its tables of
 * levels 0..l-1 (set by set_shifts) */
static unsigned shift[5];

static void set_shifts(void) {
  unsigned sh = width();
  for (unsigned l = 0; l <= ct_levels; l++) {
    shift[l] = sh;
    if (l < ct_levels) sh -= ct_level_bits[l];
  }
}

static uint32_t prefix_of(uint32_t id, unsigned l) { return shift[l] >= 32 ? 0 : id >> shift[l]; }

static unsigned index_of(uint32_t id, unsigned l) {
  return prefix_of(id, l + 1) & ((1u << ct_level_bits[l]) - 1);
}

/* The live table of level l on id's path, NULL if there is none; *bad set
 * when an entry above the last level is a leaf (a range). */
static volatile uint32_t *live_table(uint32_t id, unsigned l, int *bad) {
  volatile uint32_t *t = (volatile uint32_t *)(uintptr_t)(read_csr(0x7C0) & ~3u);
  for (unsigned k = 0; k < l; k++) {
    uint32_t e = t[index_of(id, k)];
    if (!(e & 1)) return NULL;
    if (e & 2) {
      *bad = 1;
      return NULL;
    }
    t = (volatile uint32_t *)(uintptr_t)(e & ~3u);
  }
  return t;
}

static uint32_t align_up(uint32_t v, uint32_t a) { return (v + a - 1) & ~(a - 1); }

static inline void flush_ctlb(void) {
  __asm__ volatile(".insn r CUSTOM_0, 1, 0, x0, x0, x0" ::: "memory");
}

/* The switch: one entry store and one flush with interrupts off (the only
 * instructions that run with MIE clear). */
static void switch_entry(volatile uint32_t *e, uint32_t v) {
  uint32_t s = clear_csr(mstatus, MSTATUS_MIE);
  *e = v;
  flush_ctlb();
  if (s & MSTATUS_MIE) set_csr(mstatus, MSTATUS_MIE);
}

/* The same with ctroot as the entry: one CSR write and one flush. */
static void switch_ctroot(uint32_t v) {
  uint32_t s = clear_csr(mstatus, MSTATUS_MIE);
  write_csr(0x7C0, v);
  flush_ctlb();
  if (s & MSTATUS_MIE) set_csr(mstatus, MSTATUS_MIE);
}

static uint32_t root_words(void) { return 1u << ct_level_bits[0]; }

/* Several root entries at once (a module whose IDs differ in the root
 * index), e[3 i] the index and e[3 i + col] the value of the k entries: the
 * root page copied into scratch with the new values, ctroot switched to the
 * copy (the one atomic step), the values stored into the live root page,
 * which no walk reads now, and ctroot switched back to it: the same
 * contents, so the second switch changes no translation, and ctroot is the
 * runtime's root table again (callid.c's ct_patch keeps working). */
static void switch_root(const uint32_t *e, unsigned k, unsigned col, uint32_t *scratch) {
  uint32_t r = read_csr(0x7C0);
  volatile uint32_t *root = (volatile uint32_t *)(uintptr_t)(r & ~3u);
  copy_words(scratch, (const uint32_t *)root, root_words());
  for (unsigned i = 0; i < k; i++) scratch[e[3 * i]] = e[3 * i + col];
  switch_ctroot((uint32_t)(uintptr_t)scratch | 1u);
  for (unsigned i = 0; i < k; i++) root[e[3 * i]] = e[3 * i + col];
  switch_ctroot(r);
}

/* A word-aligned scratch copy of the root page in the free arena (below the
 * received module `below` when it lies in the arena), or NULL with the
 * reason in the message. */
static uint32_t *root_scratch(const uint8_t *below) {
  uint32_t at = align_up(arena_next, 4), need = 4 * root_words();
  uint32_t top = sizeof arena;
  if (below >= arena && below < arena + sizeof arena) top = (uint32_t)(below - arena);
  if (at > top || top - at < need) {
    m_str("needs ");
    m_num(need);
    m_str(" bytes for a copy of the root table, ");
    m_num(at > top ? 0 : top - at);
    refuse(" free in the patch arena");
    return NULL;
  }
  return (uint32_t *)(uintptr_t)(arena + at);
}

/* ---------------------------------------------------------------- apply */

static tab_t tabs[CTPATCH_MAX_TABLES];

static int do_apply(mod_t *d, uint32_t arrival, ctpatch_info_t *rec) {
  const uint8_t *meta = d->meta;
  uint32_t kind = rd32(meta + 4) >> 16, n = rd32(meta + 8);
  copy_name(rec->name, meta + META_NAME);
  m_str("'");
  m_str(rec->name);
  m_str("': ");
  /* the build ID */
  uint32_t idlen = (uint32_t)(__ct_build_id_end - __ct_build_id);
  if (idlen != 36 || rd32(__ct_build_id) != 4 || rd32(__ct_build_id + 4) != 20 ||
      rd32(__ct_build_id + 8) != 3)
    return refuse("this image has no build ID (link it with -Wl,--build-id=sha1)");
  if (memcmp(__ct_build_id + 16, meta + 16, 20) != 0)
    return refuse("built for another base image (build ID differs)");
  if (kind == META_KIND_REVERT) {
    if (!depth) return refuse("nothing to revert");
    if (strcmp(stack[depth - 1].name, rec->name) != 0) {
      m_str("only the most recent patch ('");
      m_str(stack[depth - 1].name);
      return refuse("') can be reverted");
    }
    return 1;
  }
  if (kind != META_KIND_APPLY) return refuse("unknown module kind");
  if (n == 0) return refuse("the module switches no function");
  if (depth == CTPATCH_MAX_STACK) return refuse("too many patches applied");
  if (!(read_csr(0x7C0) & 1)) return refuse("the call-ID table is not enabled");
  /* the IDs and their targets' symbols */
  const meta_entry_t *ent = (const meta_entry_t *)(meta + META_ENTRIES);
  unsigned w = width();
  for (uint32_t i = 0; i < n; i++) {
    if (w < 32 && (ent[i].id >> w)) {
      m_str("ID ");
      m_hex(ent[i].id);
      return refuse(" is outside the table");
    }
    if (ent[i].sym == 0 || !d->syms || ent[i].sym >= d->nsyms)
      return refuse("a .ctpatch entry names no symbol");
    if (i && ent[i].id <= ent[i - 1].id)
      return refuse("the .ctpatch entries are not in increasing ID order");
  }
  /* the switch point: the deepest level all IDs share */
  unsigned lv = 0;
  while (lv + 1 < ct_levels) {
    uint32_t p = prefix_of(ent[0].id, lv + 1);
    uint32_t i = 1;
    while (i < n && prefix_of(ent[i].id, lv + 1) == p) i++;
    if (i < n) break;
    lv++;
  }
  /* lv 0: the IDs differ in the root index; the copies start at level 1
   * and the root entries above them are switched through a copy of the
   * root page (switch_root) */
  if (lv == 0 && ct_levels < 2)
    return refuse("the module's IDs lie under different entries of a one-level table");
  const unsigned first = lv ? lv : 1;
  int bad = 0;
  volatile uint32_t *sw_tab = lv ? live_table(ent[0].id, lv - 1, &bad) : NULL;
  if (lv && (!sw_tab || bad)) return refuse("no table path to the module's IDs");
  /* the table pages to copy: level `first` (one, or one per root entry) and
   * below it the paths of the IDs */
  unsigned nt = 0, nroot = 0;
  uint32_t tbytes = 0;
  for (unsigned l = first; l < ct_levels; l++)
    for (uint32_t i = 0; i < n; i++) {
      uint32_t p = prefix_of(ent[i].id, l);
      unsigned t = 0;
      while (t < nt && !(tabs[t].level == l && tabs[t].prefix == p)) t++;
      if (t < nt) continue;
      if (nt == CTPATCH_MAX_TABLES) return refuse("too many table pages to copy");
      tabs[nt].level = l;
      tabs[nt].prefix = p;
      tabs[nt].old = live_table(ent[i].id, l, &bad);
      if (bad) return refuse("an ID is covered by a range leaf");
      tbytes += 4u << ct_level_bits[l];
      if (!lv && l == first) nroot++;
      nt++;
    }
  /* a root switch: the saved {index, old, new} of each root entry, and the
   * scratch root page (freed after the switch) */
  uint32_t saved = 12 * nroot, scratch = lv ? 0 : 4 * root_words();
  /* memory: the sections, then the table pages, below the received bytes */
  uint64_t end = arena_next; /* where the placement below ends */
  for (unsigned i = 1; i < d->eh->shnum; i++) {
    const elf_shdr_t *s = &d->sh[i];
    if (!(s->flags & SHF_ALLOC)) continue;
    uint32_t al = s->addralign ? s->addralign : 1;
    if (al & (al - 1) || al > CTPATCH_ARENA_ALIGN) return refuse("bad section alignment");
    end = ((end + al - 1) & ~(uint64_t)(al - 1)) + s->size;
  }
  uint64_t need = ((end + 3) & ~(uint64_t)3) - arena_next + tbytes + saved + scratch;
  /* a module received into the arena lies above the free part */
  const uint8_t *lo = arena + arena_next, *hi = arena + sizeof arena;
  uint32_t free_bytes = (uint32_t)(hi - lo);
  if (d->m >= arena && d->m < hi) free_bytes = d->m >= lo ? (uint32_t)(d->m - lo) : 0;
  if (need > free_bytes) {
    m_str("needs ");
    if (need >> 32)
      m_str("over 4 GiB");
    else
      m_num((uint32_t)need);
    m_str(" bytes, ");
    m_num(free_bytes);
    return refuse(" free in the patch arena");
  }
  /* place the sections */
  uint32_t at = arena_next;
  for (unsigned i = 1; i < d->eh->shnum; i++) {
    const elf_shdr_t *s = &d->sh[i];
    if (!(s->flags & SHF_ALLOC)) continue;
    at = align_up(at, s->addralign ? s->addralign : 1);
    d->base[i] = (uint32_t)(uintptr_t)(arena + at);
    if (s->type == SHT_NOBITS)
      zero_bytes(arena + at, s->size);
    else
      copy_bytes(arena + at, d->m + s->offset, s->size);
    at += s->size;
  }
  for (unsigned i = 1; i < d->eh->shnum; i++) {
    const elf_shdr_t *s = &d->sh[i];
    if (s->type != SHT_RELA) continue;
    if (s->info >= d->eh->shnum) return refuse("malformed relocation section");
    if (!d->base[s->info]) continue; /* relocates a section that is not loaded */
    if (apply_rela(d, s)) return -1;
  }
  uint32_t target[CTPATCH_MAX_FUNCS];
  for (uint32_t i = 0; i < n; i++) {
    if (sym_value(d, ent[i].sym, &target[i])) return -1;
    if (target[i] & 3) return refuse("a function is not 4-byte aligned");
  }
  /* the instructions just written are fetched later: no stale copies */
  __asm__ volatile("fence.i" ::: "memory");
  /* the table pages: copies of the live ones (or empty), linked together */
  at = align_up(at, 4);
  for (unsigned t = 0; t < nt; t++) {
    uint32_t words = 1u << ct_level_bits[tabs[t].level];
    tabs[t].copy = (volatile uint32_t *)(uintptr_t)(arena + at);
    at += 4 * words;
    if (tabs[t].old)
      copy_words((uint32_t *)tabs[t].copy, (const uint32_t *)tabs[t].old, words);
    else
      zero_bytes((uint8_t *)tabs[t].copy, 4 * words);
  }
  for (unsigned t = 0; t < nt; t++) {
    if (tabs[t].level == first) continue;
    unsigned l = tabs[t].level;
    for (unsigned u = 0; u < nt; u++)
      if (tabs[u].level == l - 1 && tabs[u].prefix == tabs[t].prefix >> ct_level_bits[l - 1])
        tabs[u].copy[tabs[t].prefix & ((1u << ct_level_bits[l - 1]) - 1)] =
            (uint32_t)(uintptr_t)tabs[t].copy | 1u;
  }
  for (uint32_t i = 0; i < n; i++) {
    unsigned last = ct_levels - 1;
    uint32_t p = prefix_of(ent[i].id, last);
    for (unsigned t = 0; t < nt; t++)
      if (tabs[t].level == last && tabs[t].prefix == p)
        tabs[t].copy[index_of(ent[i].id, last)] = target[i] | 3u;
  }
#ifdef CTPATCH_BROKEN_SWITCH
  /* planted bug for tests (firmware/ctpatch's -broken variant): what a naive
   * loader does, the runtime's ct_patch (leaf store + ctlb.inv) for one
   * function after the other, with interrupts on in between */
  for (uint32_t i = 0; i < n; i++) ct_patch(ent[i].id, (ct_fn_t)(uintptr_t)target[i]);
#endif
  rec->functions = n;
  rec->mark = arena_next;
  if (lv) {
    rec->entry = &sw_tab[index_of(ent[0].id, lv - 1)];
    rec->old_entry = *rec->entry;
    rec->new_entry = (uint32_t)(uintptr_t)tabs[0].copy | 1u;
    rec->bytes = at - arena_next;
#ifndef CTPATCH_BROKEN_SWITCH
    switch_entry(rec->entry, rec->new_entry);
#endif
  } else {
    volatile uint32_t *root = (volatile uint32_t *)(uintptr_t)(read_csr(0x7C0) & ~3u);
    uint32_t *e = (uint32_t *)(uintptr_t)(arena + at);
    unsigned k = 0;
    for (unsigned t = 0; t < nt; t++) {
      if (tabs[t].level != first) continue;
      e[3 * k] = tabs[t].prefix; /* level 1's prefix: the root index */
      e[3 * k + 1] = root[tabs[t].prefix];
      e[3 * k + 2] = (uint32_t)(uintptr_t)tabs[t].copy | 1u;
      k++;
    }
    at += saved;
    rec->entry = NULL;
    rec->roots = e;
    rec->nroot = nroot;
    rec->bytes = at - arena_next;
#ifndef CTPATCH_BROKEN_SWITCH
    arena_next = at; /* the scratch page lies above the patch's memory */
    switch_root(e, nroot, 2, (uint32_t *)(uintptr_t)(arena + at));
#endif
  }
  rec->cycles = read_csr(mcycle) - arrival;
  arena_next = at;
  /* the report: the functions it replaced and the new ones */
  m_str("applied ");
  m_num(n);
  m_str(" functions, ");
  m_num(rec->cycles);
  m_str(" cycles from arrival to switch: ");
  for (uint32_t i = 0; i < n; i++) {
    if (i) m_str(", ");
    m_str(sym_name(d, &d->syms[ent[i].sym]));
    if (ent[i].flags & META_FLAG_NEW) m_str(" [new]");
  }
  if (msg_len + 1 >= sizeof msg) memcpy(msg + sizeof msg - 4, "...", 4);
  return 0;
}

/* Puts back the table as it was before patch p (the most recent one); -1
 * (the reason in the message) when a root switch finds no room for its
 * scratch page. `below`: the received module, if any. */
static int unswitch(const ctpatch_info_t *p, const uint8_t *below) {
  if (p->entry) {
    switch_entry(p->entry, p->old_entry);
    return 0;
  }
  uint32_t *scratch = root_scratch(below);
  if (!scratch) return -1;
  switch_root(p->roots, p->nroot, 1, scratch);
  return 0;
}

/* The message so far is "ctpatch: " and the reason: it becomes prefix and
 * the reason, the refusal's report. */
static __attribute__((noinline, cold)) int refused_as(const char *prefix) {
  char tail[sizeof msg];
  memcpy(tail, msg + 9, sizeof tail - 9);
  m_reset();
  m_str(prefix);
  m_str(tail);
  return CTPATCH_REFUSED;
}

static int apply_or_revert(const void *mod, uint32_t size, uint32_t arrival) {
  static mod_t d;
  set_shifts();
  zero_bytes((uint8_t *)&d, sizeof d);
  d.m = mod;
  d.size = size;
  m_reset();
  m_str("ctpatch: ");
  if (parse(&d)) return refused_as("ctpatch: refused module: ");
  ctpatch_info_t rec;
  zero_bytes((uint8_t *)&rec, sizeof rec);
  int r = do_apply(&d, arrival, &rec);
  /* nothing was switched: the arena mark is unchanged */
  if (r < 0) return refused_as("ctpatch: refused ");
  if (r == 1) {
    ctpatch_info_t *top = &stack[depth - 1];
    if (unswitch(top, d.m)) return refused_as("ctpatch: refused ");
    uint32_t c = read_csr(mcycle) - arrival;
    arena_next = top->mark;
    depth--;
    m_str("reverted, ");
    m_num(c);
    m_str(" cycles from arrival to switch");
    return CTPATCH_REVERTED;
  }
  stack[depth++] = rec;
  return CTPATCH_APPLIED;
}

int ctpatch_apply(const void *mod, uint32_t size, uint32_t arrival) {
  return report(apply_or_revert(mod, size, arrival));
}

int ctpatch_revert(const char *name) {
  m_reset();
  m_str("ctpatch: ");
  if (!depth) {
    m_str("nothing to revert");
    return report(CTPATCH_REFUSED);
  }
  ctpatch_info_t *top = &stack[depth - 1];
  if (name && strcmp(name, top->name) != 0) {
    m_str("only the most recent patch ('");
    m_str(top->name);
    m_str("') can be reverted");
    return report(CTPATCH_REFUSED);
  }
  m_reset();
  m_str("ctpatch: refused '");
  m_str(top->name);
  m_str("': ");
  if (unswitch(top, NULL)) return report(CTPATCH_REFUSED);
  m_reset();
  m_str("ctpatch: ");
  arena_next = top->mark;
  depth--;
  m_str("'");
  m_str(top->name);
  m_str("': reverted");
  return report(CTPATCH_REVERTED);
}

unsigned ctpatch_count(void) { return depth; }
const ctpatch_info_t *ctpatch_info(unsigned i) { return i < depth ? &stack[i] : NULL; }

/* ---------------------------------------------------------------- delivery */

int ctpatch_poll(void) {
  int64_t size = host_call(CTPATCH_SYS_PENDING, 0, 0, 0);
  if (size <= 0) return 0;
  uint32_t free_bytes = (uint32_t)sizeof arena - arena_next;
  int st;
  if ((uint64_t)size > free_bytes) {
    m_reset();
    m_str("ctpatch: refused module: ");
    m_num((uint32_t)size);
    m_str(" bytes, ");
    m_num(free_bytes);
    m_str(" free in the patch arena");
    st = CTPATCH_REFUSED;
  } else {
    /* received at the top of the free arena; placed from its bottom */
    uint8_t *buf = arena + ((sizeof arena - (uint32_t)size) & ~7u);
    int64_t got = host_call(CTPATCH_SYS_FETCH, (uint32_t)(uintptr_t)buf, (uint32_t)size, 0);
    uint32_t arrival = read_csr(mcycle);
    busy = 1;
    st = apply_or_revert(buf, (uint32_t)got, arrival);
    busy = 0;
  }
  report(st);
  host_call(CTPATCH_SYS_STATUS, (uint32_t)st, (uint32_t)(uintptr_t)msg, msg_len);
  return st;
}

static uint32_t poll_ticks;

static void poll_tick(struct trap_frame *f) {
  (void)f;
  timer_set_in(poll_ticks);
  ctpatch_poll();
}

void ctpatch_poll_every(uint32_t ticks) {
  poll_ticks = ticks;
  trap_set_irq_handler(IRQ_M_TIMER, poll_tick);
  timer_set_in(ticks);
  timer_irq_enable();
}
