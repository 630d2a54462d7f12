// ctlb_tlb: the call-translation lookaside buffer.
//
// Set-associative cache of ID -> function address translations; the set index
// is the low bits of the ID, the tag the bits above it. A lookup answers
// combinationally in the cycle it is presented. Refill, invalidate and the
// replacement-state update happen at the rising edge. Only the configured
// replacement policy's state is built (one generate block per policy).
// docs/accelerator.md section "CTLB" is the cycle-level description.

`ifdef CTLB_ASSERTS  // the invariant assertions: -DCTLB_ASSERTS -I rtl
`include "ctlb_assert.vh"
`endif

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
  localparam integer SET_BITS = (SETS > 1) ? $clog2(SETS) : 0;
  localparam integer TAG_W    = 32 - SET_BITS;       // an ID's bits above the set index

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

  // ------------------------------------------------------------------------
  // State (the replacement state is in the policy's generate block below)
  // ------------------------------------------------------------------------
  reg [TAG_W-1:0]     tag_q  [0:Entries-1];        // ID bits 31:SET_BITS
  reg [29:0]          addr_q [0:Entries-1];
  reg [Entries-1:0]   valid_q;

  // ------------------------------------------------------------------------
  // Lookup
  // ------------------------------------------------------------------------
  reg [31:0]         lkp_set;
  reg [WAY_BITS-1:0] lkp_way;
  reg [Ways-1:0]     lkp_match;   // the ways holding the ID (one-hot or 0: assertions)
  wire [TAG_W-1:0]   lkp_tag = lkp_id_i[31:SET_BITS];
  integer            lw;
  always @(*) begin : lookup
    lkp_set    = lkp_id_i & SET_MASK;
    lkp_hit_o  = 1'b0;
    lkp_way    = {WAY_BITS{1'b0}};
    lkp_addr_o = 30'd0;
    lkp_match  = {Ways{1'b0}};
    for (lw = 0; lw < Ways; lw = lw + 1) begin
      if (valid_q[lkp_set*Ways + lw] && tag_q[lkp_set*Ways + lw] == lkp_tag) begin
        lkp_match[lw] = 1'b1;
        lkp_hit_o  = 1'b1;
        lkp_way    = lw[WAY_BITS-1:0];
        lkp_addr_o = addr_q[lkp_set*Ways + lw];
      end
    end
  end
`ifndef CTLB_ASSERT_ON
  wire unused_match = ^lkp_match;  // read by the assertions only
