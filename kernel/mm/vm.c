/* vm.c - page tables and user address spaces.
 *
 * The kernel half (PML4 entries 256-511) is built once by vm_init() and shared by every
 * address space: each new PML4 copies those entries. The user half is described by a list
 * of struct vm_area and filled lazily by the page-fault handler: zero pages for anonymous
 * memory, a copy of file data for file mappings, and a private copy on the first write to a
 * copy-on-write page shared after fork(). A change to an entry that another CPU's TLB may
 * hold is followed by a TLB shootdown (the end of this file).
 */
#include "apic.h"
#include "arch.h"
#include "cpu.h"
#include "fs.h"
#include "mm.h"
#include "printk.h"
#include "proc.h"
#include "smp.h"
#include "spinlock.h"
#include "string.h"
#include "x86.h"

extern char _kernel_start[], _text_end[], _rodata_end[], _kernel_end[];

static uint64_t kernel_pml4_phys;

#define CR4_PGE (1UL << 7) /* global pages: their TLB entries survive CR3 loads */

#define PF_PRESENT 0x1 /* page-fault error code bits */
#define PF_WRITE 0x2
#define PF_USER 0x4

static uint64_t *table_at(uint64_t entry) { return P2V(entry & PTE_ADDRESS_MASK); }

/* The page-table entry for va, creating missing intermediate tables when create is set.
 * Returns NULL if a table is missing (and not created) or memory ran out. */
uint64_t *vm_walk(uint64_t pml4, uint64_t va, bool create)
{
    uint64_t *table = P2V(pml4);
    for (int shift = 39; shift > 12; shift -= 9) {
        uint64_t *entry = &table[(va >> shift) & 511];
        if (!(*entry & PTE_PRESENT)) {
            if (!create)
                return NULL;
            uint64_t frame = frame_alloc_zeroed();
            if (!frame)
                return NULL;
            /* Intermediate entries allow everything; the last level decides. */
            *entry = frame | PTE_PRESENT | PTE_WRITE | (va < USER_TOP ? PTE_USER : 0);
        } else if (*entry & PTE_LARGE) {
            return entry;
        }
        table = table_at(*entry);
    }
    return &table[(va >> 12) & 511];
}

/* Map [va, va+size) to [pa, pa+size) in the kernel tables with 4 KiB pages. */
static void map_kernel_range(uint64_t va, uint64_t pa, uint64_t size, uint64_t flags)
{
    for (uint64_t off = 0; off < size; off += PAGE_SIZE) {
        uint64_t *pte = vm_walk(kernel_pml4_phys, va + off, true);
        if (!pte)
            panic("vm_init: out of memory for kernel page tables");
        *pte = (pa + off) | flags | PTE_PRESENT | PTE_GLOBAL;
    }
}

/* Map all physical memory at PHYS_MAP_BASE with 2 MiB pages, read-write, never executable. */
static void map_physical_memory(uint64_t highest)
{
    for (uint64_t pa = 0; pa < ALIGN_UP(highest, 0x200000UL); pa += 0x200000) {
        uint64_t va = PHYS_MAP_BASE_ADDR + pa;
        uint64_t *table = P2V(kernel_pml4_phys);
        for (int shift = 39; shift > 21; shift -= 9) {
            uint64_t *entry = &table[(va >> shift) & 511];
            if (!(*entry & PTE_PRESENT)) {
                uint64_t frame = frame_alloc_zeroed();
                if (!frame)
                    panic("vm_init: out of memory for the direct map");
                *entry = frame | PTE_PRESENT | PTE_WRITE;
            }
            table = table_at(*entry);
        }
        table[(va >> 21) & 511] = pa | PTE_PRESENT | PTE_WRITE | PTE_LARGE | PTE_GLOBAL | PTE_NX;
    }
}

/* Build the kernel's page tables and switch to them: text read-only and executable, rodata
 * read-only, data and bss writable but not executable, physical memory at PHYS_MAP_BASE,
 * and the tables for the kernel-stack area made in advance so that no later kernel mapping
 * needs a new top-level entry (user PML4s copy the top half once, at creation). */
void vm_init(uint64_t highest_physical)
{
    kernel_pml4_phys = frame_alloc_zeroed();
    if (!kernel_pml4_phys)
        panic("vm_init: out of memory");
    uint64_t start = (uint64_t)_kernel_start;
    map_kernel_range(start, start - KERNEL_VMA, (uint64_t)_text_end - start, 0);
    map_kernel_range((uint64_t)_text_end, (uint64_t)_text_end - KERNEL_VMA,
                     (uint64_t)_rodata_end - (uint64_t)_text_end, PTE_NX);
    map_kernel_range((uint64_t)_rodata_end, (uint64_t)_rodata_end - KERNEL_VMA,
                     (uint64_t)_kernel_end - (uint64_t)_rodata_end, PTE_WRITE | PTE_NX);
    map_physical_memory(highest_physical);
    for (uint64_t va = VMAP_BASE; va < VMAP_BASE + VMAP_SIZE; va += 0x200000)
        if (!vm_walk(kernel_pml4_phys, va, true))
            panic("vm_init: out of memory for the kernel stack area");
    write_cr4(read_cr4() | CR4_PGE); /* kernel pages survive CR3 switches */
    write_cr3(kernel_pml4_phys);
}

uint64_t kernel_pml4(void)
{
    return kernel_pml4_phys;
}

/* ---- kernel stacks ---- */

#define KSTACK_SLOT (KERNEL_STACK_SIZE + PAGE_SIZE) /* the stack and its guard page */
#define KSTACK_SLOTS (VMAP_SIZE / KSTACK_SLOT)

/* The slots of freed stacks, and the first never used. Guard: kstack_lock (a stack is freed
 * by the next process on a CPU, without the kernel lock: sched_finish_switch). */
