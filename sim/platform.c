/*
 * platform.c: the platform of platform.h: set-up, the run of its harts and
 * the devices of docs/memory-map.md. Device accesses are rare, so they go
 * byte by byte.
 */
#include "platform.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* The decoded cache: an entry per RAM word and one for the word after RAM
 * (never decoded: the run loop goes from pc + 4 to the next entry without
 * a range check). */
#define DC_BYTES(ram_size) (((ram_size) / 4 + 1) * sizeof(dinsn_t))

int plat_init(platform_t *p, const cpu_config_t *cfg, uint8_t *ram, char *err,
              size_t errlen) {
  memset(p, 0, sizeof *p);
  if (cfg->harts < 1 || cfg->harts > PLAT_MAX_HARTS) {
    snprintf(err, errlen, "--harts %u: ctsim simulates 1 to %d harts",
             cfg->harts, PLAT_MAX_HARTS);
    return -1;
  }
  p->cfg = *cfg;
  p->mem.ram_size = (uint32_t)cfg->ram_size;
  p->mem.tohost_off = TOHOST_NONE;
  p->mem.fromhost_off = TOHOST_NONE;
  p->ram_ext = ram != NULL;
  p->mem.ram = ram ? ram : mem_map(cfg->ram_size);
  p->dc = mem_map(DC_BYTES(cfg->ram_size));
  if (!p->mem.ram || !p->dc) {
    snprintf(err, errlen, "cannot map %" PRIu64 " bytes of simulated RAM",
             cfg->ram_size);
    plat_free(p);
    return -1;
  }
  p->nharts = cfg->harts;
  for (unsigned i = 0; i < p->nharts; i++) {
    cpu_hart_init(&p->hart[i], p, i);
    p->accel[i].dport_free = &p->hart[i].dport_free;
    p->accel[i].owner = -1;
    p->accel[i].nofast = cfg->lockstep;
  }
  if (cfg->ctlb_shared && p->nharts > 1) { /* one CTLB: accel[0] */
    p->accel[0].shared = p->accel[0].nofast = 1;
    for (unsigned i = 0; i < p->nharts; i++) p->hart[i].acc = &p->accel[0];
  }
  return 0;
}

void plat_free(platform_t *p) {
  for (unsigned i = 0; i < p->nharts; i++) {
    cpu_hart_free(&p->hart[i]);
    free(p->accel[i].inv);
    p->accel[i].inv = NULL;
  }
  p->nharts = 0;
  if (!p->ram_ext) mem_unmap(p->mem.ram, p->cfg.ram_size);
  mem_unmap(p->dc, DC_BYTES(p->cfg.ram_size));
  p->mem.ram = NULL;
  p->dc = NULL;
}

void plat_reset(platform_t *p, uint32_t entry, uint32_t tohost,
                int has_tohost) {
  p->mem.tohost_off = has_tohost ? tohost - RAM_BASE : TOHOST_NONE;
  for (unsigned i = 0; i < p->nharts; i++) p->hart[i].pc = entry;
}

/* Several harts: the time a hart would next do something. A running hart's
 * is its local time; a parked wfi's the cycle before it wakes (a store to
 * its msip in that cycle could still wake it then), UINT64_MAX if nothing
 * but another hart can wake it. */
static uint64_t hart_key(const hart_t *h) {
  if (!h->wfi_park) return h->now;
  uint64_t w = cpu_wfi_wake(h);
  return w == UINT64_MAX ? UINT64_MAX : w - 1;
}

/* ------------------------------------------------------------ shared CTLB */

/* Cycles a shared CTLB's lookup may take before the simulator gives up. */
#define SHARED_ANSWER_LIMIT 100000001u

/* The smallest key of the harts that can still act on the shared CTLB: not
 * parked on it, not `skip` (UINT64_MAX: none). */
static uint64_t shared_bound(const platform_t *p, unsigned skip) {
  uint64_t k = UINT64_MAX;
  for (unsigned i = 0; i < p->nharts; i++) {
    if (i == skip || p->hart[i].ctlb_park) continue;
    uint64_t ki = hart_key(&p->hart[i]);
    if (ki < k) k = ki;
  }
  return k;
}

/* Presents hart i's request (h->ctlb_id, entering EX at h->now) in cycle c;
 * its walker reads through hart i's data port. */
static void shared_present(platform_t *p, unsigned i, uint64_t c) {
  plat_accel_t *a = &p->accel[0];
  hart_t *g = &p->hart[i];
  a->dport_free = &g->dport_free;
  plat_accel_lookup(a, c, g->ctlb_id, g->ctlb_root);
  a->owner = (int)i;
  a->wait &= ~(1u << i);
  g->ctlb_port_at = c;
  if (c > g->now) a->waits++, a->wait_cycles += c - g->now;
}

