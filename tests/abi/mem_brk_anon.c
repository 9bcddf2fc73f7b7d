/* mem_brk_anon.c - growing memory: brk (through the raw system call, as musl's malloc uses it),
 * anonymous private and shared mmap (what a forked child's writes do to each), munmap of part
 * of a mapping, MAP_FIXED, the argument errors of mmap and munmap, and a 1 MB stack.
 * ABI test: tests/abi/run.py runs it on Linux and on nest; the outputs must be identical.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#define PAGE 4096

/* The symbolic name of errno value ERROR, so that a difference reads "ENOENT vs EACCES". */
static const char *errno_name(int error)
{
    static const char *const names[] = {
        [EPERM] = "EPERM",   [EBADF] = "EBADF",   [ENOMEM] = "ENOMEM", [EACCES] = "EACCES",
        [EFAULT] = "EFAULT", [EINVAL] = "EINVAL", [ENOSYS] = "ENOSYS", [ENODEV] = "ENODEV",
    };
    static char number[24];

    if (error > 0 && error < (int)(sizeof(names) / sizeof(names[0])) && names[error] != NULL)
        return names[error];
    snprintf(number, sizeof(number), "errno %d", error);
    return number;
}

static const char *yes_no(int condition)
{
    return condition ? "yes" : "no";
}

/* Print how an mmap call ended: "a mapping" or "MAP_FAILED ENAME". */
static void report_map(const char *what, void *result, int error)
{
    if (result == MAP_FAILED)
        printf("%s -> MAP_FAILED %s\n", what, errno_name(error));
    else
        printf("%s -> a mapping\n", what);
}

/* Are all LENGTH bytes at DATA equal to VALUE? */
static int all_bytes(const unsigned char *data, size_t length, unsigned char value)
{
    for (size_t i = 0; i < length; i++) {
        if (data[i] != value)
            return 0;
    }
    return 1;
}

/* Run TOUCH(address) in a child; return the signal that killed it, or 0 if it exited. */
static int signal_from(void (*touch)(volatile char *), volatile char *address)
{
    int status = 0;
    pid_t child = fork();

    if (child == 0) {
        struct rlimit no_core = { 0, 0 };

        setrlimit(RLIMIT_CORE, &no_core);
        signal(SIGSEGV, SIG_DFL);
        touch(address);
        _exit(0);
    }
    waitpid(child, &status, 0);
    return WIFSIGNALED(status) ? WTERMSIG(status) : 0;
}

static void write_byte(volatile char *address)
{
    *address = 1;
}

/* brk grows and shrinks the data segment by exactly what is asked. */
static void check_brk(void)
{
    uintptr_t start = syscall(SYS_brk, 0);

    printf("brk(0) returns a page-aligned break: %s\n", yes_no(start != 0 && start % PAGE == 0));
    uintptr_t grown = syscall(SYS_brk, start + 100000);
    printf("brk(start + 100000) returns exactly that: %s\n", yes_no(grown == start + 100000));
    printf("the new memory reads as zero: %s\n", yes_no(all_bytes((void *)start, 100000, 0)));
    memset((void *)start, 0xab, 100000);
    printf("it can be written to its last byte: %s\n",
           yes_no(((unsigned char *)start)[99999] == 0xab));
    uintptr_t big = syscall(SYS_brk, start + 16 * 1024 * 1024);
    printf("brk(start + 16 MB) -> grown: %s\n", yes_no(big == start + 16 * 1024 * 1024));
    ((volatile char *)start)[16 * 1024 * 1024 - 1] = 1;
    uintptr_t shrunk = syscall(SYS_brk, start + PAGE);
    printf("brk(start + 4096) shrinks it: %s\n", yes_no(shrunk == start + PAGE));
    printf("a write below the break still works: %s\n",
           yes_no(signal_from(write_byte, (volatile char *)start + 100) == 0));
    printf("a write to a released page -> signal %d\n",
           signal_from(write_byte, (volatile char *)start + 8 * PAGE));
    uintptr_t below = syscall(SYS_brk, 4096);
    printf("brk(4096), below the program, is refused (returns the current break): %s\n",
           yes_no(below == start + PAGE));
    uintptr_t regrown = syscall(SYS_brk, start + 3 * PAGE);
    printf("grown again, the re-added pages read as zero: %s\n",
           yes_no(regrown == start + 3 * PAGE && all_bytes((void *)(start + PAGE), 2 * PAGE, 0)));
    syscall(SYS_brk, start);
}

