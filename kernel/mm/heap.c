/* heap.c - kmalloc and kfree: a small size-class allocator on top of the frame allocator.
 *
 * Requests are rounded up to a power of two from 16 to 2048 bytes. Each size class keeps a
 * free list of blocks carved from whole frames; the frame's first 16 bytes (a struct
 * slab_header) remember its class, so kfree() needs no size. Requests above 2048 bytes get
 * a whole frame of their own (kmalloc never gives more than PAGE_SIZE bytes).
 */
#include "mm.h"
#include "printk.h"
#include "string.h"

#define MIN_SHIFT 4
#define MAX_SHIFT 11
#define CLASS_COUNT (MAX_SHIFT - MIN_SHIFT + 1)
#define WHOLE_PAGE_CLASS 0xff

struct slab_header {
    uint32_t magic;
    uint32_t size_class; /* index into free_lists, or WHOLE_PAGE_CLASS */
    uint64_t in_use;     /* blocks handed out from this frame */
};

#define SLAB_MAGIC 0x6e657374 /* "nest" */

struct free_block {
    struct free_block *next;
};

static struct free_block *free_lists[CLASS_COUNT];

void heap_init(void)
{
    memset(free_lists, 0, sizeof(free_lists));
}

static int class_for(size_t size)
{
    int c = 0;
    while (((size_t)1 << (c + MIN_SHIFT)) < size)
        c++;
    return c;
}

/* Carve a fresh frame into blocks of class c. Blocks start after the header, at an offset
 * that keeps them aligned to their size. */
static bool refill(int c)
{
    uint64_t frame = frame_alloc();
    if (!frame)
        return false;
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

void *kmalloc(size_t size)
{
    if (size == 0 || size > PAGE_SIZE)
        return NULL;
    if (size > ((size_t)1 << MAX_SHIFT)) {
        uint64_t frame = frame_alloc();
        return frame ? P2V(frame) : NULL; /* page-aligned: recognised by kfree */
    }
    int c = class_for(size);
    if (!free_lists[c] && !refill(c))
        return NULL;
    struct free_block *b = free_lists[c];
    free_lists[c] = b->next;
    struct slab_header *h = (struct slab_header *)ALIGN_DOWN((uint64_t)b, PAGE_SIZE);
    h->in_use++;
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
    struct slab_header *h = (struct slab_header *)ALIGN_DOWN((uint64_t)p, PAGE_SIZE);
    if (h->magic != SLAB_MAGIC || h->size_class >= CLASS_COUNT) {
        pr_err("kfree: %p is not a kmalloc block\n", p);
        return;
    }
    struct free_block *b = p;
    b->next = free_lists[h->size_class];
    free_lists[h->size_class] = b;
    h->in_use--;
}
