/* cow_test.c - the cow lab's guest program (tests/labs/cow/grade.py runs it on nest).
 *
 *   cow_test isolate SEED   dirty more than half of RAM, fork, check that parent and child
 *                           each see only their own writes (SEED picks values and pages)
 *   cow_test leak SEED      the same fork, then 1000 forks of a smaller process whose
 *                           children each write one page; free memory after = before
 *   cow_test gdb ADDRESS    map a page at ADDRESS, dirty it, fork; the child writes it
 * Prints what it checked and "cow_test: ok", or what went wrong and exits 1.
 */
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <unistd.h>

#define PAGE 4096UL

static unsigned long seed;

static unsigned long next_random(void)
{
    seed = seed * 6364136223846793005UL + 1442695040888963407UL;
    return seed >> 33;
}

/* A /proc/meminfo field in kB, or -1. */
static long meminfo(const char *field)
{
    FILE *f = fopen("/proc/meminfo", "r");
    char line[128];
    long value = -1;
    size_t n = strlen(field);
    while (f && fgets(line, sizeof(line), f))
        if (strncmp(line, field, n) == 0 && line[n] == ':')
            value = strtol(line + n + 1, NULL, 10);
    if (f)
        fclose(f);
    return value;
}

static void fail(const char *what)
{
    printf("cow_test: FAIL: %s\n", what);
    exit(1);
}

/* More than half of RAM, dirtied page by page with a value of its own. */
static unsigned long *dirty_big(size_t *pages_out, unsigned long salt)
{
    long total_kb = meminfo("MemTotal");
    if (total_kb <= 0)
        fail("no MemTotal in /proc/meminfo");
    size_t pages = (size_t)total_kb / 4 * 6 / 10;
    unsigned long *mem = mmap(NULL, pages * PAGE, PROT_READ | PROT_WRITE,
                              MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (mem == MAP_FAILED)
        fail("mmap of 60% of RAM");
    for (size_t i = 0; i < pages; i++)
        mem[i * PAGE / sizeof(long)] = salt ^ i;
    printf("cow_test: dirtied %zu pages of %ld kB of RAM\n", pages, total_kb);
    *pages_out = pages;
    return mem;
}

static pid_t fork_or_fail(void)
{
    pid_t pid = fork();
    if (pid < 0) {
        printf("cow_test: FAIL: fork of a process using more than half of RAM: %s\n",
               strerror(errno));
        exit(1);
    }
    return pid;
}

static void wait_ok(pid_t pid)
{
    int status;
    if (waitpid(pid, &status, 0) != pid || !WIFEXITED(status) || WEXITSTATUS(status) != 0)
        fail("the child did not exit with status 0");
}

static int isolate(void)
{
    unsigned long salt = next_random();
    size_t pages;
    unsigned long *mem = dirty_big(&pages, salt);
    size_t child_page = next_random() % pages, parent_page = next_random() % pages;
    if (child_page == parent_page)
        parent_page = (parent_page + 1) % pages;
    unsigned long child_value = next_random(), parent_value = next_random();
    pid_t pid = fork_or_fail();
    if (pid == 0) {
        for (size_t i = 0; i < pages; i += 97)
            if (mem[i * PAGE / sizeof(long)] != (salt ^ i))
                fail("the child does not see the parent's data");
        mem[child_page * PAGE / sizeof(long)] = child_value;
        if (mem[parent_page * PAGE / sizeof(long)] != (salt ^ parent_page))
            fail("the child sees the parent's write after fork");
        printf("cow_test: child saw the parent's data and its own write\n");
        exit(0);
    }
    mem[parent_page * PAGE / sizeof(long)] = parent_value;
    wait_ok(pid);
    if (mem[child_page * PAGE / sizeof(long)] != (salt ^ child_page))
        fail("the parent sees the child's write");
    if (mem[parent_page * PAGE / sizeof(long)] != parent_value)
        fail("the parent lost its own write");
    printf("cow_test: writes isolated (pages %zu and %zu)\n", child_page, parent_page);
    return 0;
}

static int leak(void)
{
    size_t pages;
    unsigned long salt = next_random();
    unsigned long *mem = dirty_big(&pages, salt);
    pid_t first = fork_or_fail();
    if (first == 0)
        exit(0);
    wait_ok(first);
    /* Keep 64 pages: 1000 forks of the whole would take long under QEMU. */
    munmap(mem + 64 * PAGE / sizeof(long), (pages - 64) * PAGE);
    /* Slab: frames kmalloc carved, kept by the heap for good; on several CPUs the heap may
     * carve one more while CPUs' caches fill, which is no frame lost. */
    long before = meminfo("MemFree") + meminfo("Slab");
    int forks = 1000;
    for (int i = 0; i < forks; i++) {
        pid_t pid = fork_or_fail();
        if (pid == 0) {
            mem[(i % 64) * PAGE / sizeof(long)] = (unsigned long)i;
            exit(0);
        }
        wait_ok(pid);
        if (i % 100 == 99)
            printf("cow_test: %d forks\n", i + 1);
        mem[(next_random() % 64) * PAGE / sizeof(long)] ^= 1;
    }
    long after = meminfo("MemFree") + meminfo("Slab");
    printf("cow_test: MemFree + Slab before %ld kB, after %d forks %ld kB\n", before, forks,
           after);
    if (before != after)
        fail("frames leaked or were kept");
    return 0;
}

static int gdb_target(unsigned long address)
{
    unsigned long *page = mmap((void *)address, PAGE, PROT_READ | PROT_WRITE,
                               MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED, -1, 0);
    if (page == MAP_FAILED)
        fail("mmap at the given address");
    page[0] = 1;
    pid_t pid = fork();
    if (pid < 0)
        fail("fork");
    if (pid == 0) {
        page[0] = 2;
        exit(0);
    }
    wait_ok(pid);
    printf("cow_test: parent %lu\n", page[0]);
    return page[0] == 1 ? 0 : 1;
}

int main(int argc, char **argv)
{
    setvbuf(stdout, NULL, _IONBF, 0);
    if (argc != 3)
        fail("usage: cow_test isolate|leak SEED, cow_test gdb ADDRESS");
    seed = strtoul(argv[2], NULL, 0);
    int status = 1;
    if (strcmp(argv[1], "isolate") == 0)
        status = isolate();
    else if (strcmp(argv[1], "leak") == 0)
        status = leak();
    else if (strcmp(argv[1], "gdb") == 0)
        status = gdb_target(seed);
    else
        fail("unknown test");
    if (status == 0)
        printf("cow_test: ok\n");
    return status;
}
