/* heap_host.c - kernel/mm/heap.c compiled for the host on the frame allocator of pmm_host.c:
 * the direct map is the test's array (physical address X is byte X of pmm_test_arena), and
 * printk, which kfree uses to complain, only counts its calls (host_printk_calls).
 */
#include <stdint.h>

extern char pmm_test_arena[];
#define PHYS_MAP_BASE ((uint64_t)(uintptr_t)pmm_test_arena)

#include "../../kernel/mm/heap.c"

int host_printk_calls;

int printk(const char *fmt, ...)
{
    (void)fmt;
    host_printk_calls++;
    return 0;
}
