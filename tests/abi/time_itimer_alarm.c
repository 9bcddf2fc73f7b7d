/* time_itimer_alarm.c - alarm, setitimer and getitimer: ITIMER_REAL's SIGALRM (once,
 * periodic, blocked, its default action), what alarm returns, ITIMER_VIRTUAL's SIGVTALRM and
 * ITIMER_PROF's SIGPROF after enough CPU time, timers kept across execve but not inherited by
 * fork, and the error cases. Times are compared in ranges wide enough for a loaded machine;
 * only the results of those comparisons and counts are printed.
 * ABI test: tests/abi/run.py runs it on Linux and on nest; the outputs must be identical.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <sys/time.h>
#include <sys/times.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "check.h"

static int64_t timeval_ns(struct timeval tv)
{
    return (int64_t)tv.tv_sec * 1000000000 + (int64_t)tv.tv_usec * 1000;
}

/* setitimer through the system call: the C library may check arguments itself. */
static long set_timer(int which, long value_us, long interval_us, struct itimerval *old)
{
    struct itimerval new = { { interval_us / 1000000, interval_us % 1000000 },
                             { value_us / 1000000, value_us % 1000000 } };

    return syscall(SYS_setitimer, which, &new, old);
}

static volatile sig_atomic_t caught[65];
static volatile sig_atomic_t last_code;

static void on_signal(int sig, siginfo_t *info, void *context)
{
    (void)context;
    caught[sig]++;
    last_code = info->si_code;
}

static void catch(int sig)
{
    struct sigaction action;

    memset(&action, 0, sizeof(action));
    action.sa_sigaction = on_signal;
    action.sa_flags = SA_SIGINFO;
    sigaction(sig, &action, NULL);
}

/* Wait (sigsuspend, never spinning) until sig has been caught count times or limit_ms of
 * the monotonic clock pass; returns how many were caught. */
static int wait_for(int sig, int count, int limit_ms)
{
    sigset_t block, old;
    int64_t end = clock_ns(CLOCK_MONOTONIC) + (int64_t)limit_ms * 1000000;
    struct timespec step = { 0, 20 * 1000 * 1000 };

    sigemptyset(&block);
    sigaddset(&block, sig);
    sigprocmask(SIG_BLOCK, &block, &old);
    while (caught[sig] < count && clock_ns(CLOCK_MONOTONIC) < end) {
        sigprocmask(SIG_SETMASK, &old, NULL);
        nanosleep(&step, NULL); /* a signal ends it early */
        sigprocmask(SIG_BLOCK, &block, NULL);
    }
    sigprocmask(SIG_SETMASK, &old, NULL);
    return caught[sig];
}

static void check_alarm(void)
{
    printf("-- alarm\n");
    CHECK("alarm(0) with no alarm", alarm(0));
    CHECK("alarm(5)", alarm(5));
    CHECK("alarm(3) returns what was left of 5 s, rounded", alarm(3));
    struct itimerval now;
    syscall(SYS_getitimer, ITIMER_REAL, &now);
    int64_t left = timeval_ns(now.it_value);
    printf("getitimer after alarm(3): 2 to 3 s left: %s, interval 0: %s\n",
           yes_no(left > 2000000000LL && left <= 3000000000LL),
           yes_no(timeval_ns(now.it_interval) == 0));
    CHECK("alarm(0) cancels and returns 3", alarm(0));
    syscall(SYS_getitimer, ITIMER_REAL, &now);
    printf("after alarm(0) the timer is off: %s\n", yes_no(timeval_ns(now.it_value) == 0));

    set_timer(ITIMER_REAL, 200000, 0, NULL);
    CHECK("alarm(0) with 0.2 s left returns 1, not 0", alarm(0));
    set_timer(ITIMER_REAL, 2600000, 0, NULL);
    CHECK("alarm(0) with 2.6 s left returns 3", alarm(0));
}

