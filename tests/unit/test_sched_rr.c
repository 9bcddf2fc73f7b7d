// SOURCES: kernel/proc/sched_rr.c kernel/proc/sched_fifo.c
/* test_sched_rr.c - the scheduler policies round-robin (sched_rr.c) and first come, first
 * served (sched_fifo.c), driven through struct sched_policy as the scheduler core drives
 * them, with bare struct procs.
 */
/* Only ISO C from the host's library: its POSIX sigset_t would clash with proc.h's. */
#define _ISOC11_SOURCE
#include "unit.h"

#include "arch.h"
#include "proc.h"
#include "sched.h"

#define RR_TIME_SLICE (HZ / 20) /* as in sched_rr.c */

extern const struct sched_policy sched_rr_policy;
extern const struct sched_policy sched_fifo_policy;

static struct proc procs[4];
static struct proc *const a = &procs[0], *const b = &procs[1], *const c = &procs[2],
                          *const d = &procs[3];

/* Start the policy with an empty queue and processes as proc_alloc leaves them. */
static void start(const struct sched_policy *policy)
{
    memset(procs, 0, sizeof(procs));
    for (int i = 0; i < 4; i++)
        list_init(&procs[i].run_link);
    policy->init();
}

static int index_of(const struct proc *p) { return p ? (int)(p - procs) : -1; }

/* pick_next must give these processes (indexes into procs[], -1 for NULL) in order. */
static void check_picks(const struct sched_policy *policy, const int *expected, int n)
{
    for (int i = 0; i < n; i++)
        CHECK_EQ(index_of(policy->pick_next()), expected[i]);
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
        CHECK(policies[i]->pick_next() == NULL);
    }
}

TEST(processes_run_in_the_order_they_were_enqueued)
{
    for (size_t i = 0; i < ARRAY_SIZE(policies); i++) {
        const struct sched_policy *policy = policies[i];
        start(policy);
        policy->enqueue(c);
        policy->enqueue(a);
        policy->enqueue(d);
        policy->enqueue(b);
        CHECK_PICKS(policy, 2, 0, 3, 1, -1);
    }
}

TEST(enqueue_of_a_queued_process_is_a_no_op)
{
    for (size_t i = 0; i < ARRAY_SIZE(policies); i++) {
        const struct sched_policy *policy = policies[i];
        start(policy);
        policy->enqueue(a);
        policy->enqueue(b);
        policy->enqueue(a);
        policy->enqueue(b);
        CHECK_PICKS(policy, 0, 1, -1);
    }
}

TEST(dequeue_removes_a_process_from_the_queue)
{
    for (size_t i = 0; i < ARRAY_SIZE(policies); i++) {
        const struct sched_policy *policy = policies[i];
        start(policy);
        policy->enqueue(a);
        policy->enqueue(b);
        policy->enqueue(c);
        policy->dequeue(b);
        policy->dequeue(d); /* not queued: nothing happens */
        CHECK(list_empty(&b->run_link));
        CHECK_PICKS(policy, 0, 2, -1);
        policy->enqueue(b); /* a dequeued process can come back */
        CHECK_PICKS(policy, 1, -1);
    }
}

TEST(picked_process_goes_to_the_back_when_enqueued_again)
{
    for (size_t i = 0; i < ARRAY_SIZE(policies); i++) {
        const struct sched_policy *policy = policies[i];
        start(policy);
        policy->enqueue(a);
        policy->enqueue(b);
        struct proc *running = policy->pick_next();
        CHECK(running == a);
        CHECK(list_empty(&a->run_link));
        policy->enqueue(c);
        policy->enqueue(running);
        CHECK_PICKS(policy, 1, 2, 0, -1);
    }
}

TEST(rr_gives_a_new_process_a_full_slice)
{
    start(&sched_rr_policy);
    sched_rr_policy.enqueue(a);
    CHECK_EQ(a->time_slice, RR_TIME_SLICE);
}

TEST(rr_tick_preempts_after_the_time_slice_when_another_process_waits)
{
    const struct sched_policy *rr = &sched_rr_policy;
    start(rr);
    rr->enqueue(a);
    rr->enqueue(b);
    struct proc *running = rr->pick_next();
    CHECK(running == a);
    for (int tick = 1; tick < RR_TIME_SLICE; tick++)
        CHECK(!rr->tick(running));
    CHECK(rr->tick(running));
    CHECK_EQ(running->time_slice, RR_TIME_SLICE); /* a fresh slice for its next turn */
    rr->enqueue(running);
    running = rr->pick_next();
    CHECK(running == b);
    for (int tick = 1; tick < RR_TIME_SLICE; tick++)
        CHECK(!rr->tick(running));
    CHECK(rr->tick(running));
}

TEST(rr_tick_does_not_preempt_a_process_alone)
{
    const struct sched_policy *rr = &sched_rr_policy;
    start(rr);
    rr->enqueue(a);
    struct proc *running = rr->pick_next();
    int preemptions = 0;
    for (int tick = 0; tick < 3 * RR_TIME_SLICE; tick++)
        preemptions += rr->tick(running);
    CHECK_EQ(preemptions, 0);
    /* Another process arrives: the running one keeps its current slice, then yields. */
    rr->enqueue(b);
    for (int tick = 1; tick < RR_TIME_SLICE; tick++)
        CHECK(!rr->tick(running));
    CHECK(rr->tick(running));
}

TEST(fifo_tick_never_preempts)
{
    const struct sched_policy *fifo = &sched_fifo_policy;
    start(fifo);
    fifo->enqueue(a);
    fifo->enqueue(b);
    fifo->enqueue(c);
    struct proc *running = fifo->pick_next();
    int preemptions = 0;
    for (int tick = 0; tick < 100 * RR_TIME_SLICE; tick++)
        preemptions += fifo->tick(running);
    CHECK_EQ(preemptions, 0);
    CHECK_PICKS(fifo, 1, 2, -1);
}

int main(void)
{
    RUN(policies_are_named_rr_and_fifo);
    RUN(empty_queue_picks_nothing);
    RUN(processes_run_in_the_order_they_were_enqueued);
    RUN(enqueue_of_a_queued_process_is_a_no_op);
    RUN(dequeue_removes_a_process_from_the_queue);
    RUN(picked_process_goes_to_the_back_when_enqueued_again);
    RUN(rr_gives_a_new_process_a_full_slice);
    RUN(rr_tick_preempts_after_the_time_slice_when_another_process_waits);
    RUN(rr_tick_does_not_preempt_a_process_alone);
    RUN(fifo_tick_never_preempts);
    UNIT_EXIT();
}
