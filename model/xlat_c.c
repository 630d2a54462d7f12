/*
 * xlat_c.c: the pure-C reference model of the accelerator, written from
 * docs/accelerator.md. One call of xlat_c_step() is one clock cycle: first the
 * outputs of the cycle are computed from the registered state and the inputs,
 * then every register takes its value after the rising edge.
 */
#include <stdlib.h>
#include <string.h>

#include "ctable.h"
#include "xlat_impl.h"
#if defined(__SSE2__)
#include <emmintrin.h>
#endif

enum { ST_IDLE = 0, ST_FETCH = 1, ST_WAIT = 2, ST_RESP = 3 };

#define LFSR_TAPS 0xB400u
#define LFSR_DEFAULT 0xACE1u

struct xlat_c {
  xlat_config_t cfg;
  /* geometry */
  uint32_t sets, ways, way_bits, set_mask;
  ctable_geo_t geo; /* the table's (model/ctable.h) */
  uint32_t last;    /* the last level */
  uint16_t lfsr_seed;
  /* CTLB: entry e = set * ways + way; key = (1 << 32 | id) when valid, 0 when
   * not */
  uint64_t *key;
  uint32_t *addr; /* function address (bits 1:0 zero) */
  /* Which ways of a set are valid: bm_words 64-bit words per set (bit w = way
   * w), so the first free way is found with a count of trailing zeros. */
  uint64_t *valid;
  uint32_t bm_words;
  /* xlat_c_hit's specialised path: the ways (2, 4 or 8) of an LRU CTLB with
   * the age counters below, else 0 (the general path) */
  uint32_t hit_ways;
  /* LRU with up to SMALL_WAYS ways: the RTL's age counter per entry (0 = most
   * recently used), every way aged on a use (a few operations for a few
   * ways). */
  uint16_t *age;
  /* LRU with more ways: the ways of each set in a doubly linked list, most
   * recently used at the head; a way's position in it is its age, so a use
   * moves the way to the head and the victim is the tail, in O(1) instead of
   * aging every way. Links are way numbers, NIL at the ends. */
  uint16_t *lru_prev, *lru_next; /* per entry */
  uint16_t *lru_head, *lru_tail; /* per set */
  /* With more than SMALL_WAYS ways, a lookup finds its way through a chained
   * hash table of the valid entries (key = ID, which also fixes the set)
   * instead of comparing every way: O(1) per lookup. */
  int32_t *hbucket, *hnext; /* hbucket[hash]: first entry or -1; hnext[e] */
  uint32_t hmask;
  uint8_t *tree;  /* PLRU: `ways` node bits per set (node 0 unused) */
  uint16_t *fifo; /* FIFO: next way per set */
  uint16_t lfsr;  /* RANDOM */
  /* walk cache */
  uint32_t wc_n, wc_ptr;
  uint32_t *wc_key, *wc_data; /* entry address >> 2, next-table address >> 2 */
  uint8_t *wc_valid;
  /* walker */
  uint32_t state, id, lvl, ea, res, fault, kill;
  xlat_counters_t cnt;
};

#define NIL 0xFFFFu
#define SMALL_WAYS 8

static uint32_t log2u(uint32_t v) {
  uint32_t b = 0;
  while ((1u << b) < v) b++;
  return b;
}

