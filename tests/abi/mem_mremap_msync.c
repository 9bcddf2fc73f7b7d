/* mem_mremap_msync.c - mremap shrinks a mapping in place, grows it in place when the pages
 * after it are free, fails with ENOMEM when they are not unless MREMAP_MAYMOVE lets it move
 * (the data moves with it and the old place is unmapped), moves to a chosen place with
 * MREMAP_FIXED, keeps a shared file mapping shared when it moves, and rejects bad arguments as
 * Linux does; msync checks its flags, alignment and range (ENOMEM for a hole) and leaves a
 * shared file mapping's data readable through read().
 * ABI test: tests/abi/run.py runs it on Linux and on nest; the outputs must be identical.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#define PAGE 4096UL

static const char *error_name(int error)
{
    return error == EINVAL ? "EINVAL" : error == ENOMEM ? "ENOMEM" : error == EFAULT ? "EFAULT"
                                                                                      : strerror(error);
}

static void show(const char *what, long result)
{
    if (result == -1)
        printf("%s -> -1 %s\n", what, error_name(errno));
    else
        printf("%s -> 0\n", what);
}

/* Fill PAGES pages at P, page i with the letter 'a' + i. */
static void fill(char *p, unsigned long pages)
{
    for (unsigned long i = 0; i < pages; i++)
        memset(p + i * PAGE, 'a' + (int)i, PAGE);
}

/* Does page i at P still hold letter 'a' + i, for the first PAGES pages? */
static const char *holds(const char *p, unsigned long pages)
{
    for (unsigned long i = 0; i < pages; i++)
        for (unsigned long j = 0; j < PAGE; j += 512)
            if (p[i * PAGE + j] != 'a' + (int)i)
                return "no";
    return "yes";
}

