// SOURCES: kernel/proc/sched_rr.c kernel/proc/sched_fifo.c
/* test_sched_rr.c - the scheduler policies round-robin (sched_rr.c) and first come, first
 * served (sched_fifo.c), driven through struct sched_policy as the scheduler core drives
 * them (it dequeues what pick_next chose), with bare struct procs, on CPU 0 unless a test
 * says otherwise: each CPU's queue is its own.
 */
/* Only ISO C from the host's library: its POSIX sigset_t would clash with proc.h's. */
#define _ISOC11_SOURCE
#include "unit.h"

#include "arch.h"
#include "proc.h"
#include "sched.h"

#define RR_TIME_SLICE (HZ / 20) /* as in sched_rr.c */

struct rr_entity { /* as in sched_rr.c */
    struct list_head link;
    int time_slice;
};

extern const struct sched_policy sched_rr_policy;
extern const struct sched_policy sched_fifo_policy;

static struct proc procs[4];
static struct proc *const a = &procs[0], *const b = &procs[1], *const c = &procs[2],
                          *const d = &procs[3];

static bool queued[4]; /* as the core knows: only what is queued is dequeued */

/* Start the policy with an empty queue and processes as proc_alloc leaves them. */
static void start(const struct sched_policy *policy)
{
    memset(procs, 0, sizeof(procs));
    memset(queued, 0, sizeof(queued));
    policy->init(0);
    policy->init(1);
}


static void enqueue(const struct sched_policy *policy, int cpu, struct proc *p)
{
    if (!queued[p - procs])
        policy->enqueue(cpu, p);
    queued[p - procs] = true;
}

static void dequeue(const struct sched_policy *policy, int cpu, struct proc *p)
{
    if (queued[p - procs])
        policy->dequeue(cpu, p);
    queued[p - procs] = false;
}

/* As the core picks: the policy's choice comes off the queue. */
static struct proc *pick(const struct sched_policy *policy, int cpu)
{
    struct proc *p = policy->pick_next(cpu);
    if (p)
        dequeue(policy, cpu, p);
    return p;
}

static int time_slice(struct proc *p) { return ((struct rr_entity *)p->sched.words)->time_slice; }

static int index_of(const struct proc *p) { return p ? (int)(p - procs) : -1; }

/* pick_next must give these processes (indexes into procs[], -1 for NULL) in order. */
static void check_picks(const struct sched_policy *policy, const int *expected, int n)
{
    for (int i = 0; i < n; i++)
        CHECK_EQ(index_of(pick(policy, 0)), expected[i]);
}

#define CHECK_PICKS(policy, ...)                                                           \
    do {                                                                                   \
        const int unit_expected[] = {__VA_ARGS__};                                         \
        check_picks(policy, unit_expected, (int)ARRAY_SIZE(unit_expected));                \
    } while (0)

static const struct sched_policy *const policies[] = {&sched_rr_policy, &sched_fifo_policy};

TEST(policies_are_named_rr_and_fifo)
{
    CHECK_STR(sched_rr_policy.name, "rr");
    CHECK_STR(sched_fifo_policy.name, "fifo");
}

TEST(empty_queue_picks_nothing)
{
    for (size_t i = 0; i < ARRAY_SIZE(policies); i++) {
        start(policies[i]);
        CHECK(pick(policies[i], 0) == NULL);
    }
}

TEST(processes_run_in_the_order_they_were_enqueued)
{
    for (size_t i = 0; i < ARRAY_SIZE(policies); i++) {
        const struct sched_policy *policy = policies[i];
        start(policy);
        enqueue(policy, 0, c);
        enqueue(policy, 0, a);
        enqueue(policy, 0, d);
        enqueue(policy, 0, b);
        CHECK_PICKS(policy, 2, 0, 3, 1, -1);
    }
}

TEST(the_core_never_queues_a_process_twice)
{
    for (size_t i = 0; i < ARRAY_SIZE(policies); i++) {
        const struct sched_policy *policy = policies[i];
        start(policy);
        enqueue(policy, 0, a);
        enqueue(policy, 0, b);
        enqueue(policy, 0, a);
        enqueue(policy, 0, b);
        CHECK_PICKS(policy, 0, 1, -1);
    }
}

TEST(dequeue_removes_a_process_from_the_queue)
{
    for (size_t i = 0; i < ARRAY_SIZE(policies); i++) {
        const struct sched_policy *policy = policies[i];
        start(policy);
        enqueue(policy, 0, a);
        enqueue(policy, 0, b);
        enqueue(policy, 0, c);
        dequeue(policy, 0, b);
        dequeue(policy, 0, d); /* not queued: nothing happens */
        CHECK_PICKS(policy, 0, 2, -1);
        enqueue(policy, 0, b); /* a dequeued process can come back */
        CHECK_PICKS(policy, 1, -1);
    }
}

