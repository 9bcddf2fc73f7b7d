/*
 * trace: run a command with nest's trace(mask) system call in effect, so that the kernel
 * prints "PID: syscall NAME -> RESULT" for the calls the mask selects (docs/labs/syscall.md).
 * MASK is a number (bit n: system call n; bit 63: every call from 63 up) or a comma-separated
 * list of system-call numbers. On Linux, which has no such call, it says so and fails.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/syscall.h>

#define SYS_TRACE 1000 /* nest's own system call */

/* The mask from "MASK" or "N,N,...": 0 and *ok false if it is neither. */
static unsigned long parse_mask(const char *text, int *ok)
{
    char *end;
    *ok = 1;
    if (!strchr(text, ',')) {
        unsigned long mask = strtoul(text, &end, 0);
        *ok = *end == 0 && end != text;
        return mask;
    }
    unsigned long mask = 0;
    for (const char *p = text; *ok && *p; p = *end ? end + 1 : end) {
        unsigned long nr = strtoul(p, &end, 10);
        *ok = end != p && (*end == ',' || *end == 0);
        mask |= 1UL << (nr < 63 ? nr : 63);
    }
    return mask;
}

int main(int argc, char **argv)
{
    int ok;
    if (argc < 3) {
        fprintf(stderr, "usage: trace MASK COMMAND [ARG...]\n");
        return 2;
    }
    unsigned long mask = parse_mask(argv[1], &ok);
    if (!ok) {
        fprintf(stderr, "trace: not a mask: %s\n", argv[1]);
        return 2;
    }
    if (syscall(SYS_TRACE, mask) < 0) {
        fprintf(stderr, "trace: trace: %s\n", strerror(errno));
        return 1;
    }
    execvp(argv[2], argv + 2);
    fprintf(stderr, "trace: %s: %s\n", argv[2], strerror(errno));
    return 127;
}
