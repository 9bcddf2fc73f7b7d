/* pmm.c - the physical frame allocator.
 *
 * The global pool: memory never used yet is kept as a list of ranges, handed out from the
 * front; freed frames form a stack, each holding in its first 8 bytes the address of the next
 * (reached through the direct map). Both are O(1), and booting touches no free frame at all
 * (writing a link into every frame at boot made QEMU fault in all of the guest's memory:
 * seconds with a few GiB). One spinlock, frames_lock, guards the pool. In front of it each
 * CPU keeps a small cache of free frames of its own, filled and emptied a batch at a time,
 * so that most allocations and frees take no shared lock at all (issue 16; the locks lab).
 * A reference count per frame (frame_refs[], placed in the first free memory big enough)
 * lets copy-on-write pages be shared; a frame is free again when its count drops to 0.
 *
 * Callers: process context only (faults, system calls, exit, the scheduler freeing a dead
 * process's stack); no interrupt handler allocates or frees a frame. The per-CPU caches are
 * still used with interrupts off (push_off): that pins the process to this CPU for the few
 * instructions it uses the cache, and keeps working should a handler ever allocate.
 */
#include "boot_info.h"
#include "cpu.h"
#include "mm.h"
#include "smp.h"
#include "spinlock.h"
#include "string.h"

/* The global pool. A CPU holds frames_lock only to move frames between it and its cache. */
static struct spinlock frames_lock = SPINLOCK_INIT("frames", RANK_FRAMES);
static uint64_t free_list;       /* frames_lock: the first freed frame, 0 if none */
static uint64_t free_count;      /* frames_lock: frames on the list and in the untouched ranges */

#define MAX_UNTOUCHED 64
static struct phys_range untouched[MAX_UNTOUCHED]; /* frames_lock: never-used frames */
static int untouched_count;      /* frames_lock */
/* Set up at boot, then read-only. */
static uint64_t total_count;     /* frames ever handed to the allocator */
static uint16_t *frame_refs;     /* reference count per frame number; each count is changed
                                  * by atomic operations only */
static uint64_t frame_limit;     /* frames at or above this number have no count */
static uint64_t highest_address; /* end of the highest usable region */

/* What frame operations cost each CPU (/proc/frames, the locks lab): counted by the CPU
 * itself with interrupts off; others read them without a lock, a moment old. */
static struct frame_stats cpu_stats[MAX_CPUS];

#define MAX_RESERVED 32
static struct phys_range reserved_ranges[MAX_RESERVED];
static int reserved_count;

static bool is_reserved(uint64_t start, uint64_t end)
{
    for (int i = 0; i < reserved_count; i++)
        if (start < reserved_ranges[i].end && reserved_ranges[i].start < end)
            return true;
    return false;
}

/* frames_lock held: put a free frame on the pool's stack. */
static void pool_put(uint64_t frame)
{
    *(uint64_t *)P2V(frame) = free_list;
    free_list = frame;
    free_count++;
}

/* Add the frames of [start, end) minus every reserved range to the untouched ranges. */
static void add_range(uint64_t start, uint64_t end)
{
    end = MIN(end, frame_limit * PAGE_SIZE);
    if (start >= end)
        return;
    for (int i = 0; i < reserved_count; i++) {
        const struct phys_range *r = &reserved_ranges[i];
        if (start < r->end && r->start < end) { /* cut the reserved part out */
            add_range(start, ALIGN_DOWN(r->start, PAGE_SIZE));
            add_range(ALIGN_UP(r->end, PAGE_SIZE), end);
            return;
        }
    }
    if (untouched_count == MAX_UNTOUCHED)
        return; /* more holes than expected: the rest of this memory stays unused */
    untouched[untouched_count++] = (struct phys_range){start, end};
    free_count += (end - start) / PAGE_SIZE;
    total_count += (end - start) / PAGE_SIZE;
}

/* Give every whole, unreserved frame of the usable regions within [low, high) to the
 * allocator. */
static void add_usable_frames(const struct boot_info *bi, uint64_t low, uint64_t high)
{
    for (uint32_t i = 0; i < bi->memory_region_count; i++) {
        const struct boot_memory_region *r = &bi->memory[i];
        if (r->type == BOOT_MEMORY_USABLE)
            add_range(MAX(ALIGN_UP(r->base, PAGE_SIZE), low),
                      MIN(ALIGN_DOWN(r->base + r->length, PAGE_SIZE), high));
    }
}

/* frames_lock held: a frame from the untouched ranges, or 0 when they are used up. */
static uint64_t take_untouched(void)
{
    while (untouched_count > 0) {
        struct phys_range *r = &untouched[untouched_count - 1];
        if (r->start < r->end) {
            uint64_t frame = r->start;
            r->start += PAGE_SIZE;
            return frame;
        }
        untouched_count--;
    }
    return 0;
}