static void check_real_once(void)
{
    printf("-- ITIMER_REAL once\n");
    catch(SIGALRM);
    caught[SIGALRM] = 0;
    int64_t start = clock_ns(CLOCK_MONOTONIC);
    CHECK("setitimer(ITIMER_REAL, 50 ms)", set_timer(ITIMER_REAL, 50000, 0, NULL));
    int got = wait_for(SIGALRM, 1, 10000);
    int64_t took = clock_ns(CLOCK_MONOTONIC) - start;
    printf("SIGALRM caught: %d, si_code SI_KERNEL: %s\n", got, yes_no(last_code == SI_KERNEL));
    printf("it came after at least 50 ms: %s, within 5 s: %s\n", yes_no(took >= 50000000),
           yes_no(took < 5000000000LL));
    struct timespec settle = { 0, 100 * 1000 * 1000 };
    nanosleep(&settle, NULL);
    printf("no second SIGALRM from a one-shot timer: %s\n", yes_no(caught[SIGALRM] == 1));
}

static void check_real_periodic(void)
{
    printf("-- ITIMER_REAL periodic\n");
    caught[SIGALRM] = 0;
    int64_t start = clock_ns(CLOCK_MONOTONIC);
    CHECK("setitimer(ITIMER_REAL, 10 ms, every 10 ms)", set_timer(ITIMER_REAL, 10000, 10000, NULL));
    int got = wait_for(SIGALRM, 10, 20000);
    int64_t took = clock_ns(CLOCK_MONOTONIC) - start;
    struct itimerval old;
    CHECK("setitimer(ITIMER_REAL, 0) stops it", set_timer(ITIMER_REAL, 0, 0, &old));
    printf("10 SIGALRMs caught: %s\n", yes_no(got >= 10));
    printf("they took at least 100 ms: %s, less than 10 s: %s\n", yes_no(took >= 100000000),
           yes_no(took < 10000000000LL));
    printf("the old value had the 10 ms interval: %s, at most 10 ms left: %s\n",
           yes_no(timeval_ns(old.it_interval) == 10000000),
           yes_no(timeval_ns(old.it_value) <= 10000000));
    int before = caught[SIGALRM];
    struct timespec settle = { 0, 50 * 1000 * 1000 };
    nanosleep(&settle, NULL);
    printf("no SIGALRM after it was stopped: %s\n", yes_no(caught[SIGALRM] == before));
}

/* A blocked SIGALRM stays one pending signal however many periods pass. */
static void check_real_blocked(void)
{
    printf("-- ITIMER_REAL with SIGALRM blocked\n");
    sigset_t block, pending;
    sigemptyset(&block);
    sigaddset(&block, SIGALRM);
    sigprocmask(SIG_BLOCK, &block, NULL);
    caught[SIGALRM] = 0;
    set_timer(ITIMER_REAL, 5000, 5000, NULL);
    struct timespec wait = { 0, 100 * 1000 * 1000 };
    nanosleep(&wait, NULL);
    sigpending(&pending);
    printf("SIGALRM pending while blocked: %s\n", yes_no(sigismember(&pending, SIGALRM)));
    printf("caught while blocked: %d\n", (int)caught[SIGALRM]);
    set_timer(ITIMER_REAL, 0, 0, NULL);
    sigprocmask(SIG_UNBLOCK, &block, NULL);
    printf("caught once unblocked: %d\n", (int)caught[SIGALRM]);
}

/* SIGALRM's default action ends the process. */
static void check_default_action(void)
{
    printf("-- SIGALRM's default action\n");
    pid_t child = fork();
    if (child == 0) {
        signal(SIGALRM, SIG_DFL);
        set_timer(ITIMER_REAL, 20000, 0, NULL);
        for (int i = 0; i < 100; i++)
            pause();
        _exit(0);
    }
    int status;
    waitpid(child, &status, 0);
    printf("the child was killed by SIGALRM: %s\n",
           yes_no(WIFSIGNALED(status) && WTERMSIG(status) == SIGALRM));
}

