/* locks_test.c - the locks lab's guest program (tests/labs/locks/grade.py runs it on nest).
 *
 *   locks_test storm SEED WORKERS ROUNDS
 *
 * WORKERS processes (worker i asks for CPU i, where sched_setaffinity works) each fork
 * ROUNDS children; a child dirties a few pages (SEED picks how many), sometimes forks a child
 * of its own (waited for, or reaped by the kernel), and exits. A first storm brings the kernel's allocators to their working
 * size; then storms run until one leaves MemFree where it was (at most three: a leak fails
 * every time). Prints the CPUs that run processes (sysconf), each CPU's frame allocator
 * counters from /proc/frames for the measured storms (the difference from before them) and
 * the cached frames at the end, MemFree before and after, and "locks_test: done"; any
 * failure says what, and the exit status is 1.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <unistd.h>

#define PAGE 4096UL
#define MAX_CPUS 64
#define MAX_STORMS 3

struct frame_counts {
    unsigned long allocs, from_cache, frees, lock_taken, lock_contended, cached;
};

static unsigned long seed;

static unsigned long next_random(void)
{
    seed = seed * 6364136223846793005UL + 1442695040888963407UL;
    return seed >> 33;
}

static void fail(const char *what)
{
    printf("locks_test: FAIL: %s (%s)\n", what, strerror(errno));
    exit(1);
}

static long mem_free_kb(void)
{
    char line[128];
    long kb = -1;
    FILE *f = fopen("/proc/meminfo", "r");
    while (f && fgets(line, sizeof line, f))
        if (sscanf(line, "MemFree: %ld kB", &kb) == 1)
            break;
    if (f)
        fclose(f);
    return kb;
}

/* /proc/frames into counts[cpu]; the number of CPUs it lists. */
static int read_frames(struct frame_counts *counts)
{
    char line[256];
    int cpus = 0;
    FILE *f = fopen("/proc/frames", "r");
    if (!f)
        fail("cannot open /proc/frames");
    memset(counts, 0, MAX_CPUS * sizeof(*counts));
    while (fgets(line, sizeof line, f)) {
        int cpu;
        struct frame_counts c;
        if (sscanf(line, "cpu%d allocs %lu from_cache %lu frees %lu lock_taken %lu "
                   "lock_contended %lu cached %lu", &cpu, &c.allocs, &c.from_cache, &c.frees,
                   &c.lock_taken, &c.lock_contended, &c.cached) != 7 ||
            cpu < 0 || cpu >= MAX_CPUS) {
            errno = 0;
            fail("a line of /proc/frames is not 'cpuN allocs A from_cache C frees F "
                 "lock_taken L lock_contended X cached K'");
        }
        counts[cpu] = c;
        cpus = cpu + 1 > cpus ? cpu + 1 : cpus;
    }
    fclose(f);
    return cpus;
}

/* A child's life: dirty some pages, perhaps fork once more, exit. A grandchild of kind 2 is
 * reaped by the kernel (SIGCHLD ignored): its stack is then freed by whichever CPU runs
 * after it, while other CPUs fork. */
static void child(unsigned long pages, int grandchild)
{
    char *p = mmap(NULL, pages * PAGE, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS,
                   -1, 0);
    if (p == MAP_FAILED)
        _exit(2);
    for (unsigned long i = 0; i < pages; i++)
        p[i * PAGE] = (char)i;
    if (grandchild == 2)
        signal(SIGCHLD, SIG_IGN);
    if (grandchild) {
        pid_t pid = fork();
        if (pid == 0) {
            p[0] = 1; /* a copy-on-write fault in the grandchild */
            _exit(0);
        }
        if (pid < 0)
            _exit(3);
        if (grandchild == 1 && waitpid(pid, NULL, 0) != pid)
            _exit(3);
        if (grandchild == 2 && (waitpid(pid, NULL, 0) != -1 || errno != ECHILD))
            _exit(4); /* waits until the child is gone, then has none to report */
    }
    _exit(0);
}

