/* heap.c - kmalloc and kfree: a small size-class allocator on top of the frame allocator.
 *
 * Requests are rounded up to a power of two from 16 to 2048 bytes. Each size class keeps a
 * free list of blocks carved from whole frames; the frame's first 16 bytes (a struct
 * slab_header) remember its class, so kfree() needs no size. Requests above 2048 bytes get
 * a whole frame of their own (kmalloc never gives more than PAGE_SIZE bytes).
 *
 * The free lists are shared and guarded by heap_lock; in front of them each CPU keeps a few
 * blocks of every class, moved to and from the shared lists a batch at a time, so that most
 * calls take no shared lock (issue 16). kmalloc and kfree are called in process context only
 * (no interrupt handler allocates); a CPU's cache is used with interrupts off all the same,
 * which keeps the process on this CPU while it does.
 *
 * A carved frame stays the heap's for good, its blocks free or not: the heap grows to the
 * most it ever held at once, and /proc/meminfo's Slab line says how far (heap_frames).
 */
#include "cpu.h"
#include "mm.h"
#include "printk.h"
#include "smp.h"
#include "spinlock.h"
#include "string.h"

#define MIN_SHIFT 4
#define MAX_SHIFT 11
#define CLASS_COUNT (MAX_SHIFT - MIN_SHIFT + 1)
#define WHOLE_PAGE_CLASS 0xff

/* Written when a frame is carved (heap_lock held), then magic and size_class are read-only. */
struct slab_header {
    uint32_t magic;
    uint32_t size_class; /* index into free_lists, or WHOLE_PAGE_CLASS */
    uint64_t in_use;     /* heap_lock: blocks of this frame not on free_lists (in use or in a
                          * CPU's cache) */
};

#define SLAB_MAGIC 0x6e657374 /* "nest" */

struct free_block {
    struct free_block *next;
};

static struct spinlock heap_lock = SPINLOCK_INIT("heap", RANK_HEAP);
static struct free_block *free_lists[CLASS_COUNT]; /* heap_lock */
static uint64_t carved_frames;                     /* heap_lock: frames carve() took */

#define CACHE_MAX 16  /* blocks of one class a CPU keeps at most */
#define CACHE_BATCH 8 /* blocks moved at once between a cache and free_lists */

/* One CPU's free blocks of one class: only that CPU touches it, with interrupts off. */
struct block_cache {
    struct free_block *head;
    int count;
};

static struct block_cache caches[MAX_CPUS][CLASS_COUNT]; /* per-CPU, by this_cpu()->index */

void heap_init(void)
{
    memset(free_lists, 0, sizeof(free_lists));
    memset(caches, 0, sizeof(caches));
    carved_frames = 0;
}

static int class_for(size_t size)
{
    int c = 0;
    while (((size_t)1 << (c + MIN_SHIFT)) < size)
        c++;
    return c;
}

/* heap_lock held: carve a fresh frame into blocks of class c. Blocks start after the header,
 * at an offset that keeps them aligned to their size. */
static bool carve(int c)
{
    uint64_t frame = frame_alloc();
    if (!frame)
        return false;
    carved_frames++;
    struct slab_header *h = P2V(frame);
    h->magic = SLAB_MAGIC;
    h->size_class = c;
    h->in_use = 0;
    size_t size = (size_t)1 << (c + MIN_SHIFT);
    size_t first = MAX(size, sizeof(*h));
    for (size_t off = first; off + size <= PAGE_SIZE; off += size) {
        struct free_block *b = (struct free_block *)((char *)h + off);
        b->next = free_lists[c];
        free_lists[c] = b;
    }
    return true;
}

static struct slab_header *header_of(const void *block)
{
    return (struct slab_header *)ALIGN_DOWN((uint64_t)block, PAGE_SIZE);
}

/* Interrupts off: move up to CACHE_BATCH blocks of class c from free_lists into cache. */
static void refill(struct block_cache *cache, int c)
{
    spin_lock(&heap_lock);
    while (cache->count < CACHE_BATCH && (free_lists[c] || carve(c))) {
        struct free_block *b = free_lists[c];
        free_lists[c] = b->next;
        header_of(b)->in_use++;
        b->next = cache->head;
        cache->head = b;
        cache->count++;
    }
    spin_unlock(&heap_lock);
}

/* Interrupts off: give CACHE_BATCH blocks of class c back from a full cache. */
static void drain(struct block_cache *cache, int c)
{
    spin_lock(&heap_lock);
    for (int i = 0; i < CACHE_BATCH; i++) {
        struct free_block *b = cache->head;
        cache->head = b->next;
        cache->count--;
        header_of(b)->in_use--;
        b->next = free_lists[c];
        free_lists[c] = b;
    }
    spin_unlock(&heap_lock);
}

void *kmalloc(size_t size)
{
    if (size == 0 || size > PAGE_SIZE)
        return NULL;
    if (size > ((size_t)1 << MAX_SHIFT)) {
        uint64_t frame = frame_alloc();
        return frame ? P2V(frame) : NULL; /* page-aligned: recognised by kfree */
    }
    int c = class_for(size);
    push_off();
    struct block_cache *cache = &caches[this_cpu()->index][c];
    if (!cache->head)
        refill(cache, c);
    struct free_block *b = cache->head;
    if (b) {
        cache->head = b->next;
        cache->count--;
    }
    pop_off();
    return b;
}

void *kzalloc(size_t size)
{
    void *p = kmalloc(size);
    if (p)
        memset(p, 0, size);
    return p;
}

void kfree(void *p)
{
    if (!p)
        return;
    if (((uint64_t)p & (PAGE_SIZE - 1)) == 0) { /* whole-page allocations are page-aligned */
        frame_unref(V2P(p));
        return;
    }
    struct slab_header *h = header_of(p);
    if (h->magic != SLAB_MAGIC || h->size_class >= CLASS_COUNT) {
        pr_err("kfree: %p is not a kmalloc block\n", p);
        return;
    }
    push_off();
    struct block_cache *cache = &caches[this_cpu()->index][h->size_class];
    struct free_block *b = p;
    b->next = cache->head;
    cache->head = b;
    if (++cache->count == CACHE_MAX)
        drain(cache, h->size_class);
    pop_off();
}

uint64_t heap_frames(void)
{
    spin_lock(&heap_lock);
    uint64_t frames = carved_frames;
    spin_unlock(&heap_lock);
    return frames;
}