/* Clocks the request in flight through the cycles before `to`: 1 when it
 * answered (its hart has the answer and resumes), 0 not yet, -1 on an
 * error (p->stop). */
static int shared_clock(platform_t *p, uint64_t to) {
  plat_accel_t *a = &p->accel[0];
  hart_t *g = &p->hart[a->owner];
  const uint64_t lim = a->req_at + SHARED_ANSWER_LIMIT;
  int r = plat_accel_clock(p, a, to < lim ? to : lim);
  if (r < 0 || (r == 0 && to >= lim)) {
    plat_error(p, r < 0 ? "internal: the shared CTLB refused a request"
                        : "internal: the shared CTLB did not answer");
    p->stop_hart = g->id;
    return -1;
  }
  if (r == 0) return 0;
  g->ctlb_ans_at = a->ans_at;
  g->ctlb_addr = a->ans_addr;
  g->ctlb_fault = a->ans_fault;
  g->ctlb_hit = a->ans_hit;
  g->ctlb_park = 0;
  a->owner = -1;
  a->port_free = a->ans_at + 1; /* accelerator.md 3: after RESP */
  return 1;
}

/* Serves the parked requests as far as the other harts allow: a request is
 * presented in cycle c, and a walk clocked through cycle c, only once every
 * hart that could still act on the CTLB is past c (its key), so the CTLB
 * sees every request and invalidate in cycle order, at any quantum. Of the
 * waiting requests the one presentable first goes first (max of its EX
 * entry and the cycle the port is free), the lowest hart index on a tie.
 * -1 on an error. */
static int shared_serve(platform_t *p) {
  plat_accel_t *a = &p->accel[0];
  while (plat_accel_busy(a)) {
    const uint64_t k = shared_bound(p, p->nharts);
    if (a->owner < 0) {
      unsigned best = 0;
      uint64_t c = UINT64_MAX;
      for (unsigned i = 0; i < p->nharts; i++) {
        if (!(a->wait >> i & 1)) continue;
        uint64_t ci = p->hart[i].now > a->port_free ? p->hart[i].now
                                                    : a->port_free;
        if (ci < c) c = ci, best = i;
      }
      if (c >= k) return 0; /* a hart may still act in or before c */
      shared_present(p, best, c);
    }
    unsigned g = (unsigned)a->owner;
    int r = shared_clock(p, k);
    if (r <= 0) return r;
    p->hart[g].ctlb_resume = 1;
  }
  return 0;
}

int plat_shared_lookup(platform_t *p, hart_t *h, uint64_t e) {
  plat_accel_t *a = h->acc;
  if (!plat_accel_busy(a) && e >= a->port_free) {
    const uint64_t k = shared_bound(p, h->id);
    if (k > e) { /* nobody else can act in e: present it now */
      shared_present(p, h->id, e);
      h->ctlb_park = 1; /* not a key of the bound while it is clocked */
      int r = shared_clock(p, k);
      if (r) return r;
      return 0; /* a walk the others may still act on: wait for it */
    }
  }
  a->wait |= 1u << h->id;
  h->ctlb_park = 1;
  return 0;
}

/* The harts interleaved in one thread: the one with the smallest key runs
 * (the lowest index on a tie) for at most cfg.quantum cycles, until every
 * key is `until` or later (0: no bound). Every choice depends on simulated
 * state only, so a run gives the same result every time. */
static int run_many(platform_t *p, uint64_t until) {
  while (!p->stop) {
    if (plat_accel_busy(&p->accel[0]) && shared_serve(p)) return 1;
    unsigned best = 0;
    uint64_t k = UINT64_MAX;
    for (unsigned i = 0; i < p->nharts; i++) {
      if (p->hart[i].ctlb_park) continue; /* served above */
      uint64_t ki = hart_key(&p->hart[i]);
      if (ki < k) k = ki, best = i;
    }
    if (k == UINT64_MAX) { /* every hart waits in wfi for another */
      plat_error(p,
                 "every hart waits in wfi for a software interrupt and no "
                 "hart is left to raise one (deadlock)");
      p->stop_hart = 0;
      return 1;
    }
    if (until && k >= until) return 0;
    hart_t *h = &p->hart[best];
    /* not cut at `until`: a hart's piece may end up to a quantum past it,
     * so that the pieces, and the results, do not depend on how a caller
     * (ctsim-sc's quantum) splits the run */
    uint64_t bound = k + p->cfg.quantum;
    if (h->wfi_park) {
      h->wfi_wake = cpu_wfi_wake(h);
      h->wfi_park = 0;
      h->wfi_resume = 1;
    }
    int r = cpu_run_until(h, bound);
    if (p->stop == STOP_CTLB_PARK) { /* parked on the shared CTLB */
      p->stop = STOP_NONE;
      continue;
    }
    if (r) p->stop_hart = best;
  }
  return 1;
}

