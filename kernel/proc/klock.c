/* klock.c - the kernel lock: one process at a time runs kernel code on its own behalf.
 *
 * A process takes it on entering the kernel from user mode for work of its own (a system
 * call, a page fault, delivering a signal) and lets it go on the way back; schedule()
 * lets it go while the process is off the CPU. So everything a one-CPU kernel guarded by
 * "nobody else runs until I sleep" keeps that guard on any number of CPUs, while user code
 * runs on all of them. It is a sleeping lock: a process that finds it taken sleeps.
 *
 * The fast path is one compare-and-exchange on owner. A process that must wait sets
 * contended under klock_guard and queues itself. The owner, on release, sees contended and
 * hands the lock to the first waiter: it writes the waiter into owner and wakes it, so
 * the lock is never free between them and the releaser cannot win it straight back. That
 * makes the lock fair (first come, first served), which is what lets cond_resched() lend
 * it to a waiting CPU in the middle of a long system call (klock_lend). The queue has a
 * link of its own in struct proc (klock_link), not a wait queue: a process takes the lock
 * back right after a sleep, while it may still be on the wait queue it slept on.
 */
#include "proc.h"
#include "sched.h"
#include "smp.h"
#include "spinlock.h"

static struct proc *owner; /* the holder, or NULL: set by compare-and-exchange when free,
                            * or by its holder handing it over under klock_guard */
static bool contended;     /* waiters is not empty, or about to be (klock_guard) */
static struct spinlock klock_guard = SPINLOCK_INIT("klock", RANK_KLOCK);
static struct list_head waiters = LIST_HEAD_INIT(waiters); /* via klock_link (klock_guard) */

static bool try_take(struct proc *p)
{
    struct proc *none = NULL;
    return __atomic_compare_exchange_n(&owner, &none, p, false, __ATOMIC_ACQUIRE,
                                       __ATOMIC_RELAXED);
}

/* Sleep until p holds the lock: taken when free, or handed over by its holder. */
static __attribute__((noinline)) void wait_for_lock(struct proc *p)
{
    spin_lock(&klock_guard);
    for (;;) {
        __atomic_store_n(&contended, true, __ATOMIC_SEQ_CST);
        /* owner == p: handed over while we were awake (a spurious wake-up, a signal) */
        if (__atomic_load_n(&owner, __ATOMIC_ACQUIRE) == p || try_take(p))
            break;
        if (list_empty(&p->klock_link))
            list_add_tail(&p->klock_link, &waiters);
        set_current_state(PROC_SLEEPING);
        spin_unlock(&klock_guard);
        schedule(); /* not sleep_prepared: a signal does not end this wait */
        spin_lock(&klock_guard);
    }
    list_del(&p->klock_link); /* a no-op if the holder took us off when it handed over */
    if (list_empty(&waiters))
        contended = false;
    spin_unlock(&klock_guard);
}

/* On one CPU the lock has nothing to do: the kernel is not preemptible, so kernel code on
 * a process's behalf already runs one process at a time, as before there were more CPUs.
 * cpu_count is final before the first process runs (smp_init, then start_init), so the
 * lock is either used from the start or never: klock_take and klock_release (spinlock.h)
 * call these only when there are several CPUs. (Linux likewise patches its lock
 * instructions out when it finds one CPU.) */
__hot void klock_take_smp(void)
{
    struct proc *p = current_proc();
    if (p->holds_klock)
        return;
    if (!try_take(p))
        wait_for_lock(p);
    p->holds_klock = true;
}

/* Give the lock, which the caller holds for someone, to the first waiter, or free it if
 * there is none (klock_guard held). */
static void hand_over(void)
{
    if (list_empty(&waiters)) {
        contended = false;
        __atomic_store_n(&owner, NULL, __ATOMIC_RELEASE);
        return;
    }
    struct proc *next = list_first_entry(&waiters, struct proc, klock_link);
    list_del(&next->klock_link);
    if (list_empty(&waiters))
        contended = false;
    __atomic_store_n(&owner, next, __ATOMIC_RELEASE);
    wake_up_process(next);
}

/* The release when a process waits, or came as p let go (let_go: owner is NULL already). */
static __attribute__((noinline)) void release_contended(struct proc *p, bool let_go)
{
    spin_lock(&klock_guard);
    /* If we let go as a waiter came, it looked at owner after it set contended: either it
     * took the lock, or someone else did, or it saw us still holding it and queued itself,
     * and then nobody may be left to wake it. Take the lock back if it is still free and
     * hand it to the first waiter. */
    if (!let_go || try_take(p))
        hand_over();
    spin_unlock(&klock_guard);
}

/* The fast path, on every return to user mode: no waiter, one exchange. */
__hot void klock_release_for(struct proc *p)
{
    p->holds_klock = false;
    if (__atomic_load_n(&contended, __ATOMIC_SEQ_CST)) {
        release_contended(p, false);
        return;
    }
    __atomic_store_n(&owner, NULL, __ATOMIC_SEQ_CST);
    if (__atomic_load_n(&contended, __ATOMIC_SEQ_CST))
        release_contended(p, true);
}

__hot void klock_release_smp(void)
{
    struct proc *p = current_proc();
    if (p->holds_klock)
        klock_release_for(p);
}

/* In a long system call, at a point where it may sleep: if another process waits for the
 * lock, let it have it and queue up behind it (cond_resched). */
void klock_lend(void)
{
    struct proc *p = current_proc();
    if (p->holds_klock && __atomic_load_n(&contended, __ATOMIC_RELAXED)) {
        klock_release_for(p);
        klock_take();
    }
}
