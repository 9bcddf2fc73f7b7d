/* futex.h - waiting on a user-space word and waking its waiters (kernel/proc/futex.c), the
 * kernel half of futex(2): glibc's locks, and the clear-tid wake at a process's exit.
 */
#ifndef NEST_FUTEX_H
#define NEST_FUTEX_H

#include "types.h"

struct mm;

#define FUTEX_BITSET_MATCH_ANY 0xffffffffu

/* Sleep while the word at user address uaddr of the caller holds val, until a futex_wake on
 * it whose bitset meets bitset, a signal, or deadline (jiffies, 0 for none). private: only
 * this address space uses the word (FUTEX_PRIVATE_FLAG). 0 when woken, -EAGAIN if the word
 * held another value, -ETIMEDOUT, -EINTR, -EFAULT. */
int futex_wait(uint32_t *uaddr, bool private, uint32_t val, uint64_t deadline, uint32_t bitset);

/* Wake at most count waiters on the word at uaddr of the caller whose bitset meets bitset;
 * with requeue_to, move up to requeue more to wait on that word instead. Returns how many
 * were woken (plus requeued), or -EFAULT. */
long futex_wake(uint32_t *uaddr, bool private, int count, uint32_t bitset, uint32_t *requeue_to,
                int requeue);

#endif