static struct spinlock kstack_lock = SPINLOCK_INIT("kstack", RANK_KSTACK);
static uint64_t kstack_free_slots[KSTACK_SLOTS];
static int kstack_free_count;
static uint64_t kstack_next = VMAP_BASE;

/* A slot for a new stack, or 0 when the area is full. */
static uint64_t kstack_take_slot(void)
{
    uint64_t slot = 0;
    spin_lock(&kstack_lock);
    if (kstack_free_count > 0)
        slot = kstack_free_slots[--kstack_free_count];
    else if (kstack_next + KSTACK_SLOT <= VMAP_BASE + VMAP_SIZE)
        slot = kstack_next, kstack_next += KSTACK_SLOT;
    spin_unlock(&kstack_lock);
    return slot;
}

static void kstack_put_slot(uint64_t slot)
{
    spin_lock(&kstack_lock);
    kstack_free_slots[kstack_free_count++] = slot;
    spin_unlock(&kstack_lock);
}

/* Unmap and free the first bytes of a kernel stack (or other mapped area) at base. The
 * frames go back only once no CPU's TLB can reach them: the entries first lose their
 * present bit (keeping the address), every CPU flushes, then the frames are freed. */
static void unmap_kstack_pages(uint64_t base, uint64_t bytes)
{
    for (uint64_t off = 0; off < bytes; off += PAGE_SIZE)
        *vm_walk(kernel_pml4_phys, base + off, false) &= ~PTE_PRESENT;
    tlb_flush_kernel(base, base + bytes);
    for (uint64_t off = 0; off < bytes; off += PAGE_SIZE) {
        uint64_t *pte = vm_walk(kernel_pml4_phys, base + off, false);
        frame_unref(*pte & PTE_ADDRESS_MASK);
        *pte = 0;
    }
}

/* A kernel stack: KERNEL_STACK_SIZE mapped bytes above an unmapped guard page, so an
 * overflow faults instead of corrupting the neighbour. Returns the lowest mapped address. */
void *kstack_alloc(void)
{
    uint64_t slot = kstack_take_slot();
    if (!slot)
        return NULL;
    uint64_t base = slot + PAGE_SIZE; /* slot's first page stays unmapped: the guard */
    for (uint64_t off = 0; off < KERNEL_STACK_SIZE; off += PAGE_SIZE) {
        uint64_t frame = frame_alloc();
        if (!frame) {
            unmap_kstack_pages(base, off);
            kstack_put_slot(slot);
            return NULL;
        }
        uint64_t *pte = vm_walk(kernel_pml4_phys, base + off, false);
        *pte = frame | PTE_PRESENT | PTE_WRITE | PTE_NX | PTE_GLOBAL; /* was not present */
    }
    return (void *)base;
}

void kstack_free(void *stack)
{
    uint64_t base = (uint64_t)stack;
    unmap_kstack_pages(base, KERNEL_STACK_SIZE);
    kstack_put_slot(base - PAGE_SIZE);
}

void *vm_map_kernel_pages(uint64_t va, uint64_t size)
{
    for (uint64_t off = 0; off < size; off += PAGE_SIZE) {
        uint64_t frame = frame_alloc_zeroed();
        uint64_t *pte = frame ? vm_walk(kernel_pml4_phys, va + off, true) : NULL;
        if (!pte) {
            if (frame)
                frame_unref(frame);
            unmap_kstack_pages(va, off);
            return NULL;
        }
        *pte = frame | PTE_PRESENT | PTE_WRITE | PTE_NX | PTE_GLOBAL; /* was not present */
    }
    return (void *)va;
}

/* ---- user address spaces ---- */

struct mm *mm_create(void)
{
    struct mm *mm = kzalloc(sizeof(*mm));
    if (!mm)
        return NULL;
    mm->pml4 = frame_alloc_zeroed();
    if (!mm->pml4) {
        kfree(mm);
        return NULL;
    }
    memcpy((uint64_t *)P2V(mm->pml4) + 256, (uint64_t *)P2V(kernel_pml4_phys) + 256,
           256 * sizeof(uint64_t));
    mm->mmap_base = 0x7f0000000000;
    mm->users = 1;
    return mm;
}

static uint64_t pte_flags_for(int prot)
{
    if (!(prot & (PROT_READ | PROT_WRITE | PROT_EXEC)))
        return PTE_PRESENT | PTE_NX; /* PROT_NONE: kept, but user access faults */
    uint64_t flags = PTE_PRESENT | PTE_USER;
    if (prot & PROT_WRITE)
        flags |= PTE_WRITE;
    if (!(prot & PROT_EXEC))
        flags |= PTE_NX;
    return flags;
}

/* Apply fn to every present user PTE in [start, end). The walk can be long (a big address
 * space): it lets others run between page tables (cond_resched), so fn must leave the
 * address space consistent after each entry. */
static void for_each_pte(uint64_t pml4, uint64_t start, uint64_t end,
                         void (*fn)(uint64_t *pte, uint64_t va, void *arg), void *arg)
{
    uint64_t *l4 = P2V(pml4);
    for (uint64_t va = start; va < end;) {
        uint64_t *l3e = &l4[(va >> 39) & 511];
        if (!(*l3e & PTE_PRESENT)) {
            va = ALIGN_DOWN(va, 1UL << 39) + (1UL << 39);
            continue;
        }
        uint64_t *l2e = &table_at(*l3e)[(va >> 30) & 511];
        if (!(*l2e & PTE_PRESENT)) {
            va = ALIGN_DOWN(va, 1UL << 30) + (1UL << 30);
            continue;
        }
        uint64_t *l1e = &table_at(*l2e)[(va >> 21) & 511];
        if (!(*l1e & PTE_PRESENT)) {
            va = ALIGN_DOWN(va, 1UL << 21) + (1UL << 21);
            continue;
        }
        uint64_t *pte = &table_at(*l1e)[(va >> 12) & 511];
        if (*pte & PTE_PRESENT)
            fn(pte, va, arg);
        va += PAGE_SIZE;
        if ((va & (0x200000 - 1)) == 0)
            cond_resched(); /* the end of a page table */
    }
}