xlat_c_t *xlat_c_create(const xlat_config_t *cfg) {
  xlat_c_t *m = calloc(1, sizeof *m);
  if (!m) return NULL;
  m->cfg = *cfg;
  m->ways = cfg->ways;
  m->sets = cfg->entries / cfg->ways;
  m->way_bits = log2u(cfg->ways);
  m->set_mask = m->sets - 1;
  ctable_geo_init(&m->geo, cfg->levels, cfg->level_bits);
  m->last = cfg->levels - 1;
  m->lfsr_seed = (uint16_t)(cfg->lfsr_seed ? cfg->lfsr_seed : LFSR_DEFAULT);
  m->key = calloc(cfg->entries, sizeof *m->key);
  m->addr = calloc(cfg->entries, sizeof *m->addr);
  m->bm_words = (m->ways + 63) / 64;
  m->valid = calloc((size_t)m->sets * m->bm_words, sizeof *m->valid);
  m->age = calloc(cfg->entries, sizeof *m->age);
  if (m->ways > SMALL_WAYS) {
    m->lru_prev = calloc(cfg->entries, sizeof *m->lru_prev);
    m->lru_next = calloc(cfg->entries, sizeof *m->lru_next);
    m->lru_head = calloc(m->sets, sizeof *m->lru_head);
    m->lru_tail = calloc(m->sets, sizeof *m->lru_tail);
    uint32_t nb = 1;
    while (nb < 2 * cfg->entries) nb <<= 1;
    m->hmask = nb - 1;
    m->hbucket = calloc(nb, sizeof *m->hbucket);
    m->hnext = calloc(cfg->entries, sizeof *m->hnext);
    if (!m->hbucket || !m->hnext || !m->lru_prev || !m->lru_next ||
        !m->lru_head || !m->lru_tail) {
      xlat_c_destroy(m);
      return NULL;
    }
  }
  if (cfg->policy == XLAT_POLICY_LRU &&
      (m->ways == 2 || m->ways == 4 || m->ways == 8))
    m->hit_ways = m->ways;
  m->tree = calloc(cfg->entries, 1);
  m->fifo = calloc(m->sets, sizeof *m->fifo);
  m->wc_n = cfg->walk_cache;
  m->wc_key = calloc(m->wc_n + 1, sizeof *m->wc_key);
  m->wc_data = calloc(m->wc_n + 1, sizeof *m->wc_data);
  m->wc_valid = calloc(m->wc_n + 1, 1);
  if (!m->key || !m->addr || !m->valid || !m->age || !m->tree || !m->fifo ||
      !m->wc_key || !m->wc_data || !m->wc_valid) {
    xlat_c_destroy(m);
    return NULL;
  }
  xlat_c_reset(m);
  return m;
}

void xlat_c_destroy(xlat_c_t *m) {
  if (!m) return;
  free(m->key);
  free(m->addr);
  free(m->valid);
  free(m->age);
  free(m->lru_prev);
  free(m->lru_next);
  free(m->lru_head);
  free(m->lru_tail);
  free(m->hbucket);
  free(m->hnext);
  free(m->tree);
  free(m->fifo);
  free(m->wc_key);
  free(m->wc_data);
  free(m->wc_valid);
  free(m);
}

void xlat_c_reset(xlat_c_t *m) {
  uint32_t n = m->cfg.entries;
  memset(m->key, 0, n * sizeof *m->key);
  memset(m->addr, 0, n * sizeof *m->addr);
  memset(m->valid, 0, (size_t)m->sets * m->bm_words * sizeof *m->valid);
  /* reset ages: way w has age w (way 0 most recently used) */
  for (uint32_t e = 0; e < n; e++) m->age[e] = (uint16_t)(e % m->ways);
  if (m->lru_head) {
    for (uint32_t e = 0; e < n; e++) {
      uint32_t w = e % m->ways;
      m->lru_prev[e] = (uint16_t)(w == 0 ? NIL : w - 1);
      m->lru_next[e] = (uint16_t)(w == m->ways - 1 ? NIL : w + 1);
    }
    for (uint32_t s = 0; s < m->sets; s++) {
      m->lru_head[s] = 0;
      m->lru_tail[s] = (uint16_t)(m->ways - 1);
    }
  }
  if (m->hbucket) memset(m->hbucket, 0xFF, (m->hmask + 1) * sizeof *m->hbucket);
  memset(m->tree, 0, n);
  memset(m->fifo, 0, m->sets * sizeof *m->fifo);
  m->lfsr = m->lfsr_seed;
  memset(m->wc_valid, 0, m->wc_n + 1);
  m->wc_ptr = 0;
  m->state = ST_IDLE;
  m->id = m->lvl = m->ea = m->res = m->fault = m->kill = 0;
  memset(&m->cnt, 0, sizeof m->cnt);
}

void xlat_c_counters(const xlat_c_t *m, xlat_counters_t *c) { *c = m->cnt; }

int xlat_c_busy(const xlat_c_t *m) { return m->state != ST_IDLE; }

static inline uint32_t entry_addr(const xlat_c_t *m, uint32_t base,
                                  uint32_t lvl, uint32_t id) {
  return ctable_geo_entry(&m->geo, base, id, lvl);
}

static inline uint32_t hash_id(const xlat_c_t *m, uint32_t id) {
  return (id * 0x9E3779B1u >> 7) & m->hmask;
}

/* The way among n keys k[] holding want, or -1: every key compared, no branch
 * per way (with n a constant, below, the loop is unrolled). */
