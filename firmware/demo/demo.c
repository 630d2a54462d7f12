/*
 * demo: a long-running service patched while it runs (docs/hotpatch.md).
 *
 * A service loop handles one request per timer tick. Each request goes
 * through three handlers called by function ID (callid):
 *     ID_PARSE     0x00010001  parse_v1      "GET /item/N" -> N
 *     ID_CHECKSUM  0x00010002  checksum_v1   BUGGY: skips the last byte
 *     ID_RESPOND   0x00010003  respond_v1    BUGGY: 404 for items >= 10
 * The replacements checksum_v2 and respond_v2 are in the image too.
 *
 *  (a) At tick DEMO_PATCH_TICK the timer interrupt handler hot-patches
 *      ID_CHECKSUM to checksum_v2 with ct_patch() (store the leaf, ctlb.inv).
 *  (b) ID_RESPOND is patched from outside, by the simulator:
 *          ctsim --patch-at CYCLE:0x10003:respond_v2 demo.elf
 *      (`make demo` passes a cycle between two requests, see program.mk).
 *
 * Request k starts at the tick at cycle (k + 1) * DEMO_PERIOD (mtime counts
 * cycles with ctsim's default --mtime-div 1). Every request prints one line;
 * the end prints the CTLB counters (CSRs) and a verdict. Exit status 0 when
 * both patches happened and every request after a patch was answered right.
 */
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "callid.h"
#include "fw.h"

#ifndef DEMO_REQUESTS
#define DEMO_REQUESTS 30
#endif
#ifndef DEMO_PERIOD
#define DEMO_PERIOD 20000
#endif
#ifndef DEMO_PATCH_TICK
#define DEMO_PATCH_TICK 10
#endif

#define ID_PARSE 0x00010001u
#define ID_CHECKSUM 0x00010002u
#define ID_RESPOND 0x00010003u

/* ---------------------------------------------------------------- handlers */

static volatile int checksum_version; /* set by the checksum handlers */

unsigned parse_v1(const char *msg, unsigned len) {
  unsigned i = len, n = 0;
  while (i > 0 && msg[i - 1] != '/') i--;
  for (; i < len && msg[i] >= '0' && msg[i] <= '9'; i++) n = n * 10 + (unsigned)(msg[i] - '0');
  return n;
}

/* Fletcher-16 style: two running sums mod 255. */
static uint32_t fletcher(const char *buf, unsigned len) {
  uint32_t a = 1, b = 0;
  for (unsigned i = 0; i < len; i++) {
    a = (a + (uint8_t)buf[i]) % 255u;
    b = (b + a) % 255u;
  }
  return (b << 8) | a;
}

uint32_t checksum_v1(const char *buf, unsigned len) {
  checksum_version = 1;
  return fletcher(buf, len - 1); /* BUG: the last byte is left out */
}

uint32_t checksum_v2(const char *buf, unsigned len) {
  checksum_version = 2;
  return fletcher(buf, len);
}

static int item_exists_v1(unsigned item) { return item < 10; } /* BUG: the catalogue has 100 */
static int item_exists_v2(unsigned item) { return item < 100; }

int respond_v1(unsigned req, unsigned item, uint32_t sum) {
  (void)req, (void)sum;
  if (item_exists_v1(item))
    printf("respond_v1: 200 OK item %u", item);
  else
    printf("respond_v1: 404 Not Found item %u", item);
  return 1;
}

int respond_v2(unsigned req, unsigned item, uint32_t sum) {
  (void)req, (void)sum;
  if (item_exists_v2(item))
    printf("respond_v2: 200 OK item %u", item);
  else
    printf("respond_v2: 404 Not Found item %u", item);
  return 2;
}

CT_REGISTER(ID_PARSE, parse_v1);
CT_REGISTER(ID_CHECKSUM, checksum_v1);
CT_REGISTER(ID_RESPOND, respond_v1);

CT_DEFINE_CALL(parse, ID_PARSE, unsigned, const char *, unsigned);
CT_DEFINE_CALL(checksum, ID_CHECKSUM, uint32_t, const char *, unsigned);
CT_DEFINE_CALL(respond, ID_RESPOND, int, unsigned, unsigned, uint32_t);

/* ---------------------------------------------------------------- the tick */

static volatile uint32_t ticks;
static volatile uint32_t patch_cycle, patch_old;

