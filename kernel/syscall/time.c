/* time.c (syscall) - clocks and sleeping: clock_gettime, gettimeofday, nanosleep,
 * clock_nanosleep, sched_yield.
 *
 * CLOCK_MONOTONIC counts from boot (TSC, calibrated at boot); CLOCK_REALTIME adds the
 * wall-clock time read from the CMOS clock at boot. Sleeps are rounded up to whole timer
 * ticks and wait on the timer queue, never in a loop.
 */
#include "arch.h"
#include "proc.h"
#include "sched.h"
#include "syscall.h"
#include "uaccess.h"
#include "x86.h"

#define CLOCK_REALTIME 0
#define CLOCK_MONOTONIC 1
#define CLOCK_PROCESS_CPUTIME_ID 2
#define CLOCK_THREAD_CPUTIME_ID 3
#define CLOCK_MONOTONIC_RAW 4
#define CLOCK_REALTIME_COARSE 5
#define CLOCK_MONOTONIC_COARSE 6
#define CLOCK_BOOTTIME 7
#define TIMER_ABSTIME 1
#define NSEC_PER_SEC 1000000000L

struct timespec {
    int64_t sec, nsec;
};

/* Read a clock in nanoseconds; -EINVAL for clocks nest does not have. */
static int64_t clock_read(int clock)
{
    struct proc *p = current_proc();
    switch (clock) {
    case CLOCK_REALTIME:
    case CLOCK_REALTIME_COARSE:
        return (int64_t)(boot_epoch_seconds * NSEC_PER_SEC + clock_monotonic_ns());
    case CLOCK_MONOTONIC:
    case CLOCK_MONOTONIC_RAW:
    case CLOCK_MONOTONIC_COARSE:
    case CLOCK_BOOTTIME:
        return (int64_t)clock_monotonic_ns();
    case CLOCK_PROCESS_CPUTIME_ID:
    case CLOCK_THREAD_CPUTIME_ID:
        return (int64_t)((p->utime_ticks + p->stime_ticks) * (NSEC_PER_SEC / HZ));
    default:
        return -EINVAL;
    }
}

static struct timespec to_timespec(int64_t ns)
{
    return (struct timespec){ns / NSEC_PER_SEC, ns % NSEC_PER_SEC};
}

long sys_clock_gettime(int clock, void *user_ts)
{
    int64_t ns = clock_read(clock);
    if (ns < 0)
        return ns;
    struct timespec ts = to_timespec(ns);
    return copy_to_user(user_ts, &ts, sizeof(ts));
}

long sys_clock_getres(int clock, void *user_ts)
{
    if (clock_read(clock) < 0)
        return -EINVAL;
    bool coarse = clock == CLOCK_REALTIME_COARSE || clock == CLOCK_MONOTONIC_COARSE ||
                  clock == CLOCK_PROCESS_CPUTIME_ID || clock == CLOCK_THREAD_CPUTIME_ID;
    struct timespec ts = {0, coarse ? NSEC_PER_SEC / HZ : 1};
    return user_ts ? copy_to_user(user_ts, &ts, sizeof(ts)) : 0;
}

long sys_gettimeofday(void *user_tv, void *user_tz)
{
    int64_t ns = clock_read(CLOCK_REALTIME);
    int64_t tv[2] = {ns / NSEC_PER_SEC, (ns % NSEC_PER_SEC) / 1000};
    if (user_tv && copy_to_user(user_tv, tv, sizeof(tv)) < 0)
        return -EFAULT;
    if (user_tz) {
        int32_t tz[2] = {0, 0};
        if (copy_to_user(user_tz, tz, sizeof(tz)) < 0)
            return -EFAULT;
    }
    return 0;
}

long sys_time(int64_t *user_t)
{
    int64_t now = clock_read(CLOCK_REALTIME) / NSEC_PER_SEC;
    if (user_t && copy_to_user(user_t, &now, sizeof(now)) < 0)
        return -EFAULT;
    return now;
}

static int read_timespec(const void *user_ts, int64_t *ns)
{
    struct timespec ts;
    if (copy_from_user(&ts, user_ts, sizeof(ts)) < 0)
        return -EFAULT;
    if (ts.sec < 0 || ts.nsec < 0 || ts.nsec >= NSEC_PER_SEC)
        return -EINVAL;
    *ns = ts.sec > INT64_MAX / NSEC_PER_SEC - 1 ? INT64_MAX : ts.sec * NSEC_PER_SEC + ts.nsec;
    return 0;
}

/* Sleep until the monotonic clock reads deadline_ns or a signal comes. On a signal,
 * write the time left to user_rem (if given) and return -EINTR. */
static long sleep_until(int64_t deadline_ns, void *user_rem)
{
    int64_t now = (int64_t)clock_monotonic_ns();
    if (deadline_ns <= now)
        return 0;
    for (;;) {
        uint64_t deadline = jiffies + ns_to_jiffies_ceil(deadline_ns - now);
        bool was = irq_save();
        int err = sleep_on(NULL, deadline);
        irq_restore(was);
        now = (int64_t)clock_monotonic_ns();
        if (now >= deadline_ns)
            return 0; /* by the clock the caller reads: ticks alone may end a hair early */
        if (err == -EINTR) {
            struct timespec left = to_timespec(deadline_ns - now);
            if (user_rem && copy_to_user(user_rem, &left, sizeof(left)) < 0)
                return -EFAULT;
            return -EINTR;
        }
    }
}

long sys_nanosleep(const void *user_req, void *user_rem)
{
    int64_t ns;
    int err = read_timespec(user_req, &ns);
    if (err)
        return err;
    int64_t now = (int64_t)clock_monotonic_ns();
    return sleep_until(ns > INT64_MAX - now ? INT64_MAX : now + ns, user_rem);
}

long sys_clock_nanosleep(int clock, int flags, const void *user_req, void *user_rem)
{
    if (clock != CLOCK_MONOTONIC && clock != CLOCK_REALTIME && clock != CLOCK_BOOTTIME)
        return -EINVAL;
    if (flags & ~TIMER_ABSTIME)
        return -EINVAL;
    int64_t ns;
    int err = read_timespec(user_req, &ns);
    if (err)
        return err;
    int64_t now = (int64_t)clock_monotonic_ns();
    int64_t deadline;
    if (flags & TIMER_ABSTIME)
        deadline = ns - (clock_read(clock) - now); /* absolute time on that clock */
    else
        deadline = ns > INT64_MAX - now ? INT64_MAX : now + ns;
    long ret = sleep_until(deadline, (flags & TIMER_ABSTIME) ? NULL : user_rem);
    return ret;
}

long sys_sched_yield(void)
{
    sched_yield();
    return 0;
}
