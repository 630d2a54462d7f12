// ct_cpu.h: the RV32IM + call-ID CPU of sim/ (its C API, sim/cpu.h and
// sim/cli.h) as a SystemC module. An SC_THREAD runs the CPU model in pieces of
// `quantum` cycles and then wait()s the simulated time the piece took
// (temporal decoupling); the model keeps its own cycle accounting. RAM is
// reached through the initiator socket `mem` by DMI; the call-ID instructions
// go to a ct_xlat, whose walker reads through its own socket.
#ifndef CT_CPU_H
#define CT_CPU_H

#include <tlm_utils/simple_initiator_socket.h>

#include <cstdint>
#include <systemc>
#include <tlm>

#include "ct_clock.h"
#include "ct_xlat.h"

extern "C" {
#include "cli.h"
}

class ct_cpu : public sc_core::sc_module {
 public:
  tlm_utils::simple_initiator_socket<ct_cpu> mem;

  // o: the parsed command line (sim/cli.h), loaded at the end of elaboration
  // (ctsim's checks and errors); xl: the accelerator behind
  // callid/xlat/ctlb.inv.
  ct_cpu(sc_core::sc_module_name name, ctsim_opts_t *o, ct_xlat *xl,
         const ct_clock &clk, uint64_t quantum);

  platform_t *platform() { return &p_; }
  hart_t *hart() { return &p_.hart[0]; }
  uint64_t syncs() const { return syncs_; }  // wait()s of the run thread

 private:
  void end_of_elaboration() override;
  void run();

  ctsim_opts_t *o_;
  ct_xlat *xl_;
  const ct_clock &clk_;
  uint64_t quantum_;
  uint64_t syncs_ = 0;
  platform_t p_;
};

#endif  // CT_CPU_H
