// ctlb_bcast: the broadcast-invalidate interconnect between the harts'
// CTLBs (docs/platform.md "Shootdowns", docs/isa.md ctlb.bcast and
// ctlb.sync).
//
// Topology: point to point. Every hart has its own path of Latency cycles to
// every other hart's CTLB invalidate port, and each CTLB's acknowledgement
// comes back on its own path of Latency cycles; nothing is shared, so nothing
// waits and every latency is fixed:
//
// * a broadcast of hart h (req_valid_i[h]) in cycle E drives hart h's own
//   CTLB port in cycle E and every other hart's CTLB port in cycle
//   E + Latency;
// * it is complete in cycle E + 2 * Latency: done_o[h] is 1 in cycle t iff
//   no broadcast of hart h issued in cycles t - 2 * Latency + 1 .. t - 1 is
//   still on its way (a request in cycle t itself is not counted);
// * loc_valid_i[h] (hart h's ctlb.inv) drives hart h's own port in the same
//   cycle, as without the interconnect.
//
// Collisions: a CTLB has one invalidate port. When two or more requests
// (local, own broadcast, arrivals from other harts) reach it in one cycle,
// the port flushes (inv_all_o = 1, inv_id_o = 0), which invalidates every
// one of them; with exactly one the port carries it unchanged.

module ctlb_bcast #(
  parameter integer Harts   = 2,    // 1..16
  parameter integer Latency = 4     // 1..64: cycles to a remote CTLB, and back
) (
  input  wire               clk_i,
  input  wire               rst_ni,

  // per hart: ctlb.bcast (invalidate the ID, or all, in every CTLB)
  input  wire [Harts-1:0]    req_valid_i,
  input  wire [Harts-1:0]    req_all_i,
  input  wire [32*Harts-1:0] req_id_i,
  // per hart: ctlb.inv (its own CTLB only)
  input  wire [Harts-1:0]    loc_valid_i,
  input  wire [Harts-1:0]    loc_all_i,
  input  wire [32*Harts-1:0] loc_id_i,

  // per CTLB: its invalidate port (docs/accelerator.md section 6)
  output reg  [Harts-1:0]    inv_valid_o,
  output reg  [Harts-1:0]    inv_all_o,
  output reg  [32*Harts-1:0] inv_id_o,
  // per hart: every broadcast it issued has been performed at every CTLB
  output reg  [Harts-1:0]    done_o
);

  localparam integer DEPTH = 2 * Latency - 1;  // stages a request is counted in

  // ------------------------------------------------------------------------
  // Parameter checks (as in ctlb_wcache: an illegal value instantiates a
  // module that does not exist, named after the parameter)
  // ------------------------------------------------------------------------
  generate
    if (Harts < 1 || Harts > 16) begin : g_bad_harts
      ctlb_illegal_parameter_Harts_must_be_1_to_16 u_stop ();
    end
    if (Latency < 1 || Latency > 64) begin : g_bad_latency
      ctlb_illegal_parameter_Latency_must_be_1_to_64 u_stop ();
    end
  endgenerate

  // ------------------------------------------------------------------------
  // The paths: stage s (1..DEPTH) of hart h holds what it issued s cycles
  // ago; the ID and flush bit are kept up to stage Latency (the delivery)
  // ------------------------------------------------------------------------
  reg [Harts*DEPTH-1:0]      vld_q;
  reg [Harts*Latency-1:0]    all_q;
  reg [32*Harts*Latency-1:0] id_q;

  integer h, s;
  always @(posedge clk_i or negedge rst_ni) begin : regs_valid
    if (!rst_ni) begin
      vld_q <= {Harts*DEPTH{1'b0}};
    end else begin
      for (h = 0; h < Harts; h = h + 1) begin
        vld_q[h*DEPTH] <= req_valid_i[h];
        for (s = 1; s < DEPTH; s = s + 1) vld_q[h*DEPTH+s] <= vld_q[h*DEPTH+s-1];
      end
    end
  end

  always @(posedge clk_i) begin : regs_data
    for (h = 0; h < Harts; h = h + 1) begin
      all_q[h*Latency]            <= req_all_i[h];
      id_q[32*h*Latency +: 32]    <= req_all_i[h] ? 32'd0 : req_id_i[32*h +: 32];
      for (s = 1; s < Latency; s = s + 1) begin
        all_q[h*Latency+s]          <= all_q[h*Latency+s-1];
        id_q[32*(h*Latency+s) +: 32] <= id_q[32*(h*Latency+s-1) +: 32];
      end
    end
  end

  // ------------------------------------------------------------------------
  // The CTLB ports: the sources of cycle t, merged
  // ------------------------------------------------------------------------
  reg        one, many, src_v, src_all;
  reg [31:0] src_id, acc_id;
  reg        acc_all;
  integer    k, j;
  always @(*) begin : ports
    inv_valid_o = {Harts{1'b0}};
    inv_all_o   = {Harts{1'b0}};
    inv_id_o    = {32*Harts{1'b0}};
    for (k = 0; k < Harts; k = k + 1) begin
      one     = 1'b0;
      many    = 1'b0;
      acc_all = 1'b0;
      acc_id  = 32'd0;
      for (j = -2; j < Harts; j = j + 1) begin
        if (j == -2) begin        // the hart's own ctlb.inv
          src_v   = loc_valid_i[k];
          src_all = loc_all_i[k];
          src_id  = loc_id_i[32*k +: 32];
        end else if (j == -1) begin  // its own ctlb.bcast, at once
          src_v   = req_valid_i[k];
          src_all = req_all_i[k];
          src_id  = req_id_i[32*k +: 32];
        end else begin            // another hart's, issued Latency ago
          src_v   = j != k && vld_q[j*DEPTH+Latency-1];
          src_all = all_q[j*Latency+Latency-1];
          src_id  = id_q[32*(j*Latency+Latency-1) +: 32];
        end
        if (src_v) begin
          many    = many | one;
          one     = 1'b1;
          acc_all = acc_all | src_all;
          acc_id  = acc_id | (src_all ? 32'd0 : src_id);
        end
      end
      inv_valid_o[k]         = one;
      inv_all_o[k]           = many | acc_all;
      inv_id_o[32*k +: 32]   = (many | acc_all) ? 32'd0 : acc_id;
    end
  end

  always @(*) begin : completion
    for (k = 0; k < Harts; k = k + 1) done_o[k] = ~|vld_q[k*DEPTH +: DEPTH];
  end

endmodule
