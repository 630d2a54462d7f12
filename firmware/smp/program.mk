# smp: the several-harts demo (spinlock counter, IPIs, per-hart timers);
# its start-up gives 16 harts a stack (docs/firmware.md, "Several harts").
$(eval $(call fw_program,smp,firmware/smp/smp.c,-DFW_SMP -Xlinker --defsym=FW_HARTS=16))