/* frames_lock held: a free frame from the pool, or 0 when it is empty. */
static uint64_t pool_take(void)
{
    uint64_t frame = free_list;
    if (frame)
        free_list = *(uint64_t *)P2V(frame);
    else if (!(frame = take_untouched()))
        return 0;
    free_count--;
    return frame;
}

/* Take frames_lock for a frame operation of this CPU (interrupts off), counting the
 * acquisition and whether another CPU held the lock at that moment: the traffic on the
 * one shared lock that the per-CPU caches exist to remove. */
static void lock_pool(struct frame_stats *stats)
{
    stats->lock_taken++;
    if (__atomic_load_n(&frames_lock.locked, __ATOMIC_RELAXED))
        stats->lock_contended++;
    spin_lock(&frames_lock);
}

/* The per-CPU caches, in front of the pool: cache_alloc and cache_free stand for one frame
 * taken from or given to the pool, called with interrupts off on the CPU whose statistics
 * they get; cached_frames(cpu) is how many free frames CPU cpu keeps, read with frames_lock
 * held (frames_free counts them as free). */
/* LAB locks: begin */
#define CACHE_MAX 32   /* free frames one CPU keeps at most */
#define CACHE_BATCH 16 /* frames moved at once between a cache and the pool */

/* One CPU's free frames, linked through their first 8 bytes like the pool's stack. Only that
 * CPU uses it, with interrupts off; count changes with frames_lock held too whenever frames
 * move to or from the pool, so that frames_free, holding frames_lock, never sees a frame
 * twice or not at all. */
struct frame_cache {
    uint64_t head; /* the first cached frame, 0 if none */
    int count;     /* frames on the list; read by other CPUs in frames_free */
};

static struct frame_cache caches[MAX_CPUS]; /* per-CPU, by this_cpu()->index */

static void caches_clear(void)
{
    memset(caches, 0, sizeof(caches));
}

static void cache_push(struct frame_cache *c, uint64_t frame)
{
    *(uint64_t *)P2V(frame) = c->head;
    c->head = frame;
    __atomic_store_n(&c->count, c->count + 1, __ATOMIC_RELAXED);
}

static uint64_t cache_pop(struct frame_cache *c)
{
    uint64_t frame = c->head;
    c->head = *(uint64_t *)P2V(frame);
    __atomic_store_n(&c->count, c->count - 1, __ATOMIC_RELAXED);
    return frame;
}

static uint64_t cache_alloc(struct frame_stats *stats)
{
    struct frame_cache *c = &caches[this_cpu()->index];
    if (c->count == 0) { /* refill: one trip to the pool for a batch */
        lock_pool(stats);
        for (uint64_t frame; c->count < CACHE_BATCH && (frame = pool_take());)
            cache_push(c, frame);
        spin_unlock(&frames_lock);
        if (c->count == 0)
            return 0;
    }
    return cache_pop(c);
}

static void cache_free(uint64_t frame, struct frame_stats *stats)
{
    struct frame_cache *c = &caches[this_cpu()->index];
    cache_push(c, frame);
    if (c->count < CACHE_MAX)
        return;
    lock_pool(stats); /* full: give a batch back, keeping the rest for the next allocations */
    while (c->count > CACHE_MAX - CACHE_BATCH)
        pool_put(cache_pop(c));
    spin_unlock(&frames_lock);
}

static uint64_t cached_frames(int cpu)
{
    return __atomic_load_n(&caches[cpu].count, __ATOMIC_RELAXED);
}
/* LAB locks: stub
// No caches: every frame operation takes frames_lock. Correct, but all CPUs queue on it.
static void caches_clear(void)
{
}

static uint64_t cache_alloc(struct frame_stats *stats)
{
    lock_pool(stats);
    uint64_t frame = pool_take();
    spin_unlock(&frames_lock);
    return frame;
}

static void cache_free(uint64_t frame, struct frame_stats *stats)
{
    lock_pool(stats);
    pool_put(frame);
    spin_unlock(&frames_lock);
}

static uint64_t cached_frames(int cpu)
{
    return 0;
}
   LAB locks: end */

/* Find room for the reference-count array: the first usable stretch below limit that
 * avoids every reserved range. Returns its physical address, or 0. */
static uint64_t find_room(const struct boot_info *bi, uint64_t bytes, uint64_t limit)
{
    for (uint32_t i = 0; i < bi->memory_region_count; i++) {
        const struct boot_memory_region *r = &bi->memory[i];
        if (r->type != BOOT_MEMORY_USABLE)
            continue;
        uint64_t end = MIN(r->base + r->length, limit);
        for (uint64_t s = ALIGN_UP(r->base, PAGE_SIZE); s + bytes <= end; s += PAGE_SIZE)
            if (!is_reserved(s, s + bytes))
                return s;
    }
    return 0;
}

