/*
 * obs.c: the per-instruction observer (obs.h): records, their stall gaps,
 * and the CPU scope of a waveform.
 */
#include "obs.h"

#include <ctype.h>
#include <string.h>

#include "pipeview.h"
#include "platform.h"

/* Adds n cycles of cause s to the gap of r: the walk's cycles (ctlb) come
 * first in a gap, then the rest (docs/timing.md, "Stall statistics"). */
static void add_gap(obs_insn_t *r, unsigned s, uint64_t n) {
  for (unsigned k = 0; k < 2; k++)
    if (r->gap_len[k] && r->gap_cause[k] == s) {
      r->gap_len[k] += n;
      return;
    }
  if (!r->gap_len[0]) {
    r->gap_cause[0] = (uint8_t)s, r->gap_len[0] = n;
  } else if (s == STALL_CTLB && !r->gap_len[1]) {
    r->gap_cause[1] = r->gap_cause[0], r->gap_len[1] = r->gap_len[0];
    r->gap_cause[0] = (uint8_t)s, r->gap_len[0] = n;
  } else {
    if (!r->gap_len[1]) r->gap_cause[1] = (uint8_t)s;
    r->gap_len[1] += n;
  }
}

/* The stall cycles counted since the last record go to r's gap. */
static void take_gap(hart_t *h, obs_insn_t *r) {
  cpu_obs_t *o = h->obs;
  for (unsigned s = 0; s < STALL_COUNT; s++) {
    uint64_t n = h->st.stall[s] - o->seen[s];
    o->seen[s] = h->st.stall[s];
    if (n) add_gap(r, s, n);
  }
}

static void record(hart_t *h, obs_insn_t *r) {
  cpu_obs_t *o = h->obs;
  if (o->cur_valid && o->cur.seq == r->seq && o->cur.e == r->e) {
    const obs_insn_t *c = &o->cur;
    memcpy(r->gap_cause, c->gap_cause, sizeof r->gap_cause);
    memcpy(r->gap_len, c->gap_len, sizeof r->gap_len);
    r->lookup = c->lookup, r->id = c->id;
    r->answer = c->answer, r->addr = c->addr, r->fault = c->fault;
  }
  o->cur_valid = 0;
  take_gap(h, r);
  r->pe = o->pe;
  o->pe = r->e;
  o->head = (o->head + 1) % OBS_RING;
  o->ring[o->head] = *r;
  if (o->nring < OBS_RING) o->nring++;
  if (o->pv) pipeview_insn(o->pv, r, o->sym);
  /* the cycles before r's EX entry are complete: dump them */
  if (o->wave) cpu_wave_step_to(h, r->e);
}

void obs_retire(hart_t *h, uint64_t seq, uint32_t pc, uint32_t insn,
                unsigned op, uint64_t f, uint64_t d, uint64_t e, uint64_t x,
                uint64_t m, uint64_t w) {
  obs_insn_t r;
  memset(&r, 0, sizeof r);
  r.seq = seq, r.pc = pc, r.insn = insn, r.op = (uint8_t)op;
  r.kind = OBS_RETIRED;
  r.f = f, r.d = d, r.e = e, r.xe = e + x, r.m = m, r.w = w;
  record(h, &r);
}

void obs_trap(hart_t *h, uint64_t seq, uint32_t pc, uint32_t insn, unsigned op,
              uint64_t f, uint64_t d, uint64_t e, uint64_t tx, uint32_t cause,
              int interrupt) {
  obs_insn_t r;
  memset(&r, 0, sizeof r);
  r.seq = seq, r.pc = pc, r.insn = insn, r.op = (uint8_t)op;
  r.kind = interrupt ? OBS_INTERRUPT : OBS_TRAPPED;
  r.f = f, r.d = d, r.e = e, r.xe = r.m = e + tx;
  r.cause = cause;
  record(h, &r);
}

void obs_ex(hart_t *h, uint64_t e, int lookup, uint32_t id) {
  cpu_obs_t *o = h->obs;
  obs_insn_t *c = &o->cur;
  memset(c, 0, sizeof *c);
  c->seq = h->retired;
  c->pc = h->obs_pc;
  uint32_t off = c->pc - RAM_BASE;
  if (off <= h->plat->mem.ram_size - 4) {
    memcpy(&c->insn, h->plat->mem.ram + off, 4);
    dinsn_t di;
    rv_decode(c->insn, &di);
    c->op = di.op;
  }
  c->kind = OBS_RETIRED;
  c->e = e, c->pe = o->pe;
  c->lookup = (uint8_t)lookup, c->id = id;
  c->answer = UINT64_MAX;
  take_gap(h, c);
  o->cur_valid = 1;
}

