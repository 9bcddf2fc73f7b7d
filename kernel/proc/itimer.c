/* itimer.c - the real-time interval timer: alarm(2), setitimer(2) and getitimer(2).
 *
 * Each process has one real-time timer (proc.real_timer), a struct timer on the kernel's
 * timer queue: when it expires the process gets SIGALRM. A periodic timer (a non-zero
 * interval) starts its next period only when that SIGALRM is delivered, as on Linux, so a
 * tiny interval cannot flood the CPU with interrupts, and an ignored SIGALRM stops it. The
 * periods keep to the grid of the first expiry: the next is the first still to come. The
 * timer survives execve, is not inherited by fork, and is disarmed when the process exits.
 * (The CPU-time timers ITIMER_VIRTUAL and ITIMER_PROF live in cputime.c.)
 */
#include "arch.h"
#include "itimer.h"
#include "proc.h"
#include "signal.h"
#include "syscall.h"
#include "timer.h"
#include "uaccess.h"
#include "x86.h"

/* Runs in the timer interrupt: the alarm goes off. */
static void real_timer_expired(struct timer *t)
{
    /* LAB alarm: begin */
    struct proc *p = container_of(t, struct proc, real_timer);
    struct siginfo info = {.si_signo = SIGALRM, .si_code = SI_KERNEL};
    signal_send_from_kernel(p, SIGALRM, &info);
    /* LAB alarm: end */
}

void itimer_real_init(struct proc *p)
{
    timer_init_one(&p->real_timer, real_timer_expired);
    p->real_interval = 0;
}

void itimer_real_exit(struct proc *p)
{
    timer_cancel(&p->real_timer);
}

void itimer_real_signal_taken(struct proc *p)
{
    /* LAB alarm: begin */
    if (p->real_interval && !timer_pending(&p->real_timer)) {
        uint64_t now = clock_monotonic_ns(), last = p->real_timer.expires;
        uint64_t periods = now >= last ? (now - last) / p->real_interval + 1 : 1;
        timer_start(&p->real_timer, last + periods * p->real_interval);
    }
    /* LAB alarm: end */
}

/* The current setting: time left (never 0 while armed) and interval. */
static struct interval_timer real_timer_get(struct proc *p)
{
    /* LAB alarm: begin */
    struct interval_timer now = {.interval = p->real_interval};
    if (timer_pending(&p->real_timer)) {
        uint64_t time = clock_monotonic_ns();
        uint64_t expires = p->real_timer.expires;
        now.value = expires > time ? expires - time : NSEC_PER_USEC; /* due: about to go off */
    }
    return now;
    /* LAB alarm: stub
    return (struct interval_timer){0, 0}; // lab alarm: never armed
       LAB alarm: end */
}

/* Arm the timer for new->value from now (0 disarms), then every new->interval. */
static void real_timer_set(struct proc *p, const struct interval_timer *new)
{
    /* LAB alarm: begin */
    timer_cancel(&p->real_timer);
    p->real_interval = new->value ? new->interval : 0;
    if (new->value)
        timer_start(&p->real_timer, clock_deadline(CLOCK_MONOTONIC, (int64_t)new->value, false));
    /* LAB alarm: end */
}

/* ---- the system calls ---- */

static struct timeval timeval_from_ns(uint64_t ns)
{
    return (struct timeval){(int64_t)(ns / NSEC_PER_SEC),
                            (int64_t)(ns % NSEC_PER_SEC / NSEC_PER_USEC)};
}

static bool timeval_valid(const struct timeval *tv)
{
    return tv->tv_sec >= 0 && tv->tv_usec >= 0 && tv->tv_usec < 1000000;
}

static uint64_t timeval_to_ns(const struct timeval *tv)
{
    return (uint64_t)ns_from_parts(tv->tv_sec, tv->tv_usec * NSEC_PER_USEC);
}

/* Read a user struct itimerval: -EFAULT, or -EINVAL for a negative or malformed time. */
static int itimerval_from_user(const void *user_value, struct interval_timer *timer)
{
    struct itimerval value;
    if (copy_from_user(&value, user_value, sizeof(value)))
        return -EFAULT;
    if (!timeval_valid(&value.it_value) || !timeval_valid(&value.it_interval))
        return -EINVAL;
    *timer = (struct interval_timer){timeval_to_ns(&value.it_interval),
                                     timeval_to_ns(&value.it_value)};
    return 0;
}

static int itimerval_to_user(void *user_value, const struct interval_timer *timer)
{
    struct itimerval value = {timeval_from_ns(timer->interval), timeval_from_ns(timer->value)};
    return copy_to_user(user_value, &value, sizeof(value)) ? -EFAULT : 0;
}

long sys_getitimer(int which, void *user_value)
{
    struct proc *p = current_proc();
    struct interval_timer now;
    if (which == ITIMER_REAL)
        now = real_timer_get(p);
    else if (which == ITIMER_VIRTUAL || which == ITIMER_PROF)
        cpu_itimer_get(p, which, &now);
    else
        return -EINVAL;
    return itimerval_to_user(user_value, &now);
}

/* A NULL new value disarms the timer, as Linux still allows. The old value is written
 * after the new one took effect, as on Linux. */
long sys_setitimer(int which, const void *user_value, void *user_old)
{
    struct proc *p = current_proc();
    struct interval_timer new = {0, 0}, old;
    if (user_value) {
        int err = itimerval_from_user(user_value, &new);
        if (err)
            return err;
    }
    if (which == ITIMER_REAL) {
        old = real_timer_get(p);
        real_timer_set(p, &new);
    } else if (which == ITIMER_VIRTUAL || which == ITIMER_PROF) {
        cpu_itimer_set(p, which, &new, &old);
    } else {
        return -EINVAL;
    }
    return user_old ? itimerval_to_user(user_old, &old) : 0;
}

/* alarm(seconds): ITIMER_REAL once; returns the seconds the previous alarm had left,
 * rounded to the nearest, and never 0 for an alarm still pending (Linux's rule). */
long sys_alarm(unsigned int seconds)
{
    struct proc *p = current_proc();
    struct interval_timer old = real_timer_get(p);
    struct interval_timer new = {0, (uint64_t)seconds * NSEC_PER_SEC};
    real_timer_set(p, &new);
    uint64_t left = old.value / NSEC_PER_SEC;
    if ((left == 0 && old.value) || old.value % NSEC_PER_SEC >= NSEC_PER_SEC / 2)
        left++;
    return (long)left;
}
