// tlb_storm.c - nest-only: fork/exit/wait storms that make the kernel free and reuse kernel
// stacks (each free is a TLB shootdown to every other CPU), while each child maps, writes,
// write-protects and unmaps a region larger than one unmap batch. Checks that the children
// saw their own data, that every frame came back (MemFree before = after, give or take the
// kmalloc caches of several CPUs), and that the other CPUs carried out at least one
// shootdown per freed stack ("TLB:" in /proc/interrupts).
// Usage: tlb_storm CYCLES [concurrent]. Prints "cycles N cpus C shootdowns D memory ok".
// "concurrent": other storms run at the same time, so MemFree is not compared (theirs moves).
// Run by tests/system/test_tlb.py.
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <unistd.h>

#define REGION_PAGES 300 /* more than the kernel's unmap batch of 64 frames */
#define PAGE 4096

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

/* The sum of the "TLB:" line of /proc/interrupts over all CPUs, and the number of CPUs
 * (columns); -1 if there is no such line. */
static long tlb_shootdowns(int *cpus)
{
    char line[1024];
    long total = -1;
    FILE *f = fopen("/proc/interrupts", "r");
    if (!f)
        return -1;
    while (fgets(line, sizeof line, f)) {
        if (strncmp(line, "TLB:", 4) != 0)
            continue;
        char *p = line + 4;
        total = 0;
        *cpus = 0;
        for (;;) {
            char *end;
            long n = strtol(p, &end, 10);
            if (end == p)
                break;
            total += n;
            (*cpus)++;
            p = end;
        }
    }
    fclose(f);
    return total;
}

/* A child's work: its own data in a fresh region, read back after mprotect, then unmapped.
 * Exits 0 if every page held what it wrote. */
static void child(int seed)
{
    size_t size = (size_t)REGION_PAGES * PAGE;
    unsigned char *r = mmap(NULL, size, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS,
                            -1, 0);
    if (r == MAP_FAILED)
        _exit(2);
    for (int i = 0; i < REGION_PAGES; i++)
        r[(size_t)i * PAGE] = (unsigned char)(seed + i);
    if (mprotect(r, size, PROT_READ) != 0)
        _exit(3);
    for (int i = 0; i < REGION_PAGES; i++)
        if (r[(size_t)i * PAGE] != (unsigned char)(seed + i))
            _exit(4);
    if (munmap(r, size) != 0)
        _exit(5);
    _exit(0);
}

/* fork a child that does its work, reap it; count times. 0, or -1 after saying why. */
static int storm(int count)
{
    for (int i = 0; i < count; i++) {
        pid_t pid = fork();
        if (pid < 0) {
            perror("fork");
            return -1;
        }
        if (pid == 0)
            child(i);
        int status;
        if (waitpid(pid, &status, 0) != pid || !WIFEXITED(status) || WEXITSTATUS(status)) {
            printf("child %d: wait status %#x (2 mmap, 3 mprotect, 4 wrong data, 5 munmap)\n",
                   i, status);
            return -1;
        }
    }
    return 0;
}

int main(int argc, char **argv)
{
    int cycles = argc > 1 ? atoi(argv[1]) : 200;
    bool concurrent = argc > 2 && strcmp(argv[2], "concurrent") == 0;
    int cpus = 0;
    /* Warm up, as leak_fork does: the kernel's allocators reach their working size and this
     * process touches every page it will use, so that only a leak can change MemFree. */
    if (storm(10) < 0 || mem_free_kb() < 0 || tlb_shootdowns(&cpus) < 0 || storm(10) < 0) {
        printf("warm-up failed, or cannot read /proc/meminfo or /proc/interrupts' TLB line\n");
        return 1;
    }
    long free_before = mem_free_kb();
    long shot_before = tlb_shootdowns(&cpus);
    if (storm(cycles) < 0)
        return 1;
    long shot = tlb_shootdowns(&cpus) - shot_before;
    long free_after = mem_free_kb();
    /* On several CPUs a kmalloc frame or two may stay carved while its blocks wait in
     * another CPU's cache (heap.c); a leak in the paths stormed here would lose frames on
     * every cycle, hundreds of them. */
    long slack_kb = cpus > 1 ? cpus * 16L : 0;
    bool leaked = !concurrent && free_before - free_after > slack_kb;
    printf("cycles %d cpus %d shootdowns %ld memory %s\n", cycles, cpus, shot,
           concurrent ? "not compared" : leaked ? "leaked" : "ok");
    if (leaked) {
        printf("MemFree %ld kB before, %ld kB after\n", free_before, free_after);
        return 1;
    }
    /* Each reaped child's kernel stack was freed with one request to every other CPU. */
    if (shot < (long)cycles * (cpus - 1)) {
        printf("expected at least %ld shootdowns (%d stacks freed, %d other CPUs)\n",
               (long)cycles * (cpus - 1), cycles, cpus - 1);
        return 1;
    }
    return 0;
}
