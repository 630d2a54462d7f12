# sim/sim.mk: the CPU simulator build/ctsim, its benchmark and the small
# programs of tests/cycles/. Included by the top-level Makefile.

SIM_SRCS := $(wildcard sim/*.c)
SIM_OBJS := $(SIM_SRCS:sim/%.c=$(BUILD)/sim/%.o)
# the trace writer of --record-trace (sim/trace/, owned by the trace tools)
SIM_OBJS += $(BUILD)/sim/ctrace_write.o

# the project's C dialect
SIM_CFLAGS := -std=c11
# -O2 (results do not depend on the optimisation level), debug info
SIM_CFLAGS += -O2 -g
# strict warnings
SIM_CFLAGS += -Wall -Wextra -Werror
# header dependencies
SIM_CFLAGS += -MMD -MP
# the sanitizers with SAN=1 (Makefile)
SIM_CFLAGS += $(SAN_FLAGS)
# the accelerator's API (model/xlat.h), the trace writer's header, and
# sim/outfile.h for the trace writer
SIM_CFLAGS += -Imodel -Isim/trace -Isim
# cpu.c's run loop ends every instruction handler with its own copy of the
# fetch and dispatch (threaded code); keep GCC from merging those copies back
# into a few shared ones (about 4% faster on the benchmark)
$(BUILD)/sim/cpu.o: SIM_CFLAGS += -fno-crossjumping

# the accelerator (C model + loader of the verilated backend), zlib for traces
SIM_LIBXLAT := $(BUILD)/libxlat.a
SIM_LDLIBS := $(SIM_LIBXLAT) -ldl -lz

# small assembly programs (tests/cycles/*.S) with their own linker script
CYCLES_SRCS := $(wildcard tests/cycles/*.S)
CYCLES_ELFS := $(CYCLES_SRCS:tests/cycles/%.S=$(BUILD)/cycles/%.elf)
CYCLES_FLAGS := -march=rv32im -mabi=ilp32 -misa-spec=2.2
CYCLES_FLAGS += -nostdlib -nostartfiles -T tests/cycles/link.ld
# the call-ID mnemonics (firmware/common/ctisa.h)
CYCLES_FLAGS += -Ifirmware/common

# everything but main() as a library, for embeddings (sim/sc/, ctsim-sc)
SIM_LIB := $(BUILD)/libctsim.a
SIM_LIB_OBJS := $(filter-out $(BUILD)/sim/main.o,$(SIM_OBJS))

ALL_TARGETS += $(BUILD)/ctsim $(SIM_LIB) $(CYCLES_ELFS) $(BUILD)/ctdisasm $(BUILD)/ctobjdump
BENCH_TARGETS += bench-sim bench-speed bench-callid bench-ctcc bench-harts

$(SIM_LIB): $(SIM_LIB_OBJS) $(call missing,$(SIM_LIB_OBJS))
	@rm -f $@
	ar rcs $@ $(SIM_LIB_OBJS)

$(BUILD)/ctsim: $(BUILD)/sim/main.o $(SIM_LIB) $(SIM_LIBXLAT)
	$(CC) $(SIM_CFLAGS) -o $@ $(BUILD)/sim/main.o $(SIM_LIB) $(SIM_LDLIBS)

# objdump -d with the call-ID mnemonics: a link to the Python script
$(BUILD)/ctobjdump: scripts/ctobjdump
	@mkdir -p $(dir $@)
	ln -sf $(abspath $<) $@

# the disassembler as a filter (tests, and words by hand)
$(BUILD)/ctdisasm: $(BUILD)/sim/tools/ctdisasm.o $(SIM_LIB) $(SIM_LIBXLAT)
	$(CC) $(SIM_CFLAGS) -o $@ $(BUILD)/sim/tools/ctdisasm.o $(SIM_LIB) $(SIM_LDLIBS)

$(BUILD)/sim/tools/%.o: sim/tools/%.c sim/sim.mk
	@mkdir -p $(dir $@)
	$(CC) $(SIM_CFLAGS) -c -o $@ $<

$(BUILD)/sim/%.o: sim/%.c sim/sim.mk
	@mkdir -p $(dir $@)
	$(CC) $(SIM_CFLAGS) -c -o $@ $<

$(BUILD)/sim/ctrace_write.o: sim/trace/ctrace_write.c
	@mkdir -p $(dir $@)
	$(CC) $(SIM_CFLAGS) -c -o $@ $<

$(BUILD)/cycles/%.elf: tests/cycles/%.S tests/cycles/link.ld firmware/common/ctisa.h
	@mkdir -p $(dir $@)
	$(CROSS)gcc $(CYCLES_FLAGS) -o $@ $<

-include $(SIM_OBJS:.o=.d) $(BUILD)/sim/tools/ctdisasm.d

# The compute benchmark firmware when it is built, else the loop of
# tests/cycles/bench_loop.S. Prints figures only; asserts nothing.
SIM_BENCH_ELF = $(firstword $(wildcard $(BUILD)/firmware/bench/bench.elf) $(BUILD)/cycles/bench_loop.elf)

.PHONY: bench-sim bench-speed bench-callid bench-ctcc bench-harts
# The same compute kernel on every hart (firmware/smp/smpbench.c): the
# aggregate simulated MIPS of --harts 4 against --harts 1 (issue 12's target:
# at least 0.7x; issue 15's 0.8x). Three runs each, the two taking turns; the
# best of each is kept. Prints figures only; asserts nothing.
bench-harts: $(BUILD)/ctsim $(BUILD)/firmware/smp/smpbench.elf
	@for r in 1 2 3; do for n in 1 4; do \
	  $(BUILD)/ctsim -q --harts $$n --host-stats $(BUILD)/firmware/smp/smpbench.elf > /dev/null 2> $(BUILD)/bench-harts-$$n-$$r.txt \
	    || { echo "bench-harts: --harts $$n failed, see $(BUILD)/bench-harts-$$n-$$r.txt"; exit 1; }; \
	done; done
	@for n in 1 4; do \
	  echo "bench-harts: --harts $$n: $$(cat $(BUILD)/bench-harts-$$n-[123].txt | grep -o '[0-9.]* MIPS' | sort -n | tail -n 1) (best of 3)"; \
	done; \
	a=$$(cat $(BUILD)/bench-harts-1-[123].txt | grep -o '[0-9.]* MIPS' | sort -n | tail -n 1 | cut -d' ' -f1); \
	b=$$(cat $(BUILD)/bench-harts-4-[123].txt | grep -o '[0-9.]* MIPS' | sort -n | tail -n 1 | cut -d' ' -f1); \
	echo "bench-harts: aggregate 4-hart / 1-hart MIPS = $$(awk "BEGIN { printf \"%.2f\", $$b / $$a }")"

# issue 10's figures (scripts/bench_ctcc.py): the real programs' callid builds
# against their direct builds (simulated MIPS, C model and RTL) and ctcc's
# build time against gcc's. Prints figures only.
bench-ctcc: $(BUILD)/ctsim realprogs
	@$(PYTHON) scripts/bench_ctcc.py

# issue 15's yardstick (scripts/bench_speed.py): ctsim (timing model on, C
# model) and QEMU TCG on the same ELFs, pair by pair, for compute, call-heavy
# and memory-bound code: MIPS of both and their ratio. Asserts nothing.
bench-speed: $(BUILD)/ctsim realprogs $(BUILD)/firmware/bench/bench.elf
	@$(PYTHON) scripts/bench_speed.py

bench-sim: $(BUILD)/ctsim $(CYCLES_ELFS)
	@echo "bench-sim: $(SIM_BENCH_ELF) (timing model on, --ram 256M)"
	@$(BUILD)/ctsim --ram 256M --host-stats $(SIM_BENCH_ELF) > /dev/null 2> $(BUILD)/bench-sim.txt; \
	  st=$$?; grep -E 'cycles|instructions|CPI|ctsim: host' $(BUILD)/bench-sim.txt; \
	  echo "bench-sim: exit status $$st"

# About one callid per 20 instructions, nearly all CTLB hits
# (tests/cycles/bench_callid.S), on both backends, and the RTL's MIPS over the
# C model's (issue 15's target: 0.75). Three runs each, C and RTL taking
# turns; the best of each is kept. Prints MIPS; asserts nothing.
bench-callid: $(BUILD)/ctsim $(BUILD)/cycles/bench_callid.elf
	@for r in 1 2 3; do for b in c rtl; do \
	  $(BUILD)/ctsim --xlat $$b --host-stats $(BUILD)/cycles/bench_callid.elf > /dev/null 2> $(BUILD)/bench-callid-$$b-$$r.txt \
	    || { echo "bench-callid: --xlat $$b failed, see $(BUILD)/bench-callid-$$b-$$r.txt"; exit 1; }; \
	done; done
	@for b in c rtl; do \
	  best=$$(cat $(BUILD)/bench-callid-$$b-[123].txt | grep -o '[0-9.]* MIPS' | sort -n | tail -n 1); \
	  printf 'bench-callid: --xlat %-3s %s\n' $$b "$$best"; \
	  grep -E 'instructions|ctlb lookups' $(BUILD)/bench-callid-$$b-1.txt; \
	done
	@c=$$(cat $(BUILD)/bench-callid-c-[123].txt | grep -o '[0-9.]* MIPS' | sort -n | tail -n 1 | cut -d' ' -f1); \
	r=$$(cat $(BUILD)/bench-callid-rtl-[123].txt | grep -o '[0-9.]* MIPS' | sort -n | tail -n 1 | cut -d' ' -f1); \
	echo "bench-callid: RTL/C MIPS = $$(awk "BEGIN { printf \"%.3f\", $$r / $$c }")"
