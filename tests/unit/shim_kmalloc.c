/* shim_kmalloc.c - the kernel heap (kmalloc, kzalloc, kfree) made from the host's malloc, for
 * host unit tests of code that allocates but needs nothing else from the kernel (pid.c).
 *
 * It counts allocations and frees so that a test can check that a sequence of operations
 * gives back every byte it took.
 */
#define _ISOC11_SOURCE
#include <stdio.h>
#include <stdlib.h>

#include "mm.h"
#include "string.h"

long shim_allocations; /* successful kmalloc/kzalloc calls */
long shim_frees;       /* kfree calls with a non-NULL pointer */

/* Like the kernel's kmalloc, refuse more than a page: a test must not pass because the host
 * allows what nest does not. */
void *kmalloc(size_t size)
{
    if (size > PAGE_SIZE) {
        fprintf(stderr, "kmalloc(%zu): more than a page\n", size);
        abort();
    }
    void *p = malloc(size);
    if (p)
        shim_allocations++;
    return p;
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
    if (p)
        shim_frees++;
    free(p);
}
