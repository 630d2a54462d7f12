// ctlb_walker: the table walker FSM.
//
// Started by a CTLB miss, it reads one table entry per level through the
// memory read port (or takes a non-leaf entry from the walk cache), answers
// the requester in its RESP state and refills the CTLB. An invalidate of the
// walked ID or a flush while the walk is in flight restarts it from the root
// (after the read it may have outstanding), so its answer is read after the
// invalidate; one in the RESP cycle itself leaves the answer (ordered before
// it) and cancels the refill.
// docs/accelerator.md section "Walker" is the cycle-level description.

`ifdef CTLB_ASSERTS  // the invariant assertions: -DCTLB_ASSERTS -I rtl
`include "ctlb_assert.vh"
`endif

module ctlb_walker #(
  parameter integer Levels     = 3,    // 1..4
  parameter integer LevelBits0 = 12,   // root level: the most significant covered ID bits
  parameter integer LevelBits1 = 10,
  parameter integer LevelBits2 = 10,
  parameter integer LevelBits3 = 0,
  parameter integer WalkCache  = 0     // walk-cache entries, 0 = off
) (
  input  wire        clk_i,
  input  wire        rst_ni,

  // start (a CTLB miss of an accepted lookup)
  input  wire        start_i,
  input  wire [31:0] start_id_i,
  input  wire [31:0] root_i,         // bits 31:2 root table base, bit 0 enable

  // invalidate / flush (to cancel the refill of a walk in flight)
  input  wire        inv_i,
  input  wire        inv_all_i,
  input  wire [31:0] inv_id_i,

  // response to the requester
  output wire        idle_o,
  output wire        rsp_valid_o,
  output wire [2:0]  rsp_fault_o,
  output wire [31:0] rsp_addr_o,

  // refill of the CTLB
  output wire        fill_o,
  output wire [31:0] fill_id_o,
  output wire [29:0] fill_addr_o,

  // memory read port
  output wire        mem_req_valid_o,
  output wire [31:0] mem_req_addr_o,
  input  wire        mem_req_ready_i,
  input  wire        mem_rsp_valid_i,
  input  wire        mem_rsp_err_i,
  input  wire [31:0] mem_rsp_data_i,

  // walk cache
  output wire [29:0] wc_key_o,
  input  wire        wc_hit_i,
  input  wire [29:0] wc_data_i,
  output wire        wc_use_o,       // this cycle's level is served by the walk cache
  output wire        wc_ins_o,
  output wire [29:0] wc_ins_key_o,
  output wire [29:0] wc_ins_data_o
);

  // ------------------------------------------------------------------------
  // Geometry: level l indexes ID bits [SHl+LBl-1 : SHl]
  // ------------------------------------------------------------------------
  localparam integer LB0 = LevelBits0;
  localparam integer LB1 = (Levels > 1) ? LevelBits1 : 0;
  localparam integer LB2 = (Levels > 2) ? LevelBits2 : 0;
  localparam integer LB3 = (Levels > 3) ? LevelBits3 : 0;
  localparam integer COVER = LB0 + LB1 + LB2 + LB3;
  localparam integer SH0 = COVER - LB0;
  localparam integer SH1 = SH0 - LB1;
  localparam integer SH2 = SH1 - LB2;
  localparam integer SH3 = SH2 - LB3;
  localparam [31:0]  M0 = (32'd1 << LB0) - 32'd1;
  localparam [31:0]  M1 = (32'd1 << LB1) - 32'd1;
  localparam [31:0]  M2 = (32'd1 << LB2) - 32'd1;
  localparam [31:0]  M3 = (32'd1 << LB3) - 32'd1;
  // ID bits outside the covered width: a nonzero value there is a RANGE fault
  localparam [31:0]  RANGE_MASK = (COVER >= 32) ? 32'd0 : ~((32'd1 << COVER) - 32'd1);
  localparam integer LAST_I = Levels - 1;
  localparam [1:0]   LAST = LAST_I[1:0];

  // ------------------------------------------------------------------------
  // Parameter checks: an illegal value instantiates a module that does not
  // exist, named after the parameter, so Verilator, Icarus and Yosys all stop
  // at elaboration with that name in the message (Verilog-2005 has no $error)
  // ------------------------------------------------------------------------
  generate
    if (Levels < 1 || Levels > 4) begin : g_bad_levels
      ctlb_illegal_parameter_Levels_must_be_1_to_4 u_stop ();
    end
    if (Levels >= 1 && Levels <= 4 && (LevelBits0 < 1 || LevelBits0 > 16 ||
        (Levels > 1 && (LevelBits1 < 1 || LevelBits1 > 16)) ||
        (Levels > 2 && (LevelBits2 < 1 || LevelBits2 > 16)) ||
        (Levels > 3 && (LevelBits3 < 1 || LevelBits3 > 16)))) begin : g_bad_level_bits
      ctlb_illegal_parameter_LevelBits_each_used_level_must_be_1_to_16 u_stop ();
    end
    if (COVER > 32) begin : g_bad_cover
      ctlb_illegal_parameter_LevelBits_sum_must_be_at_most_32 u_stop ();
    end
    if (WalkCache < 0 || WalkCache > 64 || (WalkCache & (WalkCache - 1)) != 0) begin : g_bad_wcache
      ctlb_illegal_parameter_WalkCache_must_be_0_or_a_power_of_two_to_64 u_stop ();
    end
  endgenerate

  // fault codes (xlat_fault_t)
  localparam [2:0] F_NONE     = 3'd0;
  localparam [2:0] F_INVALID  = 3'd1;
  localparam [2:0] F_RANGE    = 3'd2;
  localparam [2:0] F_DISABLED = 3'd3;
  localparam [2:0] F_BUS      = 3'd4;

  // FSM states
  localparam [1:0] StIdle  = 2'd0;   // no walk
  localparam [1:0] StFetch = 2'd1;   // walk cache lookup, else memory request
  localparam [1:0] StWait  = 2'd2;   // waiting for the memory response
  localparam [1:0] StResp  = 2'd3;   // answer the requester, refill the CTLB

  // Entry address of level `lvl` for ID `id` in the table at `base`.
  function [31:0] entry_addr;
    input [29:0] base;
    input [1:0]  lvl;
    input [31:0] id;
    reg   [31:0] idx;
    begin
      case (lvl)
        2'd0:    idx = (id >> SH0) & M0;
        2'd1:    idx = (id >> SH1) & M1;
        2'd2:    idx = (id >> SH2) & M2;
        default: idx = (id >> SH3) & M3;
      endcase
      entry_addr = {base, 2'b00} + (idx << 2);
    end
  endfunction

  // ------------------------------------------------------------------------
  // State
  // ------------------------------------------------------------------------
  reg [1:0]  state_q, state_d;
  reg [31:0] id_q, id_d;        // the ID being walked
  reg [1:0]  lvl_q, lvl_d;      // current level
  reg [31:0] ea_q, ea_d;        // current entry address
  reg [29:0] res_q, res_d;      // translation (function address bits 31:2)
  reg [2:0]  fault_q, fault_d;
  reg        kill_q, kill_d;    // an invalidate/flush hit this walk: restart it

  wire unused_root_bit1 = root_i[1];  // reserved bit of the root register
  wire wc_on = (WalkCache > 0);
  wire wc_use = wc_on && (state_q == StFetch) && (lvl_q != LAST) && wc_hit_i && !kill_q;
  wire in_walk = (state_q != StIdle);
  wire inv_hit = inv_i && (inv_all_i || inv_id_i == id_q);

  // ------------------------------------------------------------------------
  // Next state
  // ------------------------------------------------------------------------
  reg wc_ins;
  // the walk again from the root register as it is now (a disabled root: the
  // DISABLED fault; the ID's range was checked at the start)
  task restart;
    begin
      lvl_d   = 2'd0;
      kill_d  = 1'b0;
      res_d   = 30'd0;
      ea_d    = entry_addr(root_i[31:2], 2'd0, id_q);
      fault_d = root_i[0] ? F_NONE : F_DISABLED;
      state_d = root_i[0] ? StFetch : StResp;
    end
  endtask
  always @(*) begin : fsm
    state_d = state_q;
    id_d    = id_q;
    lvl_d   = lvl_q;
    ea_d    = ea_q;
    res_d   = res_q;
    fault_d = fault_q;
    kill_d  = kill_q || (in_walk && inv_hit);
    wc_ins  = 1'b0;
    case (state_q)
      StIdle: begin
        if (start_i) begin
          id_d    = start_id_i;
          lvl_d   = 2'd0;
          kill_d  = 1'b0;
          res_d   = 30'd0;
          ea_d    = entry_addr(root_i[31:2], 2'd0, start_id_i);
          fault_d = F_NONE;
          if (!root_i[0]) begin
            fault_d = F_DISABLED;
            state_d = StResp;
          end else if ((start_id_i & RANGE_MASK) != 32'd0) begin
            fault_d = F_RANGE;
            state_d = StResp;
          end else begin
            state_d = StFetch;
          end
        end
      end
      StFetch: begin
        if (kill_q) begin        // killed with no read open: restart, no read
          restart;
        end else if (wc_use) begin
          lvl_d = lvl_q + 2'd1;
          ea_d  = entry_addr(wc_data_i, lvl_q + 2'd1, id_q);
        end else if (mem_req_ready_i) begin
          state_d = StWait;
        end
      end
      StWait: begin
        if (mem_rsp_valid_i) begin
          if (kill_d) begin      // killed while the read was open: drop its data
            restart;
          end else if (mem_rsp_err_i) begin
            fault_d = F_BUS;
            state_d = StResp;
          end else if (!mem_rsp_data_i[0] || (!mem_rsp_data_i[1] && lvl_q == LAST)) begin
            fault_d = F_INVALID;
            state_d = StResp;
          end else if (mem_rsp_data_i[1]) begin
            res_d   = mem_rsp_data_i[31:2];
            state_d = StResp;
          end else begin
            wc_ins  = wc_on;
            lvl_d   = lvl_q + 2'd1;
            ea_d    = entry_addr(mem_rsp_data_i[31:2], lvl_q + 2'd1, id_q);
            state_d = StFetch;
          end
        end
      end
      default: begin  // StResp
        state_d = StIdle;
      end
    endcase
  end

  // the refill: an if rather than one expression, so that a simulator tests
  // the state alone outside RESP (an idle walker's cycle, a CTLB hit's)
  reg fill;
  always @(*) begin : refill
    fill = 1'b0;
    if (state_q == StResp) fill = (fault_q == F_NONE) && !kill_d;
  end

  always @(posedge clk_i or negedge rst_ni) begin : regs
    if (!rst_ni) begin
      state_q <= StIdle;
      id_q    <= 32'd0;
      lvl_q   <= 2'd0;
      ea_q    <= 32'd0;
      res_q   <= 30'd0;
      fault_q <= F_NONE;
      kill_q  <= 1'b0;
    end else if (in_walk || start_i) begin  // (idle without a start: every x_d is x_q)
      state_q <= state_d;
      id_q    <= id_d;
      lvl_q   <= lvl_d;
      ea_q    <= ea_d;
      res_q   <= res_d;
      fault_q <= fault_d;
      kill_q  <= kill_d;
    end
  end

  // ------------------------------------------------------------------------
  // Outputs
  // ------------------------------------------------------------------------
  assign idle_o          = !in_walk;
  assign rsp_valid_o     = (state_q == StResp);
  assign rsp_fault_o     = fault_q;
  assign rsp_addr_o      = (fault_q == F_NONE) ? {res_q, 2'b00} : 32'd0;
  assign fill_o          = fill;
  assign fill_id_o       = id_q;
  assign fill_addr_o     = res_q;
  assign mem_req_valid_o = (state_q == StFetch) && !wc_use && !kill_q;
  assign mem_req_addr_o  = ea_q;
  assign wc_key_o        = ea_q[31:2];
  assign wc_use_o        = wc_use;
  assign wc_ins_o        = wc_ins;
  assign wc_ins_key_o    = ea_q[31:2];
  assign wc_ins_data_o   = mem_rsp_data_i[31:2];

`ifdef CTLB_ASSERT_ON
  // ------------------------------------------------------------------------
  // Invariants (rtl/ctlb_assert.vh): at most one memory read outstanding (none
  // requested while one is), and the walker waits exactly while one is. The
  // open read is tracked from the handshake alone: set when a read is accepted,
  // cleared by the response to it (responses with no read open are ignored).
  // ------------------------------------------------------------------------
  reg a_open_q;
  always @(posedge clk_i or negedge rst_ni) begin : a_reads
    if (!rst_ni)                               a_open_q <= 1'b0;
    else if (mem_req_valid_o && mem_req_ready_i) a_open_q <= 1'b1;
    else if (mem_rsp_valid_i)                  a_open_q <= 1'b0;
  end
  `CTLB_ASSERT_AT begin : assertions
    // (one guard, as in ctlb_assert.vh: true if either fails)
    if (rst_ni && (a_open_q ? (mem_req_valid_o || state_q != StWait) : (state_q == StWait))) begin
      `CTLB_ASSERT(!(mem_req_valid_o && a_open_q), "ctlb_walker: a memory read requested while one is outstanding")
      `CTLB_ASSERT(a_open_q == (state_q == StWait), "ctlb_walker: WAIT without an outstanding read, or a read outstanding outside WAIT")
    end
  end
`endif

`ifndef SYNTHESIS
  // Simulation only: the state's name, for waveform viewers (GTKWave shows it
  // as text); no logic reads it by design, hence the waiver.
  /* verilator lint_off UNUSEDSIGNAL */
  reg [8*8-1:0] dbg_ascii_state;
  /* verilator lint_on UNUSEDSIGNAL */
  always @(*) begin
    case (state_q)
      StIdle:  dbg_ascii_state = "IDLE";
      StFetch: dbg_ascii_state = "FETCH";
      StWait:  dbg_ascii_state = "WAIT";
      default: dbg_ascii_state = "RESP";
    endcase
  end
`endif

endmodule
