/* check.h - what ABI tests share: printing a call's result with its errno's name, yes/no
 * verdicts, and nanosecond arithmetic on clocks and timespecs. Each test prints only what
 * Linux and nest must agree on; run.py compares the outputs line by line.
 */
#ifndef ABI_CHECK_H
#define ABI_CHECK_H

#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <time.h>

static inline const char *errno_name(int error)
{
    static const char *const names[] = {
        [EPERM] = "EPERM",   [ENOENT] = "ENOENT", [ESRCH] = "ESRCH", [EINTR] = "EINTR",     [EBADF] = "EBADF",
        [EAGAIN] = "EAGAIN", [EFAULT] = "EFAULT", [EXDEV] = "EXDEV",     [EISDIR] = "EISDIR",
        [EINVAL] = "EINVAL", [EFBIG] = "EFBIG",   [ESPIPE] = "ESPIPE",   [ENOSYS] = "ENOSYS",
        [ENOTSUP] = "ENOTSUP", [EOVERFLOW] = "EOVERFLOW",
    };
    static char number[24];

    if (error > 0 && error < (int)(sizeof(names) / sizeof(names[0])) && names[error] != NULL)
        return names[error];
    snprintf(number, sizeof(number), "errno %d", error);
    return number;
}

/* Print "what -> result", or "what -> -1 ENAME" when the call failed. */
#define CHECK(what, call)                                                                          \
    do {                                                                                           \
        errno = 0;                                                                                 \
        long result_ = (long)(call);                                                               \
        if (result_ == -1)                                                                         \
            printf("%s -> -1 %s\n", (what), errno_name(errno));                                    \
        else                                                                                       \
            printf("%s -> %ld\n", (what), result_);                                                \
    } while (0)

static inline const char *yes_no(int condition)
{
    return condition ? "yes" : "no";
}

static inline int64_t clock_ns(clockid_t clock)
{
    struct timespec now;

    clock_gettime(clock, &now);
    return (int64_t)now.tv_sec * 1000000000 + now.tv_nsec;
}

static inline struct timespec ts_of(int64_t ns)
{
    return (struct timespec){ ns / 1000000000, ns % 1000000000 };
}

static inline int64_t ns_of(struct timespec ts)
{
    return (int64_t)ts.tv_sec * 1000000000 + ts.tv_nsec;
}

#endif
