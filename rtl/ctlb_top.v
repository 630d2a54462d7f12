// ctlb_top: the call-translation accelerator.
//
// CPU request port (a CTLB hit answers in the request cycle), memory read port
// of the table walker, always-ready invalidate/flush port, root register
// input, eight CntWidth-bit performance counters behind a read port (select +
// registered data, like a CSR block). `busy_o` low means: with idle inputs (no
// request, no invalidate, no memory response, no counter read) the next edge
// changes no state, so the clock may be stopped.
// docs/accelerator.md is the cycle-level description.

`ifdef CTLB_ASSERTS  // the invariant assertions: -DCTLB_ASSERTS -I rtl
`include "ctlb_assert.vh"
`endif

module ctlb_top #(
  parameter integer Entries    = 64,
  parameter integer Ways       = 4,
  parameter integer Policy     = 0,      // 0 LRU, 1 tree-PLRU, 2 FIFO, 3 RANDOM
  parameter integer Levels     = 3,
  parameter integer LevelBits0 = 12,
  parameter integer LevelBits1 = 10,
  parameter integer LevelBits2 = 10,
  parameter integer LevelBits3 = 0,
  parameter integer WalkCache  = 0,
  parameter integer LfsrSeed   = 'hACE1,
  parameter integer CntWidth   = 64
) (
  input  wire        clk_i,
  input  wire        rst_ni,

  // CPU request port
  input  wire        req_valid_i,
  input  wire [31:0] req_id_i,
  output wire        req_ready_o,
  output wire        rsp_valid_o,
  output wire        rsp_hit_o,
  output wire [2:0]  rsp_fault_o,
  output wire [31:0] rsp_addr_o,

  // invalidate port (always ready)
  input  wire        inv_valid_i,
  input  wire        inv_all_i,
  input  wire [31:0] inv_id_i,

  // root register: bits 31:2 table base, bit 0 enable
  input  wire [31:0] root_i,

  // memory read port of the walker
  output wire        mem_req_valid_o,
  output wire [31:0] mem_req_addr_o,
  input  wire        mem_req_ready_i,
  input  wire        mem_rsp_valid_i,
  input  wire        mem_rsp_err_i,
  input  wire [31:0] mem_rsp_data_i,

  // status, and the read port of the performance counters: at the edge of a
  // cycle with cnt_rd_i, cnt_rdata_o takes the value the counter cnt_sel_i
  // holds in that cycle (0 lookups, 1 hits, 2 misses, 3 walk cycles, 4 memory
  // reads, 5 walk-cache hits, 6 invalidations, 7 faults)
  output wire                busy_o,
  input  wire [2:0]          cnt_sel_i,
  input  wire                cnt_rd_i,
  output reg  [CntWidth-1:0] cnt_rdata_o
);

  // Parameter check (the others are in the submodules): an illegal value
  // instantiates a module that does not exist, named after the parameter
  generate
    if (CntWidth < 2 || CntWidth > 64) begin : g_bad_cnt_width
      ctlb_illegal_parameter_CntWidth_must_be_2_to_64 u_stop ();
    end
  endgenerate

  // ------------------------------------------------------------------------
  // CTLB
  // ------------------------------------------------------------------------
  wire        walker_idle;
  wire        lkp_hit;
  wire [29:0] lkp_addr;
  wire        fill;
  wire [31:0] fill_id;
  wire [29:0] fill_addr;

  wire accept = req_valid_i && walker_idle;
  wire hit    = accept && lkp_hit;
  wire miss   = accept && !lkp_hit;

  ctlb_tlb #(
    .Entries  (Entries),
    .Ways     (Ways),
    .Policy   (Policy),
    .LfsrSeed (LfsrSeed)
  ) u_tlb (
    .clk_i       (clk_i),
    .rst_ni      (rst_ni),
    .lkp_id_i    (req_id_i),
    .lkp_touch_i (accept),
    .lkp_hit_o   (lkp_hit),
    .lkp_addr_o  (lkp_addr),
    .fill_i      (fill),
    .fill_id_i   (fill_id),
    .fill_addr_i (fill_addr),
    .inv_i       (inv_valid_i),
    .inv_all_i   (inv_all_i),
    .inv_id_i    (inv_id_i)
  );

  // ------------------------------------------------------------------------
  // Walker and walk cache
  // ------------------------------------------------------------------------
  wire        w_rsp_valid;
  wire [2:0]  w_rsp_fault;
  wire [31:0] w_rsp_addr;
  wire [29:0] wc_key, wc_data, wc_ins_key, wc_ins_data;
  wire        wc_hit, wc_use, wc_ins;

  ctlb_walker #(
    .Levels     (Levels),
    .LevelBits0 (LevelBits0),
    .LevelBits1 (LevelBits1),
    .LevelBits2 (LevelBits2),
    .LevelBits3 (LevelBits3),
    .WalkCache  (WalkCache)
  ) u_walker (
    .clk_i           (clk_i),
    .rst_ni          (rst_ni),
    .start_i         (miss),
    .start_id_i      (req_id_i),
    .root_i          (root_i),
    .inv_i           (inv_valid_i),
    .inv_all_i       (inv_all_i),
    .inv_id_i        (inv_id_i),
    .idle_o          (walker_idle),
    .rsp_valid_o     (w_rsp_valid),
    .rsp_fault_o     (w_rsp_fault),
    .rsp_addr_o      (w_rsp_addr),
    .fill_o          (fill),
    .fill_id_o       (fill_id),
    .fill_addr_o     (fill_addr),
    .mem_req_valid_o (mem_req_valid_o),
    .mem_req_addr_o  (mem_req_addr_o),
    .mem_req_ready_i (mem_req_ready_i),
    .mem_rsp_valid_i (mem_rsp_valid_i),
    .mem_rsp_err_i   (mem_rsp_err_i),
    .mem_rsp_data_i  (mem_rsp_data_i),
    .wc_key_o        (wc_key),
    .wc_hit_i        (wc_hit),
    .wc_data_i       (wc_data),
    .wc_use_o        (wc_use),
    .wc_ins_o        (wc_ins),
    .wc_ins_key_o    (wc_ins_key),
    .wc_ins_data_o   (wc_ins_data)
  );

  generate
    if (WalkCache > 0) begin : g_wcache
      ctlb_wcache #(
        .Size (WalkCache)
      ) u_wcache (
        .clk_i      (clk_i),
        .rst_ni     (rst_ni),
        .lkp_key_i  (wc_key),
        .lkp_hit_o  (wc_hit),
        .lkp_data_o (wc_data),
        .ins_i      (wc_ins),
        .ins_key_i  (wc_ins_key),
        .ins_data_i (wc_ins_data),
        .flush_i    (inv_valid_i && inv_all_i)
      );
    end else begin : g_no_wcache
      assign wc_hit  = 1'b0;
      assign wc_data = 30'd0;
      // the walker never inserts without a walk cache
      wire unused_wc = ^{wc_key, wc_ins, wc_ins_key, wc_ins_data};
    end
  endgenerate

  // ------------------------------------------------------------------------
  // Outputs
  // ------------------------------------------------------------------------
  assign req_ready_o = walker_idle;
  assign rsp_valid_o = hit || w_rsp_valid;
  assign rsp_hit_o   = hit;
  assign rsp_fault_o = hit ? 3'd0 : w_rsp_fault;
  assign rsp_addr_o  = hit ? {lkp_addr, 2'b00} : w_rsp_addr;
  assign busy_o      = !walker_idle;

  // ------------------------------------------------------------------------
  // Performance counters and their read port
  // ------------------------------------------------------------------------
  reg [CntWidth-1:0] cnt_lookups_q, cnt_hits_q, cnt_misses_q, cnt_walk_cycles_q;
  reg [CntWidth-1:0] cnt_mem_reads_q, cnt_wc_hits_q, cnt_invalidations_q, cnt_faults_q;
  wire [CntWidth-1:0] one = {{(CntWidth-1){1'b0}}, 1'b1};
  always @(posedge clk_i or negedge rst_ni) begin : counters
    if (!rst_ni) begin
      cnt_lookups_q       <= {CntWidth{1'b0}};
      cnt_hits_q          <= {CntWidth{1'b0}};
      cnt_misses_q        <= {CntWidth{1'b0}};
      cnt_walk_cycles_q   <= {CntWidth{1'b0}};
      cnt_mem_reads_q     <= {CntWidth{1'b0}};
      cnt_wc_hits_q       <= {CntWidth{1'b0}};
      cnt_invalidations_q <= {CntWidth{1'b0}};
      cnt_faults_q        <= {CntWidth{1'b0}};
      cnt_rdata_o         <= {CntWidth{1'b0}};
    end else begin
      // the read port, in the same block and before the counts: it reads the
      // values before this edge (a simulator then needs no copies of them)
      if (cnt_rd_i) begin
        case (cnt_sel_i)
          3'd0:    cnt_rdata_o <= cnt_lookups_q;
          3'd1:    cnt_rdata_o <= cnt_hits_q;
          3'd2:    cnt_rdata_o <= cnt_misses_q;
          3'd3:    cnt_rdata_o <= cnt_walk_cycles_q;
          3'd4:    cnt_rdata_o <= cnt_mem_reads_q;
          3'd5:    cnt_rdata_o <= cnt_wc_hits_q;
          3'd6:    cnt_rdata_o <= cnt_invalidations_q;
          default: cnt_rdata_o <= cnt_faults_q;
        endcase
      end
      // (nested by what each count needs, so that a simulator tests a hit's
      // cycle against a few conditions only: accept is a lookup, a hit or a
      // miss; reads, walk-cache hits and faults come only from a busy walker)
      if (accept) begin
        cnt_lookups_q <= cnt_lookups_q + one;
        if (lkp_hit) cnt_hits_q   <= cnt_hits_q + one;
        else         cnt_misses_q <= cnt_misses_q + one;
      end
      if (!walker_idle) begin
        cnt_walk_cycles_q <= cnt_walk_cycles_q + one;
        if (mem_req_valid_o && mem_req_ready_i) cnt_mem_reads_q <= cnt_mem_reads_q + one;
        if (wc_use)                             cnt_wc_hits_q   <= cnt_wc_hits_q + one;
        if (w_rsp_valid && w_rsp_fault != 3'd0) cnt_faults_q    <= cnt_faults_q + one;
      end
      if (inv_valid_i) cnt_invalidations_q <= cnt_invalidations_q + one;
    end
  end

`ifdef CTLB_ASSERT_ON
  // ------------------------------------------------------------------------
  // Invariant (rtl/ctlb_assert.vh): a CTLB hit and a walker answer never share
  // a cycle (a hit needs the walker idle, an answer comes in its RESP state)
  // ------------------------------------------------------------------------
  `CTLB_ASSERT_AT begin : assertions
    if (rst_ni && hit && w_rsp_valid)  // (the guard of ctlb_assert.vh)
      `CTLB_ASSERT(!(hit && w_rsp_valid), "ctlb_top: a CTLB hit and a walker answer in the same cycle")
  end
`endif

`ifndef SYNTHESIS
  // ------------------------------------------------------------------------
  // Simulation only (four-state simulators: Icarus): no X on the data of a
  // valid response or memory request (in reset the valid outputs are 0)
  // ------------------------------------------------------------------------
  always @(posedge clk_i) begin : x_checks
    if (rsp_valid_o && ((^{rsp_hit_o, rsp_fault_o, rsp_addr_o}) === 1'bx))
      $fatal(1, "ctlb_top: X on the response while rsp_valid_o");
    if (mem_req_valid_o && ((^mem_req_addr_o) === 1'bx))
      $fatal(1, "ctlb_top: X on mem_req_addr_o while mem_req_valid_o");
  end
`endif

endmodule
