# ctpatch: the patch loader's test program (docs/patching.md, tests/test_ctpatch.py).
# base/ is version 1 of the program's sources, v2/ and v3/ the files a change
# replaces (the trees NEW = base + v2, base + v2 + v3 are assembled under
# build/). Each ELF is the ctcc callid build of base/ with the loader
# (firmware/common/ctpatch.c, compiled as it is) and a GNU build ID; beside
# it: fix.ctp (base -> v2), stack.ctp (v2 -> v3, on top of fix), and the
# modules that revert each. Variants: -tick (a timer interrupt every
# CTP_TICK ticks compares ver_a and ver_b), -broken (the loader with a
# planted bug: leaves written one by one into the live table).
CTP_DIR    := firmware/ctpatch
CTP_OUT    := $(FW_BUILD)/ctpatch
CTP_CTCC   := $(BUILD)/ctcc --ct-mode=callid
CTP_BUILD  := $(PYTHON) scripts/ctpatch-build
CTP_TICK   := 211
CTP_SRCS   := calc.c ver.c main.c
CTP_CFLAGS := $(FW_ARCH) -std=c11 -O2 -Wall -Wextra -Werror -fno-common \
              -ffunction-sections -fdata-sections --specs=picolibc.specs \
              -DPICOLIBC_INTEGER_PRINTF_SCANF -I$(FW_COMMON)
CTP_LDFLAGS := $(FW_ARCH) --specs=picolibc.specs -DPICOLIBC_INTEGER_PRINTF_SCANF -nostartfiles -T $(FW_COMMON)/link.ld \
               -Wl,--gc-sections -Wl,--no-warn-rwx-segments -Wl,--build-id=sha1
CTP_DEPS   := $(FW_COMMON_DEPS) $(FW_COMMON)/ctpatch.c $(CTP_DIR)/program.mk \
              scripts/ctcc $(BUILD)/ctcc

