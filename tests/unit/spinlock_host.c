/* spinlock_host.c - spinlocks and push_off/pop_off for host unit tests (kernel/lib/spinlock.c
 * needs cli/sti): one thread, so a lock only records that it is held, and every misuse the
 * kernel would panic on (taking a held lock, releasing a free one, pop_off without push_off)
 * aborts the test. cpu0 is the CPU this_cpu() returns; become_cpu(i) makes it act as CPU
 * index i, so that a test can use several CPUs' per-CPU data.
 */
#include <stdio.h>

#include "cpu.h"
#include "spinlock.h"

struct cpu cpu0;

static void misuse(const char *what, const struct spinlock *l)
{
    fprintf(stderr, "%s: %s\n", what, l ? l->name : "push_off");
    __builtin_abort(); /* <stdlib.h> would clash with the kernel's struct timeval */
}

void become_cpu(int index);
int host_push_off_depth(void);

void become_cpu(int index)
{
    cpu0.index = index;
}

int host_push_off_depth(void)
{
    return cpu0.preempt_count;
}

void push_off(void)
{
    cpu0.preempt_count++;
}

void pop_off(void)
{
    if (cpu0.preempt_count <= 0)
        misuse("pop_off without push_off", NULL);
    cpu0.preempt_count--;
}

void spin_lock(struct spinlock *l)
{
    if (l->locked)
        misuse("spin_lock of a held lock (one thread: it would spin forever)", l);
    push_off();
    l->locked = 1;
    l->owner = &cpu0;
}

void spin_unlock(struct spinlock *l)
{
    if (!l->locked)
        misuse("spin_unlock of a free lock", l);
    l->locked = 0;
    l->owner = NULL;
    pop_off();
}
