# scripts/report.mk: sweeps and the report (docs/sweeps.md, docs/report.md).
#   make sweep [SWEEP=name|file.yaml]  run a sweep configuration into build/sweep-NAME.csv
#   make report                        regenerate docs/report.md and docs/report/*.png

# named configuration in scripts/sweeps/, or a YAML file
SWEEP        ?= default
# parallel cttrace runs (default: all cores)
SWEEP_JOBS   ?= $(JOBS)
SWEEP_NAME    = $(basename $(notdir $(SWEEP)))
# the comparison benchmark is used by the report when the firmware part builds it
REPORT_CMPBENCH := $(filter %/cmpbench.elf,$(ALL_TARGETS))

.PHONY: sweep report

sweep: $(SETUP) $(BUILD)/cttrace
	$(PYTHON) scripts/sweep.py $(SWEEP) --jobs $(SWEEP_JOBS) -o $(BUILD)/sweep-$(SWEEP_NAME).csv

report: $(SETUP) $(BUILD)/cttrace $(if $(REPORT_CMPBENCH),$(BUILD)/ctsim $(REPORT_CMPBENCH))
	$(PYTHON) scripts/report.py --jobs $(SWEEP_JOBS)
