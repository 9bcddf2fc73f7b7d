/* time_posix_timers.c - POSIX timers through the raw system calls: timer_create (the default
 * sigevent, SIGEV_SIGNAL, SIGEV_NONE), timer_settime (relative, TIMER_ABSTIME on the
 * monotonic and the realtime clock, periodic, the old setting), timer_gettime,
 * timer_getoverrun and si_overrun while the signal is blocked, timer_delete, timers gone
 * after execve and absent in a fork child, and the error cases. Times are compared in
 * ranges wide enough for a loaded machine; only the results are printed.
 * ABI test: tests/abi/run.py runs it on Linux and on nest; the outputs must be identical.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "check.h"

/* The kernel's struct sigevent: the C libraries' differ in how they spell SIGEV_THREAD_ID. */
struct kernel_sigevent {
    union sigval value;
    int signo;
    int notify;
    int pad[12];
};

static long create(clockid_t clock, int notify, int signo, int value, int *id)
{
    struct kernel_sigevent event = { .value.sival_int = value, .signo = signo, .notify = notify };

    return syscall(SYS_timer_create, clock, &event, id);
}

static long set(int id, int flags, int64_t value_ns, int64_t interval_ns, struct itimerspec *old)
{
    struct itimerspec new = { ts_of(interval_ns), ts_of(value_ns) };

    return syscall(SYS_timer_settime, id, flags, &new, old);
}

static struct itimerspec get(int id)
{
    struct itimerspec now;

    memset(&now, 0xff, sizeof(now));
    syscall(SYS_timer_gettime, id, &now);
    return now;
}

static volatile sig_atomic_t caught[65], last_code, last_timerid, last_value, last_overrun;
/* The first signal's overrun, timer_getoverrun and time, taken in the handler itself: a later
 * period's signal may follow it before the main program looks (a slow, loaded host). */
static volatile sig_atomic_t first_overrun, first_getoverrun;
static volatile int64_t first_ns;

static void on_signal(int sig, siginfo_t *info, void *context)
{
    (void)context;
    caught[sig]++;
    last_code = info->si_code;
    last_timerid = info->si_timerid;
    last_value = info->si_value.sival_int;
    last_overrun = info->si_overrun;
    if (caught[sig] == 1) {
        first_overrun = info->si_overrun;
        first_getoverrun = syscall(SYS_timer_getoverrun, info->si_timerid);
        first_ns = clock_ns(CLOCK_MONOTONIC);
    }
}

static void catch(int sig)
{
    struct sigaction action;

    memset(&action, 0, sizeof(action));
    action.sa_sigaction = on_signal;
    action.sa_flags = SA_SIGINFO;
    sigaction(sig, &action, NULL);
}

/* Sleep (never spin) until sig has been caught count times or limit_ms pass. */
static int wait_for(int sig, int count, int limit_ms)
{
    int64_t end = clock_ns(CLOCK_MONOTONIC) + (int64_t)limit_ms * 1000000;
    struct timespec step = { 0, 5 * 1000 * 1000 };

    while (caught[sig] < count && clock_ns(CLOCK_MONOTONIC) < end)
        nanosleep(&step, NULL);
    return caught[sig];
}

static void sleep_ms(int ms)
{
    struct timespec t = ts_of((int64_t)ms * 1000000);

    while (nanosleep(&t, &t) == -1 && errno == EINTR)
        ;
}

