# trapdemo: C trap handlers (ecall, illegal, load fault, timer interrupt); the
# -unhandled variant ends in the runtime's default handler (exit status 4).
$(eval $(call fw_program,trapdemo,firmware/trapdemo/trapdemo.c firmware/trapdemo/regcheck.S))
$(eval $(call fw_program,trapdemo-unhandled,firmware/trapdemo/trapdemo.c firmware/trapdemo/regcheck.S,-DTRAPDEMO_UNHANDLED,trapdemo))
