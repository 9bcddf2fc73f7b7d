/* mem.c (syscall) - the memory system calls: brk, mmap, munmap, mprotect, madvise, mremap,
 * msync, mincore.
 * They only edit the list of regions (vm.c); pages arrive on first touch.
 */
#include "fs.h"
#include "mm.h"
#include "proc.h"
#include "sched.h"
#include "syscall.h"
#include "uaccess.h"

#define MAP_SHARED 0x01
#define MAP_PRIVATE 0x02
#define MAP_SHARED_VALIDATE 0x03
#define MAP_TYPE 0x0f
#define MAP_FIXED 0x10
#define MAP_ANONYMOUS 0x20
#define MAP_GROWSDOWN 0x0100
#define MAP_DENYWRITE 0x0800
#define MAP_EXECUTABLE 0x1000
#define MAP_NORESERVE 0x4000
#define MAP_POPULATE 0x8000
#define MAP_STACK 0x20000
#define MAP_FIXED_NOREPLACE 0x100000
/* Flags that change nothing in nest: accepted. Anything else unknown: EINVAL. */
#define MAP_ACCEPTED (MAP_TYPE | MAP_FIXED | MAP_ANONYMOUS | MAP_DENYWRITE | MAP_EXECUTABLE | \
                      MAP_NORESERVE | MAP_POPULATE | MAP_STACK | MAP_FIXED_NOREPLACE)

/* May mm grow by growth bytes under the caller's RLIMIT_AS (Linux's may_expand_vm)? */
static bool may_expand(struct mm *mm, uint64_t growth)
{
    uint64_t limit = current_proc()->rlimits[RLIMIT_AS][0];
    if (limit == RLIM_INFINITY)
        return true;
    uint64_t total = vm_total_size(mm);
    return total <= limit && growth <= limit - total;
}

long sys_brk(uint64_t address)
{
    struct mm *mm = current_proc()->mm;
    if (address < mm->brk_start || address > USER_TOP)
        return (long)mm->brk;
    uint64_t old_end = ALIGN_UP(mm->brk, PAGE_SIZE);
    uint64_t new_end = ALIGN_UP(address, PAGE_SIZE);
    if (new_end > old_end) {
        if (vm_range_used(mm, old_end, new_end))
            return (long)mm->brk; /* would run into another mapping */
        if (!may_expand(mm, new_end - old_end))
            return (long)mm->brk;
        if (vm_map_area(mm, old_end, new_end - old_end, PROT_READ | PROT_WRITE, false, NULL, 0, 0))
            return (long)mm->brk;
    } else if (new_end < old_end) {
        vm_unmap(mm, new_end, old_end - new_end);
    }
    mm->brk = address;
    return (long)mm->brk;
}

/* The file behind fd for a file mapping, checked as Linux does: a regular file, open for
 * reading, and for writing too if a shared mapping may write. */
static int mapping_file(int fd, bool shared, int prot, struct inode **out)
{
    int flags;
    int err = fd_inode(fd, out, &flags);
    if (err)
        return err;
    if (!S_ISREG(inode_mode(*out)))
        return -ENODEV;
    if ((flags & 3) == 1) /* O_WRONLY */
        return -EACCES;
    if (shared && (prot & PROT_WRITE) && (flags & 3) != 2) /* not O_RDWR */
        return -EACCES;
    return 0;
}

