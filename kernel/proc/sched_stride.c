/* sched_stride.c - stride scheduling weighted by nice (sched=stride; docs/labs/sched.md).
 *
 * Every runnable process has a pass, its virtual time. The process with the smallest pass
 * runs; each tick it runs adds its stride, STRIDE_ONE divided by the weight of its nice
 * value (Linux's table: each step of nice is about 1.25 times the CPU). So over time each
 * process gets CPU in proportion to its weight. A process that was not just running (new,
 * or woken) starts at the current virtual time, the smallest pass about, so sleeping earns
 * no credit. Each CPU has a queue of its own; a process's pass is in its struct
 * sched_entity, and each CPU remembers the one it picked last (`current`).
 */
#include "proc.h"
#include "sched.h"
#include "smp.h"

#define STRIDE_ONE (1UL << 24) /* large: STRIDE_ONE / weight is within 0.5% even at nice -20 */
#define STRIDE_QUANTUM 10      /* ticks between two decisions: 10 ms */

/* Linux's sched_prio_to_weight: the weight of nice -20 .. 19; nice 0 weighs 1024. */
static const unsigned nice_weight[40] = {
    88761, 71755, 56483, 46273, 36291, 29154, 23254, 18705, 14949, 11916,
    9548,  7620,  6100,  4904,  3906,  3121,  2501,  1991,  1586,  1277,
    1024,  820,   655,   526,   423,   335,   272,   215,   172,   137,
    110,   87,    70,    56,    45,    36,    29,    23,    18,    15,
};

/* Each process's pass, in its struct sched_entity. */
struct stride_entity {
    struct list_head link; /* in its CPU's queue, in enqueue order */
    uint64_t pass;
};

/* Each CPU's queue: sched_lock, as all policy state. */
struct stride_cpu {
    struct list_head queue;  /* runnable, not running */
    struct proc *current;    /* the last picked; NULL when idle */
    int ticks_in_quantum;
};
static struct stride_cpu stride_cpus[MAX_CPUS];

static struct stride_entity *entity(struct proc *p)
{
    return SCHED_ENTITY(p, struct stride_entity);
}

static struct proc *proc_of(struct stride_entity *e)
{
    return container_of((void *)e, struct proc, sched);
}

/* The amount a tick of running adds to p's pass. */
uint64_t stride_of(const struct proc *p)
{
    int nice = p->nice < -20 ? -20 : p->nice > 19 ? 19 : p->nice;
    return STRIDE_ONE / nice_weight[nice + 20];
}

static void stride_init(int cpu)
{
    struct stride_cpu *sc = &stride_cpus[cpu];
    list_init(&sc->queue);
    sc->current = NULL;
    sc->ticks_in_quantum = 0;
}

static void stride_dequeue(int cpu, struct proc *p)
{
    list_del(&entity(p)->link);
}

/* LAB sched: begin */
/* The current virtual time: the smallest pass of the queue and the running process. */
static uint64_t virtual_time(struct stride_cpu *sc)
{
    bool any = sc->current != NULL;
    uint64_t least = any ? entity(sc->current)->pass : 0;
    struct stride_entity *e;
    list_for_each_entry(e, &sc->queue, link) {
        if (!any || e->pass < least)
            least = e->pass;
        any = true;
    }
    return least;
}

static void stride_enqueue(int cpu, struct proc *p)
{
    struct stride_cpu *sc = &stride_cpus[cpu];
    if (p != sc->current)
        entity(p)->pass = virtual_time(sc); /* new or woken: no credit for the time away */
    list_add_tail(&entity(p)->link, &sc->queue);
}

/* The smallest pass runs; on a tie, the one queued first. */
static struct proc *stride_pick_next(int cpu)
{
    struct stride_cpu *sc = &stride_cpus[cpu];
    struct stride_entity *e, *best = NULL;
    list_for_each_entry(e, &sc->queue, link)
        if (!best || e->pass < best->pass)
            best = e;
    sc->current = best ? proc_of(best) : NULL;
    sc->ticks_in_quantum = 0;
    return sc->current;
}

/* Charge the tick; after a quantum, let the smallest pass decide again. */
static bool stride_tick(int cpu, struct proc *running)
{
    struct stride_cpu *sc = &stride_cpus[cpu];
    if (running == sc->current)
        entity(running)->pass += stride_of(running);
    if (++sc->ticks_in_quantum < STRIDE_QUANTUM)
        return false;
    sc->ticks_in_quantum = 0;
    return !list_empty(&sc->queue);
}

/* A woken process whose pass is a whole quantum behind the running one's runs at once. */
static bool stride_wake_preempt(int cpu, struct proc *p, struct proc *running)
{
    return entity(p)->pass + STRIDE_QUANTUM * stride_of(running) < entity(running)->pass;
}
/* LAB sched: stub
// lab sched: round-robin for now; nice and pass are not used yet.
static void stride_enqueue(int cpu, struct proc *p)
{
    list_add_tail(&entity(p)->link, &stride_cpus[cpu].queue);
}

static struct proc *stride_pick_next(int cpu)
{
    struct stride_cpu *sc = &stride_cpus[cpu];
    sc->current = list_empty(&sc->queue) ? NULL :
                  proc_of(list_first_entry(&sc->queue, struct stride_entity, link));
    sc->ticks_in_quantum = 0;
    return sc->current;
}

static bool stride_tick(int cpu, struct proc *running)
{
    struct stride_cpu *sc = &stride_cpus[cpu];
    if (++sc->ticks_in_quantum < STRIDE_QUANTUM)
        return false;
    sc->ticks_in_quantum = 0;
    return !list_empty(&sc->queue);
}

static bool stride_wake_preempt(int cpu, struct proc *p, struct proc *running)
{
    return false;
}
   LAB sched: end */

const struct sched_policy sched_stride_policy = {
    .name = "stride",
    .init = stride_init,
    .enqueue = stride_enqueue,
    .dequeue = stride_dequeue,
    .pick_next = stride_pick_next,
    .tick = stride_tick,
    .wake_preempt = stride_wake_preempt,
};
