/* posix_timer.c - POSIX per-process timers: timer_create, timer_settime, timer_gettime,
 * timer_getoverrun and timer_delete.
 *
 * A process's timers are numbered from 0 in the order they are made (as Linux numbers them)
 * and listed in proc.posix_timers. Each has a struct timer on the kernel's timer queue; when
 * it expires it sends its signal with si_code SI_TIMER (SIGEV_SIGNAL), or nothing at all
 * (SIGEV_NONE: such a timer is never queued, only read). As on Linux, a periodic timer starts
 * its next period when its signal is delivered, and the periods that passed meanwhile are its
 * overruns (si_overrun, timer_getoverrun): a short period costs one interrupt per delivered
 * signal, not one per period. execve and exit delete the timers; fork does not copy them.
 */
#include "arch.h"
#include "itimer.h"
#include "mm.h"
#include "proc.h"
#include "signal.h"
#include "syscall.h"
#include "timer.h"
#include "uaccess.h"
#include "x86.h"

#define POSIX_TIMERS_MAX 32 /* per process; more gives EAGAIN */
#define SIGEV_SIGNAL 0
#define SIGEV_NONE 1
#define SIGEV_THREAD 2 /* the C library's business: for the kernel, a signal */
#define DELAYTIMER_MAX 0x7fffffff

/* struct sigevent as Linux x86-64 lays it out (64 bytes). */
struct sigevent {
    uint64_t sigev_value;
    int32_t sigev_signo;
    int32_t sigev_notify;
    int32_t pad[12];
};

/* One timer. Fields change only in its process's system calls and in the timer interrupt,
 * always with interrupts off. */
struct posix_timer {
    struct list_head link; /* in owner->posix_timers */
    struct timer timer;    /* on the queue while a signal timer waits for its period's end */
    struct proc *owner;
    int id;
    int clock;             /* CLOCK_REALTIME, CLOCK_MONOTONIC or CLOCK_BOOTTIME */
    int notify;            /* SIGEV_SIGNAL or SIGEV_NONE */
    int signal;
    uint64_t value;        /* sigev_value, handed back as si_value */
    uint64_t expires;      /* the current period's end, monotonic ns; 0: disarmed */
    uint64_t interval;     /* ns; 0: the timer goes off once */
    bool signal_queued;    /* its signal is pending: the next period starts at delivery */
    int64_t overrun;       /* periods passed since the last delivered signal, minus one */
    int overrun_last;      /* overruns reported with the last delivered signal */
};

/* Move the period's end past now by whole intervals; returns how many. */
static uint64_t forward(struct posix_timer *pt, uint64_t now)
{
    if (!pt->interval || pt->expires > now)
        return 0;
    uint64_t periods = (now - pt->expires) / pt->interval + 1;
    pt->expires += periods * pt->interval;
    return periods;
}

/* Guards every POSIX timer's fields against its timer's function, which runs in the timer
 * interrupt, maybe on another CPU; the owner's list of them is only its own (kernel lock). */
static struct spinlock ptimer_lock = SPINLOCK_INIT("posix timers", RANK_PTIMER);

/* Runs in the timer interrupt: the period ended. */
static void posix_timer_expired(struct timer *t)
{
    struct posix_timer *pt = container_of(t, struct posix_timer, timer);
    spin_lock(&ptimer_lock);
    struct siginfo info = {.si_signo = pt->signal, .si_code = SI_TIMER,
                           .si_timerid = pt->id, .si_value = pt->value};
    bool posted = signal_send_from_kernel(pt->owner, pt->signal, &info);
    if (!pt->interval) {
        pt->expires = 0; /* a one-shot timer is done */
    } else if (posted) {
        pt->signal_queued = true;
    } else {
        /* Ignored or already pending: no delivery will restart it, so it goes on by itself,
         * at most once a tick (as Linux: a tiny period must not take the whole CPU). */
        pt->overrun += forward(pt, clock_monotonic_ns() + NSEC_PER_SEC / HZ);
        timer_start(&pt->timer, pt->expires);
    }
    spin_unlock(&ptimer_lock);
}

/* Its signal is being delivered: report the overruns and start the next period. */
void posix_timer_signal_taken(struct proc *p, struct signal_info *info)
{
    spin_lock(&ptimer_lock);
    struct posix_timer *pt;
    list_for_each_entry(pt, &p->posix_timers, link) {
        if (pt->id != info->timer_id || !pt->signal_queued)
            continue;
        pt->signal_queued = false;
        pt->overrun += forward(pt, clock_monotonic_ns());
        timer_start(&pt->timer, pt->expires);
        pt->overrun_last = (int)MIN(MAX(pt->overrun, 0), (int64_t)DELAYTIMER_MAX);
        pt->overrun = -1;
        info->status = pt->overrun_last; /* si_overrun */
        break;
    }
    spin_unlock(&ptimer_lock);
}

static struct posix_timer *find_timer(struct proc *p, int id)
{
    struct posix_timer *pt;
    list_for_each_entry(pt, &p->posix_timers, link)
        if (pt->id == id)
            return pt;
    return NULL;
}

static void delete_timer(struct posix_timer *pt)
{
    timer_cancel(&pt->timer);
    list_del(&pt->link);
    pt->owner->posix_timer_count--;
    kfree(pt);
}

void posix_timers_init(struct proc *p)
{
    list_init(&p->posix_timers);
}

void posix_timers_delete_all(struct proc *p)
{
    while (!list_empty(&p->posix_timers))
        delete_timer(list_first_entry(&p->posix_timers, struct posix_timer, link));
}

/* ---- the system calls ---- */