static inline __attribute__((always_inline)) int32_t find_in(const uint64_t *k,
                                                             uint32_t n,
                                                             uint64_t want) {
  uint32_t match = 0;
#pragma GCC unroll 8
  for (uint32_t w = 0; w < n; w++) match |= (uint32_t)(k[w] == want) << w;
  return match ? (int32_t)__builtin_ctz(match) : -1;
}

/* The way of `set` holding a valid entry for `id`, or -1. (Entries are unique:
 * a refill happens only after a miss of its ID, and the walker takes no other
 * request meanwhile.) */
static inline __attribute__((always_inline)) int32_t find_way(const xlat_c_t *m,
                                                              uint32_t set,
                                                              uint32_t id) {
  uint64_t want = (1ull << 32) | id;
  if (m->hbucket) {
    for (int32_t e = m->hbucket[hash_id(m, id)]; e >= 0; e = m->hnext[e])
      if (m->key[e] == want) return (int32_t)((uint32_t)e - set * m->ways);
    return -1;
  }
  const uint64_t *k = m->key + set * m->ways;
  switch (m->ways) { /* the common geometries unrolled */
    case 1:
      return find_in(k, 1, want);
    case 2:
      return find_in(k, 2, want);
    case 4:
      return find_in(k, 4, want);
    case 8:
      return find_in(k, 8, want);
    default: /* (not reached: more than SMALL_WAYS ways use the hash table) */
      for (uint32_t w = 0; w < m->ways; w++)
        if (k[w] == want) return (int32_t)w;
      return -1;
  }
}

/* find_in for hit_lru: the way among n (2, 4 or 8) keys k[] holding id,
 * or -1; v has bit w set when way w is valid (key (1 << 32 | ID), else 0), so
 * comparing the IDs of the valid ways is comparing the keys. With SSE2, four
 * IDs (the low words of four keys) are compared at once. */
static inline __attribute__((always_inline)) int32_t find_valid(
    const uint64_t *k, uint64_t v, uint32_t n, uint32_t id) {
#if defined(__SSE2__)
  if (n >= 4) {
    const __m128i want = _mm_set1_epi32((int)id);
    uint32_t match = 0;
    for (uint32_t g = 0; g < n; g += 4) {
      __m128 a = _mm_loadu_ps((const float *)(k + g));
      __m128 b = _mm_loadu_ps((const float *)(k + g + 2));
      __m128i lo = _mm_castps_si128(_mm_shuffle_ps(a, b, _MM_SHUFFLE(2, 0, 2, 0)));
      match |= (uint32_t)_mm_movemask_ps(
                   _mm_castsi128_ps(_mm_cmpeq_epi32(lo, want)))
               << g;
    }
    match &= (uint32_t)v;
    return match ? (int32_t)__builtin_ctz(match) : -1;
  }
#endif
  (void)v;
  return find_in(k, n, (1ull << 32) | id);
}

/* Entry e becomes invalid (its key 0). */
static void entry_drop(xlat_c_t *m, uint32_t e) {
  if (!m->key[e]) return;
  if (m->hbucket) {
    int32_t *p = &m->hbucket[hash_id(m, (uint32_t)m->key[e])];
    while (*p != (int32_t)e) p = &m->hnext[*p];
    *p = m->hnext[e];
  }
  m->key[e] = 0;
  uint32_t set = e >> m->way_bits, w = e & (m->ways - 1);
  m->valid[set * m->bm_words + w / 64] &= ~(1ull << (w % 64));
}

/* Entry e takes (id -> addr), replacing what it held. */
static void entry_fill(xlat_c_t *m, uint32_t e, uint32_t id, uint32_t addr) {
  entry_drop(m, e);
  m->key[e] = (1ull << 32) | id;
  m->addr[e] = addr;
  uint32_t set = e >> m->way_bits, w = e & (m->ways - 1);
  m->valid[set * m->bm_words + w / 64] |= 1ull << (w % 64);
  if (m->hbucket) {
    uint32_t h = hash_id(m, id);
    m->hnext[e] = m->hbucket[h];
    m->hbucket[h] = (int32_t)e;
  }
}

