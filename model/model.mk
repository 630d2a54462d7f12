# model/model.mk: the accelerator's C API (model/xlat.h): the pure-C model, the
# dispatcher to the verilated backend, the static library the simulator links,
# and the xlat-diff / xlat-bench tools. Included by the top-level Makefile.

XLAT_CFLAGS := -std=c11
XLAT_CFLAGS += -O2                  # the C model's hit path must be fast
XLAT_CFLAGS += -Wall -Wextra -Werror
XLAT_CFLAGS += -MMD -MP             # header dependencies
XLAT_CFLAGS += -Imodel
XLAT_CFLAGS += $(SAN_FLAGS)           # the sanitizers with SAN=1 (Makefile)
XLAT_CFLAGS += -fPIC               # the same objects also make build/libxlat.so (ctypes tests)

XLAT_LIB     := $(BUILD)/libxlat.a
XLAT_LIB_SRC := model/xlat.c model/xlat_c.c model/xlat_rtl.c model/xlat_opts.c
XLAT_LIB_OBJ := $(patsubst model/%.c,$(BUILD)/model/%.o,$(XLAT_LIB_SRC))
XLAT_SO      := $(BUILD)/libxlat.so
XLAT_TOOLS   := $(BUILD)/xlat-diff $(BUILD)/xlat-bench
# the default configuration's verilated library, prebuilt so tests start warm,
# and its variant with FST tracing (waveforms to .fst files; xlat_build.sh)
XLAT_RTL_DEFAULT := $(BUILD)/xlat-rtl/e64w4-lru-l12.10.10-wc0/libxlat_vl.so
XLAT_RTL_DEFAULT_FST := $(BUILD)/xlat-rtl/e64w4-lru-l12.10.10-wc0/fst/libxlat_vl.so
XLAT_RTL_DEFAULT_G := -GEntries=64 -GWays=4 -GPolicy=0 -GLevels=3 -GLevelBits0=12 \
  -GLevelBits1=10 -GLevelBits2=10 -GLevelBits3=0 -GWalkCache=0 -GLfsrSeed=44257
XLAT_RTL_DEPS := $(wildcard rtl/ctlb_*.v) rtl/ctlb_assert.vh model/xlat_vl.cpp model/xlat_impl.h \
                 model/xlat.h model/xlat_build.sh model/xlat_vl_nba.awk model/wave_dump.v model/wave_hart.v

ALL_TARGETS   += $(XLAT_LIB) $(XLAT_SO) $(XLAT_TOOLS) $(XLAT_RTL_DEFAULT) $(XLAT_RTL_DEFAULT_FST)
BENCH_TARGETS += bench-xlat
.PHONY: bench-xlat

$(BUILD)/model/%.o: model/%.c
	@mkdir -p $(dir $@)
	$(CC) $(XLAT_CFLAGS) -c $< -o $@

$(XLAT_LIB): $(XLAT_LIB_OBJ) $(call missing,$(XLAT_LIB_OBJ))
	@rm -f $@
	ar rcs $@ $(XLAT_LIB_OBJ)

$(XLAT_SO): $(XLAT_LIB_OBJ) $(call missing,$(XLAT_LIB_OBJ))
	$(CC) -shared -o $@ $(XLAT_LIB_OBJ) -ldl

$(BUILD)/xlat-%: $(BUILD)/model/xlat_%.o $(XLAT_LIB)
	$(CC) $(SAN_FLAGS) -o $@ $^ -ldl

# The flags of the environment the verilated libraries are built with
# (XLAT_VL_CXXOPT, XLAT_VL_VFLAGS: model/xlat_build.sh), as it writes them into
# build.flags beside each: $(call xlat_reflag,DIR) is FORCE when DIR's differ.
# (both as one word, their spaces as ^, so that filter-out compares them whole)
xlat_space := $() $()
xlat_word = x$(subst $(xlat_space),^,$(1))
xlat_vl_flags := $(call xlat_word,XLAT_VL_CXXOPT=$(XLAT_VL_CXXOPT)|XLAT_VL_VFLAGS=$(XLAT_VL_VFLAGS))
xlat_reflag = $(if $(filter-out $(xlat_vl_flags),$(call xlat_word,$(file <$(1)build.flags))),FORCE)

# (under the same locks as xlat_create's on-demand builds)
$(XLAT_RTL_DEFAULT): $(XLAT_RTL_DEPS) $(call xlat_reflag,$(dir $(XLAT_RTL_DEFAULT)))
	@mkdir -p $(BUILD)/xlat-rtl
	VERILATOR=$(VERILATOR) CXX=$(CXX) flock $(BUILD)/xlat-rtl/e64w4-lru-l12.10.10-wc0.lock \
	  sh model/xlat_build.sh $(CURDIR) e64w4-lru-l12.10.10-wc0 \
	  $(XLAT_RTL_DEFAULT_G) > $(BUILD)/xlat-rtl-default.log 2>&1 \
	  || { cat $(BUILD)/xlat-rtl-default.log; exit 1; }

$(XLAT_RTL_DEFAULT_FST): $(XLAT_RTL_DEPS) $(call xlat_reflag,$(dir $(XLAT_RTL_DEFAULT_FST)))
	@mkdir -p $(BUILD)/xlat-rtl
	VERILATOR=$(VERILATOR) CXX=$(CXX) flock $(BUILD)/xlat-rtl/e64w4-lru-l12.10.10-wc0.fst.lock \
	  sh model/xlat_build.sh --fst $(CURDIR) e64w4-lru-l12.10.10-wc0 \
	  $(XLAT_RTL_DEFAULT_G) > $(BUILD)/xlat-rtl-default-fst.log 2>&1 \
	  || { cat $(BUILD)/xlat-rtl-default-fst.log; exit 1; }

bench-xlat: $(BUILD)/xlat-bench
	$(BUILD)/xlat-bench

# What Verilator and C++ options do to the verilated backend's speed on
# bench_callid (scripts/rtl_options_bench.py, docs/accelerator.md section 9): a
# build of the default configuration per variant under build/rtl-options/, so
# not part of `make bench` (several minutes). Prints figures; asserts nothing.
.PHONY: bench-rtl-options
bench-rtl-options: $(BUILD)/ctsim $(BUILD)/cycles/bench_callid.elf
	@$(PYTHON) scripts/rtl_options_bench.py --callgrind

-include $(wildcard $(BUILD)/model/*.d)
