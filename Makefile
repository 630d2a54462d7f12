# Call-translation accelerator simulator: top-level Makefile.
# `make help` lists the targets. Tool variables can be overridden on the command line.

# ---------------------------------------------------------------- tools
PYTHON    ?= $(CURDIR)/.venv/bin/python
CC        ?= gcc
CXX       ?= g++
CROSS     ?= riscv64-unknown-elf-
VERILATOR ?= verilator
IVERILOG  ?= iverilog
YOSYS     ?= yosys
JOBS      ?= $(shell nproc)

BUILD     := build
# scripts/setup.sh's stamp, an included makefile (see "set-up" below)
SETUP     := build/setup.mk

# SAN=1: the host programs built with AddressSanitizer and UBSan, from the same
# sources, into build/san/ (`make asan` builds them and runs tests on them).
# Every part adds $(SAN_FLAGS) to its compile and link flags.
SAN       ?=
SAN_FLAGS :=
ifeq ($(SAN),1)
BUILD     := build/san
SAN_FLAGS := -fsanitize=address,undefined -fno-sanitize-recover=all -fno-omit-frame-pointer
endif

# Each part adds its own targets and appends to these lists.
ALL_TARGETS   :=
BENCH_TARGETS :=
CLEAN_DIRS    := $(BUILD)

.DEFAULT_GOAL := help
# keep intermediate files (objects of the tools), so a second make does nothing
.SECONDARY:
# That also lets make skip a missing object of an up-to-date target, so a
# library whose objects were deleted would not be rebuilt: its rule adds
# $(call missing,OBJECTS), which is FORCE when one of OBJECTS does not exist.
.PHONY: FORCE
missing = $(if $(filter-out $(wildcard $(1)),$(1)),FORCE)
.PHONY: help setup all demo test bench lint synth clean distclean

help:
	@echo "make demo     run the main demo (installs what is missing first)"
	@echo "make test     run the whole test suite (installs what is missing first)"
	@echo "make bench    print the speed and memory benchmarks"
	@echo "make all      build the simulator, models and firmware"
	@echo "make lint     verilator --lint-only -Wall on rtl/"
	@echo "make synth    Yosys cells, ECP5 and iCE40 place and route, hit-path sweep into docs/synth.md (about 7 min)"
	@echo "make formal   prove the RTL properties (docs/formal.md) and check the mutants are caught"
	@echo "make sweep    run a sweep configuration (SWEEP=default) into build/sweep-NAME.csv"
	@echo "make report   regenerate docs/report.md and its plots (docs/sweeps.md)"
	@echo "make wave     demo with a waveform of the table walks, opened in GTKWave"
	@echo "make demo-patch a patch module built from a source change, loaded into Lua while it runs"
	@echo "make demo-shootdown a call ID patched live on 4 harts, by IPIs and by ctlb.bcast, under --check-shootdown"
	@echo "make shootdown the cost of both shootdown mechanisms for 1..16 harts into docs/shootdown.md"
	@echo "make cmpbench cycles per call: callid vs direct calls, jump tables, trampolines"
	@echo "make firmware build the firmware ELFs into build/firmware/"
	@echo "make realprogs Lua, zlib and mbedtls from Debian sources, bare metal (RP_MODES=direct)"
	@echo "make asan     the host programs with AddressSanitizer + UBSan, and tests on them"
	@echo "make fuzz     random call-ID programs in the four backend/lock-step modes (FUZZ_SEEDS=1-200, FUZZ_JOBS=cores)"
	@echo "make setup    install Debian and Python packages (run by the targets above)"
	@echo "make clean    remove build/"

# ---------------------------------------------------------------- set-up
# The parts' makefiles read tool flags when make parses them (pkg-config for
# SystemC, Verilator's root), so on a fresh machine the set-up must run before
# they are read. The stamp is an included makefile: GNU make first remakes it
# (running scripts/setup.sh), then restarts and reads every makefile again with
# the tools installed. Goals that need no tools skip it.
NO_SETUP_GOALS := help clean distclean
ifneq ($(filter-out $(NO_SETUP_GOALS),$(or $(MAKECMDGOALS),$(.DEFAULT_GOAL))),)
include $(SETUP)
endif
setup: $(SETUP)
$(SETUP): scripts/setup.sh requirements.txt
	bash scripts/setup.sh
	@mkdir -p $(BUILD) && echo '# scripts/setup.sh has run (Makefile, set-up)' > $@

# ---------------------------------------------------------------- parts
-include sim/sim.mk
-include model/model.mk
-include rtl/rtl.mk
-include firmware/firmware.mk
-include firmware/realprog/realprog.mk
-include sim/trace/trace.mk
-include scripts/report.mk
-include sim/sc/sc.mk
-include formal/formal.mk

all: $(SETUP) $(ALL_TARGETS)

# ---------------------------------------------------------------- verbs
PYTEST_ARGS ?= -n $(JOBS)
test: all
	$(PYTHON) -m pytest $(PYTEST_ARGS) tests

bench: all $(BENCH_TARGETS)

# The host programs built with the sanitizers (SAN=1, into build/san/), then
# the firmware, call-ID and trace tests on them ($CT_BIN_DIR, tests/paths.py).
# Firmware and the verilated libraries come from the normal build.
ASAN_PROGRAMS := ctsim cttrace ctrdump xlat-diff xlat-bench ctdisasm
ASAN_TESTS := tests/test_san.py tests/test_firmware.py tests/test_isa.py tests/test_callid.py \
  tests/test_runtime.py tests/test_replay_fw.py tests/test_cycles.py \
  tests/test_sim_cli.py tests/test_traces_cttrace.py tests/test_traces_format.py \
  tests/test_outputs.py tests/test_htif.py tests/test_conformance.py tests/test_patch_triggers.py \
  tests/test_roi.py tests/test_sim_names.py tests/test_ctisa.py tests/test_ctpatch.py
# leaks are reported (LeakSanitizer) and fail the run like any other error
ASAN_ENV := ASAN_OPTIONS=abort_on_error=0:detect_leaks=1 \
  UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1
.PHONY: asan
asan: all
	$(MAKE) SAN=1 $(ASAN_PROGRAMS:%=build/san/%)
	$(ASAN_ENV) CT_BIN_DIR=build/san $(PYTHON) -m pytest $(PYTEST_ARGS) $(ASAN_TESTS)

# A longer campaign of the random-program differential test than `make test`
# runs (tests/fuzz/harness.py --help), then the same seeds on several harts
# with shootdowns under --check-shootdown (--harts).
FUZZ_SEEDS ?= 1-200
# cases run at once (the output does not depend on it)
FUZZ_JOBS  ?= $(JOBS)
.PHONY: fuzz
fuzz: all
	$(PYTHON) tests/fuzz/harness.py --seeds $(FUZZ_SEEDS) --configs 3 --patch -j $(FUZZ_JOBS)
	$(PYTHON) tests/fuzz/harness.py --harts --seeds $(FUZZ_SEEDS) -j $(FUZZ_JOBS)

clean:
	rm -rf $(CLEAN_DIRS)

distclean: clean
	rm -rf .venv
