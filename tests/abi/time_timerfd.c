/* time_timerfd.c - timerfd_create, timerfd_settime and timerfd_gettime, read and poll: a
 * one-shot timer read after it went off, blocking and non-blocking reads, a periodic timer
 * counting the periods between reads, poll and select waking when it goes off,
 * TFD_TIMER_ABSTIME on the monotonic and the realtime clock, the old setting, and the error
 * cases. Times are compared in ranges wide enough for a loaded machine; only the results
 * are printed.
 * ABI test: tests/abi/run.py runs it on Linux and on nest; the outputs must be identical.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/select.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/timerfd.h>
#include <time.h>
#include <unistd.h>

#include "check.h"

static long set(int fd, int flags, int64_t value_ns, int64_t interval_ns, struct itimerspec *old)
{
    struct itimerspec new = { ts_of(interval_ns), ts_of(value_ns) };

    return timerfd_settime(fd, flags, &new, old);
}

static void sleep_ms(int ms)
{
    struct timespec t = ts_of((int64_t)ms * 1000000);

    nanosleep(&t, NULL);
}

static void check_one_shot(void)
{
    printf("-- one-shot\n");
    int fd = timerfd_create(CLOCK_MONOTONIC, 0);
    printf("timerfd_create(CLOCK_MONOTONIC, 0) gives a descriptor: %s\n", yes_no(fd >= 0));
    struct stat st;
    fstat(fd, &st);
    printf("fstat: no file type, mode 0600: %s\n", yes_no((st.st_mode & 07777) == 0600 && (st.st_mode & S_IFMT) == 0));
    struct itimerspec now;
    CHECK("timerfd_gettime of a new timer", timerfd_gettime(fd, &now));
    printf("disarmed: %s\n", yes_no(ns_of(now.it_value) == 0 && ns_of(now.it_interval) == 0));
    struct pollfd pfd = { fd, POLLIN | POLLOUT, 0 };
    CHECK("poll before it is armed", poll(&pfd, 1, 0));
    int64_t start = clock_ns(CLOCK_MONOTONIC);
    CHECK("timerfd_settime(30 ms)", set(fd, 0, 30000000, 0, NULL));
    timerfd_gettime(fd, &now);
    int64_t left = ns_of(now.it_value);
    /* A loaded host may pause the CPU past the expiry: then nothing is left, rightly. */
    int expired = clock_ns(CLOCK_MONOTONIC) - start >= 30000000;
    printf("gettime: at most 30 ms left: %s\n",
           yes_no(left <= 30000000 && (left > 0 || expired)));
    uint64_t ticks = 0;
    CHECK("read blocks until it goes off", read(fd, &ticks, sizeof(ticks)));
    printf("ticks %llu, after at least 30 ms: %s\n", (unsigned long long)ticks,
           yes_no(clock_ns(CLOCK_MONOTONIC) - start >= 30000000));
    timerfd_gettime(fd, &now);
    printf("after it went off it reads 0: %s\n", yes_no(ns_of(now.it_value) == 0));
    CHECK("poll after the read", poll(&pfd, 1, 0));
    CHECK("read(4 bytes)", read(fd, &ticks, 4));
    CHECK("write", write(fd, &ticks, sizeof(ticks)));
    CHECK("lseek", lseek(fd, 0, SEEK_SET));
    close(fd);
}

static void check_nonblocking(void)
{
    printf("-- TFD_NONBLOCK\n");
    int fd = timerfd_create(CLOCK_MONOTONIC, TFD_NONBLOCK | TFD_CLOEXEC);
    printf("O_NONBLOCK: %s, FD_CLOEXEC: %s\n", yes_no(fcntl(fd, F_GETFL) & O_NONBLOCK),
           yes_no(fcntl(fd, F_GETFD) & FD_CLOEXEC));
    uint64_t ticks;
    CHECK("read with nothing to read", read(fd, &ticks, sizeof(ticks)));
    set(fd, 0, 10000000, 0, NULL);
    struct pollfd pfd = { fd, POLLIN, 0 };
    CHECK("poll(5 s) wakes when it goes off", poll(&pfd, 1, 5000));
    printf("revents POLLIN: %s\n", yes_no(pfd.revents == POLLIN));
    CHECK("read", read(fd, &ticks, sizeof(ticks)));
    printf("ticks %llu\n", (unsigned long long)ticks);
    CHECK("read again", read(fd, &ticks, sizeof(ticks)));
    close(fd);
}

