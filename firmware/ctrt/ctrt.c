/*
 * ctrt: tests of the call-by-ID runtime (firmware/common/callid.h).
 *
 *   (default)           eager table: arguments and return values of several
 *                       signatures pass through callid unchanged (compared
 *                       with a direct call of the same function); xlat probes;
 *                       patch ordering (each call after ct_patch reaches the
 *                       new target, also when a timer interrupt patches in the
 *                       middle of a call loop).
 *   -DCTRT_LAZY         lazy binding: ct_lazy_init(), every first call faults
 *                       and is bound by the runtime's handler; then a call of
 *                       an unregistered ID: "callid: unknown function ID" and
 *                       exit CT_EXIT_FAULT (5).
 *   -DCTRT_NOHANDLER    eager table, then a call of an unmapped ID with no
 *                       call-ID fault handler: the runtime's default trap
 *                       handler reports cause 24 and exits FW_EXIT_TRAP (4).
 *
 * Prints one line per check ("ctrt: NAME ok" or "ctrt: NAME FAIL ...") and
 * exits with the number of failed checks (default and lazy variants).
 */
#include <stdint.h>
#include <stdio.h>

#include "callid.h"
#include "fw.h"

static int failures;
static void check(const char *what, int ok, uint32_t got, uint32_t want) {
  if (ok)
    printf("ctrt: %-12s ok\n", what);
  else
    printf("ctrt: %-12s FAIL got 0x%08lx want 0x%08lx\n", what, (unsigned long)got,
           (unsigned long)want);
  if (!ok) failures++;
}

/* ---------------------------------------------------------------- callees */
/* noinline: the direct calls below are real calls, like the callid ones. */
#define NI __attribute__((noinline))

NI int f_none(void) { return 42; }
NI uint32_t f_one(uint32_t x) { return x * 3u + 1u; }
NI int32_t f_narrow(int8_t a, uint16_t b, int16_t c, uint8_t d) {
  return (int32_t)a * 1000 + (int32_t)b - (int32_t)c * 7 + d;
}
NI uint64_t f_wide(uint64_t a, uint32_t b) { return (a << 3) ^ ((uint64_t)b << 40) ^ b; }
NI int64_t f_split(uint32_t a, int64_t b, uint32_t c) { return b * (int64_t)a - (int64_t)c; }
NI uint32_t f_eight(uint32_t a, uint32_t b, uint32_t c, uint32_t d, uint32_t e, uint32_t f,
                    uint32_t g, uint32_t h) {
  return a + 2 * b + 3 * c + 4 * d + 5 * e + 6 * f + 7 * g + 8 * h;
}
NI const char *f_ptr(const char *s, int k) { return s + k; }
NI double f_double(double x, float y) { return x * 2.5 + (double)y; }
static volatile uint32_t sink;
NI void f_void(volatile uint32_t *p, uint32_t v) { *p = v ^ 0x5a5a5a5au; }
NI uint32_t f_tag1(uint32_t x) { return x + 0x1000u; }
NI uint32_t f_tag2(uint32_t x) { return x + 0x2000u; }

enum {
  ID_NONE = 0x1,
  ID_ONE = 0x2,
  ID_NARROW = 0x3,
  ID_WIDE = 0x10004,
  ID_SPLIT = 0x20005,
  ID_EIGHT = 0x00400006,
  ID_PTR = 0xFFFFF007,
  ID_DOUBLE = 0x80000008,
  ID_VOID = 0x9,
  ID_TAG = 0x123,
  ID_UNKNOWN = 0x777,
};

CT_REGISTER(ID_NONE, f_none);
CT_REGISTER(ID_ONE, f_one);
CT_REGISTER(ID_NARROW, f_narrow);
CT_REGISTER(ID_WIDE, f_wide);
CT_REGISTER(ID_SPLIT, f_split);
CT_REGISTER(ID_EIGHT, f_eight);
CT_REGISTER(ID_PTR, f_ptr);
CT_REGISTER(ID_DOUBLE, f_double);
CT_REGISTER(ID_VOID, f_void);
CT_REGISTER(ID_TAG, f_tag1);

