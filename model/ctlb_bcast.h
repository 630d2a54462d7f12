/*
 * ctlb_bcast.h: the C model of rtl/ctlb_bcast.v, the broadcast-invalidate
 * interconnect between the harts' CTLBs (ctlb.bcast and ctlb.sync of
 * docs/isa.md; the design in docs/platform.md "Shootdowns").
 *
 * Point to point, fixed latency L (1..BCAST_MAX_LATENCY): a broadcast of
 * hart h in cycle E drives h's own CTLB invalidate port in E and every other
 * CTLB's port in E + L, and is complete (done) in E + 2L. Two or more
 * requests at one CTLB port in one cycle make the port flush.
 *
 * Two faces: a cycle-stepped model (bcast_step), cycle-identical with the
 * verilated module (model/bcast_diff.cpp checks it on random traffic), and
 * the timing functions and port-merge rule the simulator's platform applies
 * to its lazily clocked accelerators (sim/platform.c). Both use the same
 * bcast_port_add and the same two latencies.
 */
#ifndef CTLB_BCAST_H
#define CTLB_BCAST_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

#define BCAST_MAX_HARTS 16
#define BCAST_MAX_LATENCY 64 /* the RTL's parameter range */

/* One cycle on a CTLB invalidate port (docs/accelerator.md section 6). */
typedef struct {
  uint8_t valid, all;
  uint32_t id; /* 0 when all */
} bcast_port_t;

/* Adds a request to a port's cycle: the first one is carried as it is, two
 * or more make a flush (that invalidates each of them). */
static inline void bcast_port_add(bcast_port_t *p, int all, uint32_t id) {
  if (p->valid || all) {
    p->all = 1;
    p->id = 0;
  } else {
    p->id = id;
  }
  p->valid = 1;
}

/* The cycle a broadcast issued in cycle e reaches the other harts' CTLBs,
 * and the cycle it is complete. */
static inline uint64_t bcast_arrival(unsigned latency, uint64_t e) {
  return e + latency;
}
static inline uint64_t bcast_done(unsigned latency, uint64_t e) {
  return e + 2 * (uint64_t)latency;
}

/* ------------------------------------------------------------ stepped */

/* A hart's inputs in one cycle: its ctlb.bcast (req) and its ctlb.inv (loc). */
typedef struct {
  uint8_t req_valid, req_all;
  uint32_t req_id;
  uint8_t loc_valid, loc_all;
  uint32_t loc_id;
} bcast_in_t;

/* A hart's outputs in one cycle: its CTLB's port and its done. */
typedef struct {
  bcast_port_t inv;
  uint8_t done;
} bcast_out_t;

typedef struct {
  unsigned harts, latency;
  uint64_t t; /* the current cycle */
  /* per hart a ring of 2L slots: the request issued in cycle c in slot
   * c % 2L, with its cycle + 1 (0: empty) */
  uint64_t *at;
  uint8_t *all;
  uint32_t *id;
} bcast_t;

/* Returns -1 with a message in err when harts or latency are out of range
 * or memory runs out. */
int bcast_init(bcast_t *b, unsigned harts, unsigned latency, char *err,
               size_t errlen);
void bcast_free(bcast_t *b);

/* The outputs of the current cycle for the inputs in[0..harts-1] (the RTL's
 * combinational ports), then the clock edge: the next cycle. */
void bcast_step(bcast_t *b, const bcast_in_t *in, bcast_out_t *out);

#ifdef __cplusplus
}
#endif
#endif /* CTLB_BCAST_H */
