// ct_memory.cpp: see ct_memory.h.
#include "ct_memory.h"

#include <cstring>

extern "C" {
#include "mem.h"
}

ct_memory::ct_memory(sc_core::sc_module_name name, uint32_t base, uint64_t size,
                     const sc_core::sc_time &latency, unsigned ports)
    : sc_core::sc_module(name),
      port("port", ports),
      base_(base),
      size_(size),
      latency_(latency),
      ram_(static_cast<uint8_t *>(mem_map(size))) {
  for (auto &s : port) {
    s.register_b_transport(this, &ct_memory::b_transport);
    s.register_get_direct_mem_ptr(this, &ct_memory::get_direct_mem_ptr);
    s.register_transport_dbg(this, &ct_memory::transport_dbg);
  }
}

ct_memory::~ct_memory() {
  if (ram_) mem_unmap(ram_, size_);
}

int64_t ct_memory::check(tlm::tlm_generic_payload &gp) {
  uint64_t a = gp.get_address(), n = gp.get_data_length();
  if (gp.get_byte_enable_ptr() ||
      (gp.get_streaming_width() && gp.get_streaming_width() < n)) {
    gp.set_response_status(tlm::TLM_BYTE_ENABLE_ERROR_RESPONSE);
    return -1;
  }
  if (!ram_ || a < base_ || a - base_ > size_ || n > size_ - (a - base_)) {
    gp.set_response_status(tlm::TLM_ADDRESS_ERROR_RESPONSE);
    return -1;
  }
  return static_cast<int64_t>(a - base_);
}

void ct_memory::b_transport(tlm::tlm_generic_payload &gp,
                            sc_core::sc_time &delay) {
  transactions_++;
  int64_t o = check(gp);
  if (o < 0) return;
  if (gp.is_read())
    std::memcpy(gp.get_data_ptr(), ram_ + o, gp.get_data_length());
  else if (gp.is_write())
    std::memcpy(ram_ + o, gp.get_data_ptr(), gp.get_data_length());
  delay += latency_;
  gp.set_dmi_allowed(true);
  gp.set_response_status(tlm::TLM_OK_RESPONSE);
}

bool ct_memory::get_direct_mem_ptr(tlm::tlm_generic_payload &,
                                   tlm::tlm_dmi &dmi) {
  if (!ram_) return false;
  dmi.set_dmi_ptr(ram_);
  dmi.set_start_address(base_);
  dmi.set_end_address(base_ + size_ - 1);
  dmi.allow_read_write();
  dmi.set_read_latency(latency_);
  dmi.set_write_latency(latency_);
  return true;
}

unsigned ct_memory::transport_dbg(tlm::tlm_generic_payload &gp) {
  int64_t o = check(gp);
  if (o < 0) return 0;
  if (gp.is_read())
    std::memcpy(gp.get_data_ptr(), ram_ + o, gp.get_data_length());
  else if (gp.is_write())
    std::memcpy(ram_ + o, gp.get_data_ptr(), gp.get_data_length());
  gp.set_response_status(tlm::TLM_OK_RESPONSE);
  return gp.get_data_length();
}