TEST(picked_process_goes_to_the_back_when_enqueued_again)
{
    for (size_t i = 0; i < ARRAY_SIZE(policies); i++) {
        const struct sched_policy *policy = policies[i];
        start(policy);
        enqueue(policy, 0, a);
        enqueue(policy, 0, b);
        struct proc *running = pick(policy, 0);
        CHECK(running == a);
        enqueue(policy, 0, c);
        enqueue(policy, 0, running);
        CHECK_PICKS(policy, 1, 2, 0, -1);
    }
}

TEST(each_cpu_has_a_queue_of_its_own)
{
    for (size_t i = 0; i < ARRAY_SIZE(policies); i++) {
        const struct sched_policy *policy = policies[i];
        start(policy);
        enqueue(policy, 0, a);
        enqueue(policy, 1, b);
        enqueue(policy, 0, c);
        CHECK(pick(policy, 1) == b);
        CHECK(pick(policy, 1) == NULL);
        CHECK_PICKS(policy, 0, 2, -1);
    }
}

TEST(a_process_moved_to_another_cpu_runs_there)
{
    for (size_t i = 0; i < ARRAY_SIZE(policies); i++) {
        const struct sched_policy *policy = policies[i];
        start(policy);
        enqueue(policy, 0, a);
        enqueue(policy, 0, b);
        dequeue(policy, 0, b); /* as the core moves a process: off one queue, onto another */
        enqueue(policy, 1, b);
        CHECK(pick(policy, 1) == b);
        CHECK_PICKS(policy, 0, -1);
    }
}

TEST(a_woken_process_does_not_preempt_under_rr_or_fifo)
{
    for (size_t i = 0; i < ARRAY_SIZE(policies); i++) {
        const struct sched_policy *policy = policies[i];
        start(policy);
        enqueue(policy, 0, a);
        struct proc *running = pick(policy, 0);
        enqueue(policy, 0, b);
        CHECK(!policy->wake_preempt(0, b, running));
    }
}

TEST(rr_gives_a_new_process_a_full_slice)
{
    start(&sched_rr_policy);
    enqueue(&sched_rr_policy, 0, a);
    CHECK_EQ(time_slice(a), RR_TIME_SLICE);
}

TEST(rr_tick_preempts_after_the_time_slice_when_another_process_waits)
{
    const struct sched_policy *rr = &sched_rr_policy;
    start(rr);
    enqueue(rr, 0, a);
    enqueue(rr, 0, b);
    struct proc *running = pick(rr, 0);
    CHECK(running == a);
    for (int tick = 1; tick < RR_TIME_SLICE; tick++)
        CHECK(!rr->tick(0, running));
    CHECK(rr->tick(0, running));
    CHECK_EQ(time_slice(running), RR_TIME_SLICE); /* a fresh slice for its next turn */
    enqueue(rr, 0, running);
    running = pick(rr, 0);
    CHECK(running == b);
    for (int tick = 1; tick < RR_TIME_SLICE; tick++)
        CHECK(!rr->tick(0, running));
    CHECK(rr->tick(0, running));
}

TEST(rr_tick_does_not_preempt_a_process_alone)
{
    const struct sched_policy *rr = &sched_rr_policy;
    start(rr);
    enqueue(rr, 0, a);
    struct proc *running = pick(rr, 0);
    int preemptions = 0;
    for (int tick = 0; tick < 3 * RR_TIME_SLICE; tick++)
        preemptions += rr->tick(0, running);
    CHECK_EQ(preemptions, 0);
    /* Another process arrives: the running one keeps its current slice, then yields. */
    enqueue(rr, 0, b);
    for (int tick = 1; tick < RR_TIME_SLICE; tick++)
        CHECK(!rr->tick(0, running));
    CHECK(rr->tick(0, running));
}

TEST(fifo_tick_never_preempts)
{
    const struct sched_policy *fifo = &sched_fifo_policy;
    start(fifo);
    enqueue(fifo, 0, a);
    enqueue(fifo, 0, b);
    enqueue(fifo, 0, c);
    struct proc *running = pick(fifo, 0);
    int preemptions = 0;
    for (int tick = 0; tick < 100 * RR_TIME_SLICE; tick++)
        preemptions += fifo->tick(0, running);
    CHECK_EQ(preemptions, 0);
    CHECK_PICKS(fifo, 1, 2, -1);
}

int main(void)
{
    RUN(policies_are_named_rr_and_fifo);
    RUN(empty_queue_picks_nothing);
    RUN(processes_run_in_the_order_they_were_enqueued);
    RUN(the_core_never_queues_a_process_twice);
    RUN(dequeue_removes_a_process_from_the_queue);
    RUN(picked_process_goes_to_the_back_when_enqueued_again);
    RUN(each_cpu_has_a_queue_of_its_own);
    RUN(a_process_moved_to_another_cpu_runs_there);
    RUN(a_woken_process_does_not_preempt_under_rr_or_fifo);
    RUN(rr_gives_a_new_process_a_full_slice);
    RUN(rr_tick_preempts_after_the_time_slice_when_another_process_waits);
    RUN(rr_tick_does_not_preempt_a_process_alone);
    RUN(fifo_tick_never_preempts);
    UNIT_EXIT();
}
