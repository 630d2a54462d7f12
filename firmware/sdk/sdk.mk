# firmware/sdk/sdk.mk: `make sdk`, the board-support package for programs
# outside this tree (docs/firmware.md, "Programs outside the tree"). Included
# by firmware/firmware.mk. Into $(SDK_PREFIX) (build/sdk, or PREFIX=DIR):
#   bin/ctsim-config        the compiler, flags and libraries (--help)
#   include/                the runtime's headers (fw.h, csr.h, callid.h, ...)
#   lib/crt0.o runtime.o    start-up code; console stdout, _exit, trap dispatch
#   lib/libctcallid.a       the call-by-ID runtime (docs/hotpatch.md)
#   lib/libctpatch.a        the patch loader (ctpatch.h, docs/patching.md)
#   lib/link.ld             the memory layout
#   bin/ctcc                the compiler driver (scripts/ctcc, docs/ctcc.md),
#                           with the Python modules it imports beside it and
#                           its run-time sources in lib/ctcc/
#   bin/ctpatch-build       builds patch modules (docs/patching.md)
# The runtime is compiled with the project's strict warnings; the user's code
# gets only the flags ctsim-config prints.

SDK_PREFIX  := $(or $(PREFIX),$(BUILD)/sdk)
SDK_VERSION := 0.1.0
SDK_HEADERS := fw.h csr.h mmio.h timer.h trap.h callid.h roi.h ctisa.h ctcc.h ctpatch.h
# what bin/ctcc needs: its Python modules, its run-time sources and headers
SDK_CTCC_PY := scripts/ctcc scripts/idmap.py scripts/xlatcfg.py scripts/ctrace.py scripts/ctable.py \
               scripts/ctpatch-build
SDK_CTCC_RT := $(FW_COMMON)/ctcc_rt.c $(FW_COMMON)/callid.c $(FW_COMMON)/callid.h \
               $(FW_COMMON)/ctcc.h $(FW_COMMON)/csr.h $(FW_COMMON)/trap.h $(FW_COMMON)/ctable.h
SDK_SRC     := $(FW_COMMON)/crt0.S $(FW_COMMON)/runtime.c $(FW_COMMON)/callid.c $(FW_COMMON)/ctpatch.c \
               $(FW_COMMON)/link.ld $(SDK_HEADERS:%=$(FW_COMMON)/%) firmware/sdk/ctsim-config \
               firmware/sdk/sdk.mk $(FW_COMMON)/common.mk $(SDK_CTCC_PY) $(SDK_CTCC_RT)
SDK_STAMP   := $(SDK_PREFIX)/VERSION
# the runtime's objects: the project's flags, no printf variant (the user's
# link picks it)
SDK_CFLAGS  := $(filter-out -DPICOLIBC_%,$(FW_CFLAGS))

.PHONY: sdk
sdk: $(SDK_STAMP)
ALL_TARGETS += $(SDK_STAMP)

# one recipe for the whole folder: built beside it, then moved into place
$(SDK_STAMP): $(SDK_SRC) | $(SETUP)
	@rm -rf $(SDK_PREFIX).tmp && mkdir -p $(SDK_PREFIX).tmp/bin $(SDK_PREFIX).tmp/include $(SDK_PREFIX).tmp/lib
	cp $(SDK_HEADERS:%=$(FW_COMMON)/%) $(SDK_PREFIX).tmp/include/
	cp $(FW_COMMON)/link.ld $(SDK_PREFIX).tmp/lib/
	cp firmware/sdk/ctsim-config $(SDK_PREFIX).tmp/bin/ && chmod 755 $(SDK_PREFIX).tmp/bin/ctsim-config
	cp $(SDK_CTCC_PY) $(SDK_PREFIX).tmp/bin/ && chmod 755 $(SDK_PREFIX).tmp/bin/ctcc $(SDK_PREFIX).tmp/bin/ctpatch-build
	mkdir -p $(SDK_PREFIX).tmp/lib/ctcc && cp $(SDK_CTCC_RT) $(SDK_PREFIX).tmp/lib/ctcc/
	$(FW_CC) $(SDK_CFLAGS) -c -o $(SDK_PREFIX).tmp/lib/crt0.o $(FW_COMMON)/crt0.S
	$(FW_CC) $(SDK_CFLAGS) -c -o $(SDK_PREFIX).tmp/lib/runtime.o $(FW_COMMON)/runtime.c
	$(FW_CC) $(SDK_CFLAGS) -c -o $(SDK_PREFIX).tmp/lib/callid.o $(FW_COMMON)/callid.c
	$(CROSS)ar rcs $(SDK_PREFIX).tmp/lib/libctcallid.a $(SDK_PREFIX).tmp/lib/callid.o
	rm $(SDK_PREFIX).tmp/lib/callid.o
	$(FW_CC) $(SDK_CFLAGS) -c -o $(SDK_PREFIX).tmp/lib/ctpatch.o $(FW_COMMON)/ctpatch.c
	$(CROSS)ar rcs $(SDK_PREFIX).tmp/lib/libctpatch.a $(SDK_PREFIX).tmp/lib/ctpatch.o
	rm $(SDK_PREFIX).tmp/lib/ctpatch.o
	echo $(SDK_VERSION) > $(SDK_PREFIX).tmp/VERSION
	rm -rf $(SDK_PREFIX) && mv $(SDK_PREFIX).tmp $(SDK_PREFIX)

# build/ctcc: the compiler driver in the tree (a link to scripts/ctcc, which
# finds its run-time sources in firmware/common)
CTCC := build/ctcc
$(CTCC): scripts/ctcc
	@mkdir -p $(@D)
	ln -sfn ../scripts/ctcc $@
ALL_TARGETS += $(CTCC)