struct fork_walk {
    struct mm *child;
    struct vm_area *area;
    bool failed;
};

/* Share one page with the child: read-only in both for private writable memory (the first
 * write makes a copy), as it is for shared memory. */
static void fork_one_pte(uint64_t *pte, uint64_t va, void *arg)
{
    struct fork_walk *w = arg;
    if (w->failed)
        return;
    uint64_t *child_pte = vm_walk(w->child->pml4, va, true);
    if (!child_pte) {
        w->failed = true;
        return;
    }
    /* LAB cow: begin */
    if (!frame_ref(*pte & PTE_ADDRESS_MASK)) {
        w->failed = true;
        return;
    }
    if (!w->area->shared)
        *pte &= ~PTE_WRITE;
    *child_pte = *pte;
    /* LAB cow: stub
    // An eager copy of every private page: correct, but fork needs as much free memory
    // as the parent uses, and copies pages that nobody will ever write.
    uint64_t frame = *pte & PTE_ADDRESS_MASK;
    if (w->area->shared) {
        if (!frame_ref(frame))
            w->failed = true;
        else
            *child_pte = *pte;
        return;
    }
    uint64_t copy = frame_alloc();
    if (!copy) {
        w->failed = true;
        return;
    }
    memcpy(P2V(copy), P2V(frame), PAGE_SIZE);
    *child_pte = copy | (*pte & ~PTE_ADDRESS_MASK);
       LAB cow: end */
}

static struct vm_area *copy_area(const struct vm_area *a)
{
    struct vm_area *c = kmalloc(sizeof(*c));
    if (!c)
        return NULL;
    *c = *a;
    c->next = NULL;
    if (c->file)
        inode_get(c->file);
    return c;
}

/* A copy of parent for fork(): the same regions, pages shared copy-on-write. */
struct mm *mm_fork(struct mm *parent)
{
    struct mm *child = mm_create();
    if (!child)
        return NULL;
    child->map_count = parent->map_count;
    child->brk_start = parent->brk_start;
    child->brk = parent->brk;
    child->mmap_base = parent->mmap_base;
    child->arg_start = parent->arg_start;
    child->arg_end = parent->arg_end;
    child->env_start = parent->env_start;
    child->env_end = parent->env_end;
    if (parent->exe_path) {
        size_t length = strlen(parent->exe_path) + 1;
        child->exe_path = kmalloc(length);
        if (child->exe_path)
            memcpy(child->exe_path, parent->exe_path, length);
    }
    memcpy(child->saved_auxv, parent->saved_auxv, sizeof(child->saved_auxv));
    struct vm_area **tail = &child->areas;
    for (struct vm_area *a = parent->areas; a; a = a->next) {
        struct vm_area *c = copy_area(a);
        if (!c) {
            mm_destroy(child);
            return NULL;
        }
        *tail = c;
        tail = &c->next;
        struct fork_walk w = {child, a, false};
        for_each_pte(parent->pml4, a->start, a->end, fork_one_pte, &w);
        if (w.failed) {
            mm_destroy(child);
            return NULL;
        }
    }
    tlb_flush_mm(parent, 0, USER_TOP); /* its pages just became read-only: flush them */
    child->resident_pages = parent->resident_pages; /* every present page was shared */
    return child;
}

/* Frames unmapped from an address space and not yet freed: a CPU that has the address
 * space loaded may still reach them through its TLB until the flush that frees them. */
#define UNMAP_BATCH_FRAMES 64

struct unmap_batch {
    struct mm *mm;
    uint64_t start, end; /* the pages' addresses lie in [start, end) */
    int count;
    uint64_t frames[UNMAP_BATCH_FRAMES];
};

/* Flush the batch's range from every TLB that may hold it, then free its frames. */
static void unmap_batch_finish(struct unmap_batch *b)
{
    if (b->count == 0)
        return;
    tlb_flush_mm(b->mm, b->start, b->end);
    for (int i = 0; i < b->count; i++)
        frame_unref(b->frames[i]);
    b->count = 0;
}

/* Unmap one page of the batch's address space, whose resident count drops. */
static void unmap_page_of_mm(uint64_t *pte, uint64_t va, void *arg)
{
    struct unmap_batch *b = arg;
    if (b->count == UNMAP_BATCH_FRAMES)
        unmap_batch_finish(b);
    if (b->count == 0)
        b->start = va;
    b->end = va + PAGE_SIZE;
    b->frames[b->count++] = *pte & PTE_ADDRESS_MASK;
    *pte = 0;
    b->mm->resident_pages--;
}

/* Unmap every page of [start, end) in mm and free the frames once no TLB reaches them. */
static void unmap_range(struct mm *mm, uint64_t start, uint64_t end)
{
    struct unmap_batch b = {.mm = mm};
    for_each_pte(mm->pml4, start, end, unmap_page_of_mm, &b);
    unmap_batch_finish(&b);
}

/* Free the user half's page-table pages (the kernel half is shared and stays). */
static void free_user_tables(uint64_t pml4)
{
    uint64_t *l4 = P2V(pml4);
    for (int i = 0; i < 256; i++) {
        if (!(l4[i] & PTE_PRESENT))
            continue;
        uint64_t *l3 = table_at(l4[i]);
        for (int j = 0; j < 512; j++) {
            if (!(l3[j] & PTE_PRESENT))
                continue;
            uint64_t *l2 = table_at(l3[j]);
            for (int k = 0; k < 512; k++)
                if (l2[k] & PTE_PRESENT)
                    frame_unref(l2[k] & PTE_ADDRESS_MASK);
            frame_unref(l3[j] & PTE_ADDRESS_MASK);
        }
        frame_unref(l4[i] & PTE_ADDRESS_MASK);
    }
}

