# replay: a call trace replayed on the CPU as callid instructions. For each
# trace below, scripts/ctrace2s.py generates build/firmware/replay/NAME-events.S
# and replay-NAME.elf links it (tests/test_replay_fw.py compares the CTLB
# counters with build/cttrace on the same trace).
REPLAY_TRACES := phases:traces/samples/phases-mixed-2k.ct \
                 spread:traces/samples/loop-spread-2k.ctb.gz \
                 hand:traces/samples/hand.ct \
                 lua-objects:traces/real/lua-objects.ct.gz

define replay_rules
$(FW_BUILD)/replay/$(1)-events.S: $(2) scripts/ctrace2s.py scripts/ctrace.py | $(SETUP)
	@mkdir -p $$(@D)
	$(PYTHON) scripts/ctrace2s.py $(2) -o $$@
endef
$(foreach t,$(REPLAY_TRACES),$(eval $(call replay_rules,$(word 1,$(subst :, ,$(t))),$(word 2,$(subst :, ,$(t))))))
$(foreach t,$(REPLAY_TRACES),$(eval $(call fw_program,replay-$(word 1,$(subst :, ,$(t))),firmware/replay/replay.c $(FW_BUILD)/replay/$(word 1,$(subst :, ,$(t)))-events.S firmware/common/callid.c,,replay)))
