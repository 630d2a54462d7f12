/*
 * pipeview.c: the Kanata log of --pipeview (pipeview.h).
 *
 * A Kanata log goes forward in time only: a command belongs to the cycle of
 * the last C= / C before it. Records arrive in EX order, and each one's
 * events lie at or after its IF cycle, which never decreases from one record
 * to the next; so when a record arrives, every pending event before its IF
 * cycle is final. The events of the few instructions in flight wait in a
 * small ring and are written merged in cycle order.
 */
#include "pipeview.h"

#include <ctype.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#define PV_EVENTS 24
#define PV_PEND 32
#define PV_TEXT 320

typedef struct {
  uint64_t cycle;
  char text[PV_TEXT];
} pv_ev_t;

typedef struct {
  pv_ev_t ev[PV_EVENTS];
  unsigned n, next;
} pv_rec_t;

struct pipeview {
  FILE *f;
  uint64_t from, to, imem_lat;
  uint64_t now;    /* the cycle of the commands written last */
  uint64_t serial; /* the next instruction's ID in the file */
  pv_rec_t pend[PV_PEND];
  unsigned first, npend;
};

pipeview_t *pipeview_open(FILE *f, uint64_t from, uint64_t to,
                          uint64_t imem_lat) {
  pipeview_t *pv = calloc(1, sizeof *pv);
  if (!pv) return NULL;
  pv->f = f, pv->from = from, pv->to = to, pv->imem_lat = imem_lat;
  pv->now = from;
  fprintf(f, "Kanata\t0004\nC=\t%" PRIu64 "\n", from);
  return pv;
}

static void emit(pipeview_t *pv, const pv_ev_t *e) {
  uint64_t c = e->cycle < pv->now ? pv->now : e->cycle;
  if (c > pv->now) fprintf(pv->f, "C\t%" PRIu64 "\n", c - pv->now);
  pv->now = c;
  fputs(e->text, pv->f);
  fputc('\n', pv->f);
}

/* Writes the pending events before cycle `until`, earliest first (the
 * older instruction first within a cycle). */
static void flush_until(pipeview_t *pv, uint64_t until) {
  for (;;) {
    pv_rec_t *best = NULL;
    for (unsigned k = 0; k < pv->npend; k++) {
      pv_rec_t *r = &pv->pend[(pv->first + k) % PV_PEND];
      if (r->next < r->n &&
          (!best || r->ev[r->next].cycle < best->ev[best->next].cycle))
        best = r;
    }
    if (!best || best->ev[best->next].cycle >= until) break;
    emit(pv, &best->ev[best->next++]);
    while (pv->npend && pv->pend[pv->first].next == pv->pend[pv->first].n) {
      pv->first = (pv->first + 1) % PV_PEND;
      pv->npend--;
    }
  }
}

