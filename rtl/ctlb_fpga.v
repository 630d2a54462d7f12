// ctlb_fpga: a synthesis wrapper that fits the accelerator into an iCE40 HX8K for
// the `make synth` Fmax figure. It shares one ID bus between the request and the
// invalidate port and loads the root register from that bus, so the pin count
// fits the package; the counters are 32 bits wide. Not used in simulation.

module ctlb_fpga #(
  parameter integer Entries   = 16,
  parameter integer Ways      = 4,
  parameter integer Policy    = 0,
  parameter integer WalkCache = 0
) (
  input  wire        clk_i,
  input  wire        rst_ni,

  // shared ID bus: a request, an invalidate, or a root-register load
  input  wire [31:0] id_i,
  input  wire        req_valid_i,
  input  wire        inv_valid_i,
  input  wire        inv_all_i,
  input  wire        root_load_i,
  output wire        req_ready_o,
  output wire        rsp_valid_o,
  output wire        rsp_hit_o,
  output wire [2:0]  rsp_fault_o,
  output wire [31:0] rsp_addr_o,

  // memory read port
  output wire        mem_req_valid_o,
  output wire [31:0] mem_req_addr_o,
  input  wire        mem_req_ready_i,
  input  wire        mem_rsp_valid_i,
  input  wire        mem_rsp_err_i,
  input  wire [31:0] mem_rsp_data_i,

  // status and the counters' read port (ctlb_top's, 32-bit counters)
  output wire        busy_o,
  input  wire [2:0]  cnt_sel_i,
  input  wire        cnt_rd_i,
  output wire [31:0] cnt_o
);

  reg  [31:0] root_q;
  always @(posedge clk_i or negedge rst_ni) begin : regs
    if (!rst_ni)          root_q <= 32'd0;
    else if (root_load_i) root_q <= id_i;
  end

  ctlb_top #(
    .Entries   (Entries),
    .Ways      (Ways),
    .Policy    (Policy),
    .WalkCache (WalkCache),
    .CntWidth  (32)
  ) u_top (
    .clk_i               (clk_i),
    .rst_ni              (rst_ni),
    .req_valid_i         (req_valid_i),
    .req_id_i            (id_i),
    .req_ready_o         (req_ready_o),
    .rsp_valid_o         (rsp_valid_o),
    .rsp_hit_o           (rsp_hit_o),
    .rsp_fault_o         (rsp_fault_o),
    .rsp_addr_o          (rsp_addr_o),
    .inv_valid_i         (inv_valid_i),
    .inv_all_i           (inv_all_i),
    .inv_id_i            (id_i),
    .root_i              (root_q),
    .mem_req_valid_o     (mem_req_valid_o),
    .mem_req_addr_o      (mem_req_addr_o),
    .mem_req_ready_i     (mem_req_ready_i),
    .mem_rsp_valid_i     (mem_rsp_valid_i),
    .mem_rsp_err_i       (mem_rsp_err_i),
    .mem_rsp_data_i      (mem_rsp_data_i),
    .busy_o              (busy_o),
    .cnt_sel_i           (cnt_sel_i),
    .cnt_rd_i            (cnt_rd_i),
    .cnt_rdata_o         (cnt_o)
  );

endmodule
