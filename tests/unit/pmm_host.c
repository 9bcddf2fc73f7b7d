/* pmm_host.c - kernel/mm/pmm.c compiled for the host, with the direct map moved onto an
 * array: physical address X is byte X of pmm_test_arena (defined by test_pmm.c), so the
 * allocator's free list, kept inside the free frames, lands in memory the test owns.
 */
#include <stdint.h>

extern char pmm_test_arena[];
#define PHYS_MAP_BASE ((uint64_t)(uintptr_t)pmm_test_arena)

#include "../../kernel/mm/pmm.c"
