// SOURCES: kernel/lib/string.c tests/unit/pmm_host.c tests/unit/spinlock_host.c
/* test_pmm.c - the physical frame allocator (kernel/mm/pmm.c, through tests/unit/pmm_host.c).
 *
 * "Physical memory" is a 4 MiB array: pmm_host.c makes P2V(x) the address of its byte x.
 * The memory map below has usable and reserved regions, a partial frame and an unaligned
 * region; the kernel image, a module and low memory are reserved as kmain reserves them.
 */
#include "unit.h"

#include "boot_info.h"

extern char pmm_test_arena[];
#define PHYS_MAP_BASE ((uint64_t)(uintptr_t)pmm_test_arena) /* as in pmm_host.c */
#include "mm.h"

#define PHYS_SIZE 0x400000UL /* 4 MiB: 1024 frames */

char pmm_test_arena[PHYS_SIZE] __attribute__((aligned(PAGE_SIZE)));

static struct boot_info bi;

static const struct phys_range reserved[] = {
    {0, 0x100000},        /* low memory: BIOS, real-mode tables */
    {0x100000, 0x180000}, /* the kernel image: 128 frames */
    {0x200800, 0x203100}, /* a module, not page-aligned: touches 4 frames */
};

#define REFCOUNT_PAGE 0x180000UL /* the first free usable page: frame_refs[] goes there */
#define LOW_USABLE_FRAMES 379    /* 0x100000-0x300000: 512 - 128 kernel - 4 module - 1 */
#define HIGH_USABLE_FRAMES 239   /* 0x311000-0x400000 (the region starts at 0x310800) */
#define ALL_FRAMES (LOW_USABLE_FRAMES + HIGH_USABLE_FRAMES)

static void add_region(uint64_t base, uint64_t length, uint32_t type)
{
    bi.memory[bi.memory_region_count++] =
        (struct boot_memory_region){.base = base, .length = length, .type = type};
}

/* The memory map of every test, and pmm_init with the boot mapping ending at limit. */
static void init_with_limit(uint64_t limit)
{
    memset(&bi, 0, sizeof(bi));
    memset(pmm_test_arena, 0xaa, sizeof(pmm_test_arena));
    add_region(0, 0x9fc00, BOOT_MEMORY_USABLE); /* ends inside a frame */
    add_region(0x9fc00, 0x60400, BOOT_MEMORY_RESERVED);
    add_region(0x100000, 0x200000, BOOT_MEMORY_USABLE);
    add_region(0x300000, 0x10000, BOOT_MEMORY_ACPI);
    add_region(0x310800, 0xef800, BOOT_MEMORY_USABLE); /* starts inside a frame */
    add_region(0xfec00000, 0x1000, BOOT_MEMORY_RESERVED); /* MMIO far above: no frames */
    pmm_init(&bi, reserved, ARRAY_SIZE(reserved), limit);
}

static void init(void) { init_with_limit(PHYS_SIZE); }

static bool in_reserved(uint64_t frame)
{
    for (size_t i = 0; i < ARRAY_SIZE(reserved); i++)
        if (frame < reserved[i].end && reserved[i].start < frame + PAGE_SIZE)
            return true;
    return false;
}

static bool in_usable_region(uint64_t frame)
{
    return (frame >= 0x100000 && frame + PAGE_SIZE <= 0x300000) ||
           (frame >= 0x311000 && frame + PAGE_SIZE <= 0x400000);
}

static uint64_t taken[1024];

/* Allocate every frame into taken[]; returns how many. */
static int take_all(void)
{
    int n = 0;
    for (uint64_t f; n < 1024 && (f = frame_alloc()) != 0;)
        taken[n++] = f;
    return n;
}

static void give_back(int n)
{
    for (int i = 0; i < n; i++)
        frame_unref(taken[i]);
}

TEST(frame_counts_are_exact)
{
    init();
    CHECK_EQ(frames_total(), ALL_FRAMES);
    CHECK_EQ(frames_free(), ALL_FRAMES);
    CHECK_EQ(pmm_highest_address(), PHYS_SIZE);
}

TEST(every_frame_handed_out_is_usable_unreserved_and_unique)
{
    init();
    int n = take_all();
    CHECK_EQ(n, ALL_FRAMES);
    static bool seen[1024];
    memset(seen, 0, sizeof(seen));
    int bad = 0, low = 0, high = 0;
    for (int i = 0; i < n; i++) {
        uint64_t f = taken[i];
        if (f % PAGE_SIZE || f >= PHYS_SIZE || !in_usable_region(f) || in_reserved(f) ||
            f == REFCOUNT_PAGE || seen[f / PAGE_SIZE]) {
            printf("  frame 0x%lx should not have been handed out\n", (unsigned long)f);
            bad++;
            continue;
        }
        seen[f / PAGE_SIZE] = true;
        low += f < 0x300000;
        high += f >= 0x300000;
    }
    CHECK_EQ(bad, 0);
    CHECK_EQ(low, LOW_USABLE_FRAMES); /* frames come from both usable regions */
    CHECK_EQ(high, HIGH_USABLE_FRAMES);
    give_back(n);
}