$(CTP_OUT)/tree-v2/.stamp: $(wildcard $(CTP_DIR)/base/* $(CTP_DIR)/v2/*)
	rm -rf $(@D) && mkdir -p $(@D)
	cp $(CTP_DIR)/base/* $(@D)/ && cp $(CTP_DIR)/v2/* $(@D)/
	touch $@
$(CTP_OUT)/tree-v3/.stamp: $(wildcard $(CTP_DIR)/base/* $(CTP_DIR)/v2/* $(CTP_DIR)/v3/*)
	rm -rf $(@D) && mkdir -p $(@D)
	cp $(CTP_DIR)/base/* $(@D)/ && cp $(CTP_DIR)/v2/* $(@D)/ && cp $(CTP_DIR)/v3/* $(@D)/
	touch $@

# $(call ctp_variant,NAME,CFLAGS of the program,CFLAGS of the loader,ctcc options,
#   more CFLAGS of the loader,ctpatch-build options,an ID map the link starts from)
define ctp_variant
CTP_ELFS += $(CTP_OUT)/$(1)/prog.elf
$(CTP_OUT)/$(1)/prog.elf: $(addprefix $(CTP_DIR)/base/,$(CTP_SRCS) calc.h) $(CTP_DEPS) $(7) | $(SETUP)
	@rm -rf $$(@D) && mkdir -p $$(@D)/obj
	$(if $(7),cp $(7) $$(@:.elf=.idmap))
	$(foreach s,$(CTP_SRCS),$(CTP_CTCC) $(4) $(CTP_CFLAGS) $(2) -c -o $$(@D)/obj/$(s:.c=.o) $(CTP_DIR)/base/$(s) &&) true
	$(FW_CC) $(CTP_CFLAGS) $(3) $(5) -c -o $$(@D)/obj/ctpatch.o $(FW_COMMON)/ctpatch.c
	$(FW_CC) $(CTP_CFLAGS) -c -o $$(@D)/obj/runtime.o $(FW_COMMON)/runtime.c
	$(FW_CC) $(CTP_CFLAGS) -c -o $$(@D)/obj/crt0.o $(FW_COMMON)/crt0.S
	$(CTP_CTCC) $(4) $(CTP_LDFLAGS) -Wl,-Map,$$(@:.elf=.map) -o $$@.tmp $$(@D)/obj/*.o --ct-map=$$(@:.elf=.idmap)
	echo '$(CTP_CFLAGS) $(2)' > $$(@D)/cflags
	mv $$@.tmp $$@
$(CTP_OUT)/$(1)/fix.ctp: $(CTP_OUT)/$(1)/prog.elf $(CTP_OUT)/tree-v2/.stamp scripts/ctpatch-build
	$(CTP_BUILD) $(6) --base $$< --map $$(<:.elf=.idmap) --cflags '$(CTP_CFLAGS) $(2)' \
	  --name fix $(CTP_DIR)/base $(CTP_OUT)/tree-v2 -o $$@
$(CTP_OUT)/$(1)/stack.ctp: $(CTP_OUT)/$(1)/fix.ctp $(CTP_OUT)/tree-v3/.stamp scripts/ctpatch-build
	$(CTP_BUILD) $(6) --base $(CTP_OUT)/$(1)/prog.elf --map $(CTP_OUT)/$(1)/fix.idmap \
	  --cflags '$(CTP_CFLAGS) $(2)' --name stack $(CTP_OUT)/tree-v2 $(CTP_OUT)/tree-v3 -o $$@
$(CTP_OUT)/$(1)/revert-%.ctp: $(CTP_OUT)/$(1)/prog.elf scripts/ctpatch-build
	$(CTP_BUILD) --revert --base $$< --name $$* -o $$@
CTP_ELFS += $(addprefix $(CTP_OUT)/$(1)/,fix.ctp stack.ctp revert-fix.ctp revert-stack.ctp)
endef

CTP_ELFS :=
comma := ,
$(eval $(call ctp_variant,plain,))
$(eval $(call ctp_variant,tick,-DTICK=$(CTP_TICK) -DSTEPS=12))
$(eval $(call ctp_variant,broken,-DTICK=$(CTP_TICK) -DSTEPS=12,-DCTPATCH_BROKEN_SWITCH))
# a 20-bit table (run with ctsim --ctlb-levels 10,10)
$(eval $(call ctp_variant,narrow,,,--ctlb-levels=10$(comma)10,,--ctlb-levels 10$(comma)10))
# ver_b's ID under another root entry than ver_a's (wide.idmap): fix.ctp
# switches two root entries (docs/patching.md, "The atomic switch")
$(eval $(call ctp_variant,wide,,,,,,$(CTP_DIR)/wide.idmap))
$(eval $(call ctp_variant,wide-tick,-DTICK=$(CTP_TICK) -DSTEPS=12,,,,,$(CTP_DIR)/wide.idmap))
$(eval $(call ctp_variant,wide-broken,-DTICK=$(CTP_TICK) -DSTEPS=12,-DCTPATCH_BROKEN_SWITCH,,,,$(CTP_DIR)/wide.idmap))
# ver_b in another last-level page than ver_a (leaves.idmap): one root entry
# switched over a copied level-1 page and two leaf pages
$(eval $(call ctp_variant,leaves-tick,-DTICK=$(CTP_TICK) -DSTEPS=12,,,,,$(CTP_DIR)/leaves.idmap))
$(eval $(call ctp_variant,leaves-broken,-DTICK=$(CTP_TICK) -DSTEPS=12,-DCTPATCH_BROKEN_SWITCH,,,,$(CTP_DIR)/leaves.idmap))
FW_ELFS += $(CTP_ELFS)

# make bench-patch: patch latency against the number of functions in a module,
# and the loader's size (scripts/ctpatch_bench.py, docs/patching.md "Measurements")
BENCH_TARGETS += bench-patch
.PHONY: bench-patch
bench-patch: $(BUILD)/ctsim $(BUILD)/ctcc | $(SETUP)
	$(PYTHON) scripts/ctpatch_bench.py
