/* sched_fifo.c - first come, first served (sched=fifo): a process runs until it sleeps or
 * yields; the timer never preempts it. A second policy, to show the interface at work.
 */
#include "proc.h"
#include "sched.h"
#include "smp.h"

struct fifo_entity {
    struct list_head link; /* in its CPU's queue */
};

static struct list_head queues[MAX_CPUS]; /* sched_lock, as all policy state */

static struct fifo_entity *fifo(struct proc *p) { return SCHED_ENTITY(p, struct fifo_entity); }

static void fifo_init(int cpu)
{
    list_init(&queues[cpu]);
}

static void fifo_enqueue(int cpu, struct proc *p)
{
    list_add_tail(&fifo(p)->link, &queues[cpu]);
}

static void fifo_dequeue(int cpu, struct proc *p)
{
    list_del(&fifo(p)->link);
}

static struct proc *fifo_pick_next(int cpu)
{
    if (list_empty(&queues[cpu]))
        return NULL;
    struct fifo_entity *e = list_first_entry(&queues[cpu], struct fifo_entity, link);
    return container_of((void *)e, struct proc, sched);
}

static bool fifo_tick(int cpu, struct proc *running)
{
    return false;
}

static bool fifo_wake_preempt(int cpu, struct proc *p, struct proc *running)
{
    return false;
}

const struct sched_policy sched_fifo_policy = {
    .name = "fifo",
    .init = fifo_init,
    .enqueue = fifo_enqueue,
    .dequeue = fifo_dequeue,
    .pick_next = fifo_pick_next,
    .tick = fifo_tick,
    .wake_preempt = fifo_wake_preempt,
};
