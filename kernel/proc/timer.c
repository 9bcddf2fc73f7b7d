/* timer.c - the timer queue: kernel timers with nanosecond deadlines on a one-shot timer.
 *
 * Each CPU keeps the timers started on it in one list sorted by deadline (struct cpu.timers)
 * and its hardware timer (kernel/arch/x86_64/timer.c) armed for the first. The interrupt
 * runs whatever has expired and arms the hardware for the next; with nothing queued the CPU
 * gets no timer interrupt at all. Here too: the clocks programs name, turned into deadlines.
 */
#include "arch.h"
#include "cpu.h"
#include "proc.h"
#include "smp.h"
#include "spinlock.h"
#include "timer.h"
#include "uaccess.h"
#include "x86.h"

/* Guards every CPU's timer queue (struct cpu's timers, timer_armed and running_timer)
 * and every timer's link, expires and cpu. One lock for all of them: a timer started on
 * one CPU may be restarted or cancelled from another. */
static struct spinlock timer_lock = SPINLOCK_INIT("timer", RANK_TIMER);

void timer_init_one(struct timer *t, void (*function)(struct timer *))
{
    list_init(&t->link);
    t->expires = 0;
    t->cpu = NULL;
    t->function = function;
}

/* Put t in cpu's queue after every timer due no later: equal deadlines run in start order. */
static void queue_insert(struct cpu *cpu, struct timer *t)
{
    struct list_head *pos = cpu->timers.next;
    while (pos != &cpu->timers && list_entry(pos, struct timer, link)->expires <= t->expires)
        pos = pos->next;
    list_insert_between(&t->link, pos->prev, pos);
}

/* The timer goes on this CPU's queue, wherever it was before. */
void timer_start(struct timer *t, uint64_t expires)
{
    spin_lock(&timer_lock);
    struct cpu *cpu = this_cpu();
    list_del(&t->link);
    t->expires = expires;
    t->cpu = cpu;
    queue_insert(cpu, t);
    /* An earlier deadline than the hardware's needs it sooner; a later one waits its turn. */
    if (cpu->timers.next == &t->link && (!cpu->timer_armed || expires < cpu->timer_armed))
        timer_hardware_program(expires);
    spin_unlock(&timer_lock);
}

static bool running_elsewhere(const struct timer *t)
{
    for (int i = 0; i < cpu_count; i++)
        if (cpus[i]->running_timer == t && cpus[i] != this_cpu())
            return true;
    return false;
}

/* The hardware may stay armed for t: its interrupt then finds nothing due and re-arms.
 * If t's function runs on another CPU right now, wait until it has returned (it may have
 * started t again: take it off once more), so that the caller may free t. The wait is
 * short: a timer function takes no lock that a caller of timer_cancel holds (the lock
 * order puts timer functions' locks before RANK_TIMER, and cancellers hold none of them). */
void timer_cancel(struct timer *t)
{
    spin_lock(&timer_lock);
    list_del(&t->link);
    while (running_elsewhere(t)) {
        spin_unlock(&timer_lock);
        cpu_relax();
        spin_lock(&timer_lock);
        list_del(&t->link);
    }
    spin_unlock(&timer_lock);
}

void timer_queue_run(void)
{
    spin_lock(&timer_lock);
    struct cpu *cpu = this_cpu();
    uint64_t now = clock_monotonic_ns();
    while (!list_empty(&cpu->timers)) {
        struct timer *t = list_first_entry(&cpu->timers, struct timer, link);
        if (t->expires > now)
            break; /* early (the two clocks' rates differ a hair): wait for it */
        list_del(&t->link);
        cpu->running_timer = t;
        spin_unlock(&timer_lock);
        t->function(t); /* may start timers again, always later than now */
        spin_lock(&timer_lock);
        cpu->running_timer = NULL;
    }
    if (!list_empty(&cpu->timers))
        timer_hardware_program(list_first_entry(&cpu->timers, struct timer, link)->expires);
    else
        timer_hardware_program(0);
    spin_unlock(&timer_lock);
}