static void check_default_event(void)
{
    printf("-- the default sigevent: SIGALRM with the timer's id\n");
    int first = -1, second = -1;
    CHECK("timer_create(CLOCK_MONOTONIC, NULL)", syscall(SYS_timer_create, CLOCK_MONOTONIC, NULL, &first));
    CHECK("timer_create(CLOCK_REALTIME, NULL)", syscall(SYS_timer_create, CLOCK_REALTIME, NULL, &second));
    printf("ids %d and %d\n", first, second);
    struct itimerspec now = get(second);
    printf("a new timer is disarmed: %s\n", yes_no(ns_of(now.it_value) == 0 && ns_of(now.it_interval) == 0));
    catch(SIGALRM);
    int64_t start = clock_ns(CLOCK_MONOTONIC);
    CHECK("timer_settime(second, 20 ms)", set(second, 0, 20000000, 0, NULL));
    int got = wait_for(SIGALRM, 1, 10000);
    printf("SIGALRM: %d, after 20 ms: %s\n", got, yes_no(clock_ns(CLOCK_MONOTONIC) - start >= 20000000));
    printf("si_code SI_TIMER: %s, si_timerid is the id: %s, si_value is the id: %s\n",
           yes_no(last_code == SI_TIMER), yes_no(last_timerid == second), yes_no(last_value == second));
    now = get(second);
    printf("a one-shot timer that went off reads 0: %s\n", yes_no(ns_of(now.it_value) == 0));
    CHECK("timer_delete(first)", syscall(SYS_timer_delete, first));
    CHECK("timer_delete(second)", syscall(SYS_timer_delete, second));
}

static void check_periodic(void)
{
    printf("-- SIGEV_SIGNAL, periodic\n");
    int id;
    catch(SIGUSR1);
    CHECK("timer_create(SIGEV_SIGNAL, SIGUSR1, value 1234)", create(CLOCK_MONOTONIC, SIGEV_SIGNAL, SIGUSR1, 1234, &id));
    int64_t start = clock_ns(CLOCK_MONOTONIC);
    CHECK("timer_settime(10 ms, every 10 ms)", set(id, 0, 10000000, 10000000, NULL));
    int got = wait_for(SIGUSR1, 5, 20000);
    int64_t took = clock_ns(CLOCK_MONOTONIC) - start;
    printf("5 signals: %s, in at least 50 ms: %s, less than 10 s: %s\n", yes_no(got >= 5),
           yes_no(took >= 50000000), yes_no(took < 10000000000LL));
    printf("si_value 1234: %s, si_timerid: %s\n", yes_no(last_value == 1234), yes_no(last_timerid == id));
    struct itimerspec now = get(id);
    printf("timer_gettime: at most 10 ms left: %s, interval 10 ms: %s\n",
           yes_no(ns_of(now.it_value) > 0 && ns_of(now.it_value) <= 10000000),
           yes_no(ns_of(now.it_interval) == 10000000));
    struct itimerspec old;
    CHECK("timer_settime(0) disarms and gives the old setting", set(id, 0, 0, 0, &old));
    printf("old interval 10 ms: %s, old value at most 10 ms: %s\n",
           yes_no(ns_of(old.it_interval) == 10000000), yes_no(ns_of(old.it_value) <= 10000000));
    int before = caught[SIGUSR1];
    sleep_ms(50);
    printf("no signal once disarmed: %s\n", yes_no(caught[SIGUSR1] == before));
    CHECK("timer_delete", syscall(SYS_timer_delete, id));
}

/* While the signal is blocked the timer's periods pass uncounted by signals: one signal
 * comes at unblocking, with the missed periods as si_overrun and timer_getoverrun. */
static void check_overruns(void)
{
    printf("-- overruns while the signal is blocked\n");
    int id;
    sigset_t block;
    sigemptyset(&block);
    sigaddset(&block, SIGUSR2);
    catch(SIGUSR2);
    sigprocmask(SIG_BLOCK, &block, NULL);
    create(CLOCK_MONOTONIC, SIGEV_SIGNAL, SIGUSR2, 7, &id);
    CHECK("timer_getoverrun before any signal", syscall(SYS_timer_getoverrun, id));
    set(id, 0, 5000000, 5000000, NULL);
    int64_t start = clock_ns(CLOCK_MONOTONIC);
    sleep_ms(100);
    int blocked_count = caught[SIGUSR2];
    sigprocmask(SIG_UNBLOCK, &block, NULL);
    int64_t blocked_ms = (first_ns - start) / 1000000;
    printf("one signal at unblocking: %s\n", yes_no(blocked_count == 0 && caught[SIGUSR2] >= 1));
    /* Blocked until its delivery at blocked_ms: about blocked_ms / 5 periods, the first of
     * them signalled. */
    printf("si_overrun counts the missed periods (10 or more, at most one per 5 ms): %s\n",
           yes_no(first_overrun >= 10 && first_overrun <= blocked_ms / 5 + 1));
    printf("timer_getoverrun agrees with si_overrun: %s\n",
           yes_no(first_getoverrun == first_overrun));
    syscall(SYS_timer_delete, id);
}

