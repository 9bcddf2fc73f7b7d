/* backtrace.c - function names for addresses, and walking the frame-pointer chain.
 *
 * The build links the kernel twice: the second time with build/ksyms.c, a table of every
 * function's address and name made from the first link by tools/gen-ksyms.sh. The table
 * sits after the code (linker.ld), so adding it moves no function.
 */
#include "arch.h"
#include "layout.h"
#include "printk.h"

struct ksym {
    uint64_t address;
    const char *name;
};

extern const struct ksym ksyms[];
extern const uint64_t ksym_count;
extern char _kernel_start[], _text_end[];

/* The function containing address, by binary search in the sorted table. */
const char *symbol_for(uint64_t address, uint64_t *offset)
{
    *offset = 0;
    if (ksym_count == 0 || address < ksyms[0].address || address >= (uint64_t)_text_end)
        return NULL;
    uint64_t low = 0, high = ksym_count;
    while (high - low > 1) {
        uint64_t mid = (low + high) / 2;
        if (ksyms[mid].address <= address)
            low = mid;
        else
            high = mid;
    }
    *offset = address - ksyms[low].address;
    return ksyms[low].name;
}

static bool is_kernel_stack_address(uint64_t a)
{
    return a >= VMAP_BASE || a >= KERNEL_VMA;
}

/* Follow saved frame pointers from rbp: each frame holds the caller's rbp, then the return
 * address. Stores at most max return addresses, innermost first; returns how many. */
int backtrace_save(uint64_t rbp, uint64_t *addresses, int max)
{
    int n = 0;
    for (; n < max && rbp && is_kernel_stack_address(rbp) && !(rbp & 7); n++) {
        uint64_t *frame = (uint64_t *)rbp;
        uint64_t ret = frame[1];
        if (ret < (uint64_t)_kernel_start || ret >= (uint64_t)_text_end)
            break;
        addresses[n] = ret;
        rbp = frame[0];
    }
    return n;
}

/* One line per address, with the function it lies in: what a panic prints. */
void backtrace_print(const uint64_t *addresses, int n)
{
    for (int i = 0; i < n; i++) {
        uint64_t offset;
        const char *name = symbol_for(addresses[i], &offset);
        printk(KERN_EMERG "  %016lx <%s+%#lx>\n", addresses[i], name ? name : "?", offset);
    }
}

void backtrace_from(uint64_t rbp)
{
    uint64_t addresses[BACKTRACE_MAX];
    backtrace_print(addresses, backtrace_save(rbp, addresses, BACKTRACE_MAX));
}
