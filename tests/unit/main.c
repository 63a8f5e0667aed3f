/* The unit-test runner: every suite the Makefile found, one line of totals
 * at the end for tests/run.sh. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tests/unit/unit.h"

#define SUITE(name) Suite *suite_##name(void);
#include "suites.h"
#undef SUITE

int main(int argc, char **argv)
{
    SRunner *sr = NULL;
    const char *only = argc > 1 ? argv[1] : NULL;
#define SUITE(name)                                                            \
    if (!only || !strcmp(only, #name)) {                                       \
        if (!sr) {                                                             \
            sr = srunner_create(suite_##name());                               \
        } else {                                                               \
            srunner_add_suite(sr, suite_##name());                             \
        }                                                                      \
    }
#include "suites.h"
#undef SUITE
    if (!sr) {
        fprintf(stderr, "unit: no suite named '%s'\n", only ? only : "");
        return 2;
    }
    /* Forking isolates crashes; CK_FORK=no in the environment turns it
     * off for debugging. */
    srunner_run_all(sr, CK_NORMAL);
    int run = srunner_ntests_run(sr);
    int failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    printf("unit: %d passed, %d failed\n", run - failed, failed);
    return failed ? 1 : 0;
}