static void add(pv_rec_t *r, uint64_t cycle, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
static void add(pv_rec_t *r, uint64_t cycle, const char *fmt, ...) {
  if (r->n == PV_EVENTS) return;
  pv_ev_t *e = &r->ev[r->n++];
  e->cycle = cycle;
  va_list ap;
  va_start(ap, fmt);
  vsnprintf(e->text, sizeof e->text, fmt, ap);
  va_end(ap);
}

/* a lane-1 mark of the cycles [a, b) */
static void mark(pv_rec_t *r, uint64_t id, uint64_t a, uint64_t b,
                 const char *name) {
  if (b <= a) return;
  add(r, a, "S\t%" PRIu64 "\t1\t%s", id, name);
  add(r, b, "E\t%" PRIu64 "\t1\t%s", id, name);
}

static const char *mnemonic(unsigned op, char *buf, size_t len) {
  const char *n = rv_op_name(op);
  size_t i = 0;
  for (; n[i] && i + 1 < len; i++)
    buf[i] = n[i] == '_' ? '.' : (char)tolower((unsigned char)n[i]);
  buf[i] = 0;
  return buf;
}

/* appends to the details text */
static void cat(char *buf, size_t len, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
static void cat(char *buf, size_t len, const char *fmt, ...) {
  size_t n = strlen(buf);
  if (n + 1 >= len) return;
  va_list ap;
  va_start(ap, fmt);
  vsnprintf(buf + n, len - n, fmt, ap);
  va_end(ap);
}

void pipeview_insn(pipeview_t *pv, const obs_insn_t *r, const elf_names_t *sym) {
  const int irq = r->kind == OBS_INTERRUPT;
  const uint64_t start = irq ? r->e : r->f;
  if (start < pv->from || (pv->to && start >= pv->to)) return;
  flush_until(pv, r->f);
  if (pv->npend == PV_PEND) flush_until(pv, UINT64_MAX); /* (never: <= 6) */
  pv_rec_t *q = &pv->pend[(pv->first + pv->npend++) % PV_PEND];
  q->n = q->next = 0;
  const uint64_t id = pv->serial++;
  char fn[96], op[16], det[PV_TEXT - 32];
  elf_code_fn_text(sym, r->pc, fn, sizeof fn);
  /* the left pane: pc, mnemonic, function */
  add(q, start, "I\t%" PRIu64 "\t%" PRIu64 "\t0", id, r->seq);
  if (irq)
    add(q, start, "L\t%" PRIu64 "\t0\t%08" PRIx32 " (interrupt)%s%s%s", id,
        r->pc, fn[0] ? " <" : "", fn, fn[0] ? ">" : "");
  else
    add(q, start, "L\t%" PRIu64 "\t0\t%08" PRIx32 " %-8s%s%s%s", id, r->pc,
        r->op ? mnemonic(r->op, op, sizeof op) : "(no instruction)",
        fn[0] ? " <" : "", fn, fn[0] ? ">" : "");
  /* the details */
  det[0] = 0;
  if (irq)
    cat(det, sizeof det,
        "interrupt (cause 0x%08" PRIx32
        ") before the "
        "instruction at 0x%08" PRIx32 "; EX %" PRIu64,
        r->cause, r->pc, r->e);
  else if (r->kind == OBS_TRAPPED)
    cat(det, sizeof det,
        "insn 0x%08" PRIx32 "; IF %" PRIu64 " ID %" PRIu64 " EX %" PRIu64
        "-%" PRIu64 "; trap (mcause 0x%08" PRIx32 ")",
        r->insn, r->f, r->d, r->e, r->xe - 1, r->cause);
  else
    cat(det, sizeof det,
        "insn 0x%08" PRIx32 "; IF %" PRIu64 " ID %" PRIu64 " EX %" PRIu64
        " MEM %" PRIu64 " WB %" PRIu64,
        r->insn, r->f, r->d, r->e, r->m, r->w);
  if (r->gap_len[0]) {
    const uint64_t n = r->gap_len[0] + r->gap_len[1];
    cat(det, sizeof det,
        "; no instruction entered EX in the %" PRIu64
        " cycle%s before: %s %" PRIu64,
        n, n == 1 ? "" : "s", rv_stall_name(r->gap_cause[0]), r->gap_len[0]);
    if (r->gap_len[1])
      cat(det, sizeof det, ", %s %" PRIu64, rv_stall_name(r->gap_cause[1]),
          r->gap_len[1]);
  }
  if (r->lookup) {
    const char *idfn = elf_code_id_fn(sym, r->id);
    cat(det, sizeof det, "; ID 0x%" PRIx32 "%s%s%s: %s", r->id,
        idfn ? " (" : "", idfn ? idfn : "", idfn ? ")" : "",
        r->answer == r->e ? "CTLB hit" : "CTLB miss");
    if (r->answer != r->e)
      cat(det, sizeof det,
          ", answered in cycle %" PRIu64 " (%" PRIu64 " cycles in EX)",
          r->answer, r->answer - r->e + 1);
    if (r->fault) {
      cat(det, sizeof det, ", fault %s", xlat_fault_name(r->fault));
    } else {
      char t[96];
      elf_code_fn_text(sym, r->addr, t, sizeof t);
      cat(det, sizeof det, ", -> 0x%08" PRIx32 "%s%s", r->addr, t[0] ? " " : "",
          t);
    }
  }
  add(q, start, "L\t%" PRIu64 "\t1\t%s", id, det);
  /* the stages */
  if (irq) {
    add(q, r->e, "S\t%" PRIu64 "\t0\tX", id);
    add(q, r->e + 1, "R\t%" PRIu64 "\t%" PRIu64 "\t1", id, r->seq);
  } else {
    add(q, r->f, "S\t%" PRIu64 "\t0\tF", id);
    mark(q, id, r->f + pv->imem_lat, r->d, "stall");
    add(q, r->d, "S\t%" PRIu64 "\t0\tD", id);
    if (r->e > r->d + 1) /* waited in ID: the end of the gap before it */
      mark(q, id, r->d + 1, r->e,
           rv_stall_name(r->gap_len[1] ? r->gap_cause[1] : r->gap_cause[0]));
    add(q, r->e, "S\t%" PRIu64 "\t0\tX", id);
    if (r->lookup) mark(q, id, r->e + 1, r->xe, rv_stall_name(STALL_CTLB));
    if (r->kind == OBS_TRAPPED) {
      add(q, r->xe, "R\t%" PRIu64 "\t%" PRIu64 "\t1", id, r->seq);
    } else {
      mark(q, id, r->xe, r->m, rv_stall_name(STALL_DMEM));
      add(q, r->m, "S\t%" PRIu64 "\t0\tM", id);
      add(q, r->w, "S\t%" PRIu64 "\t0\tW", id);
      add(q, r->w + 1, "R\t%" PRIu64 "\t%" PRIu64 "\t0", id, r->seq);
    }
  }
  /* in cycle order, stable (the order above within a cycle) */
  for (unsigned i = 1; i < q->n; i++) {
    pv_ev_t t = q->ev[i];
    unsigned j = i;
    for (; j > 0 && q->ev[j - 1].cycle > t.cycle; j--) q->ev[j] = q->ev[j - 1];
    q->ev[j] = t;
  }
}

void pipeview_close(pipeview_t *pv) {
  if (!pv) return;
  flush_until(pv, UINT64_MAX);
  free(pv);
}
