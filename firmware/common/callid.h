/*
 * callid.h: the call-by-ID runtime (docs/hotpatch.md, ISA in docs/isa.md).
 *
 * Registry. Each (function ID, function) pair is declared once, anywhere:
 *     CT_REGISTER(0x10001, parse_v1);
 * The pairs land in the linker section `ct_registry` (an array between the
 * symbols __start_ct_registry and __stop_ct_registry); ct_registry_find()
 * looks an ID up there.
 *
 * Start-up. Either
 *     ct_init()        builds the radix table of every registered pair, writes
 *                      ctroot and flushes the CTLB (eager binding), or
 *     ct_lazy_init()   installs an empty root table, writes ctroot, flushes and
 *                      registers a call-ID fault handler (mcause 24): the first
 *                      callid of an ID faults, the handler looks the ID (mtval)
 *                      up in the registry, installs its leaf (allocating the
 *                      lower-level tables on demand), invalidates the ID and
 *                      returns, so mret re-executes the callid, which now
 *                      translates. An ID not in the registry, or a fault other
 *                      than INVALID, prints
 *                        "callid: unknown function ID 0x... (mepc 0x...)" or
 *                        "callid: fault code N on ID 0x... (mepc 0x...)"
 *                      and exits with CT_EXIT_FAULT.
 *     ct_adopt(root)   takes a complete table built elsewhere (scripts/ctcc
 *                      links one into the ELF), writes ctroot and flushes;
 *                      ct_patch and friends then work on that table (new
 *                      lower-level tables come from the pool).
 *
 * Table geometry: CT_LEVEL_BITS, the index widths of the levels, root first,
 * exactly as ctsim's --ctlb-levels (default 12,10,10: a 16 KiB root table and
 * 4 KiB lower tables). Build a program with e.g. -DCT_LEVEL_BITS=10,10 and run
 * it with `ctsim --ctlb-levels 10,10`. Tables come from a static pool of
 * CT_POOL_BYTES (default 64 KiB; -DCT_POOL_BYTES=N) or from memory a program
 * hands over with ct_pool_provide() before ct_init()/ct_lazy_init(). Running
 * out of pool, an ID wider than the levels cover, or an ID registered twice
 * prints a "callid: ..." line and exits with CT_EXIT_FAULT.
 *
 * Calls by ID. CT_DEFINE_CALL declares a typed inline function whose body is
 * one `callid ra, t0` with the arguments in a0..a7 and the return value from
 * a0 (a1), exactly as the RISC-V ilp32 calling convention passes them to a
 * normal call, so the callee is an ordinary C function:
 *     CT_DEFINE_CALL(parse, 0x10001, int, const char *, unsigned);
 *     int key = parse(msg, len);            // callid to whatever 0x10001 maps to
 *     CT_DEFINE_VCALL(log_event, 0x10004, uint32_t);   // returns void
 *     CT_DEFINE_CALL_BYID(call_any, uint32_t, uint32_t); // call_any(id, x)
 * Parameters and the return type may be integers, pointers or enums of up to
 * 32 bits, 64-bit integers, float or double (ilp32 passes them in integer
 * registers), at most 8 argument words in all (no stack arguments, no struct
 * arguments). All caller-saved registers are clobbered, as by a call.
 *
 * Patching.
 *     ct_patch(id, fn)    store fn | 3 into the ID's leaf (installing its path
 *                         if it has none), then ctlb.inv id: every callid that
 *                         follows in program order reaches fn (docs/isa.md,
 *                         "Ordering"). Returns the previous target (0 if none).
 *                         Safe from an interrupt handler.
 *     ct_install(id, fn)  the store alone (for an ID not cached yet).
 *     ct_unbind(id)       clear the leaf and invalidate: the next call faults.
 *     ct_inv(id), ct_flush()   ctlb.inv id / ctlb.inv x0.
 *     ct_xlat(id)         the xlat probe: the target, or (code << 2) | 1.
 *     ct_leaf(id)         address of the ID's leaf entry, NULL if unmapped.
 *
 * Counters: ct_counters(&c) reads the CSRs 0xFC0..0xFC6 (low 32 bits).
 */
#ifndef FW_CALLID_H
#define FW_CALLID_H

#include <stddef.h>
#include <stdint.h>
#include <string.h>

