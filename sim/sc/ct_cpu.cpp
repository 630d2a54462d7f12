// ct_cpu.cpp: see ct_cpu.h.
#include "ct_cpu.h"

#include <cinttypes>
#include <cstring>

ct_cpu::ct_cpu(sc_core::sc_module_name name, ctsim_opts_t *o, ct_xlat *xl,
               const ct_clock &clk, uint64_t quantum)
    : sc_core::sc_module(name),
      mem("mem"),
      o_(o),
      xl_(xl),
      clk_(clk),
      quantum_(quantum ? quantum : 1) {
  std::memset(&p_, 0, sizeof p_);
  SC_HAS_PROCESS(ct_cpu);
  SC_THREAD(run);
}

// The sockets are bound now: fetch the RAM by DMI and load the program,
// with ctsim's checks in ctsim's order (ctsim_setup exits on bad input).
void ct_cpu::end_of_elaboration() {
  ctsim_check_config(o_);
  const uint64_t size = o_->cfg.ram_size;
  tlm::tlm_generic_payload gp;
  tlm::tlm_dmi dmi;
  gp.set_command(tlm::TLM_READ_COMMAND);
  gp.set_address(RAM_BASE);
  if (!mem->get_direct_mem_ptr(gp, dmi) || !dmi.is_read_write_allowed() ||
      dmi.get_start_address() > RAM_BASE ||
      dmi.get_end_address() < RAM_BASE + size - 1)
    ctsim_die("cannot map %" PRIu64 " bytes of simulated RAM", size);
  uint8_t *ram = dmi.get_dmi_ptr() + (RAM_BASE - dmi.get_start_address());
  ctsim_setup(o_, &p_, ram);
  p_.hook_ctx = xl_;
  p_.walk_read = &ct_xlat::hook_walk_read;
  p_.xl_open = &ct_xlat::hook_open;
}

void ct_cpu::run() {
  uint64_t synced = 0;  // the cycle SystemC time stands at
  for (;;) {
    int stopped = plat_run_until(&p_, plat_now(&p_) + quantum_);
    // where the CPU got to: the platform cycle, or the end
    uint64_t at = stopped ? plat_cycles(&p_) : plat_now(&p_);
    if (at > synced) {
      wait(clk_.cycles(at - synced));
      synced = at;
      syncs_++;
    }
    if (stopped) return;
  }
}
