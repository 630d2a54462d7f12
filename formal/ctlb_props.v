// ctlb_props: formal harness of ctlb_top (Yosys `read_verilog -formal`).
//
// The environment (reset, the memory read port's contract) is assumed; the
// properties of docs/formal.md are asserted, each under its own define, so a
// job checks one property (formal/run.py passes -DCHECK_P<n>). A ghost model
// tracks one arbitrary ID (`f_x`, an anyconst) from the outside of the RTL:
// the walk that may fill it, the data that walk read, the invalidates and
// flushes since. A walk of the tracked ID killed by an invalidate of it or a
// flush restarts from the root (docs/accelerator.md section 6), so the ghost
// takes the last read before the answer as the leaf. Define FAIR for the
// bounded-response property's memory (always ready, every read answered
// within MaxLat cycles).
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
  input  wire [31:0] mem_rsp_data_f,
  input  wire        patch_i          // P2: the environment patches X's path now
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
  reg  [31:0] g_last  = 32'd0;                         // the data of the last read
  reg         g_rk    = 1'b0;                          // the open read's walk was killed
  wire        inv     = rst_ni && inv_valid_i;
  wire        g_kill  = g_busy && inv && (inv_all_i || inv_id_i == g_wid);
  wire        flush   = inv && inv_all_i;
  // a refill of the CTLB happens at this edge: a killed walk restarts, so its
  // answer is the restarted walk's; an invalidate in the answer's own cycle
  // cancels the refill (section 6)
  wire        g_fill  = g_busy && w_rsp && rsp_fault == 3'd0 && !g_kill;
  // the answer to a read is dropped if the walk was killed while it was open
  // (from the cycle it was accepted to the cycle of the answer)
  wire        g_drop  = mem_rsp && (g_rk || g_kill);
  always @(posedge clk_i) begin
    if (start) begin
      g_busy  <= 1'b1;
      g_wid   <= req_id_i;
    end else if (rst_ni && w_rsp) begin
      g_busy <= 1'b0;
    end
    if (mem_rsp) g_last <= mem_rsp_data_i;
    if (mem_rsp) g_rk <= 1'b0;
    else if (g_kill && (mem_acc || f_out != 2'd0)) g_rk <= 1'b1;
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
  // P2 table: memory holds arbitrary entries on X's path, the table `i`, and
  // the environment may patch it once (patch_i) into the table `p`: the
  // entries change at that edge, and the patch's invalidate of X (a flush if
  // an entry above the last level changed) comes in the next cycle, in which
  // a read on a path both tables share may still return the old entry. Every
  // answer for X without a fault (a hit, or a walk's answer) is X's leaf in
  // the table as the invalidates have published it: `i` up to the cycle of the
  // patch's invalidate, `p` after it. The root register is constant.
  // ------------------------------------------------------------------------
  localparam integer B0 = LevelBits0;
  localparam integer B1 = (Levels > 1) ? LevelBits1 : 0;
  localparam integer B2 = (Levels > 2) ? LevelBits2 : 0;
  localparam integer B3 = (Levels > 3) ? LevelBits3 : 0;
  localparam integer W  = B0 + B1 + B2 + B3;
  (* anyconst *) reg [31:0] f_root_any;
  wire [31:0] f_root = f_root_any & DATA_MASK;
  (* anyconst *) reg [31:0] i0_any, i1_any, i2_any, i3_any, p0_any, p1_any, p2_any, p3_any;
  wire [31:0] i0 = i0_any & DATA_MASK, i1 = i1_any & DATA_MASK;
  wire [31:0] i2 = i2_any & DATA_MASK, i3 = i3_any & DATA_MASK;
  wire [31:0] p0 = p0_any & DATA_MASK, p1 = p1_any & DATA_MASK;
  wire [31:0] p2 = p2_any & DATA_MASK, p3 = p3_any & DATA_MASK;
  always @(*) assume (root_i == f_root);
  reg g_patched = 1'b0;   // memory holds `p` (from the edge of the patch on)
  reg g_pinv    = 1'b0;   // the cycle of the patch's invalidate
  reg g_pub     = 1'b0;   // the patch's invalidate is done: answers are `p`'s
  always @(posedge clk_i) begin
    if (rst_ni && patch_i) g_patched <= 1'b1;
    g_pinv <= rst_ni && patch_i && !g_patched;
    if (g_pinv) g_pub <= 1'b1;
  end
  wire upper_changed = (Levels > 1 && p0 != i0) || (Levels > 2 && p1 != i1) ||
                       (Levels > 3 && p2 != i2);
  always @(*) begin
    if (g_pinv) assume (inv_valid_i && (inv_all_i || (inv_id_i == f_x && !upper_changed)));
  end
  // index of level l: ID bits [S_l + B_l - 1 : S_l], S_l = W - (B_0 + ... + B_l)
  function [31:0] idx;
    input [31:0] id;
    input integer shift;
    input integer bits;
    begin
      idx = (id >> shift) & ((32'd1 << bits) - 32'd1);
    end
  endfunction
  // the entry addresses of X's path in a table whose entries are t0..t2
  function [31:0] at;
    input integer l;
    input [31:0] t0, t1, t2;
    begin
      case (l)
        0:       at = {f_root[31:2], 2'b00} + (idx(f_x, W - B0, B0) << 2);
        1:       at = {t0[31:2], 2'b00} + (idx(f_x, W - B0 - B1, B1) << 2);
        2:       at = {t1[31:2], 2'b00} + (idx(f_x, W - B0 - B1 - B2, B2) << 2);
        default: at = {t2[31:2], 2'b00} + (idx(f_x, 0, B3) << 2);
      endcase
    end
  endfunction
  wire [31:0] ai0 = at(0, i0, i1, i2), ai1 = at(1, i0, i1, i2);
  wire [31:0] ai2 = at(2, i0, i1, i2), ai3 = at(3, i0, i1, i2);
  wire [31:0] ap0 = at(0, p0, p1, p2), ap1 = at(1, p0, p1, p2);
  wire [31:0] ap2 = at(2, p0, p1, p2), ap3 = at(3, p0, p1, p2);
  wire [31:0] d   = mem_rsp_data_i;
  always @(*) begin
    if (mem_rsp && !mem_rsp_err_i) begin
      if (!g_patched) begin
        if (f_oaddr == ai0)               assume (d == i0);
        if (Levels > 1 && f_oaddr == ai1) assume (d == i1);
        if (Levels > 2 && f_oaddr == ai2) assume (d == i2);
        if (Levels > 3 && f_oaddr == ai3) assume (d == i3);
      end else if (!g_pinv) begin
        if (f_oaddr == ap0)               assume (d == p0);
        if (Levels > 1 && f_oaddr == ap1) assume (d == p1);
        if (Levels > 2 && f_oaddr == ap2) assume (d == p2);
        if (Levels > 3 && f_oaddr == ap3) assume (d == p3);
      end else begin  // the invalidate's cycle: old or new where the paths meet
        if (f_oaddr == ap0 && f_oaddr == ai0)               assume (d == p0 || d == i0);
        if (Levels > 1 && f_oaddr == ap1 && f_oaddr == ai1) assume (d == p1 || d == i1);
        if (Levels > 2 && f_oaddr == ap2 && f_oaddr == ai2) assume (d == p2 || d == i2);
        if (Levels > 3 && f_oaddr == ap3 && f_oaddr == ai3) assume (d == p3 || d == i3);
      end
    end
  end
  // the translation of X by a table (section 2): {valid, address bits 31:2}
  function [30:0] xlate;
    input [31:0] e0, e1, e2, e3;
    begin
      if (!f_root[0] || (W < 32 && (f_x >> W) != 32'd0)) xlate = 31'd0;
      else if (e0[0] && e0[1])                           xlate = {1'b1, e0[31:2]};
      else if (!e0[0] || Levels == 1)                    xlate = 31'd0;
      else if (e1[0] && e1[1])                           xlate = {1'b1, e1[31:2]};
      else if (!e1[0] || Levels == 2)                    xlate = 31'd0;
      else if (e2[0] && e2[1])                           xlate = {1'b1, e2[31:2]};
      else if (!e2[0] || Levels == 3)                    xlate = 31'd0;
      else if (e3[0] && e3[1])                           xlate = {1'b1, e3[31:2]};
      else                                               xlate = 31'd0;
    end
  endfunction
  wire [30:0] t_now = g_pub ? xlate(p0, p1, p2, p3) : xlate(i0, i1, i2, i3);
  wire        t_ok   = t_now[30];
  wire [29:0] t_addr = t_now[29:0];
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
  // (a killed walk restarts, section 6: from its last kill it answers within
  // MaxLat more cycles, the wait for the read it had open)
  localparam integer BOUND = Levels * (1 + MaxLat) + 1;
  localparam integer BOUND_K = BOUND + MaxLat;
  reg [5:0] g_cyc = 6'd0;      // cycles since the request, or since the last kill
  reg       g_kd  = 1'b0;      // the walk in flight was killed
  always @(posedge clk_i) begin
    if (start) begin
      g_cyc <= 6'd1;
      g_kd  <= 1'b0;
    end else if (g_kill && !w_rsp) begin
      g_cyc <= 6'd1;
      g_kd  <= 1'b1;
    end else if (g_busy && g_cyc != 6'd63) g_cyc <= g_cyc + 6'd1;
  end
  always @(*) if (rst_ni && g_busy) assert (g_cyc <= (g_kd ? BOUND_K[5:0] : BOUND[5:0]));
`endif

`ifdef CHECK_P5
  // ------------------------------------------------------------------------
  // P5 after a flush: no CTLB hit until a refill, no walk-cache hit until a
  // walk-cache insert (a valid non-leaf entry read by a walk not killed)
  // ------------------------------------------------------------------------
  reg             g_tlb_empty = 1'b0;
  reg             g_wc_empty  = 1'b0;
  wire            g_ins = g_busy && mem_rsp && !mem_rsp_err_i && mem_rsp_data_i[0] &&
                          !mem_rsp_data_i[1] && !g_drop;
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

  wire unused = ^{busy, c_wc_rd, mem_req_addr, g_wid, g_last, g_fill, g_drop, f_oaddr, f_x, x_hit,
                  patch_i};

endmodule