/* With one hart the platform's run is the hart's: the hart runs ahead on its
 * own clock and the devices see its EX-entry cycles (docs/platform.md). */
void plat_run(platform_t *p) {
  if (p->nharts == 1)
    cpu_run(&p->hart[0]);
  else
    run_many(p, 0);
}

int plat_run_until(platform_t *p, uint64_t until) {
  if (p->nharts == 1) return cpu_run_until(&p->hart[0], until);
  return run_many(p, until ? until : 1);
}

uint64_t plat_now(const platform_t *p) {
  uint64_t t = UINT64_MAX;
  for (unsigned i = 0; i < p->nharts; i++) {
    /* a parked wfi: nothing happens there before it wakes */
    uint64_t c = p->nharts > 1 ? hart_key(&p->hart[i]) : p->hart[i].now;
    if (c < t) t = c;
  }
  return p->nharts ? t : 0;
}

uint64_t plat_cycles(const platform_t *p) {
  uint64_t t = 0;
  for (unsigned i = 0; i < p->nharts; i++) {
    uint64_t c = cpu_cycles(&p->hart[i]);
    if (c > t) t = c;
  }
  return t;
}

uint64_t plat_mtime(const platform_t *p, uint64_t c) {
  return c / p->cfg.mtime_div + p->mtime_off;
}

void plat_error(platform_t *p, const char *msg) {
  p->fatal_msg = msg;
  p->stop = STOP_SIM_ERROR;
}

/* ------------------------------------------------------------ accelerators */

void plat_walk_read(platform_t *p, plat_accel_t *a, uint64_t c, uint32_t addr) {
  uint64_t lat = p->cfg.dmem_lat;
  uint32_t o = addr - RAM_BASE;
  a->pend = 1;
  if (p->walk_read) {
    a->perr = p->walk_read(p->hook_ctx, addr, &a->pdata, &lat) != 0;
    if (a->perr) a->pdata = 0;
    if (!lat) lat = 1;
  } else if (o <= p->mem.ram_size - 4) {
    memcpy(&a->pdata, p->mem.ram + o, 4);
    a->perr = 0;
  } else {
    a->pdata = 0, a->perr = 1;
  }
  a->pend_at = c + lat;
}

/* One cycle c of a's invalidate port carrying q. */
static void accel_inv_step(plat_accel_t *a, uint64_t c, const bcast_port_t *q,
                           uint32_t root) {
  xlat_in_t in;
  xlat_out_t out;
  memset(&in, 0, sizeof in);
  in.inv_valid = 1;
  in.inv_all = q->all;
  in.inv_id = q->all ? 0 : q->id;
  in.root = root;
  in.mem_req_ready = 1;
  xlat_step(a->xl, &in, &out);
  a->now = c + 1;
}

void plat_accel_catch_up(plat_accel_t *a, uint64_t c, uint32_t root) {
  while (a->ninv > a->inv_head && a->inv[a->inv_head].at < c) {
    const plat_inv_t *q = &a->inv[a->inv_head++];
    accel_inv_step(a, q->at > a->now ? q->at : a->now, &q->port, root);
  }
  if (a->inv_head == a->ninv) a->inv_head = a->ninv = 0;
}

static int accel_post(plat_accel_t *a, uint64_t at, const bcast_port_t *q,
                      uint32_t from);

void plat_accel_invalidate(plat_accel_t *a, uint64_t c, int all, uint32_t id,
                           uint32_t root) {
  if (a->shared && plat_accel_busy(a)) { /* in its cycle, as the walk is */
    /* from no hart's broadcast: a ctlb.sync never moves it (plat_sync_retire) */
    const bcast_port_t q = {1, (uint8_t)(all != 0), all ? 0 : id};
    if (accel_post(a, c > a->next ? c : a->next, &q, 0) == 0) return;
  }
  plat_accel_catch_up(a, c, root);
  bcast_port_t q = {0, 0, 0};
  if (a->ninv > a->inv_head && a->inv[a->inv_head].at == c)
    q = a->inv[a->inv_head++].port; /* a broadcast arrives in the same cycle */
  bcast_port_add(&q, all, id);
  accel_inv_step(a, c, &q, root);
}

/* Queues the requests q of the harts `from` arriving at a in cycle at (in
 * cycle order; in the same cycle as others they merge). Out of memory: -1. */
