# smp: the several-harts demo (spinlock counter, IPIs, per-hart timers);
# its start-up gives 16 harts a stack (docs/firmware.md, "Several harts").
$(eval $(call fw_program,smp,firmware/smp/smp.c,-DFW_SMP -Xlinker --defsym=FW_HARTS=16))
# smpbench: one compute kernel per hart, for make bench-harts
$(eval $(call fw_program,smpbench,firmware/smp/smpbench.c,-DFW_SMP -Xlinker --defsym=FW_HARTS=16,smp))
# smpcall: each hart calls its own function by ID (make's --harts --wave example)
$(eval $(call fw_program,smpcall,firmware/smp/smpcall.c $(FW_COMMON)/callid.c,-DFW_SMP -Xlinker --defsym=FW_HARTS=16,smp))
