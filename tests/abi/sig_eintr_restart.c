/* sig_eintr_restart.c - a handler interrupting a blocking call: read, wait4, pause, nanosleep
 * and poll fail with EINTR without SA_RESTART; with SA_RESTART read and wait4 are restarted,
 * while pause, nanosleep and poll still fail with EINTR (as on Linux).
 * The signal comes from a child that sends it every 50 ms until killed, so the parent is sure
 * to be blocked when one arrives (nest has no alarm()).
 * ABI test: tests/abi/run.py runs it on Linux and on nest; the outputs must be identical.
 */
#define _GNU_SOURCE
#include <errno.h>
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
        [EPERM] = "EPERM",   [ESRCH] = "ESRCH",   [EINTR] = "EINTR",   [ECHILD] = "ECHILD",
        [EAGAIN] = "EAGAIN", [EFAULT] = "EFAULT", [EINVAL] = "EINVAL", [ENOSYS] = "ENOSYS",
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

static volatile sig_atomic_t deliveries; /* SIGUSR1 handler runs */

static void on_usr1(int signal)
{
    (void)signal;
    deliveries++;
}

/* Catch SIGUSR1 with FLAGS (0 or SA_RESTART). */
static void catch_usr1(int flags)
{
    struct sigaction action;

    memset(&action, 0, sizeof(action));
    action.sa_handler = on_usr1;
    action.sa_flags = flags;
    sigemptyset(&action.sa_mask);
    sigaction(SIGUSR1, &action, NULL);
    deliveries = 0;
}

/* Sleep for MILLISECONDS, resuming after interruptions. */
static void sleep_ms(long milliseconds)
{
    struct timespec delay = { milliseconds / 1000, (milliseconds % 1000) * 1000000 };

    while (nanosleep(&delay, &delay) < 0 && errno == EINTR)
        continue;
}

/* Fork a child that sends SIGUSR1 to us every 50 ms, COUNT times (0: until killed), and then
 * writes one byte 'x' to WRITE_FD if it is not -1, sends SIGTERM to VICTIM if it is not 0,
 * and exits. */
static pid_t start_signaller(int count, int write_fd, pid_t victim)
{
    pid_t parent = getpid();
    pid_t child = fork();

    if (child == 0) {
        for (int sent = 0; count == 0 || sent < count; sent++) {
            sleep_ms(50);
            kill(parent, SIGUSR1);
        }
        sleep_ms(50);
        if (write_fd >= 0 && write(write_fd, "x", 1) != 1)
            _exit(1);
        if (victim != 0)
            kill(victim, SIGTERM);
        _exit(0);
    }
    return child;
}

/* Kill and reap the signalling child. */
static void stop_signaller(pid_t child)
{
    kill(child, SIGKILL);
    waitpid(child, NULL, 0);
}

/* Print "WHAT -> RESULT ERRNO, handler ran: yes". */
static void print_result(const char *what, long result, int error)
{
    if (result < 0)
        printf("%s -> -1 %s, handler ran: %s\n", what, errno_name(error), yes_no(deliveries > 0));
    else
        printf("%s -> %ld, handler ran: %s\n", what, result, yes_no(deliveries > 0));
}

/* read on an empty pipe. */
static void check_read(void)
{
    int fds[2];
    char byte = 0;

    if (pipe(fds) < 0)
        return;
    catch_usr1(0);
    pid_t child = start_signaller(0, -1, 0);
    errno = 0;
    long result = read(fds[0], &byte, 1);
    print_result("read on an empty pipe, handler without SA_RESTART", result, errno);
    stop_signaller(child);

    catch_usr1(SA_RESTART);
    child = start_signaller(2, fds[1], 0);
    errno = 0;
    result = read(fds[0], &byte, 1);
    print_result("read on an empty pipe, handler with SA_RESTART", result, errno);
    printf("the restarted read got the byte written after the signals: %s\n", yes_no(byte == 'x'));
    waitpid(child, NULL, 0);
    close(fds[0]);
    close(fds[1]);
}

/* Fork a child that only sleeps until it is killed. */
static pid_t start_sleeper(void)
{
    pid_t child = fork();

    if (child == 0) {
        for (;;)
            pause();
    }
    return child;
}

/* wait4 for a child that does not exit on its own. */
static void check_wait(void)
{
    int status = 0;
    pid_t sleeper = start_sleeper();

    catch_usr1(0);
    pid_t child = start_signaller(0, -1, 0);
    errno = 0;
    long result = waitpid(sleeper, &status, 0);
    print_result("waitpid for a sleeping child, handler without SA_RESTART", result, errno);
    stop_signaller(child);

    catch_usr1(SA_RESTART);
    child = start_signaller(2, -1, sleeper);
    errno = 0;
    result = waitpid(sleeper, &status, 0);
    printf("waitpid for a sleeping child, handler with SA_RESTART -> the sleeper: %s, %s, "
           "handler ran: %s\n",
           yes_no(result == sleeper), result < 0 ? errno_name(errno) : "no error",
           yes_no(deliveries > 0));
    printf("the sleeper was killed by signal %d\n", WIFSIGNALED(status) ? WTERMSIG(status) : 0);
    waitpid(child, NULL, 0);
}

/* pause, nanosleep and poll fail with EINTR even with SA_RESTART. */
static void check_never_restarted(void)
{
    struct timespec long_sleep = { 30, 0 }, left = { 0, 0 };
    int fds[2];

    for (int flags = 0; flags <= SA_RESTART; flags += SA_RESTART) {
        const char *which = flags ? "with SA_RESTART" : "without SA_RESTART";
        char what[96];

        catch_usr1(flags);
        pid_t child = start_signaller(0, -1, 0);
        errno = 0;
        long result = pause();
        snprintf(what, sizeof(what), "pause, handler %s", which);
        print_result(what, result, errno);
        stop_signaller(child);

        catch_usr1(flags);
        child = start_signaller(0, -1, 0);
        errno = 0;
        result = nanosleep(&long_sleep, &left);
        snprintf(what, sizeof(what), "nanosleep(30 s), handler %s", which);
        print_result(what, result, errno);
        printf("  the remaining time is reported and below 30 s: %s\n",
               yes_no(left.tv_sec < 30 && (left.tv_sec > 0 || left.tv_nsec > 0)));
        stop_signaller(child);

        if (pipe(fds) < 0)
            return;
        struct pollfd entry = { .fd = fds[0], .events = POLLIN };
        catch_usr1(flags);
        child = start_signaller(0, -1, 0);
        errno = 0;
        result = poll(&entry, 1, 30000);
        snprintf(what, sizeof(what), "poll(30 s) on an empty pipe, handler %s", which);
        print_result(what, result, errno);
        stop_signaller(child);
        close(fds[0]);
        close(fds[1]);
    }
}

int main(void)
{
    sigset_t none;

    setvbuf(stdout, NULL, _IONBF, 0);
    sigemptyset(&none);
    sigprocmask(SIG_SETMASK, &none, NULL);
    signal(SIGTERM, SIG_DFL);
    check_read();
    check_wait();
    check_never_restarted();
    return 0;
}