CT_DEFINE_CALL(c_none, ID_NONE, int, void);
CT_DEFINE_CALL(c_one, ID_ONE, uint32_t, uint32_t);
CT_DEFINE_CALL(c_narrow, ID_NARROW, int32_t, int8_t, uint16_t, int16_t, uint8_t);
CT_DEFINE_CALL(c_wide, ID_WIDE, uint64_t, uint64_t, uint32_t);
CT_DEFINE_CALL(c_split, ID_SPLIT, int64_t, uint32_t, int64_t, uint32_t);
CT_DEFINE_CALL(c_eight, ID_EIGHT, uint32_t, uint32_t, uint32_t, uint32_t, uint32_t, uint32_t,
               uint32_t, uint32_t, uint32_t);
CT_DEFINE_CALL(c_ptr, ID_PTR, const char *, const char *, int);
CT_DEFINE_CALL(c_double, ID_DOUBLE, double, double, float);
CT_DEFINE_VCALL(c_void, ID_VOID, volatile uint32_t *, uint32_t);
CT_DEFINE_CALL(c_tag, ID_TAG, uint32_t, uint32_t);
CT_DEFINE_CALL_BYID(c_byid, uint32_t, uint32_t);
CT_DEFINE_CALL(c_unknown, ID_UNKNOWN, int, void);

/* Values the compiler cannot fold (volatile reads). */
static volatile uint32_t v32 = 0x89abcdefu;
static volatile uint64_t v64 = 0x0123456789abcdefull;
static volatile int8_t vneg8 = -100;
static volatile uint16_t vu16 = 0xfedc;
static volatile int16_t vneg16 = -30000;
static volatile uint8_t vu8 = 0xf0;
static volatile double vdbl = 3.25;
static volatile float vflt = -1.5f;

#if !defined(CTRT_NOHANDLER)
static void signatures(void) {
  uint32_t x = v32;
  check("void", c_none() == f_none(), (uint32_t)c_none(), (uint32_t)f_none());
  check("one", c_one(x) == f_one(x), c_one(x), f_one(x));
  int32_t n1 = c_narrow(vneg8, vu16, vneg16, vu8), n2 = f_narrow(vneg8, vu16, vneg16, vu8);
  check("narrow", n1 == n2, (uint32_t)n1, (uint32_t)n2);
  uint64_t w1 = c_wide(v64, x), w2 = f_wide(v64, x);
  check("wide64", w1 == w2, (uint32_t)(w1 >> 32) ^ (uint32_t)w1,
        (uint32_t)(w2 >> 32) ^ (uint32_t)w2);
  int64_t s1 = c_split(x, -(int64_t)v64, 77u), s2 = f_split(x, -(int64_t)v64, 77u);
  check("split64", s1 == s2, (uint32_t)((uint64_t)s1 >> 32), (uint32_t)((uint64_t)s2 >> 32));
  uint32_t e1 = c_eight(x, x + 1, x + 2, x + 3, x + 4, x + 5, x + 6, x + 7);
  uint32_t e2 = f_eight(x, x + 1, x + 2, x + 3, x + 4, x + 5, x + 6, x + 7);
  check("eight", e1 == e2, e1, e2);
  static const char msg[] = "call by ID";
  const char *p1 = c_ptr(msg, (int)(x & 7)), *p2 = f_ptr(msg, (int)(x & 7));
  check("pointer", p1 == p2, (uint32_t)(uintptr_t)p1, (uint32_t)(uintptr_t)p2);
  double d1 = c_double(vdbl, vflt), d2 = f_double(vdbl, vflt);
  check("double", d1 == d2, (uint32_t)(int32_t)(d1 * 1000), (uint32_t)(int32_t)(d2 * 1000));
  sink = 0;
  c_void(&sink, x);
  check("voidret", sink == (x ^ 0x5a5a5a5au), sink, x ^ 0x5a5a5a5au);
  check("byid", c_byid(ID_ONE, x) == f_one(x), c_byid(ID_ONE, x), f_one(x));
}
#endif

