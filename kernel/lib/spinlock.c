/* spinlock.c - spinlocks, and interrupts off as a counted, nesting state.
 *
 * A CPU that holds a spinlock has its interrupts off; cpu->preempt_count counts the
 * spinlocks (and push_off()s) it holds, and cpu->irq_were_on remembers whether interrupts
 * were on before the first, so the last release puts them back.
 */
#include "cpu.h"
#include "lockcheck.h"
#include "printk.h"
#include "spinlock.h"
#include "x86.h"

void spin_init(struct spinlock *l, const char *name, int rank)
{
    *l = (struct spinlock)SPINLOCK_INIT(name, rank);
}

/* push_off and pop_off as spin_lock and spin_unlock use them: inline, on every lock. */
static inline __attribute__((always_inline)) void irq_push(void)
{
    bool were_on = (read_rflags() & RFLAGS_IF) != 0;
    cli();
    struct cpu *cpu = this_cpu();
    if (cpu->preempt_count++ == 0)
        cpu->irq_were_on = were_on;
}

static inline __attribute__((always_inline)) void irq_pop(void)
{
    struct cpu *cpu = this_cpu();
#ifdef NEST_LOCKCHECK /* checks that cost a flags read on every release: test builds only */
    if (read_rflags() & RFLAGS_IF)
        panic("pop_off: interrupts are on");
#endif
    if (cpu->preempt_count <= 0)
        panic("pop_off: not pushed");
    if (--cpu->preempt_count == 0 && cpu->irq_were_on)
        sti();
}

__hot void push_off(void)
{
    irq_push();
}

__hot void pop_off(void)
{
    irq_pop();
}

bool spin_held(const struct spinlock *l)
{
    return __atomic_load_n(&l->locked, __ATOMIC_RELAXED) && l->owner == this_cpu();
}

__hot void spin_lock(struct spinlock *l)
{
    irq_push();
    if (spin_held(l))
        panic("spin_lock: %s: this CPU holds it already", l->name);
    lockcheck_acquire(l);
    while (__atomic_exchange_n(&l->locked, 1, __ATOMIC_ACQUIRE))
        while (__atomic_load_n(&l->locked, __ATOMIC_RELAXED))
            cpu_relax(); /* read-only while waiting: the cache line stays shared */
    l->owner = this_cpu();
    l->taken_at = (uint64_t)__builtin_return_address(0);
}

__hot void spin_unlock(struct spinlock *l)
{
    if (!spin_held(l))
        lockcheck_bad_release(l); /* reports and panics, in every build */
    lockcheck_release(l);
    l->owner = NULL;
    __atomic_store_n(&l->locked, 0, __ATOMIC_RELEASE);
    irq_pop();
}

__hot void might_sleep(void)
{
    lockcheck_sleep();
}
