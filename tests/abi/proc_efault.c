/* proc_efault.c - every system call checks user pointers: an unmapped, kernel, non-canonical
 * or read-only address gives EFAULT and the process goes on running. Calls are made with
 * syscall(2) so that the C library does not touch the pointers first.
 * ABI test: tests/abi/run.py runs it on Linux and on nest; the outputs must be identical.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

/* The symbolic name of errno value ERROR, so that a difference reads "ENOENT vs EACCES". */
static const char *errno_name(int error)
{
    static const char *const names[] = {
        [EPERM] = "EPERM",   [ENOENT] = "ENOENT",
        [EBADF] = "EBADF",   [ECHILD] = "ECHILD",
        [ENOMEM] = "ENOMEM", [EFAULT] = "EFAULT",
        [EINVAL] = "EINVAL", [ENOSYS] = "ENOSYS",
        [ERANGE] = "ERANGE", [ENAMETOOLONG] = "ENAMETOOLONG",
    };
    static char number[24];

    if (error > 0 && error < (int)(sizeof(names) / sizeof(names[0])) && names[error] != NULL)
        return names[error];
    snprintf(number, sizeof(number), "errno %d", error);
    return number;
}

/* Print "WHAT -> RESULT": the value, or "-1 ENAME" for a failure with errno ERROR. */
static void report(const char *what, long result, int error)
{
    if (result == -1)
        printf("%s -> -1 %s\n", what, errno_name(error));
    else
        printf("%s -> %ld\n", what, result);
}

#define CHECK(what, call)                                                                          \
    do {                                                                                           \
        errno = 0;                                                                                 \
        long result_ = (long)(call);                                                               \
        report((what), result_, errno);                                                            \
    } while (0)

/* Addresses no user program may pass, hidden from the compiler behind volatile. */
static volatile unsigned long low_address = 1;                       /* page 0, unmapped */
static volatile unsigned long kernel_address = 0xffffffff80000000UL; /* nest's kernel text */
static volatile unsigned long noncanonical_address = 0x0000800000000000UL;

#define LOW          ((void *)low_address)
#define KERNEL       ((void *)kernel_address)
#define NONCANONICAL ((void *)noncanonical_address)

/* write, read and pread with bad buffers, including a read into read-only program text. */
static void check_io(void)
{
    int fd = open("/tmp", O_RDONLY | O_DIRECTORY);
    int fds[2];

    CHECK("write(1, 0x1, 10)", syscall(SYS_write, 1, LOW, 10));
    CHECK("write(1, kernel address, 10)", syscall(SYS_write, 1, KERNEL, 10));
    CHECK("write(1, non-canonical address, 10)", syscall(SYS_write, 1, NONCANONICAL, 10));
    if (pipe(fds) < 0)
        return;
    if (write(fds[1], "0123456789", 10) != 10)
        printf("cannot fill the pipe\n");
    CHECK("read(pipe, 0x1, 10)", syscall(SYS_read, fds[0], LOW, 10));
    CHECK("read(pipe, kernel address, 10)", syscall(SYS_read, fds[0], KERNEL, 10));
    CHECK("read(pipe, read-only program text, 10)",
          syscall(SYS_read, fds[0], (void *)check_io, 10));
    char buffer[16] = { 0 };
    CHECK("read(pipe, good buffer, 10) afterwards", syscall(SYS_read, fds[0], buffer, 10));
    printf("the data survived the failed reads: %s\n",
           strcmp(buffer, "0123456789") == 0 ? "yes" : "no");
    close(fds[0]);
    close(fds[1]);
    CHECK("pipe(0x1)", syscall(SYS_pipe, LOW));
    CHECK("pipe(kernel address)", syscall(SYS_pipe, KERNEL));
    CHECK("getdents64(dir, 0x1, 4096)", syscall(SYS_getdents64, fd, LOW, 4096));
    close(fd);
}

/* Path arguments: a bad pointer, and a string that runs into an unmapped page. */
static void check_paths(void)
{
    char *pages = mmap(NULL, 8192, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

    CHECK("open(0x1, O_RDONLY)", syscall(SYS_open, LOW, O_RDONLY));
    CHECK("open(kernel address, O_RDONLY)", syscall(SYS_open, KERNEL, O_RDONLY));
    CHECK("open(NULL, O_RDONLY)", syscall(SYS_open, NULL, O_RDONLY));
    if (pages == MAP_FAILED)
        return;
    memset(pages, '/', 4096);
    munmap(pages + 4096, 4096);
    CHECK("open(100 bytes of path running into an unmapped page)",
          syscall(SYS_open, pages + 4096 - 100, O_RDONLY));
    CHECK("mkdir(0x1)", syscall(SYS_mkdir, LOW, 0755));
    CHECK("unlink(kernel address)", syscall(SYS_unlink, KERNEL));
    CHECK("chdir(0x1)", syscall(SYS_chdir, LOW));
    CHECK("readlink(\"/proc/self\", 0x1, 64)", syscall(SYS_readlink, "/proc/self", LOW, 64));
    CHECK("getcwd(0x1, 4096)", syscall(SYS_getcwd, LOW, 4096));
    munmap(pages, 4096);
}

/* Output structures: stat, fstat, clock_gettime, nanosleep, uname, wait4, sigaction. */
static void check_structures(void)
{
    int status = 0;

    CHECK("stat(\"/\", 0x1)", syscall(SYS_stat, "/", LOW));
    CHECK("stat(\"/\", kernel address)", syscall(SYS_stat, "/", KERNEL));
    CHECK("fstat(1, 0x1)", syscall(SYS_fstat, 1, LOW));
    CHECK("lstat(\"/tmp\", non-canonical address)", syscall(SYS_lstat, "/tmp", NONCANONICAL));
    CHECK("clock_gettime(CLOCK_MONOTONIC, 0x1)", syscall(SYS_clock_gettime, CLOCK_MONOTONIC, LOW));
    CHECK("nanosleep(0x1, NULL)", syscall(SYS_nanosleep, LOW, NULL));
    CHECK("uname(kernel address)", syscall(SYS_uname, KERNEL));
    CHECK("rt_sigaction(SIGUSR1, 0x1, NULL, 8)", syscall(SYS_rt_sigaction, SIGUSR1, LOW, NULL, 8));
    CHECK("rt_sigprocmask(SIG_BLOCK, 0x1, NULL, 8)",
          syscall(SYS_rt_sigprocmask, SIG_BLOCK, LOW, NULL, 8));
    pid_t child = fork();
    if (child == 0)
        _exit(0);
    CHECK("wait4(child, 0x1, 0, NULL)", syscall(SYS_wait4, child, LOW, 0, NULL));
    waitpid(child, &status, 0);
}

/* A bad pointer is an error return, not a fault: a child that passes one exits normally. */
static void check_still_alive(void)
{
    pid_t child = fork();
    int status = 0;

    if (child == 0) {
        CHECK("child: write(1, 0x1, 10)", syscall(SYS_write, 1, LOW, 10));
        _exit(0);
    }
    waitpid(child, &status, 0);
    printf("a child that passed a bad pointer exits normally: %s\n",
           WIFEXITED(status) && WEXITSTATUS(status) == 0 ? "yes" : "no");
    printf("this process is still running after all the bad pointers: yes\n");
}

int main(void)
{
    setvbuf(stdout, NULL, _IONBF, 0);
    check_io();
    check_paths();
    check_structures();
    check_still_alive();
    return 0;
}
