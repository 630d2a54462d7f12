/*
 * callid.c: the call-by-ID runtime (API in callid.h, table format in
 * docs/accelerator.md section 2 and its rules in ctable.h, instructions in
 * docs/isa.md).
 */
#include "callid.h"

#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include "csr.h"
#include "ctable.h"
#include "trap.h"

const uint8_t ct_level_bits[] = {CT_LEVEL_BITS};
const unsigned ct_levels = sizeof ct_level_bits / sizeof ct_level_bits[0];
_Static_assert(sizeof ct_level_bits / sizeof ct_level_bits[0] >= 1 &&
                   sizeof ct_level_bits / sizeof ct_level_bits[0] <= CTABLE_MAX_LEVELS,
               "CT_LEVEL_BITS: 1 to 4 levels");
_Static_assert(CT_FAULT_INVALID == CTABLE_FAULT_INVALID && CT_FAULT_RANGE == CTABLE_FAULT_RANGE &&
                   CT_FAULT_DISABLED == CTABLE_FAULT_DISABLED && CT_FAULT_BUS == CTABLE_FAULT_BUS,
               "callid.h's fault codes are ctable.h's");

/* ---------------------------------------------------------------- registry */

extern const ct_reg_t __start_ct_registry[] __attribute__((weak));
extern const ct_reg_t __stop_ct_registry[] __attribute__((weak));

unsigned ct_registry_count(void) {
  if (!__start_ct_registry) return 0;
  return (unsigned)(__stop_ct_registry - __start_ct_registry);
}

const ct_reg_t *ct_registry_find(uint32_t id) {
  unsigned n = ct_registry_count();
  for (unsigned i = 0; i < n; i++)
    if (__start_ct_registry[i].id == id) return &__start_ct_registry[i];
  return NULL;
}

/* ---------------------------------------------------------------- pool */

static uint32_t ct_static_pool[CT_POOL_BYTES / 4];
static uint32_t *pool = ct_static_pool;
static size_t pool_words = CT_POOL_BYTES / 4, pool_next;
static size_t pool_dirty; /* words below may be nonzero */
static volatile uint32_t *root_table;
static unsigned lazy_binds;

static __attribute__((noreturn)) void ct_die(const char *what, uint32_t id) {
  printf("callid: %s (ID 0x%08lx)\n", what, (unsigned long)id);
  _exit(CT_EXIT_FAULT);
}

void ct_pool_provide(uint32_t *mem, size_t bytes) {
  pool = mem;
  pool_words = bytes / 4;
  pool_next = 0;
  pool_dirty = pool_words; /* unknown contents: clear what is handed out */
}

size_t ct_pool_used(void) { return pool_next * 4; }

/* W and S_l as ctable_width and ctable_shift (ctable.h) work them out, written
 * over the uint8_t widths: through those calls GCC 12 no longer unrolls
 * leaf_entry's walk and the code would differ. */
static unsigned covered_bits(void) {
  unsigned w = 0;
  for (unsigned l = 0; l < ct_levels; l++) w += ct_level_bits[l];
  return w;
}

/* A zeroed table of level l (2^bits entries). Words at and above pool_dirty
 * have never been handed out: in the static pool (.bss, cleared by crt0) they
 * are still zero and need no clearing. */
static volatile uint32_t *table_alloc(unsigned l, uint32_t id) {
  size_t n = ctable_level_entries(ct_level_bits[l]);
  if (pool_words - pool_next < n) ct_die("table pool exhausted (raise CT_POOL_BYTES)", id);
  volatile uint32_t *t = pool + pool_next;
  size_t end = pool_next + n;
  for (size_t i = pool_next; i < end && i < pool_dirty; i++) pool[i] = 0;
  if (end > pool_dirty) pool_dirty = end;
  pool_next = end;
  return t;
}

static unsigned level_index(uint32_t id, unsigned l) {
  unsigned shift = covered_bits();
  for (unsigned k = 0; k <= l; k++) shift -= ct_level_bits[k];
  return ctable_index_at(id, shift, ct_level_bits[l]);
}

static int id_fits(uint32_t id) { return ctable_in_range(covered_bits(), id); }