static int accel_post(plat_accel_t *a, uint64_t at, const bcast_port_t *q,
                      uint32_t from) {
  unsigned i = a->ninv;
  while (i > a->inv_head && a->inv[i - 1].at > at) i--;
  if (i > a->inv_head && a->inv[i - 1].at == at) {
    bcast_port_add(&a->inv[i - 1].port, q->all, q->id);
    a->inv[i - 1].from |= from;
    return 0;
  }
  if (a->ninv == a->inv_cap) {
    unsigned cap = a->inv_cap ? 2 * a->inv_cap : 16;
    plat_inv_t *n = realloc(a->inv, cap * sizeof *n);
    if (!n) return -1;
    a->inv = n, a->inv_cap = cap;
  }
  memmove(&a->inv[i + 1], &a->inv[i], (a->ninv - i) * sizeof *a->inv);
  a->inv[i] = (plat_inv_t){at, *q, from};
  a->ninv++;
  return 0;
}

int plat_bcast(platform_t *p, unsigned h, uint64_t e, int all, uint32_t id) {
  const unsigned L = p->cfg.bcast_latency;
  if (p->hart[h].acc->shared) { /* the one CTLB is every CTLB: done in e */
    plat_accel_invalidate(p->hart[h].acc, e, all, id, p->hart[h].ctroot);
    for (unsigned k = 0; k < p->nharts && !all; k++) {
      const id_stat_t *f = k == h ? NULL : idstat_find(&p->hart[k].ids, id);
      if (f) ((id_stat_t *)f)->inv_at = e;
    }
    p->bcast_done[h] = e + 1;
    return 0;
  }
  const bcast_port_t q = {1, (uint8_t)(all != 0), all ? 0 : id};
  plat_accel_invalidate(&p->accel[h], e, all, id, p->hart[h].ctroot);
  for (unsigned k = 0; k < p->nharts; k++) {
    if (k == h) continue;
    plat_accel_t *a = &p->accel[k];
    if (!a->xl) { /* not created yet: what arrived before its hart's local
                     time meets an empty CTLB, the rest may meet a walk */
      while (a->ninv > a->inv_head && a->inv[a->inv_head].at < p->hart[k].now)
        a->inv_head++;
      if (a->inv_head == a->ninv) a->inv_head = a->ninv = 0;
    }
    if (accel_post(a, bcast_arrival(L, e), &q, 1u << h)) return -1;
    /* the invalidate of the ID at hart k's CTLB, for the summary's switches
     * (only an ID k has used: its table is k's own) */
    const id_stat_t *f = all ? NULL : idstat_find(&p->hart[k].ids, id);
    if (f) ((id_stat_t *)f)->inv_at = bcast_arrival(L, e);
  }
  p->bcast_done[h] = bcast_done(L, e);
  return 0;
}

/* The first cycle hart k can present a lookup in: its local time if it
 * runs; parked in wfi, the cycle after its wake, which is at the latest the
 * wake it has now and at the earliest the cycle after another hart's key (a
 * store of that hart to k's msip or mtimecmp then). */
static uint64_t next_lookup(const platform_t *p, unsigned k) {
  const hart_t *g = &p->hart[k];
  if (!g->wfi_park) return g->now;
  uint64_t w = cpu_wfi_wake(g);
  for (unsigned j = 0; j < p->nharts; j++) {
    uint64_t kj = j == k ? UINT64_MAX : hart_key(&p->hart[j]);
    if (kj < w - 1) w = kj + 1;
  }
  if (w == UINT64_MAX) return UINT64_MAX; /* nothing can wake it */
  return (w > g->now ? w : g->now + 1) + 1;
}

void plat_sync_retire(platform_t *p, unsigned h) {
  p->sync_due &= ~(1u << h);
  for (unsigned k = 0; k < p->nharts; k++) {
    plat_accel_t *a = &p->accel[k];
    if (k == h || a->ninv == a->inv_head) continue;
    const uint64_t n = next_lookup(p, k), to = n ? n - 1 : 0;
    /* h's broadcasts arriving in n or later leave the queue, merged into
     * one cycle, and come back in cycle n - 1 (a lookup in the cycle of an
     * invalidate still sees the entry, accelerator.md section 6) */
    bcast_port_t m = {0, 0, 0};
    uint32_t from = 0;
    unsigned w = a->inv_head;
    for (unsigned i = a->inv_head; i < a->ninv; i++) {
      const plat_inv_t *q = &a->inv[i];
      if (q->at >= n && (q->from >> h & 1)) {
        bcast_port_add(&m, q->port.all, q->port.id);
        from |= q->from;
        idstat_move_inv(&p->hart[k].ids, q->at, to); /* for the switches */
      } else {
        a->inv[w++] = *q;
      }
    }
    a->ninv = w; /* fewer entries than before: accel_post needs no memory */
    if (m.valid) accel_post(a, to, &m, from);
  }
}