static void free_area(struct vm_area *a)
{
    if (a->file)
        inode_put(a->file);
    kfree(a);
}

void mm_destroy(struct mm *mm)
{
    if (--mm->users > 0)
        return;
    if (this_cpu()->active_mm == mm)
        mm_activate(NULL);
    if (__atomic_load_n(&mm->cpus_loaded, __ATOMIC_SEQ_CST))
        panic("mm_destroy: the address space is still loaded on CPUs %#lx", mm->cpus_loaded);
    while (mm->areas) { /* unlinked one by one: the walk may let others run */
        struct vm_area *a = mm->areas;
        unmap_range(mm, a->start, a->end);
        mm->areas = a->next;
        free_area(a);
    }
    free_user_tables(mm->pml4);
    frame_unref(mm->pml4);
    kfree(mm->exe_path);
    kfree(mm);
}

/* Load mm (NULL: the kernel's tables alone) on this CPU and keep mm->cpus_loaded true: the
 * bit is set before CR3 is written, so a CPU changing mm's entries meanwhile either sees it
 * (and asks this one to flush) or changed them before this CPU's TLB was emptied. */
__hot void mm_activate(struct mm *mm)
{
    push_off();
    struct cpu *me = this_cpu();
    struct mm *old = me->active_mm;
    uint64_t bit = 1UL << me->index;
    if (old != mm) {
        if (mm)
            __atomic_fetch_or(&mm->cpus_loaded, bit, __ATOMIC_SEQ_CST);
        write_cr3(mm ? mm->pml4 : kernel_pml4_phys);
        if (old)
            __atomic_fetch_and(&old->cpus_loaded, ~bit, __ATOMIC_SEQ_CST);
        me->active_mm = mm;
    }
    pop_off();
}

/* The bytes of every region of mm (Linux's total_vm, what RLIMIT_AS limits). One pass over
 * the regions. */
uint64_t vm_total_size(struct mm *mm)
{
    uint64_t total = 0;
    for (struct vm_area *a = mm->areas; a; a = a->next)
        total += a->end - a->start;
    return total;
}

/* The bytes of [start, end) that regions of mm already cover. */
uint64_t vm_bytes_mapped(struct mm *mm, uint64_t start, uint64_t end)
{
    uint64_t bytes = 0;
    for (struct vm_area *a = mm->areas; a; a = a->next)
        if (a->start < end && start < a->end)
            bytes += MIN(a->end, end) - MAX(a->start, start);
    return bytes;
}

/* Does any region overlap [start, end)? One pass over the regions, never over the pages:
 * a range can be terabytes long. */
bool vm_range_used(struct mm *mm, uint64_t start, uint64_t end)
{
    for (struct vm_area *a = mm->areas; a; a = a->next)
        if (a->start < end && start < a->end)
            return true;
    return false;
}

/* Is every byte of [start, end) inside some region? (The list is sorted.) */
static bool range_fully_mapped(struct mm *mm, uint64_t start, uint64_t end)
{
    uint64_t covered = start;
    for (struct vm_area *a = mm->areas; a && covered < end; a = a->next) {
        if (a->end <= covered)
            continue;
        if (a->start > covered)
            return false;
        covered = a->end;
    }
    return covered >= end;
}

/* Does every byte of [start, end) lie in regions that allow the access (write, or else
 * read: any protection but PROT_NONE, as vm_populate decides)? One pass over the regions. */
__hot bool vm_range_allows(struct mm *mm, uint64_t start, uint64_t end, bool write)
{
    int needed = write ? PROT_WRITE : PROT_READ | PROT_WRITE | PROT_EXEC;
    uint64_t covered = start;
    for (struct vm_area *a = mm->areas; a && covered < end; a = a->next) {
        if (a->end <= covered)
            continue;
        if (a->start > covered || !(a->prot & needed))
            return false;
        covered = a->end;
    }
    return covered >= end;
}

struct vm_area *vm_find_area(struct mm *mm, uint64_t address)
{
    for (struct vm_area *a = mm->areas; a; a = a->next)
        if (address >= a->start && address < a->end)
            return a;
    return NULL;
}

/* Split the region containing address so that a region boundary falls exactly there. */
static int split_at(struct mm *mm, uint64_t address)
{
    struct vm_area *a = vm_find_area(mm, address);
    if (!a || a->start == address)
        return 0;
    if (mm->map_count >= MAX_MAP_COUNT)
        return -ENOMEM;
    struct vm_area *b = copy_area(a);
    if (!b)
        return -ENOMEM;
    uint64_t delta = address - a->start;
    b->start = address;
    b->file_offset += delta;
    b->file_size = a->file_size > delta ? a->file_size - delta : 0;
    a->file_size = MIN(a->file_size, delta);
    a->end = address;
    b->next = a->next;
    a->next = b;
    mm->map_count++;
    return 0;
}

/* Remove every region in [start, start+length), freeing its pages. */
int vm_unmap(struct mm *mm, uint64_t start, uint64_t length)
{
    uint64_t end = start + ALIGN_UP(length, PAGE_SIZE);
    if ((start & (PAGE_SIZE - 1)) || end <= start || end > USER_TOP)
        return -EINVAL;
    int err = split_at(mm, start);
    if (!err)
        err = split_at(mm, end);
    if (err)
        return err;
    for (struct vm_area **link = &mm->areas; *link;) {
        struct vm_area *a = *link;
        if (a->start >= start && a->end <= end) {
            unmap_range(mm, a->start, a->end);
            *link = a->next;
            free_area(a);
            mm->map_count--;
        } else {
            link = &a->next;
        }
    }
    return 0;
}

/* Can b, which starts where a ends, become part of a? Only if nothing about a page would
 * change: the same protection and kind, and for a file the data continuing without a gap. */
