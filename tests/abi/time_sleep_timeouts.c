/* time_sleep_timeouts.c - sleeps and timeouts on the timer queue: clock_nanosleep with
 * TIMER_ABSTIME on CLOCK_REALTIME and CLOCK_MONOTONIC, sleeps cut short by a SIGALRM from
 * setitimer (EINTR and the time left), short sleeps that never end early, poll, ppoll,
 * select and pselect6 timeouts, and the error cases (clocks, flags, bad pointers).
 * Only relations between times are printed, never times.
 * ABI test: tests/abi/run.py runs it on Linux and on nest; the outputs must be identical.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/select.h>
#include <sys/syscall.h>
#include <sys/time.h>
#include <time.h>
#include <unistd.h>

#include "check.h"

static void on_alarm(int sig)
{
    (void)sig;
}

/* SIGALRM (with a handler, without SA_RESTART) after ms milliseconds. */
static void alarm_in_ms(int ms)
{
    struct itimerval value = { { 0, 0 }, { ms / 1000, ms % 1000 * 1000 } };

    setitimer(ITIMER_REAL, &value, NULL);
}

static void check_absolute(void)
{
    printf("-- clock_nanosleep with TIMER_ABSTIME\n");
    int64_t target = clock_ns(CLOCK_REALTIME) + 40000000;
    struct timespec until = ts_of(target);
    printf("clock_nanosleep(REALTIME, TIMER_ABSTIME now + 40 ms) -> %d\n",
           clock_nanosleep(CLOCK_REALTIME, TIMER_ABSTIME, &until, NULL));
    printf("it returned at or after the target: %s\n", yes_no(clock_ns(CLOCK_REALTIME) >= target));
    target = clock_ns(CLOCK_BOOTTIME) + 20000000;
    until = ts_of(target);
    printf("clock_nanosleep(BOOTTIME, TIMER_ABSTIME now + 20 ms) -> %d\n",
           clock_nanosleep(CLOCK_BOOTTIME, TIMER_ABSTIME, &until, NULL));
    printf("it returned at or after the target: %s\n", yes_no(clock_ns(CLOCK_BOOTTIME) >= target));

    alarm_in_ms(50);
    until = ts_of(clock_ns(CLOCK_MONOTONIC) + 5000000000LL);
    struct timespec left = { 77, 77 };
    int64_t start = clock_ns(CLOCK_MONOTONIC);
    printf("clock_nanosleep(MONOTONIC, TIMER_ABSTIME now + 5 s), SIGALRM after 50 ms -> %s\n",
           errno_name(clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, &until, &left)));
    printf("cut short: %s, the time-left argument untouched: %s\n",
           yes_no(clock_ns(CLOCK_MONOTONIC) - start < 4000000000LL),
           yes_no(left.tv_sec == 77 && left.tv_nsec == 77));
}

static void check_interrupted(void)
{
    printf("-- sleeps cut short by SIGALRM\n");
    struct timespec five = { 5, 0 }, left = { 0, 0 };
    alarm_in_ms(50);
    CHECK("nanosleep(5 s), SIGALRM after 50 ms", nanosleep(&five, &left));
    printf("time left between 4 and 5 s: %s\n",
           yes_no(ns_of(left) > 4000000000LL && ns_of(left) <= 5000000000LL));
    alarm_in_ms(50);
    left = (struct timespec){ 0, 0 };
    printf("clock_nanosleep(MONOTONIC, 5 s), SIGALRM after 50 ms -> %s\n",
           errno_name(clock_nanosleep(CLOCK_MONOTONIC, 0, &five, &left)));
    printf("time left between 4 and 5 s: %s\n",
           yes_no(ns_of(left) > 4000000000LL && ns_of(left) <= 5000000000LL));
    alarm_in_ms(50);
    CHECK("nanosleep(5 s, bad time-left pointer), SIGALRM after 50 ms", nanosleep(&five, (void *)16));
    alarm_in_ms(50);
    CHECK("poll(no descriptors, 5 s), SIGALRM after 50 ms", poll(NULL, 0, 5000));
    alarm_in_ms(50);
    struct timeval tv = { 5, 0 };
    CHECK("select system call (no descriptors, 5 s), SIGALRM after 50 ms",
          syscall(SYS_select, 0, NULL, NULL, NULL, &tv));
    printf("it wrote back a time left between 4 and 5 s: %s\n",
           yes_no(tv.tv_sec * 1000000 + tv.tv_usec > 4000000 && tv.tv_sec * 1000000 + tv.tv_usec < 5000000));
}