static void *map(void *where, unsigned long pages, int prot, int flags)
{
    return mmap(where, pages * PAGE, prot, flags | MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
}

static void shrink_and_grow(void)
{
    char *p = map(NULL, 8, PROT_READ | PROT_WRITE, 0);
    munmap(p + 2 * PAGE, 6 * PAGE); /* two pages, then a free hole of six */
    fill(p, 2);
    char *q = mremap(p, 2 * PAGE, 6 * PAGE, 0);
    printf("grow into free pages: %s, data kept: %s, new pages zero: %s\n",
           q == p ? "in place" : q == MAP_FAILED ? error_name(errno) : "moved", holds(p, 2),
           p[5 * PAGE + 100] == 0 ? "yes" : "no");
    q = mremap(p, 6 * PAGE, 3 * PAGE, 0);
    printf("shrink: %s\n", q == p ? "in place" : "moved");
    show("msync over the dropped tail", msync(p + 3 * PAGE, 3 * PAGE, MS_SYNC));
    show("msync over what is left", msync(p, 3 * PAGE, MS_SYNC));
    munmap(p, 3 * PAGE);
}

static void move(void)
{
    char *p = map(NULL, 4, PROT_READ | PROT_WRITE, 0);
    fill(p, 4);
    mprotect(p + 2 * PAGE, 2 * PAGE, PROT_READ); /* a second region right after the first */
    char *q = mremap(p, 2 * PAGE, 4 * PAGE, 0);
    printf("grow into a region without MAYMOVE: %s\n", q == MAP_FAILED ? error_name(errno) : "ok");
    q = mremap(p, 2 * PAGE, 4 * PAGE, MREMAP_MAYMOVE);
    printf("grow with MAYMOVE: %s, data moved: %s\n", q == p ? "in place" : q == MAP_FAILED ? error_name(errno) : "moved",
           q == MAP_FAILED ? "-" : holds(q, 2));
    show("msync at the old place", msync(p, 2 * PAGE, MS_ASYNC));
    printf("the region after it untouched: %s\n", p[2 * PAGE] == 'c' && p[3 * PAGE] == 'd' ? "yes" : "no");

    char *target = map(NULL, 4, PROT_NONE, 0);
    char *r = mremap(q, 4 * PAGE, 2 * PAGE, MREMAP_MAYMOVE | MREMAP_FIXED, target);
    printf("MREMAP_FIXED: %s, data there: %s\n", r == target ? "at the target" : "elsewhere",
           r == MAP_FAILED ? "-" : holds(r, 2));
    show("msync over the target's untouched rest", msync(target + 2 * PAGE, 2 * PAGE, 0));
    show("msync at the moved-from place", msync(q, 2 * PAGE, 0));
    munmap(target, 4 * PAGE);
    munmap(p + 2 * PAGE, 2 * PAGE);
}

static void shared_file(void)
{
    char path[64];
    snprintf(path, sizeof(path), "/tmp/abi-mem_mremap_msync.%d", (int)getpid());
    int fd = open(path, O_RDWR | O_CREAT | O_TRUNC, 0600);
    ftruncate(fd, 4 * PAGE);
    char *p = mmap(NULL, PAGE, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
    char *blocker = mmap(p + PAGE, PAGE, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED, -1, 0);
    (void)blocker;
    strcpy(p, "before the move");
    char *q = mremap(p, PAGE, 2 * PAGE, MREMAP_MAYMOVE);
    printf("shared file mapping moved: %s, text kept: %s\n", q != p && q != MAP_FAILED ? "yes" : "no",
           q != MAP_FAILED && !strcmp(q, "before the move") ? "yes" : "no");
    strcpy(q + PAGE, "second page");
    show("msync(MS_SYNC) of the moved mapping", msync(q, 2 * PAGE, MS_SYNC));
    char text[32] = "";
    pread(fd, text, sizeof(text) - 1, PAGE);
    printf("read() of the file's second page: %s\n", text);
    munmap(q, 2 * PAGE);
    munmap(p + PAGE, PAGE);
    close(fd);
    unlink(path);
}

static void errors(void)
{
    char *p = map(NULL, 2, PROT_READ | PROT_WRITE, 0);
    char *hole = map(NULL, 1, PROT_NONE, 0);
    munmap(hole, PAGE);
    printf("mremap flags 8: %s\n", mremap(p, PAGE, PAGE, 8) == MAP_FAILED ? error_name(errno) : "ok");
    printf("mremap FIXED without MAYMOVE: %s\n",
           mremap(p, PAGE, PAGE, MREMAP_FIXED, p + PAGE) == MAP_FAILED ? error_name(errno) : "ok");
    printf("mremap unaligned: %s\n", mremap(p + 1, PAGE, PAGE, 0) == MAP_FAILED ? error_name(errno) : "ok");
    printf("mremap to size 0: %s\n", mremap(p, PAGE, 0, 0) == MAP_FAILED ? error_name(errno) : "ok");
    printf("mremap of nothing: %s\n", mremap(hole, PAGE, 2 * PAGE, MREMAP_MAYMOVE) == MAP_FAILED ? error_name(errno) : "ok");
    printf("mremap past the region: %s\n",
           mremap(p, 4 * PAGE, 8 * PAGE, MREMAP_MAYMOVE) == MAP_FAILED ? error_name(errno) : "ok");
    printf("mremap FIXED onto itself: %s\n",
           mremap(p, PAGE, PAGE, MREMAP_MAYMOVE | MREMAP_FIXED, p) == MAP_FAILED ? error_name(errno) : "ok");
    show("msync unaligned", msync(p + 1, PAGE, MS_SYNC));
    show("msync MS_ASYNC|MS_SYNC", msync(p, PAGE, MS_ASYNC | MS_SYNC));
    show("msync flags 8", msync(p, PAGE, 8));
    show("msync MS_INVALIDATE", msync(p, PAGE, MS_INVALIDATE));
    show("msync length 0 at a hole", msync(hole, 0, MS_SYNC));
    show("msync of a hole", msync(hole, PAGE, MS_SYNC));
    munmap(p, 2 * PAGE);
}

int main(void)
{
    setvbuf(stdout, NULL, _IONBF, 0);
    shrink_and_grow();
    move();
    shared_file();
    errors();
    return 0;
}
