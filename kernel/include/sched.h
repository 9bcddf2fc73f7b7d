/* sched.h - the scheduler, sleeping and waking (kernel/proc/sched.c, sched_rr.c).
 *
 * A policy decides which runnable process runs next; the core does the switching, the
 * timer queue and the wait queues. A new policy is one file with one struct sched_policy.
 */
#ifndef NEST_SCHED_H
#define NEST_SCHED_H

#include "errno.h"
#include "list.h"
#include "spinlock.h"
#include "types.h"
#include "x86.h"

struct proc;

/* The space a policy keeps its own per-process state in: the core never reads it; a
 * policy casts it to a struct of its own (SCHED_ENTITY checks that the struct fits). */
struct sched_entity {
    uint64_t words[4];
};
#define SCHED_ENTITY(p, type)                                                               \
    ({                                                                                      \
        _Static_assert(sizeof(type) <= sizeof(struct sched_entity), #type " is too big");   \
        (type *)(p)->sched.words;                                                           \
    })

/* A scheduling policy: which of one CPU's runnable processes runs next. Each CPU has a run
 * queue of its own; a policy keeps one per CPU (indexed by cpu) and its per-process state
 * in struct sched_entity. The core calls every function with sched_lock held. */
struct sched_policy {
    const char *name;                          /* chosen with sched=NAME */
    void (*init)(int cpu);                     /* set up CPU cpu's empty queue */
    void (*enqueue)(int cpu, struct proc *p);  /* p is runnable, on cpu's queue from now */
    void (*dequeue)(int cpu, struct proc *p);  /* p leaves cpu's queue: to run, or to move */
    struct proc *(*pick_next)(int cpu);        /* the one to run next (still queued), or NULL */
    bool (*tick)(int cpu, struct proc *running); /* a tick of running; true: preempt it */
    /* p just woke onto cpu's queue while running runs there: true to preempt running. */
    bool (*wake_preempt)(int cpu, struct proc *p, struct proc *running);
};

uint64_t cpu_stats_sum_switches(void);
uint64_t cpu_stats_sum_interrupts(void);

void sched_init(const char *policy_name); /* on the boot CPU, before any process */
void sched_init_cpu(void);    /* on each CPU: its queue, slice tick and idle process */
uint64_t stride_of(const struct proc *p); /* sched_stride.c: pass added per tick of running */
/* Give up the CPU; the caller has set its state. With the kernel lock: it is let go while
 * others run and taken back before schedule returns. No spinlock may be held. */
void schedule(void);
void sched_yield(void);       /* stay runnable, let others run first */
/* In a long kernel loop on a process's behalf: if its time slice is over, let others run
 * (it stays runnable); if another CPU's process waits for the kernel lock, lend it the lock
 * (klock_lend). Only where nothing is half-changed that another process could see; a no-op
 * with interrupts off or a spinlock held. */
void cond_resched(void);
void wake_up_process(struct proc *p);
void sched_make_runnable(struct proc *p); /* a new process enters a run queue */
void sched_kick_running(struct proc *p); /* if p runs on another CPU, interrupt it there */
/* sched_setaffinity: p may run only on the CPUs in mask (bit i: CPU index i), those of them
 * that run processes; it moves at once if it is not on one. -EINVAL if none is left. */
int sched_set_affinity(struct proc *p, uint64_t mask);
void sched_free_after_switch(struct proc *p); /* free p once we run on another stack */
void sched_finish_switch(void);
__noreturn void sched_idle_loop(void);
void set_current_state(int state); /* enum proc_state: the current process stops or exits */

/* Placement and balancing rules (sched_balance.c), on per-CPU counts. */
int sched_select_cpu(const int *load, int ncpu, uint64_t allowed, int prev);
int sched_find_busiest(const int *queued, int ncpu, int self, int min_excess);

/* A wait queue: processes sleeping until an event. */
struct wait_queue {
    struct spinlock lock;       /* guards sleepers */
    struct list_head sleepers;  /* via struct proc.wait_link */
};

#define WAIT_QUEUE_INIT(name)                                                                 \
    {SPINLOCK_INIT("wait queue", RANK_WAIT_QUEUE), LIST_HEAD_INIT((name).sleepers)}
void wait_queue_init(struct wait_queue *wq);
void wake_up(struct wait_queue *wq); /* wake every sleeper; they re-check their condition */

/* Sleeping takes three steps, so that an event on another CPU between the check of a
 * condition and the sleep is not lost: prepare_to_wait puts the process on wq (NULL: on
 * none) and marks it sleeping; the caller checks its condition; sleep_prepared then sleeps
 * unless a wake-up came since (it returns at once then), and finish_wait takes the process
 * off wq, running again. sleep_prepared returns 0 when woken, -EINTR for a signal (for a
 * killable sleep, only a fatal one: SIGKILL, or one whose default action kills; other
 * signals stay pending until the return to user mode), -ETIMEDOUT when the monotonic
 * clock reached deadline (ns; 0 for none; timer.h's clock_deadline makes one). A wake-up
 * is only a hint: the caller checks its condition again. */
void prepare_to_wait(struct wait_queue *wq, bool killable);
int sleep_prepared(uint64_t deadline);
void finish_wait(struct wait_queue *wq);

/* All three at once: for a caller whose condition only changes under the kernel lock,
 * which it holds (no one can change it between its check and this sleep). */
int sleep_on(struct wait_queue *wq, uint64_t deadline);

/* Sleep until cond holds, or a signal (killable: a fatal one) arrives: 0 or -EINTR. */
#define __wait_event(wq, cond, killable)                                                    \
    ({                                                                                      \
        int __ret = 0;                                                                      \
        if (!(cond)) { /* true already: no need to queue up (most pipe reads) */            \
            for (;;) {                                                                      \
                prepare_to_wait(&(wq), killable);                                           \
                if (cond)                                                                   \
                    break;                                                                  \
                __ret = sleep_prepared(0);                                                  \
                if (__ret == -EINTR)                                                        \
                    break;                                                                  \
            }                                                                               \
            finish_wait(&(wq));                                                             \
        }                                                                                   \
        __ret;                                                                              \
    })

#define wait_event_interruptible(wq, cond) __wait_event(wq, cond, false)
#define wait_event_killable(wq, cond) __wait_event(wq, cond, true)

void sleep_timer_init(struct proc *p); /* for proc_alloc */

#endif
