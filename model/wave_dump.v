// wave_dump: marks of the dump itself (simulation only, never synthesized).
//
// A verilated model of its own, instantiated by model/xlat_vl.cpp as "dump"
// and traced into the same file as the accelerator. A windowed dump
// (--wave-from, --wave-walks-only) leaves cycles out; in the first cycle
// dumped after cycles left out, gap_i is 1 and skipped_i says how many were
// left out, so a counter that jumps there is not taken for a bug. Both are 0
// in every other cycle.

/* verilator lint_off UNUSEDSIGNAL */  // inputs only: the dump is the use
module wave_dump (
  input wire        gap_i,
  input wire [63:0] skipped_i
);
endmodule
/* verilator lint_on UNUSEDSIGNAL */
