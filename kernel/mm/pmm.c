/* pmm.c - the physical frame allocator.
 *
 * Memory never used yet is kept as a list of ranges, handed out from the front; freed frames
 * form a stack, each holding in its first 8 bytes the address of the next (reached through
 * the direct map). Allocation takes from the stack first. Both are O(1), and booting touches
 * no free frame at all (writing a link into every frame at boot made QEMU fault in all of
 * the guest's memory: seconds with a few GiB). A reference count per frame (frame_refs[],
 * placed in the first free memory big enough) lets copy-on-write pages be shared; a frame
 * returns to the stack when its count drops to 0.
 */
#include "boot_info.h"
#include "mm.h"
#include "string.h"

static uint64_t free_list;       /* physical address of the first freed frame, 0 if none */
static uint64_t free_count;      /* frames free: on the list and in the untouched ranges */

#define MAX_UNTOUCHED 64
static struct phys_range untouched[MAX_UNTOUCHED]; /* never-used frames, [start, end) */
static int untouched_count;
static uint64_t total_count;     /* frames ever handed to the allocator */
static uint16_t *frame_refs;     /* reference count per frame number */
static uint64_t frame_limit;     /* frames at or above this number have no count */
static uint64_t highest_address; /* end of the highest usable region */

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

static void push_free(uint64_t frame)
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

/* A frame from the untouched ranges, or 0 when they are used up. */
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
 * map). reserved lists what is already in use: the kernel image, boot modules, low memory. */
void pmm_init(const struct boot_info *bi, const struct phys_range *reserved, int count,
              uint64_t limit)
{
    free_list = 0;
    free_count = total_count = 0;
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
    uint64_t f = free_list;
    if (f)
        free_list = *(uint64_t *)P2V(f);
    else if (!(f = take_untouched()))
        return 0;
    free_count--;
    frame_refs[f / PAGE_SIZE] = 1;
    return f;
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
    if (*count == FRAME_REFS_MAX)
        return false;
    ++*count;
    return true;
}

void frame_unref(uint64_t frame)
{
    uint16_t *count = &frame_refs[frame / PAGE_SIZE];
    if (*count == 0)
        return; /* not a frame of ours (or a double free): never put it on the list twice */
    if (--*count == 0)
        push_free(frame);
}

int frame_refcount(uint64_t frame)
{
    return frame / PAGE_SIZE < frame_limit ? frame_refs[frame / PAGE_SIZE] : 0;
}

uint64_t frames_free(void)
{
    return free_count;
}

uint64_t frames_total(void)
{
    return total_count;
}

uint64_t pmm_highest_address(void)
{
    return highest_address;
}
