/*
 * scale.c: the work size of a real program (rp.h), compiled once per size
 * with -DRP_SCALE=N, so NAME-small.elf and NAME.elf differ in this object
 * only.
 */
#include "rp.h"

#ifndef RP_SCALE
#error "compile with -DRP_SCALE=N"
#endif

const unsigned rp_scale = RP_SCALE;
