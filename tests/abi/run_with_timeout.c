// ABI: helper
/* run_with_timeout.c - not a test: the per-test watchdog that tests/abi/run.py puts in front of
 * every test on nest, so that one test that hangs does not use up the whole boot.
 *
 *     run_with_timeout SECONDS PROGRAM [ARGUMENT...]
 *
 * runs PROGRAM in a process group of its own (as the Linux side runs each test in a session of
 * its own) and exits as a shell reports it: its exit code, or 128 + the signal that killed it.
 * If it is still running after SECONDS, prints "==== TIMEOUT after SECONDS s", kills its
 * process group with SIGKILL and exits 124. A second process sleeps out the time, so the
 * watchdog waits in wait(2) instead of polling.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#define GRACE_SECONDS 10 /* how long a killed test may take to die before we give up on it */

/* Fork a process that sleeps SECONDS and exits: our timer. */
static pid_t start_timer(int seconds)
{
    pid_t timer = fork();

    if (timer == 0) {
        struct timespec left = { seconds, 0 };
        while (nanosleep(&left, &left) < 0 && errno == EINTR)
            continue;
        _exit(0);
    }
    return timer;
}

/* Wait until PROGRAM or TIMER ends; return 1 if PROGRAM did (its status in *STATUS). */
static int wait_for_either(pid_t program, pid_t timer, int *status)
{
    for (;;) {
        int one = 0;
        pid_t pid = wait(&one);
        if (pid == program) {
            *status = one;
            return 1;
        }
        if (pid == timer)
            return 0;
        if (pid < 0 && errno != EINTR)
            return 0;
    }
}

/* Stop TIMER and collect it. */
static void stop_timer(pid_t timer)
{
    kill(timer, SIGKILL);
    waitpid(timer, NULL, 0);
}

int main(int argc, char **argv)
{
    int seconds = argc >= 3 ? atoi(argv[1]) : 0;
    int status = 0;

    if (seconds <= 0) {
        fprintf(stderr, "usage: run_with_timeout SECONDS PROGRAM [ARGUMENT...]\n");
        return 2;
    }
    pid_t program = fork();
    if (program < 0) {
        perror("run_with_timeout: fork");
        return 125;
    }
    if (program == 0) {
        setpgid(0, 0);
        execv(argv[2], argv + 2);
        fprintf(stderr, "run_with_timeout: cannot run %s: %s\n", argv[2], strerror(errno));
        _exit(127);
    }
    setpgid(program, program);
    pid_t timer = start_timer(seconds);
    if (!wait_for_either(program, timer, &status)) {
        printf("==== TIMEOUT after %d s\n", seconds);
        fflush(stdout);
        kill(-program, SIGKILL);
        kill(program, SIGKILL);
        timer = start_timer(GRACE_SECONDS);
        if (!wait_for_either(program, timer, &status))
            printf("==== the timed-out program did not die within %d s of SIGKILL\n",
                   GRACE_SECONDS);
        stop_timer(timer);
        return 124;
    }
    stop_timer(timer);
    if (WIFSIGNALED(status))
        return 128 + WTERMSIG(status);
    return WEXITSTATUS(status);
}
