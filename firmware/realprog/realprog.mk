# firmware/realprog/realprog.mk: the real programs (docs/realprogs.md), C code
# bases from Debian source packages built bare-metal on picolibc, in each
# lowering mode. Included by the top-level Makefile after firmware/firmware.mk
# (it uses FW_ARCH, FW_CC and FW_COMMON of firmware/common/common.mk).
#
#   make realprogs                          build/realprog/direct/NAME{,-small}.elf
#   make realprogs RP_MODES="direct callid" also build/realprog/callid/...
#
# Modes: RP_MODES lists them (default: all five of scripts/ctcc). Mode M compiles and links every
# object (the upstream sources, our drivers, the runtime) with the command
# RP_CC_M, rebuilt when the files RP_CC_DEPS_M change, and appends RP_LDLIBS_M
# (default empty: say, a runtime the mode needs) to its links:
#   direct    RP_CC_direct = $(FW_CC) (riscv64-unknown-elf-gcc), no extra deps
#   any other RP_CC_M = $(BUILD)/ctcc --ct-mode=M, RP_CC_DEPS_M = $(BUILD)/ctcc
#             (set any of them on the command line or in the environment)
# A ctcc mode's link writes the ID map NAME.idmap (NAME-small.idmap) beside the ELF.
# Outputs: $(BUILD)/realprog/M/NAME.elf (full size), NAME-small.elf (the size
# `make test` runs), .dis and .map beside them; objects in M/obj/NAME/. The two
# sizes differ only in the object of scale.c (rp_scale).
# Sources: scripts/fetch-real-sources.sh unpacks the pinned Debian source
# packages into build/realsrc/PKG/ (when missing, or older than the script).

RP_DIR        := firmware/realprog
RP_SRC        := build/realsrc
RP_BUILD      := $(BUILD)/realprog
RP_PROGRAMS   := lua zlib mbedtls
RP_MODES      ?= direct callid jumptable flat trampoline
# tests/test_realprogs.py checks every mode of the list
export RP_MODES
# the work size of NAME.elf, as a multiple of NAME-small.elf's (rp.h)
RP_FULL_SCALE ?= 20
export RP_FULL_SCALE

RP_CC_direct      ?= $(FW_CC)
RP_CC_DEPS_direct ?=
define rp_mode_defaults
RP_CC_$(1)      ?= $(BUILD)/ctcc --ct-mode=$(1)
RP_CC_DEPS_$(1) ?= $(BUILD)/ctcc
RP_LDLIBS_$(1)  ?=
endef
$(foreach m,$(filter-out direct,$(RP_MODES)),$(eval $(call rp_mode_defaults,$(m))))

# ---------------------------------------------------------------- flags
# every object: the ISA, picolibc's headers, one section per function
RP_CFLAGS :=
RP_CFLAGS += $(FW_ARCH)
RP_CFLAGS += -O2 -g
RP_CFLAGS += -ffunction-sections -fdata-sections
RP_CFLAGS += -fno-common
RP_CFLAGS += --specs=picolibc.specs
RP_CFLAGS += -I$(FW_COMMON) -I$(RP_DIR)/common

# our own files (drivers, board support, the runtime): the project's warnings
RP_OWN_CFLAGS :=
RP_OWN_CFLAGS += -std=c11
RP_OWN_CFLAGS += -Wall -Wextra -Werror -Wshadow -Wstrict-prototypes

RP_LDFLAGS :=
RP_LDFLAGS += $(FW_ARCH)
RP_LDFLAGS += --specs=picolibc.specs
# our crt0.S, not picolibc's
RP_LDFLAGS += -nostartfiles
RP_LDFLAGS += -T $(FW_COMMON)/link.ld
RP_LDFLAGS += -Wl,--gc-sections
RP_LDFLAGS += -Wl,--no-warn-rwx-segments

# the runtime every program links: start-up, console, _exit (firmware/common),
# and the real programs' board support and pseudo-random generator
RP_RT_OBJS := crt0 runtime bsp rng

