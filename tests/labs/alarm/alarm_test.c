/* alarm_test.c - the alarm lab's guest program (tests/labs/alarm/grade.py runs it).
 *
 *   alarm_test once MS        setitimer(ITIMER_REAL) for MS ms, then wait for SIGALRM in a
 *                             nanosleep of 3 s: print the signals caught, how the sleep
 *                             ended, the ms it took, the process's CPU ms and the system's
 *                             idle ms over the wait (/proc/uptime)
 *   alarm_test periodic MS N  every MS ms; wait for N signals (each wait bounded by 3 s)
 *   alarm_test remaining S    alarm(S), then alarm(1) and alarm(0): print what each returns
 * Every time is the guest's own (CLOCK_MONOTONIC, getrusage, /proc/uptime).
 */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/time.h>
#include <time.h>
#include <unistd.h>

static volatile sig_atomic_t caught;

static void on_alarm(int sig)
{
    (void)sig;
    caught++;
}

static long now_ms(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return t.tv_sec * 1000 + t.tv_nsec / 1000000;
}

static long cpu_ms(void)
{
    struct rusage u;
    getrusage(RUSAGE_SELF, &u);
    return (u.ru_utime.tv_sec + u.ru_stime.tv_sec) * 1000 +
           (u.ru_utime.tv_usec + u.ru_stime.tv_usec) / 1000;
}

/* The system's idle time so far, in ms: the second number of /proc/uptime. */
static long idle_ms(void)
{
    FILE *f = fopen("/proc/uptime", "r");
    double up = 0, idle = -1;
    if (f) {
        if (fscanf(f, "%lf %lf", &up, &idle) != 2)
            idle = -1;
        fclose(f);
    }
    return (long)(idle * 1000);
}

static void arm(long ms, long interval_ms)
{
    struct itimerval v = {{interval_ms / 1000, interval_ms % 1000 * 1000},
                          {ms / 1000, ms % 1000 * 1000}};
    if (setitimer(ITIMER_REAL, &v, NULL) < 0) {
        printf("setitimer: %s\n", strerror(errno));
        exit(1);
    }
}

/* Sleep up to 3 s or until a signal: 1 if a signal ended it. */
static int wait_bounded(void)
{
    struct timespec limit = {3, 0};
    return nanosleep(&limit, NULL) < 0 && errno == EINTR;
}

int main(int argc, char **argv)
{
    setvbuf(stdout, NULL, _IONBF, 0);
    struct sigaction a;
    memset(&a, 0, sizeof(a));
    a.sa_handler = on_alarm;
    sigaction(SIGALRM, &a, NULL);
    if (argc == 3 && strcmp(argv[1], "once") == 0) {
        long ms = atol(argv[2]);
        long start = now_ms(), cpu = cpu_ms(), idle = idle_ms();
        arm(ms, 0);
        int interrupted = wait_bounded();
        long took = now_ms() - start;
        printf("caught=%d interrupted=%d took_ms=%ld cpu_ms=%ld idle_ms=%ld\n", (int)caught,
               interrupted, took, cpu_ms() - cpu, idle_ms() - idle);
        return 0;
    }
    if (argc == 4 && strcmp(argv[1], "periodic") == 0) {
        long ms = atol(argv[2]);
        int n = atoi(argv[3]);
        long start = now_ms();
        arm(ms, ms);
        while (caught < n && wait_bounded())
            ;
        long took = now_ms() - start;
        struct itimerval left;
        getitimer(ITIMER_REAL, &left);
        arm(0, 0);
        printf("caught=%d took_ms=%ld interval_ms=%ld\n", (int)caught, took,
               left.it_interval.tv_sec * 1000 + left.it_interval.tv_usec / 1000);
        return 0;
    }
    if (argc == 3 && strcmp(argv[1], "remaining") == 0) {
        unsigned s = (unsigned)atoi(argv[2]);
        unsigned first = alarm(s);
        unsigned second = alarm(1);
        unsigned third = alarm(0);
        printf("first=%u second=%u third=%u\n", first, second, third);
        return 0;
    }
    return 2;
}
