/* sched_fifo.c - first come, first served (sched=fifo): a process runs until it sleeps or
 * yields; the timer never preempts it. A second policy, to show the interface at work.
 */
#include "proc.h"
#include "sched.h"

static struct list_head run_queue;

static void fifo_init(void)
{
    list_init(&run_queue);
}

static void fifo_enqueue(struct proc *p)
{
    if (list_empty(&p->run_link))
        list_add_tail(&p->run_link, &run_queue);
}

static void fifo_dequeue(struct proc *p)
{
    list_del(&p->run_link);
}

static struct proc *fifo_pick_next(void)
{
    if (list_empty(&run_queue))
        return NULL;
    struct proc *p = list_first_entry(&run_queue, struct proc, run_link);
    list_del(&p->run_link);
    return p;
}

static bool fifo_tick(struct proc *running)
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
};
