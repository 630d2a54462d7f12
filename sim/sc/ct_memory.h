// ct_memory.h: RAM behind TLM-2.0 target sockets (one per initiator: the CPU,
// the accelerator's walker, a loader...), blocking transport with an
// annotated delay, DMI for fast initiators and debug transport.
#ifndef CT_MEMORY_H
#define CT_MEMORY_H

#include <tlm_utils/simple_target_socket.h>

#include <cstdint>
#include <systemc>
#include <tlm>

class ct_memory : public sc_core::sc_module {
 public:
  using socket_t = tlm_utils::simple_target_socket<ct_memory>;

  // size bytes (zeroed, mapped so that untouched pages cost nothing) at
  // [base, base + size); every b_transport adds latency to its delay.
  // ok() is false if the RAM could not be mapped.
  ct_memory(sc_core::sc_module_name name, uint32_t base, uint64_t size,
            const sc_core::sc_time &latency, unsigned ports);
  ~ct_memory() override;

  sc_core::sc_vector<socket_t> port;

  bool ok() const { return ram_ != nullptr; }
  uint8_t *data() { return ram_; }
  uint64_t transactions() const { return transactions_; }

 private:
  void b_transport(tlm::tlm_generic_payload &gp, sc_core::sc_time &delay);
  bool get_direct_mem_ptr(tlm::tlm_generic_payload &gp, tlm::tlm_dmi &dmi);
  unsigned transport_dbg(tlm::tlm_generic_payload &gp);
  // the RAM offset of gp's access, or -1 (with the response status set)
  int64_t check(tlm::tlm_generic_payload &gp);

  uint32_t base_;
  uint64_t size_;
  sc_core::sc_time latency_;
  uint8_t *ram_;
  uint64_t transactions_ = 0;
};

#endif  // CT_MEMORY_H
