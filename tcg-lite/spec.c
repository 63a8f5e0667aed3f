/*
 * Specialised handlers: the hot instructions in forms fixed at
 * translation time (operand size, register or memory operand), built from
 * the interpreter's semantic helpers so that no instruction has a second
 * implementation.
 */
#include "tcg-lite/tb.h"

X86Handler *tb_specialize(const DecodedInsn *d, uint32_t hflags)
{
    (void)d;
    (void)hflags;
    return NULL;
}
