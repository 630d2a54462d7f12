// ctlb_assert_tb: drives ctlb_top with pseudo-random traffic for CYCLES cycles
// and prints "ctlb_assert_tb: done" at the end. It checks nothing itself: the
// RTL's invariant assertions (rtl/ctlb_assert.vh) stop the simulation if one
// is violated (tests/test_rtl_asserts.py runs it on mutated copies of the RTL,
// in Icarus and in Verilator --binary --assert).
//
// Requests come in about half the cycles whatever req_ready says (a request
// counts only when accepted), IDs from a small set so that they hit and
// replace, an invalidate in about 1 cycle of 16 (a flush in 1 of 8 of those).
// Memory: ready in about 3 cycles of 4, answers each read 1 or 2 cycles after
// it was accepted; an entry below
// 0x3000 is a non-leaf pointing 0x1000 further, from 0x3000 on a leaf, so
// walks take one to three levels.
`timescale 1ns / 1ps
module ctlb_assert_tb;
  parameter integer Entries   = 8;
  parameter integer Ways      = 2;
  parameter integer Policy    = 0;
  parameter integer WalkCache = 2;
  parameter integer CYCLES    = 4000;

  reg clk = 1'b0;
  reg rst_n = 1'b0;
  always #5 clk = ~clk;

  reg  [31:0] lfsr = 32'h1;
  reg         req_valid = 1'b0, inv_valid = 1'b0, inv_all = 1'b0;
  reg  [31:0] req_id = 32'd0, inv_id = 32'd0;
  reg         rsp_valid = 1'b0, mem_ready = 1'b1;
  reg  [31:0] rsp_data = 32'd0;
  reg  [31:0] rd_addr = 32'd0;
  reg         rd_open = 1'b0;
  wire        req_ready, rsp_v, rsp_hit, mem_req_valid, busy;
  wire [2:0]  rsp_fault;
  wire [31:0] rsp_addr, mem_req_addr;
  integer     cycle = 0;

  ctlb_top #(
    .Entries   (Entries),
    .Ways      (Ways),
    .Policy    (Policy),
    .WalkCache (WalkCache)
  ) dut (
    .clk_i           (clk),
    .rst_ni          (rst_n),
    .req_valid_i     (req_valid),
    .req_id_i        (req_id),
    .req_ready_o     (req_ready),
    .rsp_valid_o     (rsp_v),
    .rsp_hit_o       (rsp_hit),
    .rsp_fault_o     (rsp_fault),
    .rsp_addr_o      (rsp_addr),
    .inv_valid_i     (inv_valid),
    .inv_all_i       (inv_all),
    .inv_id_i        (inv_id),
    .root_i          (32'h0000_1001),
    .mem_req_valid_o (mem_req_valid),
    .mem_req_addr_o  (mem_req_addr),
    .mem_req_ready_i (mem_ready),
    .mem_rsp_valid_i (rsp_valid),
    .mem_rsp_err_i   (1'b0),
    .mem_rsp_data_i  (rsp_data),
    .busy_o          (busy),
    .cnt_sel_i       (3'd0),
    .cnt_rd_i        (1'b0),
    .cnt_rdata_o     ()
  );

  // next inputs, set after each rising edge (Galois LFSR, taps 0x80200003)
  always @(posedge clk) begin
    lfsr <= lfsr[0] ? ((lfsr >> 1) ^ 32'h8020_0003) : (lfsr >> 1);
    cycle <= cycle + 1;
    if (cycle == 2) rst_n <= 1'b1;
    req_valid <= lfsr[0];
    // IDs 0..31 in three level-0 tables (bit 20 and 21 select the root index)
    req_id    <= {10'd0, lfsr[9:8], 15'd0, lfsr[5:1]};
    inv_valid <= lfsr[13:10] == 4'd0;
    inv_all   <= lfsr[16:14] == 3'd0;
    inv_id    <= {10'd0, lfsr[19:18], 15'd0, lfsr[25:21]};
    // memory: one read at a time, answered 1 or 2 cycles after it is accepted
    rsp_valid <= 1'b0;
    mem_ready <= lfsr[28:27] != 2'd0;
    if (mem_req_valid && mem_ready && !rd_open) begin
      rd_open <= 1'b1;
      rd_addr <= mem_req_addr;
      if (!lfsr[26]) begin
        rsp_valid <= 1'b1;
        rsp_data  <= (mem_req_addr < 32'h3000) ? {mem_req_addr[31:2] + 30'h400, 2'b01}
                                               : {mem_req_addr[31:2] ^ 30'h155, 2'b11};
        rd_open   <= 1'b0;
      end
    end else if (rd_open) begin
      rsp_valid <= 1'b1;
      rsp_data  <= (rd_addr < 32'h3000) ? {rd_addr[31:2] + 30'h400, 2'b01}
                                        : {rd_addr[31:2] ^ 30'h155, 2'b11};
      rd_open   <= 1'b0;
    end
    if (cycle == CYCLES) begin
      $display("ctlb_assert_tb: done %0d cycles", cycle);
      $finish;
    end
  end

  wire unused = ^{req_ready, rsp_v, rsp_hit, rsp_fault, rsp_addr, busy};
endmodule
