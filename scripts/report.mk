# scripts/report.mk: sweeps and the report (docs/sweeps.md, docs/report.md).
#   make sweep [SWEEP=name|file.yaml]  run a sweep configuration into build/sweep-NAME.csv
#   make report                        regenerate docs/report.md and docs/report/*.png

# named configuration in scripts/sweeps/, or a YAML file
SWEEP        ?= default
# parallel cttrace runs (default: all cores)
SWEEP_JOBS   ?= $(JOBS)
SWEEP_NAME    = $(basename $(notdir $(SWEEP)))
# The comparison benchmark (firmware/cmpbench/program.mk: CMP_RUNS lists
# ELF:ctsim-levels) is used by the report when the firmware part builds it.
REPORT_CMPBENCH := $(foreach t,$(ALL_TARGETS),$(if $(findstring /cmpbench/,$(t)),$(t)))
REPORT_CMP_ARGS := $(if $(REPORT_CMPBENCH),$(foreach r,$(CMP_RUNS),--cmpbench-run \
  $(FW_BUILD)/cmpbench/$(word 1,$(subst :, ,$(r))).elf:$(word 2,$(subst :, ,$(r)))))

.PHONY: sweep report

sweep: $(SETUP) $(BUILD)/cttrace
	$(PYTHON) scripts/sweep.py $(SWEEP) --jobs $(SWEEP_JOBS) -o $(BUILD)/sweep-$(SWEEP_NAME).csv

report: $(SETUP) $(BUILD)/cttrace $(if $(REPORT_CMPBENCH),$(BUILD)/ctsim $(REPORT_CMPBENCH))
	$(PYTHON) scripts/report.py --jobs $(SWEEP_JOBS) $(REPORT_CMP_ARGS)

# make payoff: does the call-ID hardware pay off in the real programs?
# (scripts/payoff.py, docs/payoff.md; minutes: whole-program runs of every
# lowering mode at three memory latencies, a CTLB sweep over their traces)
# PAYOFF_SIZE=small: the programs' test size (about 2 minutes instead of ~30)
PAYOFF_SIZE ?= full
.PHONY: payoff
payoff: $(SETUP) $(BUILD)/ctsim $(BUILD)/cttrace $(BUILD)/ctlru realprogs
	$(PYTHON) scripts/payoff.py --jobs $(SWEEP_JOBS) --size $(PAYOFF_SIZE) \
	  $(if $(filter small,$(PAYOFF_SIZE)),--work $(BUILD)/payoff-small)