#ifndef CT_LEVEL_BITS
#define CT_LEVEL_BITS 12, 10, 10
#endif
#ifndef CT_POOL_BYTES
#define CT_POOL_BYTES (64 * 1024)
#endif

#define CT_EXIT_FAULT 5 /* exit code of a runtime error or an unhandled call-ID fault */

/* Fault codes (ctcause, docs/isa.md). */
#define CT_FAULT_INVALID 1
#define CT_FAULT_RANGE 2
#define CT_FAULT_DISABLED 3
#define CT_FAULT_BUS 4

/* CSR numbers. */
#define CSR_CTROOT 0x7C0
#define CSR_CTLBHIT 0xFC0
#define CSR_CTLBMISS 0xFC1
#define CSR_CTLBWALK 0xFC2
#define CSR_CTLBINV 0xFC3
#define CSR_CTLBFAULT 0xFC4
#define CSR_CTCAUSE 0xFC5
#define CSR_CTLBLOOKUP 0xFC6

typedef void (*ct_fn_t)(void);

typedef struct {
  uint32_t id;
  ct_fn_t fn;
} ct_reg_t;

#define CT_CAT_(a, b) a##b
#define CT_CAT(a, b) CT_CAT_(a, b)

/* Registers fn under id (at file scope). fn must be 4-byte aligned (any C
 * function built without the C extension is). */
#define CT_REGISTER(id, fn)                       \
  static const ct_reg_t CT_CAT(ct_reg_, __LINE__) \
      __attribute__((used, section("ct_registry"), aligned(4))) = {(uint32_t)(id), (ct_fn_t)(fn)}

extern const unsigned ct_levels;      /* number of table levels */
extern const uint8_t ct_level_bits[]; /* their index widths, root first */

void ct_pool_provide(uint32_t *mem, size_t bytes);
void ct_init(void);
void ct_lazy_init(void);
void ct_adopt(uint32_t *root); /* use a table built elsewhere (scripts/ctcc) */
const ct_reg_t *ct_registry_find(uint32_t id);
unsigned ct_registry_count(void);
uint32_t *ct_leaf(uint32_t id);
void ct_install(uint32_t id, ct_fn_t fn);
uint32_t ct_patch(uint32_t id, ct_fn_t fn);
void ct_unbind(uint32_t id);
uint32_t ct_root(void);       /* the root table's address */
size_t ct_pool_used(void);    /* bytes of table allocated */
unsigned ct_lazy_binds(void); /* IDs installed by the fault handler */

static inline void ct_inv(uint32_t id) {
  register uint32_t r __asm__("t0") = id;
  __asm__ volatile(".insn r CUSTOM_0, 1, 0, x0, %0, x0" ::"r"(r) : "memory");
}

static inline void ct_flush(void) {
  __asm__ volatile(".insn r CUSTOM_0, 1, 0, x0, x0, x0" ::: "memory");
}

static inline uint32_t ct_xlat(uint32_t id) {
  uint32_t r;
  __asm__ volatile(".insn r CUSTOM_0, 2, 0, %0, %1, x0" : "=r"(r) : "r"(id) : "memory");
  return r;
}

#define CT_CSR_STR_(x) #x
#define CT_CSR_STR(x) CT_CSR_STR_(x)
#define ct_read_csr(num)                                                   \
  ({                                                                       \
    uint32_t ct_v_;                                                        \
    __asm__ volatile("csrr %0, " CT_CSR_STR(num) : "=r"(ct_v_)::"memory"); \
    ct_v_;                                                                 \
  })

typedef struct {
  uint32_t hits, misses, walk_cycles, invalidations, faults, cause, lookups;
} ct_counters_t;

static inline void ct_counters(ct_counters_t *c) {
  c->hits = ct_read_csr(0xFC0);
  c->misses = ct_read_csr(0xFC1);
  c->walk_cycles = ct_read_csr(0xFC2);
  c->invalidations = ct_read_csr(0xFC3);
  c->faults = ct_read_csr(0xFC4);
  c->cause = ct_read_csr(0xFC5);
  c->lookups = ct_read_csr(0xFC6);
}

