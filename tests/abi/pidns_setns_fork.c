// ABI: pidns
/* pidns_setns_fork.c - setns(fd, CLONE_NEWPID) with fd from /proc/PID/ns/pid: the caller stays
 * put, its next child is born in the target namespace (with a small PID there and getppid() 0,
 * since its parent is outside), and its errors: an ancestor namespace (EINVAL), a wrong nstype
 * (EINVAL), a descriptor that is not a namespace (EINVAL), a bad descriptor (EBADF).
 * ABI test: run inside "unshare -p -f --mount-proc" on Linux and nest's own unshare on nest;
 * tests/abi/run.py compares the outputs, which must be identical.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <sched.h>
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
        [ECHILD] = "ECHILD", [ENOMEM] = "ENOMEM", [EINVAL] = "EINVAL", [ENOSYS] = "ENOSYS",
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

/* readlink of /proc/PID/ns/pid (PID 0: self) into BUFFER. */
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

/* Make a namespace whose init sleeps: a helper child unshares and forks the init, reports its
 * PID (as we see it, which is the same in the helper), and waits for it. */
static pid_t start_namespace(pid_t *helper)
{
    int report_pipe[2];
    pid_t init = -1;

    *helper = -1;

    if (pipe(report_pipe) < 0)
        return -1;
    *helper = fork();
    if (*helper == 0) {
        close(report_pipe[0]);
        unshare(CLONE_NEWPID);
        pid_t child = fork();
        if (child == 0) {
            close(report_pipe[1]);
            for (;;)
                pause();
        }
        if (write(report_pipe[1], &child, sizeof(child)) != sizeof(child))
            _exit(1);
        waitpid(child, NULL, 0);
        _exit(0);
    }
    close(report_pipe[1]);
    if (read(report_pipe[0], &init, sizeof(init)) != sizeof(init))
        init = -1;
    close(report_pipe[0]);
    return init;
}

/* In the child born in the target namespace: its own view, then setns toward an ancestor. */
static void child_in_target(int ancestor_fd)
{
    printf("  child: getpid() -> %d, getppid() -> %d\n", (int)getpid(), (int)getppid());
    CHECK("  child: kill(1, 0) (the target's init)", kill(1, 0));
    CHECK("  child: setns(fd of the parent's (ancestor) namespace, CLONE_NEWPID)",
          setns(ancestor_fd, CLONE_NEWPID));
    CHECK("  child: unshare(CLONE_NEWPID)", unshare(CLONE_NEWPID));
}

int main(void)
{
    char own[64], target_link[64], child_link[64];
    int status = 0;
    pid_t helper = -1;

    setvbuf(stdout, NULL, _IONBF, 0);
    int own_fd = open("/proc/self/ns/pid", O_RDONLY);
    namespace_link(0, own, sizeof(own));
    pid_t target_init = start_namespace(&helper);
    printf("the target namespace's init is pid %d here, its maker pid %d\n", (int)target_init,
           (int)helper);
    namespace_link(target_init, target_link, sizeof(target_link));
    char path[64];
    snprintf(path, sizeof(path), "/proc/%d/ns/pid", (int)target_init);
    int target_fd = open(path, O_RDONLY);
    printf("open(/proc/PID/ns/pid of that init) succeeded: %s\n", yes_no(target_fd >= 0));

    CHECK("setns(target fd, CLONE_NEWNET) (wrong type)", setns(target_fd, CLONE_NEWNET));
    int file_fd = open("/proc/self/status", O_RDONLY);
    CHECK("setns(fd of /proc/self/status, CLONE_NEWPID)", setns(file_fd, CLONE_NEWPID));
    close(file_fd);
    CHECK("setns(fd 999, CLONE_NEWPID)", setns(999, CLONE_NEWPID));
    CHECK("setns(our own namespace's fd, CLONE_NEWPID)", setns(own_fd, CLONE_NEWPID));
    CHECK("setns(target fd, 0) (any type)", setns(target_fd, 0));
    CHECK("setns(target fd, CLONE_NEWPID)", setns(target_fd, CLONE_NEWPID));
    printf("after setns: getpid() -> %d, /proc/self/ns/pid unchanged: %s\n", (int)getpid(),
           yes_no(strcmp(namespace_link(0, child_link, sizeof(child_link)), own) == 0));

    pid_t child = fork();
    if (child == 0) {
        child_in_target(own_fd);
        _exit(3);
    }
    waitpid(child, &status, 0);
    printf("fork() returned %d; the child exited %d\n", (int)child,
           WIFEXITED(status) ? WEXITSTATUS(status) : -1);

    int gate[2];
    if (pipe(gate) < 0)
        return 1;
    child = fork();
    if (child == 0) {
        char byte;
        close(gate[1]);
        while (read(gate[0], &byte, 1) > 0)
            continue;
        _exit(0);
    }
    close(gate[0]);
    printf("a second child is in the target namespace too: %s\n",
           yes_no(strcmp(namespace_link(child, child_link, sizeof(child_link)), target_link) == 0));
    close(gate[1]);
    waitpid(child, &status, 0);

    CHECK("setns(our own namespace's fd, CLONE_NEWPID) to go back", setns(own_fd, CLONE_NEWPID));
    child = fork();
    if (child == 0)
        _exit(getppid() == 1 ? 0 : 1);
    waitpid(child, &status, 0);
    printf("the next child is in our namespace again (its getppid() is 1): %s\n",
           yes_no(WIFEXITED(status) && WEXITSTATUS(status) == 0));

    kill(target_init, SIGKILL);
    waitpid(helper, &status, 0);
    printf("the target's maker exited %d after its init was killed\n",
           WIFEXITED(status) ? WEXITSTATUS(status) : -1);
    close(own_fd);
    close(target_fd);
    return 0;
}
