// wave_hart: the CPU side of a waveform (simulation only, never synthesized).
//
// A verilated model of its own, instantiated by model/xlat_vl.cpp once per
// hart as "hart0", "hart1", ... and traced into the same file as the
// accelerator (ctlb_top), on the same time axis. It has no logic: ctsim drives
// the ports every dumped cycle with what its pipeline timing model says about
// that cycle (xlat_wave_hart_t in model/xlat.h; docs/waves.md "The CPU side").
// Text ports hold ASCII right-justified, as a Verilog string literal assigned
// to a reg (the last character in bits 7:0); GTKWave shows them with the
// ASCII format of the save file.

/* verilator lint_off UNUSEDSIGNAL */  // inputs only: the dump is the use
module wave_hart (
  input wire [63:0]     cycle_i,      // the CPU cycle (the dump's time in ns)
  // the instruction in EX (an interrupt bubble counts)
  input wire            ex_valid_i,
  input wire            ex_trap_i,    // it traps (an interrupt: always)
  input wire [31:0]     ex_pc_i,
  input wire [31:0]     ex_insn_i,
  input wire [8*16-1:0] ex_op_i,      // its mnemonic (XLAT_WAVE_OP_CHARS)
  input wire [8*32-1:0] ex_fn_i,      // the function its pc is in
  // the instruction in WB (it retires at the end of the cycle)
  input wire            wb_valid_i,
  input wire [31:0]     wb_pc_i,
  input wire [31:0]     wb_insn_i,
  // a callid or xlat in EX: the ID it translates, the function the call-ID
  // registry names for it, and the function the translation answered (from
  // the cycle of the answer)
  input wire            lookup_i,
  input wire [31:0]     lookup_id_i,
  input wire [8*32-1:0] id_fn_i,
  input wire [8*32-1:0] target_fn_i,
  // no instruction entered EX this cycle: why (docs/timing.md, stall names)
  input wire [8*8-1:0]  stall_i
);
endmodule
/* verilator lint_on UNUSEDSIGNAL */
