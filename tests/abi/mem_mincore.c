/* mem_mincore.c - mincore(2): which pages are resident in anonymous memory (untouched,
 * written, read, dropped with MADV_DONTNEED, made PROT_NONE, after fork), in a file mapping
 * (the file's pages are in memory before any touch; none past its end), over a large
 * reservation, and the errors: EINVAL (unaligned), ENOMEM (holes, beyond user space, with
 * the answers before a hole already written), EFAULT (vec).
 * ABI test: tests/abi/run.py runs it on Linux and on nest; the outputs must be identical.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#define PAGE 4096
#define VEC_MAX 64

static const char *errno_name(int error)
{
    switch (error) {
    case EINVAL: return "EINVAL";
    case ENOMEM: return "ENOMEM";
    case EFAULT: return "EFAULT";
    case EAGAIN: return "EAGAIN";
    case ENOSYS: return "ENOSYS";
    default: {
        static char number[24];
        snprintf(number, sizeof(number), "errno %d", error);
        return number;
    }
    }
}

/* mincore of pages pages at address, printed as "WHAT: 1001..." (bit 0 of each byte; 'x'
 * for a byte the call left alone) or "WHAT: -1 ENAME" followed by what it wrote anyway. */
static void show(const char *what, void *address, size_t length)
{
    unsigned char vec[VEC_MAX];
    size_t pages = (length + PAGE - 1) / PAGE;
    memset(vec, 0xee, sizeof(vec));
    errno = 0;
    int result = mincore(address, length, vec);
    printf("%s: ", what);
    if (result != 0)
        printf("-1 %s, vec ", errno_name(errno));
    for (size_t i = 0; i < pages && i < VEC_MAX; i++)
        putchar(vec[i] == 0xee ? 'x' : (vec[i] & 1) ? '1' : '0');
    putchar('\n');
}

static void check(const char *what, int result)
{
    if (result == 0)
        printf("%s -> 0\n", what);
    else
        printf("%s -> -1 %s\n", what, errno_name(errno));
}

/* Anonymous memory: pages become resident when touched, and stop being so when dropped. */
static void anonymous(void)
{
    char *p = mmap(NULL, 8 * PAGE, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    show("8 fresh pages", p, 8 * PAGE);
    p[0] = 1;
    p[3 * PAGE + 100] = 1;
    volatile char sink = p[5 * PAGE];
    (void)sink;
    show("pages 0 and 3 written, 5 read", p, 8 * PAGE);
    madvise(p + 3 * PAGE, PAGE, MADV_DONTNEED);
    show("page 3 dropped (MADV_DONTNEED)", p, 8 * PAGE);
    show("a length of 1 byte", p, 1);
    show("a length of a page and a byte", p, PAGE + 1);
    check("a length of 0", mincore(p, 0, NULL));
    check("an address not page-aligned", mincore(p + 1, PAGE, (unsigned char[1]){ 0 }));

    pid_t child = fork();
    if (child == 0) {
        show("in a child after fork", p, 8 * PAGE);
        _exit(0);
    }
    waitpid(child, NULL, 0);

    mprotect(p, 2 * PAGE, PROT_NONE);
    show("pages 0 and 1 made PROT_NONE", p, 8 * PAGE);
    munmap(p + 6 * PAGE, PAGE);
    show("page 6 unmapped, the whole range", p, 8 * PAGE);
    show("only the unmapped page", p + 6 * PAGE, PAGE);
    show("from page 7 on", p + 7 * PAGE, PAGE);
    check("vec NULL", mincore(p, PAGE, NULL));
    check("vec NULL and an unmapped range", mincore(p + 6 * PAGE, PAGE, NULL));
    check("vec in read-only memory", mincore(p + 2 * PAGE, PAGE, (unsigned char *)anonymous));
    munmap(p, 8 * PAGE);
}

/* The stack, beyond user space, and a large reservation. */
static void elsewhere(void)
{
    char local = 0;
    show("the page of a local variable", (void *)((uintptr_t)&local & ~(uintptr_t)(PAGE - 1)),
         PAGE);
    show("at 0x800000000000", (void *)0x800000000000UL, PAGE);
    show("at 0x7ffffffff000, two pages", (void *)0x7ffffffff000UL, 2 * PAGE);
    show("a length reaching past 2^64", (void *)0x10000UL, (size_t)-PAGE);

    size_t size = 1UL << 30;
    char *reserved = mmap(NULL, size, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
    static unsigned char vec[(1UL << 30) / PAGE];
    memset(vec, 0xee, sizeof(vec));
    errno = 0;
    int result = mincore(reserved, size, vec);
    size_t resident = 0, untouched = 0;
    for (size_t i = 0; i < sizeof(vec); i++) {
        resident += vec[i] & 1;
        untouched += vec[i] == 0xee;
    }
    printf("a 1 GiB PROT_NONE reservation: %d %s, %zu resident, %zu answers missing\n", result,
           result ? errno_name(errno) : "ok", resident, untouched);
    munmap(reserved, size);
}

/* A file mapping: the pages the file has are in memory before anything touches them. */
static void file_mapping(void)
{
    char path[64], data[3 * PAGE + 100];
    snprintf(path, sizeof(path), "/tmp/abi-mem_mincore.%d", (int)getpid());
    int fd = open(path, O_RDWR | O_CREAT | O_TRUNC, 0600);
    memset(data, 'm', sizeof(data));
    write(fd, data, sizeof(data));
    char *p = mmap(NULL, 6 * PAGE, PROT_READ, MAP_PRIVATE, fd, 0);
    show("a file of 3 pages and 100 bytes mapped over 6 pages", p, 6 * PAGE);
    munmap(p, 6 * PAGE);
    close(fd);
    unlink(path);
}

int main(void)
{
    setvbuf(stdout, NULL, _IONBF, 0);
    anonymous();
    elsewhere();
    file_mapping();
    return 0;
}