`endif

  // ------------------------------------------------------------------------
  // Replacement: the lowest-numbered invalid way of the refill set, else the
  // policy's choice (pol_victim). Only a refill reads the victim, so it is
  // chosen only in a refill cycle (0 in the others): a simulator then skips
  // the choice in every other cycle.
  // ------------------------------------------------------------------------
  wire [31:0]         fill_set = fill_id_i & SET_MASK;
  reg [WAY_BITS-1:0]  victim;
  wire [WAY_BITS-1:0] pol_victim;
  wire [TAG_W-1:0]    fill_tag = fill_id_i[31:SET_BITS];
  // the lowest-numbered invalid way of a set's valid bits, else `pol` (a
  // function: its loop variable and flag are not signals a simulator keeps
  // assigning in every other cycle)
  function [WAY_BITS-1:0] free_or;
    input [Ways-1:0]     valid;
    input [WAY_BITS-1:0] pol;
    integer              fw;
    reg                  found;
    begin
      free_or = pol;
      found   = 1'b0;
      for (fw = 0; fw < Ways; fw = fw + 1) begin
        if (!found && !valid[fw]) begin
          found   = 1'b1;
          free_or = fw[WAY_BITS-1:0];
        end
      end
    end
  endfunction
  always @(*) begin : replacement
    victim = {WAY_BITS{1'b0}};
    if (fill_i) victim = free_or(valid_q[fill_set*Ways +: Ways], pol_victim);
  end

  // A use of a way (for LRU/PLRU): a hit of an accepted lookup, or a refill
  wire                upd_valid = (lkp_touch_i && lkp_hit_o) || fill_i;
  wire [31:0]         upd_set   = fill_i ? fill_set : lkp_set;
  wire [WAY_BITS-1:0] upd_way   = fill_i ? victim : lkp_way;
  wire                unused_upd = ^{upd_valid, upd_set, upd_way};  // unused by FIFO/RANDOM
  wire [31:0]         victim32  = {{(32-WAY_BITS){1'b0}}, victim};

  // ------------------------------------------------------------------------
  // Replacement policies: one generate block each, with its state. New state
  // is computed in the clocked blocks (functions), not in an always @(*): a
  // simulator then evaluates it once per cycle, not on every input change.
  // ------------------------------------------------------------------------
  generate
    if (Ways == 1) begin : g_one_way
      // direct-mapped: the one way is the victim, no replacement state
      assign pol_victim = {WAY_BITS{1'b0}};
    end else if (Policy == POL_LRU) begin : g_lru
      // per-way ages of each set, 0 = newest; reset: way w has age w. One word
      // per set (not one vector of all sets): a simulator then reads and writes
      // a set's ages as an array element, not as a part-select of a wide vector.
      reg [LRU_W-1:0]      lru_q [0:SETS-1];
      reg [WAY_BITS-1:0]   lru_victim;
      // the way with the oldest age in a set's ages
      function [WAY_BITS-1:0] lru_oldest;
        input [LRU_W-1:0] ages;
        integer           ow;
        begin
          lru_oldest = {WAY_BITS{1'b0}};
          for (ow = 0; ow < Ways; ow = ow + 1)
            if (ages[ow*WAY_BITS +: WAY_BITS] == WAY_LAST) lru_oldest = ow[WAY_BITS-1:0];
        end
      endfunction
      always @(*) begin : victim_lru   // (refills only)
        lru_victim = {WAY_BITS{1'b0}};
        if (fill_i) lru_victim = lru_oldest(lru_q[fill_set]);
      end
      assign pol_victim = lru_victim;
      // the age of `way` in a set's ages
      function [WAY_BITS-1:0] lru_age;
        input [LRU_W-1:0]    ages;
        input [WAY_BITS-1:0] way;
        lru_age = ages[way*WAY_BITS +: WAY_BITS];
      endfunction
      // New ages of a set after a use of `way`: it becomes the newest (age 0),
      // the ways newer than it age by one.
      function [LRU_W-1:0] lru_touch;
        input [LRU_W-1:0]    ages;
        input [WAY_BITS-1:0] way;
        reg   [WAY_BITS-1:0] age_upd;
        integer              uw;
        begin
          lru_touch = ages;
          age_upd   = lru_age(ages, way);
          for (uw = 0; uw < Ways; uw = uw + 1) begin
            if (uw == {{(32-WAY_BITS){1'b0}}, way}) lru_touch[uw*WAY_BITS +: WAY_BITS] = {WAY_BITS{1'b0}};
            else if (ages[uw*WAY_BITS +: WAY_BITS] < age_upd)
              lru_touch[uw*WAY_BITS +: WAY_BITS] = ages[uw*WAY_BITS +: WAY_BITS] + 1'b1;
          end
        end
      endfunction
      // the reset ages of a set: way w has age w
      function [LRU_W-1:0] lru_init;
        input integer unused_arg;  // Verilog-2005 functions need an input
        integer w;
        begin
          for (w = 0; w < Ways; w = w + 1)
            lru_init[w*WAY_BITS +: WAY_BITS] = w[WAY_BITS-1:0];
        end
      endfunction
      // (a use of the newest way, age 0, changes no age: the set is written
      // only for a use of another way; the C model skips it alike)
      integer ls;
      always @(posedge clk_i or negedge rst_ni) begin : regs_lru
        if (!rst_ni) begin
          for (ls = 0; ls < SETS; ls = ls + 1) lru_q[ls] <= lru_init(0);
        end else if (upd_valid && lru_age(lru_q[upd_set], upd_way) != {WAY_BITS{1'b0}}) begin
          lru_q[upd_set] <= lru_touch(lru_q[upd_set], upd_way);
        end
      end
`ifdef FORMAL
      // P6 (docs/formal.md): the ages change only at an edge with a use
      reg f_past_q = 1'b0;
      always @(posedge clk_i) f_past_q <= 1'b1;
      wire f_use = (lkp_touch_i && lkp_hit_o) || fill_i;   // from the ports, not upd_valid
      wire [SETS*LRU_W-1:0] f_lru;   // all sets' ages in one vector, for $past
      genvar fs;
      for (fs = 0; fs < SETS; fs = fs + 1) begin : g_f_lru
        assign f_lru[fs*LRU_W +: LRU_W] = lru_q[fs];
      end
      always @(posedge clk_i) begin : formal_repl
        if (f_past_q && rst_ni && $past(rst_ni) && !$past(f_use)) assert (f_lru == $past(f_lru));
      end
