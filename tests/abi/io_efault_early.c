/* io_efault_early.c - a bad buffer fails with EFAULT before the call does any work or waits:
 * reading an empty pipe into a kernel address returns at once instead of waiting for data;
 * data in a pipe stays there after a read into an inaccessible (PROT_NONE) or partly
 * inaccessible buffer, and a write from a partly inaccessible buffer adds nothing;
 * readv/writev with one bad iovec move no data; pread64/pwrite64, getdents64 (the directory position stays), poll, select and
 * pselect6 with a bad array, FIONREAD into a bad pointer; and wait4 with a bad status for a
 * child that has exited (the child is reaped and the copy fails, as Linux does).
 * Calls are made with syscall(2) so that the C library does not touch the pointers first.
 * ABI test: tests/abi/run.py runs it on Linux and on nest; the outputs must be identical.
 * (Cases where nest is deliberately stricter than Linux, such as a bad buffer on an empty
 * pipe that Linux would wait on, are in tests/nest/efault_before_blocking.c.)
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/select.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/uio.h>
#include <sys/wait.h>
#include <unistd.h>

static void report(const char *what, long result, int error)
{
    if (result == -1)
        printf("%s -> -1 %s\n", what, error == EFAULT ? "EFAULT" : strerror(error));
    else
        printf("%s -> %ld\n", what, result);
}

#define CHECK(what, call)                                                                          \
    do {                                                                                           \
        errno = 0;                                                                                 \
        long result_ = (long)(call);                                                               \
        report((what), result_, errno);                                                            \
    } while (0)

static volatile unsigned long kernel_address = 0xffff800000000000UL;
#define KERNEL ((void *)kernel_address)

static char *no_access; /* a PROT_NONE page (not unmapped: mmap could reuse a hole) */
static char *page_end;   /* the last bytes of a mapped page followed by such a page */

