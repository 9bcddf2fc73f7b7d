/* fs_pipes.c - pipes and descriptors: capacity, blocking rules, end of file, EPIPE and
 * SIGPIPE, poll and select readiness, FIONREAD, readv/writev, dup and fcntl flags.
 * ABI test: tests/abi/run.py runs it on Linux and on nest; the outputs must be identical.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/select.h>
#include <sys/stat.h>
#include <sys/uio.h>
#include <sys/wait.h>
#include <unistd.h>

/* The symbolic name of errno value ERROR, so that a difference reads "EPIPE vs EAGAIN". */
static const char *errno_name(int error)
{
    static const char *const names[] = {
        [EBADF] = "EBADF",   [EAGAIN] = "EAGAIN", [EINVAL] = "EINVAL",
        [ESPIPE] = "ESPIPE", [EPIPE] = "EPIPE",   [EMFILE] = "EMFILE",
    };
    static char number[24];

    if (error > 0 && error < (int)(sizeof(names) / sizeof(names[0])) && names[error] != NULL)
        return names[error];
    snprintf(number, sizeof(number), "errno %d", error);
    return number;
}

static void report(const char *what, long result)
{
    if (result == -1)
        printf("%s -> -1 %s\n", what, errno_name(errno));
    else
        printf("%s -> %ld\n", what, result);
}

#define TRY(call) report(#call, (long)(call))

/* The poll events of one descriptor, with a zero timeout. */
static void show_poll(const char *name, int fd)
{
    struct pollfd pfd = {fd, POLLIN | POLLOUT, 0};
    int ready = poll(&pfd, 1, 0);
    printf("poll %s -> %d:%s%s%s%s%s\n", name, ready, pfd.revents & POLLIN ? " IN" : "",
           pfd.revents & POLLOUT ? " OUT" : "", pfd.revents & POLLHUP ? " HUP" : "",
           pfd.revents & POLLERR ? " ERR" : "", pfd.revents & POLLNVAL ? " NVAL" : "");
}

static void data_and_readiness(void)
{
    int fds[2];
    char buf[128];
    int queued = -1;
    TRY(pipe2(fds, O_APPEND));
    TRY(pipe2(fds, O_NONBLOCK | O_CLOEXEC));
    TRY(fcntl(fds[0], F_GETFL));
    TRY(fcntl(fds[1], F_GETFL));
    TRY(fcntl(fds[0], F_GETFD));
    show_poll("empty read end", fds[0]);
    show_poll("empty write end", fds[1]);
    TRY(read(fds[0], buf, sizeof(buf)));
    TRY(write(fds[1], "0123456789", 10));
    TRY(ioctl(fds[0], FIONREAD, &queued));
    printf("FIONREAD %d\n", queued);
    show_poll("read end with data", fds[0]);
    TRY(read(fds[0], buf, 4));
    TRY(lseek(fds[0], 0, SEEK_CUR));
    TRY(pread(fds[0], buf, 1, 0));
    struct stat st;
    fstat(fds[0], &st);
    printf("fstat: fifo %d\n", S_ISFIFO(st.st_mode));

    struct iovec out[2] = {{"ab", 2}, {"cdef", 4}}, in[2] = {{buf, 3}, {buf + 3, 100}};
    TRY(writev(fds[1], out, 2));
    TRY(readv(fds[0], in, 2));
    printf("readv \"%.12s\"\n", buf);

    close(fds[1]);
    show_poll("read end, writer gone", fds[0]);
    TRY(read(fds[0], buf, sizeof(buf)));
    close(fds[0]);
}

static void capacity(void)
{
    int fds[2];
    static char block[4096];
    long total = 0, written;
    pipe2(fds, O_NONBLOCK);
    while ((written = write(fds[1], block, sizeof(block))) > 0)
        total += written;
    printf("capacity %ld, then %s\n", total, errno_name(errno));
    show_poll("full write end", fds[1]);
    TRY(fcntl(fds[1], F_SETFL, 0));
    TRY(fcntl(fds[1], F_GETFL));
    close(fds[0]);
    signal(SIGPIPE, SIG_IGN);
    TRY(write(fds[1], "x", 1));
    show_poll("write end, reader gone", fds[1]);
    signal(SIGPIPE, SIG_DFL);
    close(fds[1]);
}

/* A writer whose reader has gone dies of SIGPIPE. */
static void broken_pipe(void)
{
    int fds[2], status;
    pipe(fds);
    close(fds[0]);
    pid_t child = fork();
    if (child == 0) {
        write(fds[1], "x", 1);
        _exit(0);
    }
    close(fds[1]);
    waitpid(child, &status, 0);
    printf("writer: signaled %d signal %d\n", WIFSIGNALED(status), WTERMSIG(status));
}

/* A reader blocks until a writer in another process writes; end of file after it exits. */
static void blocking_reader(void)
{
    int fds[2], status;
    char buf[16] = {0};
    pipe(fds);
    pid_t child = fork();
    if (child == 0) {
        close(fds[0]);
        usleep(100000);
        write(fds[1], "late", 4);
        _exit(0);
    }
    close(fds[1]);
    TRY(read(fds[0], buf, sizeof(buf)));
    printf("got \"%s\"\n", buf);
    TRY(read(fds[0], buf, sizeof(buf)));
    waitpid(child, &status, 0);
    fd_set readable;
    FD_ZERO(&readable);
    FD_SET(fds[0], &readable);
    struct timeval zero = {0, 0};
    TRY(select(fds[0] + 1, &readable, NULL, NULL, &zero));
    printf("select: readable %d\n", FD_ISSET(fds[0], &readable));
    close(fds[0]);
    FD_SET(fds[0], &readable);
    TRY(select(fds[0] + 1, &readable, NULL, NULL, &zero));
}

static void descriptors(void)
{
    int fd = open("/dev/null", O_RDWR);
    TRY(dup2(fd, 100) == 100);
    TRY(dup3(fd, 100, O_CLOEXEC) == 100);
    TRY(fcntl(100, F_GETFD));
    TRY(dup3(fd, fd, 0));
    TRY(dup3(fd, 101, O_APPEND));
    TRY(fcntl(fd, F_DUPFD, 90) == 90);
    TRY(fcntl(fd, F_DUPFD_CLOEXEC, 90) == 91);
    TRY(fcntl(91, F_GETFD));
    TRY(fcntl(91, F_SETFD, 0));
    TRY(fcntl(91, F_GETFD));
    TRY(close(100));
    TRY(close(100));
    TRY(dup2(100, 5));
    TRY(write(fd, "abc", 3));
    TRY(lseek(fd, 10, SEEK_SET));
    show_poll("/dev/null", fd);
    close(fd);
    show_poll("closed descriptor", fd);
    struct pollfd ignored = {-1, POLLIN, 0};
    TRY(poll(&ignored, 1, 0));
}

int main(void)
{
    setvbuf(stdout, NULL, _IONBF, 0);
    data_and_readiness();
    capacity();
    broken_pipe();
    blocking_reader();
    descriptors();
    return 0;
}
