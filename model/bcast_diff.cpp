// bcast_diff.cpp: the verilated rtl/ctlb_bcast.v against its C model
// (model/ctlb_bcast.h), cycle by cycle, every output of every hart.
// Built for one configuration (-DHARTS=n -DLATENCY=l; model/bcast_build.sh).
//
//   bcast-diff random SEED CYCLES   random traffic (same-cycle collisions of
//                                   broadcasts and of ctlb.inv included)
//   bcast-diff script < FILE        lines "CYCLE HART bcast|inv ID|all"; prints
//                                   every CTLB port that is driven and every
//                                   hart that is not done, cycle by cycle
//
// Exit 0 and a last line "bcast-diff: ... 0 mismatches" when the two agree
// in every cycle; 1 with the first mismatch named otherwise; 2 on bad input.
#include <verilated.h>

#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <memory>
#include <vector>

#include "Vctlb_bcast.h"
extern "C" {
#include "ctlb_bcast.h"
}

#ifndef HARTS
#error "build with -DHARTS=n -DLATENCY=l"
#endif

// the 32-bit ID of hart h in a 32 * HARTS-bit port: IData for one hart,
// QData for two, VlWide (32-bit words) for more
#if HARTS == 1
#define ID_REF(port, h) ((void)(h), (port))
#elif HARTS == 2
#define ID_GET(port, h) ((uint32_t)((port) >> (32 * (h))))
#else
#define ID_REF(port, h) ((port)[h])
#endif

static void set_id(Vctlb_bcast *m, int loc, unsigned h, uint32_t v) {
#if HARTS == 2
  QData &p = loc ? m->loc_id_i : m->req_id_i;
  p = (p & ~(0xffffffffull << (32 * h))) | (QData)v << (32 * h);
#else
  if (loc)
    ID_REF(m->loc_id_i, h) = v;
  else
    ID_REF(m->req_id_i, h) = v;
#endif
}

static uint32_t get_id(Vctlb_bcast *m, unsigned h) {
#if HARTS == 2
  return ID_GET(m->inv_id_o, h);
#else
  return ID_REF(m->inv_id_o, h);
#endif
}

struct Event {
  uint64_t t;
  unsigned h;
  int loc, all;
  uint32_t id;
};

