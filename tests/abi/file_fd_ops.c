/* file_fd_ops.c - the descriptor table: dup/dup2/dup3 and fcntl (F_DUPFD, F_DUPFD_CLOEXEC,
 * F_GETFD/F_SETFD, F_GETFL/F_SETFL), lowest-free allocation, shared offsets and status flags
 * between duplicates and across fork, and close-on-exec honoured by execve.
 * ABI test: tests/abi/run.py runs it on Linux and on nest; the outputs must be identical.
 * Helper mode: "PROGRAM --check-fds FD..." reports which of the FDs are open after execve.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

/* The symbolic name of errno value ERROR, so that a difference reads "ENOENT vs EACCES". */
static const char *errno_name(int error)
{
    static const char *const names[] = {
        [EPERM] = "EPERM",   [ENOENT] = "ENOENT", [EBADF] = "EBADF",
        [EAGAIN] = "EAGAIN", [EACCES] = "EACCES", [EFAULT] = "EFAULT",
        [EINVAL] = "EINVAL", [EMFILE] = "EMFILE", [ENOSYS] = "ENOSYS",
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

static const char *yes_no(int condition)
{
    return condition ? "yes" : "no";
}

static char path[64]; /* the test file */

/* The access mode and the flags of F_GETFL, as words. */
static void print_status_flags(const char *what, int fd)
{
    int flags = fcntl(fd, F_GETFL);

    if (flags < 0) {
        printf("%s: F_GETFL -> -1 %s\n", what, errno_name(errno));
        return;
    }
    printf("%s: F_GETFL %s%s%s\n", what,
           (flags & O_ACCMODE) == O_RDONLY   ? "O_RDONLY"
           : (flags & O_ACCMODE) == O_WRONLY ? "O_WRONLY"
                                             : "O_RDWR",
           flags & O_APPEND ? " O_APPEND" : "", flags & O_NONBLOCK ? " O_NONBLOCK" : "");
}

/* dup, dup2, dup3 and the lowest free descriptor. */
static void check_dup(void)
{
    int fd = open(path, O_RDWR | O_CREAT | O_TRUNC, 0644);
    int first_free = dup(fd);

    close(first_free);
    printf("open returned 3, the lowest free descriptor: %s\n", yes_no(fd == 3));
    int copy = dup(fd);
    printf("dup returns the lowest free descriptor (4): %s\n", yes_no(copy == 4));
    close(fd);
    int again = open(path, O_RDONLY);
    printf("after close(3), the next open gets 3 again: %s\n", yes_no(again == 3));
    close(again);
    fd = open(path, O_RDWR);
    CHECK("write(fd, \"abcdef\")", write(fd, "abcdef", 6));
    CHECK("the duplicate shares the offset (lseek(dup, 0, SEEK_CUR))", lseek(copy, 0, SEEK_CUR));
    close(copy);
    copy = dup(fd);
    CHECK("lseek(dup, 2, SEEK_SET)", lseek(copy, 2, SEEK_SET));
    CHECK("the original's offset moved too", lseek(fd, 0, SEEK_CUR));
    CHECK("dup2(fd, 10)", dup2(fd, 10));
    CHECK("dup2(fd, fd) returns fd", dup2(fd, fd));
    CHECK("dup2(999, 11)", dup2(999, 11));
    CHECK("dup2(fd, -1)", dup2(fd, -1));
    CHECK("dup3(fd, fd, 0)", syscall(SYS_dup3, fd, fd, 0));
    CHECK("dup3(fd, 12, O_CLOEXEC)", syscall(SYS_dup3, fd, 12, O_CLOEXEC));
    CHECK("F_GETFD of 12", fcntl(12, F_GETFD));
    CHECK("F_GETFD of 10 (dup2 clears FD_CLOEXEC)", fcntl(10, F_GETFD));
    CHECK("dup3(fd, 13, O_NONBLOCK) (only O_CLOEXEC is allowed)",
          syscall(SYS_dup3, fd, 13, O_NONBLOCK));
    CHECK("dup(999)", dup(999));
    int target = open("/dev/null", O_RDONLY);
    CHECK("dup2 over an open descriptor", dup2(fd, target) == target ? 0 : -1);
    CHECK("it now refers to the file (lseek works)", lseek(target, 0, SEEK_CUR));
    close(target);
    close(10);
    close(12);
    close(copy);
    close(fd);
}

/* fcntl: F_DUPFD, descriptor flags and status flags. */
static void check_fcntl(void)
{
    int fd = open(path, O_WRONLY | O_APPEND);
    int fds[2];

    CHECK("fcntl(F_DUPFD, 20)", fcntl(fd, F_DUPFD, 20));
    CHECK("fcntl(F_DUPFD, 20) again gives the next free", fcntl(fd, F_DUPFD, 20));
    CHECK("fcntl(F_DUPFD_CLOEXEC, 30)", fcntl(fd, F_DUPFD_CLOEXEC, 30));
    CHECK("F_GETFD of 30", fcntl(30, F_GETFD));
    CHECK("F_GETFD of 20", fcntl(20, F_GETFD));
    CHECK("F_SETFD(20, FD_CLOEXEC)", fcntl(20, F_SETFD, FD_CLOEXEC));
    CHECK("F_GETFD of 20", fcntl(20, F_GETFD));
    CHECK("F_GETFD of the original (descriptor flags are not shared)", fcntl(fd, F_GETFD));
    print_status_flags("file opened O_WRONLY | O_APPEND", fd);
    print_status_flags("its F_DUPFD copy", 20);
    CHECK("F_SETFL(O_RDONLY) (access mode cannot change)", fcntl(fd, F_SETFL, O_RDONLY));
    print_status_flags("after F_SETFL(O_RDONLY)", fd);
    print_status_flags("the copy shares the status flags", 20);
    CHECK("F_SETFL(O_APPEND | O_NONBLOCK)", fcntl(fd, F_SETFL, O_APPEND | O_NONBLOCK));
    print_status_flags("after F_SETFL(O_APPEND | O_NONBLOCK)", 21);
    CHECK("fcntl(fd, 9999) (unknown command)", fcntl(fd, 9999));
    CHECK("fcntl(999, F_GETFD)", fcntl(999, F_GETFD));
    CHECK("fcntl(F_DUPFD, -1)", fcntl(fd, F_DUPFD, -1));
    close(20);
    close(21);
    close(30);
    close(fd);
    if (pipe(fds) < 0)
        return;
    print_status_flags("pipe read end", fds[0]);
    print_status_flags("pipe write end", fds[1]);
    CHECK("F_SETFL(O_NONBLOCK) on the read end", fcntl(fds[0], F_SETFL, O_NONBLOCK));
    char byte;
    CHECK("read from the empty non-blocking pipe", read(fds[0], &byte, 1));
    CHECK("F_SETFL(0) on the read end", fcntl(fds[0], F_SETFL, 0));
    print_status_flags("pipe read end", fds[0]);
    close(fds[0]);
    close(fds[1]);
    if (pipe2(fds, O_CLOEXEC | O_NONBLOCK) < 0)
        return;
    CHECK("pipe2(O_CLOEXEC | O_NONBLOCK): F_GETFD of the read end", fcntl(fds[0], F_GETFD));
    print_status_flags("pipe2 write end", fds[1]);
    close(fds[0]);
    close(fds[1]);
    CHECK("pipe2 with bad flags", syscall(SYS_pipe2, fds, 0x10));
}

/* fork copies the table: closing in the child leaves the parent's open; offsets are shared. */
static void check_fork(void)
{
    int fd = open(path, O_RDWR | O_TRUNC);
    int status = 0;
    char buffer[32] = { 0 };

    pid_t child = fork();
    if (child == 0) {
        if (write(fd, "child,", 6) != 6)
            _exit(1);
        close(fd);
        _exit(0);
    }
    waitpid(child, &status, 0);
    CHECK("the parent's descriptor after the child closed its copy (F_GETFD)", fcntl(fd, F_GETFD));
    CHECK("the parent's offset after the child wrote 6 bytes", lseek(fd, 0, SEEK_CUR));
    CHECK("write(\"parent\")", write(fd, "parent", 6));
    pread(fd, buffer, sizeof(buffer) - 1, 0);
    printf("the file holds \"%s\"\n", buffer);
    close(fd);
}

/* close-on-exec: descriptors with FD_CLOEXEC are closed by execve, the others stay. */
static void check_cloexec(const char *self)
{
    int kept = open(path, O_RDONLY);
    int by_open = open(path, O_RDONLY | O_CLOEXEC);
    int by_fcntl = open(path, O_RDONLY);
    int status = 0;

    fcntl(by_fcntl, F_SETFD, FD_CLOEXEC);
    int by_dup3 = syscall(SYS_dup3, kept, 15, O_CLOEXEC);
    pid_t child = fork();
    if (child == 0) {
        char numbers[4][16];
        char *argv[] = { (char *)self, "--check-fds", numbers[0], numbers[1],
                         numbers[2],   numbers[3],    NULL };

        snprintf(numbers[0], sizeof(numbers[0]), "%d", kept);
        snprintf(numbers[1], sizeof(numbers[1]), "%d", by_open);
        snprintf(numbers[2], sizeof(numbers[2]), "%d", by_fcntl);
        snprintf(numbers[3], sizeof(numbers[3]), "%d", by_dup3);
        execv(self, argv);
        _exit(127);
    }
    waitpid(child, &status, 0);
    printf("the execve child exited with %d\n", WIFEXITED(status) ? WEXITSTATUS(status) : -1);
    close(kept);
    close(by_open);
    close(by_fcntl);
    close(by_dup3);
}

/* The helper: which of the given descriptors survived execve, in the order given. */
static int check_fds(int argc, char **argv)
{
    static const char *const names[] = { "plain", "O_CLOEXEC", "F_SETFD FD_CLOEXEC",
                                         "dup3 O_CLOEXEC" };

    for (int i = 2; i < argc && i - 2 < 4; i++) {
        errno = 0;
        int flags = fcntl(atoi(argv[i]), F_GETFD);
        if (flags < 0)
            printf("  after execve: %s descriptor -> F_GETFD -1 %s\n", names[i - 2],
                   errno_name(errno));
        else
            printf("  after execve: %s descriptor -> open, F_GETFD %d\n", names[i - 2], flags);
    }
    return 0;
}

int main(int argc, char **argv)
{
    setvbuf(stdout, NULL, _IONBF, 0);
    if (argc >= 2 && strcmp(argv[1], "--check-fds") == 0)
        return check_fds(argc, argv);
    for (int fd = 3; fd < 64; fd++)
        close(fd);
    snprintf(path, sizeof(path), "/tmp/abi-file_fd_ops.%d", (int)getpid());
    check_dup();
    check_fcntl();
    check_fork();
    check_cloexec(argv[0]);
    unlink(path);
    return 0;
}
