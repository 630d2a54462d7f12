// ctlb_assert.vh: the invariant assertions of the accelerator RTL, one text for
// the simulators and the formal flow (docs/accelerator.md section 11,
// docs/formal.md). Included by rtl/ctlb_*.v when CTLB_ASSERTS is defined: a
// build that checks them passes -DCTLB_ASSERTS -I rtl (the simulator's RTL
// backend, the formal flow, the RTL tests, make lint); without the define the
// modules are plain RTL that needs no include path (a bare
// `verilator --lint-only -Wall rtl/*.vlt rtl/*.v`, synthesis).
//
//   `ifdef CTLB_ASSERT_ON
//     `CTLB_ASSERT_AT begin
//       if (rst_ni && !(cond)) `CTLB_ASSERT(cond, "module: what went wrong")
//     end
//   `endif
//
// The guard is the failing condition (for a block of several checks, their
// failing conditions ORed): a verilated model then evaluates only that in a
// cycle that passes, where an `assert` of Verilator --assert alone also tests,
// check by check, whether assertions are on (loads through the model's
// context); the checks stay as they are, each with its message.
//
// * Yosys `read_verilog -formal` (FORMAL): an immediate `assert`, checked by
//   every job of formal/run.py, in an `always @(*)` (checked in every state,
//   the counterexample ends in the violating cycle).
// * Verilator: `assert ... else $fatal`, active with --assert (the RTL backend
//   is built with it, model/xlat_build.sh): the message, then the process
//   aborts.
// * Icarus and other simulators: `if (!cond) $fatal`, always active (also in
//   -g2005), exit status 1.
// Simulators check once per cycle, at the rising edge (the values of the
// cycle, before the edge updates them), so the check costs one evaluation per
// cycle rather than one per input change.
// Synthesis (SYNTHESIS defined, FORMAL not) leaves CTLB_ASSERT_ON undefined.
`ifndef CTLB_ASSERT_VH
`define CTLB_ASSERT_VH
`ifdef FORMAL
  `define CTLB_ASSERT_ON
  `define CTLB_ASSERT_AT always @(*)
  `define CTLB_ASSERT(cond, msg) assert (cond);
`elsif SYNTHESIS
`else
  `define CTLB_ASSERT_ON
  `define CTLB_ASSERT_AT always @(posedge clk_i)
  `ifdef VERILATOR
    `define CTLB_ASSERT(cond, msg) assert (cond) else $fatal(1, msg);
  `else
    `define CTLB_ASSERT(cond, msg) if (!(cond)) $fatal(1, msg);
  `endif
`endif
`endif