static void check_periodic(void)
{
    printf("-- periodic\n");
    int fd = timerfd_create(CLOCK_MONOTONIC, 0);
    int64_t start = clock_ns(CLOCK_MONOTONIC);
    CHECK("timerfd_settime(10 ms, every 10 ms)", set(fd, 0, 10000000, 10000000, NULL));
    uint64_t total = 0, ticks;
    for (int i = 0; i < 5; i++) {
        read(fd, &ticks, sizeof(ticks));
        total += ticks;
    }
    int64_t took = clock_ns(CLOCK_MONOTONIC) - start;
    printf("five reads: at least 5 ticks: %s, no more than one per 10 ms: %s\n",
           yes_no(total >= 5), yes_no((int64_t)total <= took / 10000000));
    sleep_ms(100);
    read(fd, &ticks, sizeof(ticks));
    printf("after 100 ms unread, one read returns 9 or more: %s\n", yes_no(ticks >= 9));
    struct itimerspec now;
    timerfd_gettime(fd, &now);
    /* 0 when the period ended while the call ran (on both kernels). */
    printf("gettime: at most 10 ms left: %s, interval 10 ms: %s\n",
           yes_no(ns_of(now.it_value) <= 10000000), yes_no(ns_of(now.it_interval) == 10000000));
    struct itimerspec old;
    CHECK("timerfd_settime(0) disarms and gives the old setting", set(fd, 0, 0, 0, &old));
    printf("old interval 10 ms: %s, old value at most 10 ms: %s\n",
           yes_no(ns_of(old.it_interval) == 10000000), yes_no(ns_of(old.it_value) <= 10000000));
    struct pollfd pfd = { fd, POLLIN, 0 };
    CHECK("poll(50 ms) once disarmed", poll(&pfd, 1, 50));
    close(fd);
}

static void check_select_and_absolute(void)
{
    printf("-- select, TFD_TIMER_ABSTIME\n");
    int fd = timerfd_create(CLOCK_MONOTONIC, 0);
    int64_t target = clock_ns(CLOCK_MONOTONIC) + 30000000;
    CHECK("timerfd_settime(TFD_TIMER_ABSTIME, monotonic now + 30 ms)", set(fd, TFD_TIMER_ABSTIME, target, 0, NULL));
    fd_set readable;
    FD_ZERO(&readable);
    FD_SET(fd, &readable);
    struct timeval limit = { 5, 0 };
    CHECK("select waits for it", select(fd + 1, &readable, NULL, NULL, &limit));
    printf("readable: %s, at or after the target: %s\n", yes_no(FD_ISSET(fd, &readable)),
           yes_no(clock_ns(CLOCK_MONOTONIC) >= target));
    close(fd);

    fd = timerfd_create(CLOCK_REALTIME, 0);
    int64_t start = clock_ns(CLOCK_MONOTONIC);
    target = clock_ns(CLOCK_REALTIME) + 30000000;
    CHECK("timerfd_settime(TFD_TIMER_ABSTIME, realtime now + 30 ms)", set(fd, TFD_TIMER_ABSTIME, target, 0, NULL));
    uint64_t ticks;
    CHECK("read", read(fd, &ticks, sizeof(ticks)));
    printf("after 30 ms: %s\n", yes_no(clock_ns(CLOCK_MONOTONIC) - start >= 30000000));
    CHECK("timerfd_settime(TFD_TIMER_ABSTIME, a time long past)", set(fd, TFD_TIMER_ABSTIME, 1, 0, NULL));
    CHECK("read returns at once", read(fd, &ticks, sizeof(ticks)));
    close(fd);
}

static void check_errors(void)
{
    printf("-- errors\n");
    struct itimerspec spec = { { 0, 0 }, { 1, 0 } };
    void *bad = (void *)16;
    CHECK("timerfd_create(clock 12345)", timerfd_create(12345, 0));
    CHECK("timerfd_create(CLOCK_PROCESS_CPUTIME_ID)", timerfd_create(CLOCK_PROCESS_CPUTIME_ID, 0));
    CHECK("timerfd_create(flags 1)", timerfd_create(CLOCK_MONOTONIC, 1));
    int fd = timerfd_create(CLOCK_MONOTONIC, 0);
    CHECK("timerfd_settime(flags 4)", timerfd_settime(fd, 4, &spec, NULL));
    spec.it_value.tv_nsec = 1000000000;
    CHECK("timerfd_settime(tv_nsec 1000000000)", timerfd_settime(fd, 0, &spec, NULL));
    spec.it_value = (struct timespec){ 1, 0 };
    spec.it_interval.tv_sec = -1;
    CHECK("timerfd_settime(interval tv_sec -1)", timerfd_settime(fd, 0, &spec, NULL));
    spec.it_interval.tv_sec = 0;
    CHECK("timerfd_settime(bad new setting)", syscall(SYS_timerfd_settime, fd, 0, bad, NULL));
    CHECK("timerfd_settime(bad old setting)", syscall(SYS_timerfd_settime, fd, 0, &spec, bad));
    CHECK("timerfd_gettime(bad pointer)", syscall(SYS_timerfd_gettime, fd, bad));
    CHECK("timerfd_settime(closed descriptor)", timerfd_settime(999, 0, &spec, NULL));
    CHECK("timerfd_gettime(standard input, not a timerfd)", timerfd_gettime(0, &spec));
    set(fd, 0, 1000000, 0, NULL);
    sleep_ms(20);
    CHECK("read into a bad buffer", read(fd, bad, 8));
    close(fd);
}

int main(void)
{
    setvbuf(stdout, NULL, _IONBF, 0);
    check_one_shot();
    check_nonblocking();
    check_periodic();
    check_select_and_absolute();
    check_errors();
    return 0;
}