/* ------------------------------------------------------------ devices */

/* The device registers: a device and, for the CLINT's per-hart ones, the
 * hart (-1: none). */
enum { DEV_FINISHER, DEV_MSIP, DEV_MTIMECMP, DEV_MTIME, DEV_CONSOLE };

static int dev_of(const platform_t *p, uint32_t a, unsigned size, unsigned *off,
                  unsigned *hart) {
  static const struct {
    uint32_t base, size, stride; /* stride: per hart (0: one register) */
  } devs[] = {
      [DEV_FINISHER] = {FINISHER_BASE, 4, 0},
      [DEV_MSIP] = {CLINT_MSIP, 4, 4},
      [DEV_MTIMECMP] = {CLINT_MTIMECMP, 8, 8},
      [DEV_MTIME] = {CLINT_MTIME, 8, 0},
      [DEV_CONSOLE] = {CONSOLE_BASE, 8, 0},
  };
  for (int i = 0; i < (int)(sizeof devs / sizeof devs[0]); i++) {
    uint32_t o = a - devs[i].base, k = 0;
    if (devs[i].stride) {
      k = o / devs[i].stride;
      if (k >= p->nharts) continue;
      o -= k * devs[i].stride;
    }
    if (o < devs[i].size && o + size <= devs[i].size) {
      *off = o;
      *hart = k;
      return i;
    }
  }
  return -1;
}

static uint64_t byte_mask(unsigned size) {
  return size >= 8 ? ~0ull : (1ull << (8 * size)) - 1;
}

int plat_dev_load(platform_t *p, uint64_t c, uint32_t addr, unsigned size,
                  uint32_t *val) {
  unsigned o = 0, k = 0;
  int d = dev_of(p, addr, size, &o, &k);
  uint64_t reg = 0;
  if (d == DEV_FINISHER && p->cfg.no_finisher) return -1; /* --no-finisher */
  switch (d) {
    case DEV_FINISHER:
      reg = 0;
      break;
    case DEV_MSIP:
      reg = p->msip[k];
      break;
    case DEV_MTIMECMP:
      reg = p->mtimecmp[k];
      break;
    case DEV_MTIME:
      reg = plat_mtime(p, c);
      break;
    case DEV_CONSOLE:
      reg = (uint64_t)0x60 << (8 * CONSOLE_LSR);
      break;
    default:
      return -1;
  }
  *val = (uint32_t)((reg >> (8 * o)) & byte_mask(size));
  return 0;
}

int plat_dev_store(platform_t *p, uint64_t c, uint32_t addr, unsigned size,
                   uint32_t val) {
  unsigned o = 0, k = 0;
  int d = dev_of(p, addr, size, &o, &k);
  if (d == DEV_FINISHER && p->cfg.no_finisher) return -1; /* --no-finisher */
  uint64_t m = byte_mask(size) << (8 * o);
  uint64_t v = ((uint64_t)val << (8 * o)) & m;
  switch (d) {
    case DEV_FINISHER:
      /* QEMU virt's sifive_test: 0x5555 pass, 0x3333 | code << 16 fail */
      if (size == 4) {
        if ((val & 0xffff) == 0x5555) {
          p->stop = STOP_FINISHER;
          p->exit_code = 0;
        } else if ((val & 0xffff) == 0x3333) {
          p->stop = STOP_FINISHER;
          p->exit_code = val >> 16;
        }
      }
      return 0;
    case DEV_MSIP:
      /* bit 0 only; a store whose bytes leave bit 0 out leaves it */
      if (o == 0) p->msip[k] = val & 1, p->msip_at[k] = c + 1;
      cpu_update_event(&p->hart[k]);
      return 0;
    case DEV_MTIMECMP:
      p->mtimecmp[k] = (p->mtimecmp[k] & ~m) | v;
      cpu_update_event(&p->hart[k]);
      return 0;
    case DEV_MTIME: {
      uint64_t t = (plat_mtime(p, c) & ~m) | v;
      p->mtime_off = t - c / p->cfg.mtime_div;
      for (unsigned i = 0; i < p->nharts; i++) cpu_update_event(&p->hart[i]);
      return 0;
    }
    case DEV_CONSOLE:
      if (o == 0) putchar((int)(val & 0xff));
      return 0;
    default:
      return -1;
  }
}
