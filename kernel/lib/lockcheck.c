/* lockcheck.c - the lock checker's reports (lockcheck.h).
 *
 * A release by a CPU that does not hold the lock is checked in every build: it is cheap,
 * and the kernel cannot go on after it.
 */
#include "cpu.h"
#include "lockcheck.h"
#include "printk.h"
#include "spinlock.h"

void lockcheck_bad_release(struct spinlock *l)
{
    struct cpu *owner = l->owner;
    panic("lock %s released by cpu%d; %s, taken at %#lx", l->name, this_cpu()->index,
          owner ? "held by another CPU" : "not held", l->taken_at);
}
