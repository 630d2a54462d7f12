# demo: the hot-patching demo (docs/hotpatch.md). `make demo` builds the
# simulator and the ELF and runs it on the RTL backend (--xlat rtl): the firmware patches
# checksum from its timer interrupt, ctsim patches respond from outside at
# DEMO_PATCH_CYCLE (between requests 19 and 20: request k starts at cycle
# (k + 1) * DEMO_PERIOD).
DEMO_PERIOD       := 20000
DEMO_REQUESTS     := 30
DEMO_PATCH_TICK   := 10
DEMO_PATCH_CYCLE  := 410000
DEMO_ELF          := $(FW_BUILD)/demo/demo.elf
DEMO_PATCH        := --patch-at $(DEMO_PATCH_CYCLE):0x10003:respond_v2
DEMO_CFLAGS       := -DDEMO_PERIOD=$(DEMO_PERIOD) -DDEMO_REQUESTS=$(DEMO_REQUESTS) \
                     -DDEMO_PATCH_TICK=$(DEMO_PATCH_TICK)
$(eval $(call fw_program,demo,firmware/demo/demo.c firmware/common/callid.c,$(DEMO_CFLAGS)))

demo: $(SETUP) $(BUILD)/ctsim $(DEMO_ELF)
	$(BUILD)/ctsim --xlat rtl $(DEMO_PATCH) $(DEMO_ELF)

# make wave: the demo with a waveform of the table walks (scripts/wave.sh,
# docs/waves.md: ctsim --wave FILE --wave-walks-only).
wave: $(SETUP) $(BUILD)/ctsim $(DEMO_ELF)
	DEMO_ARGS='$(DEMO_PATCH)' bash scripts/wave.sh
