/* sched.h - the scheduler, sleeping and waking (kernel/proc/sched.c, sched_rr.c).
 *
 * A policy decides which runnable process runs next; the core does the switching, the
 * timer queue and the wait queues. A new policy is one file with one struct sched_policy.
 */
#ifndef NEST_SCHED_H
#define NEST_SCHED_H

#include "errno.h"
#include "list.h"
#include "types.h"
#include "x86.h"

struct proc;

struct sched_policy {
    const char *name;                 /* chosen with sched=NAME on the command line */
    void (*init)(void);
    void (*enqueue)(struct proc *p);  /* p became runnable */
    void (*dequeue)(struct proc *p);  /* p stopped being runnable (or is picked) */
    struct proc *(*pick_next)(void);  /* remove and return the next to run, or NULL */
    bool (*tick)(struct proc *running); /* a timer tick charged to running; true: preempt */
};

/* What /proc/stat counts for the CPU. Guard: changed only with interrupts off (schedule(),
 * the interrupt entry). */
struct cpu_stats {
    uint64_t context_switches; /* switches from one process to another */
    uint64_t interrupts;       /* hardware interrupts taken */
};
extern struct cpu_stats cpu_stats;

void sched_init(const char *policy_name);
uint64_t stride_of(const struct proc *p); /* sched_stride.c: pass added per tick of running */
void schedule(void);          /* give up the CPU; the caller has set its state */
void sched_yield(void);       /* stay runnable, let others run first */
/* In a long kernel loop on a process's behalf: if its time slice is over, let others run
 * (it stays runnable). Only where nothing is half-changed that another process could see;
 * a no-op with interrupts off (a fault taken inside the kernel, an irq-off section). */
void cond_resched(void);
void wake_up_process(struct proc *p);
void sched_make_runnable(struct proc *p); /* a new process enters the run queue */
/* sched_setaffinity: p may run only on the CPUs in mask (bit i: CPU index i), those of them
 * that run processes; it moves at once if it is not on one. -EINVAL if none is left. */
int sched_set_affinity(struct proc *p, uint64_t mask);
void sched_free_after_switch(struct proc *p); /* free p once we run on another stack */
void sched_finish_switch(void);
__noreturn void sched_idle_loop(void);

/* A wait queue: processes sleeping until an event. */
struct wait_queue {
    struct list_head sleepers;
};

#define WAIT_QUEUE_INIT(name) {LIST_HEAD_INIT((name).sleepers)}
void wait_queue_init(struct wait_queue *wq);
void wake_up(struct wait_queue *wq); /* wake every sleeper; they re-check their condition */

/* Sleep on wq until woken, a signal arrives, or the monotonic clock reaches deadline (ns,
 * 0 for none; timer.h's clock_deadline makes one), whichever comes first.
 * Returns 0 when woken, -EINTR for a signal, -ETIMEDOUT for the deadline. The caller
 * re-checks its condition in a loop: a wake-up is only a hint. Interrupts must be off at
 * the call, after the caller checked its condition, so no wake-up is lost. */
int sleep_on(struct wait_queue *wq, uint64_t deadline);
/* The same, but only a fatal signal (SIGKILL, or one whose default action kills) ends the
 * sleep with -EINTR; other signals stay pending until the caller returns to user mode. */
int sleep_on_killable(struct wait_queue *wq);

/* Check cond, sleep with sleep_call while it is false, until sleep_call gives -EINTR. */
#define __wait_event(cond, sleep_call)                     \
    ({                                                      \
        int __ret = 0;                                      \
        for (;;) {                                          \
            bool __was = irq_save();                        \
            if (cond) {                                     \
                irq_restore(__was);                         \
                break;                                      \
            }                                               \
            __ret = (sleep_call);                           \
            irq_restore(__was);                             \
            if (__ret == -EINTR)                            \
                break;                                      \
        }                                                   \
        __ret;                                              \
    })

/* Sleep until cond holds or a signal arrives: 0 or -EINTR. */
#define wait_event_interruptible(wq, cond) __wait_event(cond, sleep_on(&(wq), 0))

/* Sleep until cond holds or a fatal signal arrives: 0 or -EINTR. */
#define wait_event_killable(wq, cond) __wait_event(cond, sleep_on_killable(&(wq)))

void sleep_timer_init(struct proc *p); /* for proc_alloc */

#endif
