// cpus.c - nest-only: print how many CPUs user space sees (sysconf, which musl answers from
// sched_getaffinity) and the affinity mask itself: every CPU that runs processes. Run by
// tests/system/test_smp.py.
#define _GNU_SOURCE
#include <sched.h>
#include <stdio.h>
#include <unistd.h>

int main(void)
{
    cpu_set_t set;
    CPU_ZERO(&set);
    if (sched_getaffinity(0, sizeof(set), &set) != 0) {
        perror("sched_getaffinity");
        return 1;
    }
    printf("online %ld\n", sysconf(_SC_NPROCESSORS_ONLN));
    printf("affinity");
    for (int i = 0; i < CPU_SETSIZE; i++)
        if (CPU_ISSET(i, &set))
            printf(" %d", i);
    printf("\n");
    return 0;
}
