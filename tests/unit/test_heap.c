// SOURCES: kernel/lib/string.c tests/unit/pmm_host.c tests/unit/heap_host.c tests/unit/spinlock_host.c
/* test_heap.c - kmalloc and kfree (kernel/mm/heap.c, through tests/unit/heap_host.c) on the
 * frame allocator, with the per-CPU caches in front of the shared free lists: blocks are
 * distinct and aligned, freed blocks come back, and blocks freed by another CPU are found
 * again instead of new frames being carved.
 */
#include "unit.h"

#include "boot_info.h"

extern char pmm_test_arena[];
#define PHYS_MAP_BASE ((uint64_t)(uintptr_t)pmm_test_arena) /* as in heap_host.c */
#include "mm.h"

#define PHYS_SIZE 0x400000UL /* 4 MiB of "physical memory" */

char pmm_test_arena[PHYS_SIZE] __attribute__((aligned(PAGE_SIZE)));

void become_cpu(int cpu); /* spinlock_host.c */
int host_push_off_depth(void);
extern int host_printk_calls; /* heap_host.c */

static void init(void)
{
    static struct boot_info bi;
    static const struct phys_range reserved[] = {{0, 0x100000}};
    memset(&bi, 0, sizeof(bi));
    bi.memory[bi.memory_region_count++] =
        (struct boot_memory_region){.base = 0, .length = PHYS_SIZE, .type = BOOT_MEMORY_USABLE};
    pmm_init(&bi, reserved, ARRAY_SIZE(reserved), PHYS_SIZE);
    heap_init();
    become_cpu(0);
    host_printk_calls = 0;
}

#define BLOCKS 600
static char *blocks[BLOCKS];

TEST(blocks_are_distinct_aligned_and_hold_their_bytes)
{
    init();
    size_t sizes[] = {1, 16, 17, 100, 256, 1000, 2048};
    int bad = 0;
    for (int i = 0; i < BLOCKS; i++) {
        size_t size = sizes[i % ARRAY_SIZE(sizes)];
        size_t align = 16;
        while (align < size)
            align *= 2;
        blocks[i] = kmalloc(size);
        if (!blocks[i] || (uintptr_t)blocks[i] % align) {
            bad++;
            continue;
        }
        memset(blocks[i], i & 0xff, size);
    }
    CHECK_EQ(bad, 0);
    for (int i = 0; i < BLOCKS; i++) { /* no block overlaps another: every byte survived */
        size_t size = sizes[i % ARRAY_SIZE(sizes)];
        for (size_t k = 0; k < size; k++)
            if ((unsigned char)blocks[i][k] != (i & 0xff)) {
                bad++;
                break;
            }
    }
    CHECK_EQ(bad, 0);
    for (int i = 0; i < BLOCKS; i++)
        kfree(blocks[i]);
    CHECK_EQ(host_push_off_depth(), 0);
    CHECK_EQ(host_printk_calls, 0);
}

TEST(freed_blocks_are_used_again_without_new_frames)
{
    init();
    for (int i = 0; i < BLOCKS; i++)
        blocks[i] = kmalloc(64);
    for (int i = 0; i < BLOCKS; i++)
        kfree(blocks[i]);
    uint64_t free_after_first = frames_free();
    for (int round = 0; round < 5; round++) {
        for (int i = 0; i < BLOCKS; i++)
            blocks[i] = kmalloc(64);
        for (int i = 0; i < BLOCKS; i++)
            kfree(blocks[i]);
    }
    CHECK_EQ(frames_free(), free_after_first);
}

TEST(blocks_freed_on_another_cpu_are_found_again)
{
    init();
    for (int i = 0; i < BLOCKS; i++)
        blocks[i] = kmalloc(128);
    uint64_t free_with_all = frames_free();
    become_cpu(1); /* CPU 1 frees what CPU 0 allocated: its cache gives most of it back */
    for (int i = 0; i < BLOCKS; i++)
        kfree(blocks[i]);
    become_cpu(0);
    for (int i = 0; i < BLOCKS; i++)
        blocks[i] = kmalloc(128);
    CHECK(frames_free() + 1 >= free_with_all); /* at most the blocks CPU 1 kept: one frame */
    for (int i = 0; i < BLOCKS; i++)
        kfree(blocks[i]);
}

TEST(page_sized_requests_get_whole_frames_that_kfree_returns)
{
    init();
    uint64_t before = frames_free();
    char *p = kmalloc(PAGE_SIZE), *q = kmalloc(3000);
    CHECK(p && q && (uintptr_t)p % PAGE_SIZE == 0 && (uintptr_t)q % PAGE_SIZE == 0);
    CHECK_EQ(frames_free(), before - 2);
    kfree(p);
    kfree(q);
    CHECK_EQ(frames_free(), before);
    CHECK(kmalloc(PAGE_SIZE + 1) == NULL);
    CHECK(kmalloc(0) == NULL);
}

TEST(kfree_of_a_pointer_kmalloc_never_gave_complains_and_changes_nothing)
{
    init();
    char *frame = P2V(frame_alloc());
    memset(frame, 0, PAGE_SIZE);
    kfree(frame + 64); /* no slab header at the start of this frame */
    CHECK_EQ(host_printk_calls, 1);
    CHECK_EQ(host_push_off_depth(), 0);
}

int main(void)
{
    RUN(blocks_are_distinct_aligned_and_hold_their_bytes);
    RUN(freed_blocks_are_used_again_without_new_frames);
    RUN(blocks_freed_on_another_cpu_are_found_again);
    RUN(page_sized_requests_get_whole_frames_that_kfree_returns);
    RUN(kfree_of_a_pointer_kmalloc_never_gave_complains_and_changes_nothing);
    UNIT_EXIT();
}