static void check_sigev_none(void)
{
    printf("-- SIGEV_NONE: read, never signalled\n");
    int id;
    CHECK("timer_create(SIGEV_NONE)", create(CLOCK_MONOTONIC, SIGEV_NONE, 0, 0, &id));
    set(id, 0, 50000000, 0, NULL);
    struct itimerspec now = get(id);
    printf("at most 50 ms left: %s\n", yes_no(ns_of(now.it_value) > 0 && ns_of(now.it_value) <= 50000000));
    sleep_ms(80);
    now = get(id);
    printf("after it went off it reads 0: %s\n", yes_no(ns_of(now.it_value) == 0));
    set(id, 0, 10000000, 10000000, NULL);
    sleep_ms(35);
    now = get(id);
    printf("periodic: 0 to 10 ms left in the current period: %s, interval 10 ms: %s\n",
           yes_no(ns_of(now.it_value) > 0 && ns_of(now.it_value) <= 10000000),
           yes_no(ns_of(now.it_interval) == 10000000));
    CHECK("timer_getoverrun (no signal was delivered)", syscall(SYS_timer_getoverrun, id));
    syscall(SYS_timer_delete, id);
}

static void check_absolute(void)
{
    printf("-- TIMER_ABSTIME\n");
    int id;
    catch(SIGUSR1);
    create(CLOCK_MONOTONIC, SIGEV_SIGNAL, SIGUSR1, 0, &id);
    caught[SIGUSR1] = 0;
    int64_t target = clock_ns(CLOCK_MONOTONIC) + 30000000;
    CHECK("timer_settime(TIMER_ABSTIME, monotonic now + 30 ms)", set(id, TIMER_ABSTIME, target, 0, NULL));
    wait_for(SIGUSR1, 1, 10000);
    printf("the signal came at or after the target: %s\n", yes_no(caught[SIGUSR1] == 1 && clock_ns(CLOCK_MONOTONIC) >= target));
    caught[SIGUSR1] = 0;
    CHECK("timer_settime(TIMER_ABSTIME, a time long past)", set(id, TIMER_ABSTIME, 1, 0, NULL));
    printf("it goes off at once: %s\n", yes_no(wait_for(SIGUSR1, 1, 10000) == 1));
    syscall(SYS_timer_delete, id);

    create(CLOCK_REALTIME, SIGEV_SIGNAL, SIGUSR1, 0, &id);
    caught[SIGUSR1] = 0;
    int64_t start = clock_ns(CLOCK_MONOTONIC);
    target = clock_ns(CLOCK_REALTIME) + 30000000;
    CHECK("timer_settime(TIMER_ABSTIME, realtime now + 30 ms)", set(id, TIMER_ABSTIME, target, 0, NULL));
    wait_for(SIGUSR1, 1, 10000);
    printf("the signal came after 30 ms: %s\n", yes_no(caught[SIGUSR1] == 1 && clock_ns(CLOCK_MONOTONIC) - start >= 30000000));
    syscall(SYS_timer_delete, id);
}

/* An ignored signal: the timer keeps going without flooding the machine. */
static void check_ignored(void)
{
    printf("-- a 1 ms timer whose signal is ignored\n");
    int id;
    signal(SIGUSR1, SIG_IGN);
    create(CLOCK_MONOTONIC, SIGEV_SIGNAL, SIGUSR1, 0, &id);
    set(id, 0, 1000000, 1000000, NULL);
    sleep_ms(50);
    struct itimerspec now = get(id);
    printf("still running: %s\n", yes_no(ns_of(now.it_interval) == 1000000));
    CHECK("timer_delete", syscall(SYS_timer_delete, id));
    catch(SIGUSR1);
}