static void entries_drop_all(xlat_c_t *m) {
  memset(m->key, 0, m->cfg.entries * sizeof *m->key);
  memset(m->valid, 0, (size_t)m->sets * m->bm_words * sizeof *m->valid);
  if (m->hbucket) memset(m->hbucket, 0xFF, (m->hmask + 1) * sizeof *m->hbucket);
}

/* LRU ages of n ways after a use of `way` (age `used`, not 0): the ways
 * younger than it age by one, it becomes 0. With n a constant (below) the
 * compiler unrolls the loop without branches. */
static inline __attribute__((always_inline)) void age_ways(uint16_t *a,
                                                           uint32_t n,
                                                           uint32_t way,
                                                           uint16_t used) {
  /* (the used way's own age is not below itself: it gains nothing, then 0) */
#pragma GCC unroll 8
  for (uint32_t w = 0; w < n; w++) a[w] = (uint16_t)(a[w] + (a[w] < used));
  a[way] = 0;
}

/* Replacement-state update for a use (hit or refill) of `way` in `set`. */
/* (always inlined: a call per hit costs more than the update of a few ages) */
static inline __attribute__((always_inline)) void touch(xlat_c_t *m,
                                                        uint32_t set,
                                                        uint32_t way) {
  if (m->ways == 1) return;
  if (m->cfg.policy == XLAT_POLICY_LRU && !m->lru_head) {
    uint16_t *a = m->age + set * m->ways;
    uint16_t used = a[way];
    if (!used) return; /* already the most recently used: nothing ages */
    switch (m->ways) { /* (ways <= SMALL_WAYS here) */
      case 2:
        age_ways(a, 2, way, used);
        break;
      case 4:
        age_ways(a, 4, way, used);
        break;
      default:
        age_ways(a, 8, way, used);
        break;
    }
  } else if (m->cfg.policy == XLAT_POLICY_LRU) {
    /* ages below the used way's grow by one, the used way's becomes 0: the
     * way moves to the head of the list */
    if (m->lru_head[set] == way) return;
    uint16_t *prev = m->lru_prev + set * m->ways,
             *next = m->lru_next + set * m->ways;
    uint16_t p = prev[way], n = next[way];
    next[p] = n; /* (p is not NIL: the way is not the head) */
    if (n == NIL)
      m->lru_tail[set] = p;
    else
      prev[n] = p;
    prev[way] = NIL;
    next[way] = m->lru_head[set];
    prev[m->lru_head[set]] = (uint16_t)way;
    m->lru_head[set] = (uint16_t)way;
  } else if (m->cfg.policy == XLAT_POLICY_PLRU) {
    uint8_t *t = m->tree + set * m->ways;
    uint32_t node = way + m->ways;
    while (node > 1) {
      t[node >> 1] =
          (uint8_t)((node & 1) == 0); /* point away from the used child */
      node >>= 1;
    }
  }
}

/* The way a refill of `set` writes, from the state before the edge: the
 * lowest-numbered invalid way if there is one, else the policy's choice. */
static uint32_t victim(const xlat_c_t *m, uint32_t set) {
  const uint64_t *v = m->valid + set * m->bm_words;
  for (uint32_t i = 0; i < m->bm_words; i++) {
    uint64_t free_ways = ~v[i];
    if (i == m->bm_words - 1 && m->ways % 64)
      free_ways &= (1ull << (m->ways % 64)) - 1;
    if (free_ways) return i * 64 + (uint32_t)__builtin_ctzll(free_ways);
  }
  if (m->ways == 1) return 0;
  switch (m->cfg.policy) {
    case XLAT_POLICY_LRU: {
      if (m->lru_head) return m->lru_tail[set]; /* age ways-1 */
      const uint16_t *a = m->age + set * m->ways;
      for (uint32_t w = 0; w < m->ways; w++)
        if (a[w] == m->ways - 1) return w;
      return 0;
    }
    case XLAT_POLICY_PLRU: {
      const uint8_t *t = m->tree + set * m->ways;
      uint32_t node = 1;
      while (node < m->ways) node = 2 * node + t[node];
      return node - m->ways;
    }
    case XLAT_POLICY_FIFO:
      return m->fifo[set];
    default:
      return m->lfsr & (m->ways - 1);
  }
}

/* (not inlined into xlat_c_step: its fast path then saves no registers) */
static void slow_step(xlat_c_t *m, const xlat_in_t *in, xlat_out_t *out)
    __attribute__((noinline));

/* The cycle of xlat_c_step's fast path below when its lookup hits (same
 * counters, same replacement-state update); nothing when it would not. */