# ---------------------------------------------------------------- programs
# For each program NAME:
#   RP_PKG_NAME      its source package (scripts/fetch-real-sources.sh)
#   RP_UPDIR_NAME    the folder of its upstream .c files
#   RP_UP_NAME       those files' names, without .c
#   RP_UPFLAGS_NAME  their compile flags (as upstream's own build uses)
#   RP_OWN_NAME      our .c files (paths), compiled with RP_OWN_CFLAGS
#   RP_CFLAGS_NAME   flags of both (include folders, configuration)
#   RP_LIBFLAGS_NAME link flags (printf variant, heap and stack sizes)

# Lua 5.4: every file of src/ but the two programs (lua.c, luac.c)
RP_PKG_lua      := lua5.4
RP_UPDIR_lua    := $(RP_SRC)/lua5.4/src
RP_UP_lua       := lapi lauxlib lbaselib lcode lcorolib lctype ldblib ldebug ldo ldump \
                   lfunc lgc linit liolib llex lmathlib lmem loadlib lobject lopcodes \
                   loslib lparser lstate lstring lstrlib ltable ltablib ltm lundump \
                   lutf8lib lvm lzio
# src/Makefile's flags; a fixed string-hash seed (Lua mixes addresses and the
# time into it otherwise), so runs and modes are alike
RP_UPFLAGS_lua  := -std=gnu99 -Wall -Wextra -DLUA_COMPAT_5_3 '-Dluai_makeseed(L)=0x5eedu'
RP_LUA_SCRIPTS  := $(sort $(wildcard $(RP_DIR)/lua/scripts/*.lua))
RP_OWN_lua      := $(RP_DIR)/lua/main.c $(RP_BUILD)/gen/lua_scripts.c
RP_CFLAGS_lua   := -I$(RP_UPDIR_lua)
# %.14g needs the floating-point printf
RP_LIBFLAGS_lua := -DPICOLIBC_DOUBLE_PRINTF_SCANF \
                   -Wl,--defsym=FW_HEAP_SIZE=12M -Wl,--defsym=FW_STACK_SIZE=256K

# zlib: the library's files (gz*.c too, though the driver keeps its streams
# in memory: their file access reaches the board support's stubs)
RP_PKG_zlib      := zlib
RP_UPDIR_zlib    := $(RP_SRC)/zlib
RP_UP_zlib       := adler32 compress crc32 deflate gzclose gzlib gzread gzwrite infback \
                    inffast inflate inftrees trees uncompr zutil
# what zlib's configure finds on a POSIX system (it also picks -O3 for gcc)
RP_UPFLAGS_zlib  := -Wall -DHAVE_UNISTD_H -DHAVE_STDARG_H
RP_OWN_zlib      := $(RP_DIR)/zlib/main.c
RP_CFLAGS_zlib   := -I$(RP_UPDIR_zlib)
RP_LIBFLAGS_zlib := -DPICOLIBC_INTEGER_PRINTF_SCANF \
                    -Wl,--defsym=FW_HEAP_SIZE=4M -Wl,--defsym=FW_STACK_SIZE=64K

# mbedtls 2.28: the library's files of the modules our configuration
# (mbedtls/rp_mbedtls_config.h) enables
RP_PKG_mbedtls      := mbedtls
RP_UPDIR_mbedtls    := $(RP_SRC)/mbedtls/library
RP_UP_mbedtls       := aes base64 bignum ccm chacha20 chachapoly cipher cipher_wrap cmac \
                       constant_time ctr_drbg gcm hmac_drbg md md5 platform_util poly1305 \
                       sha1 sha256 sha512
# library/Makefile's warnings
RP_UPFLAGS_mbedtls  := -std=c99 -Wall -Wextra -Wformat=2 -Wno-format-nonliteral
RP_OWN_mbedtls      := $(RP_DIR)/mbedtls/main.c
RP_CFLAGS_mbedtls   := -I$(RP_SRC)/mbedtls/include -I$(RP_DIR)/mbedtls \
                       '-DMBEDTLS_CONFIG_FILE="rp_mbedtls_config.h"'
RP_LIBFLAGS_mbedtls := -DPICOLIBC_INTEGER_PRINTF_SCANF \
                       -Wl,--defsym=FW_HEAP_SIZE=1M -Wl,--defsym=FW_STACK_SIZE=64K

$(RP_BUILD)/gen/lua_scripts.c: $(RP_LUA_SCRIPTS) scripts/embed_files.py | $(SETUP)
	@mkdir -p $(@D)
	$(PYTHON) scripts/embed_files.py --symbol rp_lua_scripts -o $@ $(RP_LUA_SCRIPTS)

# ---------------------------------------------------------------- rules
RP_STAMP = $(RP_SRC)/$(RP_PKG_$(1))/.ct-version
RP_STAMPS := $(foreach p,$(RP_PROGRAMS),$(call RP_STAMP,$(p)))
RP_MK_DEPS := $(RP_DIR)/realprog.mk $(FW_COMMON)/common.mk

# A package is fetched when its stamp is missing or older than the script
# (which holds the pins: the script returns at once when the pinned version
# is unpacked, and the stamp's time changes only when it unpacks). The script
# serialises parallel runs itself.
$(RP_SRC)/%/.ct-version: scripts/fetch-real-sources.sh
	@bash scripts/fetch-real-sources.sh $*

# $(call rp_program,MODE,NAME)
define rp_program
RP_OBJS_$(1)_$(2) := $$(RP_UP_$(2):%=$(RP_BUILD)/$(1)/obj/$(2)/up/%.o) \
  $$(patsubst %.c,$(RP_BUILD)/$(1)/obj/$(2)/%.o,$$(notdir $$(RP_OWN_$(2)))) \
  $(RP_RT_OBJS:%=$(RP_BUILD)/$(1)/obj/rt/%.o)

$(RP_BUILD)/$(1)/obj/$(2)/up/%.o: $(call RP_STAMP,$(2)) $(RP_MK_DEPS) $(RP_CC_DEPS_$(1)) | $(SETUP)
	@mkdir -p $$(@D)
	$(RP_CC_$(1)) $(RP_CFLAGS) $$(RP_CFLAGS_$(2)) $$(RP_UPFLAGS_$(2)) -MMD -MP -c -o $$@ $$(RP_UPDIR_$(2))/$$*.c

$(foreach s,$(RP_OWN_$(2)),
$(RP_BUILD)/$(1)/obj/$(2)/$(notdir $(s:.c=.o)): $(s) $(call RP_STAMP,$(2)) $(RP_MK_DEPS) $(RP_CC_DEPS_$(1)) | $(SETUP)
	@mkdir -p $$(@D)
	$(RP_CC_$(1)) $(RP_CFLAGS) $$(RP_CFLAGS_$(2)) $(RP_OWN_CFLAGS) -MMD -MP -c -o $$@ $(s)
)

$(RP_BUILD)/$(1)/obj/$(2)/scale-%.o: $(RP_DIR)/common/scale.c $(RP_MK_DEPS) $(RP_CC_DEPS_$(1)) | $(SETUP)
	@mkdir -p $$(@D)
	$(RP_CC_$(1)) $(RP_CFLAGS) $(RP_OWN_CFLAGS) -DRP_SCALE=$$(if $$(filter small,$$*),1,$(RP_FULL_SCALE)) -c -o $$@ $$<

RP_ELFS_$(1) += $(RP_BUILD)/$(1)/$(2).elf $(RP_BUILD)/$(1)/$(2)-small.elf
$(RP_BUILD)/$(1)/$(2).elf: $(RP_BUILD)/$(1)/obj/$(2)/scale-full.o
$(RP_BUILD)/$(1)/$(2)-small.elf: $(RP_BUILD)/$(1)/obj/$(2)/scale-small.o
$(RP_BUILD)/$(1)/$(2).elf $(RP_BUILD)/$(1)/$(2)-small.elf: $$(RP_OBJS_$(1)_$(2)) $(FW_COMMON)/link.ld
	$(RP_CC_$(1)) $(RP_LDFLAGS) $$(RP_LIBFLAGS_$(2)) -Wl,-Map,$$(@:.elf=.map) -o $$@.tmp \
	  $$(RP_OBJS_$(1)_$(2)) $$(filter %/scale-full.o %/scale-small.o,$$^) $$(RP_LDLIBS_$(1)) \
	  $(if $(filter direct,$(1)),,--ct-map=$$(@:.elf=.idmap))
	$(FW_OBJDUMP) -d $$@.tmp > $$(@:.elf=.dis)
	mv $$@.tmp $$@

endef

# $(call rp_mode,MODE): the runtime objects and every program of one mode
define rp_mode
$(RP_BUILD)/$(1)/obj/rt/crt0.o: $(FW_COMMON)/crt0.S $(RP_MK_DEPS) $(RP_CC_DEPS_$(1)) | $(SETUP)
	@mkdir -p $$(@D)
	$(RP_CC_$(1)) $(RP_CFLAGS) -MMD -MP -c -o $$@ $$<
$(RP_BUILD)/$(1)/obj/rt/runtime.o: $(FW_COMMON)/runtime.c $(RP_MK_DEPS) $(RP_CC_DEPS_$(1)) | $(SETUP)
	@mkdir -p $$(@D)
	$(RP_CC_$(1)) $(RP_CFLAGS) $(RP_OWN_CFLAGS) -MMD -MP -c -o $$@ $$<
$(RP_BUILD)/$(1)/obj/rt/%.o: $(RP_DIR)/common/%.c $(RP_MK_DEPS) $(RP_CC_DEPS_$(1)) | $(SETUP)
	@mkdir -p $$(@D)
	$(RP_CC_$(1)) $(RP_CFLAGS) $(RP_OWN_CFLAGS) -MMD -MP -c -o $$@ $$<
RP_ELFS_$(1) :=
$(foreach p,$(RP_PROGRAMS),$(call rp_program,$(1),$(p)))
RP_ELFS += $$(RP_ELFS_$(1))
endef

RP_ELFS :=
$(foreach m,$(RP_MODES),$(eval $(call rp_mode,$(m))))

# the dependency files are never made (else make's %: %.o would try)
$(RP_BUILD)/%.d: ;
-include $(wildcard $(RP_BUILD)/*/obj/*/*.d $(RP_BUILD)/*/obj/*/up/*.d)

ALL_TARGETS += $(RP_ELFS)
.PHONY: realprogs realprogs-full-check
realprogs: $(RP_ELFS)

# tests/test_realprogs.py's checks of the program outputs on the full-size
# ELFs (make test checks the small ones)
realprogs-full-check: $(RP_ELFS) $(BUILD)/ctsim
	RP_SIZE=full $(PYTHON) -m pytest -q tests/test_realprogs.py -k "matches or mbedtls or qemu"

# ---------------------------------------------------------------- live patching Lua
# (docs/realprogs.md, "Live patching Lua"; callid mode only): the callid
# build's Lua objects, the driver lua/live/live.c (twice: the patch from
# inside or from outside), and luaO_tostring_v2 compiled from a changed copy
# of lobject.c, linked with a copy of the callid lua.idmap (every function
# keeps its ID). lobject_v2.o keeps only luaO_tostring_v2 (and ctcc's aliases
# of the static functions it calls) global: the rest of the copy duplicates
# lobject.o and is dropped by --gc-sections.
ifneq ($(filter callid,$(RP_MODES)),)
RP_LIVE     := $(RP_BUILD)/live
RP_LIVE_DIR := $(RP_DIR)/lua/live
RP_LIVE_ELFS := $(RP_LIVE)/lua-live-inside.elf $(RP_LIVE)/lua-live-outside.elf
RP_LIVE_BASE = $(filter-out %/main.o %/lua_scripts.o,$(RP_OBJS_callid_lua)) \
               $(RP_BUILD)/callid/obj/lua/scale-small.o

$(RP_LIVE)/lobject_v2.c: $(call RP_STAMP,lua) $(RP_LIVE_DIR)/lobject-v2.patch
	@mkdir -p $(@D)
	patch -s -o $@.tmp $(RP_UPDIR_lua)/lobject.c $(RP_LIVE_DIR)/lobject-v2.patch
	mv $@.tmp $@
$(RP_LIVE)/lobject_v2.o: $(RP_LIVE)/lobject_v2.c $(RP_MK_DEPS) $(RP_CC_DEPS_callid)
	$(RP_CC_callid) $(RP_CFLAGS) $(RP_CFLAGS_lua) $(RP_UPFLAGS_lua) -c -o $@.tmp $<
	$(CROSS)objcopy --wildcard --keep-global-symbol=luaO_tostring_v2 \
	  --keep-global-symbol='__ctfn_*' $@.tmp $@
	rm $@.tmp
$(RP_LIVE)/live_script.c: $(RP_LIVE_DIR)/live.lua scripts/embed_files.py | $(SETUP)
	@mkdir -p $(@D)
	$(PYTHON) scripts/embed_files.py --symbol rp_live_scripts -o $@ $<
$(RP_LIVE)/live_script.o: $(RP_LIVE)/live_script.c $(RP_MK_DEPS) $(RP_CC_DEPS_callid)
	$(RP_CC_callid) $(RP_CFLAGS) $(RP_OWN_CFLAGS) -c -o $@ $<
$(RP_LIVE)/live-%.o: $(RP_LIVE_DIR)/live.c $(call RP_STAMP,lua) $(RP_MK_DEPS) $(RP_CC_DEPS_callid)
	@mkdir -p $(@D)
	$(RP_CC_callid) $(RP_CFLAGS) $(RP_CFLAGS_lua) $(RP_OWN_CFLAGS) \
	  -DRP_LIVE_INSIDE=$(if $(filter inside,$*),1,0) -c -o $@ $<
$(RP_LIVE)/lua-live-%.elf: $(RP_LIVE)/live-%.o $(RP_LIVE)/live_script.o $(RP_LIVE)/lobject_v2.o \
                           $(RP_BUILD)/callid/lua-small.elf
	cp $(RP_BUILD)/callid/lua-small.idmap $(@:.elf=.idmap)
	$(RP_CC_callid) $(RP_LDFLAGS) $(RP_LIBFLAGS_lua) -Wl,--undefined=luaO_tostring_v2 \
	  -Wl,-Map,$(@:.elf=.map) -o $@.tmp $(RP_LIVE_BASE) $(filter %.o,$^) --ct-map=$(@:.elf=.idmap)
	mv $@.tmp $@
ALL_TARGETS += $(RP_LIVE_ELFS)
realprogs: $(RP_LIVE_ELFS)
endif

# ---------------------------------------------------------------- patch-module demo
# (docs/patching.md, "Demo: fixing Lua while it runs"; callid mode only): Lua
# built by ctcc from src-bug/ (Debian's sources with lua/patch/float-suffix-bug.patch
# applied to lobject.c: a float with an integral value prints without ".0"),
# the patch loader and the driver lua/patch/demo.c, with a GNU build ID;
# fix.ctp is scripts/ctpatch-build's module from src-bug/ to src-fix/ (the
# upstream files), and `make demo-patch` delivers it while the script runs.
ifneq ($(filter callid,$(RP_MODES)),)
RP_PD      := $(RP_BUILD)/patchdemo
RP_PD_DIR  := $(RP_DIR)/lua/patch
RP_PD_CYCLE ?= 700000
RP_PD_FLAGS := $(RP_CFLAGS) $(RP_CFLAGS_lua) $(RP_UPFLAGS_lua)
RP_PD_OBJS := $(RP_UP_lua:%=$(RP_PD)/obj/%.o)

$(RP_PD)/src-fix/.stamp: $(call RP_STAMP,lua) $(RP_MK_DEPS)
	rm -rf $(@D) && mkdir -p $(@D)
	cp $(RP_UP_lua:%=$(RP_UPDIR_lua)/%.c) $(RP_UPDIR_lua)/*.h $(@D)/
	touch $@
$(RP_PD)/src-bug/.stamp: $(RP_PD)/src-fix/.stamp $(RP_PD_DIR)/float-suffix-bug.patch
	rm -rf $(@D) && mkdir -p $(@D)
	cp $(RP_PD)/src-fix/*.c $(RP_PD)/src-fix/*.h $(@D)/
	patch -s $(@D)/lobject.c $(RP_PD_DIR)/float-suffix-bug.patch
	touch $@
$(RP_PD)/obj/%.o: $(RP_PD)/src-bug/.stamp $(RP_CC_DEPS_callid)
	@mkdir -p $(@D)
	$(RP_CC_callid) $(RP_PD_FLAGS) -c -o $@ $(RP_PD)/src-bug/$*.c
$(RP_PD)/demo_script.c: $(RP_PD_DIR)/demo.lua scripts/embed_files.py | $(SETUP)
	@mkdir -p $(@D)
	$(PYTHON) scripts/embed_files.py --symbol rp_patch_scripts -o $@ $<
$(RP_PD)/demo_script.o: $(RP_PD)/demo_script.c $(RP_MK_DEPS) $(RP_CC_DEPS_callid)
	$(RP_CC_callid) $(RP_CFLAGS) $(RP_OWN_CFLAGS) -c -o $@ $<
$(RP_PD)/demo.o: $(RP_PD_DIR)/demo.c $(call RP_STAMP,lua) $(RP_MK_DEPS) $(RP_CC_DEPS_callid)
	@mkdir -p $(@D)
	$(RP_CC_callid) $(RP_CFLAGS) $(RP_CFLAGS_lua) $(RP_OWN_CFLAGS) -c -o $@ $<
# the loader as it is (not lowered: it writes the table)
$(RP_PD)/ctpatch.o: $(FW_COMMON)/ctpatch.c $(FW_COMMON)/ctpatch.h $(RP_MK_DEPS)
	@mkdir -p $(@D)
	$(FW_CC) $(RP_CFLAGS) $(RP_OWN_CFLAGS) -c -o $@ $<
$(RP_PD)/lua-patch.elf: $(RP_PD_OBJS) $(RP_PD)/demo.o $(RP_PD)/demo_script.o $(RP_PD)/ctpatch.o \
                        $(RP_RT_OBJS:%=$(RP_BUILD)/callid/obj/rt/%.o) \
                        $(RP_BUILD)/callid/obj/lua/scale-small.o $(FW_COMMON)/link.ld
	rm -f $(@:.elf=.idmap)
	$(RP_CC_callid) $(RP_LDFLAGS) $(RP_LIBFLAGS_lua) -Wl,--build-id=sha1 -Wl,-Map,$(@:.elf=.map) \
	  -o $@.tmp $(filter %.o,$^) --ct-map=$(@:.elf=.idmap)
	mv $@.tmp $@
$(RP_PD)/fix.ctp: $(RP_PD)/lua-patch.elf scripts/ctpatch-build $(RP_PD)/src-bug/.stamp
	$(PYTHON) scripts/ctpatch-build --base $< --map $(<:.elf=.idmap) --cflags "$(RP_PD_FLAGS)" \
	  --name float-suffix $(RP_PD)/src-bug $(RP_PD)/src-fix -o $@
ALL_TARGETS += $(RP_PD)/lua-patch.elf $(RP_PD)/fix.ctp
realprogs: $(RP_PD)/lua-patch.elf $(RP_PD)/fix.ctp

.PHONY: demo-patch
demo-patch: $(SETUP) $(BUILD)/ctsim $(RP_PD)/lua-patch.elf $(RP_PD)/fix.ctp
	$(BUILD)/ctsim --load-patch $(RP_PD_CYCLE):$(RP_PD)/fix.ctp $(RP_PD)/lua-patch.elf
endif
