/* lockcheck.c - the lock checker (lockcheck.h): the spinlocks each CPU holds, and the reports.
 *
 * Built with NEST_LOCKCHECK (make LOCKCHECK=1, the default for every build but make bench),
 * each CPU keeps the spinlocks it holds in the order it took them, each with the stack it was
 * taken from, and checks every spin_lock against the lock order (spinlock.h's ranks) and
 * every might_sleep against what it holds. A release by a CPU that does not hold the lock is
 * reported in every build: it is cheap, and the kernel cannot go on after it. A report names
 * the locks, prints both stacks and panics, so the test that caused it fails.
 */
#include "arch.h"
#include "cpu.h"
#include "lockcheck.h"
#include "printk.h"
#include "smp.h"
#include "spinlock.h"
#include "string.h"
#include "x86.h"

#define STACK_FRAMES 10 /* return addresses kept of where a held lock was taken */

/* Set by the first report, never cleared: the checks stop, so that printing the report
 * (which may take the log's lock) or another CPU cannot start a second one. */
static bool reporting;

static void begin_report(void)
{
    __atomic_store_n(&reporting, true, __ATOMIC_RELAXED);
}

static void print_stack_from(uint64_t rbp)
{
    uint64_t addresses[STACK_FRAMES];
    backtrace_print(addresses, backtrace_save(rbp, addresses, STACK_FRAMES));
}

#ifdef NEST_LOCKCHECK

/* Ranks only go up in what a CPU holds, so it holds at most one lock of each rank: there
 * are fewer ranks than this. */
#define HELD_MAX 16

struct held_lock {
    struct spinlock *lock;
    int frames;                        /* how many of taken_from are valid */
    uint64_t taken_from[STACK_FRAMES]; /* return addresses, innermost (spin_lock) first */
};

/* The spinlocks one CPU holds, oldest first. Per-CPU: only that CPU changes its own, with
 * its interrupts off (it holds a spinlock or is taking one); another CPU reads it only to
 * print a report. */
struct held_locks {
    int count;
    struct held_lock locks[HELD_MAX];
};

static struct held_locks held[MAX_CPUS]; /* by CPU index */

static struct held_locks *this_cpu_held(void)
{
    return &held[this_cpu()->index];
}

static bool checking(void)
{
    return !__atomic_load_n(&reporting, __ATOMIC_RELAXED);
}

/* Taking l while holding h breaks the order: print both locks and both stacks, panic. */
static __noreturn void report_order(const struct held_lock *h, const struct spinlock *l,
                                    uint64_t rbp)
{
    begin_report();
    const struct spinlock *had = h->lock;
    printk(KERN_EMERG "\nlockcheck: lock order inversion on cpu%d: taking %s (rank %d) while "
                      "holding %s (rank %d)%s\n",
           this_cpu()->index, l->name, l->rank, had->name, had->rank,
           had->rank == l->rank ? ": two locks of one rank are never held together" : "");
    printk(KERN_EMERG "lockcheck: %s (rank %d) was taken at:\n", had->name, had->rank);
    backtrace_print(h->taken_from, h->frames);
    printk(KERN_EMERG "lockcheck: %s (rank %d) is being taken at:\n", l->name, l->rank);
    print_stack_from(rbp);
    panic("lockcheck: lock order inversion: %s (rank %d) taken while holding %s (rank %d)",
          l->name, l->rank, had->name, had->rank);
}

void lockcheck_acquire(struct spinlock *l)
{
    if (!checking())
        return;
    uint64_t rbp = (uint64_t)__builtin_frame_address(0);
    struct held_locks *h = this_cpu_held();
    for (int i = 0; i < h->count; i++)
        if (h->locks[i].lock->rank >= l->rank)
            report_order(&h->locks[i], l, rbp);
    if (h->count == HELD_MAX)
        panic("lockcheck: cpu%d holds %d spinlocks, more than it can record", this_cpu()->index,
              HELD_MAX);
    struct held_lock *entry = &h->locks[h->count++];
    entry->lock = l;
    entry->frames = backtrace_save(rbp, entry->taken_from, STACK_FRAMES);
}

/* Out of order is allowed: the rest keep their order, and so the order stays checked. */
void lockcheck_release(struct spinlock *l)
{
    if (!checking())
        return;
    struct held_locks *h = this_cpu_held();
    int i = h->count - 1;
    while (i >= 0 && h->locks[i].lock != l)
        i--;
    if (i < 0)
        panic("lockcheck: cpu%d releases %s, which it holds but did not take with spin_lock",
              this_cpu()->index, l->name);
    memmove(&h->locks[i], &h->locks[i + 1], (size_t)(h->count - i - 1) * sizeof(h->locks[0]));
    h->count--;
}

