/* timer.h - the kernel's timer queue (kernel/proc/timer.c) and the clocks programs name.
 *
 * A struct timer calls its function once the monotonic clock reaches its deadline, in
 * nanoseconds. Each CPU keeps its pending timers in one list, earliest first, and programs
 * its one-shot hardware timer (kernel/arch/x86_64/timer.c) for the head: sleeps, poll
 * timeouts, alarms, interval timers, timerfds and the scheduler's slice all wait here.
 */
#ifndef NEST_TIMER_H
#define NEST_TIMER_H

#include "list.h"
#include "types.h"

struct cpu;

#define NSEC_PER_SEC 1000000000L
#define NSEC_PER_USEC 1000L

struct timer {
    struct list_head link;           /* in a CPU's queue; empty when not pending */
    uint64_t expires;                /* monotonic ns; meaningful while pending */
    struct cpu *cpu;                 /* whose queue it is on, while pending */
    void (*function)(struct timer *); /* runs in the timer interrupt, interrupts off */
};

/* Prepare t; it calls function when it expires. */
void timer_init_one(struct timer *t, void (*function)(struct timer *));
/* (Re)arm t for the monotonic time expires (ns); a time already past fires at once. */
void timer_start(struct timer *t, uint64_t expires);
/* Disarm t; harmless if it is not pending. Once it returns, t's function is not running on
 * any CPU and will not run. */
void timer_cancel(struct timer *t);
static inline bool timer_pending(const struct timer *t) { return !list_empty(&t->link); }
/* Called by the hardware timer's interrupt: run every expired timer, program the next. */
void timer_queue_run(void);
/* The idle loop has nothing to run (interrupts off): wait for an interrupt or the next
 * timer, whichever comes first; returns with interrupts off. */
void timer_idle(void);

/* The clocks of clock_gettime(2) that nest has. */
#define CLOCK_REALTIME 0
#define CLOCK_MONOTONIC 1
#define CLOCK_PROCESS_CPUTIME_ID 2
#define CLOCK_THREAD_CPUTIME_ID 3
#define CLOCK_MONOTONIC_RAW 4
#define CLOCK_REALTIME_COARSE 5
#define CLOCK_MONOTONIC_COARSE 6
#define CLOCK_BOOTTIME 7
#define TIMER_ABSTIME 1

/* Timer deadlines can be set on these: realtime, monotonic and boot time (the same here). */
bool clock_can_time(int clock);
/* Clock clock's time now, in ns; -EINVAL for a clock nest does not have. */
int64_t clock_now(int clock);
/* The monotonic deadline for a time on clock clock: absolute, or relative to now. */
uint64_t clock_deadline(int clock, int64_t ns, bool absolute);

/* struct timespec (guarded as in fs.h) and struct timeval as Linux x86-64 lays them out. */
#ifndef _STRUCT_TIMESPEC
#define _STRUCT_TIMESPEC 1
struct timespec {
    int64_t tv_sec;
    int64_t tv_nsec;
};
#endif
struct timeval {
    int64_t tv_sec, tv_usec;
};
/* A timer's setting (timer_settime, timerfd_settime): its period and the time to go. */
struct itimerspec {
    struct timespec it_interval;
    struct timespec it_value;
};

/* A timespec as ns: -EINVAL when negative or tv_nsec is out of range. */
int timespec_to_ns(const struct timespec *ts, int64_t *ns);
/* The same from user memory: -EFAULT for a bad pointer. */
int timespec_from_user(const void *user_ts, int64_t *ns);
static inline struct timespec timespec_from_ns(int64_t ns)
{
    return (struct timespec){ns / NSEC_PER_SEC, ns % NSEC_PER_SEC};
}
/* Seconds and nanoseconds as ns, saturating: a timeout of centuries is as good as forever. */
static inline int64_t ns_from_parts(int64_t seconds, int64_t nanoseconds)
{
    if (seconds > INT64_MAX / NSEC_PER_SEC - 1)
        return INT64_MAX;
    return seconds * NSEC_PER_SEC + nanoseconds;
}

#endif
