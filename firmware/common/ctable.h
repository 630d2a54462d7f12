/*
 * ctable.h: the call table's format and geometry for the firmware: the one
 * owner is model/ctable.h (docs/accelerator.md section 2); this forwards to
 * it, so callid.c finds it beside itself. The SDK (firmware/sdk/sdk.mk) and
 * ctcc's run-time folder get a copy of model/ctable.h under this name.
 */
#include "../../model/ctable.h"
