/* uaccess.h - the only way the kernel touches user memory (kernel/mm/uaccess.c).
 *
 * Each function checks that the range lies in user space, then copies with a recovery
 * point: if the copy faults on an address that no region backs, the page-fault handler
 * resumes at the recovery point and the function returns -EFAULT instead of crashing.
 */
#ifndef NEST_UACCESS_H
#define NEST_UACCESS_H

#include "types.h"

struct trap_frame;

int copy_from_user(void *dst, const void *user_src, size_t n);  /* 0 or -EFAULT */
int copy_to_user(void *user_dst, const void *src, size_t n);    /* 0 or -EFAULT */
int clear_user(void *user_dst, size_t n);                       /* 0 or -EFAULT */
/* Copy a NUL-terminated string of at most max bytes including the NUL: its length,
 * -EFAULT, or -ENAMETOOLONG if no NUL comes within max bytes. */
long strncpy_from_user(char *dst, const char *user_src, size_t max);
/* Could a copy reach all of [user_ptr, user_ptr + n) (written to if write): is it in user
 * space and inside regions that allow the access? Pages need not be present; nothing is
 * faulted in. 0 or -EFAULT. A system call that may block, or do work it cannot undo, checks
 * its buffers with this first: a bad pointer fails at once, not after the wait. */
int check_user_range(const void *user_ptr, size_t n, bool write);
bool uaccess_fixup(struct trap_frame *tf); /* page-fault handler: resume at recovery point */

#define get_user(var, ptr) copy_from_user(&(var), (ptr), sizeof(var))
#define put_user(val, ptr) ({ __typeof__(*(ptr)) __v = (val); copy_to_user((ptr), &__v, sizeof(__v)); })

#endif
