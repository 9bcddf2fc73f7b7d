/* proc_fork_limit.c - a bounded fork bomb: fork children that wait in pause() until fork fails
 * or 5000 are alive. nest's process table fills first and fork must fail with EAGAIN; Linux
 * (as root, where RLIMIT_NPROC does not apply) reaches the cap. Either way every child is then
 * killed and reaped, and fork works again.
 * ABI test: tests/abi/run.py runs it on Linux and on nest; the outputs must be identical.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/wait.h>
#include <unistd.h>

#define CAP 5000 /* children at most; above nest's process table, cheap for Linux */

static pid_t children[CAP];

int main(void)
{
    int forked = 0, fork_error = 0, reaped = 0, killed = 0;
    int status;

    setvbuf(stdout, NULL, _IONBF, 0);
    while (forked < CAP) {
        pid_t child = fork();

        if (child < 0) {
            fork_error = errno;
            break;
        }
        if (child == 0) {
            for (;;)
                pause();
        }
        children[forked++] = child;
    }
    printf("fork eventually failed with EAGAIN or the cap was reached: %s\n",
           fork_error == EAGAIN || (fork_error == 0 && forked == CAP) ? "yes" : "no");
    if (fork_error != 0 && fork_error != EAGAIN)
        printf("fork failed with errno %d instead\n", fork_error);
    printf("more than 1000 children were alive at once: %s\n", forked > 1000 ? "yes" : "no");
    for (int i = 0; i < forked; i++)
        kill(children[i], SIGKILL);
    while (waitpid(-1, &status, 0) > 0) {
        reaped++;
        if (WIFSIGNALED(status) && WTERMSIG(status) == SIGKILL)
            killed++;
    }
    printf("reaped == forked: %s\n", reaped == forked ? "yes" : "no");
    printf("every child was killed by SIGKILL: %s\n", killed == forked ? "yes" : "no");
    pid_t child = fork();
    if (child == 0)
        _exit(7);
    printf("fork works again after the reaping: %s\n", child > 0 ? "yes" : "no");
    if (child > 0 && waitpid(child, &status, 0) == child)
        printf("and its child exits with 7: %s\n", WEXITSTATUS(status) == 7 ? "yes" : "no");
    return 0;
}
