/* futex.c - futexes: a process sleeps until the word at a user address changes, and whoever
 * changes it wakes the sleepers by address (futex(2)). Waiters are found by a key: for a
 * private word the address space and the address; for a word in shared memory (MAP_SHARED,
 * whose frames stay put) its physical address, so every process mapping it finds the same
 * waiters. All waiters of the system sit on one list: nest's processes rarely wait on futexes
 * (they are single-threaded), so a hash table would buy nothing.
 */
#include "errno.h"
#include "futex.h"
#include "list.h"
#include "mm.h"
#include "proc.h"
#include "sched.h"
#include "uaccess.h"
#include "x86.h"

struct futex_key {
    const struct mm *mm; /* the address space for a private word, NULL for a shared one */
    uint64_t address;    /* user address (private) or physical address (shared) */
};

/* One sleeping process, on its own kernel stack while it waits. */
struct futex_waiter {
    struct futex_key key;
    uint32_t bitset;
    bool woken;               /* set by the waker when it takes the waiter off the list */
    struct wait_queue queue;  /* the waiter alone sleeps here */
    struct list_head link;    /* in futex_waiters */
};

/* Every waiter. Guarded by the kernel lock, as is each waiter's woken flag: futex_wait
 * adds and removes its own waiter in a system call (sleep_on lets the lock go while it
 * sleeps and has it again when it returns), and every waker (futex_wake, from a system
 * call or from an exit's clear-tid wake) holds it. No interrupt handler touches them: a
 * timed-out waiter's timer only wakes it. */
static struct list_head futex_waiters = LIST_HEAD_INIT(futex_waiters);

/* The key of the word at uaddr in the caller's address space. */
static int futex_key_of(uint32_t *uaddr, bool private, struct futex_key *key)
{
    uint64_t address = (uint64_t)uaddr;
    if (address & 3)
        return -EINVAL;
    struct mm *mm = current_proc()->mm;
    struct vm_area *a = vm_find_area(mm, address);
    if (!a)
        return -EFAULT;
    if (private || !a->shared) {
        *key = (struct futex_key){mm, address};
        return 0;
    }
    int err = vm_populate(mm, address, false);
    if (err)
        return -EFAULT;
    uint64_t *pte = vm_walk(mm->pml4, address, false);
    *key = (struct futex_key){NULL, (*pte & PTE_ADDRESS_MASK) | (address & (PAGE_SIZE - 1))};
    return 0;
}

static bool same_key(const struct futex_key *a, const struct futex_key *b)
{
    return a->mm == b->mm && a->address == b->address;
}

int futex_wait(uint32_t *uaddr, bool private, uint32_t val, uint64_t deadline, uint32_t bitset)
{
    if (bitset == 0)
        return -EINVAL;
    struct futex_waiter w = {.bitset = bitset};
    int err = futex_key_of(uaddr, private, &w.key);
    if (err)
        return err;
    uint32_t now;
    if (get_user(now, uaddr) < 0)
        return -EFAULT;
    /* No wake can slip in between this check and the sleep: every waker (futex_wake, an
     * exit's clear-tid wake) holds the kernel lock, which we hold until we sleep. */
    if (now != val)
        return -EAGAIN;
    wait_queue_init(&w.queue);
    list_add_tail(&w.link, &futex_waiters);
    while (!w.woken && err == 0)
        err = sleep_on(&w.queue, deadline);
    if (!w.woken)
        list_del(&w.link);
    return w.woken ? 0 : err;
}

long futex_wake(uint32_t *uaddr, bool private, int count, uint32_t bitset, uint32_t *requeue_to,
                int requeue)
{
    if (bitset == 0 || count < 0 || requeue < 0)
        return -EINVAL;
    struct futex_key key, target;
    int err = futex_key_of(uaddr, private, &key);
    if (!err && requeue_to)
        err = futex_key_of(requeue_to, private, &target);
    if (err)
        return err;
    long done = 0;
    struct futex_waiter *w, *next;
    list_for_each_entry_safe(w, next, &futex_waiters, link) {
        if (!same_key(&w->key, &key) || !(w->bitset & bitset))
            continue;
        if (count > 0) {
            count--;
            list_del(&w->link);
            w->woken = true;
            wake_up(&w->queue);
        } else if (requeue_to && requeue > 0) {
            requeue--;
            w->key = target;
        } else {
            break;
        }
        done++;
    }
    return done;
}
