# sim/trace/trace.mk: trace tooling (issue 5), included by the top-level Makefile.
#   build/ctrdump  the C trace reader/writer as a tool (prints or converts a trace)
#   build/cttrace  the trace-driven driver: a trace through the accelerator, no CPU
#   build/ctlru    one-pass LRU hits for every associativity (scripts/sweep.py)
#   bench-trace    events per second of cttrace with the C and the RTL backend

TRACE_CFLAGS := -std=c11
TRACE_CFLAGS += -O2 -flto               # speed matters (>= 30 M events/s): inline the reader
TRACE_CFLAGS += -Wall -Wextra -Werror
TRACE_CFLAGS += -MMD -MP                # header dependencies
TRACE_CFLAGS += -Imodel -Isim           # the accelerator's API, sim/outfile.h
TRACE_CFLAGS += $(SAN_FLAGS)            # the sanitizers with SAN=1 (Makefile)
TRACE_OBJ    := $(BUILD)/trace
LIBXLAT      ?= $(BUILD)/libxlat.a
TRACE_LDLIBS := -lz -ldl -lm

$(TRACE_OBJ)/%.o: sim/trace/%.c
	@mkdir -p $(dir $@)
	$(CC) $(TRACE_CFLAGS) -c $< -o $@

# output files (temporary file + rename, or in place; sim/outfile.h)
$(TRACE_OBJ)/outfile.o: sim/outfile.c
	@mkdir -p $(dir $@)
	$(CC) $(TRACE_CFLAGS) -c $< -o $@

# cttrace's own copy of the accelerator library, compiled for link-time
# optimisation with it: xlat_hit and xlat_walk inline into its event loop
# (the C model is the same source as build/libxlat.a's)
TRACE_XLAT_OBJ := $(patsubst model/%.c,$(TRACE_OBJ)/model/%.o,$(XLAT_LIB_SRC))
$(TRACE_OBJ)/model/%.o: model/%.c
	@mkdir -p $(dir $@)
	$(CC) $(XLAT_CFLAGS) -flto -c $< -o $@

-include $(wildcard $(TRACE_OBJ)/*.d $(TRACE_OBJ)/model/*.d)

$(BUILD)/ctrdump: $(TRACE_OBJ)/ctrdump.o $(TRACE_OBJ)/ctrace_read.o $(TRACE_OBJ)/ctrace_write.o \
                  $(TRACE_OBJ)/outfile.o
	$(CC) -O2 -flto $(SAN_FLAGS) -o $@ $^ -lz

$(BUILD)/cttrace: $(TRACE_OBJ)/cttrace.o $(TRACE_OBJ)/ctrace_read.o $(TRACE_OBJ)/outfile.o $(TRACE_XLAT_OBJ)
	$(CC) -O2 -flto $(SAN_FLAGS) -o $@ $^ $(TRACE_LDLIBS)

$(BUILD)/ctlru: $(TRACE_OBJ)/ctlru.o $(TRACE_OBJ)/ctrace_read.o $(LIBXLAT)
	$(CC) -O2 -flto $(SAN_FLAGS) -o $@ $^ $(TRACE_LDLIBS)

ALL_TARGETS += $(BUILD)/ctrdump

# cttrace needs build/libxlat.a, which model/model.mk builds: only then is it
# part of `make all` (otherwise `make all` would fail for everybody).
ifneq ($(wildcard model/model.mk),)
ALL_TARGETS   += $(BUILD)/cttrace $(BUILD)/ctlru
BENCH_TARGETS += bench-trace
endif

# ---------------------------------------------------------------- benchmark
BENCH_TRACE := $(BUILD)/bench/phases-3M.ctb
$(BENCH_TRACE): scripts/tracegen.py scripts/ctrace.py
	@mkdir -p $(dir $@)
	$(PYTHON) scripts/tracegen.py phases --count 3000000 --ids 4096 --hot 32 \
	  --hot-frac 0.99 --seed 1 -o $@

.PHONY: bench-trace
# Three runs per backend, the best kept (a run is a fraction of a second, so
# one run scatters by 10 % or more even on an idle machine).
bench-trace: $(BUILD)/cttrace $(BENCH_TRACE)
	@for b in c rtl; do \
	  for r in 1 2 3; do \
	    $(BUILD)/cttrace --backend $$b --speed $(BENCH_TRACE) > $(BUILD)/bench/trace-$$b-$$r.txt || exit 1; \
	  done; \
	  printf 'bench-trace: backend %-3s %s events/s, best of 3 (hit rate %s, %s)\n' $$b \
	    "$$(cat $(BUILD)/bench/trace-$$b-[123].txt | awk '/^events_per_second/{print $$2}' | sort -n | tail -n 1)" \
	    "$$(awk '/^hit_rate/{print $$2}' $(BUILD)/bench/trace-$$b-1.txt)" \
	    "$(BENCH_TRACE)"; \
	done

# The sweep benchmark (docs/sweeps.md): 1056 points over a 1.5 M-call trace of
# real programs, grouped and one cttrace run per point.
BENCH_TARGETS += bench-sweep
.PHONY: bench-sweep
bench-sweep: $(BUILD)/cttrace $(BUILD)/ctlru
	$(PYTHON) scripts/sweep_bench.py -j 2
