/* stride_host.c - drives kernel/proc/sched_stride.c on the host as the scheduler core does
 * (tests/labs/sched/grade.py compiles it with NEST_HOST_TEST and checks every pick against
 * its model). Processes with random nice values run, sleep, wake and change nice for a
 * number of ticks; every event and every pick is printed:
 *     nice I N | sleep I | wake I | tick | pick I (or pick -1: idle)
 * Usage: stride_host SEED
 */
/* Only ISO C from the host's library: its POSIX sigset_t would clash with proc.h's. */
#define _ISOC11_SOURCE
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "proc.h"
#include "sched.h"

#define PROCS 6
#define TICKS 3000

extern const struct sched_policy sched_stride_policy;
static const struct sched_policy *policy = &sched_stride_policy;
static struct proc procs[PROCS];
static bool asleep[PROCS];
static struct proc *running;
static unsigned long long seed;

static unsigned next_random(unsigned n)
{
    seed = seed * 6364136223846793005ULL + 1442695040888963407ULL;
    return (unsigned)(seed >> 33) % n;
}

static int index_of(const struct proc *p) { return p ? (int)(p - procs) : -1; }

/* As the core's schedule(): the running process, if still runnable, goes back; the policy
 * picks, and the core takes its pick off the queue (one CPU's: CPU 0). */
static void reschedule(bool still_runnable)
{
    if (running && still_runnable)
        policy->enqueue(0, running);
    running = policy->pick_next(0);
    if (running)
        policy->dequeue(0, running);
    printf("pick %d\n", index_of(running));
}

int main(int argc, char **argv)
{
    if (argc != 2)
        return 2;
    seed = strtoull(argv[1], NULL, 0);
    memset(procs, 0, sizeof(procs));
    policy->init(0);
    for (int i = 0; i < PROCS; i++) {
        procs[i].nice = (int)next_random(20) - 5;
        printf("nice %d %d\n", i, procs[i].nice);
        policy->enqueue(0, &procs[i]);
    }
    reschedule(false);
    for (int t = 0; t < TICKS; t++) {
        unsigned event = next_random(100);
        if (event < 2 && running) {
            int i = index_of(running);
            asleep[i] = true;
            printf("sleep %d\n", i);
            reschedule(false);
        } else if (event < 6) {
            int i = (int)next_random(PROCS);
            if (asleep[i]) {
                asleep[i] = false;
                printf("wake %d\n", i);
                policy->enqueue(0, &procs[i]);
                if (!running)
                    reschedule(false);
            }
        } else if (event < 7) {
            int i = (int)next_random(PROCS);
            procs[i].nice = (int)next_random(40) - 20;
            printf("nice %d %d\n", i, procs[i].nice);
        }
        printf("tick\n");
        if (running && policy->tick(0, running))
            reschedule(true);
    }
    return 0;
}