/* xlat_c_hit for an LRU CTLB of n ways (n a constant: 2, 4 or 8), the same
 * as its general path with the geometry's tests folded away. */
/* (count 0: the caller adds the lookups and hits of a run of them at once) */
static inline __attribute__((always_inline)) int hit_lru(xlat_c_t *m,
                                                         uint32_t id,
                                                         uint32_t *addr,
                                                         uint32_t n,
                                                         int count) {
  uint32_t set = id & m->set_mask, e0 = set * n;
  int32_t w = find_valid(m->key + e0, m->valid[set], n, id);
  if (w < 0) return 0;
  if (count) {
    m->cnt.lookups++;
    m->cnt.hits++;
  }
  *addr = m->addr[e0 + (uint32_t)w];
  uint16_t *a = m->age + e0;
  uint16_t used = a[w];
  if (used) age_ways(a, n, (uint32_t)w, used);
  return 1;
}

int xlat_c_hit(xlat_c_t *m, uint32_t id, uint32_t *addr) {
  if (m->state != ST_IDLE) return 0;
  switch (m->hit_ways) {
    case 2:
      return hit_lru(m, id, addr, 2, 1);
    case 4:
      return hit_lru(m, id, addr, 4, 1);
    case 8:
      return hit_lru(m, id, addr, 8, 1);
    default:
      break;
  }
  uint32_t set = id & m->set_mask;
  int32_t w = find_way(m, set, id);
  if (w < 0) return 0;
  m->cnt.lookups++;
  m->cnt.hits++;
  *addr = m->addr[set * m->ways + (uint32_t)w];
  touch(m, set, (uint32_t)w);
  return 1;
}

/* A miss of id accepted in IDLE: the walk's first state (slow_step's rule). */
static void walk_start(xlat_c_t *m, uint32_t id, uint32_t root) {
  m->id = id;
  m->lvl = 0;
  m->kill = 0;
  m->res = 0;
  m->ea = entry_addr(m, ctable_root_base(root), 0, id);
  m->fault = XLAT_FAULT_NONE;
  if (!ctable_root_enabled(root)) {
    m->fault = XLAT_FAULT_DISABLED;
    m->state = ST_RESP;
  } else if (id & m->geo.range_mask) {
    m->fault = XLAT_FAULT_RANGE;
    m->state = ST_RESP;
  } else {
    m->state = ST_FETCH;
  }
}

/* The way a refill of `set` in the answer cycle writes, with the replacement
 * state's update for it (from the state before the edge; the entry itself is
 * written after any invalidate of the same cycle). */
static uint32_t fill_choose(xlat_c_t *m, uint32_t set) {
  uint32_t way = victim(m, set);
  touch(m, set, way);
  if (m->ways > 1 && m->cfg.policy == XLAT_POLICY_FIFO)
    m->fifo[set] = (uint16_t)((m->fifo[set] + 1) & (m->ways - 1));
  if (m->cfg.policy == XLAT_POLICY_RANDOM)
    m->lfsr = (uint16_t)((m->lfsr >> 1) ^ ((m->lfsr & 1) ? LFSR_TAPS : 0));
  return way;
}

/* fill_choose and entry_fill of (m->id -> m->res) for an LRU CTLB of n
 * ways (n a constant: 2, 4 or 8; one valid word per set, no hash or LRU
 * lists), the same steps with the geometry's tests folded away: the first
 * free way, else the oldest (age n - 1), becomes the newest. */
static inline __attribute__((always_inline)) void fill_lru(xlat_c_t *m,
                                                           uint32_t set,
                                                           uint32_t n) {
  uint32_t e0 = set * n, way = 0;
  uint16_t *a = m->age + e0;
  uint64_t free_ways = ~m->valid[set] & ((1ull << n) - 1);
  if (free_ways) {
    way = (uint32_t)__builtin_ctzll(free_ways);
  } else {
    for (uint32_t w = 0; w < n; w++)
      if (a[w] == n - 1) {
        way = w;
        break;
      }
  }
  uint16_t used = a[way];
  if (used) age_ways(a, n, way, used);
  m->key[e0 + way] = (1ull << 32) | m->id;
  m->addr[e0 + way] = m->res;
  m->valid[set] |= 1ull << way;
}

