// map_count_limit.c - nest-only: one address space holds at most MAX_MAP_COUNT (4096)
// regions, so that no walk of its region list is long: mmap of one page after another
// succeeds until then and fails with ENOMEM after; munmap of a page in the middle of a
// region, which would split it, fails with ENOMEM too. Prints "mapped N more pages, then Out
// of memory" and "split: ENOMEM". Run by tests/system/test_processes.py.
#define _GNU_SOURCE
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

int main(void)
{
    char *big = mmap(NULL, 3 * 4096, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    int count = 0;
    for (;;) {
        /* alternating protections: no two neighbours could ever be merged into one region */
        void *p = mmap(NULL, 4096, count % 2 ? PROT_READ : PROT_READ | PROT_WRITE,
                       MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
        if (p == MAP_FAILED)
            break;
        if (++count > 10000)
            break;
    }
    printf("mapped %d more pages, then %s\n", count, count > 10000 ? "no limit" : strerror(errno));
    int split = munmap(big + 4096, 4096);
    printf("split: %s\n", split ? (errno == ENOMEM ? "ENOMEM" : strerror(errno)) : "done");
    return 0;
}
