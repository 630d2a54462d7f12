# hello: a greeting and a few printf formats; exits 0.
$(eval $(call fw_program,hello,firmware/hello/hello.c))
