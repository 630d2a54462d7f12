// ctsim_sc.cpp: ctsim-sc, ctsim as a SystemC virtual platform
// (docs/systemc.md): a clock, the CPU module, the accelerator module and a
// TLM-2.0 memory shared by the CPU (DMI) and the walker (b_transport). Same
// options, errors, summary, JSON and exit status as ctsim (sim/cli.h does them
// for both).
#include <cerrno>
#include <cinttypes>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <ctime>
#include <systemc>

#include "ct_clock.h"
#include "ct_cpu.h"
#include "ct_memory.h"
#include "ct_xlat.h"
#include "xlat_opts.h"

static const char help_extra[] =
    "\n"
    "ctsim-sc runs the same simulation as a SystemC 2.3 platform: the CPU\n"
    "module, the accelerator module and a TLM-2.0 memory (docs/systemc.md).\n"
    "Results are identical to ctsim's. Environment:\n"
    "  CTSIM_SC_QUANTUM=N  cycles the CPU runs ahead of SystemC time before\n"
    "                      it synchronises, 1..2^32 (default 100000)\n";

static uint64_t quantum_from_env() {
  const char *s = std::getenv("CTSIM_SC_QUANTUM");
  if (!s) return 100000;
  uint64_t v; /* the number rule of every option (model/xlat_opts.h) */
  if (xo_number(s, &v) || v < 1 || v > (1ull << 32))
    ctsim_die("CTSIM_SC_QUANTUM: '%s' is not a number in 1..4294967296", s);
  return v;
}

int sc_main(int argc, char **argv) {
  static ctsim_opts_t o;
  ctsim_parse_args(&o, argc, argv, "ctsim-sc", help_extra);
  const uint64_t quantum = quantum_from_env();

  // 1 ns per cycle: the time base only, the cycle counts do not depend on it
  ct_clock clk("clk", sc_core::sc_time(1, sc_core::SC_NS));
  ct_memory ram("ram", RAM_BASE, o.cfg.ram_size, clk.cycles(o.cfg.dmem_lat), 2);
  ct_xlat xl("xlat", static_cast<xlat_backend_t>(o.cfg.xlat_backend),
             o.cfg.xlat, clk);
  ct_cpu cpu("cpu", &o, &xl, clk, quantum);
  cpu.mem.bind(ram.port[0]);
  xl.mem.bind(ram.port[1]);

  // host CPU time of the run (as ctsim's: not the wall clock, which other
  // jobs on the machine stretch)
  auto cpu_s = [] {
    timespec t;
    clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &t);
    return (double)t.tv_sec + (double)t.tv_nsec * 1e-9;
  };
  double t0 = cpu_s();
  sc_core::sc_start();  // elaboration loads the program; ends when the CPU
                        // stops
  double s = cpu_s() - t0;
  if (o.host_stats) {
    const xlat_counters_t k = xl.counters();
    std::fprintf(stderr,
                 "ctsim-sc: SystemC time %s, %" PRIu64
                 " CPU synchronisations (quantum %" PRIu64 " cycles), %" PRIu64
                 " walker reads over TLM (%" PRIu64 " memory transactions)\n",
                 sc_core::sc_time_stamp().to_string().c_str(), cpu.syncs(),
                 quantum, k.mem_reads, ram.transactions());
  }
  return ctsim_finish(&o, cpu.platform(), s);
}

// Our own main (instead of libsystemc's): SystemC's copyright banner would
// go to stderr before sc_main runs.
int main(int argc, char **argv) {
  setenv("SYSTEMC_DISABLE_COPYRIGHT_MESSAGE", "1", 1);
  return sc_core::sc_elab_and_sim(argc, argv);
}
