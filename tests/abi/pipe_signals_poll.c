/* pipe_signals_poll.c - pipe edge cases: writing with no reader (EPIPE with SIGPIPE ignored or
 * caught, death by SIGPIPE by default), O_NONBLOCK (EAGAIN on empty reads and full writes, 0 at
 * EOF), and poll on pipes (POLLIN, POLLOUT, POLLHUP, POLLERR, POLLNVAL, timeouts, wake-ups).
 * ABI test: tests/abi/run.py runs it on Linux and on nest; the outputs must be identical.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

/* The symbolic name of errno value ERROR, so that a difference reads "ENOENT vs EACCES". */
static const char *errno_name(int error)
{
    static const char *const names[] = {
        [EPERM] = "EPERM",   [EINTR] = "EINTR",   [EBADF] = "EBADF", [EAGAIN] = "EAGAIN",
        [EFAULT] = "EFAULT", [EINVAL] = "EINVAL", [EPIPE] = "EPIPE", [ENOSYS] = "ENOSYS",
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

/* MONOTONIC time in milliseconds. */
static long now_ms(void)
{
    struct timespec now;

    clock_gettime(CLOCK_MONOTONIC, &now);
    return now.tv_sec * 1000 + now.tv_nsec / 1000000;
}

static volatile sig_atomic_t sigpipe_count;

static void on_sigpipe(int signal)
{
    (void)signal;
    sigpipe_count++;
}

/* Set SIGPIPE's action to HANDLER. */
static void sigpipe_action(void (*handler)(int))
{
    struct sigaction action;

    memset(&action, 0, sizeof(action));
    action.sa_handler = handler;
    sigaction(SIGPIPE, &action, NULL);
}

/* Writing to a pipe whose read end is closed. */
static void check_no_reader(void)
{
    int fds[2], status = 0;

    if (pipe(fds) < 0)
        return;
    close(fds[0]);
    sigpipe_action(SIG_IGN);
    CHECK("write with no reader, SIGPIPE ignored", write(fds[1], "x", 1));
    sigpipe_action(on_sigpipe);
    sigpipe_count = 0;
    CHECK("write with no reader, SIGPIPE caught", write(fds[1], "x", 1));
    printf("the SIGPIPE handler ran %d time(s)\n", (int)sigpipe_count);
    sigpipe_action(SIG_DFL);
    pid_t child = fork();
    if (child == 0) {
        if (write(fds[1], "x", 1) < 0)
            _exit(2);
        _exit(0);
    }
    waitpid(child, &status, 0);
    if (WIFSIGNALED(status))
        printf("a child writing with SIGPIPE at its default action is killed by signal %d\n",
               WTERMSIG(status));
    else
        printf("a child writing with SIGPIPE at its default action exited %d\n",
               WEXITSTATUS(status));
    close(fds[1]);

    if (pipe(fds) < 0)
        return;
    sigpipe_action(SIG_IGN);
    child = fork();
    if (child == 0) {
        char byte;
        close(fds[1]);
        if (read(fds[0], &byte, 1) != 1)
            _exit(1);
        _exit(0);
    }
    close(fds[0]);
    static char big[256 * 1024];
    errno = 0;
    long n = write(fds[1], big, sizeof(big));
    printf("a 256 KB write whose reader leaves after one byte -> %s\n",
           n > 0 && n < (long)sizeof(big) ? "a short count"
           : n < 0                        ? errno_name(errno)
                                          : "everything");
    waitpid(child, &status, 0);
    close(fds[1]);
    sigpipe_action(SIG_DFL);
}

/* O_NONBLOCK on both ends. */
static void check_nonblocking(void)
{
    int fds[2];
    char buffer[4096];
    long total = 0, n;

    if (pipe2(fds, O_NONBLOCK) < 0)
        return;
    CHECK("read from an empty non-blocking pipe", read(fds[0], buffer, 1));
    memset(buffer, 'f', sizeof(buffer));
    while ((n = write(fds[1], buffer, sizeof(buffer))) > 0)
        total += n;
    printf("filling it: the last write -> -1 %s, at least 4096 bytes went in: %s\n",
           errno_name(errno), yes_no(total >= 4096));
    CHECK("a 1-byte write to the full pipe", write(fds[1], "x", 1));
    CHECK("read 100 bytes back", read(fds[0], buffer, 100));
    close(fds[1]);
    long drained = 100;
    while ((n = read(fds[0], buffer, sizeof(buffer))) > 0)
        drained += n;
    printf("after the writer closed, everything written is read back: %s\n",
           yes_no(drained == total));
    CHECK("then read -> EOF, not EAGAIN", read(fds[0], buffer, 1));
    close(fds[0]);
}

/* The names of the bits set in REVENTS. */
static const char *events_text(short revents)
{
    static char text[64];

    text[0] = '\0';
    if (revents & POLLIN)
        strcat(text, " POLLIN");
    if (revents & POLLOUT)
        strcat(text, " POLLOUT");
    if (revents & POLLHUP)
        strcat(text, " POLLHUP");
    if (revents & POLLERR)
        strcat(text, " POLLERR");
    if (revents & POLLNVAL)
        strcat(text, " POLLNVAL");
    if (revents & POLLPRI)
        strcat(text, " POLLPRI");
    if (text[0] == '\0')
        strcpy(text, " none");
    return text;
}

/* poll FD for EVENTS with TIMEOUT; print the result and revents. */
static void poll_one(const char *what, int fd, short events, int timeout)
{
    struct pollfd entry = { .fd = fd, .events = events, .revents = 0 };

    errno = 0;
    int result = poll(&entry, 1, timeout);
    if (result < 0)
        printf("%s -> -1 %s\n", what, errno_name(errno));
    else
        printf("%s -> %d, revents%s\n", what, result, events_text(entry.revents));
}

/* poll on the two ends of a pipe through its life. */
static void check_poll(void)
{
    int fds[2];
    char buffer[16];

    if (pipe(fds) < 0)
        return;
    poll_one("poll(read end, POLLIN, timeout 0) on an empty pipe", fds[0], POLLIN, 0);
    poll_one("poll(write end, POLLOUT, timeout 0)", fds[1], POLLOUT, 0);
    if (write(fds[1], "hi", 2) != 2)
        printf("write failed\n");
    poll_one("poll(read end, POLLIN) after a write", fds[0], POLLIN, 0);
    poll_one("poll(read end, 0 events) after a write", fds[0], 0, 0);
    close(fds[1]);
    poll_one("poll(read end, POLLIN) with data, writer closed", fds[0], POLLIN, 0);
    if (read(fds[0], buffer, sizeof(buffer)) != 2)
        printf("read failed\n");
    poll_one("poll(read end, POLLIN) drained, writer closed", fds[0], POLLIN, 1000);
    close(fds[0]);

    if (pipe(fds) < 0)
        return;
    close(fds[0]);
    poll_one("poll(write end, POLLOUT) with the reader closed", fds[1], POLLOUT, 0);
    close(fds[1]);
    poll_one("poll(a closed descriptor, POLLIN)", fds[1], POLLIN, 0);
    poll_one("poll(fd -1, POLLIN) is skipped", -1, POLLIN, 0);

    if (pipe(fds) < 0)
        return;
    long start = now_ms();
    poll_one("poll(empty pipe, POLLIN, timeout 100 ms)", fds[0], POLLIN, 100);
    printf("it waited at least 100 ms: %s\n", yes_no(now_ms() - start >= 100));
    pid_t child = fork();
    if (child == 0) {
        struct timespec delay = { 0, 100 * 1000 * 1000 };
        nanosleep(&delay, NULL);
        if (write(fds[1], "w", 1) != 1)
            _exit(1);
        _exit(0);
    }
    poll_one("poll(empty pipe, POLLIN, no timeout), a child writes after 100 ms", fds[0], POLLIN,
             -1);
    waitpid(child, NULL, 0);

    int other[2];
    if (pipe(other) < 0)
        return;
    if (write(other[1], "o", 1) != 1)
        printf("write failed\n");
    struct pollfd entries[3] = {
        { .fd = fds[0], .events = POLLIN },
        { .fd = other[0], .events = POLLIN },
        { .fd = other[1], .events = POLLOUT },
    };
    int result = poll(entries, 3, 0);
    printf("poll of three descriptors -> %d\n", result);
    printf("  pipe with one unread byte, POLLIN:%s\n", events_text(entries[0].revents));
    printf("  another pipe with a byte, POLLIN:%s\n", events_text(entries[1].revents));
    printf("  that pipe's write end, POLLOUT:%s\n", events_text(entries[2].revents));
    close(fds[0]);
    close(fds[1]);
    close(other[0]);
    close(other[1]);
}

int main(void)
{
    setvbuf(stdout, NULL, _IONBF, 0);
    check_no_reader();
    check_nonblocking();
    check_poll();
    return 0;
}