/* What to do at expiry, from a sigevent (NULL: the default, SIGALRM carrying the timer's
 * id). 0 or -EINVAL. */
static int use_sigevent(const struct sigevent *event, struct posix_timer *pt)
{
    if (!event) {
        pt->notify = SIGEV_SIGNAL;
        pt->signal = SIGALRM;
        pt->value = (uint64_t)pt->id;
        return 0;
    }
    if (event->sigev_notify != SIGEV_SIGNAL && event->sigev_notify != SIGEV_THREAD &&
        event->sigev_notify != SIGEV_NONE)
        return -EINVAL; /* SIGEV_THREAD_ID needs threads */
    if (event->sigev_notify != SIGEV_NONE &&
        (event->sigev_signo < 1 || event->sigev_signo > NSIG))
        return -EINVAL;
    pt->notify = event->sigev_notify == SIGEV_NONE ? SIGEV_NONE : SIGEV_SIGNAL;
    pt->signal = event->sigev_signo;
    pt->value = event->sigev_value;
    return 0;
}

/* CPU-time clocks are not timer clocks here (Linux has them): EINVAL, like a clock nest
 * does not know. */
long sys_timer_create(int clock, const void *user_event, int *user_id)
{
    struct proc *p = current_proc();
    struct sigevent event;
    if (user_event && copy_from_user(&event, user_event, sizeof(event)))
        return -EFAULT;
    if (!clock_can_time(clock))
        return -EINVAL;
    if (p->posix_timer_count >= POSIX_TIMERS_MAX)
        return -EAGAIN;
    struct posix_timer *pt = kzalloc(sizeof(*pt));
    if (!pt)
        return -ENOMEM;
    pt->owner = p;
    pt->id = p->next_posix_timer_id;
    pt->clock = clock;
    pt->overrun = -1;
    timer_init_one(&pt->timer, posix_timer_expired);
    int err = use_sigevent(user_event ? &event : NULL, pt);
    if (!err && put_user(pt->id, user_id))
        err = -EFAULT;
    if (err) {
        kfree(pt);
        return err;
    }
    p->next_posix_timer_id = (p->next_posix_timer_id + 1) & 0x7fffffff;
    p->posix_timer_count++;
    list_add_tail(&pt->link, &p->posix_timers);
    return 0;
}

/* The time left and the interval. A periodic timer whose signal is still pending, or one
 * that sends none, moves on to its next period first (counting the overruns); a one-shot
 * timer that went off shows 0 (SIGEV_NONE) or 1 ns (its signal not delivered yet). */
static struct itimerspec read_setting(struct posix_timer *pt)
{
    struct itimerspec setting = {timespec_from_ns((int64_t)pt->interval), {0, 0}};
    if (!pt->expires)
        return setting;
    uint64_t now = clock_monotonic_ns();
    if (pt->signal_queued || pt->notify == SIGEV_NONE)
        pt->overrun += forward(pt, now);
    if (pt->expires > now)
        setting.it_value = timespec_from_ns((int64_t)(pt->expires - now));
    else if (pt->notify != SIGEV_NONE)
        setting.it_value.tv_nsec = 1;
    return setting;
}

long sys_timer_gettime(int id, void *user_setting)
{
    spin_lock(&ptimer_lock);
    struct posix_timer *pt = find_timer(current_proc(), id);
    struct itimerspec setting = pt ? read_setting(pt) : (struct itimerspec){{0, 0}, {0, 0}};
    spin_unlock(&ptimer_lock);
    if (!pt)
        return -EINVAL;
    return copy_to_user(user_setting, &setting, sizeof(setting)) ? -EFAULT : 0;
}

/* Arm (a zero it_value disarms) with a relative or absolute (TIMER_ABSTIME) first expiry.
 * Like Linux, flags other than TIMER_ABSTIME are ignored. */
long sys_timer_settime(int id, int flags, const void *user_new, void *user_old)
{
    struct itimerspec new, old;
    if (copy_from_user(&new, user_new, sizeof(new)))
        return -EFAULT;
    int64_t value, interval;
    if (timespec_to_ns(&new.it_value, &value) || timespec_to_ns(&new.it_interval, &interval))
        return -EINVAL;
    struct posix_timer *pt = find_timer(current_proc(), id);
    if (!pt)
        return -EINVAL;
    timer_cancel(&pt->timer); /* before the lock: it waits for a running posix_timer_expired */
    spin_lock(&ptimer_lock);
    old = read_setting(pt);
    pt->signal_queued = false; /* a signal from the old setting restarts nothing */
    pt->overrun = -1;
    pt->overrun_last = 0;
    pt->expires = 0;
    pt->interval = 0;
    if (value) {
        pt->interval = (uint64_t)interval;
        pt->expires = clock_deadline(pt->clock, value, flags & TIMER_ABSTIME);
        if (pt->notify != SIGEV_NONE)
            timer_start(&pt->timer, pt->expires);
    }
    spin_unlock(&ptimer_lock);
    if (user_old && copy_to_user(user_old, &old, sizeof(old)))
        return -EFAULT;
    return 0;
}

long sys_timer_getoverrun(int id)
{
    spin_lock(&ptimer_lock);
    struct posix_timer *pt = find_timer(current_proc(), id);
    long overrun = pt ? pt->overrun_last : -EINVAL;
    spin_unlock(&ptimer_lock);
    return overrun;
}

long sys_timer_delete(int id)
{
    struct posix_timer *pt = find_timer(current_proc(), id);
    if (!pt)
        return -EINVAL;
    delete_timer(pt);
    return 0;
}