/* ------------------------------------------------------------------------
 * The call macros. Implementation: the arguments are laid out as words the
 * way the ilp32 ABI assigns them to a0..a7 (narrow integers widened by a
 * conversion, which sign- or zero-extends like the ABI; 4- and 8-byte values
 * copied bit for bit, 8-byte ones in two consecutive registers, low word
 * first), then one asm statement binds exactly that many argument registers
 * as inputs, the rest of a0..a7 as outputs (clobbered), t0 holds the ID.
 */
#define CT_NARG_(...) CT_NARG_I_(__VA_ARGS__, 8, 7, 6, 5, 4, 3, 2, 1, 0)
#define CT_NARG_I_(_1, _2, _3, _4, _5, _6, _7, _8, N, ...) N

/* Parameter lists; `void` means none: CT_DEFINE_CALL(f, id, int, void). */
#define CT_PARAMS_1(t1) t1 p1
#define CT_PARAMS_2(t1, t2) t1 p1, t2 p2
#define CT_PARAMS_3(t1, t2, t3) t1 p1, t2 p2, t3 p3
#define CT_PARAMS_4(t1, t2, t3, t4) t1 p1, t2 p2, t3 p3, t4 p4
#define CT_PARAMS_5(t1, t2, t3, t4, t5) t1 p1, t2 p2, t3 p3, t4 p4, t5 p5
#define CT_PARAMS_6(t1, t2, t3, t4, t5, t6) t1 p1, t2 p2, t3 p3, t4 p4, t5 p5, t6 p6
#define CT_PARAMS_7(t1, t2, t3, t4, t5, t6, t7) t1 p1, t2 p2, t3 p3, t4 p4, t5 p5, t6 p6, t7 p7
#define CT_PARAMS_8(t1, t2, t3, t4, t5, t6, t7, t8) \
  t1 p1, t2 p2, t3 p3, t4 p4, t5 p5, t6 p6, t7 p7, t8 p8

#define CT_PUT_(p)                                                         \
  do {                                                                     \
    _Static_assert(sizeof(p) <= 8, "callid: argument wider than 8 bytes"); \
    if (sizeof(p) < 4)                                                     \
      ct_w_[ct_n_] = (uint32_t)(p);                                        \
    else                                                                   \
      memcpy(&ct_w_[ct_n_], &(p), sizeof(p));                              \
    ct_n_ += sizeof(p) > 4 ? 2u : 1u;                                      \
  } while (0)

#define CT_MARSHAL_0()
#define CT_MARSHAL_1(t1) CT_PUT_(p1);
#define CT_MARSHAL_2(t1, t2) CT_MARSHAL_1(t1) CT_PUT_(p2);
#define CT_MARSHAL_3(t1, t2, t3) CT_MARSHAL_2(t1, t2) CT_PUT_(p3);
#define CT_MARSHAL_4(t1, t2, t3, t4) CT_MARSHAL_3(t1, t2, t3) CT_PUT_(p4);
#define CT_MARSHAL_5(t1, t2, t3, t4, t5) CT_MARSHAL_4(t1, t2, t3, t4) CT_PUT_(p5);
#define CT_MARSHAL_6(t1, t2, t3, t4, t5, t6) CT_MARSHAL_5(t1, t2, t3, t4, t5) CT_PUT_(p6);
#define CT_MARSHAL_7(t1, t2, t3, t4, t5, t6, t7) CT_MARSHAL_6(t1, t2, t3, t4, t5, t6) CT_PUT_(p7);
#define CT_MARSHAL_8(t1, t2, t3, t4, t5, t6, t7, t8) \
  CT_MARSHAL_7(t1, t2, t3, t4, t5, t6, t7) CT_PUT_(p8);

#define CT_W_(t) (sizeof(t) > 4 ? 2u : 1u)
#define CT_WORDS_0() 0u
#define CT_WORDS_1(t1) CT_W_(t1)
#define CT_WORDS_2(t1, t2) CT_W_(t1) + CT_W_(t2)
#define CT_WORDS_3(t1, t2, t3) CT_WORDS_2(t1, t2) + CT_W_(t3)
#define CT_WORDS_4(t1, t2, t3, t4) CT_WORDS_3(t1, t2, t3) + CT_W_(t4)
#define CT_WORDS_5(t1, t2, t3, t4, t5) CT_WORDS_4(t1, t2, t3, t4) + CT_W_(t5)
#define CT_WORDS_6(t1, t2, t3, t4, t5, t6) CT_WORDS_5(t1, t2, t3, t4, t5) + CT_W_(t6)
#define CT_WORDS_7(t1, t2, t3, t4, t5, t6, t7) CT_WORDS_6(t1, t2, t3, t4, t5, t6) + CT_W_(t7)
#define CT_WORDS_8(t1, t2, t3, t4, t5, t6, t7, t8) \
  CT_WORDS_7(t1, t2, t3, t4, t5, t6, t7) + CT_W_(t8)

