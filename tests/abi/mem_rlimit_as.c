/* mem_rlimit_as.c - RLIMIT_AS bounds the address space: with the limit set 64 MiB above the
 * current size (VmSize in /proc/self/status), a 32 MiB mmap succeeds, a further 40 MiB one
 * fails with ENOMEM and a brk that would grow past it is refused; replacing an existing mapping
 * with MAP_FIXED does not count twice; after munmap there is room again; prlimit64 reports
 * the limit that setrlimit set.
 * ABI test: tests/abi/run.py runs it on Linux and on nest; the outputs must be identical.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <unistd.h>

#define MiB (1024UL * 1024)

/* VmSize of this process in bytes, read without malloc (which could map memory). */
static unsigned long vm_size(void)
{
    static char text[4096];
    int fd = open("/proc/self/status", O_RDONLY);
    ssize_t n = read(fd, text, sizeof(text) - 1);
    close(fd);
    text[n > 0 ? n : 0] = '\0';
    char *line = strstr(text, "VmSize:");
    return line ? strtoul(line + 7, NULL, 10) * 1024 : 0;
}

static const char *outcome(void *p)
{
    return p == MAP_FAILED ? (errno == ENOMEM ? "ENOMEM" : strerror(errno)) : "ok";
}

int main(void)
{
    setvbuf(stdout, NULL, _IONBF, 0);
    unsigned long limit = vm_size() + 64 * MiB;
    struct rlimit rl = {limit, RLIM_INFINITY};
    printf("setrlimit(RLIMIT_AS): %d\n", setrlimit(RLIMIT_AS, &rl));
    struct rlimit got;
    syscall(SYS_prlimit64, 0, RLIMIT_AS, NULL, &got);
    printf("prlimit64 reports the limit: %s\n", got.rlim_cur == limit ? "yes" : "no");

    int flags = MAP_PRIVATE | MAP_ANONYMOUS;
    void *a = mmap(NULL, 32 * MiB, PROT_READ | PROT_WRITE, flags, -1, 0);
    printf("mmap 32 MiB: %s\n", outcome(a));
    void *b = mmap(NULL, 40 * MiB, PROT_READ | PROT_WRITE, flags, -1, 0);
    printf("mmap 40 MiB more: %s\n", outcome(b));
    void *c = mmap(a, 32 * MiB, PROT_READ, flags | MAP_FIXED, -1, 0);
    printf("MAP_FIXED over the 32 MiB: %s, same place: %s\n", outcome(c), c == a ? "yes" : "no");

    unsigned long start = syscall(SYS_brk, 0); /* musl's sbrk only reads the break */
    unsigned long moved = syscall(SYS_brk, start + 40 * MiB);
    printf("brk 40 MiB further: %s\n", moved == start ? "refused" : "moved");
    moved = syscall(SYS_brk, start + MiB);
    printf("brk 1 MiB further: %s\n", moved == start + MiB ? "moved" : "refused");
    syscall(SYS_brk, start);

    munmap(a, 32 * MiB);
    b = mmap(NULL, 40 * MiB, PROT_READ | PROT_WRITE, flags, -1, 0);
    printf("mmap 40 MiB after munmap: %s\n", outcome(b));
    rl.rlim_cur = RLIM_INFINITY;
    setrlimit(RLIMIT_AS, &rl);
    void *big = mmap(NULL, 256 * MiB, PROT_NONE, flags, -1, 0);
    printf("mmap 256 MiB without a limit: %s\n", outcome(big));
    return 0;
}
