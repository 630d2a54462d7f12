// ctlb_props: formal harness of ctlb_top (Yosys `read_verilog -formal`).
//
// The environment (reset, the memory read port's contract) is assumed; the
// properties of docs/formal.md are asserted, each under its own define, so a
// job checks one property (formal/run.py passes -DCHECK_P<n>). A ghost model
// tracks one arbitrary ID (`f_x`, an anyconst) from the outside of the RTL:
// the walk that may fill it, the data that walk read, the invalidates and
// flushes since. Define FAIR for the bounded-response property's memory
// (always ready, every read answered within MaxLat cycles) and STABLE_ROOT for
// the table property (root register constant).
// The replacement-state property (P6) is an assertion inside rtl/ctlb_tlb.v
// (`ifdef FORMAL`), active in every job.

module ctlb_props #(
  parameter integer Entries    = 64,
  parameter integer Ways       = 4,
  parameter integer Policy     = 0,
  parameter integer Levels     = 3,
  parameter integer LevelBits0 = 12,
  parameter integer LevelBits1 = 10,
  parameter integer LevelBits2 = 10,
  parameter integer LevelBits3 = 0,
  parameter integer WalkCache  = 0,
  parameter integer MaxLat     = 2,    // FAIR: the longest read latency in cycles
  // the environment drives only the low IdBits of the IDs and DataBits of the
  // read data (the rest 0): small proofs keep the state space small
  parameter integer IdBits     = 32,
  parameter integer DataBits   = 32
) (
  input  wire        clk_i,
  input  wire        rst_ni,
  input  wire        req_valid_i,
  input  wire [31:0] req_id_f,
  input  wire        inv_valid_i,
  input  wire        inv_all_i,
  input  wire [31:0] inv_id_f,
  input  wire [31:0] root_f,
  input  wire        mem_req_ready_i,
  input  wire        mem_rsp_valid_i,
  input  wire        mem_rsp_err_i,
  input  wire [31:0] mem_rsp_data_f
);

  localparam [31:0] ID_MASK   = (IdBits >= 32) ? 32'hffff_ffff : ((32'd1 << IdBits) - 32'd1);
  localparam [31:0] DATA_MASK = (DataBits >= 32) ? 32'hffff_ffff : ((32'd1 << DataBits) - 32'd1);
  wire [31:0] req_id_i       = req_id_f & ID_MASK;
  wire [31:0] inv_id_i       = inv_id_f & ID_MASK;
  wire [31:0] mem_rsp_data_i = mem_rsp_data_f & DATA_MASK;
  wire [31:0] root_i         = root_f & DATA_MASK;

  localparam integer CNT_W = 4;   // counters: only the changes of one are observed

  wire              req_ready, rsp_valid, rsp_hit, mem_req_valid, busy;
  wire [2:0]        rsp_fault;
  wire [31:0]       rsp_addr, mem_req_addr;
  wire [CNT_W-1:0]  c_wc_rd;          // the walk-cache hits counter one cycle ago

  ctlb_top #(
    .Entries    (Entries),
    .Ways       (Ways),
    .Policy     (Policy),
    .Levels     (Levels),
    .LevelBits0 (LevelBits0),
    .LevelBits1 (LevelBits1),
    .LevelBits2 (LevelBits2),
    .LevelBits3 (LevelBits3),
    .WalkCache  (WalkCache),
    .CntWidth   (CNT_W)
  ) u_dut (
    .clk_i               (clk_i),
    .rst_ni              (rst_ni),
    .req_valid_i         (req_valid_i),
    .req_id_i            (req_id_i),
    .req_ready_o         (req_ready),
    .rsp_valid_o         (rsp_valid),
    .rsp_hit_o           (rsp_hit),
    .rsp_fault_o         (rsp_fault),
    .rsp_addr_o          (rsp_addr),
    .inv_valid_i         (inv_valid_i),
    .inv_all_i           (inv_all_i),
    .inv_id_i            (inv_id_i),
    .root_i              (root_i),
    .mem_req_valid_o     (mem_req_valid),
    .mem_req_addr_o      (mem_req_addr),
    .mem_req_ready_i     (mem_req_ready_i),
    .mem_rsp_valid_i     (mem_rsp_valid_i),
    .mem_rsp_err_i       (mem_rsp_err_i),
    .mem_rsp_data_i      (mem_rsp_data_i),
    .busy_o              (busy),
    .cnt_sel_i           (3'd5),       // the walk-cache hits, read in every cycle (P5)
    .cnt_rd_i            (1'b1),
    .cnt_rdata_o         (c_wc_rd)
  );

  // ------------------------------------------------------------------------
  // Reset: low in the first cycle only
  // ------------------------------------------------------------------------
  reg f_past = 1'b0;
  always @(posedge clk_i) f_past <= 1'b1;
  always @(*) begin
    if (!f_past) assume (!rst_ni);
    else         assume (rst_ni);
  end

  // ------------------------------------------------------------------------
  // Memory read port: every accepted read gets exactly one response, at the
  // earliest in the cycle after it was accepted (f_out counts open reads)
  // ------------------------------------------------------------------------
  wire       mem_acc = rst_ni && mem_req_valid && mem_req_ready_i;
  wire       mem_rsp = rst_ni && mem_rsp_valid_i;
  reg  [1:0] f_out = 2'd0;          // reads accepted and not yet answered
  reg [31:0] f_oaddr = 32'd0;       // address of the last accepted read
  reg  [3:0] f_age = 4'd0;          // cycles since the open read was accepted
  always @(*) if (f_out == 2'd0) assume (!mem_rsp_valid_i);
  always @(posedge clk_i) begin
    f_out <= f_out + {1'b0, mem_acc} - {1'b0, mem_rsp};
    if (mem_acc) f_oaddr <= mem_req_addr;
    if (mem_acc) f_age <= 4'd1;
    else if (f_age != 4'd15) f_age <= f_age + 4'd1;
  end
`ifdef FAIR
  always @(*) begin
    assume (mem_req_ready_i);
    if (f_out != 2'd0 && f_age >= MaxLat[3:0]) assume (mem_rsp_valid_i);
  end
`endif

  // ------------------------------------------------------------------------
  // Ghost model of the walker, seen from the ports
  // ------------------------------------------------------------------------
  wire        acc     = rst_ni && req_valid_i && req_ready;
  wire        hit     = rsp_valid && rsp_hit;
  wire        start   = acc && !hit;                   // an accepted miss
  wire        w_rsp   = rsp_valid && !rsp_hit;         // the walker's answer
  reg         g_busy  = 1'b0;                          // a walk in flight
  reg  [31:0] g_wid   = 32'd0;                         // its ID
  reg         g_clean = 1'b0;                          // no invalidate of it, no flush yet
  reg  [31:0] g_last  = 32'd0;                         // the data of its last read
  wire        inv     = rst_ni && inv_valid_i;
  wire        g_kill  = inv && (inv_all_i || inv_id_i == g_wid);
  wire        flush   = inv && inv_all_i;
  // a refill of the CTLB happens at this edge (section 6: not after a kill)
  wire        g_fill  = g_busy && w_rsp && rsp_fault == 3'd0 && g_clean && !g_kill;
  always @(posedge clk_i) begin
    if (start) begin
      g_busy  <= 1'b1;
      g_wid   <= req_id_i;
      g_clean <= 1'b1;
    end else begin
      if (g_busy && g_kill) g_clean <= 1'b0;
      if (rst_ni && w_rsp) g_busy <= 1'b0;
    end
    if (mem_rsp) g_last <= mem_rsp_data_i;
  end

  // the arbitrary ID of the ghost model
  (* anyconst *) reg [31:0] f_x_any;
  wire [31:0] f_x = f_x_any & ID_MASK;
  wire x_hit = hit && req_id_i == f_x;

`ifdef CHECK_P1
  // ------------------------------------------------------------------------
  // P1 no stale translation: a hit for X returns what the last clean walk of X
  // read, and no invalidate of X or flush came after it
  // ------------------------------------------------------------------------
  reg        g_ok = 1'b0;
  reg [29:0] g_x  = 30'd0;
  always @(posedge clk_i) begin
    if (inv && (inv_all_i || inv_id_i == f_x)) g_ok <= 1'b0;
    else if (g_fill && g_wid == f_x) begin
      g_ok <= 1'b1;
      g_x  <= g_last[31:2];
    end
  end
  always @(*) if (rst_ni && x_hit) assert (g_ok && rsp_addr == {g_x, 2'b00});
`endif

`ifdef CHECK_P2
  // ------------------------------------------------------------------------
  // P2 table: memory holds arbitrary but stable entries e[l] on X's path; a hit
  // for X (and the walker's answer for X) is the leaf of that path
  // ------------------------------------------------------------------------
  localparam integer B0 = LevelBits0;
  localparam integer B1 = (Levels > 1) ? LevelBits1 : 0;
  localparam integer B2 = (Levels > 2) ? LevelBits2 : 0;
  localparam integer B3 = (Levels > 3) ? LevelBits3 : 0;
  localparam integer W  = B0 + B1 + B2 + B3;
  (* anyconst *) reg [31:0] f_root_any;
  wire [31:0] f_root = f_root_any & DATA_MASK;
  (* anyconst *) reg [31:0] e0_any, e1_any, e2_any, e3_any;
  wire [31:0] e0 = e0_any & DATA_MASK, e1 = e1_any & DATA_MASK;
  wire [31:0] e2 = e2_any & DATA_MASK, e3 = e3_any & DATA_MASK;
  always @(*) assume (root_i == f_root);
  // index of level l: ID bits [S_l + B_l - 1 : S_l], S_l = W - (B_0 + ... + B_l)
  function [31:0] idx;
    input [31:0] id;
    input integer shift;
    input integer bits;
    begin
      idx = (id >> shift) & ((32'd1 << bits) - 32'd1);
    end
  endfunction
  wire [31:0] a0 = {f_root[31:2], 2'b00} + (idx(f_x, W - B0, B0) << 2);
  wire [31:0] a1 = {e0[31:2], 2'b00} + (idx(f_x, W - B0 - B1, B1) << 2);
  wire [31:0] a2 = {e1[31:2], 2'b00} + (idx(f_x, W - B0 - B1 - B2, B2) << 2);
  wire [31:0] a3 = {e2[31:2], 2'b00} + (idx(f_x, 0, B3) << 2);
  always @(*) begin
    if (mem_rsp && !mem_rsp_err_i) begin
      if (f_oaddr == a0)                 assume (mem_rsp_data_i == e0);
      if (Levels > 1 && f_oaddr == a1)   assume (mem_rsp_data_i == e1);
      if (Levels > 2 && f_oaddr == a2)   assume (mem_rsp_data_i == e2);
      if (Levels > 3 && f_oaddr == a3)   assume (mem_rsp_data_i == e3);
    end
  end
  // the translation of X by the table (section 2)
  reg        t_ok;
  reg [29:0] t_addr;
  always @(*) begin
    t_ok   = 1'b0;
    t_addr = 30'd0;
    if (!f_root[0] || (W < 32 && (f_x >> W) != 32'd0)) t_ok = 1'b0;
    else if (e0[0] && e0[1])                           begin t_ok = 1'b1; t_addr = e0[31:2]; end
    else if (!e0[0] || Levels == 1)                    t_ok = 1'b0;
    else if (e1[0] && e1[1])                           begin t_ok = 1'b1; t_addr = e1[31:2]; end
    else if (!e1[0] || Levels == 2)                    t_ok = 1'b0;
    else if (e2[0] && e2[1])                           begin t_ok = 1'b1; t_addr = e2[31:2]; end
    else if (!e2[0] || Levels == 3)                    t_ok = 1'b0;
    else if (e3[0] && e3[1])                           begin t_ok = 1'b1; t_addr = e3[31:2]; end
  end
  always @(*) begin
    if (rst_ni && x_hit) assert (t_ok && rsp_addr == {t_addr, 2'b00});
    if (rst_ni && g_busy && w_rsp && g_wid == f_x && rsp_fault == 3'd0)
      assert (t_ok && rsp_addr == {t_addr, 2'b00});
  end
`endif

`ifdef CHECK_P3
  // ------------------------------------------------------------------------
  // P3 at most one read outstanding; req_ready low exactly while a walk is in
  // flight (from the edge after the accepted miss to the edge of its answer)
  // ------------------------------------------------------------------------
  always @(*) begin
    if (rst_ni) begin
      assert (f_out <= 2'd1);
      if (mem_req_valid) assert (f_out == 2'd0);
      assert (req_ready == !g_busy);
      assert (busy == g_busy);
    end
  end
`endif

`ifdef CHECK_P4
  // ------------------------------------------------------------------------
  // P4 bounded response (with FAIR): the walker answers an accepted miss at
  // cycle Levels * (1 + MaxLat) + 1 at the latest (the request cycle is 0)
  // ------------------------------------------------------------------------
  localparam integer BOUND = Levels * (1 + MaxLat) + 1;
  reg [5:0] g_cyc = 6'd0;      // cycle of the walk in flight, counted from its request
  always @(posedge clk_i) begin
    if (start) g_cyc <= 6'd1;
    else if (g_busy && g_cyc != 6'd63) g_cyc <= g_cyc + 6'd1;
  end
  always @(*) if (rst_ni && g_busy) assert (g_cyc <= BOUND[5:0]);
`endif

`ifdef CHECK_P5
  // ------------------------------------------------------------------------
  // P5 after a flush: no CTLB hit until a refill, no walk-cache hit until a
  // walk-cache insert (a valid non-leaf entry read by a walk not killed)
  // ------------------------------------------------------------------------
  reg             g_tlb_empty = 1'b0;
  reg             g_wc_empty  = 1'b0;
  wire            g_ins = g_busy && mem_rsp && !mem_rsp_err_i && mem_rsp_data_i[0] &&
                          !mem_rsp_data_i[1] && g_clean && !g_kill;
  reg [CNT_W-1:0] g_wc_rd = {CNT_W{1'b0}};
  reg             g_wc_empty_q = 1'b0, g_wc_empty_q2 = 1'b0;
  reg       [1:0] g_age = 2'd0;
  always @(posedge clk_i) begin
    if (flush) g_tlb_empty <= 1'b1;
    else if (g_fill) g_tlb_empty <= 1'b0;
    if (flush) g_wc_empty <= 1'b1;
    else if (g_ins) g_wc_empty <= 1'b0;
    g_wc_rd       <= c_wc_rd;
    g_wc_empty_q  <= g_wc_empty;
    g_wc_empty_q2 <= g_wc_empty_q;
    if (g_age != 2'd3) g_age <= g_age + 2'd1;
  end
  always @(*) begin
    if (rst_ni && g_tlb_empty) assert (!hit);
    // a walk-cache hit two cycles ago stepped the counter in the last cycle,
    // which the read port shows now
    if (rst_ni && g_age == 2'd3 && g_wc_empty_q2) assert (c_wc_rd == g_wc_rd);
  end
`endif

  wire unused = ^{busy, c_wc_rd, mem_req_addr, g_wid, g_last, g_fill, f_oaddr, f_x, x_hit};

endmodule
