// ctlb_cnt_tb: the counters' read port of ctlb_top with a narrow CntWidth
// (tests/test_rtl_counters.py checks the printed values). N invalidates, one per
// cycle (the invalidations counter counts cycles with inv_valid), then reads;
// one more invalidate in the same cycle as a read (the read returns the value
// before that cycle's count), then a read of it and of the lookups counter.
// Prints "read SEL VALUE" for each read, in the cycle after it (registered data).
`timescale 1ns / 1ps
module ctlb_cnt_tb;
  parameter integer CntWidth = 4;
  parameter integer N        = 20;

  reg clk = 1'b0;
  reg rst_n = 1'b0;
  reg inv = 1'b0, rd = 1'b0;
  reg [2:0] sel = 3'd0;
  wire [CntWidth-1:0] rdata;
  integer i;

  ctlb_top #(.Entries(4), .Ways(2), .CntWidth(CntWidth)) dut (
    .clk_i (clk), .rst_ni (rst_n),
    .req_valid_i (1'b0), .req_id_i (32'd0), .req_ready_o (), .rsp_valid_o (), .rsp_hit_o (),
    .rsp_fault_o (), .rsp_addr_o (),
    .inv_valid_i (inv), .inv_all_i (1'b0), .inv_id_i (32'h5),
    .root_i (32'd0),
    .mem_req_valid_o (), .mem_req_addr_o (), .mem_req_ready_i (1'b1), .mem_rsp_valid_i (1'b0),
    .mem_rsp_err_i (1'b0), .mem_rsp_data_i (32'd0),
    .busy_o (), .cnt_sel_i (sel), .cnt_rd_i (rd), .cnt_rdata_o (rdata)
  );

  task cycle;  // one clock cycle: inputs are set before it, sampled at its edge
    begin
      #5 clk = 1'b1;
      #5 clk = 1'b0;
    end
  endtask

  task read_cnt;
    input [2:0] s;
    input       with_inv;
    begin
      sel = s; rd = 1'b1; inv = with_inv;
      cycle;
      rd = 1'b0; inv = 1'b0;
      $display("read %0d %0d", s, rdata);
    end
  endtask

  initial begin
    cycle;
    rst_n = 1'b1;
    cycle;
    inv = 1'b1;
    for (i = 0; i < N; i = i + 1) cycle;
    inv = 1'b0;
    cycle;
    read_cnt(3'd6, 1'b0);   // N mod 2^CntWidth
    read_cnt(3'd6, 1'b1);   // the same: this cycle's invalidate counts at its edge
    read_cnt(3'd6, 1'b0);   // one more
    read_cnt(3'd0, 1'b0);   // lookups: none
    $display("done");
    $finish;
  end
endmodule
