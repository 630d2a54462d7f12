// ctlb_ecp5: a synthesis-only wrapper of ctlb_top for the ECP5 place-and-route
// figures of `make synth` (rtl/synth_report.py, docs/synth.md). Every port of
// ctlb_top is registered, so every path is register to register and nextpnr
// times all of them. The request (req_valid, req_id) and the response
// (rsp_valid, rsp_hit, rsp_fault, rsp_addr) registers run on their own clock
// clk_hit_i: the paths from the request registers to the response registers,
// the CTLB hit path (request ID -> tag compare -> way select -> response
// address), are then the only ones inside that clock domain, and nextpnr's
// Fmax for clk_hit_i is the hit path's (paths between the two clocks are
// reported apart). In a real system both are one clock. Not used in simulation.

module ctlb_ecp5 #(
  parameter integer Entries   = 64,
  parameter integer Ways      = 4,
  parameter integer Policy    = 0,
  parameter integer Levels    = 3,
  parameter integer LevelBits0 = 12,
  parameter integer LevelBits1 = 10,
  parameter integer LevelBits2 = 10,
  parameter integer WalkCache = 0,
  parameter integer CntWidth  = 64
) (
  input  wire                clk_i,
  input  wire                clk_hit_i,
  input  wire                rst_ni,
  input  wire                req_valid_i,
  input  wire [31:0]         req_id_i,
  output reg                 req_ready_o,
  output reg                 rsp_valid_o,
  output reg                 rsp_hit_o,
  output reg  [2:0]          rsp_fault_o,
  output reg  [31:0]         rsp_addr_o,
  input  wire                inv_valid_i,
  input  wire                inv_all_i,
  input  wire [31:0]         inv_id_i,
  input  wire [31:0]         root_i,
  output reg                 mem_req_valid_o,
  output reg  [31:0]         mem_req_addr_o,
  input  wire                mem_req_ready_i,
  input  wire                mem_rsp_valid_i,
  input  wire                mem_rsp_err_i,
  input  wire [31:0]         mem_rsp_data_i,
  output reg                 busy_o,
  input  wire [2:0]          cnt_sel_i,
  input  wire                cnt_rd_i,
  output reg  [CntWidth-1:0] cnt_rdata_o
);

  // request and response registers: clk_hit_i
  reg         req_valid_q;
  reg  [31:0] req_id_q;
  wire        rsp_valid, rsp_hit;
  wire [2:0]  rsp_fault;
  wire [31:0] rsp_addr;
  always @(posedge clk_hit_i) begin : regs_hit
    req_valid_q <= req_valid_i;
    req_id_q    <= req_id_i;
    rsp_valid_o <= rsp_valid;
    rsp_hit_o   <= rsp_hit;
    rsp_fault_o <= rsp_fault;
    rsp_addr_o  <= rsp_addr;
  end

  // every other port: clk_i
  reg         inv_valid_q, inv_all_q, mem_req_ready_q, mem_rsp_valid_q, mem_rsp_err_q, cnt_rd_q;
  reg  [31:0] inv_id_q, root_q, mem_rsp_data_q;
  reg  [2:0]  cnt_sel_q;
  wire        req_ready, mem_req_valid, busy;
  wire [31:0] mem_req_addr;
  wire [CntWidth-1:0] cnt_rdata;
  always @(posedge clk_i) begin : regs_io
    inv_valid_q     <= inv_valid_i;
    inv_all_q       <= inv_all_i;
    inv_id_q        <= inv_id_i;
    root_q          <= root_i;
    mem_req_ready_q <= mem_req_ready_i;
    mem_rsp_valid_q <= mem_rsp_valid_i;
    mem_rsp_err_q   <= mem_rsp_err_i;
    mem_rsp_data_q  <= mem_rsp_data_i;
    cnt_sel_q       <= cnt_sel_i;
    cnt_rd_q        <= cnt_rd_i;
    req_ready_o     <= req_ready;
    mem_req_valid_o <= mem_req_valid;
    mem_req_addr_o  <= mem_req_addr;
    busy_o          <= busy;
    cnt_rdata_o     <= cnt_rdata;
  end

  ctlb_top #(
    .Entries    (Entries),
    .Ways       (Ways),
    .Policy     (Policy),
    .Levels     (Levels),
    .LevelBits0 (LevelBits0),
    .LevelBits1 (LevelBits1),
    .LevelBits2 (LevelBits2),
    .WalkCache  (WalkCache),
    .CntWidth   (CntWidth)
  ) u_top (
    .clk_i           (clk_i),
    .rst_ni          (rst_ni),
    .req_valid_i     (req_valid_q),
    .req_id_i        (req_id_q),
    .req_ready_o     (req_ready),
    .rsp_valid_o     (rsp_valid),
    .rsp_hit_o       (rsp_hit),
    .rsp_fault_o     (rsp_fault),
    .rsp_addr_o      (rsp_addr),
    .inv_valid_i     (inv_valid_q),
    .inv_all_i       (inv_all_q),
    .inv_id_i        (inv_id_q),
    .root_i          (root_q),
    .mem_req_valid_o (mem_req_valid),
    .mem_req_addr_o  (mem_req_addr),
    .mem_req_ready_i (mem_req_ready_q),
    .mem_rsp_valid_i (mem_rsp_valid_q),
    .mem_rsp_err_i   (mem_rsp_err_q),
    .mem_rsp_data_i  (mem_rsp_data_q),
    .busy_o          (busy),
    .cnt_sel_i       (cnt_sel_q),
    .cnt_rd_i        (cnt_rd_q),
    .cnt_rdata_o     (cnt_rdata)
  );

endmodule