`endif
    end else if (Policy == POL_PLRU) begin : g_plru
      // tree bits 1..Ways-1 of each set (bit 0 unused); a bit points to the
      // half of its subtree to replace next
      reg [SETS*Ways-1:0] plru_q;
      reg [Ways-1:0]      fill_tree;
      integer             node, pl;
      always @(*) begin : victim_plru  // follow the tree bits from the root (refills only)
        fill_tree = {Ways{1'b0}};
        node      = 1;
        pl        = 0;
        if (fill_i) begin
          fill_tree = plru_q[fill_set*Ways +: Ways];
          for (pl = 0; pl < WAY_BITS; pl = pl + 1)
            node = 2 * node + (fill_tree[node] ? 1 : 0);
        end
      end
      assign pol_victim = node[WAY_BITS-1:0];  // node - Ways, as Ways is a power of two
      // New tree bits of a set after a use of `way`: every node on the path to
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
      always @(posedge clk_i or negedge rst_ni) begin : regs_plru
        if (!rst_ni)        plru_q <= {SETS*Ways{1'b0}};
        else if (upd_valid) plru_q[upd_set*Ways +: Ways] <= plru_touch(plru_q[upd_set*Ways +: Ways], upd_way);
      end
`ifdef FORMAL
      // P6: the tree bits change only at an edge with a use
      reg f_past_q = 1'b0;
      always @(posedge clk_i) f_past_q <= 1'b1;
      wire f_use = (lkp_touch_i && lkp_hit_o) || fill_i;   // from the ports, not upd_valid
      always @(posedge clk_i) begin : formal_repl
        if (f_past_q && rst_ni && $past(rst_ni) && !$past(f_use)) assert (plru_q == $past(plru_q));
      end
`endif
    end else if (Policy == POL_FIFO) begin : g_fifo
      // the next way to replace in each set, stepped by each refill of the set
      reg [SETS*WAY_BITS-1:0] fifo_q;
      assign pol_victim = fifo_q[fill_set*WAY_BITS +: WAY_BITS];
      always @(posedge clk_i or negedge rst_ni) begin : regs_fifo
        if (!rst_ni)     fifo_q <= {SETS*WAY_BITS{1'b0}};
        else if (fill_i) fifo_q[fill_set*WAY_BITS +: WAY_BITS] <= fifo_q[fill_set*WAY_BITS +: WAY_BITS] + 1'b1;
      end
`ifdef FORMAL
      // P6: the pointers change only at a refill
      reg f_past_q = 1'b0;
      always @(posedge clk_i) f_past_q <= 1'b1;
      always @(posedge clk_i) begin : formal_repl
        if (f_past_q && rst_ni && $past(rst_ni) && !$past(fill_i)) assert (fifo_q == $past(fifo_q));
      end
