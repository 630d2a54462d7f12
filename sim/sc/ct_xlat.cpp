// ct_xlat.cpp: see ct_xlat.h; the cycle contract is docs/accelerator.md's.
#include "ct_xlat.h"

#include <cstdio>
#include <cstring>

ct_xlat::ct_xlat(sc_core::sc_module_name name, xlat_backend_t backend,
                 const xlat_config_t &cfg, const ct_clock &clk)
    : sc_core::sc_module(name),
      mem("mem"),
      backend_(backend),
      cfg_(cfg),
      clk_(clk) {}

ct_xlat::~ct_xlat() {
  if (x_) xlat_destroy(x_);
}

xlat_t *ct_xlat::get(std::string *err) {
  if (!x_) {
    char msg[512];
    x_ = xlat_create(backend_, &cfg_, msg, sizeof msg);
    if (!x_ && err) *err = msg;
  }
  return x_;
}

xlat_t *ct_xlat::must_get() {
  std::string err;
  xlat_t *x = get(&err);
  if (!x) SC_REPORT_FATAL(name(), err.c_str());
  return x;
}

int ct_xlat::read_entry(uint32_t addr, uint32_t *data, uint64_t *lat) {
  tlm::tlm_generic_payload gp;
  unsigned char buf[4] = {0, 0, 0, 0};
  gp.set_command(tlm::TLM_READ_COMMAND);
  gp.set_address(addr);
  gp.set_data_ptr(buf);
  gp.set_data_length(4);
  gp.set_streaming_width(4);
  gp.set_byte_enable_ptr(nullptr);
  gp.set_dmi_allowed(false);
  gp.set_response_status(tlm::TLM_INCOMPLETE_RESPONSE);
  sc_core::sc_time delay = sc_core::SC_ZERO_TIME;
  mem->b_transport(gp, delay);
  uint64_t n = clk_.to_cycles(delay);
  *lat = n ? n : 1;
  if (gp.is_response_error()) {
    *data = 0;
    return -1;
  }
  std::memcpy(data, buf, 4);  // table entries are little-endian words
  return 0;
}

ct_xlat::result ct_xlat::lookup(uint32_t id) {
  busy_.lock();
  xlat_t *x = must_get();
  xlat_in_t in;
  xlat_out_t out;
  std::memset(&in, 0, sizeof in);
  in.req_valid = 1;
  in.req_id = id;
  in.root = root_;
  in.mem_req_ready = 1;
  bool pend = false;
  uint64_t pend_at = 0, lat = 1;
  uint32_t pdata = 0;
  uint8_t perr = 0;
  result r = {false, 0, 0, 0};
  for (uint64_t c = 0;; c++) {
    in.mem_rsp_valid = pend && c == pend_at;
    in.mem_rsp_err = in.mem_rsp_valid ? perr : 0;
    in.mem_rsp_data = in.mem_rsp_valid ? pdata : 0;
    xlat_step(x, &in, &out);
    if (c == 0 && !out.req_ready)
      SC_REPORT_FATAL(name(), "the accelerator refused a request");
    if (in.mem_rsp_valid) pend = false;
    if (out.mem_req_valid) {
      perr = read_entry(out.mem_req_addr, &pdata, &lat) ? 1 : 0;
      pend = true, pend_at = c + lat;
    }
    if (out.rsp_valid) {
      r.hit = out.rsp_hit != 0;
      r.fault = out.rsp_fault;
      r.addr = out.rsp_addr;
      r.cycles = c + 1;
      break;
    }
    in.req_valid = 0, in.req_id = 0;
    if (c > 100000000)
      SC_REPORT_FATAL(name(), "the accelerator did not answer");
  }
  wait(clk_.cycles(r.cycles));
  busy_.unlock();
  return r;
}

void ct_xlat::inv_cycle(bool all, uint32_t id) {
  busy_.lock();
  xlat_t *x = must_get();
  xlat_in_t in;
  xlat_out_t out;
  std::memset(&in, 0, sizeof in);
  in.inv_valid = 1;
  in.inv_all = all ? 1 : 0;
  in.inv_id = all ? 0 : id;
  in.root = root_;
  in.mem_req_ready = 1;
  xlat_step(x, &in, &out);
  wait(clk_.period());
  busy_.unlock();
}

void ct_xlat::invalidate(uint32_t id) { inv_cycle(false, id); }
void ct_xlat::flush() { inv_cycle(true, 0); }

xlat_counters_t ct_xlat::counters() const {
  xlat_counters_t k;
  std::memset(&k, 0, sizeof k);
  if (x_) xlat_get_counters(x_, &k);
  return k;
}

int ct_xlat::hook_walk_read(void *ctx, uint32_t addr, uint32_t *data,
                            uint64_t *lat) {
  return static_cast<ct_xlat *>(ctx)->read_entry(addr, data, lat);
}

xlat_t *ct_xlat::hook_open(void *ctx, char *err, size_t errlen) {
  std::string msg;
  xlat_t *x = static_cast<ct_xlat *>(ctx)->get(&msg);
  if (!x) std::snprintf(err, errlen, "%s", msg.c_str());
  return x;
}