/* The first deadline on this CPU's queue, or 0. */
static uint64_t next_deadline(void)
{
    spin_lock(&timer_lock);
    struct cpu *cpu = this_cpu();
    uint64_t next = list_empty(&cpu->timers)
                        ? 0 : list_first_entry(&cpu->timers, struct timer, link)->expires;
    spin_unlock(&timer_lock);
    return next;
}

/* ---- the idle CPU ---- */

/* A halted virtual CPU wakes some 100 us after its timer interrupt is due: the host's own
 * timers and thread wake-ups come first. So, like Linux's cpuidle-haltpoll in a guest, the
 * idle CPU does not halt through the last IDLE_POLL_NS before a deadline: it halts until
 * then, and watches the clock for the rest, with the hardware timer disarmed (under QEMU a
 * write to the APIC waits for the emulator's global lock, which its own timer firing at
 * that very moment would hold). Bounded: at most IDLE_POLL_NS per deadline, and only when
 * nothing else can run. */
#define IDLE_POLL_NS 200000

void timer_idle(void)
{
    struct cpu *cpu = this_cpu();
    uint64_t next = next_deadline();
    if (!next || next > clock_monotonic_ns() + IDLE_POLL_NS) {
        if (next) {
            spin_lock(&timer_lock);
            timer_hardware_program(next - IDLE_POLL_NS);
            spin_unlock(&timer_lock);
        }
        sti_hlt(); /* until an interrupt: that early timer, or a device */
        cli();
        return;
    }
    spin_lock(&timer_lock);
    timer_hardware_program(0); /* the clock is watched instead */
    spin_unlock(&timer_lock);
    while (!cpu->need_resched && clock_monotonic_ns() < next) {
        sti(); /* devices' interrupts are welcome meanwhile */
        cpu_relax();
        cli();
    }
    timer_queue_run(); /* what is due now, and the hardware armed again for the rest */
}

/* ---- clocks ---- */

bool clock_can_time(int clock)
{
    return clock == CLOCK_REALTIME || clock == CLOCK_MONOTONIC || clock == CLOCK_BOOTTIME;
}

/* CLOCK_REALTIME is the monotonic clock plus the wall-clock time at boot (never set). */
static int64_t realtime_offset(void)
{
    return (int64_t)boot_epoch_seconds * NSEC_PER_SEC;
}

int64_t clock_now(int clock)
{
    switch (clock) {
    case CLOCK_REALTIME:
    case CLOCK_REALTIME_COARSE:
        return realtime_offset() + (int64_t)clock_monotonic_ns();
    case CLOCK_MONOTONIC:
    case CLOCK_MONOTONIC_RAW:
    case CLOCK_MONOTONIC_COARSE:
    case CLOCK_BOOTTIME:
        return (int64_t)clock_monotonic_ns();
    case CLOCK_PROCESS_CPUTIME_ID:
    case CLOCK_THREAD_CPUTIME_ID:
        return (int64_t)cputime_of_current();
    default:
        return -EINVAL;
    }
}

uint64_t clock_deadline(int clock, int64_t ns, bool absolute)
{
    int64_t now = (int64_t)clock_monotonic_ns();
    int64_t deadline;
    if (!absolute)
        deadline = ns > INT64_MAX - now ? INT64_MAX : now + ns;
    else if (clock == CLOCK_REALTIME)
        deadline = ns - realtime_offset();
    else
        deadline = ns;
    return deadline > 0 ? (uint64_t)deadline : 1; /* 0 would mean "no deadline" */
}

int timespec_to_ns(const struct timespec *ts, int64_t *ns)
{
    if (ts->tv_sec < 0 || ts->tv_nsec < 0 || ts->tv_nsec >= NSEC_PER_SEC)
        return -EINVAL;
    *ns = ns_from_parts(ts->tv_sec, ts->tv_nsec);
    return 0;
}

int timespec_from_user(const void *user_ts, int64_t *ns)
{
    struct timespec ts;
    if (copy_from_user(&ts, user_ts, sizeof(ts)))
        return -EFAULT;
    return timespec_to_ns(&ts, ns);
}
