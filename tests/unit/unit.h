/* unit.h - a tiny test harness for kernel code compiled on the host.
 *
 * Each tests/unit/test_*.c file is one program. Its first line names the kernel sources it
 * links with:   // SOURCES: kernel/lib/string.c kernel/proc/pid.c
 * It defines test functions with TEST(name) and lists them in main() with RUN(name).
 * CHECK(cond) and CHECK_EQ(a, b) report what was expected and what came instead; every
 * test prints one "PASS name" or "FAIL name" line, and tests/unit/run.sh counts them.
 */
#ifndef NEST_UNIT_H
#define NEST_UNIT_H

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int unit_failed_checks;

#define TEST(name) static void name(void)

#define CHECK(cond)                                                                        \
    do {                                                                                   \
        if (!(cond)) {                                                                     \
            printf("  %s:%d: expected %s\n", __FILE__, __LINE__, #cond);                   \
            unit_failed_checks++;                                                          \
        }                                                                                  \
    } while (0)

#define CHECK_EQ(actual, expected)                                                         \
    do {                                                                                   \
        long long unit_a = (long long)(actual), unit_e = (long long)(expected);            \
        if (unit_a != unit_e) {                                                            \
            printf("  %s:%d: %s: expected %lld, got %lld\n", __FILE__, __LINE__, #actual,  \
                   unit_e, unit_a);                                                        \
            unit_failed_checks++;                                                          \
        }                                                                                  \
    } while (0)

#define CHECK_STR(actual, expected)                                                        \
    do {                                                                                   \
        const char *unit_a = (actual), *unit_e = (expected);                               \
        if (strcmp(unit_a, unit_e) != 0) {                                                 \
            printf("  %s:%d: %s: expected \"%s\", got \"%s\"\n", __FILE__, __LINE__,       \
                   #actual, unit_e, unit_a);                                               \
            unit_failed_checks++;                                                          \
        }                                                                                  \
    } while (0)

#define RUN(name)                                                                          \
    do {                                                                                   \
        int unit_before = unit_failed_checks;                                              \
        name();                                                                            \
        printf("%s %s\n", unit_failed_checks == unit_before ? "PASS" : "FAIL", #name);     \
    } while (0)

#define UNIT_EXIT() return unit_failed_checks ? 1 : 0

#endif
