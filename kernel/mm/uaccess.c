/* uaccess.c - checked copies between the kernel and user space (uaccess.h). */
#include "cpu.h"
#include "errno.h"
#include "layout.h"
#include "mm.h"
#include "proc.h"
#include "uaccess.h"

long raw_copy(void *dst, const void *src, size_t n);
long raw_clear(void *dst, size_t n);
long raw_strncpy(char *dst, const char *src, size_t max);
extern char uaccess_begin[], uaccess_end[], uaccess_fault[];

/* Is [address, address + n) entirely in user space? */
static __hot bool user_range_ok(const void *address, size_t n)
{
    uint64_t a = (uint64_t)address;
    return a + n >= a && a + n <= USER_TOP;
}

__hot int check_user_range(const void *user_ptr, size_t n, bool write)
{
    if (!user_range_ok(user_ptr, n))
        return -EFAULT;
    if (n == 0)
        return 0;
    struct mm *mm = current_proc()->mm;
    uint64_t start = (uint64_t)user_ptr;
    return mm && vm_range_allows(mm, start, start + n, write) ? 0 : -EFAULT;
}

__hot int copy_from_user(void *dst, const void *user_src, size_t n)
{
    if (!user_range_ok(user_src, n))
        return -EFAULT;
    return (int)raw_copy(dst, user_src, n);
}

__hot int copy_to_user(void *user_dst, const void *src, size_t n)
{
    if (!user_range_ok(user_dst, n))
        return -EFAULT;
    return (int)raw_copy(user_dst, src, n);
}

int clear_user(void *user_dst, size_t n)
{
    if (!user_range_ok(user_dst, n))
        return -EFAULT;
    return (int)raw_clear(user_dst, n);
}

long strncpy_from_user(char *dst, const char *user_src, size_t max)
{
    uint64_t a = (uint64_t)user_src;
    if (a >= USER_TOP)
        return -EFAULT;
    if (max > USER_TOP - a)
        max = USER_TOP - a; /* stop at the end of user space: a fault, not kernel memory */
    long n = raw_strncpy(dst, user_src, max);
    if (n == -ENAMETOOLONG && max < USER_TOP - a)
        return -ENAMETOOLONG;
    return n == -ENAMETOOLONG ? -EFAULT : n;
}

/* Called for a kernel-mode page fault that could not be fixed: if it happened inside one
 * of the copy functions, make that function return -EFAULT. */
bool uaccess_fixup(struct trap_frame *tf)
{
    if (tf->rip < (uint64_t)uaccess_begin || tf->rip >= (uint64_t)uaccess_end)
        return false;
    tf->rip = (uint64_t)uaccess_fault;
    return true;
}
