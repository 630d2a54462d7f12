// bcast_props: the formal harness of the broadcast interconnect
// (rtl/ctlb_bcast.v; docs/formal.md P7, docs/platform.md "Shootdowns").
//
// P7, completion implies delivery: a broadcast of hart 0 (any one: the solver
// picks it with mark_i) has reached every CTLB's invalidate port, as its ID
// or as a flush, by the first cycle after it in which done_o[0] is 1. Hart 0
// stands for any hart (the module treats them alike). Every input is free:
// any traffic, collisions included (IDs 0..3: the other 30 bits are carried
// alike).
module bcast_props #(
  parameter integer Harts   = 3,
  parameter integer Latency = 2
) (
  input  wire               clk_i,
  input  wire               rst_ni,
  input  wire [Harts-1:0]    req_valid_i,
  input  wire [Harts-1:0]    req_all_i,
  input  wire [32*Harts-1:0] req_id_i,
  input  wire [Harts-1:0]    loc_valid_i,
  input  wire [Harts-1:0]    loc_all_i,
  input  wire [32*Harts-1:0] loc_id_i,
  input  wire               mark_i
);

  wire [Harts-1:0]    inv_valid, inv_all, done;
  wire [32*Harts-1:0] inv_id;

  ctlb_bcast #(.Harts(Harts), .Latency(Latency)) u_dut (
    .clk_i       (clk_i),
    .rst_ni      (rst_ni),
    .req_valid_i (req_valid_i),
    .req_all_i   (req_all_i),
    .req_id_i    (req_id_i),
    .loc_valid_i (loc_valid_i),
    .loc_all_i   (loc_all_i),
    .loc_id_i    (loc_id_i),
    .inv_valid_o (inv_valid),
    .inv_all_o   (inv_all),
    .inv_id_o    (inv_id),
    .done_o      (done)
  );

  // reset: low in the first cycle only
  reg f_past = 1'b0;
  always @(posedge clk_i) f_past <= 1'b1;
  always @(*) begin
    if (!f_past) assume (!rst_ni);
    else         assume (rst_ni);
  end

  // IDs 0..3 only (the module's 32 bits are alike: fewer states for pdr)
  integer a;
  always @(*) begin
    for (a = 0; a < Harts; a = a + 1) begin
      assume (req_id_i[32*a+2 +: 30] == 30'd0);
      assume (loc_id_i[32*a+2 +: 30] == 30'd0);
    end
  end

  // the tracked broadcast: its ID (or all), and the ports it has reached
  reg             trk_q = 1'b0;
  reg             tall_q = 1'b0;
  reg [31:0]      tid_q = 32'd0;
  reg [Harts-1:0] got_q = {Harts{1'b0}};
  wire            start = rst_ni && !trk_q && mark_i && req_valid_i[0];
  wire            t_all = trk_q ? tall_q : req_all_i[0];
  wire [31:0]     t_id  = trk_q ? tid_q : req_id_i[31:0];
  reg  [Harts-1:0] hit;
  integer k;
  always @(*) begin
    for (k = 0; k < Harts; k = k + 1)
      hit[k] = inv_valid[k] && (inv_all[k] || (!t_all && inv_id[32*k +: 32] == t_id));
  end
  always @(posedge clk_i) begin
    if (start) begin
      trk_q  <= 1'b1;
      tall_q <= req_all_i[0];
      tid_q  <= req_id_i[31:0];
    end
    if (start || trk_q) got_q <= got_q | hit;
  end

  always @(*) if (rst_ni && trk_q && done[0]) assert (&got_q);

endmodule
