/* proc_pgrp_session.c - process groups and sessions: setsid, setpgid, getpgid, getsid, their
 * errors (EPERM, ESRCH, EINVAL, EACCES after execve) and kill(-pgid). Everything runs in a
 * child that first makes its own session, so the caller's groups do not matter.
 * ABI test: tests/abi/run.py runs it on Linux and on nest; the outputs must be identical.
 * Helper mode: "PROGRAM --wait-stdin" waits until its standard input reaches end of file.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

/* The symbolic name of errno value ERROR, so that a difference reads "ENOENT vs EACCES". */
static const char *errno_name(int error)
{
    static const char *const names[] = {
        [EPERM] = "EPERM",   [ENOENT] = "ENOENT", [ESRCH] = "ESRCH",   [EBADF] = "EBADF",
        [ECHILD] = "ECHILD", [EACCES] = "EACCES", [EINVAL] = "EINVAL", [ENOSYS] = "ENOSYS",
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

/* Fork a child that waits until the write end of GATE closes, then exits 0. */
static pid_t fork_waiter(int gate[2])
{
    pid_t child = fork();
    char byte;

    if (child == 0) {
        close(gate[1]);
        while (read(gate[0], &byte, 1) > 0)
            continue;
        _exit(0);
    }
    return child;
}

/* A PID that belonged to a child which is now reaped, so no process has it. */
static pid_t dead_pid(void)
{
    pid_t child = fork();

    if (child == 0)
        _exit(0);
    waitpid(child, NULL, 0);
    return child;
}

/* setsid and its errors, in a process that is not yet a group leader. */
static void check_setsid(pid_t parent_group, pid_t parent_session)
{
    printf("a new child starts in its parent's process group: %s\n",
           yes_no(getpgid(0) == parent_group));
    printf("a new child starts in its parent's session: %s\n", yes_no(getsid(0) == parent_session));
    printf("setsid() in a child returns its own pid: %s\n", yes_no(setsid() == getpid()));
    printf("after setsid, getsid(0) == getpid(): %s\n", yes_no(getsid(0) == getpid()));
    printf("after setsid, getpgrp() == getpid(): %s\n", yes_no(getpgrp() == getpid()));
    printf("after setsid, getpgid(0) == getpgid(getpid()): %s\n",
           yes_no(getpgid(0) == getpgid(getpid())));
    CHECK("setsid() again as a session leader", setsid());
    CHECK("setpgid(0, 0) as a session leader", setpgid(0, 0));
    CHECK("setpgid(0, -1)", setpgid(0, -1));
    CHECK("setpgid(getppid(), 0) on the parent", setpgid(getppid(), 0));
    pid_t dead = dead_pid();
    CHECK("getpgid(pid of a reaped child)", getpgid(dead));
    CHECK("getsid(pid of a reaped child)", getsid(dead));
    CHECK("setpgid(pid of a reaped child, 0)", setpgid(dead, 0));
    CHECK("kill(-(pid of a reaped child), 0)", kill(-dead, 0));
}

/* Moving children between groups of this session. */
static void check_setpgid(void)
{
    int gate[2];
    int status = 0;

    if (pipe(gate) < 0)
        return;
    pid_t leader = fork_waiter(gate);
    pid_t member = fork_waiter(gate);
    printf("a grandchild's session is its parent's: %s\n", yes_no(getsid(leader) == getpid()));
    printf("a grandchild's group is its parent's: %s\n", yes_no(getpgid(leader) == getpid()));
    printf("setpgid(child, child) makes it a group leader: %s\n",
           yes_no(setpgid(leader, leader) == 0 && getpgid(leader) == leader));
    printf("setpgid(other child, that group) moves it there: %s\n",
           yes_no(setpgid(member, leader) == 0 && getpgid(member) == leader));
    CHECK("setpgid(child, a group that does not exist)", setpgid(member, dead_pid()));
    printf("kill(-group, SIGTERM) returns 0: %s\n", yes_no(kill(-leader, SIGTERM) == 0));
    waitpid(leader, &status, 0);
    printf("group leader killed by signal %d\n", WIFSIGNALED(status) ? WTERMSIG(status) : 0);
    waitpid(member, &status, 0);
    printf("group member killed by signal %d\n", WIFSIGNALED(status) ? WTERMSIG(status) : 0);
    close(gate[0]);
    close(gate[1]);
}

/* A child in another session cannot be moved; a child that has called execve cannot either. */
static void check_foreign_children(const char *self)
{
    int gate[2], ready[2], exec_done[2];
    int status = 0;
    char byte;

    if (pipe(gate) < 0 || pipe(ready) < 0)
        return;
    pid_t loner = fork();
    if (loner == 0) {
        close(gate[1]);
        setsid();
        close(ready[0]);
        close(ready[1]);
        while (read(gate[0], &byte, 1) > 0)
            continue;
        _exit(0);
    }
    close(ready[1]);
    while (read(ready[0], &byte, 1) > 0)
        continue;
    printf("a child that called setsid is in its own session: %s\n",
           yes_no(getsid(loner) == loner));
    CHECK("setpgid(child in another session, own group)", setpgid(loner, getpgrp()));

    if (pipe2(exec_done, O_CLOEXEC) < 0)
        return;
    pid_t executed = fork();
    if (executed == 0) {
        char *argv[] = { (char *)self, "--wait-stdin", NULL };

        dup2(gate[0], 0);
        close(gate[1]);
        execv(self, argv);
        _exit(127);
    }
    close(exec_done[1]);
    while (read(exec_done[0], &byte, 1) > 0)
        continue;
    CHECK("setpgid(child after its execve, child)", setpgid(executed, executed));
    close(gate[1]);
    waitpid(loner, &status, 0);
    waitpid(executed, &status, 0);
    printf("both children exited normally: %s\n", yes_no(WIFEXITED(status)));
    close(gate[0]);
    close(exec_done[0]);
}

int main(int argc, char **argv)
{
    char byte;
    int status = 0;

    if (argc == 2 && strcmp(argv[1], "--wait-stdin") == 0) {
        while (read(0, &byte, 1) > 0)
            continue;
        return 0;
    }
    setvbuf(stdout, NULL, _IONBF, 0);
    signal(SIGTERM, SIG_DFL);
    pid_t parent_group = getpgrp(), parent_session = getsid(0);
    pid_t child = fork();
    if (child == 0) {
        check_setsid(parent_group, parent_session);
        check_setpgid();
        check_foreign_children(argv[0]);
        _exit(0);
    }
    waitpid(child, &status, 0);
    printf("the session leader child exited with %d\n",
           WIFEXITED(status) ? WEXITSTATUS(status) : -1);
    return 0;
}
