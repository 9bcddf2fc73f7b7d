/* lockcheck.h - the lock checker (kernel/lib/lockcheck.c), on in test builds (LOCKCHECK=1).
 *
 * It keeps, per CPU, the spinlocks held in the order taken, and reports with both stacks
 * (where the held lock was taken, and here): a lock taken against the order of
 * spinlock.h's ranks, a sleep with a spinlock held or with interrupts off, and a release by
 * a CPU that does not hold the lock. A report panics, so the test that caused it fails.
 * Without the checker these are empty, except a bad release, which always panics.
 */
#ifndef NEST_LOCKCHECK_H
#define NEST_LOCKCHECK_H

#include "types.h"

struct spinlock;

#ifdef NEST_LOCKCHECK
void lockcheck_acquire(struct spinlock *l); /* before spinning for l */
void lockcheck_release(struct spinlock *l);
void lockcheck_sleep(void);
#else
static inline void lockcheck_acquire(struct spinlock *l) { (void)l; }
static inline void lockcheck_release(struct spinlock *l) { (void)l; }
static inline void lockcheck_sleep(void) {}
#endif
__noreturn void lockcheck_bad_release(struct spinlock *l);

/* lockcheck_selftest=TEST on the command line (run by kmain at the end of boot): break one
 * rule on purpose, so that tests/system/test_lockcheck.py sees the report. TEST is order,
 * sleep, release (a double release) or irqsleep (might_sleep with interrupts off). */
void lockcheck_selftest(const char *test);

#endif