static inline __attribute__((always_inline)) uint64_t ct_callid_raw_(uint32_t id, const uint32_t *w,
                                                                     unsigned n) {
  register uint32_t t0 __asm__("t0") = id;
  register uint32_t a0 __asm__("a0");
  register uint32_t a1 __asm__("a1");
  register uint32_t a2 __asm__("a2");
  register uint32_t a3 __asm__("a3");
  register uint32_t a4 __asm__("a4");
  register uint32_t a5 __asm__("a5");
  register uint32_t a6 __asm__("a6");
  register uint32_t a7 __asm__("a7");
#define CT_INSN_ ".insn r CUSTOM_0, 0, 0, ra, t0, x0  # callid ra, t0"
  switch (n) {
    case 0:
      __asm__ volatile(CT_INSN_
                       : "+r"(t0), "=r"(a0), "=r"(a1), "=r"(a2), "=r"(a3), "=r"(a4), "=r"(a5),
                         "=r"(a6), "=r"(a7)
                       :
                       : "ra", "t1", "t2", "t3", "t4", "t5", "t6", "memory");
      break;
    case 1:
      a0 = w[0];
      __asm__ volatile(CT_INSN_
                       : "+r"(t0), "+r"(a0), "=r"(a1), "=r"(a2), "=r"(a3), "=r"(a4), "=r"(a5),
                         "=r"(a6), "=r"(a7)
                       :
                       : "ra", "t1", "t2", "t3", "t4", "t5", "t6", "memory");
      break;
    case 2:
      a0 = w[0], a1 = w[1];
      __asm__ volatile(CT_INSN_
                       : "+r"(t0), "+r"(a0), "+r"(a1), "=r"(a2), "=r"(a3), "=r"(a4), "=r"(a5),
                         "=r"(a6), "=r"(a7)
                       :
                       : "ra", "t1", "t2", "t3", "t4", "t5", "t6", "memory");
      break;
    case 3:
      a0 = w[0], a1 = w[1], a2 = w[2];
      __asm__ volatile(CT_INSN_
                       : "+r"(t0), "+r"(a0), "+r"(a1), "+r"(a2), "=r"(a3), "=r"(a4), "=r"(a5),
                         "=r"(a6), "=r"(a7)
                       :
                       : "ra", "t1", "t2", "t3", "t4", "t5", "t6", "memory");
      break;
    case 4:
      a0 = w[0], a1 = w[1], a2 = w[2], a3 = w[3];
      __asm__ volatile(CT_INSN_
                       : "+r"(t0), "+r"(a0), "+r"(a1), "+r"(a2), "+r"(a3), "=r"(a4), "=r"(a5),
                         "=r"(a6), "=r"(a7)
                       :
                       : "ra", "t1", "t2", "t3", "t4", "t5", "t6", "memory");
      break;
    case 5:
      a0 = w[0], a1 = w[1], a2 = w[2], a3 = w[3], a4 = w[4];
      __asm__ volatile(CT_INSN_
                       : "+r"(t0), "+r"(a0), "+r"(a1), "+r"(a2), "+r"(a3), "+r"(a4), "=r"(a5),
                         "=r"(a6), "=r"(a7)
                       :
                       : "ra", "t1", "t2", "t3", "t4", "t5", "t6", "memory");
      break;
    case 6:
      a0 = w[0], a1 = w[1], a2 = w[2], a3 = w[3], a4 = w[4], a5 = w[5];
      __asm__ volatile(CT_INSN_
                       : "+r"(t0), "+r"(a0), "+r"(a1), "+r"(a2), "+r"(a3), "+r"(a4), "+r"(a5),
                         "=r"(a6), "=r"(a7)
                       :
                       : "ra", "t1", "t2", "t3", "t4", "t5", "t6", "memory");
      break;
    case 7:
      a0 = w[0], a1 = w[1], a2 = w[2], a3 = w[3], a4 = w[4], a5 = w[5], a6 = w[6];
      __asm__ volatile(CT_INSN_
                       : "+r"(t0), "+r"(a0), "+r"(a1), "+r"(a2), "+r"(a3), "+r"(a4), "+r"(a5),
                         "+r"(a6), "=r"(a7)
                       :
                       : "ra", "t1", "t2", "t3", "t4", "t5", "t6", "memory");
      break;
    default:
      a0 = w[0], a1 = w[1], a2 = w[2], a3 = w[3], a4 = w[4], a5 = w[5], a6 = w[6];
      a7 = w[7];
      __asm__ volatile(CT_INSN_
                       : "+r"(t0), "+r"(a0), "+r"(a1), "+r"(a2), "+r"(a3), "+r"(a4), "+r"(a5),
                         "+r"(a6), "+r"(a7)
                       :
                       : "ra", "t1", "t2", "t3", "t4", "t5", "t6", "memory");
      break;
  }
#undef CT_INSN_
  (void)a2, (void)a3, (void)a4, (void)a5, (void)a6, (void)a7;
  return ((uint64_t)a1 << 32) | a0;
}

