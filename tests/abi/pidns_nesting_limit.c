// ABI: pidns
/* pidns_nesting_limit.c - PID namespaces nest 32 levels below the root: starting inside the one
 * that unshare -p -f made (level 1), unshare(CLONE_NEWPID) + fork succeeds 31 more times and
 * the next unshare fails with ENOSPC. Every level's first process is PID 1 there with getppid()
 * 0. Each level's process waits for the next and exits with its status, so only the deepest
 * prints.
 * ABI test: run inside "unshare -p -f --mount-proc" on Linux and nest's own unshare on nest;
 * tests/abi/run.py compares the outputs, which must be identical.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <sched.h>
#include <stdio.h>
#include <sys/wait.h>
#include <unistd.h>

#define SAFETY_LIMIT 100 /* stop creating levels here even if the kernel never refuses */

/* The symbolic name of errno value ERROR, so that a difference reads "ENOENT vs EACCES". */
static const char *errno_name(int error)
{
    static const char *const names[] = {
        [EPERM] = "EPERM",   [EAGAIN] = "EAGAIN", [ENOMEM] = "ENOMEM", [EINVAL] = "EINVAL",
        [ENOSPC] = "ENOSPC", [ENOSYS] = "ENOSYS", [EUSERS] = "EUSERS",
    };
    static char number[24];

    if (error > 0 && error < (int)(sizeof(names) / sizeof(names[0])) && names[error] != NULL)
        return names[error];
    snprintf(number, sizeof(number), "errno %d", error);
    return number;
}

int main(void)
{
    int created = 0;     /* namespaces created below the starting one */
    int all_pid_one = 1; /* every level's process had getpid() 1 and getppid() 0 */
    int status = 0;

    setvbuf(stdout, NULL, _IONBF, 0);
    printf("starting level: getpid() -> %d, getppid() -> %d\n", (int)getpid(), (int)getppid());
    for (;;) {
        if (created == SAFETY_LIMIT) {
            printf("created %d nested namespaces without a refusal; stopped\n", created);
            return 0;
        }
        if (unshare(CLONE_NEWPID) < 0) {
            printf("created %d nested namespaces below the starting one\n", created);
            printf("the next unshare(CLONE_NEWPID) failed with %s\n", errno_name(errno));
            break;
        }
        pid_t child = fork();
        if (child < 0) {
            printf("created %d nested namespaces below the starting one\n", created);
            printf("unshare succeeded but the next fork failed with %s\n", errno_name(errno));
            break;
        }
        if (child > 0) {
            if (waitpid(child, &status, 0) != child)
                return 100;
            return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
        }
        created++;
        all_pid_one &= getpid() == 1 && getppid() == 0;
    }
    printf("every new level's process had getpid() 1 and getppid() 0: %s\n",
           all_pid_one ? "yes" : "no");
    return 0;
}
