// ct_xlat.h: the call-translation accelerator (CTLB + table walker) as a
// SystemC module: model/xlat.h's C API (either backend, chosen at run time)
// wrapped in an sc_module whose walker reads table entries through a TLM-2.0
// initiator socket. docs/systemc.md shows how to embed it.
#ifndef CT_XLAT_H
#define CT_XLAT_H

#include <tlm_utils/simple_initiator_socket.h>

#include <cstddef>
#include <cstdint>
#include <string>
#include <systemc>
#include <tlm>

#include "ct_clock.h"
#include "xlat.h"

class ct_xlat : public sc_core::sc_module {
 public:
  // the walker's memory port: one 4-byte read per table level, b_transport;
  // the annotated delay (whole clock periods, at least one) is the number of
  // cycles until the answer
  tlm_utils::simple_initiator_socket<ct_xlat> mem;

  ct_xlat(sc_core::sc_module_name name, xlat_backend_t backend,
          const xlat_config_t &cfg, const ct_clock &clk);
  ~ct_xlat() override;

  // The accelerator in the reset state, created at the first call (so a
  // platform that never translates never builds the RTL backend). nullptr
  // with a one-line message in err if it cannot be created.
  xlat_t *get(std::string *err);

  // One walker read through `mem`: 0 with the word, or -1 for an error
  // response; *lat = the annotated delay in cycles (>= 1).
  int read_entry(uint32_t addr, uint32_t *data, uint64_t *lat);

  // ---- transaction-level use (from an SC_THREAD, one caller at a time)
  struct result {
    bool hit;         // answered by the CTLB in the request cycle
    unsigned fault;   // xlat_fault_t
    uint32_t addr;    // the function address (0 on a fault)
    uint64_t cycles;  // request cycle to answer cycle, both included
  };
  void set_root(uint32_t root) { root_ = root; }  // bits 31:2 base, 0 enable
  // A lookup presented now: steps the accelerator cycle by cycle (the walk
  // reads go through `mem`), then waits result.cycles clock periods.
  result lookup(uint32_t id);
  // One cycle of the invalidate port (one ID, or everything); waits a period.
  void invalidate(uint32_t id);
  void flush();
  xlat_counters_t counters() const;

  // ---- the hooks of sim/platform.h's platform_t (ctx = this ct_xlat)
  static int hook_walk_read(void *ctx, uint32_t addr, uint32_t *data,
                            uint64_t *lat);
  static xlat_t *hook_open(void *ctx, char *err, size_t errlen);

 private:
  void inv_cycle(bool all, uint32_t id);
  xlat_t *must_get();

  xlat_backend_t backend_;
  xlat_config_t cfg_;
  const ct_clock &clk_;
  xlat_t *x_ = nullptr;
  uint32_t root_ = 0;
  sc_core::sc_mutex busy_;
};

#endif  // CT_XLAT_H
