/* sched_balance.c - where a process should run: the placement and balancing rules of the
 * scheduler core (sched.c), as plain functions of per-CPU counts, so that the host unit
 * tests (tests/unit/test_sched_balance.c) can drive them without a machine.
 */
#include "sched.h"

/* The CPU among allowed (a mask of CPU indexes below ncpu) with the least load; on a tie
 * prev (its caches may still hold the process's data), then the lowest index. -1 if
 * allowed names no CPU below ncpu. */
int sched_select_cpu(const int *load, int ncpu, uint64_t allowed, int prev)
{
    int best = -1;
    for (int cpu = 0; cpu < ncpu; cpu++) {
        if (!(allowed & (1UL << cpu)))
            continue;
        if (best < 0 || load[cpu] < load[best] || (load[cpu] == load[best] && cpu == prev))
            best = cpu;
    }
    return best;
}

/* The CPU with the most queued processes, if it has at least min_excess more than self;
 * -1 if none has. An idle CPU asks with min_excess 1 (any waiting process is worth
 * taking); the periodic balance with 2 (moving one of two would only swap the imbalance). */
int sched_find_busiest(const int *queued, int ncpu, int self, int min_excess)
{
    int busiest = -1;
    for (int cpu = 0; cpu < ncpu; cpu++)
        if (cpu != self && queued[cpu] >= queued[self] + min_excess &&
            (busiest < 0 || queued[cpu] > queued[busiest]))
            busiest = cpu;
    return busiest;
}