TEST(exhaustion_returns_0_and_freeing_makes_room)
{
    init();
    int n = take_all();
    CHECK_EQ(frames_free(), 0);
    CHECK_EQ(frame_alloc(), 0);
    CHECK_EQ(frame_alloc_zeroed(), 0);
    frame_unref(taken[7]);
    CHECK_EQ(frames_free(), 1);
    CHECK_EQ(frame_alloc(), taken[7]);
    CHECK_EQ(frame_alloc(), 0);
    give_back(n);
    CHECK_EQ(frames_free(), ALL_FRAMES);
    CHECK_EQ(frames_total(), ALL_FRAMES);
}

TEST(alloc_and_free_keep_the_free_count)
{
    init();
    uint64_t a = frame_alloc(), b = frame_alloc(), c = frame_alloc();
    CHECK(a && b && c && a != b && b != c && a != c);
    CHECK_EQ(frames_free(), ALL_FRAMES - 3);
    CHECK_EQ(frame_refcount(a), 1);
    frame_unref(b);
    CHECK_EQ(frames_free(), ALL_FRAMES - 2);
    CHECK_EQ(frame_refcount(b), 0);
    frame_unref(a);
    frame_unref(c);
    CHECK_EQ(frames_free(), ALL_FRAMES);
}

TEST(shared_frame_is_freed_only_after_the_last_unref)
{
    init();
    uint64_t f = frame_alloc();
    frame_ref(f);
    CHECK_EQ(frame_refcount(f), 2);
    frame_unref(f);
    CHECK_EQ(frame_refcount(f), 1);
    CHECK_EQ(frames_free(), ALL_FRAMES - 1);
    frame_unref(f);
    CHECK_EQ(frame_refcount(f), 0);
    CHECK_EQ(frames_free(), ALL_FRAMES);
}

TEST(reference_count_stops_at_its_maximum_instead_of_wrapping)
{
    init();
    uint64_t f = frame_alloc();
    for (int i = 1; i < FRAME_REFS_MAX; i++)
        CHECK(frame_ref(f));
    CHECK_EQ(frame_refcount(f), FRAME_REFS_MAX);
    CHECK(!frame_ref(f)); /* one more would wrap to 0 and free a mapped frame */
    CHECK_EQ(frame_refcount(f), FRAME_REFS_MAX);
    for (int i = 1; i < FRAME_REFS_MAX; i++)
        frame_unref(f);
    CHECK_EQ(frames_free(), ALL_FRAMES - 1);
    frame_unref(f);
    CHECK_EQ(frames_free(), ALL_FRAMES);
}

TEST(double_unref_is_harmless)
{
    init();
    uint64_t f = frame_alloc();
    frame_unref(f);
    frame_unref(f); /* a bug elsewhere, but the frame must not go on the list twice */
    CHECK_EQ(frames_free(), ALL_FRAMES);
    CHECK_EQ(frame_refcount(f), 0);
    uint64_t a = frame_alloc(), b = frame_alloc();
    CHECK(a != b);
    CHECK_EQ(take_all() + 2, ALL_FRAMES); /* every other frame is still there, once */
}

TEST(unref_of_a_frame_never_allocated_is_ignored)
{
    init();
    frame_unref(0x50000); /* low memory, reserved */
    frame_unref(REFCOUNT_PAGE);
    CHECK_EQ(frames_free(), ALL_FRAMES);
    CHECK_EQ(take_all(), ALL_FRAMES);
}

TEST(zeroed_frame_is_all_zeros)
{
    init();
    uint64_t f = frame_alloc();
    memset(P2V(f), 0x5a, PAGE_SIZE);
    frame_unref(f);
    uint64_t g = frame_alloc_zeroed();
    CHECK_EQ(g, f); /* the frame just freed comes back first */
    const uint8_t *bytes = P2V(g);
    int nonzero = 0;
    for (int i = 0; i < PAGE_SIZE; i++)
        nonzero += bytes[i] != 0;
    CHECK_EQ(nonzero, 0);
    CHECK_EQ(frame_refcount(g), 1);
}

TEST(refcount_of_a_frame_beyond_memory_is_0)
{
    init();
    CHECK_EQ(frame_refcount(PHYS_SIZE), 0);
    CHECK_EQ(frame_refcount(0x100000000UL), 0);
}