/* The walker in WAIT takes the answer d of its read (no kill, no bus error,
 * no walk cache): the next level's FETCH or the answer (slow_step's rule). */
static inline void walk_answer(xlat_c_t *m, uint32_t d) {
  if (!ctable_valid(d) || (!ctable_is_leaf(d) && m->lvl == m->last)) {
    m->fault = XLAT_FAULT_INVALID;
    m->state = ST_RESP;
  } else if (ctable_is_leaf(d)) {
    m->res = ctable_target(d);
    m->state = ST_RESP;
  } else {
    m->lvl++;
    m->ea = entry_addr(m, ctable_target(d), m->lvl, m->id);
    m->state = ST_FETCH;
  }
}

size_t xlat_c_hits(xlat_c_t *m, const uint32_t *ids, size_t n,
                   uint32_t *addrs) {
  size_t i = 0;
  if (m->state != ST_IDLE) return 0;
  switch (m->hit_ways) { /* (hit_lru unrolled for each, as in xlat_c_hit) */
    case 2:
      while (i < n && hit_lru(m, ids[i], addrs + i, 2, 0)) i++;
      break;
    case 4:
      while (i < n && hit_lru(m, ids[i], addrs + i, 4, 0)) i++;
      break;
    case 8:
      while (i < n && hit_lru(m, ids[i], addrs + i, 8, 0)) i++;
      break;
    default:
      while (i < n && xlat_c_hit(m, ids[i], addrs + i)) i++;
      return i;
  }
  m->cnt.lookups += i;
  m->cnt.hits += i;
  return i;
}

/* slow_step's cycle of a walk without a walk cache, an invalidate, a kill or a
 * bus error: a read requested in FETCH, its answer taken in WAIT (what
 * slow_step does then, without the rest). */
static inline void walk_step(xlat_c_t *m, const xlat_in_t *in,
                             xlat_out_t *out) {
  memset(out, 0, sizeof *out);
  out->busy = 1;
  m->cnt.walk_cycles++;
  if (m->state == ST_FETCH) {
    out->mem_req_valid = 1;
    out->mem_req_addr = m->ea;
    if (in->mem_req_ready) {
      m->cnt.mem_reads++;
      m->state = ST_WAIT;
    }
    return;
  }
  if (in->mem_rsp_valid) walk_answer(m, in->mem_rsp_data);
}

uint64_t xlat_c_walk(xlat_c_t *m, uint32_t lat, xlat_read_fn rd, void *ctx) {
  if (m->state != ST_FETCH || m->kill || m->wc_n || lat == 0) return 0;
  uint64_t n = 0;
  do { /* one level: the FETCH cycle, then lat cycles of WAIT */
    uint32_t d;
    int err = rd(ctx, m->ea, &d);
    n += 1 + (uint64_t)lat;
    m->cnt.mem_reads++;
    if (err) {
      m->fault = XLAT_FAULT_BUS;
      m->state = ST_RESP;
    } else {
      walk_answer(m, d);
    }
  } while (m->state == ST_FETCH);
  m->cnt.walk_cycles += n;
  return n;
}

void xlat_c_step(xlat_c_t *m, const xlat_in_t *in, xlat_out_t *out) {
  /* Fast path: idle walker, no invalidate: a lookup or nothing. */
  if (m->state == ST_IDLE && !in->inv_valid) {
    memset(out, 0, sizeof *out);
    out->req_ready = 1;
    if (!in->req_valid) return;
    m->cnt.lookups++;
    uint32_t id = in->req_id;
    uint32_t set = id & m->set_mask;
    int32_t w = find_way(m, set, id);
    if (w >= 0) {
      m->cnt.hits++;
      out->rsp_valid = 1;
      out->rsp_hit = 1;
      out->rsp_addr = m->addr[set * m->ways + (uint32_t)w];
      touch(m, set, (uint32_t)w);
      return;
    }
    /* a miss: no outputs but req_ready, the walk starts */
    m->cnt.misses++;
    walk_start(m, id, in->root);
    return;
  } else if (m->state == ST_RESP && !in->inv_valid) {
    /* the answer cycle without an invalidate (slow_step's, the rest idle) */
    memset(out, 0, sizeof *out);
    out->busy = 1;
    out->rsp_valid = 1;
    out->rsp_fault = (uint8_t)m->fault;
    out->rsp_addr = m->fault ? 0 : m->res;
    m->cnt.walk_cycles++;
    m->cnt.faults += (uint64_t)(m->fault != 0);
    if (m->fault == XLAT_FAULT_NONE && !m->kill) {
      uint32_t set = m->id & m->set_mask;
      switch (m->hit_ways) {
        case 2:
          fill_lru(m, set, 2);
          break;
        case 4:
          fill_lru(m, set, 4);
          break;
        case 8:
          fill_lru(m, set, 8);
          break;
        default: {
          uint32_t way = fill_choose(m, set);
          entry_fill(m, set * m->ways + way, m->id, m->res);
        }
      }
    }
    m->state = ST_IDLE;
    return;
  } else if (!in->inv_valid && !m->kill && !m->wc_n &&
             (m->state == ST_FETCH ||
              (m->state == ST_WAIT && !in->mem_rsp_err))) {
    walk_step(m, in, out);
    return;
  }
  slow_step(m, in, out);
}

