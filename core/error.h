/*
 * Errors reported to a caller as one line of text.
 *
 * Promise: functions that can fail on bad user input (a kernel image, an
 * option, a table that does not fit) take a buffer `char *err, size_t
 * errlen`; error_set formats the line into it (truncated to fit, always
 * terminated) and returns -1, so a failure path is one statement:
 * `return error_set(err, errlen, "initrd too large (%zu bytes)", n);`
 */
#ifndef PCVM_ERROR_H
#define PCVM_ERROR_H

#include <stddef.h>

int error_set(char *err, size_t errlen, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

#endif
