/* time_sleep_clock.c - clocks and sleeping: nanosleep and clock_nanosleep sleep at least as
 * long as asked, CLOCK_MONOTONIC never goes back, the clocks agree with each other, and
 * invalid times or clocks give EINVAL. Only relations are printed, never times.
 * ABI test: tests/abi/run.py runs it on Linux and on nest; the outputs must be identical.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <sys/syscall.h>
#include <sys/time.h>
#include <time.h>
#include <unistd.h>

/* The symbolic name of errno value ERROR, so that a difference reads "ENOENT vs EACCES". */
static const char *errno_name(int error)
{
    static const char *const names[] = {
        [EPERM] = "EPERM",   [EINTR] = "EINTR",   [EFAULT] = "EFAULT",
        [EINVAL] = "EINVAL", [ENOSYS] = "ENOSYS", [ENOTSUP] = "ENOTSUP",
    };
    static char number[24];

    if (error > 0 && error < (int)(sizeof(names) / sizeof(names[0])) && names[error] != NULL)
        return names[error];
    snprintf(number, sizeof(number), "errno %d", error);
    return number;
}

/* Print "WHAT -> RESULT": the value, or "-1 ENAME" for a failure with errno ERROR. */
static void report(const char *what, long result, int error)
{
    if (result == -1)
        printf("%s -> -1 %s\n", what, errno_name(error));
    else
        printf("%s -> %ld\n", what, result);
}

#define CHECK(what, call)                                                                          \
    do {                                                                                           \
        errno = 0;                                                                                 \
        long result_ = (long)(call);                                                               \
        report((what), result_, errno);                                                            \
    } while (0)

static const char *yes_no(int condition)
{
    return condition ? "yes" : "no";
}

/* CLOCK in nanoseconds, read through the system call (not the vDSO Linux also offers). */
static int64_t clock_ns(clockid_t clock)
{
    struct timespec now = { 0, 0 };

    syscall(SYS_clock_gettime, clock, &now);
    return (int64_t)now.tv_sec * 1000000000 + now.tv_nsec;
}

/* nanosleep and clock_nanosleep, relative and absolute. */
static void check_sleeps(void)
{
    struct timespec fifty = { 0, 50 * 1000 * 1000 }, zero = { 0, 0 };
    int64_t start = clock_ns(CLOCK_MONOTONIC);

    CHECK("nanosleep(50 ms)", nanosleep(&fifty, NULL));
    int64_t slept = clock_ns(CLOCK_MONOTONIC) - start;
    printf("nanosleep(50 ms) took at least 50 ms: %s\n", yes_no(slept >= 50000000));
    printf("nanosleep(50 ms) took less than 10 s: %s\n", yes_no(slept < 10000000000LL));
    CHECK("nanosleep(0)", nanosleep(&zero, NULL));

    start = clock_ns(CLOCK_MONOTONIC);
    struct timespec thirty = { 0, 30 * 1000 * 1000 };
    printf("clock_nanosleep(MONOTONIC, relative 30 ms) -> %d\n",
           clock_nanosleep(CLOCK_MONOTONIC, 0, &thirty, NULL));
    printf("it took at least 30 ms: %s\n", yes_no(clock_ns(CLOCK_MONOTONIC) - start >= 30000000));

    int64_t target = clock_ns(CLOCK_MONOTONIC) + 40000000;
    struct timespec until = { target / 1000000000, target % 1000000000 };
    printf("clock_nanosleep(MONOTONIC, TIMER_ABSTIME now + 40 ms) -> %d\n",
           clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, &until, NULL));
    printf("it returned at or after the target: %s\n", yes_no(clock_ns(CLOCK_MONOTONIC) >= target));
    struct timespec past = { 0, 1 };
    printf("clock_nanosleep(TIMER_ABSTIME, a time in the past) -> %d\n",
           clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, &past, NULL));
}