static bool can_merge(const struct vm_area *a, const struct vm_area *b)
{
    if (a->end != b->start || a->prot != b->prot || a->shared != b->shared ||
        a->file != b->file || a->past_eof_faults != b->past_eof_faults)
        return false;
    return !a->file || (a->file_size == a->end - a->start &&
                        b->file_offset == a->file_offset + (a->end - a->start));
}

/* Merge neighbouring regions that differ in nothing, as Linux does: after mprotect puts a
 * split region's pieces back to one protection, or brk grows the heap, one region remains. */
static void merge_areas(struct mm *mm)
{
    for (struct vm_area *a = mm->areas; a && a->next;) {
        struct vm_area *b = a->next;
        if (!can_merge(a, b)) {
            a = b;
            continue;
        }
        a->end = b->end;
        a->file_size += b->file_size;
        a->next = b->next;
        free_area(b);
        mm->map_count--;
    }
}

/* Add a region (replacing whatever was mapped there, as MAP_FIXED does). Anonymous memory
 * merges with its neighbours; a file mapping stays a region of its own (mmap marks it). */
int vm_map_area(struct mm *mm, uint64_t start, uint64_t length, int prot, bool shared,
                struct inode *file, uint64_t offset, uint64_t file_size)
{
    uint64_t end = start + ALIGN_UP(length, PAGE_SIZE);
    int err = vm_unmap(mm, start, length);
    if (err)
        return err;
    if (mm->map_count >= MAX_MAP_COUNT)
        return -ENOMEM;
    struct vm_area *a = kzalloc(sizeof(*a));
    if (!a)
        return -ENOMEM;
    *a = (struct vm_area){.start = start, .end = end, .prot = prot, .shared = shared, .file = file,
                          .file_offset = offset, .file_size = file_size};
    if (file)
        inode_get(file);
    struct vm_area **link = &mm->areas;
    while (*link && (*link)->start < start)
        link = &(*link)->next;
    a->next = *link;
    *link = a;
    mm->map_count++;
    if (!file)
        merge_areas(mm);
    return 0;
}

struct protect_walk {
    int prot;
    bool shared;
};

static void protect_one_pte(uint64_t *pte, uint64_t va __unused, void *arg)
{
    struct protect_walk *w = arg;
    uint64_t frame = *pte & PTE_ADDRESS_MASK;
    uint64_t flags = pte_flags_for(w->prot);
    /* A shared copy-on-write page stays read-only until the fault handler copies it. */
    if (!w->shared && frame_refcount(frame) > 1)
        flags &= ~PTE_WRITE;
    *pte = frame | flags;
}

int vm_protect(struct mm *mm, uint64_t start, uint64_t length, int prot)
{
    uint64_t end = start + ALIGN_UP(length, PAGE_SIZE);
    if ((start & (PAGE_SIZE - 1)) || end < start || end > USER_TOP)
        return -EINVAL;
    if (!range_fully_mapped(mm, start, end))
        return -ENOMEM;
    int err = split_at(mm, start);
    if (!err)
        err = split_at(mm, end);
    if (err)
        return err;
    for (struct vm_area *a = mm->areas; a; a = a->next) {
        if (a->start >= start && a->end <= end) {
            a->prot = prot;
            struct protect_walk w = {prot, a->shared};
            for_each_pte(mm->pml4, a->start, a->end, protect_one_pte, &w);
        }
    }
    merge_areas(mm);
    tlb_flush_mm(mm, start, end);
    return 0;
}

#define MMAP_LOWEST 0x10000000UL /* mmap without an address never goes below this */

/* The highest free gap of length bytes below mmap_base (top-down, like Linux's mmap): one
 * pass over the sorted regions, remembering the last gap that fits. 0 if none does. */
uint64_t vm_find_free(struct mm *mm, uint64_t length)
{
    uint64_t best = 0, gap_start = MMAP_LOWEST;
    for (struct vm_area *a = mm->areas; a && gap_start < mm->mmap_base; a = a->next) {
        uint64_t gap_end = MIN(a->start, mm->mmap_base);
        if (gap_end > gap_start && gap_end - gap_start >= length)
            best = gap_end - length;
        gap_start = MAX(gap_start, a->end);
    }
    if (gap_start < mm->mmap_base && mm->mmap_base - gap_start >= length)
        best = mm->mmap_base - length;
    return best;
}

/* Fill a new page for address in area a: file data or zeros. */
static int fill_page(struct vm_area *a, uint64_t page_va, void *page)
{
    memset(page, 0, PAGE_SIZE);
    if (!a->file)
        return 0;
    uint64_t rel = page_va - a->start;
    if (rel >= a->file_size)
        return 0;
    size_t n = MIN((uint64_t)PAGE_SIZE, a->file_size - rel);
    ssize_t got = inode_read(a->file, page, n, a->file_offset + rel);
    return got < 0 ? (int)got : 0;
}

/* For a read or execute fault on a private file mapping: the file's own page, shared
 * (the "page cache"), when the whole page is file data. Mapped read-only with one more
 * reference, so a write copies it like any copy-on-write page. Programs' code thus stays
 * in the same frames from one exec to the next. 0 when it cannot be shared. */
static uint64_t shared_file_frame(struct vm_area *a, uint64_t page_va)
{
    uint64_t rel = page_va - a->start;
    if (!a->file || rel + PAGE_SIZE > a->file_size || (a->file_offset & (PAGE_SIZE - 1)))
        return 0;
    uint64_t frame = inode_page_frame(a->file, (a->file_offset + rel) / PAGE_SIZE, false);
    if (frame && !frame_ref(frame))
        return 0; /* shared too often already: the caller makes a private copy */
    return frame;
}

/* A shared file mapping maps the file's own frames, writable if the mapping is: stores go
 * straight into the file, and every process mapping it sees them. 0 when out of memory, or
 * when the frame has FRAME_REFS_MAX users already. */