/* Burn user-mode CPU until sig is caught or limit_ms of CPU time pass. */
static void spin_until(int sig, int limit_ms)
{
    int64_t end = clock_ns(CLOCK_PROCESS_CPUTIME_ID) + (int64_t)limit_ms * 1000000;
    volatile uint64_t sink = 0;

    while (!caught[sig] && clock_ns(CLOCK_PROCESS_CPUTIME_ID) < end)
        for (int i = 0; i < 100000; i++)
            sink += i;
}

/* After some 30 ms of user time: times(), getrusage() and /proc/self/stat all count some, in
 * clock ticks of 1/100 s where they use them (loose bounds: Linux samples, and on a busy host
 * its samples and its CPU clock disagree). */
static void check_user_time_counted(void)
{
    struct tms t;
    times(&t);
    struct rusage usage;
    getrusage(RUSAGE_SELF, &usage);
    unsigned long stat_utime = 0;
    FILE *stat = fopen("/proc/self/stat", "r");
    if (stat) {
        fscanf(stat, "%*d %*s %*c %*d %*d %*d %*d %*d %*u %*u %*u %*u %*u %lu", &stat_utime);
        fclose(stat);
    }
    printf("user time counted: times() a tick or more: %s, getrusage 5 ms or more: %s, "
           "/proc/self/stat a tick or more: %s, sysconf(_SC_CLK_TCK) %ld\n",
           yes_no(t.tms_utime >= 1), yes_no(timeval_ns(usage.ru_utime) >= 5000000),
           yes_no(stat_utime >= 1), sysconf(_SC_CLK_TCK));
}

static void check_cpu_timer(int which, const char *name, int sig)
{
    printf("-- %s\n", name);
    catch(sig);
    caught[sig] = 0;
    CHECK("setitimer(30 ms of CPU time, every 20 ms)", set_timer(which, 30000, 20000, NULL));
    struct itimerval now;
    syscall(SYS_getitimer, which, &now);
    /* Linux adds one tick to the value, so that it never goes off early. */
    printf("getitimer: 1 to 50 ms left: %s, interval 20 ms: %s\n",
           yes_no(timeval_ns(now.it_value) <= 50000000 && timeval_ns(now.it_value) > 0),
           yes_no(timeval_ns(now.it_interval) == 20000000));
    struct timespec rest = { 0, 100 * 1000 * 1000 };
    nanosleep(&rest, NULL);
    printf("a sleep uses no CPU time: no signal yet: %s\n", yes_no(caught[sig] == 0));
    spin_until(sig, 10000);
    printf("signal caught: %s, si_code SI_KERNEL: %s\n", yes_no(caught[sig] >= 1),
           yes_no(last_code == SI_KERNEL));
    /* The time of the signal is not compared with the CPU clock: on a busy host Linux's
     * itimers, which sample CPU time at its tick, went off before that clock showed 20 ms. */
    if (which == ITIMER_VIRTUAL)
        check_user_time_counted();
    caught[sig] = 0;
    spin_until(sig, 10000);
    printf("the 20 ms interval sent another: %s\n", yes_no(caught[sig] >= 1));
    struct itimerval old;
    set_timer(which, 0, 0, &old);
    printf("stopped; the old interval was 20 ms: %s\n",
           yes_no(timeval_ns(old.it_interval) == 20000000));
}

/* The --after-exec half: the timer set before execve is still running. */
static int after_exec(void)
{
    struct itimerval now;
    syscall(SYS_getitimer, ITIMER_REAL, &now);
    int64_t left = timeval_ns(now.it_value);
    printf("  after execve: ITIMER_REAL still set: %s, interval kept: %s\n",
           yes_no(left > 0 && left <= 300000000), yes_no(timeval_ns(now.it_interval) == 300000000));
    catch(SIGALRM); /* execve reset the handler to the default */
    printf("  SIGALRM arrives after execve: %s\n", yes_no(wait_for(SIGALRM, 1, 10000) == 1));
    set_timer(ITIMER_REAL, 0, 0, NULL);
    return 0;
}

