/* proc_vfork_signal.c - a vfork parent waits for its child's exit or exec whatever signals
 * come meanwhile: a signal with a handler stays pending and its handler runs once vfork has
 * returned; a signal whose default action kills ends the parent at once (the child goes on);
 * a parent that ignores SIGCHLD still wakes when its child exits (and there is nothing to
 * wait for).
 * ABI test: tests/abi/run.py runs it on Linux and on nest; the outputs must be identical.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static volatile sig_atomic_t usr1_count;
static volatile int handler_seen_by_child = -1; /* written by the vfork child */

static void on_usr1(int sig)
{
    (void)sig;
    usr1_count++;
}

static void sleep_ms(long milliseconds)
{
    struct timespec delay = { milliseconds / 1000, (milliseconds % 1000) * 1000000 };

    while (nanosleep(&delay, &delay) < 0 && errno == EINTR)
        continue;
}

/* The vfork child signals its parent, which has a handler, then sleeps and exits. */
static void handler_runs_after_vfork_returns(void)
{
    struct sigaction sa;

    memset(&sa, 0, sizeof(sa));
    sa.sa_handler = on_usr1;
    sigaction(SIGUSR1, &sa, NULL);
    pid_t child = vfork();
    if (child == 0) {
        kill(getppid(), SIGUSR1);
        sleep_ms(300);
        handler_seen_by_child = usr1_count;
        _exit(7);
    }
    int seen_at_return = usr1_count;
    int status = 0;
    waitpid(child, &status, 0);
    printf("handler: runs before the child exits: %s\n", handler_seen_by_child ? "yes" : "no");
    printf("handler: has run when vfork returns: %s\n", seen_at_return == 1 ? "yes" : "no");
    printf("handler: child exit status %d\n", WIFEXITED(status) ? WEXITSTATUS(status) : -1);
}

/* SIGTERM without a handler kills a vfork parent at once; its child runs on and reports
 * through a pipe that stays open until it exits. */
static void fatal_signal_ends_the_wait(void)
{
    int fds[2];

    if (pipe(fds) < 0)
        return;
    fflush(stdout);
    pid_t parent = fork();
    if (parent == 0) {
        close(fds[0]);
        pid_t child = vfork();
        if (child == 0) {
            kill(getppid(), SIGTERM);
            sleep_ms(300);
            write(fds[1], "child finished\n", 15);
            _exit(0);
        }
        write(fds[1], "parent survived\n", 16);
        _exit(0);
    }
    close(fds[1]);
    int status = 0;
    waitpid(parent, &status, 0);
    printf("fatal: vfork parent killed by signal %d\n", WIFSIGNALED(status) ? WTERMSIG(status) : 0);
    char text[64];
    ssize_t n, total = 0;
    while ((n = read(fds[0], text + total, sizeof(text) - 1 - total)) > 0)
        total += n;
    text[total] = '\0';
    printf("fatal: the pipe said: %s", text);
    close(fds[0]);
}

/* With SIGCHLD ignored the child is gone as soon as it exits; the parent still wakes. */
static void ignored_sigchld(void)
{
    signal(SIGCHLD, SIG_IGN);
    pid_t child = vfork();
    if (child == 0) {
        sleep_ms(100);
        _exit(3);
    }
    int status = 0;
    pid_t got = waitpid(-1, &status, 0);
    printf("ignored SIGCHLD: vfork returned a pid: %s, waitpid: %s\n", child > 0 ? "yes" : "no",
           got < 0 ? strerror(errno) : "a child");
    signal(SIGCHLD, SIG_DFL);
}

int main(void)
{
    setvbuf(stdout, NULL, _IONBF, 0);
    handler_runs_after_vfork_returns();
    fatal_signal_ends_the_wait();
    ignored_sigchld();
    return 0;
}
