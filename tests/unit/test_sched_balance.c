// SOURCES: kernel/proc/sched_balance.c
/* test_sched_balance.c - where the scheduler core (sched.c) puts a process and when a CPU
 * takes work from another: sched_select_cpu and sched_find_busiest on made-up loads.
 */
#define _ISOC11_SOURCE
#include "unit.h"

#include "sched.h"

TEST(a_process_goes_to_the_least_loaded_cpu_it_may_use)
{
    int load[4] = {2, 1, 0, 3};
    CHECK_EQ(sched_select_cpu(load, 4, 0xf, 0), 2);
    CHECK_EQ(sched_select_cpu(load, 4, 0xb, 0), 1); /* cpu2 not allowed */
    CHECK_EQ(sched_select_cpu(load, 4, 0x8, 0), 3); /* only cpu3, however busy */
}

TEST(on_a_tie_the_cpu_it_ran_on_wins_then_the_lowest)
{
    int load[4] = {1, 1, 1, 1};
    CHECK_EQ(sched_select_cpu(load, 4, 0xf, 2), 2);
    CHECK_EQ(sched_select_cpu(load, 4, 0xf, 9), 0); /* prev not among them */
    CHECK_EQ(sched_select_cpu(load, 4, 0xe, 0), 1); /* prev not allowed */
}

TEST(a_mask_without_an_online_cpu_gives_none)
{
    int load[2] = {0, 0};
    CHECK_EQ(sched_select_cpu(load, 2, 0x4, 0), -1);
    CHECK_EQ(sched_select_cpu(load, 2, 0, 0), -1);
}

TEST(an_idle_cpu_takes_from_any_queue_with_a_waiting_process)
{
    int queued[3] = {0, 1, 0};
    CHECK_EQ(sched_find_busiest(queued, 3, 0, 1), 1);
    int none[3] = {0, 0, 0};
    CHECK_EQ(sched_find_busiest(none, 3, 0, 1), -1);
}

TEST(the_busiest_queue_is_chosen)
{
    int queued[4] = {0, 2, 5, 3};
    CHECK_EQ(sched_find_busiest(queued, 4, 0, 1), 2);
}

TEST(periodic_balance_moves_only_for_an_imbalance_of_two)
{
    int even[2] = {1, 2}; /* moving one would only swap the difference */
    CHECK_EQ(sched_find_busiest(even, 2, 0, 2), -1);
    int uneven[2] = {1, 3};
    CHECK_EQ(sched_find_busiest(uneven, 2, 0, 2), 1);
    CHECK_EQ(sched_find_busiest(uneven, 2, 1, 2), -1); /* the busy one takes nothing */
}

TEST(balancing_a_run_of_arrivals_spreads_them_evenly)
{
    /* Eight processes placed one after another on four idle CPUs: two each. */
    int load[4] = {0, 0, 0, 0};
    for (int i = 0; i < 8; i++)
        load[sched_select_cpu(load, 4, 0xf, 0)]++;
    for (int cpu = 0; cpu < 4; cpu++)
        CHECK_EQ(load[cpu], 2);
}

int main(void)
{
    RUN(a_process_goes_to_the_least_loaded_cpu_it_may_use);
    RUN(on_a_tie_the_cpu_it_ran_on_wins_then_the_lowest);
    RUN(a_mask_without_an_online_cpu_gives_none);
    RUN(an_idle_cpu_takes_from_any_queue_with_a_waiting_process);
    RUN(the_busiest_queue_is_chosen);
    RUN(periodic_balance_moves_only_for_an_imbalance_of_two);
    RUN(balancing_a_run_of_arrivals_spreads_them_evenly);
    UNIT_EXIT();
}
