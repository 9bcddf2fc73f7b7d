/* mm.h - physical frames, page tables, address spaces and the kernel heap (kernel/mm/).
 *
 * Physical memory is handed out one 4 KiB frame at a time (pmm.c). Every frame has a
 * reference count so that copy-on-write pages can be shared by several address spaces.
 * Every physical byte is also reachable by the kernel at PHYS_MAP_BASE + its address.
 */
#ifndef NEST_MM_H
#define NEST_MM_H

#include "layout.h"
#include "types.h"

#ifndef PHYS_MAP_BASE
#define PHYS_MAP_BASE PHYS_MAP_BASE_ADDR
#endif

#define P2V(pa) ((void *)((uint64_t)(pa) + (uint64_t)PHYS_MAP_BASE))
#define V2P(va) ((uint64_t)(va) - (uint64_t)PHYS_MAP_BASE)

struct boot_info;

/* ---- pmm.c: physical frames ---- */

/* A physical range the frame allocator must never hand out. */
struct phys_range {
    uint64_t start, end; /* [start, end), bytes */
};

void pmm_init(const struct boot_info *bi, const struct phys_range *reserved, int reserved_count,
              uint64_t limit);
void pmm_add_memory_above(const struct boot_info *bi, uint64_t limit);
uint64_t frame_alloc(void);        /* a frame's physical address, or 0 when memory is out */
uint64_t frame_alloc_zeroed(void); /* the same, filled with zeros */
#define FRAME_REFS_MAX 0xffff         /* users one frame can have (pmm.c) */
bool frame_ref(uint64_t frame);    /* one more user of a frame; false at FRAME_REFS_MAX */
void frame_unref(uint64_t frame);  /* one user fewer; the last one frees it */
int frame_refcount(uint64_t frame);
uint64_t frames_free(void);
uint64_t frames_total(void);
uint64_t pmm_highest_address(void);

/* One CPU's frame operations since boot (/proc/frames; the locks lab judges them). */
struct frame_stats {
    uint64_t allocs;         /* frames it allocated */
    uint64_t from_cache;     /* of those, taken from its own cache without frames_lock */
    uint64_t frees;          /* frames it freed (their reference count reached 0) */
    uint64_t lock_taken;     /* its acquisitions of frames_lock, the global pool's lock */
    uint64_t lock_contended; /* of those, the times another CPU held the lock */
    uint64_t cached;         /* free frames in its cache now (counted in frames_free) */
};
void frame_stats_of(int cpu, struct frame_stats *out); /* cpu: an index below MAX_CPUS */

/* ---- vm.c: page tables ---- */

#define PTE_PRESENT (1UL << 0)
#define PTE_WRITE (1UL << 1)
#define PTE_USER (1UL << 2)
#define PTE_LARGE (1UL << 7)
#define PTE_GLOBAL (1UL << 8)
#define PTE_NX (1UL << 63)
#define PTE_ADDRESS_MASK 0x000ffffffffff000UL

/* Protections of a region, as mmap's PROT_* */
#define PROT_READ 1
#define PROT_WRITE 2
#define PROT_EXEC 4

struct inode;

/* One contiguous region of a user address space (what /proc/PID/maps would list). */
struct vm_area {
    uint64_t start, end;  /* page-aligned, [start, end) */
    int prot;             /* PROT_* */
    bool shared;          /* MAP_SHARED: fork shares the pages instead of copying */
    struct inode *file;   /* file-backed private mapping, or NULL for anonymous memory */
    uint64_t file_offset; /* offset in file of start */
    uint64_t file_size;   /* bytes of file data mapped; the rest of the region is zero */
    bool past_eof_faults; /* mmap of a file: a page wholly past its end is SIGBUS, not zeros */
    struct vm_area *next; /* sorted by start */
};

/* Regions one address space may have: every walk of the list (most memory calls make one or
 * two) is then bounded, and mmap, munmap or mprotect needing more fail with ENOMEM. Linux
 * allows 65530 in a tree; nest's list would make each call cost milliseconds under TCG. */
#define MAX_MAP_COUNT 4096

#define MM_AUXV_WORDS 48

