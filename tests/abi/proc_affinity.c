/* proc_affinity.c - sched_setaffinity(2) and sched_getaffinity(2), called raw: the byte count
 * getaffinity returns, EINVAL for a short or odd buffer and for a mask with no online CPU,
 * EFAULT, ESRCH, PIDs seen from a PID namespace, and the mask kept by fork and execve and set
 * from another process. Only CPU 0 is pinned to, so the output is the same on any CPU count;
 * the kernel's mask size differs (8 bytes on nest, NR_CPUS bits on Linux), so only its
 * bounds are printed.
 * ABI test: tests/abi/run.py runs it on Linux and on nest; the outputs must be identical.
 * Helper mode: "PROGRAM --report" prints its own mask (after an execve).
 */
#define _GNU_SOURCE
#include <errno.h>
#include <sched.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include "check.h"

static long set_mask(pid_t pid, unsigned int size, const void *mask)
{
    return syscall(SYS_sched_setaffinity, pid, size, mask);
}

static long get_mask(pid_t pid, unsigned int size, void *mask)
{
    return syscall(SYS_sched_getaffinity, pid, size, mask);
}

/* pid's mask's first word, or 0 if the call failed. */
static uint64_t mask_of(pid_t pid)
{
    uint64_t mask[2] = {0, 0};
    return get_mask(pid, sizeof(mask), mask) < 0 ? 0 : mask[0];
}

/* The "processor" lines of /proc/cpuinfo: the online CPUs. */
static int cpuinfo_processors(void)
{
    FILE *f = fopen("/proc/cpuinfo", "r");
    char line[256];
    int count = 0;
    if (!f)
        return -1;
    while (fgets(line, sizeof(line), f))
        count += strncmp(line, "processor\t:", 11) == 0;
    fclose(f);
    return count;
}

static void check_sizes_and_errors(void)
{
    uint64_t buffer[16] = {0};
    CHECK("getaffinity(self, 8)", get_mask(0, 8, buffer));
    for (unsigned int size = 16; size <= 128; size *= 8) {
        long copied = get_mask(0, size, buffer); /* min(size, the kernel's mask size) */
        printf("getaffinity(self, %u) copies whole longs, 8 to %u bytes: %s\n", size, size,
               copied >= 8 && copied <= size && copied % 8 == 0 ? "yes" : "no");
    }
    CHECK("getaffinity(self, 0)", get_mask(0, 0, buffer));
    CHECK("getaffinity(self, 4)", get_mask(0, 4, buffer));
    CHECK("getaffinity(self, 12)", get_mask(0, 12, buffer));
    CHECK("getaffinity(self, 8, NULL)", get_mask(0, 8, NULL));
    CHECK("getaffinity(self, 4, NULL): size first", get_mask(0, 4, NULL));
    CHECK("getaffinity(-1, 8)", get_mask(-1, 8, buffer));

    uint64_t none = 0, cpu63 = 1ULL << 63, cpu0 = 1;
    CHECK("setaffinity(self, empty)", set_mask(0, 8, &none));
    CHECK("setaffinity(self, cpu63 only)", set_mask(0, 8, &cpu63));
    CHECK("setaffinity(self, size 0)", set_mask(0, 0, &cpu0));
    CHECK("setaffinity(self, 8, NULL)", set_mask(0, 8, NULL));
    CHECK("setaffinity(-1, cpu0)", set_mask(-1, 8, &cpu0));
    CHECK("setaffinity(-1, NULL): the copy first", set_mask(-1, 8, NULL));
}

