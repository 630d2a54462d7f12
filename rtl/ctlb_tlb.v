// ctlb_tlb: the call-translation lookaside buffer.
//
// Set-associative cache of ID -> function address translations, tagged by the
// full 32-bit ID; the set index is the low bits of the ID. A lookup answers
// combinationally in the cycle it is presented. Refill, invalidate and the
// replacement-state update happen at the rising edge.
// docs/accelerator.md section "CTLB" is the cycle-level description.

`include "ctlb_assert.vh"

module ctlb_tlb #(
  parameter integer Entries  = 64,      // power of two, 1..1024
  parameter integer Ways     = 4,       // power of two dividing Entries
  parameter integer Policy   = 0,       // 0 LRU, 1 tree-PLRU, 2 FIFO, 3 RANDOM (LFSR)
  parameter integer LfsrSeed = 'hACE1   // nonzero, 16 bits
) (
  input  wire        clk_i,
  input  wire        rst_ni,

  // lookup (combinational) and its replacement-state update
  input  wire [31:0] lkp_id_i,
  input  wire        lkp_touch_i,   // an accepted lookup: a hit updates LRU/PLRU
  output reg         lkp_hit_o,
  output reg  [29:0] lkp_addr_o,    // function address bits 31:2

  // refill from the walker
  input  wire        fill_i,
  input  wire [31:0] fill_id_i,
  input  wire [29:0] fill_addr_i,

  // invalidate one ID / flush all
  input  wire        inv_i,
  input  wire        inv_all_i,
  input  wire [31:0] inv_id_i
);

  // ------------------------------------------------------------------------
  // Geometry
  // ------------------------------------------------------------------------
  localparam integer SETS     = Entries / Ways;
  localparam integer WAY_BITS = (Ways > 1) ? $clog2(Ways) : 1;
  localparam integer LRU_W    = Ways * WAY_BITS;    // LRU ages of one set
  localparam integer POL_LRU  = 0;
  localparam integer POL_PLRU = 1;
  localparam integer POL_FIFO = 2;
  localparam integer POL_RAND = 3;
  localparam [31:0]  SET_MASK = SETS - 1;
  localparam integer WAY_LAST_I = Ways - 1;
  localparam [WAY_BITS-1:0] WAY_LAST = WAY_LAST_I[WAY_BITS-1:0];
  localparam [31:0]  WAYS32 = Ways;

  // ------------------------------------------------------------------------
  // Parameter checks: an illegal value instantiates a module that does not
  // exist, named after the parameter, so Verilator, Icarus and Yosys all stop
  // at elaboration with that name in the message (Verilog-2005 has no $error)
  // ------------------------------------------------------------------------
  generate
    if (Entries < 1 || Entries > 1024 || (Entries & (Entries - 1)) != 0) begin : g_bad_entries
      ctlb_illegal_parameter_Entries_must_be_a_power_of_two_1_to_1024 u_stop ();
    end
    if (Ways < 1 || Ways > Entries || (Ways & (Ways - 1)) != 0) begin : g_bad_ways
      ctlb_illegal_parameter_Ways_must_be_a_power_of_two_dividing_Entries u_stop ();
    end
    if (Policy < 0 || Policy > 3) begin : g_bad_policy
      ctlb_illegal_parameter_Policy_must_be_0_to_3 u_stop ();
    end
    if (LfsrSeed < 1 || LfsrSeed > 65535) begin : g_bad_seed
      ctlb_illegal_parameter_LfsrSeed_must_be_1_to_65535 u_stop ();
    end
  endgenerate

  // Reset value of the LRU ages: way w has age w in every set.
  function [SETS*LRU_W-1:0] lru_init;
    input integer ways_unused;  // Verilog-2005 functions need an input
    integer s, w;
    begin
      for (s = 0; s < SETS; s = s + 1)
        for (w = 0; w < Ways; w = w + 1)
          lru_init[s*LRU_W + w*WAY_BITS +: WAY_BITS] = w[WAY_BITS-1:0];
    end
  endfunction

  // ------------------------------------------------------------------------
  // State
  // ------------------------------------------------------------------------
  reg [31:0]          tag_q  [0:Entries-1];
  reg [29:0]          addr_q [0:Entries-1];
  reg [Entries-1:0]   valid_q;
  reg [SETS*LRU_W-1:0] lru_q;                      // LRU: per-way ages, 0 = newest
  reg [SETS*Ways-1:0] plru_q;                       // PLRU: tree bits 1..Ways-1 per set
  reg [SETS*WAY_BITS-1:0] fifo_q;                   // FIFO: next way per set
  reg [15:0]          lfsr_q;                       // RANDOM: Galois LFSR, taps 0xB400

  // ------------------------------------------------------------------------
  // Lookup
  // ------------------------------------------------------------------------
  reg [31:0]         lkp_set;
  reg [WAY_BITS-1:0] lkp_way;
  integer            lw;
  always @(*) begin : lookup
    lkp_set    = lkp_id_i & SET_MASK;
    lkp_hit_o  = 1'b0;
    lkp_way    = {WAY_BITS{1'b0}};
    lkp_addr_o = 30'd0;
    for (lw = 0; lw < Ways; lw = lw + 1) begin
      if (valid_q[lkp_set*Ways + lw] && tag_q[lkp_set*Ways + lw] == lkp_id_i) begin
        lkp_hit_o  = 1'b1;
        lkp_way    = lw[WAY_BITS-1:0];
        lkp_addr_o = addr_q[lkp_set*Ways + lw];
      end
    end
  end

  // ------------------------------------------------------------------------
  // Replacement: victim way of the refill set
  // ------------------------------------------------------------------------
  reg [31:0]         fill_set;
  reg [WAY_BITS-1:0] victim;
  reg                have_inv;
  reg [LRU_W-1:0]    fill_ages;
  reg [Ways-1:0]     fill_tree;
  integer            vw, node, lvl;
  always @(*) begin : replacement
    fill_set  = fill_id_i & SET_MASK;
    fill_ages = lru_q[fill_set*LRU_W +: LRU_W];
    fill_tree = plru_q[fill_set*Ways +: Ways];
    victim    = {WAY_BITS{1'b0}};
    node      = 1;
    // policy choice first ...
    if (Ways > 1) begin
      case (Policy)
        POL_LRU: begin
          for (vw = 0; vw < Ways; vw = vw + 1)
            if (fill_ages[vw*WAY_BITS +: WAY_BITS] == WAY_LAST) victim = vw[WAY_BITS-1:0];
        end
        POL_PLRU: begin
          for (lvl = 0; lvl < WAY_BITS; lvl = lvl + 1)
            node = 2 * node + (fill_tree[node] ? 1 : 0);
          victim = node[WAY_BITS-1:0];  // node - Ways, as Ways is a power of two
        end
        POL_FIFO: victim = fifo_q[fill_set*WAY_BITS +: WAY_BITS];
        default:  victim = lfsr_q[WAY_BITS-1:0];
      endcase
    end
    // ... overridden by the lowest-numbered invalid way of the set
    have_inv = 1'b0;
    for (vw = 0; vw < Ways; vw = vw + 1) begin
      if (!have_inv && !valid_q[fill_set*Ways + vw]) begin
        have_inv = 1'b1;
        victim   = vw[WAY_BITS-1:0];
      end
    end
  end

  // ------------------------------------------------------------------------
  // Replacement-state update: a hit of an accepted lookup, or a refill
  // ------------------------------------------------------------------------
  wire               upd_valid = (lkp_touch_i && lkp_hit_o) || fill_i;
  wire [31:0]        upd_set   = fill_i ? fill_set : lkp_set;
  wire [WAY_BITS-1:0] upd_way  = fill_i ? victim : lkp_way;
  wire               unused_upd_set = ^upd_set;  // high bits unused with one way
  wire [31:0]        victim32  = {{(32-WAY_BITS){1'b0}}, victim};
  // New LRU ages of a set after a use of way `way`: it becomes the newest (age 0),
  // the ways newer than it age by one.
  function [LRU_W-1:0] lru_touch;
    input [LRU_W-1:0]    ages;
    input [WAY_BITS-1:0] way;
    reg   [WAY_BITS-1:0] age_upd;
    integer              uw;
    begin
      lru_touch = ages;
      age_upd   = ages[way*WAY_BITS +: WAY_BITS];
      for (uw = 0; uw < Ways; uw = uw + 1) begin
        if (uw == {{(32-WAY_BITS){1'b0}}, way}) lru_touch[uw*WAY_BITS +: WAY_BITS] = {WAY_BITS{1'b0}};
        else if (ages[uw*WAY_BITS +: WAY_BITS] < age_upd)
          lru_touch[uw*WAY_BITS +: WAY_BITS] = ages[uw*WAY_BITS +: WAY_BITS] + 1'b1;
      end
    end
  endfunction

  // New PLRU tree bits of a set after a use of way `way`: every node on the path to
  // the way points away from it.
  function [Ways-1:0] plru_touch;
    input [Ways-1:0]     tree;
    input [WAY_BITS-1:0] way;
    reg   [31:0]         un;
    integer              ul;
    begin
      plru_touch = tree;
      un         = {{(32-WAY_BITS){1'b0}}, way} + WAYS32;
      for (ul = 0; ul < WAY_BITS; ul = ul + 1) begin
        plru_touch[un >> 1] = !un[0];
        un = un >> 1;
      end
    end
  endfunction

  // ------------------------------------------------------------------------
  // Registers
  // ------------------------------------------------------------------------
  integer iw;
  reg [31:0] inv_set;
  always @(*) inv_set = inv_id_i & SET_MASK;

  always @(posedge clk_i or negedge rst_ni) begin : regs_valid
    if (!rst_ni) begin
      valid_q <= {Entries{1'b0}};
    end else begin
      if (inv_i && inv_all_i) begin
        valid_q <= {Entries{1'b0}};
      end else if (inv_i) begin
        for (iw = 0; iw < Ways; iw = iw + 1)
          if (tag_q[inv_set*Ways + iw] == inv_id_i) valid_q[inv_set*Ways + iw] <= 1'b0;
      end
      // a refill in the same cycle wins over the invalidate (it replaces the entry)
      if (fill_i) valid_q[fill_set*Ways + victim32] <= 1'b1;
    end
  end

  always @(posedge clk_i) begin : regs_data
    if (fill_i) begin
      tag_q[fill_set*Ways + victim32]  <= fill_id_i;
      addr_q[fill_set*Ways + victim32] <= fill_addr_i;
    end
  end

  always @(posedge clk_i or negedge rst_ni) begin : regs_policy
    if (!rst_ni) begin
      lru_q  <= lru_init(0);
      plru_q <= {SETS*Ways{1'b0}};
      fifo_q <= {SETS*WAY_BITS{1'b0}};
      lfsr_q <= LfsrSeed[15:0];
    end else begin
      // (the new ages and tree bits are computed here, at the edge, rather than in
      // an always @(*): a simulator then evaluates them once per cycle, not on
      // every input change)
      if (upd_valid && Ways > 1 && Policy == POL_LRU)
        lru_q[upd_set*LRU_W +: LRU_W] <= lru_touch(lru_q[upd_set*LRU_W +: LRU_W], upd_way);
      if (upd_valid && Ways > 1 && Policy == POL_PLRU)
        plru_q[upd_set*Ways +: Ways] <= plru_touch(plru_q[upd_set*Ways +: Ways], upd_way);
      if (fill_i && Ways > 1 && Policy == POL_FIFO)
        fifo_q[fill_set*WAY_BITS +: WAY_BITS] <= fifo_q[fill_set*WAY_BITS +: WAY_BITS] + 1'b1;
      if (fill_i && Policy == POL_RAND)
        lfsr_q <= lfsr_q[0] ? ((lfsr_q >> 1) ^ 16'hB400) : (lfsr_q >> 1);
    end
  end

`ifdef CTLB_ASSERT_ON
  // ------------------------------------------------------------------------
  // Invariants (rtl/ctlb_assert.vh: simulators and the formal flow): the
  // looked-up ID is in at most one way of its set (one-hot hit), and a refill
  // never installs an ID that is already there (which is what keeps the hit
  // one-hot: the walk of an ID starts only on its miss)
  // ------------------------------------------------------------------------
  // (counted in a function, called by simulators at the edge only)
  function integer ways_hit;
    input [31:0] id;
    input [31:0] set;
    integer aw;
    begin
      ways_hit = 0;
      for (aw = 0; aw < Ways; aw = aw + 1)
        if (valid_q[set*Ways + aw] && tag_q[set*Ways + aw] == id) ways_hit = ways_hit + 1;
    end
  endfunction
  `CTLB_ASSERT_AT begin : assertions
    if (rst_ni) begin
      `CTLB_ASSERT(ways_hit(lkp_id_i, lkp_set) <= 1, "ctlb_tlb: the looked-up ID hits more than one way")
      if (fill_i)
        `CTLB_ASSERT(ways_hit(fill_id_i, fill_set) == 0, "ctlb_tlb: a refill of an ID that is already in the CTLB")
    end
  end
`endif

`ifdef FORMAL
  // ------------------------------------------------------------------------
  // Formal only (formal/, docs/formal.md): P6, the replacement state changes
  // only on a use of a way (FIFO pointers and the LFSR only on a refill).
  // ------------------------------------------------------------------------
  reg f_past_q = 1'b0;
  always @(posedge clk_i) f_past_q <= 1'b1;
  wire f_use = (lkp_touch_i && lkp_hit_o) || fill_i;
  always @(posedge clk_i) begin : formal_repl
    if (f_past_q && rst_ni && $past(rst_ni)) begin
      if (!$past(f_use)) assert (lru_q == $past(lru_q) && plru_q == $past(plru_q));
      if (!$past(fill_i)) assert (fifo_q == $past(fifo_q) && lfsr_q == $past(lfsr_q));
    end
  end
`endif

endmodule