static uint64_t file_frame_for_sharing(struct vm_area *a, uint64_t page_va)
{
    uint64_t index = (a->file_offset + (page_va - a->start)) / PAGE_SIZE;
    uint64_t frame = inode_page_frame(a->file, index, true);
    if (frame && !frame_ref(frame))
        return 0;
    return frame;
}

/* A write to a present, read-only page of a writable region: the page is shared
 * copy-on-write (after fork, or a file's own page). The last sharer takes the page over, the
 * others copy it. Never inlined, so that `break cow_fault` in gdb stops here. 0 or -ENOMEM. */
__attribute__((noinline)) int cow_fault(uint64_t *pte, uint64_t va, struct vm_area *a)
{
    uint64_t frame = *pte & PTE_ADDRESS_MASK;
    /* LAB cow: begin */
    if (frame_refcount(frame) > 1) {
        uint64_t copy = frame_alloc();
        if (!copy)
            return -ENOMEM;
        memcpy(P2V(copy), P2V(frame), PAGE_SIZE);
        frame_unref(frame);
        frame = copy;
    }
    /* LAB cow: stub
    // Always a copy, even for the last sharer, which could keep the page it has.
    uint64_t copy = frame_alloc();
    if (!copy)
        return -ENOMEM;
    memcpy(P2V(copy), P2V(frame), PAGE_SIZE);
    frame_unref(frame);
    frame = copy;
       LAB cow: end */
    *pte = frame | pte_flags_for(a->prot);
    return 0; /* the caller flushes the old entry from the TLBs */
}

/* Make address present (and writable, if write) in mm, as a fault would. 0 or -errno. */
int vm_populate(struct mm *mm, uint64_t address, bool write)
{
    struct vm_area *a = vm_find_area(mm, address);
    if (!a)
        return -EFAULT;
    if (a->past_eof_faults &&
        ALIGN_DOWN(address, PAGE_SIZE) - a->start >= ALIGN_UP(a->file_size, PAGE_SIZE))
        return -EIO; /* beyond the file's last page: the fault handler sends SIGBUS */
    if (write && !(a->prot & PROT_WRITE))
        return -EFAULT;
    if (!write && !(a->prot & (PROT_READ | PROT_WRITE | PROT_EXEC)))
        return -EFAULT;
    uint64_t va = ALIGN_DOWN(address, PAGE_SIZE);
    uint64_t *pte = vm_walk(mm->pml4, va, true);
    if (!pte)
        return -ENOMEM;
    if (!(*pte & PTE_PRESENT) && a->file && a->shared) {
        uint64_t frame = file_frame_for_sharing(a, va);
        if (!frame)
            return -ENOMEM;
        *pte = frame | pte_flags_for(a->prot);
        mm->resident_pages++;
        return 0;
    }
    if (!(*pte & PTE_PRESENT)) {
        uint64_t shared = write ? 0 : shared_file_frame(a, va);
        if (shared) {
            *pte = shared | (pte_flags_for(a->prot) & ~PTE_WRITE);
            mm->resident_pages++;
            return 0;
        }
        uint64_t frame = frame_alloc();
        if (!frame)
            return -ENOMEM;
        int err = fill_page(a, va, P2V(frame));
        if (err) {
            frame_unref(frame);
            return err;
        }
        *pte = frame | pte_flags_for(a->prot);
        mm->resident_pages++;
        return 0;
    }
    if (write && !(*pte & PTE_WRITE)) {
        int err = cow_fault(pte, va, a);
        if (!err)
            tlb_flush_mm(mm, va, va + PAGE_SIZE);
        return err;
    }
    return 0;
}

/* Frames ran out while fixing a fault of p. Like Linux's out-of-memory killer, but the
 * victim is always the faulting process: nest does not weigh one process against another.
 * SIGKILL (which reaches even a namespace's init) frees its memory on its way out. */
void vm_out_of_memory(struct proc *p)
{
    printk(KERN_ERR "nest: out of memory: killed process %d (%s), total-vm %lu kB\n",
           proc_root_pid(p), p->name, p->mm ? vm_total_size(p->mm) / 1024 : 0);
    signal_kill_by_kernel(p);
}

/* The page-fault handler's first try: 0 if the fault was an expected one and is now fixed. */
int vm_handle_fault(uint64_t address, uint64_t error)
{
    struct proc *p = this_cpu()->current;
    if (!p || !p->mm || address >= USER_TOP)
        return -EFAULT;
    if ((error & PF_PRESENT) && !(error & PF_WRITE))
        return -EFAULT; /* a protection fault on read or execute: a real error */
    int err = vm_populate(p->mm, address, (error & PF_WRITE) != 0);
    if (!err)
        p->min_faults++; /* minor: nest never reads a page from a disk */
    return err;
}

/* Copy bytes out of another process's address space for /proc (cmdline). Only pages
 * already present are read: /proc never faults pages in for a reader. */
size_t vm_read(struct mm *mm, uint64_t address, void *buf, size_t n)
{
    size_t done = 0;
    while (done < n) {
        uint64_t va = address + done;
        uint64_t *pte = vm_walk(mm->pml4, va, false);
        if (!pte || !(*pte & PTE_PRESENT) || !(*pte & PTE_USER))
            break;
        size_t chunk = MIN(n - done, PAGE_SIZE - (va & (PAGE_SIZE - 1)));
        memcpy((char *)buf + done, (char *)P2V(*pte & PTE_ADDRESS_MASK) + (va & (PAGE_SIZE - 1)),
               chunk);
        done += chunk;
    }
    return done;
}

/* Write n bytes at address of mm, which need not be the active address space (exec
 * builds the new program's stack this way). 0 or -errno. */