static void make_addresses(void)
{
    char *two = mmap(NULL, 2 * 4096, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    mprotect(two + 4096, 4096, PROT_NONE);
    memset(two, 'x', 4096);
    page_end = two + 4096 - 4;
    no_access = two + 4096;
}

/* How many bytes wait in the pipe whose read end is FD. */
static int pipe_bytes(int fd)
{
    int n = -1;
    ioctl(fd, FIONREAD, &n);
    return n;
}

static void pipes(void)
{
    int p[2];
    char buf[64];

    pipe(p);
    CHECK("read(empty pipe, kernel address, 10)", syscall(SYS_read, p[0], KERNEL, 10));
    CHECK("write(pipe, kernel address, 10)", syscall(SYS_write, p[1], KERNEL, 10));
    write(p[1], "0123456789", 10);
    CHECK("read(pipe, a PROT_NONE page, 10)", syscall(SYS_read, p[0], no_access, 10));
    CHECK("read(pipe, 4 good bytes then a PROT_NONE page, 10)", syscall(SYS_read, p[0], page_end, 10));
    printf("bytes still in the pipe: %d\n", pipe_bytes(p[0]));
    CHECK("write(pipe, 4 good bytes then a PROT_NONE page, 10)", syscall(SYS_write, p[1], page_end, 10));
    printf("bytes in the pipe after it: %d\n", pipe_bytes(p[0]));

    struct iovec bad_read[2] = {{buf, 4}, {KERNEL, 4}};
    CHECK("readv(pipe, good + kernel iovec)", syscall(SYS_readv, p[0], bad_read, 2));
    printf("bytes still in the pipe: %d\n", pipe_bytes(p[0]));
    struct iovec bad_write[2] = {{"ab", 2}, {KERNEL, 4}};
    CHECK("writev(pipe, good + kernel iovec)", syscall(SYS_writev, p[1], bad_write, 2));
    printf("bytes in the pipe after it: %d\n", pipe_bytes(p[0]));
    CHECK("readv(pipe, kernel address as the iovec array)", syscall(SYS_readv, p[0], KERNEL, 1));
    CHECK("ioctl(pipe, FIONREAD, kernel address)", syscall(SYS_ioctl, p[0], FIONREAD, KERNEL));

    memset(buf, 0, sizeof(buf));
    CHECK("read(pipe, good buffer, 64)", read(p[0], buf, sizeof(buf)));
    printf("it read: %s\n", buf);

    struct pollfd *bad = KERNEL;
    CHECK("poll(kernel address, 1, -1)", syscall(SYS_poll, bad, 1, -1));
    /* A writable pipe end is ready at once; its revents cannot be written back. */
    struct pollfd *readonly_set = mmap(NULL, 4096, PROT_READ | PROT_WRITE,
                                       MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    *readonly_set = (struct pollfd){p[1], POLLOUT, 0};
    mprotect(readonly_set, 4096, PROT_READ);
    CHECK("poll(read-only array, 1, -1)", syscall(SYS_poll, readonly_set, 1, -1));
    CHECK("select(1, kernel address, ...) with no timeout",
          syscall(SYS_select, 1, KERNEL, NULL, NULL, NULL));
    CHECK("pselect6(1, PROT_NONE page, ...) with no timeout",
          syscall(SYS_pselect6, 1, no_access, NULL, NULL, NULL, NULL));
    close(p[0]);
    close(p[1]);
}

static void files(void)
{
    char path[96], dir[64];
    snprintf(dir, sizeof(dir), "/tmp/abi-io_efault_early.%d", (int)getpid());
    mkdir(dir, 0700);
    snprintf(path, sizeof(path), "%s/file", dir);
    int fd = open(path, O_RDWR | O_CREAT | O_TRUNC, 0600);
    write(fd, "hello, world", 12);
    CHECK("pread64(file, kernel address, 5, 0)", syscall(SYS_pread64, fd, KERNEL, 5, 0));
    CHECK("pread64(file, PROT_NONE page, 5, 0)", syscall(SYS_pread64, fd, no_access, 5, 0));
    CHECK("pwrite64(file, kernel address, 5, 0)", syscall(SYS_pwrite64, fd, KERNEL, 5, 0));
    CHECK("pwrite64(file, PROT_NONE page, 5, 0)", syscall(SYS_pwrite64, fd, no_access, 5, 0));
    char buf[16] = "";
    CHECK("pread64(file, good, 12, 0)", syscall(SYS_pread64, fd, buf, 12, 0));
    printf("it read: %s\n", buf);
    close(fd);

    int d = open(dir, O_RDONLY | O_DIRECTORY);
    char entries[4096];
    CHECK("getdents64(dir, kernel address, 4096)", syscall(SYS_getdents64, d, KERNEL, 4096));
    CHECK("getdents64(dir, PROT_NONE page, 4096)", syscall(SYS_getdents64, d, no_access, 4096));
    long n = syscall(SYS_getdents64, d, entries, sizeof(entries));
    int count = 0;
    for (long off = 0; off < n; off += *(unsigned short *)(entries + off + 16))
        count++;
    printf("entries read after the faults: %d (., .. and file)\n", count);
    close(d);
    unlink(path);
    rmdir(dir);
}

static volatile sig_atomic_t child_exited;

static void on_child(int sig)
{
    (void)sig;
    child_exited = 1;
}

static void wait_status(void)
{
    sigset_t block, old;
    sigemptyset(&block);
    sigaddset(&block, SIGCHLD);
    signal(SIGCHLD, on_child);
    sigprocmask(SIG_BLOCK, &block, &old);
    pid_t child = fork();
    if (child == 0)
        _exit(5);
    while (!child_exited) /* SIGCHLD comes once the child is a zombie */
        sigsuspend(&old);
    sigprocmask(SIG_SETMASK, &old, NULL);
    CHECK("wait4(exited child, kernel address, 0, NULL)", syscall(SYS_wait4, child, KERNEL, 0, NULL));
    CHECK("wait4(-1, NULL, WNOHANG, NULL) after it", syscall(SYS_wait4, -1, NULL, WNOHANG, NULL));
}

int main(void)
{
    setvbuf(stdout, NULL, _IONBF, 0);
    make_addresses();
    pipes();
    files();
    wait_status();
    return 0;
}
