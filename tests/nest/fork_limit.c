// fork_limit.c - nest-only: fork children that pause until fork fails; nest's process table
// is limited, so fork must fail with EAGAIN (not crash, not hang). Then kill and reap them.
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/wait.h>
#include <unistd.h>

#define CAP 10000

int main(void)
{
    static pid_t children[CAP];
    int count = 0, error = 0;
    while (count < CAP) {
        pid_t pid = fork();
        if (pid < 0) {
            error = errno;
            break;
        }
        if (pid == 0) {
            pause();
            _exit(0);
        }
        children[count++] = pid;
    }
    int reaped = 0;
    for (int i = 0; i < count; i++)
        kill(children[i], SIGKILL);
    for (int i = 0; i < count; i++)
        if (waitpid(children[i], NULL, 0) == children[i])
            reaped++;
    printf("fork failed with %s after %d children; all %d reaped\n",
           error == EAGAIN ? "EAGAIN" : error ? "another error" : "no error", count, reaped);
    return error == EAGAIN && reaped == count ? 0 : 1;
}