int vm_write(struct mm *mm, uint64_t address, const void *buf, size_t n)
{
    size_t done = 0;
    while (done < n) {
        uint64_t va = address + done;
        int err = vm_populate(mm, va, true);
        if (err)
            return err;
        uint64_t *pte = vm_walk(mm->pml4, va, false);
        size_t chunk = MIN(n - done, PAGE_SIZE - (va & (PAGE_SIZE - 1)));
        memcpy((char *)P2V(*pte & PTE_ADDRESS_MASK) + (va & (PAGE_SIZE - 1)),
               (const char *)buf + done, chunk);
        done += chunk;
    }
    return 0;
}

/* madvise(MADV_DONTNEED): drop the pages of [start, start+length); the next touch brings
 * zeros (or the file's data) back. The regions stay. */
int vm_discard(struct mm *mm, uint64_t start, uint64_t length)
{
    uint64_t end = start + ALIGN_UP(length, PAGE_SIZE);
    if (end < start || end > USER_TOP)
        return -EINVAL;
    for (struct vm_area *a = mm->areas; a; a = a->next)
        if (a->end > start && a->start < end && !a->shared)
            unmap_range(mm, MAX(a->start, start), MIN(a->end, end));
    return 0;
}

/* Is the page at page_va of a file mapping's region in memory as part of its file? Every
 * page a ramfs file has is, as if a page cache held it and never let go. */
static bool file_page_in_memory(struct vm_area *a, uint64_t page_va)
{
    uint64_t rel = page_va - a->start;
    return a->file && rel < a->file_size &&
           inode_page_frame(a->file, (a->file_offset + rel) / PAGE_SIZE, false) != 0;
}

/* See mm.h: mincore's answers for one region. */
long vm_residency(struct mm *mm, uint64_t start, size_t pages, uint8_t *vec)
{
    struct vm_area *a = vm_find_area(mm, start);
    if (!a)
        return -ENOMEM;
    size_t count = MIN(pages, (a->end - start) / PAGE_SIZE);
    for (size_t i = 0; i < count;) {
        uint64_t va = start + i * PAGE_SIZE;
        uint64_t *pte = vm_walk(mm->pml4, va, false);
        if (!pte && !a->file) { /* no page table: nothing mapped up to the next 2 MiB */
            size_t run = MIN(count - i, (ALIGN_DOWN(va, 0x200000) + 0x200000 - va) / PAGE_SIZE);
            memset(vec + i, 0, run);
            i += run;
            continue;
        }
        vec[i++] = (pte && (*pte & PTE_PRESENT)) || file_page_in_memory(a, va);
    }
    return (long)count;
}

struct move_walk {
    uint64_t pml4;
    uint64_t delta; /* new address - old address (modulo 2^64) */
    bool failed;
};

/* First pass of a move: the page tables for the page's new place, so that the second pass
 * cannot fail half-way. */
static void prepare_move_pte(uint64_t *pte __unused, uint64_t va, void *arg)
{
    struct move_walk *w = arg;
    if (!w->failed && !vm_walk(w->pml4, va + w->delta, true))
        w->failed = true;
}

static void move_one_pte(uint64_t *pte, uint64_t va, void *arg)
{
    struct move_walk *w = arg;
    *vm_walk(w->pml4, va + w->delta, false) = *pte;
    *pte = 0;
}

/* mremap's move: the region [old_start, old_start + length), which lies in one region, goes
 * to new_start, where nothing is mapped, with its pages (their page-table entries move;
 * the frames stay). 0, or -ENOMEM with nothing moved. */
int vm_move(struct mm *mm, uint64_t old_start, uint64_t length, uint64_t new_start)
{
    int err = split_at(mm, old_start);
    if (!err)
        err = split_at(mm, old_start + length);
    if (err)
        return err;
    struct move_walk w = {mm->pml4, new_start - old_start, false};
    for_each_pte(mm->pml4, old_start, old_start + length, prepare_move_pte, &w);
    if (w.failed)
        return -ENOMEM;
    for_each_pte(mm->pml4, old_start, old_start + length, move_one_pte, &w);
    struct vm_area **link = &mm->areas;
    while (*link && (*link)->start != old_start)
        link = &(*link)->next;
    struct vm_area *a = *link;
    *link = a->next;
    a->start = new_start;
    a->end = new_start + length;
    for (link = &mm->areas; *link && (*link)->start < new_start; link = &(*link)->next)
        continue;
    a->next = *link;
    *link = a;
    tlb_flush_mm(mm, old_start, old_start + length); /* the new place had no entries */
    return 0;
}

/* mremap's growth: area a now ends at end. A file mapping takes in the file's data up to
 * its current end, as a new mmap of that length would. */
void vm_extend_area(struct vm_area *a, uint64_t end)
{
    a->end = end;
    if (a->file) {
        uint64_t size = inode_size(a->file);
        a->file_size = a->file_offset < size ? MIN(size - a->file_offset, end - a->start) : 0;
    }
}

/* Make physical [phys, phys+size) reachable at P2V(phys) even if it is not RAM (a
 * framebuffer, say): device memory lies outside the direct map built at boot. 4 KiB pages:
 * under QEMU's TCG, one more 2 MiB mapping far from the others made every TLB flush a full
 * one, and fork four times slower. Returns the virtual address, or NULL when page tables
 * could not be allocated. */
void *vm_map_physical(uint64_t phys, uint64_t size)
{
    bool changed = false; /* a present entry now says something else */
    uint64_t start = ALIGN_DOWN(phys, PAGE_SIZE);
    for (uint64_t pa = start; pa < phys + size; pa += PAGE_SIZE) {
        uint64_t va = PHYS_MAP_BASE_ADDR + pa;
        uint64_t *pte = vm_walk(kernel_pml4_phys, va, true);
        if (!pte)
            return NULL;
        if (*pte & PTE_LARGE)
            continue; /* RAM already mapped by the direct map */
        uint64_t entry = pa | PTE_PRESENT | PTE_WRITE | PTE_GLOBAL | PTE_NX;
        changed |= (*pte & PTE_PRESENT) && *pte != entry;
        *pte = entry;
    }
    if (changed)
        tlb_flush_kernel(PHYS_MAP_BASE_ADDR + start, PHYS_MAP_BASE_ADDR + phys + size);
    return P2V(phys);
}