void obs_answer(hart_t *h, uint64_t a, uint32_t addr, unsigned fault) {
  cpu_obs_t *o = h->obs;
  if (!o->cur_valid) return;
  o->cur.answer = a, o->cur.addr = addr, o->cur.fault = (uint8_t)fault;
}

/* ------------------------------------------------------------ hart scope */

/* "callid", "ctlb.inv", "fence.i": the mnemonic of an op */
/* every mnemonic fits the wave's ex_op_i (the X-macro's names are as long) */
#define X(name, match, mask, fmt)                                  \
  _Static_assert(sizeof #name - 1 <= XLAT_WAVE_OP_CHARS,           \
                 #name ": longer than XLAT_WAVE_OP_CHARS (ex_op_i)");
RV_INSNS(X)
#undef X

static const char *mnemonic(unsigned op) {
  static char names[OP_COUNT][XLAT_WAVE_OP_CHARS + 1];
  if (op >= OP_COUNT) return "?";
  if (!names[op][0]) {
    const char *n = rv_op_name(op);
    size_t i = 0;
    for (; n[i] && i + 1 < sizeof names[op]; i++)
      names[op][i] = n[i] == '_' ? '.' : (char)tolower((unsigned char)n[i]);
    names[op][i] = 0;
  }
  return names[op];
}

void obs_wave_fill(void *ctx, uint64_t c, const xlat_out_t *out,
                   xlat_wave_hart_t *hw) {
  hart_t *h = ctx;
  cpu_obs_t *o = h->obs;
  const obs_insn_t *ex = NULL, *wb = NULL, *gap = NULL;
  int entered = 0, in_cur = 0;
  for (unsigned k = 0; k < o->nring; k++) { /* newest first */
    const obs_insn_t *r = &o->ring[(o->head + OBS_RING - k) % OBS_RING];
    if (!ex && r->e <= c && c < r->m) ex = r;
    if (!wb && r->kind == OBS_RETIRED && r->w == c) wb = r;
    if (r->e == c) entered = 1;
    if (!gap && r->pe < c && c < r->e) gap = r;
  }
  if (o->cur_valid) { /* in EX from its E until its record is made */
    const obs_insn_t *r = &o->cur;
    if (!ex && c >= r->e) ex = r, in_cur = 1;
    if (r->e == c) entered = 1;
    if (!gap && r->pe < c && c < r->e) gap = r;
  }
  hw->cycle = c;
  const char *stall = NULL;
  if (!entered && gap && gap->gap_len[0]) {
    uint64_t off = c - gap->pe - 1;
    stall = rv_stall_name(off < gap->gap_len[0] || !gap->gap_len[1]
                              ? gap->gap_cause[0]
                              : gap->gap_cause[1]);
  } else if (!entered && in_cur && ex->lookup) {
    stall = rv_stall_name(STALL_CTLB); /* the walk, before the answer */
  }
  hw->stall = stall;
  if (ex) {
    hw->ex_valid = 1;
    hw->ex_pc = ex->pc, hw->ex_insn = ex->insn;
    hw->ex_op = ex->kind == OBS_INTERRUPT ? "irq" : mnemonic(ex->op);
    hw->ex_fn =
        elf_code_fn_text(o->sym, ex->pc, o->fn_buf[0], sizeof o->fn_buf[0]);
    hw->ex_trap = ex->kind != OBS_RETIRED;
    if (ex->lookup) {
      hw->lookup = 1;
      hw->lookup_id = ex->id;
      hw->id_fn = elf_code_id_fn(o->sym, ex->id);
      uint32_t a = 0;
      int answered = 0;
      if (in_cur && out->rsp_valid) { /* the answer, this cycle */
        answered = !out->rsp_fault, a = out->rsp_addr;
        if (out->rsp_fault && ex->op == OP_CALLID) hw->ex_trap = 1;
      } else if (!in_cur && c >= ex->answer) {
        answered = !ex->fault, a = ex->addr;
      }
      if (answered)
        hw->target_fn =
            elf_code_fn_text(o->sym, a, o->fn_buf[1], sizeof o->fn_buf[1]);
    }
  }
  if (wb) {
    hw->wb_valid = 1;
    hw->wb_pc = wb->pc, hw->wb_insn = wb->insn;
  }
}