/* Short sleeps end after, never before, the time asked for. */
static void check_short(void)
{
    printf("-- short sleeps and timeouts\n");
    int early = 0;
    for (int i = 0; i < 20; i++) {
        struct timespec request = { 0, 100000 + i * 50000 };
        int64_t start = clock_ns(CLOCK_MONOTONIC);
        nanosleep(&request, NULL);
        early += clock_ns(CLOCK_MONOTONIC) - start < ns_of(request);
    }
    printf("20 sleeps of 0.1 to 1 ms, none early: %s\n", yes_no(early == 0));

    int64_t start = clock_ns(CLOCK_MONOTONIC);
    CHECK("poll(no descriptors, 30 ms)", poll(NULL, 0, 30));
    printf("it took at least 30 ms: %s\n", yes_no(clock_ns(CLOCK_MONOTONIC) - start >= 30000000));
    struct timespec timeout = { 0, 25000000 };
    start = clock_ns(CLOCK_MONOTONIC);
    CHECK("ppoll(no descriptors, 25 ms)", ppoll(NULL, 0, &timeout, NULL));
    printf("it took at least 25 ms: %s\n", yes_no(clock_ns(CLOCK_MONOTONIC) - start >= 25000000));
    struct timeval tv = { 0, 20000 };
    start = clock_ns(CLOCK_MONOTONIC);
    CHECK("select system call (no descriptors, 20 ms)", syscall(SYS_select, 0, NULL, NULL, NULL, &tv));
    printf("it took at least 20 ms: %s, the time left written back is 0: %s\n",
           yes_no(clock_ns(CLOCK_MONOTONIC) - start >= 20000000), yes_no(tv.tv_sec == 0 && tv.tv_usec == 0));
    timeout = (struct timespec){ 0, 15000000 };
    start = clock_ns(CLOCK_MONOTONIC);
    CHECK("pselect(no descriptors, 15 ms)", pselect(0, NULL, NULL, NULL, &timeout, NULL));
    printf("it took at least 15 ms: %s\n", yes_no(clock_ns(CLOCK_MONOTONIC) - start >= 15000000));
    int fds[2];
    pipe(fds);
    struct pollfd pfd = { fds[0], POLLIN, 0 };
    start = clock_ns(CLOCK_MONOTONIC);
    CHECK("poll(an empty pipe, 10 ms)", poll(&pfd, 1, 10));
    printf("it took at least 10 ms: %s\n", yes_no(clock_ns(CLOCK_MONOTONIC) - start >= 10000000));
    close(fds[0]);
    close(fds[1]);
}

/* clock_nanosleep returns the error number instead of setting errno. */
static void check_errors(void)
{
    printf("-- errors\n");
    struct timespec ten = { 0, 10000000 };
    printf("clock_nanosleep(CLOCK_THREAD_CPUTIME_ID) returns %s\n",
           errno_name(clock_nanosleep(CLOCK_THREAD_CPUTIME_ID, 0, &ten, NULL)));
    printf("clock_nanosleep(CLOCK_MONOTONIC_RAW) returns %s\n",
           errno_name(syscall(SYS_clock_nanosleep, CLOCK_MONOTONIC_RAW, 0, &ten, NULL) == -1 ? errno : 0));
    printf("clock_nanosleep(CLOCK_MONOTONIC_COARSE) returns %s\n",
           errno_name(syscall(SYS_clock_nanosleep, CLOCK_MONOTONIC_COARSE, 0, &ten, NULL) == -1 ? errno : 0));
    printf("clock_nanosleep(clock 12345) returns %s\n",
           errno_name(syscall(SYS_clock_nanosleep, 12345, 0, &ten, NULL) == -1 ? errno : 0));
    printf("clock_nanosleep(flags 2, ignored as on Linux) returns %s\n",
           errno_name(syscall(SYS_clock_nanosleep, CLOCK_MONOTONIC, 2, &ten, NULL) == -1 ? errno : 0));
    printf("clock_nanosleep(bad request pointer) returns %s\n",
           errno_name(syscall(SYS_clock_nanosleep, CLOCK_MONOTONIC, 0, (void *)16, NULL) == -1 ? errno : 0));
    CHECK("nanosleep(bad request pointer)", syscall(SYS_nanosleep, (void *)16, NULL));
    struct timespec bad_nsec = { 0, -5 };
    CHECK("ppoll(tv_nsec -5)", ppoll(NULL, 0, &bad_nsec, NULL));
    struct timeval bad_usec = { -1, 0 };
    CHECK("select(tv_sec -1)", select(0, NULL, NULL, NULL, &bad_usec));
}

int main(void)
{
    setvbuf(stdout, NULL, _IONBF, 0);
    struct sigaction action;
    memset(&action, 0, sizeof(action));
    action.sa_handler = on_alarm;
    sigaction(SIGALRM, &action, NULL);
    check_absolute();
    check_interrupted();
    check_short();
    check_errors();
    return 0;
}
