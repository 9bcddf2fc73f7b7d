/* klock.c - the kernel lock: one process at a time runs kernel code on its own behalf.
 *
 * A process takes it on entering the kernel from user mode for work of its own (a system
 * call, a page fault, delivering a signal) and lets it go on the way back; schedule()
 * lets it go while the process is off the CPU. So everything a one-CPU kernel guarded by
 * "nobody else runs until I sleep" keeps that guard on any number of CPUs, while user code
 * runs on all of them. It is a sleeping lock: a process that finds it taken sleeps.
 *
 * The fast path is one compare-and-exchange on owner. A process that must wait sets
 * contended under klock_guard and queues itself; the owner, on release, sees contended
 * and wakes every waiter, and they race for it again. The queue has a link of its own in
 * struct proc (klock_link), not a wait queue: a process takes the lock back right after a
 * sleep, while it may still be on the wait queue it slept on.
 */
#include "proc.h"
#include "sched.h"
#include "spinlock.h"

static struct proc *owner; /* the holder, or NULL: changed only by atomic exchange */
static bool contended;     /* a process waits for it (klock_guard) */
static struct spinlock klock_guard = SPINLOCK_INIT("klock", RANK_KLOCK);
static struct list_head waiters = LIST_HEAD_INIT(waiters); /* via klock_link (klock_guard) */

static bool try_take(struct proc *p)
{
    struct proc *none = NULL;
    return __atomic_compare_exchange_n(&owner, &none, p, false, __ATOMIC_ACQUIRE,
                                       __ATOMIC_RELAXED);
}

void klock_take(void)
{
    struct proc *p = current_proc();
    if (p->holds_klock)
        return;
    while (!try_take(p)) {
        spin_lock(&klock_guard);
        __atomic_store_n(&contended, true, __ATOMIC_SEQ_CST);
        bool taken = try_take(p); /* the owner may have let go before it saw contended */
        if (!taken) {
            if (list_empty(&p->klock_link))
                list_add_tail(&p->klock_link, &waiters);
            set_current_state(PROC_SLEEPING);
        }
        spin_unlock(&klock_guard);
        if (taken)
            break;
        schedule(); /* not sleep_prepared: a signal does not end this wait */
        spin_lock(&klock_guard);
        list_del(&p->klock_link);
        spin_unlock(&klock_guard);
    }
    p->holds_klock = true;
}

void klock_release(void)
{
    if (current_proc()->holds_klock)
        klock_release_for(current_proc());
}

void klock_release_for(struct proc *p)
{
    p->holds_klock = false;
    __atomic_store_n(&owner, NULL, __ATOMIC_SEQ_CST);
    if (__atomic_load_n(&contended, __ATOMIC_SEQ_CST)) {
        spin_lock(&klock_guard);
        contended = false;
        struct proc *waiter, *next;
        list_for_each_entry_safe(waiter, next, &waiters, klock_link) {
            list_del(&waiter->klock_link);
            wake_up_process(waiter);
        }
        spin_unlock(&klock_guard);
    }
}