/* Private and shared anonymous mappings across fork. */
static void check_anonymous(void)
{
    size_t length = 4 * PAGE;
    unsigned char *private =
        mmap(NULL, length, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    report_map("mmap(16 KB, private anonymous)", private, errno);
    unsigned char *shared =
        mmap(NULL, length, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
    report_map("mmap(16 KB, shared anonymous)", shared, errno);
    int status = 0;

    if (private == MAP_FAILED || shared == MAP_FAILED)
        return;
    printf("both are page aligned: %s\n",
           yes_no((uintptr_t) private % PAGE == 0 && (uintptr_t)shared % PAGE == 0));
    printf("both read as zero: %s\n",
           yes_no(all_bytes(private, length, 0) && all_bytes(shared, length, 0)));
    memset(private, 'p', length);
    memset(shared, 's', length);
    pid_t child = fork();
    if (child == 0) {
        int saw = all_bytes(private, length, 'p') && all_bytes(shared, length, 's');
        memset(private, 'P', length);
        memset(shared, 'S', length);
        _exit(saw ? 0 : 1);
    }
    waitpid(child, &status, 0);
    printf("the child saw the parent's data in both: %s\n",
           yes_no(WIFEXITED(status) && WEXITSTATUS(status) == 0));
    printf("the child's writes to the private mapping are not seen by the parent: %s\n",
           yes_no(all_bytes(private, length, 'p')));
    printf("the child's writes to the shared mapping are seen by the parent: %s\n",
           yes_no(all_bytes(shared, length, 'S')));

    printf("munmap(the second page) -> %d\n", munmap(private + PAGE, PAGE));
    printf("the first and third pages are still there: %s\n",
           yes_no(all_bytes(private, PAGE, 'p') && all_bytes(private + 2 * PAGE, PAGE, 'p')));
    printf("a write to the unmapped page -> signal %d\n",
           signal_from(write_byte, (volatile char *)private + PAGE + 10));
    void *fixed = mmap(private + PAGE, PAGE, PROT_READ | PROT_WRITE,
                       MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED, -1, 0);
    printf("MAP_FIXED into the hole returns that address: %s\n", yes_no(fixed == private + PAGE));
    printf("the refilled page reads as zero: %s\n", yes_no(all_bytes(private + PAGE, PAGE, 0)));
    fixed =
        mmap(private, PAGE, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED, -1, 0);
    printf("MAP_FIXED over a used page replaces it with zeros: %s\n",
           yes_no(fixed == private && all_bytes(private, PAGE, 0)));
    printf("munmap(all 16 KB) -> %d\n", munmap(private, length));
    printf("munmap(the same range again) -> %d\n", munmap(private, length));
    munmap(shared, length);
}

/* A large mapping is cheap until touched. */
static void check_large(void)
{
    size_t length = 64 * 1024 * 1024;
    unsigned char *big =
        mmap(NULL, length, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    report_map("mmap(64 MB, private anonymous)", big, errno);
    int ok = 1;

    if (big == MAP_FAILED)
        return;
    for (size_t at = 0; at < length; at += 4 * 1024 * 1024) {
        ok &= big[at] == 0;
        big[at] = 1;
    }
    printf("one byte in every 4 MB reads zero and takes a write: %s\n", yes_no(ok));
    printf("munmap(64 MB) -> %d\n", munmap(big, length));
}

/* Call mmap through syscall(2), so that the kernel, not the C library, checks the arguments,
 * and print how it ended. */
static void try_map(const char *what, uintptr_t address, size_t length, int flags, int fd)
{
    errno = 0;
    long result = syscall(SYS_mmap, address, length, PROT_READ, flags, fd, 0);
    report_map(what, result == -1 ? MAP_FAILED : (void *)result, errno);
    if (result != -1)
        munmap((void *)result, length);
}

/* mmap and munmap argument errors. */
static void check_errors(void)
{
    try_map("mmap(length 0)", 0, 0, MAP_PRIVATE | MAP_ANONYMOUS, -1);
    try_map("mmap(neither MAP_PRIVATE nor MAP_SHARED)", 0, PAGE, MAP_ANONYMOUS, -1);
    try_map("mmap(MAP_FIXED at an unaligned address)", 0x10000001, PAGE,
            MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED, -1);
    try_map("mmap(file mapping of fd 999)", 0, PAGE, MAP_PRIVATE, 999);
    errno = 0;
    long result = syscall(SYS_munmap, 0x10000001, PAGE);
    printf("munmap(an unaligned address) -> %ld %s\n", result, result < 0 ? errno_name(errno) : "");
    errno = 0;
    result = syscall(SYS_munmap, 0x10000000, 0);
    printf("munmap(length 0) -> %ld %s\n", result, result < 0 ? errno_name(errno) : "");
}

/* A recursive function that uses about 1 MB of stack. */
static int deep(int depth)
{
    volatile char frame[1024];

    frame[0] = (char)depth;
    if (depth == 0)
        return frame[0];
    return deep(depth - 1) + frame[0];
}

static void check_stack(void)
{
    int status = 0;
    pid_t child = fork();

    if (child == 0) {
        volatile int sum = deep(1000);
        (void)sum;
        _exit(0);
    }
    waitpid(child, &status, 0);
    printf("a child recursing through 1 MB of stack exits normally: %s\n",
           yes_no(WIFEXITED(status) && WEXITSTATUS(status) == 0));
}

int main(void)
{
    setvbuf(stdout, NULL, _IONBF, 0);
    check_brk();
    check_anonymous();
    check_large();
    check_errors();
    check_stack();
    return 0;
}