static void worker(int index, int rounds)
{
    cpu_set_t set;
    CPU_ZERO(&set);
    CPU_SET(index, &set);
    sched_setaffinity(0, sizeof(set), &set); /* best effort: the scheduler may place it */
    seed ^= (unsigned long)index * 0x9e3779b97f4a7c15UL;
    for (int i = 0; i < rounds; i++) {
        unsigned long pages = 1 + next_random() % 24;
        int grandchild = next_random() % 4 == 0 ? 1 + (int)(next_random() % 2) : 0;
        pid_t pid = fork();
        if (pid == 0)
            child(pages, grandchild);
        int status;
        if (pid < 0 || waitpid(pid, &status, 0) != pid || !WIFEXITED(status) ||
            WEXITSTATUS(status) != 0) {
            printf("locks_test: FAIL: worker %d, round %d: a child did not exit with 0\n",
                   index, i);
            _exit(1);
        }
        if ((i + 1) % 50 == 0) /* progress, for a grader that waits for output */
            printf("locks_test: worker %d: %d rounds\n", index, i + 1);
    }
    _exit(0);
}

/* One storm: every worker at once; false if one failed. */
static int storm(int workers, int rounds)
{
    pid_t pids[MAX_CPUS];
    for (int w = 0; w < workers; w++) {
        pids[w] = fork();
        if (pids[w] == 0)
            worker(w, rounds);
        if (pids[w] < 0)
            fail("fork of a worker");
    }
    int ok = 1;
    for (int w = 0; w < workers; w++) {
        int status;
        if (waitpid(pids[w], &status, 0) != pids[w] || !WIFEXITED(status) ||
            WEXITSTATUS(status) != 0)
            ok = 0;
    }
    return ok;
}

int main(int argc, char **argv)
{
    setvbuf(stdout, NULL, _IONBF, 0);
    if (argc != 5 || strcmp(argv[1], "storm") != 0) {
        fprintf(stderr, "usage: locks_test storm SEED WORKERS ROUNDS\n");
        return 2;
    }
    seed = strtoul(argv[2], NULL, 0);
    int workers = atoi(argv[3]), rounds = atoi(argv[4]);
    if (workers < 1 || workers > MAX_CPUS || rounds < 1) {
        fprintf(stderr, "locks_test: 1 to %d workers, at least one round\n", MAX_CPUS);
        return 2;
    }
    printf("locks_test: %ld CPUs run processes\n", sysconf(_SC_NPROCESSORS_ONLN));
    if (!storm(workers, rounds))
        fail("the first storm");
    static struct frame_counts before[MAX_CPUS], after[MAX_CPUS];
    read_frames(before);
    long free_before = mem_free_kb(), free_after = -1;
    int storms = 0;
    while (storms < MAX_STORMS && free_after != free_before) {
        free_before = free_after < 0 ? free_before : free_after;
        if (!storm(workers, rounds))
            fail("a storm");
        free_after = mem_free_kb();
        storms++;
        printf("locks_test: storm %d: MemFree before %ld kB, after %ld kB\n", storms,
               free_before, free_after);
    }
    int cpus = read_frames(after);
    for (int cpu = 0; cpu < cpus; cpu++)
        printf("locks_test: cpu%d allocs %lu from_cache %lu frees %lu lock_taken %lu "
               "lock_contended %lu cached %lu\n", cpu, after[cpu].allocs - before[cpu].allocs,
               after[cpu].from_cache - before[cpu].from_cache,
               after[cpu].frees - before[cpu].frees,
               after[cpu].lock_taken - before[cpu].lock_taken,
               after[cpu].lock_contended - before[cpu].lock_contended, after[cpu].cached);
    if (free_after != free_before) {
        printf("locks_test: FAIL: MemFree changed in each of %d storms: frames leak (or are "
               "counted wrong)\n", MAX_STORMS);
        return 1;
    }
    printf("locks_test: done, %d workers x %d rounds, seed %lu\n", workers, rounds,
           strtoul(argv[2], NULL, 0));
    return 0;
}
