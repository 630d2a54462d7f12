# sim/sc/sc.mk: the SystemC virtual platform (docs/systemc.md): build/ctsim-sc,
# the embedding example build/sc-example-embed, and bench-sc.
# Included by the top-level Makefile.

SC_SRCS := $(wildcard sim/sc/*.cpp)
SC_OBJS := $(SC_SRCS:sim/sc/%.cpp=$(BUILD)/sc/%.o)
# the modules shared by ctsim-sc and the example
SC_MODULES := $(BUILD)/sc/ct_memory.o $(BUILD)/sc/ct_xlat.o

# Debian's libsystemc 2.3.4 is built as C++17
SC_CXXFLAGS := -std=gnu++17
# -O2, debug info
SC_CXXFLAGS += -O2 -g
# strict warnings
SC_CXXFLAGS += -Wall -Wextra -Werror
# header dependencies
SC_CXXFLAGS += -MMD -MP
# SystemC and TLM-2.0 headers
SC_CXXFLAGS += $(shell pkg-config --cflags systemc)
# the CPU's and the accelerator's C APIs
SC_CXXFLAGS += -Isim -Imodel -Isim/trace -Isim/sc
SC_LDLIBS := $(shell pkg-config --libs systemc) -pthread

ALL_TARGETS += $(BUILD)/ctsim-sc $(BUILD)/sc-example-embed
BENCH_TARGETS += bench-sc

$(BUILD)/sc/%.o: sim/sc/%.cpp
	@mkdir -p $(dir $@)
	$(CXX) $(SC_CXXFLAGS) -c -o $@ $<

$(BUILD)/ctsim-sc: $(BUILD)/sc/ctsim_sc.o $(BUILD)/sc/ct_cpu.o $(SC_MODULES) $(SIM_LIB) $(SIM_LIBXLAT)
	$(CXX) -o $@ $(BUILD)/sc/ctsim_sc.o $(BUILD)/sc/ct_cpu.o $(SC_MODULES) \
	  $(SIM_LIB) $(SIM_LDLIBS) $(SC_LDLIBS)

$(BUILD)/sc-example-embed: $(BUILD)/sc/example_embed.o $(SC_MODULES) $(SIM_LIB) $(SIM_LIBXLAT)
	$(CXX) -o $@ $(BUILD)/sc/example_embed.o $(SC_MODULES) \
	  $(SIM_LIB) $(SIM_LDLIBS) $(SC_LDLIBS)

-include $(SC_OBJS:.o=.d)

# The SystemC top's speed as a ratio of ctsim's on the same firmware (the
# bench-sim program), best of 3 alternating runs each (the machine is shared).
# Prints figures only; asserts nothing.
.PHONY: bench-sc
bench-sc: $(BUILD)/ctsim $(BUILD)/ctsim-sc $(CYCLES_ELFS)
	@echo "bench-sc: $(SIM_BENCH_ELF) (--ram 256M), ctsim vs ctsim-sc, best of 3"
	@rm -f $(BUILD)/bench-sc.txt; st=0; \
	  for i in 1 2 3; do for p in ctsim ctsim-sc; do \
	    $(BUILD)/$$p --ram 256M --host-stats -q $(SIM_BENCH_ELF) > /dev/null 2> $(BUILD)/bench-sc-run.txt || st=$$?; \
	    echo "$$p $$(grep -o '[0-9.]* MIPS' $(BUILD)/bench-sc-run.txt | cut -d' ' -f1)" >> $(BUILD)/bench-sc.txt; \
	  done; done; rm -f $(BUILD)/bench-sc-run.txt; \
	  awk -v st=$$st '{ if ($$2 > best[$$1]) best[$$1] = $$2 } END { \
	    printf "bench-sc: ctsim    %.1f MIPS\nbench-sc: ctsim-sc %.1f MIPS\n", best["ctsim"], best["ctsim-sc"]; \
	    if (best["ctsim"] > 0) printf "bench-sc: ctsim-sc speed / ctsim speed = %.3f (exit status %d)\n", best["ctsim-sc"] / best["ctsim"], st }' $(BUILD)/bench-sc.txt