static int after_exec(void)
{
    struct itimerspec now;
    CHECK("  after execve: timer_gettime(the timer made before)", syscall(SYS_timer_gettime, 0, &now));
    return 0;
}

static void check_exec_and_fork(const char *self)
{
    printf("-- execve deletes POSIX timers, fork does not copy them\n");
    pid_t child = fork();
    if (child == 0) {
        int id;
        create(CLOCK_MONOTONIC, SIGEV_SIGNAL, SIGUSR1, 0, &id);
        set(id, 0, 5000000000LL, 0, NULL);
        char *argv[] = { (char *)self, "--after-exec", NULL };
        execv(self, argv);
        _exit(1);
    }
    int status, id;
    waitpid(child, &status, 0);
    create(CLOCK_MONOTONIC, SIGEV_NONE, 0, 0, &id);
    child = fork();
    if (child == 0) {
        struct itimerspec now;
        CHECK("  in a fork child: timer_gettime(the parent's timer)", syscall(SYS_timer_gettime, id, &now));
        _exit(0);
    }
    waitpid(child, &status, 0);
    CHECK("  the parent still has it: timer_delete", syscall(SYS_timer_delete, id));
}

static void check_errors(void)
{
    printf("-- errors\n");
    int id;
    struct itimerspec spec = { { 0, 0 }, { 1, 0 } };
    void *bad = (void *)16;
    CHECK("timer_create(clock 12345)", create(12345, SIGEV_SIGNAL, SIGUSR1, 0, &id));
    CHECK("timer_create(sigev_notify 99)", create(CLOCK_MONOTONIC, 99, SIGUSR1, 0, &id));
    CHECK("timer_create(signal 0)", create(CLOCK_MONOTONIC, SIGEV_SIGNAL, 0, 0, &id));
    CHECK("timer_create(signal 65)", create(CLOCK_MONOTONIC, SIGEV_SIGNAL, 65, 0, &id));
    CHECK("timer_create(bad sigevent)", syscall(SYS_timer_create, CLOCK_MONOTONIC, bad, &id));
    CHECK("timer_create(bad id pointer)", create(CLOCK_MONOTONIC, SIGEV_NONE, 0, 0, bad));
    CHECK("timer_create(SIGEV_NONE)", create(CLOCK_MONOTONIC, SIGEV_NONE, 0, 0, &id));
    spec.it_value.tv_nsec = 1000000000;
    CHECK("timer_settime(tv_nsec 1000000000)", syscall(SYS_timer_settime, id, 0, &spec, NULL));
    spec.it_value = (struct timespec){ 1, 0 };
    spec.it_interval.tv_sec = -1;
    CHECK("timer_settime(interval tv_sec -1)", syscall(SYS_timer_settime, id, 0, &spec, NULL));
    spec.it_interval.tv_sec = 0;
    CHECK("timer_settime(bad new setting)", syscall(SYS_timer_settime, id, 0, bad, NULL));
    CHECK("timer_settime(bad old setting)", syscall(SYS_timer_settime, id, 0, &spec, bad));
    CHECK("timer_gettime(bad pointer)", syscall(SYS_timer_gettime, id, bad));
    CHECK("timer_settime(no such timer)", syscall(SYS_timer_settime, id + 100, 0, &spec, NULL));
    CHECK("timer_gettime(no such timer)", syscall(SYS_timer_gettime, id + 100, &spec));
    CHECK("timer_getoverrun(no such timer)", syscall(SYS_timer_getoverrun, id + 100));
    CHECK("timer_delete", syscall(SYS_timer_delete, id));
    CHECK("timer_delete again", syscall(SYS_timer_delete, id));
    CHECK("timer_gettime(deleted)", syscall(SYS_timer_gettime, id, &spec));
}

int main(int argc, char **argv)
{
    setvbuf(stdout, NULL, _IONBF, 0);
    if (argc == 2 && strcmp(argv[1], "--after-exec") == 0)
        return after_exec();
    check_default_event();
    check_periodic();
    check_overruns();
    check_sigev_none();
    check_absolute();
    check_ignored();
    check_exec_and_fork(argv[0]);
    check_errors();
    return 0;
}
