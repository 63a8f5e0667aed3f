/*
 * Unit tests (check). Each tests/unit/test_NAME.c defines
 *     Suite *suite_NAME(void);
 * and the Makefile collects them into the runner; nothing else to edit.
 */
#ifndef PCVM_TESTS_UNIT_H
#define PCVM_TESTS_UNIT_H

#include <check.h>

#endif