static void on_tick(struct trap_frame *f) {
  (void)f;
  ticks++;
  if (ticks == DEMO_PATCH_TICK) {
    patch_cycle = read_csr(mcycle);
    patch_old = ct_patch(ID_CHECKSUM, (ct_fn_t)checksum_v2); /* (a) the hot patch */
  }
  timer_set_cmp((uint64_t)(ticks + 1) * DEMO_PERIOD);
}

/* ---------------------------------------------------------------- service */

int main(void) {
  ct_init();
  printf("demo: service with %u requests, one per %u cycles; handlers by ID:\n",
         (unsigned)DEMO_REQUESTS, (unsigned)DEMO_PERIOD);
  printf("  0x%08lx parse_v1 @%p   0x%08lx checksum_v1 @%p   0x%08lx respond_v1 @%p\n",
         (unsigned long)ID_PARSE, (void *)parse_v1, (unsigned long)ID_CHECKSUM, (void *)checksum_v1,
         (unsigned long)ID_RESPOND, (void *)respond_v1);
  printf(
      "  replacements: checksum_v2 @%p (timer patch at tick %u), respond_v2 @%p "
      "(for ctsim --patch-at)\n",
      (void *)checksum_v2, (unsigned)DEMO_PATCH_TICK, (void *)respond_v2);

  trap_set_irq_handler(IRQ_M_TIMER, on_tick);
  timer_set_cmp(DEMO_PERIOD);
  timer_irq_enable();

  unsigned wrong_before = 0, wrong_after = 0, bad404_before = 0, bad404_after = 0;
  int respond_seen = 1, checksum_seen = 1;
  for (unsigned k = 0; k < DEMO_REQUESTS; k++) {
    while (ticks <= k) __asm__ volatile("wfi");
    if (patch_cycle && checksum_seen == 1 && ticks >= DEMO_PATCH_TICK)
      printf("*** timer interrupt at cycle %lu: ct_patch(0x%08lx, checksum_v2) (was @0x%08lx)\n",
             (unsigned long)patch_cycle, (unsigned long)ID_CHECKSUM, (unsigned long)patch_old);

    char msg[32];
    unsigned item = (k * 37u + 3u) % 100u;
    int len = snprintf(msg, sizeof msg, "GET /item/%u", item);
    unsigned got_item = parse(msg, (unsigned)len);
    uint32_t sum = checksum(msg, (unsigned)len);
    uint32_t want = fletcher(msg, (unsigned)len);
    int cv = checksum_version;
    if (cv != checksum_seen) checksum_seen = cv;
    printf("req %2u %-15s parse=%-2u checksum_v%d=0x%04lx %s| ", k, msg, got_item, cv,
           (unsigned long)sum, sum == want ? "ok    " : "WRONG ");
    int rv = respond(k, got_item, sum);
    putchar('\n');
    if (rv != respond_seen) {
      printf("*** respond is now answered by respond_v%d (patched from outside)\n", rv);
      respond_seen = rv;
    }
    int bad404 = got_item >= 10 && got_item < 100 && rv == 1;
    if (cv == 1)
      wrong_before += sum != want;
    else
      wrong_after += sum != want;
    if (rv == 1)
      bad404_before += bad404;
    else
      bad404_after += bad404;
  }
  timer_irq_disable();
  timer_disarm();

  ct_counters_t c;
  ct_counters(&c);
  printf(
      "demo: checksum wrong %u times with v1, %u with v2; bogus 404 %u times with v1, "
      "%u with v2\n",
      wrong_before, wrong_after, bad404_before, bad404_after);
  printf(
      "demo: ctlb lookups %lu hits %lu misses %lu invalidations %lu faults %lu walk cycles "
      "%lu\n",
      (unsigned long)c.lookups, (unsigned long)c.hits, (unsigned long)c.misses,
      (unsigned long)c.invalidations, (unsigned long)c.faults, (unsigned long)c.walk_cycles);
  /* ct_init maps all three IDs but the CTLB starts empty: 3 first-call misses;
   * each patch invalidates its ID, so its next call misses once. */
  printf(
      "demo: misses %lu = 3 first calls + %lu after the 2 patches (one each), "
      "%lu walk cycles per miss\n",
      (unsigned long)c.misses, (unsigned long)(c.misses - 3),
      (unsigned long)(c.misses ? c.walk_cycles / c.misses : 0));
  int ok = checksum_seen == 2 && respond_seen == 2 && wrong_after == 0 && bad404_after == 0;
  printf("demo: %s\n", ok ? "both patches applied, every later request answered right"
                          : "FAILED: a patch did not take effect");
  return ok ? 0 : 1;
}
