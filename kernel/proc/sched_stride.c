/* sched_stride.c - stride scheduling weighted by nice (sched=stride; docs/labs/sched.md).
 *
 * Every runnable process has a pass, its virtual time. The process with the smallest pass
 * runs; each tick it runs adds its stride, STRIDE_ONE divided by the weight of its nice
 * value (Linux's table: each step of nice is about 1.25 times the CPU). So over time each
 * process gets CPU in proportion to its weight. A process that was not just running (new,
 * or woken) starts at the current virtual time, the smallest pass about, so sleeping earns
 * no credit. The policy's state lives here, not in struct proc: the queue holds each
 * process's pass, and `current` the pass of the one picked last.
 */
#include "proc.h"
#include "sched.h"

#define STRIDE_ONE (1UL << 24) /* large: STRIDE_ONE / weight is within 0.5% even at nice -20 */
#define STRIDE_QUANTUM 10      /* ticks between two decisions: 10 ms */

/* Linux's sched_prio_to_weight: the weight of nice -20 .. 19; nice 0 weighs 1024. */
static const unsigned nice_weight[40] = {
    88761, 71755, 56483, 46273, 36291, 29154, 23254, 18705, 14949, 11916,
    9548,  7620,  6100,  4904,  3906,  3121,  2501,  1991,  1586,  1277,
    1024,  820,   655,   526,   423,   335,   272,   215,   172,   137,
    110,   87,    70,    56,    45,    36,    29,    23,    18,    15,
};

struct stride_entry {
    struct proc *p;
    uint64_t pass;
};

/* All with interrupts off (the scheduler core's rule). */
static struct stride_entry queue[PROC_MAX]; /* runnable, not running; in enqueue order */
static int queued;
static struct stride_entry current;          /* the last picked; p NULL when idle */
static int ticks_in_quantum;

/* The amount a tick of running adds to p's pass. */
uint64_t stride_of(const struct proc *p)
{
    int nice = p->nice < -20 ? -20 : p->nice > 19 ? 19 : p->nice;
    return STRIDE_ONE / nice_weight[nice + 20];
}

static void stride_init(void)
{
    queued = 0;
    current = (struct stride_entry){NULL, 0};
    ticks_in_quantum = 0;
}

/* LAB sched: begin */
static int position_of(const struct proc *p)
{
    for (int i = 0; i < queued; i++)
        if (queue[i].p == p)
            return i;
    return -1;
}

/* The current virtual time: the smallest pass of the queue and the running process. */
static uint64_t virtual_time(void)
{
    bool any = current.p != NULL;
    uint64_t least = current.pass;
    for (int i = 0; i < queued; i++) {
        if (!any || queue[i].pass < least)
            least = queue[i].pass;
        any = true;
    }
    return any ? least : 0;
}

static void remove_at(int i)
{
    for (; i + 1 < queued; i++)
        queue[i] = queue[i + 1];
    queued--;
}

static void stride_enqueue(struct proc *p)
{
    if (position_of(p) >= 0 || queued == PROC_MAX)
        return;
    uint64_t pass = p == current.p ? current.pass : virtual_time();
    queue[queued++] = (struct stride_entry){p, pass};
}

static void stride_dequeue(struct proc *p)
{
    int i = position_of(p);
    if (i >= 0)
        remove_at(i);
}

/* The smallest pass runs; on a tie, the one queued first. */
static struct proc *stride_pick_next(void)
{
    if (queued == 0) {
        current.p = NULL;
        return NULL;
    }
    int best = 0;
    for (int i = 1; i < queued; i++)
        if (queue[i].pass < queue[best].pass)
            best = i;
    current = queue[best];
    remove_at(best);
    ticks_in_quantum = 0;
    return current.p;
}

/* Charge the tick; after a quantum, let the smallest pass decide again. */
static bool stride_tick(struct proc *running)
{
    if (running == current.p)
        current.pass += stride_of(running);
    if (++ticks_in_quantum < STRIDE_QUANTUM)
        return false;
    ticks_in_quantum = 0;
    return queued > 0;
}
/* LAB sched: stub
// lab sched: round-robin for now; nice and pass are not used yet.
static void stride_enqueue(struct proc *p)
{
    for (int i = 0; i < queued; i++)
        if (queue[i].p == p)
            return;
    if (queued < PROC_MAX)
        queue[queued++] = (struct stride_entry){p, 0};
}

static void stride_dequeue(struct proc *p)
{
    for (int i = 0; i < queued; i++) {
        if (queue[i].p == p) {
            for (; i + 1 < queued; i++)
                queue[i] = queue[i + 1];
            queued--;
        }
    }
}

static struct proc *stride_pick_next(void)
{
    if (queued == 0)
        return NULL;
    current = queue[0];
    stride_dequeue(current.p);
    ticks_in_quantum = 0;
    return current.p;
}

static bool stride_tick(struct proc *running)
{
    if (++ticks_in_quantum < STRIDE_QUANTUM)
        return false;
    ticks_in_quantum = 0;
    return queued > 0;
}
   LAB sched: end */

const struct sched_policy sched_stride_policy = {
    .name = "stride",
    .init = stride_init,
    .enqueue = stride_enqueue,
    .dequeue = stride_dequeue,
    .pick_next = stride_pick_next,
    .tick = stride_tick,
};
