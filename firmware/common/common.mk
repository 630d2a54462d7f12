# firmware/common/common.mk: shared flags and rules for the bare-metal programs.
# Included by firmware/firmware.mk from the top-level Makefile (paths are relative
# to the repository root). A program's fragment is then one or two lines:
#   $(eval $(call fw_program,NAME,SOURCES[,EXTRA_CFLAGS[,OUTDIR]]))
#   $(eval $(call fw_asm_test,NAME,SOURCE,OUTDIR))
# fw_program links SOURCES with the runtime (crt0.S, runtime.c) and picolibc into
# build/firmware/OUTDIR/NAME.elf (OUTDIR defaults to NAME), plus NAME.dis
# (disassembly) and NAME.map. fw_asm_test assembles one self-contained .S file
# (no runtime, no libc) into build/firmware/OUTDIR/NAME.elf.

FW_BUILD   := $(BUILD)/firmware
FW_COMMON  := firmware/common
FW_CC      := $(CROSS)gcc
# the .dis files: objdump -d with the call-ID mnemonics (scripts/ctobjdump),
# or plain objdump for a copy of firmware/ without the project's scripts
FW_CTOBJDUMP := $(wildcard scripts/ctobjdump)
FW_OBJDUMP := $(if $(FW_CTOBJDUMP),$(or $(PYTHON),python3) $(FW_CTOBJDUMP) --objdump )$(CROSS)objdump

FW_ARCH :=
# base ISA + M; a multilib exists for it
FW_ARCH += -march=rv32im
FW_ARCH += -mabi=ilp32
# Zicsr implied, so csr* instructions assemble
FW_ARCH += -misa-spec=2.2

FW_CFLAGS :=
FW_CFLAGS += $(FW_ARCH)
# C11 (GNU asm and statement expressions are accepted without -pedantic)
FW_CFLAGS += -std=c11
FW_CFLAGS += -O2 -g
FW_CFLAGS += -Wall -Wextra -Werror -Wshadow -Wstrict-prototypes
FW_CFLAGS += -ffunction-sections -fdata-sections
FW_CFLAGS += -fno-common
# picolibc headers and libc
FW_CFLAGS += --specs=picolibc.specs
# integer-only printf (~4 KB)
FW_CFLAGS += -DPICOLIBC_INTEGER_PRINTF_SCANF
FW_CFLAGS += -I$(FW_COMMON)

FW_LDFLAGS :=
# our crt0.S, not picolibc's
FW_LDFLAGS += -nostartfiles
FW_LDFLAGS += -T $(FW_COMMON)/link.ld
FW_LDFLAGS += -Wl,--gc-sections
# one RAM image, code and data together
FW_LDFLAGS += -Wl,--no-warn-rwx-segments

FW_ASFLAGS :=
FW_ASFLAGS += $(FW_ARCH)
FW_ASFLAGS += -nostdlib -nostartfiles
# gp is the test number in the ISA tests, not the global pointer
FW_ASFLAGS += -mno-relax -Wl,--no-relax
FW_ASFLAGS += -T $(FW_COMMON)/link.ld
FW_ASFLAGS += -Wl,--no-warn-rwx-segments

FW_RUNTIME_SRCS := $(FW_COMMON)/crt0.S $(FW_COMMON)/runtime.c
FW_COMMON_DEPS  := $(wildcard $(FW_COMMON)/*.h $(FW_COMMON)/*.ld $(FW_COMMON)/*.mk) \
                   firmware/firmware.mk $(FW_CTOBJDUMP)

FW_ELFS :=

# Headers of a program's own folder count as dependencies too.
fw_dir_deps = $(wildcard $(dir $(firstword $(1)))*.h $(dir $(firstword $(1)))*.mk)

# $(call fw_program,NAME,SOURCES[,EXTRA_CFLAGS[,OUTDIR]])
define fw_program
FW_ELFS += $(FW_BUILD)/$(or $(4),$(1))/$(1).elf
$(FW_BUILD)/$(or $(4),$(1))/$(1).elf: $(2) $(FW_RUNTIME_SRCS) $(FW_COMMON_DEPS) $(call fw_dir_deps,$(2)) | $(SETUP)
	@mkdir -p $$(@D)
	$(FW_CC) $(FW_CFLAGS) $(3) $(FW_LDFLAGS) -Wl,-Map,$$(@:.elf=.map) -o $$@.tmp $(2) $(FW_RUNTIME_SRCS)
	$(FW_OBJDUMP) -d $$@.tmp > $$(@:.elf=.dis)
	mv $$@.tmp $$@
endef

# $(call fw_asm_test,NAME,SOURCE,OUTDIR)
define fw_asm_test
FW_ELFS += $(FW_BUILD)/$(3)/$(1).elf
$(FW_BUILD)/$(3)/$(1).elf: $(2) $(FW_COMMON_DEPS) $(call fw_dir_deps,$(2)) | $(SETUP)
	@mkdir -p $$(@D)
	$(FW_CC) $(FW_ASFLAGS) -I$(dir $(2)) -o $$@.tmp $(2)
	$(FW_OBJDUMP) -d $$@.tmp > $$(@:.elf=.dis)
	mv $$@.tmp $$@
endef
