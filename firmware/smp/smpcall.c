/*
 * smpcall: calls by ID on several harts (ctsim --harts N --wave, docs/waves.md
 * "Several harts"). Hart 0 builds the call-ID table (ct_init) and lets the
 * others go; every hart points its own ctroot at the table and calls its own
 * function by ID ROUNDS times: hart h (h < 4) calls ID 0x100 + h, which adds
 * h + 1, so its CTLB walks once and hits after, and serves no other hart's
 * ID. Prints each hart's sum, ROUNDS * (h + 1); exits 0.
 */
#include "smp.h"

#include <stdio.h>

#include "callid.h"
#include "csr.h"

#define ROUNDS 4
#define CALLERS 4 /* harts that call (the others only check in) */

static int add1(int x) { return x + 1; }
static int add2(int x) { return x + 2; }
static int add3(int x) { return x + 3; }
static int add4(int x) { return x + 4; }
CT_REGISTER(0x100, add1);
CT_REGISTER(0x101, add2);
CT_REGISTER(0x102, add3);
CT_REGISTER(0x103, add4);
CT_DEFINE_CALL_BYID(call_any, int, int);

static volatile uint32_t ready, done;
static volatile int sum[CALLERS];

static void calls(unsigned h) {
  if (h < CALLERS) {
    write_csr(CSR_CTROOT, ct_root() | 1u); /* this hart's root register */
    ct_flush();
    int s = 0;
    for (int i = 0; i < ROUNDS; i++) s = call_any(0x100 + h, s);
    sum[h] = s;
  }
  atomic_add(&done, 1);
}

void hart_main(unsigned h) {
  while (!ready) {
  }
  calls(h);
}

int main(void) {
  unsigned n = smp_count_harts();
  ct_init();
  ready = 1;
  calls(0);
  while (done != n) {
  }
  for (unsigned h = 0; h < n && h < CALLERS; h++) printf("hart %u: %d\n", h, sum[h]);
  return 0;
}
