// example_embed.cpp: the accelerator module in a small SystemC platform of
// its own (docs/systemc.md, "Embedding"): a clock, a TLM-2.0 memory holding a
// call table, the accelerator's walker reading it through its socket, and a
// test bench thread issuing lookups and invalidations.
//
//   build/sc-example-embed [c|rtl]     (backend, default c)
#include <tlm_utils/simple_initiator_socket.h>

#include <cinttypes>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <systemc>
#include <tlm>

#include "ct_clock.h"
#include "ct_memory.h"
#include "ct_xlat.h"

// The call table (default geometry: 12/10/10 index bits, root first).
static const uint32_t kRoot = 0x80000000u;  // 4096 entries, 16 KiB
static const uint32_t kL1 = 0x80004000u;    // 1024 entries
static const uint32_t kL2 = 0x80005000u;    // 1024 entries

struct bench : sc_core::sc_module {
  tlm_utils::simple_initiator_socket<bench> loader;  // writes the table
  ct_xlat &xl;

  bench(sc_core::sc_module_name n, ct_xlat &x)
      : sc_module(n), loader("loader"), xl(x) {
    SC_HAS_PROCESS(bench);
    SC_THREAD(run);
  }

  // one table entry, by debug transport (takes no simulated time)
  void poke(uint32_t addr, uint32_t value) {
    tlm::tlm_generic_payload gp;
    unsigned char b[4];
    std::memcpy(b, &value, 4);
    gp.set_command(tlm::TLM_WRITE_COMMAND);
    gp.set_address(addr);
    gp.set_data_ptr(b);
    gp.set_data_length(4);
    gp.set_streaming_width(4);
    if (loader->transport_dbg(gp) != 4)
      SC_REPORT_FATAL(name(), "table write failed");
  }

  void show(uint32_t id) {
    ct_xlat::result r = xl.lookup(id);
    std::printf("lookup 0x%08" PRIx32 ": %-4s addr 0x%08" PRIx32
                " fault %u cycles %" PRIu64 "\n",
                id, r.hit ? "hit" : "miss", r.addr, r.fault, r.cycles);
  }

  void run() {
    poke(kRoot + 4 * 0, kL1 | 1);        // ID bits 31:20 = 0 -> level-1 table
    poke(kL1 + 4 * 0, kL2 | 1);          // bits 19:10 = 0 -> level-2 table
    poke(kL2 + 4 * 5, 0x80010000u | 3);  // ID 5 -> 0x80010000
    poke(kL2 + 4 * 7, 0x80010100u | 3);  // ID 7 -> 0x80010100
    // IDs 0x002xxxxx -> 0x80020000 (a range leaf in the root table)
    poke(kRoot + 4 * 2, 0x80020000u | 3);
    xl.set_root(kRoot | 1);

    show(5);           // miss, 3 table reads
    show(5);           // hit
    show(7);           // miss
    show(0x00200123);  // miss, 1 read (range leaf at the root)
    show(0x00100000);  // fault INVALID (root entry 1 is empty)
    show(0x00100000);  // faults are not cached: again
    xl.invalidate(5);
    std::printf("invalidate 0x00000005\n");
    show(5);  // miss again
    show(7);  // still a hit
    xl.flush();
    std::printf("flush\n");
    show(0x00200123);  // miss
    xlat_counters_t k = xl.counters();
    std::printf("lookups %" PRIu64 " hits %" PRIu64 " misses %" PRIu64
                " faults %" PRIu64 " invalidations %" PRIu64
                " mem_reads %" PRIu64 " walk_cycles %" PRIu64 "\n",
                k.lookups, k.hits, k.misses, k.faults, k.invalidations,
                k.mem_reads, k.walk_cycles);
    std::printf("time %s\n", sc_core::sc_time_stamp().to_string().c_str());
  }
};

int sc_main(int argc, char **argv) {
  xlat_backend_t backend = XLAT_BACKEND_C;
  if (argc > 2 ||
      (argc == 2 && std::strcmp(argv[1], "c") && std::strcmp(argv[1], "rtl"))) {
    std::fprintf(stderr,
                 "sc-example-embed: error: '%s' is not a backend (usage: "
                 "sc-example-embed [c|rtl])\n",
                 argv[argc > 2 ? 2 : 1]);
    return 2;
  }
  if (argc == 2 && std::strcmp(argv[1], "rtl") == 0) backend = XLAT_BACKEND_RTL;

  ct_clock clk("clk", sc_core::sc_time(1, sc_core::SC_NS));
  // 64 KiB of RAM, every read answered 2 cycles after it is accepted
  ct_memory ram("ram", 0x80000000u, 64 * 1024, clk.cycles(2), 2);
  xlat_config_t cfg;
  // 64 entries, 4 ways, LRU, levels 12/10/10, no walk cache
  xlat_config_default(&cfg);
  ct_xlat xl("xlat", backend, cfg, clk);
  bench tb("tb", xl);
  tb.loader.bind(ram.port[0]);
  xl.mem.bind(ram.port[1]);
  sc_core::sc_start();
  std::printf("memory transactions %" PRIu64 "\n", ram.transactions());
  return 0;
}

// Our own main (instead of libsystemc's): SystemC's copyright banner would
// go to stderr before sc_main runs.
int main(int argc, char **argv) {
  setenv("SYSTEMC_DISABLE_COPYRIGHT_MESSAGE", "1", 1);
  return sc_core::sc_elab_and_sim(argc, argv);
}