/* ---- TLB shootdown ----
 *
 * A CPU caches translations in its TLB, and a change to a page-table entry does not reach
 * those copies: the CPU that changes an entry that was present flushes it from its own TLB,
 * and asks every other CPU that may hold it to do the same with an IPI (VECTOR_IPI_TLB),
 * waiting for all of them before it goes on (or frees the frame the entry named). Which CPUs
 * may hold it: for a user address space, those that have it in CR3 now (mm->cpus_loaded:
 * loading CR3 flushes every non-global entry, so a CPU that loads it later reads the new
 * entries); for the kernel's own, global, mappings, every other CPU. An entry that was not
 * present needs no flush: a TLB never holds an entry without the present bit (Intel SDM
 * vol. 3, 4.10.4.3).
 *
 * Each CPU sends its requests from a slot of its own, so senders never wait for each other's
 * slot, and a CPU waiting for answers answers the requests addressed to it meanwhile: two CPUs
 * that shoot at each other at once (interrupts off, or their IPIs not yet taken) both finish.
 * No lock is needed, and none may be held by the sender: a CPU spinning for it with
 * interrupts off would never answer.
 */

#define TLB_FLUSH_PAGES_MAX 32 /* beyond this many pages one flush of everything is cheaper */
#define TLB_ANSWER_TIMEOUT_NS (5 * NSEC_PER_SEC) /* generous: TCG on a busy host is slow */

/* A CPU's request to the others. Guard: per-CPU, written only by its own CPU, interrupts off,
 * while pending is 0; a target reads it only while its bit in pending is set. */
struct tlb_request {
    uint64_t start, end; /* the virtual range, page-aligned */
    bool global;         /* kernel mappings: global entries too */
    uint64_t pending;    /* CPUs that have not flushed yet; each clears its own bit */
};

static struct tlb_request tlb_requests[MAX_CPUS];

/* Drop the entries for [start, end) from this CPU's TLB: one by one for a few pages, all of
 * them for more (CR3 reload; toggling CR4.PGE also drops the global ones). */
static void flush_local(uint64_t start, uint64_t end, bool global)
{
    if ((end - start) / PAGE_SIZE <= TLB_FLUSH_PAGES_MAX) {
        for (uint64_t va = start; va < end; va += PAGE_SIZE)
            invlpg(va); /* global entries too */
    } else if (global) {
        uint64_t cr4 = read_cr4();
        write_cr4(cr4 & ~CR4_PGE);
        write_cr4(cr4);
    } else {
        write_cr3(read_cr3());
    }
}

/* Carry out every request addressed to this CPU. Interrupts off. */
static void answer_requests(void)
{
    struct cpu *me = this_cpu();
    uint64_t bit = 1UL << me->index;
    for (int i = 0; i < cpu_count; i++) {
        struct tlb_request *r = &tlb_requests[i];
        if (!(__atomic_load_n(&r->pending, __ATOMIC_ACQUIRE) & bit))
            continue;
        flush_local(r->start, r->end, r->global);
        me->tlb_shootdowns++;
        __atomic_fetch_and(&r->pending, ~bit, __ATOMIC_RELEASE); /* r is the sender's again */
    }
}

void tlb_shootdown_interrupt(void)
{
    answer_requests();
}

/* Flush [start, end) here if flush_here, and on the CPUs in targets; return once all have. */
static void shootdown(uint64_t targets, bool flush_here, uint64_t start, uint64_t end,
                      bool global)
{
    push_off(); /* this CPU's slot and index stay ours */
    struct cpu *me = this_cpu();
    targets &= ~(1UL << me->index);
    if (flush_here)
        flush_local(start, end, global);
    if (!targets) {
        pop_off();
        return;
    }
    struct tlb_request *r = &tlb_requests[me->index];
    r->start = start;
    r->end = end;
    r->global = global;
    __atomic_store_n(&r->pending, targets, __ATOMIC_RELEASE);
    for (int i = 0; i < cpu_count; i++)
        if (targets & (1UL << i))
            lapic_send_ipi(cpus[i]->apic_id, VECTOR_IPI_TLB);
    uint64_t deadline = clock_monotonic_ns() + TLB_ANSWER_TIMEOUT_NS;
    uint64_t left;
    while ((left = __atomic_load_n(&r->pending, __ATOMIC_ACQUIRE)) != 0) {
        answer_requests();
        if (clock_monotonic_ns() > deadline)
            panic("tlb: cpu%d did not flush [%#lx, %#lx) within %lu s (waiting: %#lx)",
                  __builtin_ctzl(left), start, end, TLB_ANSWER_TIMEOUT_NS / NSEC_PER_SEC, left);
        cpu_relax();
    }
    pop_off();
}

void tlb_flush_mm(struct mm *mm, uint64_t start, uint64_t end)
{
    __atomic_thread_fence(__ATOMIC_SEQ_CST); /* the entries are written before the mask is read */
    uint64_t loaded = __atomic_load_n(&mm->cpus_loaded, __ATOMIC_RELAXED);
    shootdown(loaded, this_cpu()->active_mm == mm, start, end, false);
}

void tlb_flush_kernel(uint64_t start, uint64_t end)
{
    uint64_t others = 0;
    for (int i = 0; i < cpu_count; i++)
        if (__atomic_load_n(&cpus[i]->online, __ATOMIC_ACQUIRE))
            others |= 1UL << i;
    shootdown(others, true, start, end, true);
}
