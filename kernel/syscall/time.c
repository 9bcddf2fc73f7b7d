/* time.c (syscall) - clocks and sleeping: clock_gettime, gettimeofday, nanosleep,
 * clock_nanosleep, sched_yield.
 *
 * CLOCK_MONOTONIC counts from boot (TSC, calibrated at boot); CLOCK_REALTIME adds the
 * wall-clock time read from the CMOS clock at boot (timer.h's clock_now). A sleep waits on
 * the timer queue for a deadline in nanoseconds: the one-shot timer wakes it at that time.
 */
#include "arch.h"
#include "proc.h"
#include "sched.h"
#include "syscall.h"
#include "timer.h"
#include "uaccess.h"
#include "x86.h"

long sys_clock_gettime(int clock, void *user_ts)
{
    int64_t ns = clock_now(clock);
    if (ns < 0)
        return ns;
    struct timespec ts = timespec_from_ns(ns);
    return copy_to_user(user_ts, &ts, sizeof(ts));
}

long sys_clock_getres(int clock, void *user_ts)
{
    if (clock_now(clock) < 0)
        return -EINVAL;
    bool coarse = clock == CLOCK_REALTIME_COARSE || clock == CLOCK_MONOTONIC_COARSE;
    struct timespec ts = {0, coarse ? NSEC_PER_SEC / HZ : 1};
    return user_ts ? copy_to_user(user_ts, &ts, sizeof(ts)) : 0;
}

long sys_gettimeofday(void *user_tv, void *user_tz)
{
    int64_t ns = clock_now(CLOCK_REALTIME);
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
    int64_t now = clock_now(CLOCK_REALTIME) / NSEC_PER_SEC;
    if (user_t && copy_to_user(user_t, &now, sizeof(now)) < 0)
        return -EFAULT;
    return now;
}

/* Sleep until the monotonic clock reads deadline or a signal comes. On a signal, write
 * the time left to user_rem (if given) and return -EINTR. */
static long sleep_until(uint64_t deadline, void *user_rem)
{
    if (deadline <= clock_monotonic_ns())
        return 0;
    if (user_rem && check_user_range(user_rem, sizeof(struct timespec), true))
        return -EFAULT; /* now, not after a sleep that a signal then cuts short */
    int err;
    do {
        err = sleep_on(NULL, deadline);
    } while (err == 0); /* woken without cause: nothing else wakes a sleep on no queue */
    if (err == -ETIMEDOUT)
        return 0;
    uint64_t now = clock_monotonic_ns();
    struct timespec left = timespec_from_ns(deadline > now ? (int64_t)(deadline - now) : 0);
    if (user_rem && copy_to_user(user_rem, &left, sizeof(left)))
        return -EFAULT;
    return -EINTR;
}

long sys_nanosleep(const void *user_req, void *user_rem)
{
    int64_t ns;
    int err = timespec_from_user(user_req, &ns);
    if (err)
        return err;
    return sleep_until(clock_deadline(CLOCK_MONOTONIC, ns, false), user_rem);
}

/* Clocks that exist but cannot be slept on give ENOTSUP, as on Linux; CPU-time clocks and
 * unknown ones EINVAL (Linux can sleep on a process's CPU clock; nest cannot). */
static int sleep_clock_check(int clock)
{
    if (clock_can_time(clock))
        return 0;
    if (clock == CLOCK_MONOTONIC_RAW || clock == CLOCK_REALTIME_COARSE ||
        clock == CLOCK_MONOTONIC_COARSE)
        return -ENOTSUP;
    return -EINVAL;
}

long sys_clock_nanosleep(int clock, int flags, const void *user_req, void *user_rem)
{
    int err = sleep_clock_check(clock);
    if (err)
        return err;
    int64_t ns; /* flags other than TIMER_ABSTIME are ignored, as Linux does */
    err = timespec_from_user(user_req, &ns);
    if (err)
        return err;
    bool absolute = flags & TIMER_ABSTIME;
    return sleep_until(clock_deadline(clock, ns, absolute), absolute ? NULL : user_rem);
}

__hot long sys_sched_yield(void)
{
    sched_yield();
    return 0;
}