/* ---------------------------------------------------------------- xlat */
#if !defined(CTRT_LAZY) && !defined(CTRT_NOHANDLER)
static void probes(void) {
  uint32_t t = ct_xlat(ID_ONE);
  check("xlat", t == (uint32_t)(uintptr_t)f_one, t, (uint32_t)(uintptr_t)f_one);
  t = ct_xlat(ID_UNKNOWN);
  check("xlat-fault", t == ((CT_FAULT_INVALID << 2) | 1u), t, (CT_FAULT_INVALID << 2) | 1u);
}

/* ---------------------------------------------------------------- patching */
#define SEQ 200
static volatile uint32_t log_[SEQ];
static volatile uint32_t seq, irq_seq = 0xffffffffu;

static void on_timer(struct trap_frame *f) {
  (void)f;
  irq_seq = seq;
  ct_patch(ID_TAG, (ct_fn_t)f_tag2);
  timer_disarm();
}

static void patching(void) {
  /* Back-to-back: patch, then call at once, alternating targets. */
  int bad = 0;
  uint32_t got = 0, want = 0;
  for (uint32_t k = 0; k < 50; k++) {
    ct_fn_t fn = (k & 1) ? (ct_fn_t)f_tag2 : (ct_fn_t)f_tag1;
    ct_patch(ID_TAG, fn);
    uint32_t r = c_tag(k), w = (k & 1) ? f_tag2(k) : f_tag1(k);
    if (r != w && !bad) bad = 1, got = r, want = w;
  }
  check("patch-seq", !bad, got, want);

  /* A timer interrupt patches f_tag1 -> f_tag2 in the middle of a call loop. */
  ct_patch(ID_TAG, (ct_fn_t)f_tag1);
  trap_set_irq_handler(IRQ_M_TIMER, on_timer);
  timer_set_in(1500);
  timer_irq_enable();
  for (seq = 0; seq < SEQ; seq++) log_[seq] = c_tag(0);
  timer_irq_disable();
  uint32_t s = irq_seq, first_bad = 0xffffffffu;
  for (uint32_t i = 0; i < SEQ; i++) {
    uint32_t want_i = i < s ? 0x1000u : 0x2000u;
    if (i == s) continue; /* issued around the interrupt: either is right */
    if (log_[i] != want_i && first_bad == 0xffffffffu) first_bad = i;
  }
  int ok = s > 0 && s < SEQ - 1 && first_bad == 0xffffffffu;
  printf("ctrt: timer patch after call %lu of %u\n", (unsigned long)s, SEQ);
  check("patch-irq", ok, first_bad, s);
}
#endif

int main(void) {
#if defined(CTRT_LAZY)
  ct_lazy_init();
  signatures();
  /* signatures() calls 9 distinct IDs (c_byid reuses ID_ONE): each faults
   * once, on its first callid, and is bound then. */
  check("lazy-binds", ct_lazy_binds() == 9, ct_lazy_binds(), 9);
  ct_counters_t c;
  ct_counters(&c);
  check("lazy-faults", c.faults == 9, c.faults, 9);
  printf("ctrt: calling unregistered ID 0x%x\n", ID_UNKNOWN);
  (void)c_unknown();
  printf("ctrt: NOT REACHED\n");
  return 99;
#elif defined(CTRT_NOHANDLER)
  ct_init();
  check("before", c_one(1) == 4, c_one(1), 4);
  printf("ctrt: calling unmapped ID 0x%x without a fault handler\n", ID_UNKNOWN);
  (void)c_unknown();
  printf("ctrt: NOT REACHED\n");
  return 99;
#else
  ct_init();
  signatures();
  probes();
  patching();
  ct_counters_t c;
  ct_counters(&c);
  printf("ctrt: lookups %lu hits %lu misses %lu faults %lu invalidations %lu\n",
         (unsigned long)c.lookups, (unsigned long)c.hits, (unsigned long)c.misses,
         (unsigned long)c.faults, (unsigned long)c.invalidations);
  printf("ctrt: %d failures\n", failures);
  return failures;
#endif
}