/* Invalid arguments. clock_nanosleep returns the error number instead of setting errno. */
static void check_invalid(void)
{
    struct timespec big_nsec = { 0, 1000000000 }, negative_nsec = { 0, -1 },
                    negative_sec = { -1, 0 };
    struct timespec now;

    CHECK("nanosleep(tv_nsec = 1000000000)", nanosleep(&big_nsec, NULL));
    CHECK("nanosleep(tv_nsec = -1)", nanosleep(&negative_nsec, NULL));
    CHECK("nanosleep(tv_sec = -1)", nanosleep(&negative_sec, NULL));
    printf("clock_nanosleep(tv_nsec = 1000000000) returns %s\n",
           errno_name(clock_nanosleep(CLOCK_MONOTONIC, 0, &big_nsec, NULL)));
    printf("clock_nanosleep(clock 12345) returns %s\n",
           errno_name(clock_nanosleep(12345, 0, &big_nsec, NULL)));
    CHECK("clock_gettime(clock 12345)", syscall(SYS_clock_gettime, 12345, &now));
    CHECK("clock_getres(clock 12345)", syscall(SYS_clock_getres, 12345, &now));
}

/* The clocks a C library uses all work, and agree with each other. */
static void check_clocks(void)
{
    static const struct {
        clockid_t id;
        const char *name;
    } clocks[] = {
        { CLOCK_REALTIME, "CLOCK_REALTIME" },
        { CLOCK_MONOTONIC, "CLOCK_MONOTONIC" },
        { CLOCK_BOOTTIME, "CLOCK_BOOTTIME" },
        { CLOCK_PROCESS_CPUTIME_ID, "CLOCK_PROCESS_CPUTIME_ID" },
    };
    struct timespec now, resolution;
    char what[80];

    for (size_t i = 0; i < sizeof(clocks) / sizeof(clocks[0]); i++) {
        snprintf(what, sizeof(what), "clock_gettime(%s)", clocks[i].name);
        CHECK(what, syscall(SYS_clock_gettime, clocks[i].id, &now));
    }
    CHECK("clock_getres(CLOCK_MONOTONIC)", syscall(SYS_clock_getres, CLOCK_MONOTONIC, &resolution));
    printf("the resolution is between 1 ns and 10 ms: %s\n",
           yes_no(resolution.tv_sec == 0 && resolution.tv_nsec >= 1 &&
                  resolution.tv_nsec <= 10000000));
    CHECK("clock_getres(CLOCK_REALTIME, NULL)", syscall(SYS_clock_getres, CLOCK_REALTIME, NULL));

    int64_t previous = clock_ns(CLOCK_MONOTONIC), backwards = 0;
    for (int i = 0; i < 20000; i++) {
        int64_t now_ns = clock_ns(CLOCK_MONOTONIC);
        if (now_ns < previous)
            backwards++;
        previous = now_ns;
    }
    printf("CLOCK_MONOTONIC went backwards in 20000 reads: %s\n", yes_no(backwards > 0));

    struct timeval tv;
    int64_t realtime = clock_ns(CLOCK_REALTIME);
    syscall(SYS_gettimeofday, &tv, NULL);
    int64_t from_tv = (int64_t)tv.tv_sec * 1000000000 + (int64_t)tv.tv_usec * 1000;
    printf("gettimeofday agrees with CLOCK_REALTIME within 1 s: %s\n",
           yes_no(from_tv - realtime > -1000000000 && from_tv - realtime < 1000000000));
    long seconds = syscall(SYS_time, NULL);
    printf("time() agrees with CLOCK_REALTIME within 1 s: %s\n",
           yes_no(seconds - realtime / 1000000000 >= -1 && seconds - realtime / 1000000000 <= 1));
    int64_t boot = clock_ns(CLOCK_BOOTTIME), monotonic = clock_ns(CLOCK_MONOTONIC);
    printf("CLOCK_BOOTTIME is not behind CLOCK_MONOTONIC: %s\n",
           yes_no(boot + 1000000 >= monotonic));
}

int main(void)
{
    setvbuf(stdout, NULL, _IONBF, 0);
    check_sleeps();
    check_invalid();
    check_clocks();
    return 0;
}
