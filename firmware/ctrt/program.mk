# ctrt: tests of the call-by-ID runtime (callid.h): signatures, xlat, patch
# ordering; -lazy: lazy binding then an unknown ID (exit 5); -nohandler: a
# call-ID fault with no handler (exit 4); -broken: ct_patch without its
# ctlb.inv (a planted bug the patch-ordering checks must catch).
CTRT_SRCS := firmware/ctrt/ctrt.c firmware/common/callid.c
$(eval $(call fw_program,ctrt,$(CTRT_SRCS)))
$(eval $(call fw_program,ctrt-lazy,$(CTRT_SRCS),-DCTRT_LAZY,ctrt))
$(eval $(call fw_program,ctrt-nohandler,$(CTRT_SRCS),-DCTRT_NOHANDLER,ctrt))
$(eval $(call fw_program,ctrt-broken,$(CTRT_SRCS),-DCT_BROKEN_PATCH,ctrt))
