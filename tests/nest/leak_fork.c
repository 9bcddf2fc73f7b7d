// leak_fork.c - nest-only: the free memory after 1,000 fork/exit/wait cycles equals the free
// memory before (read from /proc/meminfo, which nest computes from its free-frame count); on
// several CPUs up to three runs of 1,000 (see main). Prints "free before N kB, after M kB,
// cycles 1000" for each. Run by tests/system/test_processes.py.
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#define MAX_TRIES 3

/* MemFree from /proc/meminfo, in kB; -1 if it cannot be read. */
static long mem_free_kb(void)
{
    char line[128];
    long kb = -1;
    FILE *f = fopen("/proc/meminfo", "r");
    if (!f)
        return -1;
    while (fgets(line, sizeof line, f))
        if (sscanf(line, "MemFree: %ld kB", &kb) == 1)
            break;
    fclose(f);
    return kb;
}

/* fork, let the child exit at once, reap it; count is how many times. */
static int cycles(int count)
{
    for (int i = 0; i < count; i++) {
        pid_t pid = fork();
        if (pid < 0) {
            perror("fork");
            return -1;
        }
        if (pid == 0)
            _exit(i & 0xff);
        int status;
        if (waitpid(pid, &status, 0) != pid || !WIFEXITED(status) || WEXITSTATUS(status) != (i & 0xff)) {
            fprintf(stderr, "cycle %d: bad wait status %#x\n", i, status);
            return -1;
        }
    }
    return 0;
}

int main(void)
{
    /* Warm up: the kernel's allocators reach their working size, and this process touches
     * every page it will use (stdio buffers, the code of each path), so that only the
     * kernel's memory can make the two readings differ. */
    if (cycles(20) < 0 || mem_free_kb() < 0 || cycles(20) < 0)
        return 1;
    /* With several CPUs a child may exit on another CPU than its parent's, and the kmalloc
     * blocks it frees wait in that CPU's cache: the heap can carve a few more frames (which
     * it keeps) until every CPU's caches are full. That growth ends; a leak does not: up to
     * MAX_TRIES times 1,000 cycles, until one leaves the free memory where it was. */
    long before, after = mem_free_kb();
    int tries = 0;
    do {
        before = after;
        if (cycles(1000) < 0)
            return 1;
        after = mem_free_kb();
        tries++;
        printf("free before %ld kB, after %ld kB, cycles 1000\n", before, after);
    } while (before != after && tries < MAX_TRIES);
    return before == after && before > 0 ? 0 : 1;
}