/* A sleep with spinlocks held: name each, with where it was taken; then where we are. */
static __noreturn void report_sleep_holding(const struct held_locks *h, uint64_t rbp)
{
    begin_report();
    printk(KERN_EMERG "\nlockcheck: sleeping call on cpu%d while holding %d spinlock%s\n",
           this_cpu()->index, h->count, h->count == 1 ? "" : "s");
    for (int i = 0; i < h->count; i++) {
        printk(KERN_EMERG "lockcheck: %s (rank %d) was taken at:\n", h->locks[i].lock->name,
               h->locks[i].lock->rank);
        backtrace_print(h->locks[i].taken_from, h->locks[i].frames);
    }
    printk(KERN_EMERG "lockcheck: the sleeping call is at:\n");
    print_stack_from(rbp);
    panic("lockcheck: sleeping call while holding %s (rank %d)", h->locks[h->count - 1].lock->name,
          h->locks[h->count - 1].lock->rank);
}

/* A sleep with interrupts off and no spinlock: there is no holder, only this stack. */
static __noreturn void report_sleep_irqs_off(const char *why, uint64_t rbp)
{
    begin_report();
    printk(KERN_EMERG "\nlockcheck: sleeping call on cpu%d with interrupts off (%s)\n",
           this_cpu()->index, why);
    printk(KERN_EMERG "lockcheck: the sleeping call is at:\n");
    print_stack_from(rbp);
    panic("lockcheck: sleeping call with interrupts off (%s)", why);
}

void lockcheck_sleep(void)
{
    if (!checking())
        return;
    uint64_t rbp = (uint64_t)__builtin_frame_address(0);
    const struct held_locks *h = this_cpu_held();
    if (h->count > 0)
        report_sleep_holding(h, rbp);
    if (this_cpu()->preempt_count != 0)
        report_sleep_irqs_off("push_off without pop_off", rbp);
    if (!(read_rflags() & RFLAGS_IF))
        report_sleep_irqs_off("cli", rbp);
}

/* Where the CPU holding l took it, if it is recorded. */
static bool print_holder_stack(const struct spinlock *l, const struct cpu *owner)
{
    const struct held_locks *h = &held[owner->index];
    for (int i = 0; i < h->count && i < HELD_MAX; i++)
        if (h->locks[i].lock == l) {
            backtrace_print(h->locks[i].taken_from, h->locks[i].frames);
            return true;
        }
    return false;
}

#else

static bool print_holder_stack(const struct spinlock *l, const struct cpu *owner)
{
    return false;
}

#endif

void lockcheck_bad_release(struct spinlock *l)
{
    begin_report();
    uint64_t rbp = (uint64_t)__builtin_frame_address(0);
    const struct cpu *owner = l->owner; /* another CPU may be changing it: read it once */
    int me = this_cpu()->index;
    if (owner)
        printk(KERN_EMERG "\nlockcheck: cpu%d releases %s (rank %d), which cpu%d holds; "
                          "cpu%d took it at:\n",
               me, l->name, l->rank, owner->index, owner->index);
    else
        printk(KERN_EMERG "\nlockcheck: cpu%d releases %s (rank %d), which no CPU holds; "
                          "it was last taken at:\n",
               me, l->name, l->rank);
    if (!owner || !print_holder_stack(l, owner))
        backtrace_print(&l->taken_at, l->taken_at ? 1 : 0);
    printk(KERN_EMERG "lockcheck: and is released at:\n");
    print_stack_from(rbp);
    panic("lockcheck: %s released by cpu%d, which does not hold it", l->name, me);
}

/* The self-tests: each breaks one rule on purpose, and the report it causes panics. */
static struct spinlock test_lock_low = SPINLOCK_INIT("test_lock_low", RANK_SCHED);
static struct spinlock test_lock_high = SPINLOCK_INIT("test_lock_high", RANK_TIMER);

void lockcheck_selftest(const char *test)
{
#ifndef NEST_LOCKCHECK
    if (strcmp(test, "release") != 0) {
        pr_warn("lockcheck self-test '%s': this kernel has no lock checker (LOCKCHECK=0)\n",
                test);
        return;
    }
#endif
    pr_info("lockcheck self-test '%s': breaking a locking rule on purpose\n", test);
    if (strcmp(test, "order") == 0) {
        spin_lock(&test_lock_high);
        spin_lock(&test_lock_low);
    } else if (strcmp(test, "sleep") == 0) {
        spin_lock(&test_lock_low);
        might_sleep();
    } else if (strcmp(test, "release") == 0) {
        spin_lock(&test_lock_low);
        spin_unlock(&test_lock_low);
        spin_unlock(&test_lock_low);
    } else if (strcmp(test, "irqsleep") == 0) {
        cli();
        might_sleep();
    } else {
        pr_warn("lockcheck self-test '%s' unknown (order, sleep, release, irqsleep)\n", test);
        return;
    }
    panic("lockcheck self-test '%s': the lock checker did not report it", test);
}