long sys_mmap(uint64_t address, uint64_t length, int prot, int flags, int fd, uint64_t offset)
{
    struct mm *mm = current_proc()->mm;
    int type = flags & MAP_TYPE;
    if (length == 0 || (offset & (PAGE_SIZE - 1)) || (flags & ~MAP_ACCEPTED) ||
        (prot & ~(PROT_READ | PROT_WRITE | PROT_EXEC)))
        return -EINVAL;
    if (type != MAP_SHARED && type != MAP_PRIVATE && type != MAP_SHARED_VALIDATE)
        return -EINVAL;
    uint64_t size = ALIGN_UP(length, PAGE_SIZE);
    if (size < length || size > USER_TOP)
        return -ENOMEM;
    bool shared = type != MAP_PRIVATE;

    struct inode *file = NULL;
    uint64_t file_size = 0;
    if (!(flags & MAP_ANONYMOUS)) {
        int err = mapping_file(fd, shared, prot, &file);
        if (err)
            return err;
        uint64_t total = inode_size(file);
        file_size = offset < total ? MIN(total - offset, size) : 0;
    }

    if (flags & (MAP_FIXED | MAP_FIXED_NOREPLACE)) {
        if ((address & (PAGE_SIZE - 1)) || address + size > USER_TOP || address + size < address)
            return -EINVAL;
        if ((flags & MAP_FIXED_NOREPLACE) && !(flags & MAP_FIXED) &&
            vm_range_used(mm, address, address + size))
            return -EEXIST;
    } else {
        address = vm_find_free(mm, size);
        if (!address)
            return -ENOMEM;
    }
    /* what a MAP_FIXED mapping replaces does not count twice */
    if (!may_expand(mm, size - vm_bytes_mapped(mm, address, address + size)))
        return -ENOMEM;
    int err = vm_map_area(mm, address, size, prot, shared, file, offset, file_size);
    if (err)
        return err;
    if (file)
        vm_find_area(mm, address)->past_eof_faults = true;
    return (long)address;
}

long sys_munmap(uint64_t address, uint64_t length)
{
    if (length == 0)
        return -EINVAL;
    return vm_unmap(current_proc()->mm, address, length);
}

long sys_mprotect(uint64_t address, uint64_t length, int prot)
{
    if (prot & ~(PROT_READ | PROT_WRITE | PROT_EXEC))
        return -EINVAL;
    if (length == 0)
        return (address & (PAGE_SIZE - 1)) ? -EINVAL : 0;
    return vm_protect(current_proc()->mm, address, length, prot);
}

#define MADV_NORMAL 0
#define MADV_RANDOM 1
#define MADV_SEQUENTIAL 2
#define MADV_WILLNEED 3
#define MADV_DONTNEED 4
#define MADV_FREE 8

long sys_madvise(uint64_t address, uint64_t length, int advice)
{
    if (address & (PAGE_SIZE - 1))
        return -EINVAL;
    switch (advice) {
    case MADV_NORMAL:
    case MADV_RANDOM:
    case MADV_SEQUENTIAL:
    case MADV_WILLNEED:
        return 0; /* hints; nest reads nothing ahead */
    case MADV_DONTNEED:
    case MADV_FREE:
        return vm_discard(current_proc()->mm, address, length);
    default:
        return -EINVAL;
    }
}

#define MREMAP_MAYMOVE 1
#define MREMAP_FIXED 2

/* mremap with MREMAP_FIXED: the pages go to new_address, replacing what was there. */
static long remap_fixed(struct mm *mm, uint64_t old_address, uint64_t old_size,
                        uint64_t new_size, uint64_t new_address)
{
    if ((new_address & (PAGE_SIZE - 1)) || new_address + new_size > USER_TOP ||
        new_address + new_size < new_address)
        return -EINVAL;
    if (new_address < old_address + old_size && old_address < new_address + new_size)
        return -EINVAL; /* the two ranges overlap */
    uint64_t kept = MIN(old_size, new_size);
    int err = vm_unmap(mm, new_address, new_size);
    if (!err && new_size > old_size && !may_expand(mm, new_size - old_size))
        err = -ENOMEM; /* counted once the destination is free, as Linux does */
    if (!err && old_size > new_size)
        err = vm_unmap(mm, old_address + new_size, old_size - new_size);
    if (!err)
        err = vm_move(mm, old_address, kept, new_address);
    if (err)
        return err;
    vm_extend_area(vm_find_area(mm, new_address), new_address + new_size);
    return (long)new_address;
}

/* mremap(2): shrink a mapping, grow it in place, or (MREMAP_MAYMOVE) move it where it fits,
 * pages and all; MREMAP_FIXED says where. The old range must lie in one region. Not
 * supported: MREMAP_DONTUNMAP and an old_size of 0 (a second mapping of shared memory):
 * EINVAL. */
