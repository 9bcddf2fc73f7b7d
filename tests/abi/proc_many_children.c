/* proc_many_children.c - 200 children alive at once, each reaped exactly once with its own
 * status: half exit with a code derived from their index, the other half are killed.
 * ABI test: tests/abi/run.py runs it on Linux and on nest; the outputs must be identical.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <sys/wait.h>
#include <unistd.h>

#define CHILDREN 200

static pid_t children[CHILDREN]; /* PID of child i, 0 once reaped */

/* The index of PID in children[], or -1. */
static int index_of(pid_t pid)
{
    for (int i = 0; i < CHILDREN; i++) {
        if (children[i] == pid)
            return i;
    }
    return -1;
}

/* The exit code child I uses: different for neighbours, and covering 0..255. */
static int exit_code_of(int i)
{
    return (i * 37) % 256;
}

int main(void)
{
    int gate[2];
    int forked = 0, reaped = 0, right_status = 0, unknown = 0;
    char byte;

    setvbuf(stdout, NULL, _IONBF, 0);
    signal(SIGTERM, SIG_DFL);
    if (pipe(gate) < 0)
        return 1;
    for (int i = 0; i < CHILDREN; i++) {
        pid_t child = fork();

        if (child < 0) {
            printf("fork %d failed: errno %d\n", i, errno);
            break;
        }
        if (child == 0) {
            close(gate[1]);
            while (read(gate[0], &byte, 1) < 0 && errno == EINTR)
                continue;
            _exit(exit_code_of(i));
        }
        children[i] = child;
        forked++;
    }
    printf("forked %d children, all waiting on one pipe\n", forked);
    int status = 0;
    printf("none has exited yet (wait4 WNOHANG -> 0): %s\n",
           waitpid(-1, &status, WNOHANG) == 0 ? "yes" : "no");
    for (int i = 1; i < forked; i += 2)
        kill(children[i], SIGTERM);
    close(gate[1]);
    for (;;) {
        pid_t pid = waitpid(-1, &status, 0);
        if (pid < 0)
            break;
        int i = index_of(pid);
        if (i < 0) {
            unknown++;
            continue;
        }
        children[i] = 0;
        reaped++;
        if (i % 2 == 1 && WIFSIGNALED(status) && WTERMSIG(status) == SIGTERM)
            right_status++;
        else if (i % 2 == 0 && WIFEXITED(status) && WEXITSTATUS(status) == exit_code_of(i))
            right_status++;
    }
    printf("the wait loop ended with ECHILD: %s\n", errno == ECHILD ? "yes" : "no");
    printf("reaped %d children, %d with the expected status, %d unknown PIDs\n", reaped,
           right_status, unknown);
    return 0;
}
