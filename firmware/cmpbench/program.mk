# cmpbench: cycles per call of direct, indirect, callid (hit, miss), jump
# table, flat Zcmt-style table, two-level software walk and trampolines
# (docs/comparison.md). One ELF per table geometry, run with the matching
# ctsim --ctlb-levels by `make cmpbench`.
CMP_SRCS   := firmware/cmpbench/cmpbench.c firmware/cmpbench/loops.S firmware/common/callid.c
CMP_COMMA  := ,
$(eval $(call fw_program,cmpbench,$(CMP_SRCS)))
$(eval $(call fw_program,cmpbench-l2,$(CMP_SRCS),-DCT_LEVEL_BITS=10$(CMP_COMMA)10,cmpbench))
$(eval $(call fw_program,cmpbench-l1,$(CMP_SRCS),-DCT_LEVEL_BITS=10,cmpbench))

CMP_RUNS := cmpbench:12,10,10 cmpbench-l2:10,10 cmpbench-l1:10

.PHONY: cmpbench
cmpbench: $(SETUP) $(BUILD)/ctsim $(foreach r,$(CMP_RUNS),$(FW_BUILD)/cmpbench/$(word 1,$(subst :, ,$(r))).elf)
	@$(foreach r,$(CMP_RUNS),echo "== build/ctsim -q --ctlb-levels $(word 2,$(subst :, ,$(r))) $(FW_BUILD)/cmpbench/$(word 1,$(subst :, ,$(r))).elf" && \
	  $(BUILD)/ctsim -q --ctlb-levels $(word 2,$(subst :, ,$(r))) $(FW_BUILD)/cmpbench/$(word 1,$(subst :, ,$(r))).elf &&) true

BENCH_TARGETS += cmpbench
