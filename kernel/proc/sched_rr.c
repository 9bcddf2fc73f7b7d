/* sched_rr.c - round-robin, nest's default scheduler policy (sched=rr).
 *
 * One FIFO queue per CPU; each process runs for at most RR_TIME_SLICE ticks, then goes to
 * the back. A process that wakes up goes to the back too, with what was left of its slice.
 */
#include "arch.h"
#include "proc.h"
#include "sched.h"
#include "smp.h"

#define RR_TIME_SLICE (HZ / 20) /* ticks: 50 ms */

struct rr_entity {
    struct list_head link; /* in its CPU's queue */
    int time_slice;        /* ticks left before preemption */
};

static struct list_head queues[MAX_CPUS]; /* sched_lock, as all policy state */

static struct rr_entity *rr(struct proc *p) { return SCHED_ENTITY(p, struct rr_entity); }

static void rr_init(int cpu)
{
    list_init(&queues[cpu]);
}

static __hot void rr_enqueue(int cpu, struct proc *p)
{
    if (rr(p)->time_slice <= 0)
        rr(p)->time_slice = RR_TIME_SLICE;
    list_add_tail(&rr(p)->link, &queues[cpu]);
}

static __hot void rr_dequeue(int cpu, struct proc *p)
{
    list_del(&rr(p)->link);
}

static __hot struct proc *rr_pick_next(int cpu)
{
    if (list_empty(&queues[cpu]))
        return NULL;
    struct rr_entity *e = list_first_entry(&queues[cpu], struct rr_entity, link);
    return container_of((void *)e, struct proc, sched);
}

static bool rr_tick(int cpu, struct proc *running)
{
    if (--rr(running)->time_slice > 0)
        return false;
    rr(running)->time_slice = RR_TIME_SLICE;
    return !list_empty(&queues[cpu]);
}

/* A woken process waits its turn: round-robin preempts only at the end of a slice. */
static __hot bool rr_wake_preempt(int cpu, struct proc *p, struct proc *running)
{
    return false;
}

const struct sched_policy sched_rr_policy = {
    .name = "rr",
    .init = rr_init,
    .enqueue = rr_enqueue,
    .dequeue = rr_dequeue,
    .pick_next = rr_pick_next,
    .tick = rr_tick,
    .wake_preempt = rr_wake_preempt,
};
