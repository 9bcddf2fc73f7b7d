// ABI: pidns
/* pidns_nested_unshare.c - unshare(CLONE_NEWPID) inside a namespace: the caller stays where it
 * is and keeps its PID, its next child is PID 1 of the new namespace (getppid() 0 there) while
 * the caller sees it under an ordinary number, a second unshare(CLONE_NEWPID) fails with EINVAL,
 * the new init's children are numbered from 2, and /proc/PID/ns/pid names the namespaces.
 * ABI test: run inside "unshare -p -f --mount-proc" on Linux and nest's own unshare on nest;
 * tests/abi/run.py compares the outputs, which must be identical.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <stdio.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

/* The symbolic name of errno value ERROR, so that a difference reads "ENOENT vs EACCES". */
static const char *errno_name(int error)
{
    static const char *const names[] = {
        [EPERM] = "EPERM",   [ENOENT] = "ENOENT", [ESRCH] = "ESRCH",   [ECHILD] = "ECHILD",
        [EAGAIN] = "EAGAIN", [ENOMEM] = "ENOMEM", [EINVAL] = "EINVAL", [ENOSPC] = "ENOSPC",
        [ENOSYS] = "ENOSYS", [EUSERS] = "EUSERS",
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

/* The target of /proc/PID/ns/pid (PID 0: self) into BUFFER; "" if it cannot be read. */
static const char *namespace_link(pid_t pid, char *buffer, size_t size)
{
    char path[64];
    long length;

    if (pid == 0)
        snprintf(path, sizeof(path), "/proc/self/ns/pid");
    else
        snprintf(path, sizeof(path), "/proc/%d/ns/pid", (int)pid);
    length = readlink(path, buffer, size - 1);
    buffer[length > 0 ? length : 0] = '\0';
    return buffer;
}

/* Does TEXT have the form "pid:[digits]"? */
static int has_namespace_form(const char *text)
{
    size_t digits = strspn(text + 5, "0123456789");

    return strncmp(text, "pid:[", 5) == 0 && digits > 0 && strcmp(text + 5 + digits, "]") == 0;
}

/* Wait until every write end of the pipe READY has been closed, then close READY. */
static void wait_until_closed(int ready)
{
    char byte;

    while (read(ready, &byte, 1) > 0)
        continue;
    close(ready);
}

/* The new namespace's init: its own view and the numbering of its children; closes READY
 * when done, then waits until GATE's write end closes. */
static void nested_init(int ready, int gate)
{
    int status = 0;

    printf("  nested init: getpid() -> %d, getppid() -> %d\n", (int)getpid(), (int)getppid());
    for (int i = 0; i < 2; i++) {
        pid_t child = fork();
        if (child == 0) {
            printf("    its child: getpid() -> %d, getppid() -> %d\n", (int)getpid(),
                   (int)getppid());
            _exit(0);
        }
        waitpid(child, &status, 0);
        printf("  nested init: fork() returned %d\n", (int)child);
    }
    CHECK("  nested init: kill(1, 0)", kill(1, 0));
    CHECK("  nested init: getpgrp() (made outside its namespace)", getpgrp());
    close(ready);
    wait_until_closed(gate);
}

/* Fork a child that runs nested_init (if AS_INIT; it ends when GATE's write end closes) or
 * reports its PIDs and sleeps for good; return once it has printed. */
static pid_t start_child(int as_init, int gate[2])
{
    int ready[2];
    pid_t child;

    if (pipe(ready) < 0)
        return -1;
    child = fork();
    if (child == 0) {
        close(gate[1]);
        close(ready[0]);
        if (as_init) {
            nested_init(ready[1], gate[0]);
            _exit(7);
        }
        printf("  second child: getpid() -> %d, getppid() -> %d\n", (int)getpid(), (int)getppid());
        close(ready[1]);
        close(gate[0]);
        for (;;)
            pause();
    }
    close(ready[1]);
    wait_until_closed(ready[0]);
    return child;
}

/* A child of the test's init does the unsharing, so the init's own state stays plain.
 * (The second child must be reaped first: an init's exit completes only when every process of
 * its namespace has been reaped, and the second child's parent is the unsharer.) */
static void unsharing_child(void)
{
    char before[64], after[64], first_link[64], second_link[64];
    int gate[2], status = 0;
    pid_t me = getpid();

    namespace_link(0, before, sizeof(before));
    CHECK(" unsharer: unshare(CLONE_NEWPID)", unshare(CLONE_NEWPID));
    namespace_link(0, after, sizeof(after));
    printf(" unsharer: getpid() unchanged: %s, /proc/self/ns/pid unchanged: %s\n",
           yes_no(getpid() == me), yes_no(strcmp(before, after) == 0));
    CHECK(" unsharer: unshare(CLONE_NEWPID) a second time, before forking", unshare(CLONE_NEWPID));
    if (pipe(gate) < 0)
        return;
    pid_t first = start_child(1, gate);
    printf(" unsharer: fork() returned %d for the nested init\n", (int)first);
    CHECK(" unsharer: unshare(CLONE_NEWPID) again after the fork", unshare(CLONE_NEWPID));
    pid_t second = start_child(0, gate);
    printf(" unsharer: fork() returned %d for a second child into the same namespace\n",
           (int)second);
    namespace_link(first, first_link, sizeof(first_link));
    namespace_link(second, second_link, sizeof(second_link));
    printf(" unsharer: the nested init's /proc/PID/ns/pid has the form pid:[digits]: %s\n",
           yes_no(has_namespace_form(first_link)));
    printf(" unsharer: both children are in the same namespace: %s\n",
           yes_no(strcmp(first_link, second_link) == 0));
    printf(" unsharer: it differs from the unsharer's own: %s\n",
           yes_no(strcmp(first_link, before) != 0));
    close(gate[1]);
    waitpid(second, &status, 0);
    if (WIFSIGNALED(status))
        printf(" unsharer: when the nested init exits, the second child is killed by signal %d\n",
               WTERMSIG(status));
    else
        printf(" unsharer: when the nested init exits, the second child exits %d\n",
               WEXITSTATUS(status));
    waitpid(first, &status, 0);
    printf(" unsharer: the nested init exited %d\n", WIFEXITED(status) ? WEXITSTATUS(status) : -1);
    close(gate[0]);
}

int main(void)
{
    int status = 0;
    char link[64];

    setvbuf(stdout, NULL, _IONBF, 0);
    namespace_link(0, link, sizeof(link));
    printf("init: /proc/self/ns/pid has the form pid:[digits]: %s\n",
           yes_no(has_namespace_form(link)));
    pid_t child = fork();
    if (child == 0) {
        unsharing_child();
        _exit(0);
    }
    waitpid(child, &status, 0);
    printf("init: the unsharing child (pid %d) exited %d\n", (int)child,
           WIFEXITED(status) ? WEXITSTATUS(status) : -1);
    child = fork();
    if (child == 0)
        _exit(0);
    waitpid(child, &status, 0);
    printf("init: its next child has pid %d\n", (int)child);
    return 0;
}