/* The parameter list with `void` mapped to no parameters. */
#define CT_PLIST_(...) CT_PLIST_I_(CT_NARG_(__VA_ARGS__), __VA_ARGS__)
#define CT_PLIST_I_(n, ...) CT_PLIST_II_(n, __VA_ARGS__)
#define CT_PLIST_II_(n, ...) CT_PLIST_##n(__VA_ARGS__)
#define CT_PLIST_1(t1) CT_PLIST_1_I_(CT_ISVOID_(t1), t1)
#define CT_PLIST_1_I_(v, t1) CT_PLIST_1_II_(v, t1)
#define CT_PLIST_1_II_(v, t1) CT_PLIST_1_V##v(t1)
#define CT_PLIST_1_V1(t1) 0
#define CT_PLIST_1_V0(t1) 1
#define CT_PLIST_2(...) 2
#define CT_PLIST_3(...) 3
#define CT_PLIST_4(...) 4
#define CT_PLIST_5(...) 5
#define CT_PLIST_6(...) 6
#define CT_PLIST_7(...) 7
#define CT_PLIST_8(...) 8

/* CT_ISVOID_(t) -> 1 if t is the token `void`, else 0. */
#define CT_ISVOID_(t) CT_SECOND_(CT_CAT(CT_VOIDTEST_, t), 0, ~)
#define CT_VOIDTEST_void ~, 1
#define CT_SECOND_(...) CT_SECOND_I_(__VA_ARGS__)
#define CT_SECOND_I_(a, b, ...) b

/* Number of real parameters (0 for `void`), and the pieces for that count. */
#define CT_NP_(...) CT_PLIST_(__VA_ARGS__)
#define CT_PIECE_(what, ...) CT_PIECE_I_(what, CT_NP_(__VA_ARGS__), __VA_ARGS__)
#define CT_PIECE_I_(what, n, ...) CT_PIECE_II_(what, n, __VA_ARGS__)
#define CT_PIECE_II_(what, n, ...) CT_PIECE_##n(what, __VA_ARGS__)
#define CT_PIECE_0(what, ...) what##_0()
#define CT_PIECE_1(what, ...) what##_1(__VA_ARGS__)
#define CT_PIECE_2(what, ...) what##_2(__VA_ARGS__)
#define CT_PIECE_3(what, ...) what##_3(__VA_ARGS__)
#define CT_PIECE_4(what, ...) what##_4(__VA_ARGS__)
#define CT_PIECE_5(what, ...) what##_5(__VA_ARGS__)
#define CT_PIECE_6(what, ...) what##_6(__VA_ARGS__)
#define CT_PIECE_7(what, ...) what##_7(__VA_ARGS__)
#define CT_PIECE_8(what, ...) what##_8(__VA_ARGS__)

#define CT_DECL_PARAMS_(...) CT_PIECE_(CT_PARAMS, __VA_ARGS__)
#define CT_DO_MARSHAL_(...) CT_PIECE_(CT_MARSHAL, __VA_ARGS__)
#define CT_NWORDS_(...) (CT_PIECE_(CT_WORDS, __VA_ARGS__))