static void check_round_trips(uint64_t first)
{
    uint64_t cpu0 = 1, all = ~0ULL;
    unsigned char byte = 1;
    uint64_t long_mask[2] = {1, ~0ULL}; /* the second word lies past the kernel's mask */
    CHECK("setaffinity(self, cpu0)", set_mask(0, 8, &cpu0));
    printf("mask after pinning to cpu0: %#llx\n", (unsigned long long)mask_of(0));
    CHECK("setaffinity(self, every bit)", set_mask(0, 8, &all));
    printf("every bit gives back the first mask: %s\n", mask_of(0) == first ? "yes" : "no");
    CHECK("setaffinity(self, 1 byte: cpu0)", set_mask(0, 1, &byte));
    printf("mask after a 1-byte cpu0: %#llx\n", (unsigned long long)mask_of(0));
    set_mask(0, 8, &all);
    CHECK("setaffinity(self, 16 bytes: cpu0, then ones)", set_mask(0, 16, long_mask));
    printf("mask after it: %#llx\n", (unsigned long long)mask_of(0));
    set_mask(0, 8, &first);
}

/* A child started pinned to cpu0 keeps the mask; so does a program it execs. */
static void check_fork_and_exec(const char *self_path, uint64_t first)
{
    uint64_t cpu0 = 1;
    set_mask(0, 8, &cpu0);
    pid_t child = fork();
    if (child == 0) {
        printf("forked child's mask: %#llx\n", (unsigned long long)mask_of(0));
        fflush(stdout);
        execl(self_path, self_path, "--report", (char *)NULL);
        _exit(127);
    }
    waitpid(child, NULL, 0);
    set_mask(0, 8, &first);
    printf("parent's mask back: %s\n", mask_of(0) == first ? "yes" : "no");
}

/* The parent sets a sleeping child's mask by its PID; the child then reads its own. */
static void check_other_process(uint64_t first)
{
    int go[2];
    pipe(go);
    pid_t child = fork();
    if (child == 0) {
        char byte;
        close(go[1]);
        read(go[0], &byte, 1);
        printf("child, after its parent set its mask: %#llx\n", (unsigned long long)mask_of(0));
        _exit(mask_of(0) == 1 ? 0 : 1);
    }
    close(go[0]);
    uint64_t cpu0 = 1;
    CHECK("setaffinity(child, cpu0)", set_mask(child, 8, &cpu0));
    printf("getaffinity(child): %#llx\n", (unsigned long long)mask_of(child));
    printf("our own mask unchanged: %s\n", mask_of(0) == first ? "yes" : "no");
    fflush(stdout);
    write(go[1], "g", 1);
    int status;
    waitpid(child, &status, 0);
    printf("child exited %d\n", WEXITSTATUS(status));
    CHECK("setaffinity(reaped child, cpu0)", set_mask(child, 8, &cpu0));
    uint64_t buffer;
    CHECK("getaffinity(reaped child)", get_mask(child, 8, &buffer));
    close(go[1]);
}

/* PID 1 of a new PID namespace names itself as 1 and cannot see its parent. */
static void check_pid_namespace(void)
{
    pid_t outside = getpid();
    fflush(stdout);
    if (unshare(CLONE_NEWPID) < 0) {
        printf("unshare(CLONE_NEWPID): %s\n", errno_name(errno));
        return;
    }
    pid_t child = fork();
    if (child == 0) {
        uint64_t cpu0 = 1, buffer;
        CHECK("in a new namespace: setaffinity(1, cpu0)", set_mask(1, 8, &cpu0));
        printf("in a new namespace: getaffinity(1): %#llx\n", (unsigned long long)mask_of(1));
        CHECK("in a new namespace: getaffinity(parent's outside PID)",
              get_mask(outside, 8, &buffer));
        fflush(stdout);
        _exit(0);
    }
    waitpid(child, NULL, 0);
}

int main(int argc, char **argv)
{
    if (argc > 1 && strcmp(argv[1], "--report") == 0) {
        printf("after execve: %#llx\n", (unsigned long long)mask_of(0));
        return 0;
    }
    setvbuf(stdout, NULL, _IOLBF, 0);
    uint64_t first = mask_of(0);
    printf("cpu0 in the first mask: %s\n", first & 1 ? "yes" : "no");
    printf("first mask has one bit per /proc/cpuinfo processor: %s\n",
           __builtin_popcountll(first) == cpuinfo_processors() ? "yes" : "no");
    check_sizes_and_errors();
    check_round_trips(first);
    check_fork_and_exec(argv[0], first);
    check_other_process(first);
    check_pid_namespace();
    return 0;
}
