# sdtest: a service loop on every hart patched live by hart 0 with a TLB
# shootdown (docs/platform.md "Shootdowns"): sdtest-sw (IPIs), sdtest-hw (ctlb.bcast), and
# the planted bugs of ctsim --check-shootdown's tests. 16 harts' stacks.
SD_FLAGS := -DFW_SMP -Xlinker --defsym=FW_HARTS=16
SD_SRCS := firmware/shootdown/sdtest.c firmware/common/callid.c firmware/common/shootdown.c
$(eval $(call fw_program,sdtest-sw,$(SD_SRCS),$(SD_FLAGS),shootdown))
$(eval $(call fw_program,sdtest-hw,$(SD_SRCS),$(SD_FLAGS) -DSD_MECH_HW,shootdown))
$(eval $(call fw_program,sdtest-broken,$(SD_SRCS),$(SD_FLAGS) -DSD_BROKEN_HANDLER,shootdown))
$(eval $(call fw_program,sdtest-nowait,$(SD_SRCS),$(SD_FLAGS) -DSD_NO_WAIT,shootdown))
$(eval $(call fw_program,sdtest-deaf,$(SD_SRCS),$(SD_FLAGS) -DSD_DEAF,shootdown))
$(eval $(call fw_program,sdtest-none,$(SD_SRCS),$(SD_FLAGS) -DSD_NO_PATCH,shootdown))
$(eval $(call fw_program,sdtest-both,$(SD_SRCS),$(SD_FLAGS) -DSD_MECH_BOTH,shootdown))

# make demo-shootdown: the service loop on 4 harts, patched four times by
# hart 0, alternately by IPIs and by ctlb.bcast, under the checker
# (docs/platform.md "Shootdowns").
SD_DEMO_ELF := $(FW_BUILD)/shootdown/sdtest-both.elf
demo-shootdown: $(SETUP) $(BUILD)/ctsim $(SD_DEMO_ELF)
	$(BUILD)/ctsim --xlat rtl --harts 4 --quantum 1 --check-shootdown $(SD_DEMO_ELF)
.PHONY: demo-shootdown

# make shootdown: docs/shootdown.md and docs/shootdown/shootdown.png, the cost
# of both mechanisms for 1..16 harts (scripts/shootdown.py; seconds).
SD_ELFS := $(foreach m,none sw hw,$(FW_BUILD)/shootdown/sdtest-$(m).elf)
shootdown: $(SETUP) $(BUILD)/ctsim $(SD_ELFS)
	$(PYTHON) scripts/shootdown.py > /dev/null
	@echo "shootdown: wrote docs/shootdown.md and docs/shootdown/shootdown.png"
.PHONY: shootdown
