// ct_clock.h: the clock of the virtual platform: one period shared by every
// module, and the conversions between cycles and SystemC time.
//
// It produces no edge events: the modules are temporally decoupled (each keeps
// its own cycle count and synchronises with SystemC time by wait()), so a
// toggling sc_clock would only cost host time. docs/systemc.md explains why
// the cycle counts do not depend on it.
#ifndef CT_CLOCK_H
#define CT_CLOCK_H

#include <cstdint>
#include <systemc>

class ct_clock : public sc_core::sc_module {
 public:
  ct_clock(sc_core::sc_module_name name, const sc_core::sc_time &period)
      : sc_core::sc_module(name), period_(period) {}

  const sc_core::sc_time &period() const { return period_; }

  // SystemC time of n cycles.
  sc_core::sc_time cycles(uint64_t n) const {
    return period_ * static_cast<double>(n);
  }

  // Whole cycles in t (rounded to the nearest: annotated delays are exact
  // multiples of the period).
  uint64_t to_cycles(const sc_core::sc_time &t) const {
    return static_cast<uint64_t>(t / period_ + 0.5);
  }

 private:
  sc_core::sc_time period_;
};

#endif  // CT_CLOCK_H
