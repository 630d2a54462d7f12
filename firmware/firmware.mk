# firmware/firmware.mk: included by the top-level Makefile. Each program folder
# has a program.mk of one or two lines (see firmware/common/common.mk and
# docs/firmware.md); all their ELFs go into ALL_TARGETS.

include firmware/common/common.mk
include $(sort $(wildcard firmware/*/program.mk))
# the SDK for programs outside the tree (make sdk)
include firmware/sdk/sdk.mk

ALL_TARGETS += $(FW_ELFS)

.PHONY: firmware
firmware: $(FW_ELFS)