TEST(pmm_add_memory_above_adds_frames_above_the_limit)
{
    init_with_limit(0x300000);
    CHECK_EQ(frames_total(), LOW_USABLE_FRAMES);
    CHECK_EQ(frames_free(), LOW_USABLE_FRAMES);
    CHECK_EQ(pmm_highest_address(), PHYS_SIZE);
    int n = take_all();
    CHECK_EQ(n, LOW_USABLE_FRAMES);
    int above = 0;
    for (int i = 0; i < n; i++)
        above += taken[i] >= 0x300000;
    CHECK_EQ(above, 0);

    pmm_add_memory_above(&bi, 0x300000);
    CHECK_EQ(frames_total(), ALL_FRAMES);
    CHECK_EQ(frames_free(), HIGH_USABLE_FRAMES);
    uint64_t f = frame_alloc();
    CHECK(f >= 0x311000 && f < PHYS_SIZE);
    frame_ref(f); /* frames above the limit have reference counts too */
    CHECK_EQ(frame_refcount(f), 2);
    frame_unref(f);
    frame_unref(f);
    CHECK_EQ(frames_free(), HIGH_USABLE_FRAMES);
    give_back(n);
    CHECK_EQ(frames_free(), ALL_FRAMES);
}

static struct frame_stats stats_of(int cpu)
{
    struct frame_stats s;
    frame_stats_of(cpu, &s);
    return s;
}

/* spinlock_host.c: act as CPU index cpu; interrupts-off sections still open. (cpu.h cannot
 * be included beside the host's headers.) */
void become_cpu(int cpu);
int host_push_off_depth(void);

TEST(freed_frames_stay_in_this_cpus_cache_and_count_as_free)
{
    init();
    int n = 10;
    for (int i = 0; i < n; i++)
        taken[i] = frame_alloc();
    give_back(n);
    struct frame_stats s = stats_of(0);
    CHECK(s.cached >= (uint64_t)n);
    CHECK_EQ(frames_free(), ALL_FRAMES); /* cached frames are free: MemFree stays exact */
    CHECK_EQ(s.allocs, n);
    CHECK_EQ(s.frees, n);
    CHECK_EQ(host_push_off_depth(), 0);
}

TEST(most_frame_operations_take_no_global_lock)
{
    init();
    for (int round = 0; round < 100; round++) {
        for (int i = 0; i < 20; i++)
            taken[i] = frame_alloc();
        give_back(20);
    }
    struct frame_stats s = stats_of(0);
    CHECK_EQ(s.allocs, 2000);
    CHECK_EQ(s.frees, 2000);
    CHECK(s.from_cache >= s.allocs * 3 / 4);
    CHECK(s.lock_taken <= (s.allocs + s.frees) / 4); /* one trip to the pool per batch */
    CHECK_EQ(s.lock_contended, 0);                    /* one CPU: nobody else holds it */
    CHECK_EQ(frames_free(), ALL_FRAMES);
}

TEST(a_cache_stays_small_when_one_cpu_frees_many_frames)
{
    init();
    int n = take_all();
    give_back(n);
    CHECK(stats_of(0).cached <= 64); /* the rest went back to the pool in batches */
    CHECK_EQ(frames_free(), ALL_FRAMES);
    CHECK_EQ(take_all(), ALL_FRAMES);
}

TEST(frames_cached_by_one_cpu_are_never_handed_out_by_another)
{
    init();
    become_cpu(1);
    for (int i = 0; i < 8; i++)
        taken[i] = frame_alloc();
    uint64_t cpu1_frames[8];
    memcpy(cpu1_frames, taken, sizeof(cpu1_frames));
    give_back(8);
    uint64_t on_cpu1 = stats_of(1).cached;
    CHECK(on_cpu1 >= 8);
    become_cpu(0);
    int n = take_all();
    CHECK_EQ(n + on_cpu1, ALL_FRAMES);
    CHECK_EQ(frames_free(), on_cpu1);
    int reused = 0;
    for (int i = 0; i < n; i++)
        for (int j = 0; j < 8; j++)
            reused += taken[i] == cpu1_frames[j];
    CHECK_EQ(reused, 0);
    become_cpu(1);
    uint64_t f = frame_alloc(); /* cpu1 still has its own */
    CHECK(f != 0);
    CHECK_EQ(stats_of(1).from_cache, 9 - 1); /* its first allocation refilled the cache */
    frame_unref(f);
    become_cpu(0);
    give_back(n);
    CHECK_EQ(frames_free(), ALL_FRAMES);
}

int main(void)
{
    RUN(frame_counts_are_exact);
    RUN(every_frame_handed_out_is_usable_unreserved_and_unique);
    RUN(exhaustion_returns_0_and_freeing_makes_room);
    RUN(alloc_and_free_keep_the_free_count);
    RUN(shared_frame_is_freed_only_after_the_last_unref);
    RUN(reference_count_stops_at_its_maximum_instead_of_wrapping);
    RUN(double_unref_is_harmless);
    RUN(unref_of_a_frame_never_allocated_is_ignored);
    RUN(zeroed_frame_is_all_zeros);
    RUN(refcount_of_a_frame_beyond_memory_is_0);
    RUN(pmm_add_memory_above_adds_frames_above_the_limit);
    RUN(freed_frames_stay_in_this_cpus_cache_and_count_as_free);
    RUN(most_frame_operations_take_no_global_lock);
    RUN(a_cache_stays_small_when_one_cpu_frees_many_frames);
    RUN(frames_cached_by_one_cpu_are_never_handed_out_by_another);
    UNIT_EXIT();
}
