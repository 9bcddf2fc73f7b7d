// fork_publish.c - nest-only: no process sees a child that fork is still making. A parent
// with a big, sparse address space forks again and again (each fork walks hundreds of page
// tables, and lets the kernel lock go between them when its slice is over), while a prober on
// the same CPU reads /proc/sys/kernel/ns_last_pid and then /proc/N/stat of that last number.
// A child must be found by its number only once it is complete: with a parent and a process
// group, which fork gives it before its number. A kernel that numbers the child first shows
// it with parent 0 and group 0 whenever the prober runs in the middle of a fork.
// Prints "probes during fork: N, children seen half-made: M"; M must be 0 and N more than a
// few (else the prober never ran while a fork was copying). Run by tests/system/test_processes.py.
#define _GNU_SOURCE
#include <fcntl.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#define REGION (512UL << 20) /* one page touched in every 2 MiB: 256 page tables to copy */
#define SECONDS 4            /* how long the parent keeps forking */

struct shared {
    volatile long forking;   /* the number of the fork the parent is in, 0 between forks */
    volatile long done;      /* the parent stopped forking */
    volatile long during;    /* probes that began and ended inside one fork */
    volatile long half_made; /* children seen without a parent or a process group */
    char example[128];       /* the first half-made stat line */
};

static void pin_to_cpu0(void)
{
    cpu_set_t set;
    CPU_ZERO(&set);
    CPU_SET(0, &set);
    if (sched_setaffinity(0, sizeof set, &set) < 0) {
        perror("sched_setaffinity");
        exit(2);
    }
}

static int read_file(const char *path, char *text, size_t size)
{
    int fd = open(path, O_RDONLY);
    if (fd < 0)
        return -1;
    ssize_t n = read(fd, text, size - 1);
    close(fd);
    if (n <= 0)
        return -1;
    text[n] = 0;
    return (int)n;
}

/* Read the newest number's stat; count it if it shows a process without parent or group. */
static void probe(struct shared *s)
{
    char text[1024], path[64];
    long during = s->forking;
    if (read_file("/proc/sys/kernel/ns_last_pid", text, sizeof text) < 0)
        return;
    snprintf(path, sizeof path, "/proc/%d/stat", atoi(text));
    int n = read_file(path, text, sizeof text);
    if (!during || s->forking != during)
        return; /* not inside one fork from start to end */
    s->during++;
    if (n < 0)
        return; /* no such process (the previous child, reaped): nothing half-made */
    int ppid = -1, pgrp = -1;
    char *end = strrchr(text, ')');
    if (!end || sscanf(end + 1, " %*c %d %d", &ppid, &pgrp) != 2 || ppid <= 0 || pgrp <= 0) {
        if (s->half_made++ == 0)
            snprintf(s->example, sizeof s->example, "%.120s", text);
    }
}

int main(void)
{
    struct shared *s = mmap(NULL, sizeof *s, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS,
                            -1, 0);
    char *region = mmap(NULL, REGION, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (s == MAP_FAILED || region == MAP_FAILED) {
        perror("mmap");
        return 2;
    }
    memset(s, 0, sizeof *s);
    for (unsigned long off = 0; off < REGION; off += 2UL << 20)
        region[off] = 1;
    pin_to_cpu0(); /* both on one CPU: the prober runs when the forking parent gives it up */
    pid_t prober = fork();
    if (prober < 0) {
        perror("fork");
        return 2;
    }
    if (prober == 0) {
        munmap(region, REGION); /* the prober's own forks stay cheap: it makes none anyway */
        while (!s->done)
            probe(s);
        _exit(0);
    }
    long forks = 0;
    time_t end = time(NULL) + SECONDS;
    while (time(NULL) < end) {
        s->forking = ++forks;
        pid_t child = fork();
        s->forking = 0;
        if (child < 0) {
            perror("fork");
            break;
        }
        if (child == 0)
            _exit(0);
        waitpid(child, NULL, 0);
    }
    s->done = 1;
    waitpid(prober, NULL, 0);
    printf("forks: %ld\nprobes during fork: %ld, children seen half-made: %ld\n", forks,
           s->during, s->half_made);
    if (s->half_made)
        printf("the first: %s\n", s->example);
    return s->half_made ? 1 : 0;
}