int main(int argc, char **argv) {
  const unsigned H = HARTS, L = LATENCY;
  if (argc < 2 || (strcmp(argv[1], "random") && strcmp(argv[1], "script")) ||
      (!strcmp(argv[1], "random") && argc != 4)) {
    fprintf(stderr, "usage: bcast-diff random SEED CYCLES | script < FILE\n");
    return 2;
  }
  const bool rnd = !strcmp(argv[1], "random");
  uint64_t seed = 0, cycles = 0;
  std::vector<Event> ev;
  if (rnd) {
    seed = strtoull(argv[2], nullptr, 0);
    cycles = strtoull(argv[3], nullptr, 0);
  } else {
    char line[256];
    unsigned ln = 0;
    while (fgets(line, sizeof line, stdin)) {
      ln++;
      if (line[0] == '#' || line[0] == '\n') continue;
      unsigned long long t;
      unsigned h;
      char what[16], arg[32];
      if (sscanf(line, "%llu %u %15s %31s", &t, &h, what, arg) != 4 || h >= H ||
          (strcmp(what, "bcast") && strcmp(what, "inv"))) {
        fprintf(stderr,
                "bcast-diff: line %u: not CYCLE HART bcast|inv ID|all "
                "with HART < %u\n",
                ln, H);
        return 2;
      }
      Event e{t, h, !strcmp(what, "inv"), !strcmp(arg, "all"),
              (uint32_t)strtoul(arg, nullptr, 0)};
      ev.push_back(e);
      if (t + 2 * L + 1 > cycles) cycles = t + 2 * L + 1;
    }
  }

  char err[128];
  bcast_t c;
  if (bcast_init(&c, H, L, err, sizeof err)) {
    fprintf(stderr, "bcast-diff: %s\n", err);
    return 2;
  }
  auto ctx = std::make_unique<VerilatedContext>();
  auto m = std::make_unique<Vctlb_bcast>(ctx.get());
  m->clk_i = 0;
  m->rst_ni = 0;
  m->eval();
  m->rst_ni = 1;
  m->eval();

  uint64_t x = seed * 6364136223846793005ull + 1442695040888963407ull;
  auto next = [&x]() {
    x ^= x << 13, x ^= x >> 7, x ^= x << 17;
    return x;
  };
  uint64_t flushes = 0, invs = 0;
  for (uint64_t t = 0; t < cycles; t++) {
    bcast_in_t in[BCAST_MAX_HARTS];
    memset(in, 0, sizeof in);
    if (rnd) {
      for (unsigned h = 0; h < H; h++) {
        uint64_t r = next();
        in[h].req_valid = (r & 7) < 2; /* 1/4 of the cycles */
        in[h].req_all = ((r >> 3) & 15) == 0;
        in[h].req_id = (uint32_t)(r >> 8) & 3;
        in[h].loc_valid = ((r >> 16) & 7) == 0;
        in[h].loc_all = ((r >> 19) & 15) == 0;
        in[h].loc_id = (uint32_t)(r >> 24) & 3;
      }
    } else {
      for (const Event &e : ev) {
        if (e.t != t) continue;
        bcast_in_t &i = in[e.h];
        if (e.loc)
          i.loc_valid = 1, i.loc_all = (uint8_t)e.all, i.loc_id = e.id;
        else
          i.req_valid = 1, i.req_all = (uint8_t)e.all, i.req_id = e.id;
      }
    }
    uint32_t rv = 0, ra = 0, lv = 0, la = 0;
    for (unsigned h = 0; h < H; h++) {
      rv |= (uint32_t)in[h].req_valid << h, ra |= (uint32_t)in[h].req_all << h;
      lv |= (uint32_t)in[h].loc_valid << h, la |= (uint32_t)in[h].loc_all << h;
      set_id(m.get(), 0, h, in[h].req_id);
      set_id(m.get(), 1, h, in[h].loc_id);
    }
    m->req_valid_i = rv, m->req_all_i = ra;
    m->loc_valid_i = lv, m->loc_all_i = la;
    m->eval();
    bcast_out_t out[BCAST_MAX_HARTS];
    bcast_step(&c, in, out);
    for (unsigned k = 0; k < H; k++) {
      unsigned v = (m->inv_valid_o >> k) & 1, a = (m->inv_all_o >> k) & 1;
      unsigned d = (m->done_o >> k) & 1;
      uint32_t id = get_id(m.get(), k);
      if (v != out[k].inv.valid ||
          (v && (a != out[k].inv.all || id != out[k].inv.id)) ||
          d != out[k].done) {
        printf(
            "bcast-diff: H=%u L=%u cycle %llu hart %u: RTL valid %u all %u "
            "id 0x%x done %u, C model valid %u all %u id 0x%x done %u\n",
            H, L, (unsigned long long)t, k, v, a, id, d, out[k].inv.valid,
            out[k].inv.all, out[k].inv.id, out[k].done);
        return 1;
      }
      invs += v;
      flushes += v && a;
      if (!rnd && v)
        printf("%llu ctlb %u %s\n", (unsigned long long)t, k,
               a ? "flush" : (std::to_string(out[k].inv.id)).c_str());
      if (!rnd && !d) printf("%llu hart %u busy\n", (unsigned long long)t, k);
    }
    m->clk_i = 1;
    m->eval();
    m->clk_i = 0;
    m->eval();
  }
  m->final();
  bcast_free(&c);
  printf(
      "bcast-diff: H=%u L=%u: %llu cycles, %llu port invalidates (%llu "
      "flushes), 0 mismatches\n",
      H, L, (unsigned long long)cycles, (unsigned long long)invs,
      (unsigned long long)flushes);
  return 0;
}