/* A killed walk starts again from the root register as it is now (section 6;
 * a disabled root answers DISABLED, the ID's range was checked at the start):
 * the next state, with the kill cleared. */
static uint32_t restart(xlat_c_t *m, uint32_t root, uint32_t *kill) {
  m->lvl = 0;
  m->res = 0;
  m->ea = entry_addr(m, root & ~3u, 0, m->id);
  *kill = 0;
  m->fault = (root & 1) ? XLAT_FAULT_NONE : XLAT_FAULT_DISABLED;
  return (root & 1) ? ST_FETCH : ST_RESP;
}

static void slow_step(xlat_c_t *m, const xlat_in_t *in, xlat_out_t *out) {
  memset(out, 0, sizeof *out);
  /* ---- outputs of this cycle, from the registers and the inputs ---- */
  int idle = m->state == ST_IDLE;
  int accept = in->req_valid && idle;
  int lkp_hit = 0;
  uint32_t lkp_set = in->req_id & m->set_mask, lkp_way = 0;
  if (accept) {
    int32_t w = find_way(m, lkp_set, in->req_id);
    if (w >= 0) {
      lkp_hit = 1;
      lkp_way = (uint32_t)w;
    }
  }
  int hit = accept && lkp_hit;
  int miss = accept && !lkp_hit;
  /* walk cache lookup in FETCH below the last level */
  int wc_use = 0;
  uint32_t wc_data = 0;
  if (m->state == ST_FETCH && m->wc_n && m->lvl != m->last && !m->kill) {
    uint32_t key = m->ea >> 2;
    for (uint32_t i = 0; i < m->wc_n; i++)
      if (m->wc_valid[i] && m->wc_key[i] == key) {
        wc_use = 1;
        wc_data = m->wc_data[i];
      }
  }
  /* a killed walk in FETCH restarts instead of reading (section 6) */
  int mem_req = m->state == ST_FETCH && !wc_use && !m->kill;
  out->req_ready = (uint8_t)idle;
  out->busy = (uint8_t)!idle;
  if (hit) {
    out->rsp_valid = 1;
    out->rsp_hit = 1;
    out->rsp_addr = m->addr[lkp_set * m->ways + lkp_way];
  } else if (m->state == ST_RESP) {
    out->rsp_valid = 1;
    out->rsp_fault = (uint8_t)m->fault;
    out->rsp_addr = m->fault ? 0 : m->res;
  }
  if (mem_req) {
    out->mem_req_valid = 1;
    out->mem_req_addr = m->ea;
  }

  /* ---- counters ---- */
  xlat_counters_t *c = &m->cnt;
  c->lookups += (uint64_t)accept;
  c->hits += (uint64_t)hit;
  c->misses += (uint64_t)miss;
  c->walk_cycles += (uint64_t)!idle;
  c->mem_reads += (uint64_t)(mem_req && in->mem_req_ready);
  c->walk_cache_hits += (uint64_t)wc_use;
  c->invalidations += (uint64_t)(in->inv_valid != 0);
  c->faults += (uint64_t)(m->state == ST_RESP && m->fault);

  /* ---- walker next state ---- */
  uint32_t kill = m->kill || (!idle && in->inv_valid &&
                              (in->inv_all || in->inv_id == m->id));
  int fill = 0, wc_ins = 0;
  /* (the next table base >> 2: bits 1:0 of the entry fall off) */
  uint32_t wc_ins_key = m->ea >> 2, wc_ins_data = in->mem_rsp_data >> 2;
  uint32_t nstate = m->state;
  switch (m->state) {
    case ST_IDLE:
      if (miss) {
        walk_start(m, in->req_id, in->root);
        kill = 0;
        nstate = m->state;
      }
      break;
    case ST_FETCH:
      if (m->kill) { /* killed with no read open: restart, no read */
        nstate = restart(m, in->root, &kill);
      } else if (wc_use) {
        m->lvl++;
        m->ea = entry_addr(m, wc_data << 2, m->lvl, m->id);
      } else if (in->mem_req_ready) {
        nstate = ST_WAIT;
      }
      break;
    case ST_WAIT:
      if (in->mem_rsp_valid) {
        uint32_t d = in->mem_rsp_data;
        if (kill) { /* killed while the read was open: its data is dropped */
          nstate = restart(m, in->root, &kill);
        } else if (in->mem_rsp_err) {
          m->fault = XLAT_FAULT_BUS;
          nstate = ST_RESP;
        } else if (!ctable_valid(d) ||
                   (!ctable_is_leaf(d) && m->lvl == m->last)) {
          m->fault = XLAT_FAULT_INVALID;
          nstate = ST_RESP;
        } else if (ctable_is_leaf(d)) {
          m->res = ctable_target(d);
          nstate = ST_RESP;
        } else {
          wc_ins = m->wc_n != 0;
          m->lvl++;
          m->ea = entry_addr(m, ctable_target(d), m->lvl, m->id);
          nstate = ST_FETCH;
        }
      }
      break;
    default: /* ST_RESP */
      fill = m->fault == XLAT_FAULT_NONE && !kill;
      nstate = ST_IDLE;
      break;
  }

  /* ---- CTLB: replacement state, invalidate, refill ---- */
  uint32_t fill_set = m->id & m->set_mask, fill_way = 0;
  if (fill) {
    fill_way = fill_choose(m, fill_set);
  } else if (hit) {
    touch(m, lkp_set, lkp_way);
  }
  if (in->inv_valid) {
    if (in->inv_all) {
      entries_drop_all(m);
    } else {
      uint32_t s = in->inv_id & m->set_mask;
      int32_t w = find_way(m, s, in->inv_id);
      if (w >= 0) entry_drop(m, s * m->ways + (uint32_t)w);
    }
  }
  if (fill) entry_fill(m, fill_set * m->ways + fill_way, m->id, m->res);

  /* ---- walk cache ---- */
  if (in->inv_valid && in->inv_all) {
    if (m->wc_n) memset(m->wc_valid, 0, m->wc_n);
    m->wc_ptr = 0;
  } else if (wc_ins) {
    m->wc_valid[m->wc_ptr] = 1;
    m->wc_key[m->wc_ptr] = wc_ins_key;
    m->wc_data[m->wc_ptr] = wc_ins_data;
    m->wc_ptr = (m->wc_ptr + 1) & (m->wc_n - 1);
  }

  m->kill = kill;
  m->state = nstate;
}

