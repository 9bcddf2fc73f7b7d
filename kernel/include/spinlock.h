/* spinlock.h - spinlocks and the kernel lock (kernel/lib/spinlock.c, kernel/proc/klock.c).
 *
 * A spinlock guards data that interrupt handlers or other CPUs touch. Taking one turns this
 * CPU's interrupts off (a handler wanting the same lock on this CPU would spin forever) and
 * counts the CPU's held spinlocks (cpu->preempt_count): nothing may sleep while that count
 * is not zero. Releasing the last one turns interrupts back on if they were on before.
 * Spinlocks are held for a few dozen instructions, never across a sleep.
 *
 * The lock order (take them only in this order; the lock checker, on in test builds, says
 * so when code does not) is the rank each lock is created with, lowest first:
 */
#ifndef NEST_SPINLOCK_H
#define NEST_SPINLOCK_H

#include "smp.h"
#include "types.h"

enum lock_rank {
    RANK_KLOCK = 5,     /* the kernel lock's own state (klock.c) */
    RANK_TTY = 10,      /* a terminal's input queue and settings (tty.c) */
    RANK_PROC_LIST = 15, /* the process table's list (proc_list_lock, proc.c) */
    RANK_PTIMER = 18,   /* a POSIX timer's or a timerfd's state vs its timer (posix_timer.c,
                         * timerfd.c); never held across timer_cancel */
    RANK_SIGNAL = 20,   /* every process's pending signals (signal_lock, signal.c) */
    RANK_WAIT_QUEUE = 40, /* one wait queue's sleepers (sched.c) */
    RANK_SCHED = 50,    /* every run queue and every process's state (sched_lock, sched.c) */
    RANK_TIMER = 60,    /* one CPU's timer queue (timer.c) */
    RANK_KSTACK = 65,   /* the free kernel-stack slots (kstack_lock, vm.c); nothing under it */
    RANK_HEAP = 70,     /* kmalloc's free lists (heap_lock, heap.c); it takes frames under it */
    RANK_FRAMES = 75,   /* the frame allocator's global pool (frames_lock, pmm.c) */
    RANK_LOG = 80,      /* the kernel log's ring (log.c) */
    RANK_CONSOLE = 85,  /* the console's output devices (printk.c) */
};

struct cpu;
struct proc;

struct spinlock {
    uint32_t locked;     /* 1 while held: changed only by atomic exchange */
    struct cpu *owner;   /* the CPU holding it, for the checks and for gdb */
    const char *name;    /* for the lock checker's reports */
    int rank;            /* enum lock_rank: its place in the lock order */
    uint64_t taken_at;   /* return address of the spin_lock call that holds it */
};

#define SPINLOCK_INIT(lock_name, lock_rank) {0, NULL, lock_name, lock_rank, 0}

void spin_init(struct spinlock *l, const char *name, int rank);
void spin_lock(struct spinlock *l);
void spin_unlock(struct spinlock *l);
bool spin_held(const struct spinlock *l); /* by this CPU */

/* Interrupts off without a lock, counted like a spinlock (for per-CPU data): push_off() and
 * pop_off() nest, and the last pop_off() restores what the first push_off() found. */
void push_off(void);
void pop_off(void);

/* Called by every function that may sleep: the lock checker reports a sleep with a
 * spinlock held or with interrupts off. */
void might_sleep(void);

/* The kernel lock (klock.c): a sleeping lock held by a process while it runs kernel code on
 * its own behalf: system calls, page faults from user mode, signal delivery. It keeps the
 * rule a one-CPU kernel had, that only one process at a time changes kernel data, while
 * user code runs on every CPU at once. schedule() lets it go while the holder is off the
 * CPU and takes it back before the holder goes on; a release hands it to the first waiter.
 * Interrupt handlers never take it: what they share is guarded by the spinlocks above.
 * docs/ARCHITECTURE.md says why. */
void klock_take_smp(void);    /* if the current process does not hold it yet */
void klock_release_smp(void); /* if it does */
void klock_release_for(struct proc *p); /* for p, a zombie that just left the CPU */
void klock_lend(void);        /* hand it to a waiting process and queue up behind it */

/* On one CPU the lock has nothing to do (klock.c says why): the test is inline, so that a
 * system call on one CPU pays one compare for it. */
static inline void klock_take(void)
{
    if (cpu_count > 1)
        klock_take_smp();
}

static inline void klock_release(void)
{
    if (cpu_count > 1)
        klock_release_smp();
}

#endif
