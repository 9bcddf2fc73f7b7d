/* proc_wait_status.c - fork, _exit and wait4: the status word a parent gets for each exit code
 * and fatal signal, WNOHANG, ECHILD, wait4's argument checks and getppid in the child.
 * ABI test: tests/abi/run.py runs it on Linux and on nest; the outputs must be identical.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

/* The symbolic name of errno value ERROR, so that a difference reads "ENOENT vs EACCES". */
static const char *errno_name(int error)
{
    static const char *const names[] = {
        [EPERM] = "EPERM",   [ENOENT] = "ENOENT", [ESRCH] = "ESRCH",   [EINTR] = "EINTR",
        [EBADF] = "EBADF",   [ECHILD] = "ECHILD", [EAGAIN] = "EAGAIN", [ENOMEM] = "ENOMEM",
        [EFAULT] = "EFAULT", [EINVAL] = "EINVAL", [ENOSYS] = "ENOSYS",
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

/* Describe a wait status the way the <sys/wait.h> macros see it, and the raw word. */
static void print_status(const char *what, int status)
{
    if (WIFEXITED(status))
        printf("%s -> WIFEXITED 1 WEXITSTATUS %d (status 0x%04x)\n", what, WEXITSTATUS(status),
               status);
    else if (WIFSIGNALED(status))
        printf("%s -> WIFSIGNALED 1 WTERMSIG %d (status 0x%04x)\n", what, WTERMSIG(status), status);
    else if (WIFSTOPPED(status))
        printf("%s -> WIFSTOPPED 1 WSTOPSIG %d\n", what, WSTOPSIG(status));
    else
        printf("%s -> other status 0x%04x\n", what, status);
}

/* Fork a child that exits with CODE at once; wait for it and print its status. */
static void check_exit_code(int code)
{
    char what[64];
    int status = 0;
    pid_t child = fork();

    if (child == 0)
        _exit(code);
    if (waitpid(child, &status, 0) != child)
        printf("waitpid for the child exiting %d failed: %s\n", code, errno_name(errno));
    snprintf(what, sizeof(what), "child _exit(%d)", code);
    print_status(what, status);
}

/* Fork a child that sleeps in pause(), kill it with SIGNAL and print its status. */
static void check_killed_by(int signal, const char *name)
{
    char what[64];
    int status = 0;
    pid_t child = fork();

    if (child == 0) {
        for (;;)
            pause();
    }
    kill(child, signal);
    waitpid(child, &status, 0);
    snprintf(what, sizeof(what), "child killed by %s", name);
    print_status(what, status);
}

/* WNOHANG returns 0 while the child runs (it waits on a pipe), then the child's PID. */
static void check_wnohang(void)
{
    int fds[2];
    int status = 0;
    char byte;
    pid_t child;

    if (pipe(fds) < 0)
        return;
    child = fork();
    if (child == 0) {
        close(fds[1]);
        while (read(fds[0], &byte, 1) < 0 && errno == EINTR)
            continue;
        _exit(3);
    }
    close(fds[0]);
    CHECK("wait4 WNOHANG while the child still runs", wait4(child, &status, WNOHANG, NULL));
    close(fds[1]);
    printf("wait4 blocking after the child was released returns its pid: %s\n",
           wait4(child, &status, 0, NULL) == child ? "yes" : "no");
    print_status("released child", status);
    CHECK("wait4 WNOHANG with no children left", wait4(-1, &status, WNOHANG, NULL));
}

/* waitpid for one PID leaves the other children alone; wait(-1) then gets the rest. */
static void check_wait_order(void)
{
    int status = 0;
    pid_t first = fork();

    if (first == 0)
        _exit(11);
    pid_t second = fork();
    if (second == 0)
        _exit(22);
    printf("waitpid(second) returns the second child: %s\n",
           waitpid(second, &status, 0) == second ? "yes" : "no");
    print_status("second child", status);
    printf("waitpid(-1) then returns the first child: %s\n",
           waitpid(-1, &status, 0) == first ? "yes" : "no");
    print_status("first child", status);
}

/* The child's getppid() is the parent's getpid(); a zombie keeps its status until reaped. */
static void check_getppid(void)
{
    pid_t parent = getpid();
    int status = 0;
    pid_t child = fork();

    if (child == 0)
        _exit(getppid() == parent ? 0 : 1);
    waitpid(child, &status, 0);
    printf("getppid() in the child equals getpid() in the parent: %s\n",
           WIFEXITED(status) && WEXITSTATUS(status) == 0 ? "yes" : "no");
    printf("fork returned a positive pid different from the parent's: %s\n",
           child > 0 && child != parent ? "yes" : "no");
}

/* Errors: no children, a PID that is not a child, unknown option bits, rusage. */
static void check_errors(void)
{
    struct rusage usage;
    int status = 0;

    CHECK("wait(-1) with no children", wait(&status));
    CHECK("waitpid(getppid()) which is not a child", waitpid(getppid(), &status, 0));
    CHECK("wait4 with unknown option bit 0x100", wait4(-1, &status, 0x100, NULL));
    pid_t child = fork();
    if (child == 0)
        _exit(5);
    memset(&usage, 0xff, sizeof(usage));
    printf("wait4 with a struct rusage returns the child: %s\n",
           wait4(child, &status, 0, &usage) == child ? "yes" : "no");
    print_status("child reaped with rusage", status);
    child = fork();
    if (child == 0)
        _exit(6);
    printf("wait4 with a NULL status pointer returns the child: %s\n",
           wait4(child, NULL, 0, NULL) == child ? "yes" : "no");
}

/* Start from default signal actions and an empty mask, whatever the caller left us. */
static void reset_signals(void)
{
    sigset_t none;

    for (int signal = 1; signal < 32; signal++) {
        if (signal != SIGKILL && signal != SIGSTOP)
            sigaction(signal, &(struct sigaction){ .sa_handler = SIG_DFL }, NULL);
    }
    sigemptyset(&none);
    sigprocmask(SIG_SETMASK, &none, NULL);
}

int main(void)
{
    static const int codes[] = { 0, 1, 42, 255, 256, -1 };

    setvbuf(stdout, NULL, _IONBF, 0);
    reset_signals();
    for (size_t i = 0; i < sizeof(codes) / sizeof(codes[0]); i++)
        check_exit_code(codes[i]);
    check_killed_by(SIGKILL, "SIGKILL");
    check_killed_by(SIGTERM, "SIGTERM");
    check_killed_by(SIGINT, "SIGINT");
    check_killed_by(SIGHUP, "SIGHUP");
    check_wnohang();
    check_wait_order();
    check_getppid();
    check_errors();
    return 0;
}
