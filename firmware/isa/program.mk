# isa: self-checking ISA tests, one ELF per instruction group (firmware/isa/*.S).
ISA_TESTS := $(basename $(notdir $(wildcard firmware/isa/*.S)))
$(foreach t,$(ISA_TESTS),$(eval $(call fw_asm_test,$(t),firmware/isa/$(t).S,isa)))