long sys_mremap(uint64_t old_address, uint64_t old_size, uint64_t new_size, int flags,
                uint64_t new_address)
{
    struct mm *mm = current_proc()->mm;
    if ((flags & ~(MREMAP_MAYMOVE | MREMAP_FIXED)) || (old_address & (PAGE_SIZE - 1)))
        return -EINVAL;
    if ((flags & MREMAP_FIXED) && !(flags & MREMAP_MAYMOVE))
        return -EINVAL;
    old_size = ALIGN_UP(old_size, PAGE_SIZE);
    new_size = ALIGN_UP(new_size, PAGE_SIZE);
    if (old_size == 0 || new_size == 0 || new_size > USER_TOP)
        return -EINVAL;
    struct vm_area *a = vm_find_area(mm, old_address);
    if (!a || old_size > a->end - old_address)
        return -EFAULT;
    if (flags & MREMAP_FIXED)
        return remap_fixed(mm, old_address, old_size, new_size, new_address);
    if (new_size <= old_size) {
        if (new_size < old_size)
            vm_unmap(mm, old_address + new_size, old_size - new_size);
        return (long)old_address;
    }
    if (!may_expand(mm, new_size - old_size))
        return -ENOMEM;
    uint64_t end = old_address + new_size;
    if (a->end == old_address + old_size && end <= USER_TOP &&
        !vm_range_used(mm, a->end, end)) {
        vm_extend_area(a, end); /* room right after it: grow in place */
        return (long)old_address;
    }
    if (!(flags & MREMAP_MAYMOVE))
        return -ENOMEM;
    uint64_t destination = vm_find_free(mm, new_size);
    if (!destination)
        return -ENOMEM;
    int err = vm_move(mm, old_address, old_size, destination);
    if (err)
        return err;
    vm_extend_area(vm_find_area(mm, destination), destination + new_size);
    return (long)destination;
}

#define MS_ASYNC 1
#define MS_INVALIDATE 2
#define MS_SYNC 4

/* msync(2): checked as Linux checks it, then nothing to do: every file lives in ramfs, in
 * memory, and a shared mapping maps the file's own pages, so there is no other copy to
 * write back or to invalidate. */
long sys_msync(uint64_t address, uint64_t length, int flags)
{
    if ((flags & ~(MS_ASYNC | MS_INVALIDATE | MS_SYNC)) || (address & (PAGE_SIZE - 1)))
        return -EINVAL;
    if ((flags & MS_ASYNC) && (flags & MS_SYNC))
        return -EINVAL;
    uint64_t end = address + ALIGN_UP(length, PAGE_SIZE);
    if (end < address)
        return -ENOMEM;
    struct mm *mm = current_proc()->mm;
    if (vm_bytes_mapped(mm, address, end) != end - address)
        return -ENOMEM; /* a hole in the range */
    return 0;
}

/* mincore(2): a byte per page of [address, address + length), 1 if the page is in memory.
 * The answers go out a page of them at a time, as Linux's do: a hole in the range is ENOMEM
 * once the answers before it are out. */
long sys_mincore(uint64_t address, uint64_t length, uint8_t *user_vec)
{
    if (address & (PAGE_SIZE - 1))
        return -EINVAL;
    if (address > USER_TOP || length > USER_TOP - address)
        return -ENOMEM;
    uint64_t pages = ALIGN_UP(length, PAGE_SIZE) / PAGE_SIZE;
    uint8_t *answers = kmalloc(PAGE_SIZE);
    if (!answers)
        return -ENOMEM;
    struct mm *mm = current_proc()->mm;
    long result = 0;
    while (pages > 0) {
        long answered = vm_residency(mm, address, MIN(pages, (uint64_t)PAGE_SIZE), answers);
        if (answered < 0) {
            result = answered;
            break;
        }
        if (copy_to_user(user_vec, answers, (size_t)answered)) {
            result = -EFAULT;
            break;
        }
        pages -= (uint64_t)answered;
        user_vec += answered;
        address += (uint64_t)answered * PAGE_SIZE;
        cond_resched(); /* the range is the caller's: terabytes of reserved space are a long walk */
    }
    kfree(answers);
    return result;
}