/* Shared body: marshal, callid, unmarshal into ct_r_ (uint64_t). */
#define CT_BODY_(idexpr, ...)                                                                  \
  uint32_t ct_w_[8] = {0};                                                                     \
  unsigned ct_n_ = 0;                                                                          \
  _Static_assert(CT_NWORDS_(__VA_ARGS__) <= 8, "callid: more than 8 argument words (a0..a7)"); \
  CT_DO_MARSHAL_(__VA_ARGS__)                                                                  \
  (void)ct_n_;                                                                                 \
  uint64_t ct_r_ = ct_callid_raw_((idexpr), ct_w_, CT_NWORDS_(__VA_ARGS__));

#define CT_RET_(ret)                                                           \
  ret ct_ret_;                                                                 \
  _Static_assert(sizeof(ret) <= 8, "callid: return value wider than 8 bytes"); \
  memcpy(&ct_ret_, &ct_r_, sizeof(ret));                                       \
  return ct_ret_;

#define CT_DEFINE_CALL(name, id, ret, ...)                                                    \
  static inline __attribute__((always_inline, unused)) ret name(CT_PARAMLIST_(__VA_ARGS__)) { \
    CT_BODY_((uint32_t)(id), __VA_ARGS__)                                                     \
    CT_RET_(ret)                                                                              \
  }

#define CT_DEFINE_VCALL(name, id, ...)                                                         \
  static inline __attribute__((always_inline, unused)) void name(CT_PARAMLIST_(__VA_ARGS__)) { \
    CT_BODY_((uint32_t)(id), __VA_ARGS__)                                                      \
    (void)ct_r_;                                                                               \
  }

#define CT_DEFINE_CALL_BYID(name, ret, ...)                      \
  static inline __attribute__((always_inline, unused)) ret name( \
      uint32_t ct_id_ CT_COMMA_PARAMLIST_(__VA_ARGS__)) {        \
    CT_BODY_(ct_id_, __VA_ARGS__)                                \
    CT_RET_(ret)                                                 \
  }

/* "t1 p1, t2 p2" or "void". */
#define CT_PARAMLIST_(...) CT_PL_I_(CT_NP_(__VA_ARGS__), __VA_ARGS__)
#define CT_PL_I_(n, ...) CT_PL_II_(n, __VA_ARGS__)
#define CT_PL_II_(n, ...) CT_PL_##n(__VA_ARGS__)
#define CT_PL_0(...) void
#define CT_PL_1(...) CT_PARAMS_1(__VA_ARGS__)
#define CT_PL_2(...) CT_PARAMS_2(__VA_ARGS__)
#define CT_PL_3(...) CT_PARAMS_3(__VA_ARGS__)
#define CT_PL_4(...) CT_PARAMS_4(__VA_ARGS__)
#define CT_PL_5(...) CT_PARAMS_5(__VA_ARGS__)
#define CT_PL_6(...) CT_PARAMS_6(__VA_ARGS__)
#define CT_PL_7(...) CT_PARAMS_7(__VA_ARGS__)
#define CT_PL_8(...) CT_PARAMS_8(__VA_ARGS__)
/* ", t1 p1, t2 p2" or nothing. */
#define CT_COMMA_PARAMLIST_(...) CT_CPL_I_(CT_NP_(__VA_ARGS__), __VA_ARGS__)
#define CT_CPL_I_(n, ...) CT_CPL_II_(n, __VA_ARGS__)
#define CT_CPL_II_(n, ...) CT_CPL_##n(__VA_ARGS__)
#define CT_CPL_0(...)
#define CT_CPL_1(...) , CT_PARAMS_1(__VA_ARGS__)
#define CT_CPL_2(...) , CT_PARAMS_2(__VA_ARGS__)
#define CT_CPL_3(...) , CT_PARAMS_3(__VA_ARGS__)
#define CT_CPL_4(...) , CT_PARAMS_4(__VA_ARGS__)
#define CT_CPL_5(...) , CT_PARAMS_5(__VA_ARGS__)
#define CT_CPL_6(...) , CT_PARAMS_6(__VA_ARGS__)
#define CT_CPL_7(...) , CT_PARAMS_7(__VA_ARGS__)
#define CT_CPL_8(...) , CT_PARAMS_8(__VA_ARGS__)

#endif /* FW_CALLID_H */
