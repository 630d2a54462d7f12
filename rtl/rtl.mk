# rtl/rtl.mk: lint and synthesis of the accelerator RTL. Included by the top-level
# Makefile, which declares `lint` and `synth` phony.

RTL_SRC := rtl/ctlb_top.v rtl/ctlb_tlb.v rtl/ctlb_walker.v rtl/ctlb_wcache.v
RTL_INC := rtl/ctlb_assert.vh         # the assertion macros, included by every module (-Irtl)
RTL_WAIVER := rtl/ctlb_waivers.vlt
RTL_FPGA   := rtl/ctlb_fpga.v        # iCE40 wrapper (16 entries, fewer pins), synthesis only
NEXTPNR ?= nextpnr-ice40
# configurations linted besides the default (parameter corners)
RTL_LINT_CONFIGS := "" "-GWays=1" "-GEntries=16 -GWays=16 -GPolicy=1" "-GPolicy=2 -GWalkCache=1" \
                    "-GPolicy=3 -GWays=2 -GLevels=1 -GLevelBits0=16" \
                    "-GLevels=4 -GLevelBits0=8 -GLevelBits1=8 -GLevelBits2=8 -GLevelBits3=8 -GWalkCache=8" \
                    "-GEntries=1 -GWays=1"

lint:
	@for p in $(RTL_LINT_CONFIGS); do \
	  echo "verilator --lint-only -Wall $$p"; \
	  $(VERILATOR) --lint-only -Wall -Irtl $(RTL_WAIVER) $(RTL_SRC) --top-module ctlb_top $$p || exit 1; \
	done
	$(VERILATOR) --lint-only -Wall -Irtl $(RTL_WAIVER) $(RTL_FPGA) $(RTL_SRC) --top-module ctlb_fpga
	@mkdir -p $(BUILD)/rtl
	$(IVERILOG) -g2005 -Irtl -o $(BUILD)/rtl/ctlb_top.vvp $(RTL_SRC)
	@echo "lint: clean"

# Yosys generic cells for the default configuration (ctlb_top); iCE40 LUTs and the
# nextpnr Fmax for the FPGA wrapper ctlb_fpga (the default configuration does not fit).
synth:
	@mkdir -p $(BUILD)/synth
	$(YOSYS) -q -p 'read_verilog -DSYNTHESIS -Irtl $(RTL_SRC); synth -top ctlb_top; tee -q -o $(BUILD)/synth/generic.txt stat' > $(BUILD)/synth/yosys-generic.log 2>&1
	$(YOSYS) -q -p 'read_verilog -DSYNTHESIS -Irtl $(RTL_FPGA) $(RTL_SRC); synth_ice40 -top ctlb_fpga -json $(BUILD)/synth/ice40.json; tee -q -o $(BUILD)/synth/ice40.txt stat' > $(BUILD)/synth/yosys-ice40.log 2>&1
	$(NEXTPNR) --hx8k --package ct256 --json $(BUILD)/synth/ice40.json --asc $(BUILD)/synth/ice40.asc \
	  --pcf-allow-unconstrained --seed 1 > $(BUILD)/synth/nextpnr.log 2>&1
	$(PYTHON) rtl/synth_report.py $(BUILD)/synth docs/synth.md
	@cat docs/synth.md