/* ------------------------------------------------------------------ backend
 */

static void *c_create(const xlat_config_t *cfg, char *err, size_t errlen) {
  xlat_c_t *m = xlat_c_create(cfg);
  if (!m) xlat_seterr(err, errlen, "xlat: out of memory");
  return m;
}

static void c_destroy(void *impl) { xlat_c_destroy(impl); }
static void c_reset(void *impl) { xlat_c_reset(impl); }
static void c_step(void *impl, const xlat_in_t *in, xlat_out_t *out) {
  xlat_c_step(impl, in, out);
}
static void c_counters(const void *impl, xlat_counters_t *c) {
  xlat_c_counters(impl, c);
}
static int c_busy(const void *impl) { return xlat_c_busy(impl); }
/* (the C model's hit needs neither root nor memory ready: the walker is idle
 * and stays so) */
static int c_hit(void *impl, uint32_t id, uint32_t root, uint8_t mem_req_ready,
                 uint32_t *addr) {
  (void)root, (void)mem_req_ready;
  return xlat_c_hit(impl, id, addr);
}

/* no waveforms: the trace functions stay NULL */
const xlat_backend_ops_t xlat_backend_c = {
    .name = "c",
    .create = c_create,
    .destroy = c_destroy,
    .reset = c_reset,
    .step = c_step,
    .counters = c_counters,
    .busy = c_busy,
    .hit = c_hit,
};