`endif
    end else if (Policy == POL_RAND) begin : g_rand
      // Galois LFSR, taps 0xB400, stepped by each refill; its low bits choose
      reg [15:0] lfsr_q;
      assign pol_victim = lfsr_q[WAY_BITS-1:0];
      always @(posedge clk_i or negedge rst_ni) begin : regs_lfsr
        if (!rst_ni)     lfsr_q <= LfsrSeed[15:0];
        else if (fill_i) lfsr_q <= lfsr_q[0] ? ((lfsr_q >> 1) ^ 16'hB400) : (lfsr_q >> 1);
      end
`ifdef FORMAL
      // P6: the LFSR steps only at a refill
      reg f_past_q = 1'b0;
      always @(posedge clk_i) f_past_q <= 1'b1;
      always @(posedge clk_i) begin : formal_repl
        if (f_past_q && rst_ni && $past(rst_ni) && !$past(fill_i)) assert (lfsr_q == $past(lfsr_q));
      end
`endif
    end
  endgenerate

  // ------------------------------------------------------------------------
  // Entries
  // ------------------------------------------------------------------------
  integer iw;
  reg [31:0] inv_set;
  wire [TAG_W-1:0] inv_tag = inv_id_i[31:SET_BITS];
  always @(*) inv_set = inv_id_i & SET_MASK;

  always @(posedge clk_i or negedge rst_ni) begin : regs_valid
    if (!rst_ni) begin
      valid_q <= {Entries{1'b0}};
    end else begin
      if (inv_i && inv_all_i) begin
        valid_q <= {Entries{1'b0}};
      end else if (inv_i) begin
        for (iw = 0; iw < Ways; iw = iw + 1)
          if (tag_q[inv_set*Ways + iw] == inv_tag) valid_q[inv_set*Ways + iw] <= 1'b0;
      end
      // a refill in the same cycle wins over the invalidate (it replaces the entry)
      if (fill_i) valid_q[fill_set*Ways + victim32] <= 1'b1;
    end
  end

  always @(posedge clk_i) begin : regs_data
    if (fill_i) begin
      tag_q[fill_set*Ways + victim32]  <= fill_tag;
      addr_q[fill_set*Ways + victim32] <= fill_addr_i;
    end
  end

`ifdef CTLB_ASSERT_ON
  // ------------------------------------------------------------------------
  // Invariants (rtl/ctlb_assert.vh: simulators and the formal flow): the
  // looked-up ID is in at most one way of its set (the lookup's match vector
  // is one-hot or 0), and a refill never installs an ID that is already there
  // (which is what keeps the hit one-hot: the walk of an ID starts only on its
  // miss; the ways are counted afresh, not by the lookup's comparators)
  // ------------------------------------------------------------------------
  // (counted in a function, called by simulators at the edge only)
  function integer ways_hit;
    input [TAG_W-1:0] tag;
    input [31:0]      set;
    integer aw;
    begin
      ways_hit = 0;
      for (aw = 0; aw < Ways; aw = aw + 1)
        if (valid_q[set*Ways + aw] && tag_q[set*Ways + aw] == tag) ways_hit = ways_hit + 1;
    end
  endfunction
  `CTLB_ASSERT_AT begin : assertions
    if (rst_ni) begin
      // (each under the guard of ctlb_assert.vh: the failing condition)
      if ((lkp_match & (lkp_match - 1'b1)) != {Ways{1'b0}})
        `CTLB_ASSERT((lkp_match & (lkp_match - 1'b1)) == {Ways{1'b0}}, "ctlb_tlb: the looked-up ID hits more than one way")
      if (fill_i)
        `CTLB_ASSERT(ways_hit(fill_tag, fill_set) == 0, "ctlb_tlb: a refill of an ID that is already in the CTLB")
    end
  end
`endif

endmodule
