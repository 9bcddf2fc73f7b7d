// ABI: pidns
/* pidns_init_exit.c - when a namespace's init exits, every other process in it and in the
 * namespaces below it is killed; its parent's wait returns only when they are all gone; and
 * fork into the dead namespace (after unshare, or after setns to a saved /proc/PID/ns/pid
 * descriptor) fails with ENOMEM, while setns back to one's own namespace makes fork work again.
 * ABI test: run inside "unshare -p -f --mount-proc" on Linux and nest's own unshare on nest;
 * tests/abi/run.py compares the outputs, which must be identical.
 */
#define _GNU_SOURCE
#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

/* The symbolic name of errno value ERROR, so that a difference reads "ENOENT vs EACCES". */
static const char *errno_name(int error)
{
    static const char *const names[] = {
        [EPERM] = "EPERM",   [ENOENT] = "ENOENT", [ESRCH] = "ESRCH",   [EBADF] = "EBADF",
        [ECHILD] = "ECHILD", [EAGAIN] = "EAGAIN", [ENOMEM] = "ENOMEM", [EINVAL] = "EINVAL",
        [ENOSPC] = "ENOSPC", [ENOSYS] = "ENOSYS",
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

static int compare_ints(const void *a, const void *b)
{
    return *(const int *)a - *(const int *)b;
}

/* Print the numeric entries of /proc (the PIDs this namespace can see), sorted. */
static void list_proc(const char *what)
{
    DIR *proc = opendir("/proc");
    struct dirent *entry;
    int pids[64], count = 0;

    if (proc == NULL) {
        printf("%s: cannot open /proc\n", what);
        return;
    }
    while ((entry = readdir(proc)) != NULL && count < 64) {
        if (isdigit((unsigned char)entry->d_name[0]))
            pids[count++] = atoi(entry->d_name);
    }
    closedir(proc);
    qsort(pids, count, sizeof(pids[0]), compare_ints);
    printf("%s:", what);
    for (int i = 0; i < count; i++)
        printf(" %d", pids[i]);
    printf("\n");
}

/* Print the NSpid line of /proc/PID/status with tabs as spaces. */
static void print_nspid(const char *what, pid_t pid)
{
    char path[64], buffer[2048];
    int fd;
    long length;

    snprintf(path, sizeof(path), "/proc/%d/status", (int)pid);
    fd = open(path, O_RDONLY);
    length = fd < 0 ? -1 : read(fd, buffer, sizeof(buffer) - 1);
    if (fd >= 0)
        close(fd);
    buffer[length > 0 ? length : 0] = '\0';
    char *line = strstr(buffer, "NSpid:");
    if (line == NULL) {
        printf("%s: no NSpid line\n", what);
        return;
    }
    line[strcspn(line, "\n")] = '\0';
    for (char *c = line; *c; c++) {
        if (*c == '\t')
            *c = ' ';
    }
    printf("%s: %s\n", what, line);
}

/* Wait until every write end of the pipe FD has been closed. */
static void wait_until_closed(int fd)
{
    char byte;

    while (read(fd, &byte, 1) > 0)
        continue;
}

/* Fork a process that sleeps until killed, closing READY once it runs. */
static pid_t start_sleeper(int ready[2], int gate[2])
{
    pid_t child = fork();

    if (child == 0) {
        close(ready[0]);
        close(gate[0]);
        close(gate[1]);
        close(ready[1]);
        for (;;)
            pause();
    }
    return child;
}

/* The nested init: two sleepers, one of which makes a namespace one level deeper with a
 * sleeper of its own. Exits with 5 when GATE's write end closes. */
static void nested_init(int ready[2], int gate[2])
{
    close(gate[1]);
    start_sleeper(ready, gate);
    pid_t second = fork();
    if (second == 0) {
        unshare(CLONE_NEWPID);
        start_sleeper(ready, gate);
        close(ready[0]);
        close(ready[1]);
        close(gate[0]);
        for (;;)
            pause();
    }
    close(ready[0]);
    close(ready[1]);
    wait_until_closed(gate[0]);
    _exit(5);
}

/* Fork once, print what happened, reap the child. (Not its exact PID: Linux moves a namespace's
 * PID cursor even for a fork that then fails, which is no part of the contract.) */
static void try_fork(const char *what)
{
    int status = 0;

    errno = 0;
    pid_t child = fork();
    if (child == 0)
        _exit(0);
    if (child < 0) {
        printf("%s -> -1 %s\n", what, errno_name(errno));
        return;
    }
    printf("%s -> a child, its pid above the earlier ones (5): %s\n", what,
           child > 5 ? "yes" : "no");
    printf("  and waitpid finds it: %s\n", waitpid(child, &status, 0) == child ? "yes" : "no");
}

int main(void)
{
    int ready[2], gate[2], status = 0;

    setvbuf(stdout, NULL, _IONBF, 0);
    if (pipe(ready) < 0 || pipe(gate) < 0)
        return 1;
    CHECK("unshare(CLONE_NEWPID)", unshare(CLONE_NEWPID));
    pid_t nested = fork();
    if (nested == 0)
        nested_init(ready, gate);
    close(ready[1]);
    close(gate[0]);
    wait_until_closed(ready[0]);
    printf("nested init is pid %d here\n", (int)nested);
    list_proc("PIDs in /proc with the nested namespace populated");
    print_nspid("the deepest sleeper (pid 5)", 5);
    int saved_namespace = open("/proc/2/ns/pid", O_RDONLY);
    int own_namespace = open("/proc/self/ns/pid", O_RDONLY);

    close(gate[1]);
    pid_t reaped = waitpid(nested, &status, 0);
    printf("waitpid(nested init) -> %d, exit %d\n", (int)reaped,
           WIFEXITED(status) ? WEXITSTATUS(status) : -1);
    for (pid_t pid = 3; pid <= 5; pid++) {
        char what[64];
        snprintf(what, sizeof(what), "kill(%d, 0) right after that", (int)pid);
        CHECK(what, kill(pid, 0));
    }
    list_proc("PIDs in /proc now");
    try_fork("fork into the namespace whose init has exited");
    CHECK("setns(saved fd of the dead namespace, CLONE_NEWPID)",
          setns(saved_namespace, CLONE_NEWPID));
    try_fork("fork after that setns");
    CHECK("setns(fd of our own namespace, CLONE_NEWPID)", setns(own_namespace, CLONE_NEWPID));
    try_fork("fork after setns back to our own namespace");
    close(saved_namespace);
    close(own_namespace);
    return 0;
}
