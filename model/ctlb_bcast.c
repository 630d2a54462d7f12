/*
 * ctlb_bcast.c: the cycle-stepped C model of rtl/ctlb_bcast.v (ctlb_bcast.h).
 */
#include "ctlb_bcast.h"

#include <stdio.h>
#include <stdlib.h>

int bcast_init(bcast_t *b, unsigned harts, unsigned latency, char *err,
               size_t errlen) {
  b->at = NULL, b->all = NULL, b->id = NULL;
  if (harts < 1 || harts > BCAST_MAX_HARTS) {
    snprintf(err, errlen, "harts %u: 1 to %d", harts, BCAST_MAX_HARTS);
    return -1;
  }
  if (latency < 1 || latency > BCAST_MAX_LATENCY) {
    snprintf(err, errlen, "latency %u: 1 to %d", latency, BCAST_MAX_LATENCY);
    return -1;
  }
  size_t n = (size_t)harts * 2 * latency;
  b->harts = harts, b->latency = latency, b->t = 0;
  b->at = calloc(n, sizeof *b->at);
  b->all = calloc(n, sizeof *b->all);
  b->id = calloc(n, sizeof *b->id);
  if (!b->at || !b->all || !b->id) {
    bcast_free(b);
    snprintf(err, errlen, "out of memory");
    return -1;
  }
  return 0;
}

void bcast_free(bcast_t *b) {
  free(b->at), free(b->all), free(b->id);
  b->at = NULL, b->all = NULL, b->id = NULL;
}

void bcast_step(bcast_t *b, const bcast_in_t *in, bcast_out_t *out) {
  const unsigned n = b->harts, L = b->latency, R = 2 * L;
  const uint64_t t = b->t;
  for (unsigned k = 0; k < n; k++) {
    bcast_port_t p = {0, 0, 0};
    if (in[k].loc_valid) bcast_port_add(&p, in[k].loc_all, in[k].loc_id);
    if (in[k].req_valid) bcast_port_add(&p, in[k].req_all, in[k].req_id);
    if (t >= L) { /* the others' broadcasts of cycle t - L */
      uint64_t e = t - L;
      for (unsigned j = 0; j < n; j++) {
        size_t s = (size_t)j * R + e % R;
        if (j != k && b->at[s] == e + 1)
          bcast_port_add(&p, b->all[s], b->id[s]);
      }
    }
    out[k].inv = p;
    /* done: nothing issued in t - 2L + 1 .. t - 1 */
    uint8_t done = 1;
    for (unsigned d = 1; d < R && d <= t; d++)
      if (b->at[(size_t)k * R + (t - d) % R] == t - d + 1) done = 0;
    out[k].done = done;
  }
  for (unsigned k = 0; k < n; k++) {
    size_t s = (size_t)k * R + t % R;
    b->at[s] = in[k].req_valid ? t + 1 : 0;
    b->all[s] = in[k].req_all;
    b->id[s] = in[k].req_all ? 0 : in[k].req_id;
  }
  b->t = t + 1;
}