/* Set up the allocator with the usable memory below limit (the part the boot page tables
 * map). reserved lists what is already in use: the kernel image, boot modules, low memory.
 * pmm_init and pmm_add_memory_above run on the boot CPU before any other CPU starts, so
 * they take no lock. */
void pmm_init(const struct boot_info *bi, const struct phys_range *reserved, int count,
              uint64_t limit)
{
    free_list = 0;
    free_count = total_count = 0;
    caches_clear();
    memset(cpu_stats, 0, sizeof(cpu_stats));
    untouched_count = 0;
    highest_address = 0;
    reserved_count = 0;
    for (int i = 0; i < count && reserved_count < MAX_RESERVED - 1; i++)
        reserved_ranges[reserved_count++] = reserved[i];
    for (uint32_t i = 0; i < bi->memory_region_count; i++)
        if (bi->memory[i].type == BOOT_MEMORY_USABLE)
            highest_address = MAX(highest_address, bi->memory[i].base + bi->memory[i].length);

    frame_limit = highest_address / PAGE_SIZE;
    uint64_t bytes = ALIGN_UP(frame_limit * sizeof(uint16_t), PAGE_SIZE);
    uint64_t room = find_room(bi, bytes, limit);
    if (!room) {
        frame_limit = 0;
        return;
    }
    frame_refs = P2V(room);
    memset(frame_refs, 0, bytes);
    reserved_ranges[reserved_count++] = (struct phys_range){room, room + bytes};
    add_usable_frames(bi, 0, limit);
}

/* Once the direct map covers all memory, add the frames above the boot mapping's limit. */
void pmm_add_memory_above(const struct boot_info *bi, uint64_t limit)
{
    add_usable_frames(bi, limit, UINT64_MAX);
}

uint64_t frame_alloc(void)
{
    push_off();
    struct frame_stats *stats = &cpu_stats[this_cpu()->index];
    uint64_t locks_before = stats->lock_taken;
    uint64_t frame = cache_alloc(stats);
    if (frame) {
        stats->allocs++;
        stats->from_cache += stats->lock_taken == locks_before;
    }
    pop_off();
    if (frame)
        __atomic_store_n(&frame_refs[frame / PAGE_SIZE], 1, __ATOMIC_RELAXED);
    return frame;
}

uint64_t frame_alloc_zeroed(void)
{
    uint64_t f = frame_alloc();
    if (f)
        memset(P2V(f), 0, PAGE_SIZE);
    return f;
}

/* The count is 16 bits to keep frame_refs small (2 bytes per frame); one page mapped more
 * often than that would wrap it and be freed while still mapped. So the count stops short
 * of wrapping and the caller fails the mapping (fork: ENOMEM) or makes a private copy. */
bool frame_ref(uint64_t frame)
{
    uint16_t *count = &frame_refs[frame / PAGE_SIZE];
    uint16_t old = __atomic_load_n(count, __ATOMIC_RELAXED);
    do {
        if (old == FRAME_REFS_MAX)
            return false;
    } while (!__atomic_compare_exchange_n(count, &old, old + 1, false, __ATOMIC_RELAXED,
                                          __ATOMIC_RELAXED));
    return true;
}

void frame_unref(uint64_t frame)
{
    uint16_t *count = &frame_refs[frame / PAGE_SIZE];
    uint16_t old = __atomic_load_n(count, __ATOMIC_RELAXED);
    do {
        if (old == 0)
            return; /* not a frame of ours (or a double free): never free it twice */
    } while (!__atomic_compare_exchange_n(count, &old, old - 1, false, __ATOMIC_ACQ_REL,
                                          __ATOMIC_RELAXED));
    if (old > 1)
        return;
    push_off();
    struct frame_stats *stats = &cpu_stats[this_cpu()->index];
    cache_free(frame, stats);
    stats->frees++;
    pop_off();
}

int frame_refcount(uint64_t frame)
{
    if (frame / PAGE_SIZE >= frame_limit)
        return 0;
    return __atomic_load_n(&frame_refs[frame / PAGE_SIZE], __ATOMIC_RELAXED);
}

/* Exact: the pool's frames and every CPU's cached ones, counted under frames_lock, which
 * every move between the two holds. */
uint64_t frames_free(void)
{
    spin_lock(&frames_lock);
    uint64_t free = free_count;
    for (int cpu = 0; cpu < MAX_CPUS; cpu++)
        free += cached_frames(cpu);
    spin_unlock(&frames_lock);
    return free;
}

uint64_t frames_total(void)
{
    return total_count;
}

uint64_t pmm_highest_address(void)
{
    return highest_address;
}

void frame_stats_of(int cpu, struct frame_stats *out)
{
    *out = cpu_stats[cpu];
    out->cached = cached_frames(cpu);
}
