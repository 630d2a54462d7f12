/*
 * ctable.h: the call table's format and geometry (docs/accelerator.md section
 * 2), the one owner of their rules for the host programs and the firmware. The
 * text is in firmware/common/ctable.h, as the firmware tree builds on its own
 * (the SDK ships it, tests copy it); host code includes it by this name.
 */
#include "../firmware/common/ctable.h"