/* A user address space: its page tables and regions. */
struct mm {
    uint64_t pml4;           /* physical address of the top page table */
    struct vm_area *areas;   /* sorted list of regions */
    int map_count;           /* regions in the list, at most MAX_MAP_COUNT */
    uint64_t brk_start;      /* where the heap begins (end of the loaded program) */
    uint64_t brk;            /* current program break */
    uint64_t mmap_base;      /* mmap searches for free space below this */
    int users;               /* processes sharing it (vfork) */
    uint64_t arg_start;      /* argv strings on the initial stack (/proc/PID/cmdline) */
    uint64_t arg_end;
    uint64_t env_start;      /* the environment strings, just above (/proc/PID/environ) */
    uint64_t env_end;
    char *exe_path;          /* the program's absolute path (/proc/PID/exe), kmalloc'd, or NULL */
    uint64_t resident_pages; /* present pages in its page tables (VmRSS): counted as they are
                              * mapped and unmapped, so /proc need not walk the tables */
    uint64_t saved_auxv[MM_AUXV_WORDS]; /* the auxv exec gave the program (/proc/PID/auxv) */
    uint64_t cpus_loaded; /* CPUs with it in CR3, a bit per CPU index: each CPU sets and
                           * clears only its own bit, atomically, in mm_activate */
};

void vm_init(uint64_t highest_physical);
void *vm_map_physical(uint64_t phys, uint64_t size); /* device memory, e.g. a framebuffer */
uint64_t kernel_pml4(void);
struct mm *mm_create(void);
struct mm *mm_fork(struct mm *parent);
void mm_destroy(struct mm *mm);
void mm_activate(struct mm *mm);
/* After changing present page-table entries of [start, end): flush them from every TLB
 * that may hold them, this CPU's and (by IPI) the others', and return once all have. Of a
 * user address space: the CPUs that have it loaded; of the kernel's mappings: every CPU.
 * The caller holds no spinlock (a CPU spinning for it could not answer). */
void tlb_flush_mm(struct mm *mm, uint64_t start, uint64_t end);
void tlb_flush_kernel(uint64_t start, uint64_t end);
/* VECTOR_IPI_TLB: another CPU changed mappings this CPU may hold in its TLB. */
void tlb_shootdown_interrupt(void);
int vm_map_area(struct mm *mm, uint64_t start, uint64_t length, int prot, bool shared,
                struct inode *file, uint64_t offset, uint64_t file_size);
int vm_unmap(struct mm *mm, uint64_t start, uint64_t length);
int vm_protect(struct mm *mm, uint64_t start, uint64_t length, int prot);
int vm_discard(struct mm *mm, uint64_t start, uint64_t length);
int vm_move(struct mm *mm, uint64_t old_start, uint64_t length, uint64_t new_start);
void vm_extend_area(struct vm_area *a, uint64_t end);
struct vm_area *vm_find_area(struct mm *mm, uint64_t address);
bool vm_range_used(struct mm *mm, uint64_t start, uint64_t end);
bool vm_range_allows(struct mm *mm, uint64_t start, uint64_t end, bool write);
uint64_t vm_total_size(struct mm *mm);
uint64_t vm_bytes_mapped(struct mm *mm, uint64_t start, uint64_t end);
uint64_t vm_find_free(struct mm *mm, uint64_t length);
int vm_handle_fault(uint64_t address, uint64_t error);
struct proc;
void vm_out_of_memory(struct proc *p); /* a fault found no frame: kill p, say so */
int vm_populate(struct mm *mm, uint64_t address, bool write);
int cow_fault(uint64_t *pte, uint64_t va, struct vm_area *a);
uint64_t *vm_walk(uint64_t pml4, uint64_t va, bool create);
/* Read n bytes at address of another address space (not faulting pages in); bytes read. */
size_t vm_read(struct mm *mm, uint64_t address, void *buf, size_t n);
int vm_write(struct mm *mm, uint64_t address, const void *buf, size_t n);
/* mincore: for at most pages pages from start (page-aligned), up to the end of the region
 * holding start, a byte each in vec: 1 if the page is in memory (mapped, or a page of the
 * mapped file), else 0. The pages answered, or -ENOMEM if no region holds start. */
long vm_residency(struct mm *mm, uint64_t start, size_t pages, uint8_t *vec);

/* Kernel stacks: KERNEL_STACK_SIZE bytes each, with an unmapped guard page below. */
void *kstack_alloc(void);
/* size bytes of fresh zeroed frames mapped at va, in the kernel's shared tables (va in the
 * top-level entry of the stack area); NULL when memory runs out. For the log buffer. */
void *vm_map_kernel_pages(uint64_t va, uint64_t size);
void kstack_free(void *stack);

/* ---- heap.c: kmalloc ---- */

void heap_init(void);
void *kmalloc(size_t size); /* up to PAGE_SIZE bytes; NULL when memory is out */
void *kzalloc(size_t size);
void kfree(void *p);
uint64_t heap_frames(void); /* frames carved into blocks: the heap never gives them back */

#endif
