/* sched_rr.c - round-robin, nest's default scheduler policy (sched=rr).
 *
 * One FIFO run queue; each process runs for at most RR_TIME_SLICE ticks, then goes to the
 * back. A process that wakes up goes to the back too, with what was left of its slice.
 */
#include "arch.h"
#include "proc.h"
#include "sched.h"

#define RR_TIME_SLICE (HZ / 20) /* ticks: 50 ms */

static struct list_head run_queue;

static void rr_init(void)
{
    list_init(&run_queue);
}

static void rr_enqueue(struct proc *p)
{
    if (!list_empty(&p->run_link))
        return; /* already queued */
    if (p->time_slice <= 0)
        p->time_slice = RR_TIME_SLICE;
    list_add_tail(&p->run_link, &run_queue);
}

static void rr_dequeue(struct proc *p)
{
    list_del(&p->run_link);
}

static struct proc *rr_pick_next(void)
{
    if (list_empty(&run_queue))
        return NULL;
    struct proc *p = list_first_entry(&run_queue, struct proc, run_link);
    list_del(&p->run_link);
    return p;
}

static bool rr_tick(struct proc *running)
{
    if (--running->time_slice > 0)
        return false;
    running->time_slice = RR_TIME_SLICE;
    return !list_empty(&run_queue);
}

const struct sched_policy sched_rr_policy = {
    .name = "rr",
    .init = rr_init,
    .enqueue = rr_enqueue,
    .dequeue = rr_dequeue,
    .pick_next = rr_pick_next,
    .tick = rr_tick,
};
