// ctlb_wcache: the walk cache.
//
// Fully associative cache of non-leaf table entries, keyed by the entry's
// address (bits 31:2), holding the entry's next-table address (bits 31:2).
// Lookup is combinational; insert and flush happen at the rising edge.
// Replacement is FIFO: a flush empties it and rewinds the pointer, so the
// FIFO pointer always designates the oldest entry, or an empty one.

module ctlb_wcache #(
  parameter integer Size = 4    // power of two, 1..64
) (
  input  wire        clk_i,
  input  wire        rst_ni,

  // lookup
  input  wire [29:0] lkp_key_i,
  output reg         lkp_hit_o,
  output reg  [29:0] lkp_data_o,

  // insert and flush
  input  wire        ins_i,
  input  wire [29:0] ins_key_i,
  input  wire [29:0] ins_data_i,
  input  wire        flush_i
);

  localparam integer PTR_BITS = (Size > 1) ? $clog2(Size) : 1;
  localparam integer PTR_LAST_I = Size - 1;
  localparam [PTR_BITS-1:0] PTR_LAST = PTR_LAST_I[PTR_BITS-1:0];

  // ------------------------------------------------------------------------
  // Parameter checks: an illegal value instantiates a module that does not
  // exist, named after the parameter, so Verilator, Icarus and Yosys all stop
  // at elaboration with that name in the message (Verilog-2005 has no $error)
  // ------------------------------------------------------------------------
  generate
    if (Size < 1 || Size > 64 || (Size & (Size - 1)) != 0) begin : g_bad_size
      ctlb_illegal_parameter_WalkCache_Size_must_be_a_power_of_two_1_to_64 u_stop ();
    end
  endgenerate

  reg [29:0]         key_q  [0:Size-1];
  reg [29:0]         data_q [0:Size-1];
  reg [Size-1:0]     valid_q;
  reg [PTR_BITS-1:0] ptr_q;

  integer i;
  always @(*) begin : lookup
    lkp_hit_o  = 1'b0;
    lkp_data_o = 30'd0;
    for (i = 0; i < Size; i = i + 1) begin
      if (valid_q[i] && key_q[i] == lkp_key_i) begin
        lkp_hit_o  = 1'b1;
        lkp_data_o = data_q[i];
      end
    end
  end

  always @(posedge clk_i or negedge rst_ni) begin : regs_ctrl
    if (!rst_ni) begin
      valid_q <= {Size{1'b0}};
      ptr_q   <= {PTR_BITS{1'b0}};
    end else if (flush_i) begin
      valid_q <= {Size{1'b0}};
      ptr_q   <= {PTR_BITS{1'b0}};
    end else if (ins_i) begin
      valid_q[ptr_q] <= 1'b1;
      ptr_q          <= (ptr_q == PTR_LAST) ? {PTR_BITS{1'b0}} : ptr_q + 1'b1;
    end
  end

  always @(posedge clk_i) begin : regs_data
    if (ins_i && !flush_i) begin
      key_q[ptr_q]  <= ins_key_i;
      data_q[ptr_q] <= ins_data_i;
    end
  end

endmodule