/* The leaf entry of id; with create, the path is built on the way. */
static volatile uint32_t *leaf_entry(uint32_t id, int create) {
  if (!root_table || !id_fits(id)) return NULL;
  volatile uint32_t *t = root_table;
  for (unsigned l = 0;; l++) {
    volatile uint32_t *e = &t[level_index(id, l)];
    if (l + 1 == ct_levels) return e;
    uint32_t v = *e;
    if (!ctable_valid(v)) {
      if (!create) return NULL;
      volatile uint32_t *next = table_alloc(l + 1, id);
      *e = ctable_next((uint32_t)(uintptr_t)next);
      v = *e;
    } else if (ctable_is_leaf(v)) {
      if (!create) return NULL;
      ct_die("ID is covered by a range leaf above the last level", id);
    }
    t = (volatile uint32_t *)(uintptr_t)ctable_target(v);
  }
}

uint32_t *ct_leaf(uint32_t id) {
  volatile uint32_t *e = leaf_entry(id, 0);
  if (!e || !ctable_valid(*e)) return NULL;
  return (uint32_t *)(uintptr_t)e;
}

uint32_t ct_root(void) { return (uint32_t)(uintptr_t)root_table; }
unsigned ct_lazy_binds(void) { return lazy_binds; }

void ct_install(uint32_t id, ct_fn_t fn) {
  uint32_t a = (uint32_t)(uintptr_t)fn;
  if (a & 3) ct_die("function address is not 4-byte aligned", id);
  if (!root_table) ct_die("ct_install before ct_init/ct_lazy_init", id);
  if (!id_fits(id)) ct_die("ID is wider than the table levels cover", id);
  *leaf_entry(id, 1) = ctable_leaf(a);
}

uint32_t ct_patch(uint32_t id, ct_fn_t fn) {
  volatile uint32_t *e = leaf_entry(id, 0);
  uint32_t old = (e && ctable_valid(*e)) ? ctable_target(*e) : 0;
  ct_install(id, fn);   /* the store ... */
#ifndef CT_BROKEN_PATCH /* planted bug for tests (ctrt-broken.elf): no ctlb.inv */
  ct_inv(id);           /* ... then ctlb.inv: later callids see the new leaf */
#endif
  return old;
}

void ct_unbind(uint32_t id) {
  volatile uint32_t *e = leaf_entry(id, 0);
  if (e) *e = 0;
  ct_inv(id);
}

/* ---------------------------------------------------------------- start-up */

static void root_setup(void) {
  if (!id_fits(0)) ct_die("bad geometry", 0);
  pool_next = 0;
  root_table = table_alloc(0, 0);
}

static void root_enable(void) {
  write_csr(0x7C0, ctable_root((uint32_t)(uintptr_t)root_table));
  ct_flush(); /* orders the table stores before every walk; drops stale entries */
}

void ct_adopt(uint32_t *root) {
  if (!id_fits(0)) ct_die("bad geometry", 0);
  pool_next = 0;
  root_table = root;
  root_enable();
}

void ct_init(void) {
  root_setup();
  unsigned n = ct_registry_count();
  for (unsigned i = 0; i < n; i++) {
    const ct_reg_t *r = &__start_ct_registry[i];
    if (ct_registry_find(r->id) != r) ct_die("ID registered twice", r->id);
    ct_install(r->id, r->fn);
  }
  root_enable();
}

#ifndef CT_NO_LAZY /* without it, no reference to the trap dispatcher */
static void lazy_fault(struct trap_frame *f) {
  uint32_t id = f->mtval;
  uint32_t code = ct_read_csr(0xFC5);
  if (code != CT_FAULT_INVALID) {
    printf("callid: fault code %lu on ID 0x%08lx (mepc 0x%08lx)\n", (unsigned long)code,
           (unsigned long)id, (unsigned long)f->mepc);
    _exit(CT_EXIT_FAULT);
  }
  const ct_reg_t *r = ct_registry_find(id);
  if (!r) {
    printf("callid: unknown function ID 0x%08lx (mepc 0x%08lx)\n", (unsigned long)id,
           (unsigned long)f->mepc);
    _exit(CT_EXIT_FAULT);
  }
  ct_install(id, r->fn);
  ct_inv(id); /* the ordering point: the retried callid walks the new entries */
  lazy_binds++;
  /* mepc still points at the callid: mret runs it again. */
}

void ct_lazy_init(void) {
  root_setup();
  trap_set_handler(CAUSE_CALLID_FAULT, lazy_fault);
  root_enable();
}
#endif
