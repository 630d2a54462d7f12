# bench: self-checking compute benchmark; bench.elf long (~90M instructions),
# bench-short.elf short (tests, QEMU), bench-break<k>.elf with a planted bug in kernel k.
$(eval $(call fw_program,bench,firmware/bench/bench.c,-DBENCH_REPEAT=160))
$(eval $(call fw_program,bench-short,firmware/bench/bench.c,-DBENCH_REPEAT=2,bench))
$(foreach k,1 2 3 4 5,$(eval $(call fw_program,bench-break$(k),firmware/bench/bench.c,-DBENCH_BREAK=$(k),bench)))