static void check_exec_and_fork(const char *self)
{
    printf("-- execve keeps ITIMER_REAL, fork does not inherit it\n");
    pid_t child = fork();
    if (child == 0) {
        set_timer(ITIMER_REAL, 300000, 300000, NULL);
        char *argv[] = { (char *)self, "--after-exec", NULL };
        execv(self, argv);
        printf("  execv: %s\n", errno_name(errno));
        _exit(1);
    }
    int status;
    waitpid(child, &status, 0);
    printf("  the execed child exited with 0: %s\n", yes_no(WIFEXITED(status) && !WEXITSTATUS(status)));

    set_timer(ITIMER_REAL, 5000000, 0, NULL);
    set_timer(ITIMER_VIRTUAL, 5000000, 0, NULL);
    child = fork();
    if (child == 0) {
        struct itimerval real, virtual;
        syscall(SYS_getitimer, ITIMER_REAL, &real);
        syscall(SYS_getitimer, ITIMER_VIRTUAL, &virtual);
        printf("  the fork child has no ITIMER_REAL: %s, no ITIMER_VIRTUAL: %s\n",
               yes_no(timeval_ns(real.it_value) == 0), yes_no(timeval_ns(virtual.it_value) == 0));
        printf("  alarm(0) in the child returns %u\n", alarm(0));
        _exit(0);
    }
    waitpid(child, &status, 0);
    struct itimerval real;
    syscall(SYS_getitimer, ITIMER_REAL, &real);
    printf("  the parent's timer is untouched: %s\n", yes_no(timeval_ns(real.it_value) > 4000000000LL));
    set_timer(ITIMER_REAL, 0, 0, NULL);
    set_timer(ITIMER_VIRTUAL, 0, 0, NULL);
}

static void check_errors(void)
{
    printf("-- errors\n");
    struct itimerval value = { { 0, 0 }, { 1, 0 } }, old;
    void *bad = (void *)16;
    CHECK("setitimer(which 3)", syscall(SYS_setitimer, 3, &value, NULL));
    CHECK("setitimer(which -1)", syscall(SYS_setitimer, -1, &value, NULL));
    CHECK("getitimer(which 3)", syscall(SYS_getitimer, 3, &old));
    value.it_value.tv_usec = 1000000;
    CHECK("setitimer(tv_usec 1000000)", syscall(SYS_setitimer, ITIMER_REAL, &value, NULL));
    value.it_value = (struct timeval){ -1, 0 };
    CHECK("setitimer(tv_sec -1)", syscall(SYS_setitimer, ITIMER_REAL, &value, NULL));
    value.it_value = (struct timeval){ 1, 0 };
    value.it_interval = (struct timeval){ 0, -1 };
    CHECK("setitimer(interval tv_usec -1)", syscall(SYS_setitimer, ITIMER_REAL, &value, NULL));
    CHECK("setitimer(bad new value)", syscall(SYS_setitimer, ITIMER_REAL, bad, NULL));
    CHECK("getitimer(bad pointer)", syscall(SYS_getitimer, ITIMER_REAL, bad));
    CHECK("getitimer(ITIMER_PROF, bad pointer)", syscall(SYS_getitimer, ITIMER_PROF, bad));
    value.it_interval = (struct timeval){ 0, 0 };
    CHECK("setitimer(5 s, bad old value)", syscall(SYS_setitimer, ITIMER_REAL, &value, bad));
    syscall(SYS_getitimer, ITIMER_REAL, &old);
    printf("the timer was set all the same: %s\n", yes_no(timeval_ns(old.it_value) > 0));
    CHECK("alarm(0)", alarm(0));
}

int main(int argc, char **argv)
{
    setvbuf(stdout, NULL, _IONBF, 0);
    if (argc == 2 && strcmp(argv[1], "--after-exec") == 0)
        return after_exec();
    check_alarm();
    check_real_once();
    check_real_periodic();
    check_real_blocked();
    check_default_action();
    check_cpu_timer(ITIMER_VIRTUAL, "ITIMER_VIRTUAL", SIGVTALRM);
    check_cpu_timer(ITIMER_PROF, "ITIMER_PROF", SIGPROF);
    check_exec_and_fork(argv[0]);
    check_errors();
    return 0;
}
