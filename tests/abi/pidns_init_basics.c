// ABI: pidns
/* pidns_init_basics.c - life as PID 1 of a fresh PID namespace: getpid() is 1 and getppid() 0,
 * the process group and session made outside read as 0, children are numbered 2, 3, ... from a
 * cursor that moves on (numbers are not reused at once), and PIDs outside are invisible.
 * ABI test: run inside "unshare -p -f --mount-proc" on Linux and nest's own unshare on nest;
 * tests/abi/run.py compares the outputs, which must be identical.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

/* The symbolic name of errno value ERROR, so that a difference reads "ENOENT vs EACCES". */
static const char *errno_name(int error)
{
    static const char *const names[] = {
        [EPERM] = "EPERM",   [ESRCH] = "ESRCH",   [ECHILD] = "ECHILD", [EAGAIN] = "EAGAIN",
        [ENOMEM] = "ENOMEM", [EINVAL] = "EINVAL", [ENOSPC] = "ENOSPC", [ENOSYS] = "ENOSYS",
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

/* Fork a child that prints its own view and exits with CODE; print the parent's view. */
static void fork_and_report(const char *label, int code)
{
    int status = 0;
    pid_t child = fork();

    if (child == 0) {
        printf("  %s: getpid() -> %d, getppid() -> %d\n", label, (int)getpid(), (int)getppid());
        _exit(code);
    }
    pid_t reaped = waitpid(child, &status, 0);
    printf("%s: fork() returned %d, waitpid returned %d, exit %d\n", label, (int)child, (int)reaped,
           WIFEXITED(status) ? WEXITSTATUS(status) : -1);
}

int main(void)
{
    int status = 0;

    setvbuf(stdout, NULL, _IONBF, 0);
    CHECK("getpid()", getpid());
    CHECK("getppid()", getppid());
    CHECK("gettid()", gettid());
    CHECK("getpgrp() (made outside the namespace)", getpgrp());
    CHECK("getsid(0) (made outside the namespace)", getsid(0));
    fork_and_report("first child", 1);
    fork_and_report("second child", 2);
    fork_and_report("third child", 3);

    pid_t child = fork();
    if (child == 0) {
        pid_t grandchild = fork();
        if (grandchild == 0) {
            printf("  grandchild: getpid() -> %d, getppid() -> %d\n", (int)getpid(),
                   (int)getppid());
            _exit(0);
        }
        waitpid(grandchild, NULL, 0);
        printf("  child: getpid() -> %d, its fork() returned %d\n", (int)getpid(), (int)grandchild);
        CHECK("  child: setsid()", setsid());
        CHECK("  child: getsid(0)", getsid(0));
        CHECK("  child: getpgid(1) (init's group, made outside)", getpgid(1));
        CHECK("  child: kill(1, 0)", kill(1, 0));
        _exit(0);
    }
    waitpid(child, &status, 0);
    CHECK("kill(2, 0) after the first child was reaped", kill(2, 0));
    CHECK("kill(30000, 0), a PID not in this namespace", kill(30000, 0));
    CHECK("getpgid(30000)", getpgid(30000));
    CHECK("waitpid(30000)", waitpid(30000, &status, 0));
    CHECK("waitpid(-1) with no children", waitpid(-1, &status, 0));
    fork_and_report("the child after those", 0);
    return 0;
}
